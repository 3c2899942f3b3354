"""AUCs with bootstrap intervals by account; lead and validation tests on hand-built histories."""

import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.scoring.leads import _boot_auc, _weights, auc_interval, lead_test, validation_test


def pairwise_auc(score: pd.Series, label: pd.Series) -> float:
    """Oracle: the share of (positive, negative) pairs ranked right, ties counting half."""
    frame = pd.DataFrame({"s": score, "y": label}).dropna()
    pos, neg = frame.loc[frame["y"], "s"], frame.loc[~frame["y"], "s"]
    pairs = pos.to_numpy()[:, None] - neg.to_numpy()[None, :]
    return float(((pairs > 0) + 0.5 * (pairs == 0)).mean())


def test_auc_interval_point_value_and_a_perfect_separation():
    # by hand: positives 0.35, 0.8 against negatives 0.1, 0.4 -> 3 of 4 pairs right
    result = auc_interval([0.1, 0.4, 0.35, 0.8], [False, False, True, True], n_boot=50)
    assert result["auc"] == 0.75
    perfect = auc_interval(np.arange(40.0), np.arange(40) >= 20, groups=np.arange(40) // 2)
    assert perfect == {"auc": 1.0, "low": 1.0, "high": 1.0}


def test_bootstrap_weights_draw_whole_accounts_and_match_the_gathered_resample():
    rng = np.random.default_rng(7)
    score = rng.integers(0, 5, 200).astype(float)  # many ties, as NPS answers have
    score[:6] = np.nan
    label = rng.random(200) < 0.3
    groups = rng.integers(0, 30, 200)
    weights = _weights(groups, 8, seed=3)
    assert weights.shape == (200, 8)
    for g in range(30):  # every row of one account carries that account's count
        assert (weights[groups == g] == weights[groups == g][0]).all()
    first_rows = pd.Series(range(200)).groupby(groups).first().to_numpy()
    assert weights[first_rows].sum(axis=0).tolist() == [30.0] * 8  # 30 accounts drawn each time
    boot = _boot_auc(score, label, weights)
    for b in range(8):
        rows = np.repeat(np.arange(200), weights[:, b].astype(int))
        oracle = pairwise_auc(pd.Series(score[rows]), pd.Series(label[rows]))
        assert boot[b] == pytest.approx(oracle, abs=1e-6)


def _history(n_accounts: int = 120, quarters: int = 4, seed: int = 0) -> pd.DataFrame:
    """Value drives churn; usage, NPS and health are noise; half the accounts validated."""
    rng = np.random.default_rng(seed)
    rows = []
    value = rng.uniform(0, 100, n_accounts)
    alive = np.ones(n_accounts, bool)
    for q in range(quarters):
        churned = rng.random(n_accounts) < np.where(value < 25, 0.4, 0.02)
        for a in np.flatnonzero(alive):
            rows.append(
                {
                    "quarter": f"2023Q{q + 1}",
                    "account_id": f"A{a:03d}",
                    "value_realized": value[a] + rng.normal(0, 5),
                    "usage": rng.uniform(),
                    "nps_answer": float(rng.integers(0, 11)),
                    "health_score": rng.uniform(0, 100),
                    "confidence": 1.0 if a % 2 else 0.8,
                    "churned": bool(churned[a]),
                    "expanded": False,
                }
            )
        alive &= ~churned
    return pd.DataFrame(rows)


def test_lead_test_separates_a_real_lead_from_noise():
    table = lead_test(_history(), "churned", horizon_quarters=1, n_boot=200)
    assert table.index[0] == "value_realized"
    value = table.loc["value_realized"]
    assert value["auc"] > 0.8 and value["vs_low"] > 0 and value["verdict"] == "better"
    usual = table[table["kind"] == "usual metric"]
    best = usual["auc"].idxmax()
    assert (table["best_usual"] == best).all()
    assert table.loc[best, ["vs_usual", "vs_low", "vs_high"]].tolist() == [0.0, 0.0, 0.0]
    assert table.loc[best, "verdict"] == "no clear difference"
    for name in usual.index:  # noise: its interval holds 0.5
        assert usual.loc[name, "auc_low"] < 0.5 + 0.05 and usual.loc[name, "auc_high"] > 0.5 - 0.05
    # the point AUC is the pairwise oracle's on the same observations (one-quarter window)
    h = _history()
    oracle = pairwise_auc(-h["value_realized"], h["churned"])
    assert value["auc"] == pytest.approx(oracle)


def test_validation_test_finds_no_effect_where_none_is_built_in():
    table = validation_test(_history(240), "churned", horizon_quarters=1, n_boot=200)
    assert table.index.tolist() == ["validated", "self-reported", "difference"]
    diff = table.loc["difference"]
    assert diff["auc"] == pytest.approx(
        table.loc["validated", "auc"] - table.loc["self-reported", "auc"]
    )
    assert diff["low"] < 0 < diff["high"]  # validation is unrelated to churn here
    assert table.loc["validated", "accounts"] + table.loc["self-reported", "accounts"] == 240


def test_validation_test_finds_an_effect_where_one_is_built_in():
    h = _history(240)
    noisy = h["confidence"] < 0.9
    h.loc[noisy, "value_realized"] = np.random.default_rng(1).uniform(0, 100, noisy.sum())
    table = validation_test(h, "churned", horizon_quarters=1, n_boot=200)
    assert table.loc["difference", "low"] > 0
    assert table.loc["self-reported", "low"] < 0.5 < table.loc["self-reported", "high"]


def test_bad_terms_are_named():
    with pytest.raises(InputError, match="n_boot"):
        auc_interval([0, 1], [False, True], n_boot=5)
    with pytest.raises(InputError, match="level"):
        lead_test(_history(), level=1.5)
    one_class = _history().assign(confidence=1.0)
    with pytest.raises(InputError, match="self-reported group has one class only"):
        validation_test(one_class, horizon_quarters=1)


def test_lead_sentence_names_each_score_by_its_verdict():
    from valuelab.scoring import lead_sentence

    churn = pd.DataFrame(
        {
            "verdict": ["better", "better", "no clear difference", "worse", "better"],
            "best_usual": "health_score",
        },
        index=["value_realized", "rbo", "value_unknown", "usage", "value_expansion"],
    )
    expansion = churn.assign(
        verdict=["better", "no clear difference", "no clear difference"] * 1 + ["better", "worse"]
    )
    text = lead_sentence(churn, expansion)
    assert text == (
        "For churn, against health score (the best usual metric): RBO, Value Expansion and "
        "Value Realized lead it (the difference's interval lies above zero); Value Unknown "
        "shows no clear difference. For expansion, against health score (the best usual "
        "metric): Value Realized leads it (the difference's interval lies above zero); RBO and "
        "Value Unknown show no clear difference; Value Expansion trails it."
    )
    assert "usage" not in text.replace("usual", "")  # only the five scores are named
