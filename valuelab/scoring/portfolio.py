"""The portfolio view: churn risk, whitespace and healthy accounts, with ARR at stake.

Groups (:func:`classify`, on accounts scored by
:func:`valuelab.scoring.scores.score_accounts`), first rule that applies (the
kit's rules and cut-offs; the source names the groups, not the rules):

1. ``churn risk``: band ``red``, or a goal ``off track`` with
   ``value_perceived`` below 50 (the outcome is slipping and the customer
   feels it);
2. ``expansion``: ``value_expansion`` >= 60 and open to buy (whitespace: more
   value available and the customer would pay for it);
3. ``healthy``: the rest.

The groups are what VCubed says the value scores help manage: churn and risk mitigation,
whitespace and expansion [1]_. The areas of impact of the same source —
product, go-to-market, operations, people, competition, community — tag what
shapes each account's value realization (the ``impact_area`` column);
:func:`by_impact_area` shows where value is held back. :func:`score_trends`
compares each account's latest quarter with the one before (trend arrows).

References
----------
.. [1] VCubed, "Value perceived is the CS metric we need.", VCubed blog (written
   October 2022): Realized Business Outcome, Value Perceived, Value Expansion,
   Value Unknown and Value Realized; the areas that shape a customer's ability
   to realize value. https://vcubed.ca/blog/value-perceived-is-the-cs-metric-we-need

Examples
--------
>>> s = pd.DataFrame(
...     {
...         "band": ["red", "green", "amber"],
...         "goal_status": ["on track"] * 3,
...         "value_perceived": [80, 80, 80],
...         "value_expansion": [10, 75, 75],
...         "open_to_buy": [True, True, False],
...     }
... )
>>> classify(s).tolist()
['churn risk', 'expansion', 'healthy']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuelab.core import InputError, format_value

__all__ = [
    "EXPANSION_CUTOFF",
    "GROUPS",
    "IMPACT_AREAS",
    "TREND_STEP",
    "by_impact_area",
    "classify",
    "next_actions",
    "score_trends",
    "segment_portfolio",
]

#: The groups, in display order.
GROUPS = ("churn risk", "expansion", "healthy")
#: ``value_expansion`` (0-100) at or above which an open-to-buy account is whitespace.
EXPANSION_CUTOFF = 60.0
#: VCubed's areas that shape a customer's ability to realize value (module References).
IMPACT_AREAS = ("product", "go-to-market", "operations", "people", "competition", "community")
#: A change of at least this many points (0-100 scale) draws an up or down arrow.
TREND_STEP = 5.0


def _need(df: pd.DataFrame, cols: list[str], source: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            f"missing columns {', '.join(missing)}",
            source=source,
            expected="accounts scored by valuelab.scoring.scores.score_accounts",
        )


def classify(scored: pd.DataFrame) -> pd.Series:
    """The group of every account: ``churn risk``, ``expansion`` or ``healthy``.

    Source: VCubed's churn risk and whitespace (see the module's References).
    """
    _need(
        scored,
        ["band", "goal_status", "value_perceived", "value_expansion", "open_to_buy"],
        "scored",
    )
    risk = (scored["band"] == "red") | (
        (scored["goal_status"] == "off track") & (scored["value_perceived"] < 50)
    )
    whitespace = (scored["value_expansion"] >= EXPANSION_CUTOFF) & scored["open_to_buy"].astype(
        bool
    )
    group = np.where(risk, GROUPS[0], np.where(whitespace, GROUPS[1], GROUPS[2]))
    return pd.Series(group, index=scored.index, name="group")


def segment_portfolio(scored: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Accounts and ARR per group (optionally per group and ``by``, e.g. ``"segment"``).

    Returns
    -------
    pandas.DataFrame
        ``accounts`` (count), ``arr`` (ARR at stake, a year's, in the scored
        table's currency: ``attrs["currency"]``, carried over), ``arr_pct``
        (percent of the portfolio's ARR), ``value_realized`` (mean, 0-100).

    Examples
    --------
    >>> s = pd.DataFrame(
    ...     {
    ...         "band": ["red", "green"],
    ...         "goal_status": ["on track"] * 2,
    ...         "value_perceived": [80, 80],
    ...         "value_expansion": [10, 10],
    ...         "open_to_buy": [True, True],
    ...         "arr": [300.0, 100.0],
    ...         "value_realized": [20, 80],
    ...     }
    ... )
    >>> segment_portfolio(s)["arr_pct"].tolist()
    [75.0, 0.0, 25.0]
    """
    _need(scored, ["arr", "value_realized"], "scored")
    frame = scored.assign(group=pd.Categorical(classify(scored), categories=GROUPS))
    keys = ["group"] + ([by] if by else [])
    if by:
        _need(scored, [by], "scored")
    table = frame.groupby(keys, observed=False).agg(
        accounts=("arr", "size"),
        arr=("arr", "sum"),
        value_realized=("value_realized", "mean"),
    )
    table.insert(2, "arr_pct", table["arr"] / float(scored["arr"].sum()) * 100)
    table.attrs["currency"] = scored.attrs.get("currency")
    return table


