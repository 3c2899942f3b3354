"""KPIs from an event log: cohort retention, DAU, MAU, stickiness, time to value, activity churn.

The log has one row per event: ``user_id``, ``date`` (a day) and ``event``
(e.g. ``signup``, ``visit``, ``purchase``). Every event counts as activity
unless ``active_events`` names the ones that do. A user's cohort is the
period of their first ``signup`` event (or their first event when they have
none). All functions are vectorized (group-bys over the whole log; no loop over
users): 10 M events take a few seconds. Daily active users, time to value and
retention are product KPIs of [1]_.

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022:
   the product KPIs (daily active users, time to value, Net Promoter Score,
   retention rate, lifetime value, margin per customer) and the 20 % of
   features that drive 80 % of purchase decisions.
   https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
.. [2] Value Rebels, "What does it mean to deliver the right customer
   value?", Value Rebels blog: KPIs are connected; raising conversion touches
   prices, costs and basket sizes.
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value

Examples
--------
>>> log = pd.DataFrame(
...     {
...         "user_id": ["a", "a", "b", "b", "a"],
...         "date": pd.to_datetime(
...             ["2024-01-03", "2024-01-04", "2024-01-04", "2024-02-10", "2024-02-01"]
...         ),
...         "event": ["signup", "visit", "signup", "visit", "visit"],
...     }
... )
>>> cohort_retention(log).round(2).values.tolist()
[[1.0, 1.0]]
>>> round(float(stickiness(log).iloc[0]), 3)
0.052
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np  # noqa: F401 (the doctests use it)
import pandas as pd

from valuelab.core import Column, InputError, validate_frame
from valuelab.kpis.definitions import ActivityChurn
from valuelab.kpis.events import active_users as _actives
from valuelab.kpis.events import cohorts as _cohorts
from valuelab.kpis.events import value as _value
from valuelab.kpis.payback import (
    cohort_margin_curve,
    cohort_payback_month,
    shop_money,
    tenure_months,
)

__all__ = [
    "activity_churn",
    "cohort_retention",
    "dau",
    "mau",
    "shop_summary",
    "stickiness",
    "time_to_value",
    "ttv_summary",
]

_COLUMNS = [Column("user_id"), Column("date", kind="datetime"), Column("event", kind="str")]
_PERIODS = {"month": "M", "week": "W"}


def _log(events: pd.DataFrame, active_events: Iterable[str] | None, source: str) -> pd.DataFrame:
    validate_frame(events, _COLUMNS, source=source)
    log = events[["user_id", "date", "event"]]
    if not pd.api.types.is_datetime64_any_dtype(log["date"]):
        log = log.assign(date=pd.to_datetime(log["date"]))
    if active_events is not None:
        wanted = set(active_events)
        known = set(log["event"].unique())
        if not wanted & known:
            raise InputError(
                f"none of {sorted(wanted)} in the log",
                source=source,
                column="event",
                expected=", ".join(sorted(map(str, known))),
            )
    return log


def _canonical(log: pd.DataFrame) -> pd.DataFrame:
    """The log under the role names of ``valuelab.kpis.events`` (which computes every metric)."""
    return log.rename(columns={"user_id": "user", "date": "time"})


def _mau(log: pd.DataFrame, active_events: Iterable[str] | None) -> pd.Series:
    table = _actives.actives(_canonical(log), "month", active_events)
    index = table.index.to_period("M").rename("month")
    return pd.Series(table["actives"].to_numpy(), index=index, name="mau")


def cohort_retention(
    events: pd.DataFrame,
    period: str = "month",
    active_events: Iterable[str] | None = None,
    signup_event: str = "signup",
    source: str = "events",
) -> pd.DataFrame:
    """Share of each sign-up cohort active in each period since signing up.

    Parameters
    ----------
    period : {"month", "week"}
        Cohort and activity period.
    active_events : iterable of str, optional
        Events that count as activity (default: all).

    Returns
    -------
    pandas.DataFrame
        Rows: cohorts (periods, oldest first); columns: periods since sign-up
        0, 1, 2, ...; values: share 0-1 of the cohort's users active; NaN
        where that period is after the end of the log (not yet observed).
    """
    if period not in _PERIODS:
        raise InputError(f"unknown period {period!r}", source="period", expected="month or week")
    log = _canonical(_log(events, active_events, source))
    table = _cohorts.cohort_retention(
        log, period, active_events, signup_event, include_incomplete=True
    )
    labels = table.index.to_period(_PERIODS[period]).astype(str)
    table = pd.DataFrame(table.to_numpy(), index=labels, columns=table.columns)
    table.index.name, table.columns.name = "cohort", f"{period}s since sign-up"
    return table


def dau(
    events: pd.DataFrame, active_events: Iterable[str] | None = None, source: str = "events"
) -> pd.Series:
    """Daily active users: distinct users active each day (every day of the log's span).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "b", "a"],
    ...         "event": ["x"] * 3,
    ...         "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03"]),
    ...     }
    ... )
    >>> dau(log).tolist()
    [2, 0, 1]
    """
    log = _canonical(_log(events, active_events, source))
    table = _actives.actives(log, "day", active_events)
    return pd.Series(table["actives"].to_numpy(), index=table.index.rename("date"), name="dau")


def mau(
    events: pd.DataFrame, active_events: Iterable[str] | None = None, source: str = "events"
) -> pd.Series:
    """Monthly active users: distinct users active in each calendar month."""
    return _mau(_log(events, active_events, source), active_events)


def stickiness(
    events: pd.DataFrame, active_events: Iterable[str] | None = None, source: str = "events"
) -> pd.Series:
    """DAU/MAU per calendar month: mean daily actives / monthly actives, share 0-1.

    The mean is over the days of the month the log covers. 0.2 means the
    average monthly user shows up about 6 days a month.
    """
    log = _canonical(_log(events, active_events, source))
    table = _actives.stickiness(log, active_events)
    index = table.index.to_period("M").rename("date")
    return pd.Series(table["stickiness"].to_numpy(), index=index, name="dau_mau")


def time_to_value(
    events: pd.DataFrame,
    value_event: str = "value",
    signup_event: str = "signup",
    source: str = "events",
) -> pd.DataFrame:
    """Per user: sign-up day, first value day and the days between (NaN: not reached yet).

    Returns
    -------
    pandas.DataFrame
        Index ``user_id``: ``signup``, ``first_value`` (dates) and ``days``.
    """
    log = _log(events, [value_event], source)
    if signup_event not in set(log["event"].unique()):
        raise InputError(f"no '{signup_event}' events", source=source, column="event")
    table = _value.time_to_value_by_user(_canonical(log), value_event, signup_event)
    table = table.rename(columns={"start": "signup"}).rename_axis("user_id")
    return table


def ttv_summary(ttv: pd.DataFrame) -> dict[str, float]:
    """Share of users who reached value and the distribution of their days to value.

    Examples
    --------
    >>> t = pd.DataFrame({"days": [1.0, 3.0, np.nan, 5.0]})
    >>> ttv_summary(t)
    {'users': 4, 'reached_pct': 75.0, 'median_days': 3.0, 'p75_days': 4.0, 'p90_days': 4.6}
    """
    days = ttv["days"].dropna()
    return {
        "users": len(ttv),
        "reached_pct": float(len(days) / len(ttv) * 100) if len(ttv) else float("nan"),
        "median_days": float(days.median()),
        "p75_days": float(days.quantile(0.75)),
        "p90_days": float(days.quantile(0.9)),
    }


def activity_churn(
    events: pd.DataFrame,
    active_events: Iterable[str] | None = None,
    population: str = "active users",
    source: str = "events",
) -> ActivityChurn:
    """Mean share 0-1 of a month's active users who are not active the month after.

    Computed over every pair of consecutive months in the log (the last month
    has no "after" and is left out). This measures *activity*, not departure:
    a customer who skips a month and comes back counts as churned, so the
    result is an :class:`~valuelab.kpis.definitions.ActivityChurn`, which the
    simple lifetime value formula (:func:`~valuelab.kpis.definitions.ltv`) refuses.

    Parameters
    ----------
    population : str
        Who the log's users are, carried on the result (``"paying customers"``).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "b", "a"],
    ...         "event": ["x"] * 3,
    ...         "date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-02-01"]),
    ...     }
    ... )
    >>> activity_churn(log)
    ActivityChurn(value=0.5, period='month', population='active users')
    """
    log = _canonical(_log(events, active_events, source))
    table = _cohorts.activity_churn(log, "month", active_events)
    if len(table) < 2:
        raise InputError(
            "the log covers one month only", source=source, expected="two months or more"
        )
    rate = float(table["churn_rate"].mean())
    return ActivityChurn(rate, period="month", population=population)


def _paying_log(log: pd.DataFrame) -> pd.DataFrame:
    """Events of paying customers from the month of their first purchase on."""
    month = log["date"].dt.to_period("M")
    first = month[log["event"] == "purchase"].groupby(log["user_id"], observed=True).min()
    since = log["user_id"].map(first)
    keep = since.notna().to_numpy() & (month >= since).to_numpy()
    return log[keep]


def shop_summary(
    events: pd.DataFrame, cac: float | None = None, source: str = "events"
) -> dict[str, float | str | None]:
    """Product KPIs from an online shop's log (the ``shop_events`` layout), one population each.

    Conversion is per visit, AOV per order; revenue, margin, activity churn
    and CAC payback are per *acquired customer* (a user with an order), counted
    from the month of their first order through the end of the log, quiet
    months included (:func:`valuelab.kpis.payback.tenure_months`). CAC payback
    is the cohort payback (:mod:`valuelab.kpis.payback`): the first month in
    which the cumulative margin per acquired customer reaches CAC. Sources:
    STRTGY's product KPIs [1]_ and Value Rebels' conversion and basket size [2]_;
    CAC payback and DAU/MAU are the kit's additions. A shop's lifetime value
    needs a repeat-purchase model (:mod:`valuelab.kpis.repeat_purchase`). Amounts:
    ``revenue``, ``cogs`` in ``attrs["currency"]`` (the shipped ``*_eur``: EUR,
    :func:`~valuelab.kpis.payback.shop_money`); ``cac`` (optional, to acquire one
    paying customer) in that currency.

    Returns
    -------
    dict
        ``currency`` (``None``: not declared), ``users``, ``visits``, ``orders``,
        ``conversion`` (share 0-1), ``revenue``, ``aov``, ``gross_margin`` (share),
        ``paying_customers``, ``customer_tenure_months`` (months since each
        customer's first order, summed), ``revenue_per_paying_customer_month``
        and ``margin_per_paying_customer_month`` (per acquired customer per
        month of tenure), ``active_customer_months`` and
        ``revenue_per_active_customer_month`` (per active customer-month: not a
        per-customer figure), ``log_months``, ``margin_per_paying_customer_log``,
        ``activity_churn`` (:class:`~valuelab.kpis.definitions.ActivityChurn`),
        ``nps``, ``ttv_median_days`` (sign-up to first order), ``dau_mau``;
        with ``cac``, ``cac_payback_month`` (cohort payback: month since the
        first order, 0 = that month; NaN when not reached within the log) and
        ``cac_payback_months_flat`` (CAC / margin per customer-month of tenure).
    """
    from valuelab.kpis import definitions as kpis

    events = shop_money(events)
    log = _shop_log(events, source)
    kind = events["event"].astype(str)
    visits, orders = int((kind == "visit").sum()), int((kind == "purchase").sum())
    revenue, cogs = float(events["revenue"].sum()), float(events["cogs"].sum())
    out = {
        "currency": events.attrs["currency"],
        "users": int(log["user_id"].nunique()),
        "visits": visits,
        "orders": orders,
        "conversion": kpis.conversion_rate(orders, visits),
        "revenue": revenue,
        "aov": kpis.average_order_value(revenue, orders),
        "gross_margin": kpis.gross_margin(revenue, cogs),
        **_per_paying_customer(log, events, source),
        "nps": kpis.nps(events["nps_score"].dropna()),
        "ttv_median_days": ttv_summary(time_to_value(events, "purchase", source=source))[
            "median_days"
        ],
        "dau_mau": float(stickiness(events, source=source).mean()),
    }
    return out if cac is None else {**out, **_payback(events, cac, out, source)}


def _payback(events: pd.DataFrame, cac: float, out: dict, source: str) -> dict:
    """The cohort CAC payback month and the flat formula's months (see :func:`shop_summary`)."""
    from valuelab.kpis import definitions as kpis

    month = cohort_payback_month(cohort_margin_curve(events, source), cac)
    flat = kpis.cac_payback_months(
        cac, out["revenue_per_paying_customer_month"], out["gross_margin"]
    )
    return {
        "cac_payback_month": float("nan") if month is None else month,
        "cac_payback_months_flat": flat,
    }


def _shop_log(events: pd.DataFrame, source: str) -> pd.DataFrame:
    log = _log(events, None, source)
    for col in ("revenue", "cogs", "nps_score"):
        if col not in events.columns:
            raise InputError(
                f"missing column {col}", source=source, expected="the shop_events layout"
            )
    return log


def _per_paying_customer(log: pd.DataFrame, events: pd.DataFrame, source: str) -> dict:
    """Revenue, margin and activity churn per paying customer (see :func:`shop_summary`)."""
    from valuelab.kpis import definitions as kpis

    revenue, cogs = float(events["revenue"].sum()), float(events["cogs"].sum())
    paying = _paying_log(log)
    customers = int(paying["user_id"].nunique())
    active_months = int(_mau(paying, None).sum())
    tenure = int(tenure_months(events, source).sum())
    per_month = revenue / tenure
    return {
        "paying_customers": customers,
        "customer_tenure_months": tenure,
        "revenue_per_paying_customer_month": per_month,
        "margin_per_paying_customer_month": per_month * kpis.gross_margin(revenue, cogs),
        "active_customer_months": active_months,
        "revenue_per_active_customer_month": revenue / active_months,
        "log_months": int(_mau(log, None).size),
        "margin_per_paying_customer_log": kpis.margin_per_customer(revenue, cogs, customers),
        "activity_churn": activity_churn(paying, population="paying customers", source=source),
    }
