"""Is the difference real? AUCs with bootstrap intervals, by account.

:func:`~valuelab.scoring.indicators.evaluate_indicators` gives one AUC per
indicator. Two AUCs of 0.834 and 0.830 are the same number as far as the data
can tell; this module says how far apart two AUCs must be before a lesson may
say one indicator "leads" or "beats" another.

- :func:`auc_interval`: an AUC with a percentile bootstrap interval [1]_.
  Observations are account-quarters, and one account's quarters are not
  independent, so the bootstrap resamples **accounts** (all the quarters of
  each drawn account), the resampling of clustered data [2]_.
- :func:`lead_test`: each indicator's AUC with its interval, and its
  difference from the best of the usual metrics (usage, NPS, health score),
  paired on the same resampled accounts. ``verdict`` reads the difference's
  interval: ``"better"`` when it lies above 0, ``"worse"`` below 0, else
  ``"no clear difference"``.
- :func:`validation_test`: does validating the scores with the customer
  change how well they predict? The AUC of one score among accounts whose
  scores are mostly validated (confidence at least ``min_confidence``) and
  among the rest, and the difference, each with its interval.

The interval's end points depend a little on the seed and ``n_boot`` (500
by default).

References
----------
.. [1] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*,
   Chapman & Hall, 1993: the percentile interval.
.. [2] A. C. Davison and D. V. Hinkley, *Bootstrap Methods and their
   Application*, Cambridge University Press, 1997: resampling hierarchical
   (clustered) data by its top-level units.

Examples
--------
>>> r = auc_interval([0.1, 0.4, 0.35, 0.8], [False, False, True, True], n_boot=50)
>>> r["auc"]
0.75
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from valuelab.core import InputError
from valuelab.core.quantities import QUANTITIES
from valuelab.scoring.indicators import (
    INDICATORS,
    _check_terms,
    _oriented,
    _window_labels,
    roc_auc,
    score_history,
)

__all__ = ["SCORE_NAMES", "auc_interval", "lead_sentence", "lead_test", "validation_test"]

_USUAL = [name for name, kind in INDICATORS.items() if kind == "usual metric"]


def _weights(groups: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap weights, shape (rows, n_boot): how often each row's group was drawn.

    Drawing whole groups (accounts) with replacement and counting each row as
    often as its group was drawn is the same resample as gathering the rows.
    """
    codes = pd.factorize(pd.Series(groups))[0]
    n_groups = int(codes.max()) + 1 if codes.size else 0
    draws = np.random.default_rng(seed).integers(0, n_groups, (n_boot, n_groups))
    counts = np.zeros((n_groups, n_boot), dtype=np.float32)  # whole numbers: exact
    np.add.at(counts, (draws, np.arange(n_boot)[:, None]), 1.0)
    return counts[codes]


