"""The 80/20 of purchase decisions: which few features drive most deals.

Sales and Customer Success already know which 20 % of features drive 80 % of
purchase decisions [1]_; :func:`pareto_features` finds them in won deals.

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022:
   the product KPIs (daily active users, time to value, Net Promoter Score,
   retention rate, lifetime value, margin per customer) and the 20 % of
   features that drive 80 % of purchase decisions.
   https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/

Examples
--------
>>> df = pd.DataFrame({"feature": ["a"] * 8 + ["b"] + ["c"]})
>>> table = pareto_features(df)
>>> table[["feature", "count", "cumulative_pct", "vital"]].values.tolist()
[['a', 8.0, 80.0, True], ['b', 1.0, 90.0, False], ['c', 1.0, 100.0, False]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuelab.core import Column, InputError, validate_frame

__all__ = ["pareto_features", "pareto_summary"]


def pareto_features(
    df: pd.DataFrame,
    feature: str = "feature",
    weight: str | None = None,
    share: float = 0.8,
    source: str = "purchase reasons",
) -> pd.DataFrame:
    """Features ranked by the purchase decisions they drive, with cumulative shares.

    Parameters
    ----------
    df : pandas.DataFrame
        Either one row per (deal, cited feature) — e.g. the ``purchase_reasons``
        dataset — or one row per feature with a count in ``weight`` (e.g.
        ``deals_won``). A weight column may also be a deal value (ARR, EUR)
        to weigh decisions by money.
    feature : str
        The feature column.
    weight : str, optional
        Column to add up per feature (default: count rows).
    share : float
        Share of decisions (0-1) marking the "vital few": default 0.8 (STRTGY; see References).

    Returns
    -------
    pandas.DataFrame
        One row per feature, most decisive first: ``rank``, ``feature``,
        ``count`` (decisions or the weight's unit), ``share_pct`` and
        ``cumulative_pct`` (percent of all decisions), ``features_pct``
        (percent of features up to this rank) and ``vital`` (True for the
        smallest set of top features whose cumulative share reaches
        ``share``).
    """
    if not 0 < share <= 1:
        raise InputError(f"share {share}", source="share", expected="0 < share <= 1")
    columns = [Column(feature, kind="str")]
    if weight is not None:
        columns.append(Column(weight, kind="number", min=0))
    validate_frame(df, columns, source=source)
    if df.empty:
        raise InputError("no rows", source=source, expected="at least one purchase reason")
    counts = (
        df.groupby(feature, observed=True)[weight].sum()
        if weight is not None
        else df.groupby(feature, observed=True).size()
    )
    counts = counts.astype(float)
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    total = float(counts.sum())
    if total == 0:
        raise InputError("every weight is 0", source=source, column=weight)
    table = pd.DataFrame({"feature": counts.index.astype(str), "count": counts.to_numpy()})
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["share_pct"] = table["count"] / total * 100
    table["cumulative_pct"] = table["count"].cumsum() / total * 100
    table["features_pct"] = table["rank"] / len(table) * 100
    reach = int(np.searchsorted(table["cumulative_pct"].to_numpy(), share * 100 - 1e-9)) + 1
    table["vital"] = table["rank"] <= reach
    return table


def pareto_summary(table: pd.DataFrame) -> dict[str, float]:
    """How few features drive how much: from :func:`pareto_features`.

    Returns
    -------
    dict
        ``vital_features`` (count), ``vital_features_pct`` (percent of all
        features) and ``vital_decisions_pct`` (percent of decisions they drive).

    Examples
    --------
    >>> t = pareto_features(pd.DataFrame({"feature": list("aaaaaaaabc")}))
    >>> pareto_summary(t)
    {'vital_features': 1, 'vital_features_pct': 33.33333333333333, 'vital_decisions_pct': 80.0}
    """
    vital = table[table["vital"]]
    return {
        "vital_features": len(vital),
        "vital_features_pct": float(vital["features_pct"].iloc[-1]),
        "vital_decisions_pct": float(vital["cumulative_pct"].iloc[-1]),
    }
