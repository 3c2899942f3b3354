"""Payout rules (pro-rata, user-centric and variants) by hand and at scale; lesson 02."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support import NOTEBOOKS

from valuelab import royalties as r
from valuelab.core import labelled
from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.data.synthetic import listening_log

NOTEBOOK = NOTEBOOKS / "02_spotify_royalties.ipynb"


def cents(s: pd.Series) -> int:
    return int((s * 100).round().astype(np.int64).sum())


@pytest.fixture(scope="module")
def two_listeners() -> pd.DataFrame:
    # two Premium listeners paying the same; one plays X 90 times, the other Y 10 times
    return pd.DataFrame(
        {
            "user_id": ["u1", "u2"],
            "artist_id": ["X", "Y"],
            "streams": [90, 10],
            "tier": ["premium", "premium"],
        }
    )


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return listening_log.generate(n_rows=5_000, seed=7, stream_farm=2)


# --- item 8: the hand-computed case -----------------------------------------


def test_hand_computed_pro_rata(two_listeners):
    assert r.pro_rata(two_listeners, 20).to_dict() == {"X": 18.0, "Y": 2.0}


def test_hand_computed_user_centric(two_listeners):
    assert r.user_centric(two_listeners, 20).to_dict() == {"X": 10.0, "Y": 10.0}
    assert r.user_centric(two_listeners, 20, weights="equal").to_dict() == {"X": 10.0, "Y": 10.0}


def test_hand_computed_blend_and_weights(two_listeners):
    # alpha 0.25: 0.25 * 10 + 0.75 * 18 = 16 for X
    assert r.blend(two_listeners, 20, 0.25).to_dict() == {"X": 16.0, "Y": 4.0}
    assert r.blend(two_listeners, 20, 1).equals(r.user_centric(two_listeners, 20))
    assert r.blend(two_listeners, 20, 0).equals(r.pro_rata(two_listeners, 20))
    # u1 pays 3 times what u2 pays -> X gets 3/4 of the pool
    weights = {"u1": 3.0, "u2": 1.0}
    assert r.user_centric(two_listeners, 20, weights=weights).to_dict() == {"X": 15.0, "Y": 5.0}
    paid = two_listeners.assign(user_revenue=[3.0, 1.0])
    assert r.user_centric(paid, 20).to_dict() == {"X": 15.0, "Y": 5.0}
    assert r.user_centric(paid, 20, weights="user_revenue").to_dict() == {"X": 15.0, "Y": 5.0}


def test_user_without_streams_is_redistributed():
    log = pd.DataFrame(
        {
            "user_id": ["a", "b", "c"],
            "artist_id": ["X", "Y", "Y"],
            "streams": [4, 1, 0],
            "tier": ["premium", "premium", "premium"],
        }
    )
    # c streamed nothing: a and b share the pool equally
    assert r.user_centric(log, 10).to_dict() == {"X": 5.0, "Y": 5.0}


# --- user-centric weighted by what each listener pays, by hand ----------------


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    """Four listeners, Premium and free, in two markets (prices: world 4.69/0.38, low 2.35/0.19)."""
    return pd.DataFrame(
        {
            "user_id": ["p1", "p1", "f1", "p2", "f2", "f2"],
            "artist_id": ["X", "Y", "X", "Z", "Y", "Z"],
            "streams": [30, 10, 100, 5, 1, 3],
            "tier": ["premium", "premium", "free", "premium", "free", "free"],
            "market": ["world", "world", "world", "low", "low", "low"],
        }
    )


def test_payment_weighted_user_centric_by_hand(mixed):
    # each listener's payment x 2/3 goes to what that listener played:
    # p1 4.69: X 3/4, Y 1/4; f1 0.38: X; p2 2.35: Z; f2 0.19: Y 1/4, Z 3/4
    share = 2 / 3
    assert r.log_revenue(mixed) == 7.61
    pool = r.royalty_pool(r.log_revenue(mixed), share)
    x = (4.69 * 3 / 4 + 0.38) * share  # 2.598333
    y = (4.69 / 4 + 0.19 / 4) * share  # 0.813333
    z = (2.35 + 0.19 * 3 / 4) * share  # 1.661667
    assert r.user_centric(mixed, pool).to_dict() == {"X": 2.60, "Y": 0.81, "Z": 1.66}
    assert round(x, 2) == 2.60 and round(y, 2) == 0.81 and round(z, 2) == 1.66


def test_equal_weights_let_a_free_listener_steer_as_much(mixed):
    # the teaching contrast: each of 4 listeners steers 7.61 x 2/3 / 4 = 1.268333
    pool = r.royalty_pool(r.log_revenue(mixed), 2 / 3)
    each = pool / 4
    x, y, z = each * 3 / 4 + each, each / 4 + each / 4, each + each * 3 / 4
    got = r.user_centric(mixed, pool, weights="equal")
    assert got.to_dict() == {"X": round(x, 2), "Y": round(y, 2), "Z": round(z, 2)}
    assert got["X"] == 2.22 and r.user_centric(mixed, pool)["X"] == 2.60


def test_pro_rata_is_computed_per_market_pool(mixed):
    # world pool (4.69 + 0.38) x 2/3 = 3.38 over X 130, Y 10 streams;
    # low pool (2.35 + 0.19) x 2/3 = 1.693333 over Y 1, Z 8 streams
    pool = r.royalty_pool(r.log_revenue(mixed), 2 / 3)
    world, low = 5.07 * 2 / 3, 2.54 * 2 / 3
    x = world * 130 / 140
    y = world * 10 / 140 + low * 1 / 9
    z = low * 8 / 9
    got = r.pro_rata(mixed, pool)
    assert got.to_numpy() == pytest.approx([x, y, z], abs=0.01)
    # 507 cents: floors 313 + 42 + 150 = 505; the 2 cents left go to the largest
    # fractions (Y .958, X .857), not to Z (.519)
    assert got.to_dict() == {"X": 3.14, "Y": 0.43, "Z": 1.50}
    # one global pool would pay by share of all 149 streams instead
    one_pool = r.pro_rata(mixed.drop(columns=["tier", "market"]), pool)
    assert one_pool["X"] == pytest.approx(pool * 130 / 149, abs=0.01)
    assert one_pool["X"] > got["X"] + 1  # free listeners' many streams count fully


def test_pools_per_market_and_month(mixed):
    two_months = pd.concat(
        [mixed.assign(month="2024-01"), mixed.iloc[:3].assign(month="2024-02")],
        ignore_index=True,
    )
    pools = r.market_pools(two_months, 2 / 3).set_index(["market", "month"])
    assert pools.index.tolist() == [("low", "2024-01"), ("world", "2024-01"), ("world", "2024-02")]
    assert pools["revenue_eur"].round(2).tolist() == [2.54, 5.07, 5.07]
    assert pools["listeners"].tolist() == [2, 2, 2]
    assert pools[["premium", "free"]].to_numpy().tolist() == [[1, 1], [1, 1], [1, 1]]
    assert pools["streams"].tolist() == [9, 140, 140]
    assert pools["pool_eur"].tolist() == pytest.approx([2.54 * 2 / 3, 5.07 * 2 / 3, 5.07 * 2 / 3])
    # a listener pays in each month: p1 and f1 count twice
    assert r.log_revenue(two_months) == 12.68
    pool = r.royalty_pool(12.68, 2 / 3)
    # user-centric: each listener-month's payment, so the one-month shares double for p1, f1
    x = (4.69 * 3 / 4 + 0.38) * 2 * 2 / 3
    assert r.user_centric(two_months, pool)["X"] == round(x, 2)
    # pro-rata: three pools; X has 130 of 140 streams in each world pool
    assert r.pro_rata(two_months, pool)["X"] == round(2 * 5.07 * 2 / 3 * 130 / 140, 2)


def test_stream_farm_gets_its_own_subscriptions_times_the_share():
    # lesson 02: 3 Premium accounts at EUR 4.69 streaming only FARM: 3 x 4.69 x 2/3 = 9.38
    farm = listening_log.generate(n_rows=3_000, seed=11, stream_farm=3)
    got = r.farm_effect(farm, 2 / 3)
    assert got["accounts"] == 3 and got["paid_eur"] == 14.07
    assert got["user_centric_eur"] == got["own_share_eur"] == 9.38
    # equal shares: 3 of n listeners' share of the pool, whatever they paid
    n = farm["user_id"].nunique()
    assert got["user_centric_equal_eur"] == pytest.approx(3 / n * got["pool_eur"], abs=0.01)
    # pro-rata: the farm's share of the world market's streams x the world pool
    world = farm[farm["market"] == "world"]
    world_pool = r.market_pools(farm, 2 / 3).set_index("market").loc["world", "pool_eur"]
    share = world.loc[world["artist_id"] == "FARM", "streams"].sum() / world["streams"].sum()
    assert got["pro_rata_eur"] == pytest.approx(share * world_pool, abs=0.01)
    assert got["pro_rata_eur"] > 10 * got["user_centric_eur"]
    shown = r.farm_table(got)
    assert shown.loc["What the farm's accounts pay", "Value"] == 14.07
    assert shown.loc["Farm's payout, User-centric", "Value"] == 9.38
    assert shown.loc["Farm accounts (they play only the farm)", "Unit"] == "accounts"
    assert len(shown) == len(got) and not any("_" in f for f in shown.index)


def test_largest_remainder_rounding():
    log = pd.DataFrame({"user_id": list("abc"), "artist_id": list("XYZ"), "streams": [1, 1, 1]})
    assert r.pro_rata(log, 1).tolist() == [0.34, 0.33, 0.33]
    assert r.largest_remainder(np.array([2.0, 1.0, 1.0]), 5).tolist() == [3, 1, 1]
    assert r.largest_remainder(np.array([0.0]), 0).tolist() == [0]
    with pytest.raises(InputError, match="nothing to split"):
        r.largest_remainder(np.array([0.0, 0.0]), 5)


# --- every rule conserves the pool ------------------------------------------


@pytest.mark.parametrize("pool", [0.0, 0.01, 1234.57, 1_000_003.33])
@pytest.mark.parametrize("rule", list(r.RULES))
def test_every_rule_conserves_the_pool(log, rule, pool):
    pay = r.RULES[rule](log, pool)
    assert cents(pay) == round(pool * 100)
    assert (pay >= 0).all()
    assert pay.index.name == "artist_id"
    assert pay.index.is_monotonic_increasing


def test_rules_with_weights_and_thresholds_conserve(log):
    for pay in (
        r.user_centric(log, 999.99, weights="equal"),
        r.blend(log, 999.99, 0.3, weights="equal"),
        r.pro_rata(r.apply_threshold(log, 50, level="track"), 999.99),
        r.user_centric(r.apply_threshold(log, 50, level="artist"), 999.99),
    ):
        assert cents(pay) == 99999


def test_ids_as_plain_strings_match_categoricals(log):
    plain = log.astype({"user_id": str, "artist_id": str})
    pd.testing.assert_series_equal(r.pro_rata(plain, 500), r.pro_rata(log, 500))
    pd.testing.assert_series_equal(r.user_centric(plain, 500), r.user_centric(log, 500))
    strings = log.astype({c: str for c in ("user_id", "artist_id", "tier", "market")})
    pd.testing.assert_series_equal(r.pro_rata(strings, 500), r.pro_rata(log, 500))
    pd.testing.assert_series_equal(r.user_centric(strings, 500), r.user_centric(log, 500))


def test_user_centric_matches_a_per_user_loop(log):
    pay = r.user_centric(log, 1000.0, weights="equal")
    expected = pd.Series(0.0, index=pay.index)
    users = log.groupby("user_id", observed=True)
    for _, rows in users:
        per_artist = rows.groupby("artist_id", observed=True)["streams"].sum()
        expected[per_artist.index] += 1000.0 / users.ngroups * per_artist / per_artist.sum()
    assert np.abs(pay - expected).max() <= 0.01


# --- pandas oracles on the shipped log ------------------------------------------


PRICE = {(m, t): float(v.value) for (m, t), v in r.PRICES.items()}


def oracle_pro_rata(log: pd.DataFrame, share: float) -> pd.Series:
    """Per market and month: pool = payments x share, split by streams."""
    df = log.astype({"market": str, "tier": str, "artist_id": str, "user_id": str})
    df["pay"] = [PRICE[m, t] for m, t in zip(df["market"], df["tier"], strict=True)]
    payers = df.drop_duplicates(["user_id", "month"])
    pools = payers.groupby(["market", "month"])["pay"].sum() * share
    streams = df.groupby(["market", "month"])["streams"].sum()
    rate = (pools / streams).rename("rate")
    df = df.join(rate, on=["market", "month"])
    return (df["streams"] * df["rate"]).groupby(df["artist_id"]).sum()


def oracle_user_centric(log: pd.DataFrame, share: float) -> pd.Series:
    """Each listener-month's payment x share, split by that listener's streams."""
    df = log.astype({"market": str, "tier": str, "artist_id": str, "user_id": str})
    df["pay"] = [PRICE[m, t] for m, t in zip(df["market"], df["tier"], strict=True)]
    total = df.groupby(["user_id", "month"])["streams"].transform("sum")
    return (df["pay"] * share * df["streams"] / total).groupby(df["artist_id"]).sum()


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return datasets.load("listening_log")


@pytest.mark.parametrize(
    ("rule", "oracle"), [(r.pro_rata, oracle_pro_rata), (r.user_centric, oracle_user_centric)]
)
def test_rules_match_a_pandas_oracle_on_the_shipped_log(shipped, rule, oracle):
    pool = r.royalty_pool(r.log_revenue(shipped), 2 / 3)
    expected = oracle(shipped, 2 / 3)
    got = rule(shipped, pool)
    assert got.index.astype(str).tolist() == sorted(expected.index)
    assert np.abs(got.to_numpy() - expected.sort_index().to_numpy()).max() <= 0.01
    assert cents(got) == round(pool * 100)


# --- thresholds and boosts redistribute --------------------------------------


def test_threshold_redistributes():
    log = pd.DataFrame(
        {
            "user_id": ["a", "a", "b", "b"],
            "artist_id": ["X", "X", "Y", "Z"],
            "track_id": ["x1", "x2", "y1", "z1"],
            "streams": [600, 500, 900, 100],
        }
    )
    track = r.apply_threshold(log, 1000, level="track")
    assert track["streams"].tolist() == [0, 0, 0, 0]
    artist = r.apply_threshold(log, 1000, level="artist")
    assert artist["streams"].tolist() == [600, 500, 0, 0]
    assert r.pro_rata(artist, 21).to_dict() == {"X": 21.0, "Y": 0.0, "Z": 0.0}
    lower = r.apply_threshold(log, 500, level="track")
    # x1, x2 and y1 pass (2000 streams): pool 20 -> X 11, Y 9, Z 0
    assert r.pro_rata(lower, 20).to_dict() == {"X": 11.0, "Y": 9.0, "Z": 0.0}
    # user-centric: b keeps its full share for Y
    assert r.user_centric(lower, 20, weights="equal").to_dict() == {"X": 10.0, "Y": 10.0, "Z": 0.0}
    assert log["streams"].tolist() == [600, 500, 900, 100]  # input untouched


def test_artist_centric_boost_hand_case():
    log = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "c"],
            "artist_id": ["X", "X", "Y", "Z"],
            "streams": [1, 1, 1, 1],
        }
    )
    # X: 2 streams from 2 listeners -> boosted x2: weights X 4, Y 1, Z 1
    got = r.artist_centric_boost(log, 60, factor=2, min_streams=2, min_listeners=2)
    assert got.to_dict() == {"X": 40.0, "Y": 10.0, "Z": 10.0}
    none = r.artist_centric_boost(log, 60, min_streams=2, min_listeners=3)
    assert none.equals(r.pro_rata(log, 60))


def test_stream_farm_gains_under_pro_rata_not_user_centric(log):
    pr, uc = r.pro_rata(log, 10_000), r.user_centric(log, 10_000)
    assert pr["FARM"] > 20 * uc["FARM"]
    assert (
        r.artist_centric_boost(log, 10_000, min_streams=100, min_listeners=5)["FARM"] < pr["FARM"]
    )


# --- compare and tiers ---------------------------------------------------------


def test_compare_and_by_tier(two_listeners, log):
    table = r.compare(two_listeners, 20)
    uc = table[table["rule"] == "user_centric"].set_index("artist_id")
    assert uc.loc["X", "change_eur"] == -8.0
    assert uc.loc["Y", "change_pct"] == pytest.approx(400.0)
    big = r.compare(log, 10_000, rules=list(r.RULES))
    assert set(big["rule"]) == set(r.RULES)
    tiers = r.by_tier(big)
    for _, group in tiers.groupby("rule"):
        assert group["payout_eur"].sum() == pytest.approx(10_000, abs=0.01)
        assert group["artists"].sum() == log["artist_id"].nunique()
    top10 = tiers[(tiers["rule"] == "user_centric") & (tiers["tier"] == "top 10")]
    assert top10["artists"].item() == 10
    shown = labelled(tiers)  # the rules in words, as rule_table labels them
    assert set(shown["Rule"]) == set(r.rule_table().loc[list(r.RULES), "label"])
    assert (
        shown.loc[top10.index[0], "Rule"] == "User-centric" and tiers["rule"].iloc[0] == "pro_rata"
    )
    custom = r.compare(two_listeners, 20, rules={"half": lambda s, p: r.blend(s, p, 0.5)})
    assert custom["payout_eur"].tolist() == [14.0, 6.0]


def test_user_centric_moves_money_from_the_long_tail_in_the_synthetic_log():
    # heavy listeners play the long tail; under user-centric their extra streams
    # no longer buy extra money, so the tail loses and the top gains ("pro rata is
    # progressive", Glenn McDonald)
    shipped = datasets.load("listening_log")
    tiers = r.by_tier(r.compare(shipped, 10_000))
    change = tiers.set_index(["rule", "tier"])["change_pct"]
    assert change["user_centric", "top 10"] > 5
    assert change["user_centric", "long tail"] < -5


# --- bad inputs are named ---------------------------------------------------------


def test_missing_columns_named():
    with pytest.raises(InputError, match="missing column.*streams"):
        r.pro_rata(pd.DataFrame({"user_id": ["a"], "artist_id": ["X"]}), 1)


def test_negative_and_fractional_streams_name_rows():
    bad = pd.DataFrame(
        {"user_id": list("abcd"), "artist_id": list("WXYZ"), "streams": [1, -2, 1.5, 3]}
    )
    with pytest.raises(InputError) as err:
        r.user_centric(bad, 1)
    text = str(err.value)
    assert "column 'streams'" in text and "row 1" in text and "row 2" in text
    assert "below 0" in text and "whole number" in text


def test_nan_ids_name_rows():
    bad = pd.DataFrame({"user_id": ["a", None], "artist_id": [np.nan, "X"], "streams": [1, 1]})
    with pytest.raises(InputError) as err:
        r.pro_rata(bad, 1)
    text = str(err.value)
    assert "column 'user_id', row 1" in text and "column 'artist_id', row 0" in text


def test_bad_arguments_named(two_listeners):
    cases = [
        (lambda: r.pro_rata(two_listeners, -1), "pool"),
        (lambda: r.blend(two_listeners, 1, 1.5), "alpha"),
        (lambda: r.apply_threshold(two_listeners, 10), "track_id"),
        (lambda: r.apply_threshold(two_listeners, 10, level="album"), "level"),
        (lambda: r.apply_threshold(two_listeners, -1, level="artist"), "min_streams"),
        (lambda: r.artist_centric_boost(two_listeners, 1, factor=-1), "factor"),
        (lambda: r.user_centric(two_listeners, 1, weights="paid"), "paid"),
        (lambda: r.user_centric(two_listeners, 1, weights={"u1": 1.0}), "u2"),
        (lambda: r.user_centric(two_listeners, 1, weights={"u1": -1, "u2": 1}), "u1"),
        (lambda: r.user_centric(two_listeners.drop(columns="tier"), 1), "weights='equal'"),
        (lambda: r.pro_rata(two_listeners.assign(tier=["premium", "gold"]), 1), "tier"),
        (lambda: r.pro_rata(two_listeners.assign(market=["world", "mars"]), 1), "row 1"),
        (lambda: r.compare(two_listeners, 1, rules=["fair"]), "fair"),
        (lambda: r.pro_rata("log.csv", 1), "DataFrame"),
    ]
    for call, named in cases:
        with pytest.raises(InputError, match=named):
            call()


# --- the notebook (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_notebook_key_numbers(run_notebook):
    nb, rec = run_notebook(NOTEBOOK)
    annual = datasets.load_spotify_annual()
    pools = r.pool_estimate(annual, 0.6667, 0.8).set_index("year")
    # the pool is estimated on music revenue: Premium + 80 % of advertising, 2024
    assert rec["pool_eur_bn"] == pytest.approx(0.6667 * (13.819 + 0.8 * 1.854))  # 10.20
    assert rec["pool_low_eur_bn"] == pytest.approx(0.65 * (13.819 + 0.6 * 1.854))  # 9.71
    assert rec["pool_high_eur_bn"] == pytest.approx(0.70 * 15.673)  # 10.97
    assert rec["derived_payout_2022_eur_bn"] == 34 - 26
    assert rec["gross_margin_pct"] == 30.1
    assert rec["gross_margin_change_pp"] == pytest.approx(30.1 - 11.6)  # 2015 -> 2024, in pp
    assert rec["cumulative_pool_2021_eur_bn"] == pytest.approx(
        pools.loc[2015:2021, "pool_eur_bn"].sum()
    )
    assert round(rec["cumulative_pool_2021_eur_bn"], 1) == 25.2  # vs the EUR 26 bn estimated
    text = "".join(
        o.get("data", {}).get("text/markdown", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    words = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # kinds follow the rule: secondary inputs make the 26 bn, the 8 bn and the 2024 margin estimated
    assert "to 30.1 % (estimated)" in text and "from 11.6 % (derived)" in text
    assert "against the EUR 26 bn of the 20-F (estimated, as Music Ally reported it" in text
    assert "(± 1 bn; estimated from the 20-F totals" in text
    assert "USD 3 bn since 2008 by June 2015 (estimated" in text
    assert "The one EUR figure is **estimated**" in words and "(reported, the" not in words
    assert "Billboard (2023) reported" in words  # "nearly 70%" attributed to its source
    path = r.euro_path(0.6667).set_index("recipient")["eur"]
    assert rec["artist_cents_per_euro"] == pytest.approx(path["artist"] * 100)


@pytest.mark.slow
def test_notebook_payout_numbers(run_notebook):
    """Every number lesson 02 states in sections 5-7 and in its payout sources table."""
    nb, rec = run_notebook(NOTEBOOK)
    log = datasets.load("listening_log")
    pool = r.royalty_pool(r.log_revenue(log), 0.6667)
    assert rec["log_pool_eur"] == pytest.approx(pool)
    # oracle: the pools per market and month sum to the log's pool
    pools = r.market_pools(log, 0.6667)
    assert pools["pool_eur"].sum() == pytest.approx(pool, abs=0.01)
    tiers = r.by_tier(r.compare(log, pool)).set_index(["rule", "tier"])["change_pct"]
    assert rec["top10_change_pct"] == pytest.approx(tiers["user_centric", "top 10"])
    assert rec["long_tail_change_pct"] == pytest.approx(tiers["user_centric", "long tail"])
    assert rec["top10_change_pct"] > 5 and rec["long_tail_change_pct"] < -5  # the text's signs
    effect = r.threshold_effect(log, pool, 3)
    assert rec["threshold_streams_below_pct"] == pytest.approx(effect["streams_below_pct"])
    # the stream farm: 3 Premium accounts at EUR 4.69 -> 3 x 4.69 x 0.6667 = 9.38
    assert rec["farm_paid_eur"] == 14.07
    assert rec["farm_user_centric_eur"] == 9.38 == round(3 * 4.69 * 0.6667, 2)
    assert rec["farm_pro_rata_eur"] > 50 * rec["farm_user_centric_eur"]
    assert rec["farm_user_centric_equal_eur"] < rec["farm_user_centric_eur"]
    text = "".join(
        o.get("data", {}).get("text/markdown", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "they get EUR 9.38 = 3 × EUR 4.69 × 0.6667" in text
    assert f"take EUR {rec['farm_pro_rata_eur']:,.2f} under pro-rata" in text
    # the sources table shows the same numbers as the text
    rows = {v.figure: v.value for v in r.payout_sources(0.6667, "user_centric", 3, 3, 30_000)}
    assert rows["Stream farm under user-centric (payment-weighted)"] == 9.38
    assert rows["Stream farm under pro-rata"] == rec["farm_pro_rata_eur"]
    key = "Top-10 artists' payout change, User-centric vs pro-rata"
    assert rows[key] == pytest.approx(rec["top10_change_pct"])
    assert rows["Streams below a 3-stream track minimum in the log"] == pytest.approx(
        rec["threshold_streams_below_pct"]
    )


@pytest.mark.slow
def test_notebook_parameters(run_notebook):
    _, rec = run_notebook(NOTEBOOK, year=2022, payout_share=0.7, rule="blend_50", log_rows=8000)
    assert rec["pool_eur_bn"] == pytest.approx(0.7 * (10.251 + 0.8 * 1.476))
    log = datasets.generate("listening_log", n_rows=8000)
    pool = r.royalty_pool(r.log_revenue(log), 0.7)
    tiers = r.by_tier(r.compare(log, pool, rules=["pro_rata", "blend_50"]))
    change = tiers.set_index(["rule", "tier"])["change_pct"]
    assert rec["top10_change_pct"] == pytest.approx(change["blend_50", "top 10"])
    # the farm still gets its own 3 x 4.69 x 0.7, whatever the log
    assert rec["farm_user_centric_eur"] == round(3 * 4.69 * 0.7, 2) == 9.85
