"""What one artist earns: the factor a payout rule puts on the market rate, and the income."""

import pytest

from valuelab import royalties as r
from valuelab.core import InputError


def test_the_calculator_models_every_rule_but_artist_centric():
    assert r.CALCULATOR_RULES == ("pro_rata", "user_centric", "blend_50", "threshold_1000")
    with pytest.raises(InputError, match="unknown payout rule 'artist_centric'"):
        r.rule_factor("artist_centric", 1.0, 5_000)


@pytest.mark.parametrize(
    ("rule", "fans", "yearly", "factor"),
    [
        ("pro_rata", 3.0, 10, 1.0),
        ("user_centric", 2.0, 10, 0.5),  # heavy-listening fans: half the rate per stream
        ("user_centric", 0.5, 10, 2.0),
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


def test_artist_income_by_hand():
    # USD 0.003 a stream, recording 80 %, major deal 23.3 %
    out = r.artist_income(10_000)
    assert out["pool_rate"] == r.DEFAULT_RATE_USD == 0.003
    assert out["artist_share"] == pytest.approx(0.8 * 0.233)
    assert out["per_stream"] == pytest.approx(0.003 * 0.8 * 0.233)
    assert out["monthly"] == pytest.approx(10_000 * 0.003 * 0.8 * 0.233)
    assert out["needed"] == r.streams_needed(1_500, 0.003, out["artist_share"])
    # 12 tracks of 50 streams a month = 50 a year each: under the threshold
    small = r.artist_income(50, rule="threshold_1000", tracks=12)
    assert small["monthly"] == 0.0
    assert small["needed"] == r.streams_needed(1_500, 0.003 * 100 / 99.5, small["artist_share"])


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"tracks": 0}, "tracks"),
        ({"monthly_streams": 1.5}, "monthly_streams"),
        ({"deal": "360"}, "deal"),
        ({"rule": "artist_centric"}, "rule"),
    ],
)
def test_artist_income_names_a_bad_input(kwargs, named):
    with pytest.raises(InputError, match=named):
        r.artist_income(**kwargs)