def by_impact_area(scored: pd.DataFrame) -> pd.DataFrame:
    """Per area of impact: accounts, ARR, mean scores and the share at churn risk (percent).

    ``arr`` is in the scored table's currency (``attrs["currency"]``, carried over).

    Source: VCubed's areas of impact (see the module's References).
    """
    _need(scored, ["impact_area", "arr", "value_realized", "rbo", "value_perceived"], "scored")
    frame = scored.assign(
        at_risk=classify(scored) == GROUPS[0],
        area=pd.Categorical(scored["impact_area"], categories=IMPACT_AREAS),
    )
    table = frame.groupby("area", observed=False).agg(
        accounts=("arr", "size"),
        arr=("arr", "sum"),
        value_realized=("value_realized", "mean"),
        rbo=("rbo", "mean"),
        value_perceived=("value_perceived", "mean"),
        at_risk_pct=("at_risk", "mean"),
    )
    table["at_risk_pct"] *= 100
    table.attrs["currency"] = scored.attrs.get("currency")
    return table.sort_values("value_realized", kind="stable")


def score_trends(scored_history: pd.DataFrame, score: str = "value_realized") -> pd.DataFrame:
    """Each account's latest score, the quarter before, the change and a trend arrow.

    Parameters
    ----------
    scored_history : pandas.DataFrame
        Quarterly scores (:func:`valuelab.scoring.indicators.score_history`).
    score : str
        The score column (0-100).

    Returns
    -------
    pandas.DataFrame
        Index ``account_id``: ``quarter`` (latest), ``latest``, ``previous``,
        ``change`` (points) and ``trend`` (``↑`` at least +5, ``↓`` at most
        -5, ``→`` otherwise, empty with no previous quarter).
    """
    _need(scored_history, ["quarter", "account_id", score], "scored_history")
    ordered = scored_history.sort_values(["account_id", "quarter"], kind="stable")
    previous = ordered.groupby("account_id", observed=True)[score].shift(1)
    ordered = ordered.assign(previous=previous)
    last = ordered.groupby("account_id", observed=True).tail(1).set_index("account_id")
    table = pd.DataFrame(
        {
            "quarter": last["quarter"].astype(str),
            "latest": last[score].astype(float),
            "previous": last["previous"].astype(float),
        }
    )
    table["change"] = table["latest"] - table["previous"]
    change = table["change"].to_numpy(dtype=float)
    up, down = change >= TREND_STEP, change <= -TREND_STEP
    table["trend"] = np.where(np.isnan(change), "", np.where(up, "↑", np.where(down, "↓", "→")))
    return table


def next_actions(row: pd.Series) -> list[str]:
    """Recommended next actions for one scored account, from documented rules.

    Rules, in order: a red band escalates (ARR at stake); a goal off track
    needs a recovery plan; an outcome not perceived needs telling; a
    self-reported outcome needs validating with the customer persona;
    whitespace (expansion >= 60 and open to buy) gets the next best value; a
    high value-unknown score (>= 60) feeds product and marketing. With none of
    these: keep the quarterly value review. ARR is written in the row's
    currency (``row.attrs["currency"]``, which a scored table's rows carry;
    "currency not declared" without one).

    Examples
    --------
    >>> row = pd.Series(
    ...     {
    ...         "band": "green",
    ...         "goal_status": "on track",
    ...         "goal_attainment": 1.0,
    ...         "rbo": 80,
    ...         "value_perceived": 85,
    ...         "value_expansion": 20,
    ...         "value_unknown": 10,
    ...         "open_to_buy": False,
    ...         "rbo_validated": True,
    ...         "arr": 1000.0,
    ...     }
    ... )
    >>> next_actions(row)
    ['Keep the cadence: a quarterly value review with the customer.']
    """
    actions = []
    if row["band"] == "red":
        arr = format_value("arr", float(row["arr"]), currency=row.attrs.get("currency"))
        actions.append(f"Escalate: churn risk; ARR at stake: {arr}.")
    if row["goal_status"] == "off track":
        pct = float(row["goal_attainment"]) * 100
        actions.append(
            f"Goal review: the outcome is projected at {pct:.0f} % of target; agree a recovery "
            "plan."
        )
    if row["rbo"] >= 50 and row["value_perceived"] < 50:
        actions.append("Tell them: show the outcomes achieved; the value is not perceived.")
    if not bool(row["rbo_validated"]):
        actions.append("Validate the outcome with the customer's persona (self-reported so far).")
    if row["value_expansion"] >= EXPANSION_CUTOFF and bool(row["open_to_buy"]):
        actions.append("Expansion: propose the next best value; the customer is open to buy.")
    if row["value_unknown"] >= 60:
        actions.append("Capture the value we did not know about: feed it to product and marketing.")
    return actions or ["Keep the cadence: a quarterly value review with the customer."]