def _boot_auc(score: np.ndarray, label: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The AUC of every resample at once, shape (n_boot,): the weighted rank formula.

    AUC = sum over positives of (negative weight below + half the negative
    weight tied) / (positive weight x negative weight); NaN scores dropped.
    """
    keep = ~np.isnan(score)
    order = np.argsort(score[keep], kind="stable")
    s, y, w = score[keep][order], label[keep][order], weights[keep][order]
    new = np.r_[True, s[1:] != s[:-1]]
    first = np.flatnonzero(new)[np.cumsum(new) - 1]  # first row of each row's tie group
    last = np.r_[np.flatnonzero(new)[1:], s.size]
    last = last[np.cumsum(new) - 1]  # one past the last row of each row's tie group
    cum = np.vstack([np.zeros((1, w.shape[1]), w.dtype), np.cumsum(w * ~y[:, None], axis=0)])
    below, tied = cum[first[y]], cum[last[y]] - cum[first[y]]
    pos = w[y]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (pos * (below + tied / 2)).sum(axis=0) / (pos.sum(axis=0) * cum[-1])


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return float(low), float(high)


def _check_boot(n_boot: int, level: float) -> None:
    if int(n_boot) < 20:
        raise InputError(f"{n_boot}", source="n_boot", expected="at least 20 resamples")
    if not 0 < level < 1:
        raise InputError(f"{level}", source="level", expected="a share between 0 and 1")


def auc_interval(
    score, label, groups=None, n_boot: int = 500, seed: int = 0, level: float = 0.95
) -> dict[str, float]:
    """ROC AUC with a percentile bootstrap interval, resampling ``groups`` (default: rows).

    Parameters
    ----------
    score, label : array-like
        Scores (higher = more likely positive; NaN dropped) and booleans, same length.
    groups : array-like, optional
        A cluster id per row (the account); whole clusters are resampled.
    n_boot : int
        Resamples (>= 20).
    seed : int
        Seed of the resampling.
    level : float
        Coverage of the interval, share 0-1.

    Returns
    -------
    dict
        ``auc`` (on all rows), ``low`` and ``high`` (the interval), all 0-1.

    Raises
    ------
    InputError
        For fewer than 20 resamples or a level outside 0-1.
    """
    _check_boot(n_boot, level)
    s, y = np.asarray(score, dtype=float), np.asarray(label, dtype=bool)
    g = np.arange(s.size) if groups is None else np.asarray(groups)
    boot = _boot_auc(s, y, _weights(g, n_boot, seed))
    low, high = _interval(boot, level)
    return {"auc": roc_auc(s, y), "low": low, "high": high}


def _observations(history, outcome, horizon_quarters, weights, policy):
    """Scored account-quarters whose window lies inside the history, and their labels."""
    _check_terms(history, outcome, horizon_quarters, 0.1)
    scored = (
        history if "value_realized" in history.columns else score_history(history, weights, policy)
    )
    label, observable = _window_labels(scored, outcome, 0, int(horizon_quarters) - 1)
    return scored[observable].reset_index(drop=True), label[observable]


def lead_test(
    history: pd.DataFrame,
    outcome: str = "churned",
    horizon_quarters: int = 2,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
) -> pd.DataFrame:
    """Each indicator's AUC with its interval, and its difference from the best usual metric.

    Parameters
    ----------
    history : pandas.DataFrame
        Quarterly snapshots with ``quarter``, ``account_id`` and the outcome
        columns (``accounts_history``), scored or not.
    outcome, horizon_quarters, weights, policy
        As in :func:`~valuelab.scoring.indicators.evaluate_indicators`.
    n_boot, seed, level
        As in :func:`auc_interval`; every indicator is read on the same resamples.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator, best AUC first: ``kind``, ``auc``, ``auc_low``,
        ``auc_high``, ``vs_usual`` (AUC minus that of ``best_usual``, the usual
        metric with the highest AUC), ``vs_low``, ``vs_high`` and ``verdict``
        (``"better"``, ``"worse"`` or ``"no clear difference"``), all AUCs 0-1.
    """
    _check_boot(n_boot, level)
    obs, y = _observations(history, outcome, horizon_quarters, weights, policy)
    names = [n for n in INDICATORS if n in obs.columns]
    scores = {n: _oriented(obs, n, outcome) for n in names}
    point = {n: roc_auc(scores[n], y) for n in names}
    usual = [n for n in _USUAL if n in names]
    if not usual:
        raise InputError("no usual metric to compare with", source="history", expected=str(_USUAL))
    best_usual = max(usual, key=point.get)
    w = _weights(obs["account_id"].to_numpy(), n_boot, seed)
    boot = {n: _boot_auc(scores[n], y, w) for n in names}
    rows = []
    for n in names:
        low, high = _interval(boot[n], level)
        d_low, d_high = _interval(boot[n] - boot[best_usual], level)
        verdict = "better" if d_low > 0 else "worse" if d_high < 0 else "no clear difference"
        rows.append(
            {"indicator": n, "kind": INDICATORS[n], "auc": point[n], "auc_low": low}
            | {"auc_high": high, "vs_usual": point[n] - point[best_usual]}
            | {"vs_low": d_low, "vs_high": d_high, "verdict": verdict, "best_usual": best_usual}
        )
    table = pd.DataFrame(rows).set_index("indicator")
    return table.sort_values("auc", ascending=False, kind="stable")


def validation_test(
    history: pd.DataFrame,
    outcome: str = "churned",
    score: str = "value_realized",
    horizon_quarters: int = 2,
    min_confidence: float = 0.9,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
) -> pd.DataFrame:
    """Does validation with the customer change how well ``score`` predicts ``outcome``?

    Observations are split by the score's ``confidence``
    (:data:`~valuelab.scoring.scores.SELF_REPORTED`): ``"validated"`` at
    ``min_confidence`` or more (0.9 = at least half of the weight validated),
    ``"self-reported"`` below. Each group is resampled by account on its own.

    Returns
    -------
    pandas.DataFrame
        Rows ``validated``, ``self-reported`` and ``difference`` (validated
        minus self-reported); columns ``auc``, ``low``, ``high`` (0-1),
        ``n`` (observations) and ``accounts``.

    Raises
    ------
    InputError
        When either group has no positive or no negative observation.
    """
    _check_boot(n_boot, level)
    obs, y = _observations(history, outcome, horizon_quarters, weights, policy)
    s = _oriented(obs, score, outcome)
    split = (obs["confidence"] >= min_confidence - 1e-9).to_numpy()
    rows, boots = {}, {}
    for name, part in (("validated", split), ("self-reported", ~split)):
        if y[part].all() or not y[part].any():
            raise InputError(f"the {name} group has one class only", source="history")
        ids = obs.loc[part, "account_id"].to_numpy()
        w = _weights(ids, n_boot, seed + (name == "self-reported"))
        boots[name] = _boot_auc(s[part], y[part], w)
        low, high = _interval(boots[name], level)
        auc = roc_auc(s[part], y[part])
        rows[name] = {"auc": auc, "low": low, "high": high}
        rows[name] |= {"n": int(part.sum()), "accounts": len(set(ids))}
    d_low, d_high = _interval(boots["validated"] - boots["self-reported"], level)
    diff = rows["validated"]["auc"] - rows["self-reported"]["auc"]
    rows["difference"] = {"auc": diff, "low": d_low, "high": d_high, "n": len(y)}
    rows["difference"]["accounts"] = obs["account_id"].nunique()
    return pd.DataFrame.from_dict(rows, orient="index")


#: How :func:`lead_sentence` names the five value scores.
SCORE_NAMES = {
    "rbo": "RBO",
    "value_perceived": "Value Perceived",
    "value_expansion": "Value Expansion",
    "value_unknown": "Value Unknown",
    "value_realized": "Value Realized",
}


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _verdicts(test: pd.DataFrame, outcome: str) -> str:
    """One outcome's clause: which value scores lead the best usual metric, which do not."""
    scores = [n for n in SCORE_NAMES if n in test.index]
    parts = []
    for verdict, words in (
        ("better", "lead{s} it (the difference's interval lies above zero)"),
        ("no clear difference", "show{s} no clear difference"),
        ("worse", "trail{s} it"),
    ):
        names = [SCORE_NAMES[n] for n in scores if test.loc[n, "verdict"] == verdict]
        if names:
            parts.append(f"{_join(names)} {words.format(s='s' if len(names) == 1 else '')}")
    best = test["best_usual"].iloc[0]
    if best in QUANTITIES:  # a registered metric is named in words: "health score"
        best = QUANTITIES[best].label[0].lower() + QUANTITIES[best].label[1:]
    return f"for {outcome}, against {best} (the best usual metric): " + "; ".join(parts)


def lead_sentence(churn: pd.DataFrame, expansion: pd.DataFrame) -> str:
    """What the lead tests say about the five value scores, in words, from their verdicts.

    Parameters
    ----------
    churn, expansion : pandas.DataFrame
        :func:`lead_test` tables for ``"churned"`` and ``"expanded"``.

    Returns
    -------
    str
        One sentence naming, per outcome, the scores whose difference from the
        best usual metric is ``better``, ``no clear difference`` or ``worse``.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {"verdict": ["better", "no clear difference"], "best_usual": "usage"},
    ...     index=["rbo", "value_unknown"],
    ... )
    >>> print(lead_sentence(t, t.assign(verdict="worse")))  # doctest: +NORMALIZE_WHITESPACE
    For churn, against usage (the best usual metric): RBO leads it (the difference's
    interval lies above zero); Value Unknown shows no clear difference. For expansion,
    against usage (the best usual metric): RBO and Value Unknown trail it.
    """
    text = f"{_verdicts(churn, 'churn')}. {_verdicts(expansion, 'expansion')}."
    return text[0].upper() + text[1:].replace(". for ", ". For ")
