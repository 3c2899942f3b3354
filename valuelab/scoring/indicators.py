"""Do the value scores lead churn and expansion better than usage, NPS and health?

Customer Value-Led Growth [1]_ and VCubed [2]_ claim usage, health scores and
NPS lag — customers leave "despite perfect health" — and that outcome progress
and perceived value lead.
:func:`evaluate_indicators` tests that claim on a quarterly history: for each
indicator it reports how well the value read in a quarter predicts the
outcome in that quarter or the next ones (ROC AUC, precision among the top
riskiest), and how many quarters ahead it still separates (lead time).

Definitions (``h`` = ``horizon_quarters``):

- an *observation* is an account in a quarter ``q`` whose window ``q .. q+h-1``
  lies inside the history; its *label* is whether the outcome (``churned`` or
  ``expanded``) happens in that window;
- each indicator is oriented so that a higher value means *more likely*:
  for churn a low score is the risk, so the score is negated;
- ``auc``: probability that a random positive observation ranks above a random
  negative one (0.5 = no better than chance; ties count half) [3]_;
- ``precision_at_k``: share of positives among the ``top_k`` (share 0-1) of
  observations ranked riskiest (expansion: most likely);
- ``lead_quarters``: the largest lag ``L`` (0 .. ``max_lead``) at which the
  indicator read in quarter ``t - L`` still reaches ``auc >= lead_auc`` for
  the outcome at the end of quarter ``t``; missing when it never does.

References
----------
.. [1] Markus, "The Principles of Customer Value-Led Growth, Part II", Customer
   Value-Led Growth newsletter: principles 10 (relevance), 11 (accuracy) and
   12 (context).
   https://customervalueledgrowth.beehiiv.com/p/principles-customer-valueled-growth-60d2
.. [2] VCubed, "Value perceived is the CS metric we need.", VCubed blog (written
   October 2022): Realized Business Outcome, Value Perceived, Value Expansion,
   Value Unknown and Value Realized; the areas that shape a customer's ability
   to realize value. https://vcubed.ca/blog/value-perceived-is-the-cs-metric-we-need
.. [3] J. A. Hanley and B. J. McNeil, "The meaning and use of the area under a
   receiver operating characteristic (ROC) curve", Radiology 143(1), 29-36, 1982.

Examples
--------
>>> roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
0.75
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from valuelab.core import InputError, aligned, parse_bool
from valuelab.scoring.scores import score_accounts

__all__ = ["INDICATORS", "evaluate_indicators", "roc_auc", "score_history"]

#: Indicator -> kind: the usual (lagging) metrics and the value scores.
INDICATORS = {
    "usage": "usual metric",
    "nps_answer": "usual metric",
    "health_score": "usual metric",
    "goal_attainment": "goal progress",
    "rbo": "value score",
    "value_perceived": "value score",
    "value_expansion": "value score",
    "value_unknown": "value score",
    "value_realized": "value score",
}
_OUTCOMES = ("churned", "expanded")
_TABLE = ["indicator", "kind", "auc", "precision_at_k", "base_rate", "lead_quarters", "n"]


def roc_auc(score, label) -> float:
    """Area under the ROC curve by the rank (Mann-Whitney) formula; NaN scores dropped.

    Returns NaN when only one class is present. Two Series are matched by
    label (:func:`~valuelab.core.validation.aligned`). Source: Hanley and
    McNeil (1982), see the module's References.
    """
    score, label = aligned(score=score, label=label)
    s = np.asarray(score, dtype=float)
    y = np.asarray(label, dtype=bool)
    keep = ~np.isnan(s)
    s, y = s[keep], y[keep]
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = pd.Series(s).rank(method="average").to_numpy()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def score_history(
    history: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
) -> pd.DataFrame:
    """:func:`~valuelab.scoring.scores.score_accounts` applied to each quarter's snapshot.

    Returns
    -------
    pandas.DataFrame
        The history with the score columns added, sorted by quarter and account.
    """
    if not isinstance(history, pd.DataFrame) or "quarter" not in history.columns:
        raise InputError("no 'quarter' column", source="history", expected="a quarterly history")
    parts = [
        score_accounts(part, weights=weights, policy=policy, source=f"history {q}")
        for q, part in history.groupby("quarter", observed=True, sort=True)
    ]
    return pd.concat(parts).sort_values(["quarter", "account_id"], kind="stable")


def _window_labels(scored: pd.DataFrame, outcome: str, lag_from: int, lag_to: int):
    """Per observation: the outcome within quarters q+lag_from .. q+lag_to (and observability)."""
    quarters = sorted(scored["quarter"].astype(str).unique())
    q_index = {q: i for i, q in enumerate(quarters)}
    qi = scored["quarter"].astype(str).map(q_index).to_numpy()
    happened = scored[outcome].map(lambda value: parse_bool(value, f"history.{outcome}"))
    events = scored.loc[happened.astype(bool), ["account_id", "quarter"]]
    when = {
        (a, q_index[str(q)]) for a, q in zip(events["account_id"], events["quarter"], strict=True)
    }
    ids = scored["account_id"].to_numpy()
    label = np.zeros(len(scored), dtype=bool)
    for lag in range(lag_from, lag_to + 1):
        label |= np.fromiter(
            ((a, q + lag) in when for a, q in zip(ids, qi, strict=True)), bool, len(ids)
        )
    observable = qi + lag_to <= len(quarters) - 1
    return label, observable


def _oriented(scored: pd.DataFrame, name: str, outcome: str) -> np.ndarray:
    values = (
        pd.to_numeric(scored[name], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    )
    return -values if outcome == "churned" else values


def evaluate_indicators(
    history: pd.DataFrame,
    outcome: str = "churned",
    horizon_quarters: int = 2,
    top_k: float = 0.1,
    max_lead: int = 3,
    lead_auc: float = 0.6,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
) -> pd.DataFrame:
    """How well each indicator predicts a later outcome (see the module docstring).

    Parameters
    ----------
    history : pandas.DataFrame
        Quarterly account snapshots (the ``accounts_history`` layout): the
        account columns plus ``quarter`` and the boolean outcome columns; or
        already scored by :func:`score_history`.
    outcome : {"churned", "expanded"}
        What to predict.
    horizon_quarters : int
        Window length ``h`` in quarters (>= 1).
    top_k : float
        Share 0-1 of observations flagged for ``precision_at_k``.

    Returns
    -------
    pandas.DataFrame
        One row per indicator present, best AUC first: ``kind``, ``auc``,
        ``precision_at_k``, ``base_rate`` (share of positive observations),
        ``lead_quarters`` and ``n`` (observations with a value).
    """
    _check_terms(history, outcome, horizon_quarters, top_k)
    scored = (
        history if "value_realized" in history.columns else score_history(history, weights, policy)
    )
    label, observable = _window_labels(scored, outcome, 0, int(horizon_quarters) - 1)
    obs = scored[observable]
    y = label[observable]
    if y.sum() == 0:
        raise InputError(f"no '{outcome}' inside the observable window", source="history")
    rows = [
        {
            "indicator": name,
            "kind": kind,
            **_separation(_oriented(obs, name, outcome), y, top_k),
            "lead_quarters": _lead_quarters(scored, name, outcome, max_lead, lead_auc),
        }
        for name, kind in INDICATORS.items()
        if name in scored.columns
    ]
    table = pd.DataFrame(rows, columns=_TABLE).set_index("indicator")
    return table.sort_values("auc", ascending=False, kind="stable")


def _check_terms(history: pd.DataFrame, outcome: str, horizon_quarters: int, top_k: float) -> None:
    """Raise :class:`InputError` for an unknown or absent outcome, a bad horizon or ``top_k``."""
    if outcome not in _OUTCOMES:
        raise InputError(
            f"unknown outcome {outcome!r}", source="outcome", expected=" or ".join(_OUTCOMES)
        )
    if int(horizon_quarters) < 1:
        raise InputError(f"{horizon_quarters}", source="horizon_quarters", expected="at least 1")
    if not 0 < top_k <= 1:
        raise InputError(f"{top_k}", source="top_k", expected="a share 0-1")
    if outcome not in history.columns:
        raise InputError(f"no '{outcome}' column", source="history", expected="the outcome columns")


def _separation(s: np.ndarray, y: np.ndarray, top_k: float) -> dict[str, float | int]:
    """AUC, precision among the ``top_k`` share ranked highest, base rate and n (non-NaN)."""
    keep = ~np.isnan(s)
    k = max(1, round(float(top_k) * int(keep.sum())))
    top = np.argsort(-s[keep], kind="stable")[:k]
    return {
        "auc": roc_auc(s, y),
        "precision_at_k": float(y[keep][top].mean()),
        "base_rate": float(y[keep].mean()),
        "n": int(keep.sum()),
    }


def _lead_quarters(
    scored: pd.DataFrame, name: str, outcome: str, max_lead: int, lead_auc: float
) -> float:
    """The largest lag 0..``max_lead`` (quarters) with AUC >= ``lead_auc``; NaN if none."""
    lead = np.nan
    for lag in range(0, max_lead + 1):
        lab, ok = _window_labels(scored, outcome, lag, lag)
        if ok.sum() and roc_auc(_oriented(scored, name, outcome)[ok], lab[ok]) >= lead_auc:
            lead = float(lag)
    return lead
