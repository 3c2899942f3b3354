"""What one artist earns: the factor a payout rule puts on the market rate, and the income."""

import pytest

from valuelab import royalties as r
from valuelab.core import InputError


def test_the_calculator_models_every_rule_but_artist_centric():
    assert r.CALCULATOR_RULES == (
        "pro_rata",
        "user_centric",
        "user_centric_equal",
        "blend_50",
        "threshold_1000",
    )
    with pytest.raises(InputError, match="unknown payout rule 'artist_centric'"):
        r.rule_factor("artist_centric", 1.0, 5_000)


@pytest.mark.parametrize(
    ("rule", "fans", "yearly", "factor"),
    [
        ("pro_rata", 3.0, 10, 1.0),
        ("user_centric", 2.0, 10, 0.5),  # heavy-listening fans: half the rate per stream
        ("user_centric", 0.5, 10, 2.0),
        ("user_centric_equal", 2.0, 10, 0.5),
        ("blend_50", 2.0, 10, 0.75),
        ("threshold_1000", 1.0, 999, 0.0),  # under 1,000 streams a year: nothing
        ("threshold_1000", 1.0, 1000, 100 / 99.5),  # the rest share the 0.5 % freed
    ],
)
def test_rule_factor(rule, fans, yearly, factor):
    assert r.rule_factor(rule, fans, yearly) == pytest.approx(factor)


def test_the_blend_factor_follows_the_registry_weight():
    alpha = r.payout_rule("blend_50").options["alpha"]
    uc = r.rule_factor("user_centric", 4.0, 10)
    assert r.rule_factor("blend_50", 4.0, 10) == pytest.approx(alpha * uc + (1 - alpha))


@pytest.mark.parametrize(
    ("rule", "fans", "paid", "factor"),
    [
        # fans paying 1.5x the average, streaming as much: 1.5x the rate per stream
        ("user_centric", 1.0, 1.5, 1.5),
        # free fans (0.38 vs 3.397, the average of 70 % Premium at 4.69, 30 % free at 0.38)
        ("user_centric", 2.0, 0.38 / 3.397, 0.38 / 3.397 / 2),
        ("user_centric_equal", 2.0, 0.1, 0.5),  # equal shares: what fans pay does not count
        ("blend_50", 1.0, 3.0, 0.5 * 3.0 + 0.5),
        ("pro_rata", 2.0, 3.0, 1.0),
    ],
)
def test_rule_factor_with_what_fans_pay(rule, fans, paid, factor):
    assert r.rule_factor(rule, fans, 5_000, fan_payment=paid) == pytest.approx(factor)


def test_the_rate_is_the_recording_side():
    assert r.RATE_SIDE == "recording"
    out = r.artist_income(10_000)
    assert out["recording_rate"] == r.DEFAULT_RATE_USD == 0.003
    # both sides: the recording rate over the recording share (DiMA 2021: 80 %)
    assert out["pool_rate"] == pytest.approx(0.003 / 0.8)


def test_artist_income_by_hand():
    # USD 0.003 a stream to the recording side; the artist gets 23.3 % of it (major deal)
    out = r.artist_income(10_000)
    assert out["artist_share"] == pytest.approx(0.8 * 0.233)
    assert out["per_stream"] == pytest.approx(0.003 * 0.233)
    assert out["monthly"] == pytest.approx(10_000 * 0.003 * 0.233)
    assert out["needed"] == r.streams_needed(1_500, 0.003 / 0.8, out["artist_share"])
    # a songwriter-artist adds half the publishing side: 0.003 / 0.8 x 0.2 x 0.5 a stream
    writer = r.artist_income(10_000, writes_songs=True)
    assert writer["per_stream"] == pytest.approx(0.003 * 0.233 + 0.003 / 0.8 * 0.2 * 0.5)
    # 12 tracks of 50 streams a month = 50 a year each: under the threshold
    small = r.artist_income(50, rule="threshold_1000", tracks=12)
    assert small["monthly"] == 0.0
    assert small["needed"] == r.streams_needed(
        1_500, 0.003 / 0.8 * 100 / 99.5, small["artist_share"]
    )


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"tracks": 0}, "tracks"),
        ({"monthly_streams": 1.5}, "monthly_streams"),
        ({"deal": "360"}, "deal"),
        ({"rule": "artist_centric"}, "rule"),
        ({"fan_payment": -1.0}, "fan_payment"),
    ],
)
def test_artist_income_names_a_bad_input(kwargs, named):
    with pytest.raises(InputError, match=named):
        r.artist_income(**kwargs)
