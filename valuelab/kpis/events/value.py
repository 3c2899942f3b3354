"""Reaching value: time to value from a start event to a first value event, and repeat purchase.

Time to value is the days from a user's first ``start_event`` (sign-up) to their first
``value_event`` (the first event that delivers what they came for, configurable) [1]_. The repeat
purchase rate of a period is the share of its customers with two or more purchases in it [2]_.

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022: time to value
   among the product KPIs. https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
.. [2] ECDB (ecommerceDB), "Repeat customer rate", glossary, 2024: customers with two or more
   purchases in a period over the period's customers. https://ecommercedb.com/glossary/repeat-customer-rate
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from valuelab.kpis.events import _frame, _names

__all__ = ["repeat_purchase", "time_to_value", "time_to_value_by_user"]

_QUANTILES = {"median_days": 0.5, "p75_days": 0.75, "p90_days": 0.9}


def user_days_to_value(table: Any, value_event: str, start_event: str) -> Any:
    """Per user with a start event: ``start``, ``first_value`` (times) and ``days`` (calendar)."""
    table = table.filter(table.event.isin([start_event, value_event]))  # fewer rows to group
    firsts = table.group_by("user").aggregate(
        start=table.time.min(where=table.event == start_event),
        first_value=table.time.min(where=table.event == value_event),
    )
    firsts = firsts.filter(firsts.start.notnull())
    days = _frame.day_number(firsts.first_value) - _frame.day_number(firsts.start)
    return firsts.mutate(days=days)


@_frame.guarded("time to value by user")
def time_to_value_by_user(
    data: Any, value_event: str = "purchase", start_event: str = "signup"
) -> pd.DataFrame:
    """Per user with a start event: when they started, first reached value and the days between.

    Returns
    -------
    pandas.DataFrame
        Index ``user`` (sorted); columns ``start`` and ``first_value`` (times; NaT: not reached
        yet) and ``days`` (calendar days, float; NaN: not reached yet). One row per user: for a
        large log, prefer the per-cohort ``time_to_value``.
    """
    table, provenance = _frame.events_table(data, ("user", "time", "event"), ids=True)
    covered = _frame.span(table)
    found = _frame.run(user_days_to_value(table, value_event, start_event))
    if found["first_value"].isna().all():  # nobody reached value: a name the log lacks?
        named = {"value_event": value_event, "start_event": start_event}
        _names.check_events(table, named, _names.source_name(provenance))
    out = found.set_index("user").sort_index()[["start", "first_value", "days"]]
    out = out.astype(
        {"days": "float64", "start": "datetime64[ns]", "first_value": "datetime64[ns]"}
    )
    out = _frame.result(out.reset_index(), provenance, covered, "time to value by user")
    return out.set_index("user")


def _cohort_days(users: Any, unit: str) -> pd.DataFrame:
    """Per cohort: users, reached and the day quantiles; in the database when it has quantiles.

    A backend without quantiles (SQLite) computes the per-user days; pandas takes the
    quantiles of that small result (linear interpolation, as the databases' ``quantile_cont``).
    """
    from ibis.common.exceptions import OperationNotDefinedError, UnsupportedOperationError

    stats = {name: users.days.quantile(q) for name, q in _QUANTILES.items()}
    cohort = users.start.truncate(unit)
    try:
        found = _frame.run(
            users.group_by(period_start=cohort).aggregate(
                users=users.count(), reached=users.days.count(), **stats
            )
        )
    except (OperationNotDefinedError, UnsupportedOperationError):
        each = _frame.run(users.select(period_start=cohort, days=users.days))
        groups = each.groupby("period_start")["days"]
        found = pd.DataFrame({"users": groups.size(), "reached": groups.count()})
        for name, q in _QUANTILES.items():
            found[name] = groups.quantile(q)
        found = found.reset_index()
    return found.sort_values("period_start")


@_frame.guarded("time to value")
def time_to_value(
    data: Any, value_event: str = "purchase", start_event: str = "signup", period: str = "month"
) -> pd.DataFrame:
    """Days from the start event to the first value event, per start cohort.

    Parameters
    ----------
    data : Source, ibis.Table or pandas.DataFrame
        The event log with role columns ``user``, ``time`` and ``event``.
    value_event : str
        The first event that counts as value (a first purchase, a first report shared, ...).
    start_event : str
        The event the clock starts at (users without one are left out).
    period : {"day", "week", "month", "quarter"}
        Cohorts by the period of the start event.

    Returns
    -------
    pandas.DataFrame
        Index ``period_start`` (start cohorts); columns ``users`` (int), ``reached`` (users who
        reached value, int), ``reached_share`` (0-1), ``median_days``, ``p75_days``,
        ``p90_days`` (calendar days among users who reached value; linear interpolation),
        ``complete`` (the log covers the cohort's period whole).

    Raises
    ------
    InputError
        Unknown period, missing role columns, an empty log, or a ``value_event`` or
        ``start_event`` the log never records (checked when nobody reached value; the
        message lists the log's event names, with a did-you-mean).
    """
    out = cohort_time_to_value(data, value_event, start_event, period)
    if not out["reached"].sum():  # nobody reached value: a name the log lacks?
        table, provenance = _frame.events_table(data, ("user", "time", "event"))
        named = {"value_event": value_event, "start_event": start_event}
        _names.check_events(table, named, _names.source_name(provenance))
    return out


@_frame.guarded("time to value")
def cohort_time_to_value(
    data: Any, value_event: str, start_event: str, period: str = "month"
) -> pd.DataFrame:
    """:func:`time_to_value` without checking the event names (a segment may lack them)."""
    unit = _frame.check_period(period)
    table, provenance = _frame.events_table(data, ("user", "time", "event"))
    covered = _frame.span(table)
    found = _cohort_days(user_days_to_value(table, value_event, start_event), unit)
    out = found.set_index(pd.DatetimeIndex(found["period_start"]).as_unit("ns"))
    out = out[["users", "reached", *_QUANTILES]].astype({"users": "int64", "reached": "int64"})
    out.insert(2, "reached_share", out["reached"] / out["users"])
    out[list(_QUANTILES)] = out[list(_QUANTILES)].astype("float64")
    out["complete"] = _frame.complete(out.index, period, covered)
    return _frame.result(
        out, provenance, covered, f"time to value ({start_event} -> {value_event})"
    )


@_frame.guarded("repeat purchase")
def repeat_purchase(
    data: Any, period: str = "month", purchase_event: str = "purchase"
) -> pd.DataFrame:
    """Repeat purchase rate per period: customers with two or more purchases in it, share 0-1.

    Returns
    -------
    pandas.DataFrame
        Index ``period_start`` (every period of the log's span); columns ``customers`` (users
        with a purchase, int), ``repeat_customers`` (two or more purchases, int),
        ``repeat_rate`` (share 0-1; NaN without customers) and ``complete``.
    """
    unit = _frame.check_period(period)
    table, provenance = _frame.events_table(data, ("user", "time", "event"))
    covered = _frame.span(table)
    bought = table.filter(table.event == purchase_event)
    per_user = bought.group_by(period_start=bought.time.truncate(unit), user=bought.user).aggregate(
        purchases=bought.count()
    )
    found = _frame.run(
        per_user.group_by("period_start").aggregate(
            customers=per_user.count(), repeat_customers=(per_user.purchases >= 2).sum()
        )
    )
    if found.empty:  # no purchase at all: a name the log lacks?
        named = {"purchase_event": purchase_event}
        _names.check_events(table, named, _names.source_name(provenance))
    index = _frame.starts(period, covered.first, covered.last)
    found = found.set_index(pd.DatetimeIndex(found["period_start"]).as_unit("ns"))
    out = found[["customers", "repeat_customers"]].reindex(index).fillna(0).astype("int64")
    out["repeat_rate"] = out["repeat_customers"] / out["customers"].where(out["customers"] > 0)
    out["repeat_rate"] = out["repeat_rate"].astype("float64").fillna(np.nan)
    out["complete"] = _frame.complete(index, period, covered)
    return _frame.result(out, provenance, covered, f"repeat purchase rate per {period}")
