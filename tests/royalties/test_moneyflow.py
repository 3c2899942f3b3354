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
