"""The money flow: revenue -> royalty pool -> recording and publishing -> artist."""

import pandas as pd
import pytest

from valuelab import royalties as r
from valuelab.core.errors import InputError


def test_money_flow():
    assert r.royalty_pool(9_668, 2 / 3) == pytest.approx(6_445.33, abs=0.01)
    parts = r.split_payout(100.0)
    assert parts["recording"] + parts["publishing"] == pytest.approx(100.0)
    assert parts["label"] + parts["artist"] == pytest.approx(parts["recording"])
    assert parts["artist"] == pytest.approx(100 * 0.8 * 0.233)
    assert parts["songwriter"] == pytest.approx(10.0)
    frame = r.split_payout(pd.Series([10.0, 20.0], index=["X", "Y"]), recording_share=0.5)
    assert frame.loc["Y", "publishing"] == pytest.approx(10.0)
    path = r.euro_path(payout_share=0.7, recording_share=1.0, artist_royalty_rate=0.2)
    assert path.set_index("recipient")["eur"].to_dict() == pytest.approx(
        {"service": 0.3, "label": 0.56, "artist": 0.14, "publisher": 0.0, "songwriter": 0.0}
    )
    assert r.per_stream_rate(3_000, 1_000_000) == pytest.approx(0.003)
    assert r.streams_needed(1_000, 0.004, 0.25) == 1_000_000
    assert r.streams_needed(1_000, 0.003, 0.2) == 1_666_667


def test_bad_arguments_named():
    cases = [
        (lambda: r.royalty_pool(100, 1.2), "payout_share"),
        (lambda: r.split_payout(10, recording_share=2), "recording_share"),
        (lambda: r.split_payout(pd.Series([1.0, -1.0])), "row 1"),
        (lambda: r.per_stream_rate(10, 0), "total_streams"),
        (lambda: r.streams_needed(10, 0.003, 0), "artist_share"),
    ]
    for call, named in cases:
        with pytest.raises(InputError, match=named):
            call()


def test_royalty_pool_is_revenue_times_the_share():
    assert r.royalty_pool(300.0) == pytest.approx(200.0)  # default two-thirds
    assert r.royalty_pool(1_000, 0.52) == pytest.approx(520.0)
    assert r.royalty_pool(0, 0.7) == 0.0 and r.royalty_pool(50, 0) == 0.0
    with pytest.raises(InputError, match="revenue"):
        r.royalty_pool(-1)


def test_split_payout_by_hand_with_the_sourced_defaults():
    parts = r.split_payout(100.0)
    # recording 80 % of 100 = 80; the artist gets 23.3 % of it = 18.64, the label 61.36;
    # publishing 20, split half to the songwriter (10) and half to the publisher (10)
    expected = {
        "recording": 80.0,
        "publishing": 20.0,
        "label": 80.0 - 18.64,
        "artist": 18.64,
        "publisher": 10.0,
        "songwriter": 10.0,
    }
    assert parts.to_dict() == pytest.approx(expected)
    assert list(parts.index) == list(expected) and parts.name == "eur"


def test_split_payout_of_a_series_gives_one_row_per_payee():
    frame = r.split_payout(
        pd.Series([50.0, 0.0], index=["X", "Y"]),
        recording_share=0.6,
        artist_royalty_rate=0.5,
        songwriter_share=0.25,
    )
    assert list(frame.index) == ["X", "Y"]
    # X: recording 30 (artist 15, label 15), publishing 20 (writer 5, publisher 15)
    assert frame.loc["X"].to_dict() == pytest.approx(
        {
            "recording": 30.0,
            "publishing": 20.0,
            "label": 15.0,
            "artist": 15.0,
            "publisher": 15.0,
            "songwriter": 5.0,
        }
    )
    assert (frame.loc["Y"] == 0).all()
    leaves = frame[["label", "artist", "publisher", "songwriter"]].sum(axis=1)
    assert leaves.tolist() == pytest.approx([50.0, 0.0])  # every euro lands somewhere


def test_euro_path_follows_one_euro_with_the_defaults():
    path = r.euro_path().set_index("recipient")
    assert list(path.index) == ["service", "label", "artist", "publisher", "songwriter"]
    pool = 2 / 3
    recording = pool * 0.8
    by_hand = {
        "service": 1 - pool,  # 0.333
        "label": recording * (1 - 0.233),  # 0.409
        "artist": recording * 0.233,  # 0.124
        "publisher": (pool - recording) * 0.5,  # 0.067
        "songwriter": (pool - recording) * 0.5,
    }
    assert path["eur"].to_dict() == pytest.approx(by_hand)
    assert path["eur"].sum() == pytest.approx(1.0)
    assert path["share"].to_dict() == pytest.approx(by_hand)


def test_euro_path_scales_with_the_amount():
    ten = r.euro_path(payout_share=0.5, recording_share=1.0, artist_royalty_rate=0.1, amount=10)
    assert ten.set_index("recipient")["eur"].to_dict() == pytest.approx(
        {"service": 5.0, "label": 4.5, "artist": 0.5, "publisher": 0.0, "songwriter": 0.0}
    )
    assert ten["share"].tolist() == pytest.approx([0.5, 0.45, 0.05, 0.0, 0.0])
    nothing = r.euro_path(amount=0)
    assert (nothing["eur"] == 0).all() and (nothing["share"] == 0).all()


def test_per_stream_rate_and_streams_needed_by_hand():
    assert r.per_stream_rate(3_000, 1_000_000) == pytest.approx(0.003)
    assert r.per_stream_rate(0, 10) == 0.0
    # 1,000 EUR at 0.004 EUR per stream, 25 % reaching the artist: 1,000 / 0.001 streams
    assert r.streams_needed(1_000, 0.004, 0.25) == 1_000_000
    # 1,000 / (0.003 x 0.2) = 1,666,666.67: rounded up to a whole stream
    assert r.streams_needed(1_000, 0.003, 0.2) == 1_666_667
    # 9 / (0.001 x 0.3) is 30,000.000000000004 in floating point: still 30,000 streams
    assert r.streams_needed(9, 0.001, 0.3) == 30_000
    assert r.streams_needed(0, 0.003, 0.2) == 0
    with pytest.raises(InputError, match="per_stream_rate"):
        r.streams_needed(10, 0, 0.2)


def test_deals_map_a_deal_to_the_artist_royalty_rate():
    assert r.DEALS["major label (CMA 2021 average)"] == r.DEFAULT_ARTIST_ROYALTY_RATE == 0.233
    assert sorted(r.DEALS.values()) == [0.233, 0.5, 1.0]
    self_released = r.split_payout(100.0, artist_royalty_rate=r.DEALS["self-released (assumption)"])
    assert self_released["artist"] == pytest.approx(80.0) and self_released["label"] == 0.0
