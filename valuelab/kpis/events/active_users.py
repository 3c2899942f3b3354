"""Active users: calendar actives (DAU, WAU, MAU, per quarter), rolling actives and stickiness.

A user is active in a period when they have at least one event (or one of ``active_events``) in
it. Calendar actives count distinct users per day, ISO week (Monday to Sunday), calendar month or
quarter [1]_; rolling actives count distinct users over the ``window`` days ending on each day,
the way Facebook defined its daily and monthly active users [2]_; stickiness is the average DAU
over a month divided by that month's MAU [3]_. Periods the log does not cover whole (a first or
last month that starts or ends mid-way) are flagged ``complete = False``.

References
----------
.. [1] A. Croll and B. Yoskovitz, *Lean Analytics: Use Data to Build a Better Startup Faster*,
   O'Reilly, 2013, ch. 5 and 14 (active users and engagement per period).
.. [2] Facebook, Inc., Form S-1 Registration Statement, U.S. SEC, 1 February 2012, "Key
   Metrics": a monthly active user logged in during the 30 days ending on the measurement date.
   https://www.sec.gov/Archives/edgar/data/1326801/000119312512034517/d287954ds1.htm
.. [3] A. Chen, "DAU/MAU is an important metric to measure engagement, but here's where it
   fails", andrewchen.com, 2018. https://andrewchen.com/dau-mau-is-an-important-metric-but-heres-where-it-fails/

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame(
...     {
...         "user": ["a", "b", "a"],
...         "time": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-03 08:00"]),
...         "event": ["visit"] * 3,
...     }
... )
>>> actives(log, "day")["actives"].tolist()
[2, 0, 1]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import InputError
from valuelab.kpis.events import _bits, _frame, _names

__all__ = ["actives", "rolling_actives", "stickiness"]

_ROLES = ("user", "time", "event")


def _roles(active_events: Iterable[str] | None) -> tuple[str, ...]:
    return _ROLES if active_events is not None else ("user", "time")


@_frame.guarded("actives")
def actives(
    data: Any, period: str = "day", active_events: Iterable[str] | None = None
) -> pd.DataFrame:
    """Distinct active users per calendar period (DAU, WAU, MAU or per quarter).

    Parameters
    ----------
    data : Source, ibis.Table or pandas.DataFrame
        The event log with role columns ``user``, ``time`` (and ``event`` with ``active_events``).
    period : {"day", "week", "month", "quarter"}
        Calendar period; weeks run Monday to Sunday.
    active_events : iterable of str, optional
        Events that count as activity (default: every event).

    Returns
    -------
    pandas.DataFrame
        Index ``period_start`` (every period of the log's span, oldest first); columns
        ``actives`` (users, int) and ``complete`` (the log covers the whole period).

    Raises
    ------
    InputError
        Unknown period, missing role columns, an empty log, or ``active_events`` the log
        never records (checked when nobody is active; with the log's event names).
    """
    unit = _frame.check_period(period)
    table, provenance = _frame.events_table(data, _roles(active_events))
    covered = _frame.span(table)
    act = _frame.active(table, active_events)
    index = _frame.starts(period, covered.first, covered.last)
    out = pd.DataFrame(index=index)
    out["actives"] = _calendar_counts(act, period, unit, index)
    _names.check_active(table, active_events, bool(out["actives"].any()), provenance)
    out["complete"] = _frame.complete(index, period, covered)
    return _frame.result(out, provenance, covered, f"actives per {period}")


def _calendar_counts(act: Any, period: str, unit: str, index: pd.DatetimeIndex) -> np.ndarray:
    """Distinct users per period of ``index`` (int64, aligned with it)."""
    # one mask per user and block of 62 periods (a year of weeks or months: one; of days: six):
    # a hash of users, not of (user, period) pairs; more than one block only in process
    periods = len(index)
    if _bits.usable(act, periods) and (periods <= _bits.BITS or _bits.local(act)):
        base = _bits.number_of(index[0], period)
        position = _frame.period_number(act.time, period) - base
        return _bits.calendar_counts(act, position, periods)
    # distinct (user, period) pairs first, then a plain count: no per-group distinct sets, so
    # the engine's ordinary hash aggregate runs in parallel and spills past its memory limit
    seen = act.select(user=act.user, period_start=act.time.truncate(unit)).distinct()
    counts = _frame.run(seen.group_by("period_start").aggregate(actives=seen.count()))
    found = counts.set_index(pd.DatetimeIndex(counts["period_start"]).as_unit("ns"))["actives"]
    return found.reindex(index, fill_value=0).astype("int64").to_numpy()


def _window_edges(table: Any, window: int) -> Any:
    """+1 on the day a user's activity starts counting, -1 on the day it stops (one query).

    Days are whole numbers (days since 1970-01-01 on the reporting clock), so the
    arithmetic needs no interval types (SQLite has none).
    """
    import ibis

    timed = table.filter(table.time.notnull())  # a row without a time is active on no day
    days = timed.select(user=timed.user, day=_frame.day_number(timed.time)).distinct()
    after = days.day.lead().over(ibis.window(group_by=days.user, order_by=days.day))
    end = days.day + window
    spans = days.select(
        start=days.day, stop=ibis.ifelse(after.notnull() & (after < end), after, end)
    )
    plus = spans.group_by(day=spans.start).aggregate(change=spans.count())
    minus = spans.group_by(day=spans.stop).aggregate(change=-spans.count())
    both = plus.union(minus)
    return both.group_by("day").aggregate(change=both.change.sum())


@_frame.guarded("rolling actives")
def rolling_actives(
    data: Any, window: int = 28, active_events: Iterable[str] | None = None
) -> pd.DataFrame:
    """Distinct users active in the ``window`` days ending on each day (L7, L28, L30 actives).

    Each user-day's activity counts from that day until the user's next active day or ``window``
    days on, whichever comes first; the sum of those intervals on a day is the number of distinct
    users active in the window ending that day, exactly.

    Parameters
    ----------
    data : Source, ibis.Table or pandas.DataFrame
        The event log (role columns ``user``, ``time``; ``event`` with ``active_events``).
    window : int
        Days in the window (7, 28 and 30 are usual).
    active_events : iterable of str, optional
        Events that count as activity (default: every event).

    Returns
    -------
    pandas.DataFrame
        Index ``period_start``: each day of the log's span (the window's last day); columns
        ``actives`` (users, int) and ``complete`` (the whole window lies inside the log).
    """
    if int(window) != window or window < 1:
        raise InputError(f"window {window!r}", source="window", expected="whole days, 1 or more")
    table, provenance = _frame.events_table(data, _roles(active_events))
    covered = _frame.span(table)
    act = _frame.active(table, active_events)
    index = _frame.starts("day", covered.first, covered.last)
    out = pd.DataFrame({"actives": _rolling_counts(act, int(window), index)}, index=index)
    _names.check_active(table, active_events, bool(out["actives"].any()), provenance)
    out["complete"] = np.asarray(index - pd.Timedelta(days=window - 1) >= covered.first)
    return _frame.result(out, provenance, covered, f"rolling {window}-day actives")


def _rolling_counts(act: Any, window: int, index: pd.DatetimeIndex) -> np.ndarray:
    """Users active in the ``window`` days ending on each day of ``index`` (int64)."""
    if window <= _bits.WIDEST and _bits.usable(act, len(index)):  # masks of days per user
        base = _bits.number_of(index[0], "day")
        return _bits.counts(act, _frame.period_number(act.time, "day") - base, len(index), window)
    edges = _frame.run(_window_edges(act, window))
    when = pd.to_datetime(edges["day"].astype("int64").to_numpy(), unit="D").as_unit("ns")
    change = edges.set_index(pd.DatetimeIndex(when))["change"]
    counts = change.reindex(index.union(change.index), fill_value=0).sort_index().cumsum()
    return counts.reindex(index).astype("int64").to_numpy()


def _user_days(act: Any) -> Any:
    """Per month (``month``, as :func:`_frame.period_number` numbers it): ``user_days`` (the sum
    of each user's active days) and ``mau``."""
    month = _frame.period_number(act.time, "month")  # an integer key: cheaper than a timestamp
    if _bits.usable(act, 31):  # per user and month, a mask of the days of the month
        per_user = _bits.masks(act, act.time.day() - 1, month=month)
        days = _bits.popcount(per_user.mask, 31, act)
    else:  # active days per user and month; then sums, no distinct set per month
        seen = act.select(user=act.user, day=act.time.truncate("D"), month=month).distinct()
        per_user = seen.group_by("month", "user").aggregate(days=seen.count())
        days = per_user.days
    return per_user.group_by("month").aggregate(user_days=days.sum(), mau=per_user.count())


@_frame.guarded("stickiness")
def stickiness(data: Any, active_events: Iterable[str] | None = None) -> pd.DataFrame:
    """DAU/MAU per calendar month: the month's average DAU divided by its MAU, share 0-1.

    The average is over the days of the month the log covers (all of them for a complete month).
    0.2 means the average monthly user is active about 6 days a month.

    Returns
    -------
    pandas.DataFrame
        Index ``period_start`` (months with activity); columns ``mean_dau`` (users),
        ``mau`` (users, int), ``stickiness`` (share 0-1) and ``complete``.
    """
    table, provenance = _frame.events_table(data, _roles(active_events))
    covered = _frame.span(table)
    act = _frame.active(table, active_events)
    months = _frame.run(_user_days(act)).sort_values("month")
    _names.check_active(table, active_events, not months.empty, provenance)
    number = months["month"].to_numpy(dtype="int64") - 1  # year * 12 + month - 1
    index = pd.DatetimeIndex(
        pd.to_datetime({"year": number // 12, "month": number % 12 + 1, "day": 1}),
        name="period_start",
    ).as_unit("ns")
    first = index.to_series().clip(lower=covered.first)
    last = (index + pd.offsets.MonthEnd(0)).to_series().clip(upper=covered.last)
    observed = ((last.to_numpy() - first.to_numpy()) // np.timedelta64(1, "D")) + 1
    mau = months["mau"].to_numpy().astype("int64")
    out = pd.DataFrame({"mean_dau": months["user_days"].to_numpy() / observed}, index=index)
    out["mau"] = mau
    out["stickiness"] = out["mean_dau"] / mau
    out["complete"] = _frame.complete(index, "month", covered)
    return _frame.result(out, provenance, covered, "stickiness (DAU/MAU per month)")
