"""Cohorts over time: retention by sign-up cohort, activity churn and reactivation.

A user's cohort is the period of their first ``signup_event`` (their first event when they have
none); cohort retention is the share of a cohort active k periods later [1]_. Activity churn is
*not* contractual churn: it is the share of a period's active users who are inactive the next
period; reactivated users are active in a period after at least one inactive period, as in
growth accounting's "resurrected" users [2]_.

References
----------
.. [1] A. Croll and B. Yoskovitz, *Lean Analytics: Use Data to Build a Better Startup Faster*,
   O'Reilly, 2013, ch. 4 "Cohort analysis".
.. [2] J. Hsu, "Diligence at Social Capital Part 1: Accounting for User Growth", Medium, 2015:
   new, retained, resurrected and churned users per period.
   https://medium.com/swlh/diligence-at-social-capital-part-1-accounting-for-user-growth-4a8a449fddfc
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from valuelab.kpis.events import _bits, _frame, _names

__all__ = ["activity_churn", "cohort_retention"]


def _cohort_counts(table: Any, period: str, active_events, signup_event: str | None) -> Any:
    """Users per cohort and periods since its start ``k``; ``k = -1``: the cohort's size
    (and, in ``signed``, how many of its users have a sign-up event).

    One scan of the log: its distinct (user, period) pairs, each knowing whether it holds a
    sign-up and an activity event; cohorts and activity both come from those (far fewer) rows,
    since the period of the first event is the first period with an event.
    """
    import ibis

    unit = _frame.check_period(period)
    none = table.event.isnull() & table.event.notnull()  # no sign-up event: first events
    flags = {"signup": (table.event == signup_event if signup_event is not None else none).any()}
    if active_events is not None:
        flags["act"] = _frame.counts_as_active(table, active_events).any()
    pairs = table.group_by(user=table.user, period=table.time.truncate(unit)).aggregate(**flags)
    starts = pairs.group_by("user").aggregate(
        start=pairs.period.min(where=pairs.signup).coalesce(pairs.period.min()),
        signed=pairs.signup.any(),
    )
    sizes = starts.group_by(cohort_start=starts.start).aggregate(
        users=starts.count(), signed=starts.signed.sum().cast("int64")
    )
    seen = pairs.filter(pairs.act) if active_events is not None else pairs
    joined = seen.join(starts, "user")
    k = _frame.period_number(joined.period, period) - _frame.period_number(joined.start, period)
    found = joined.select(cohort_start=joined.start, k=k).filter(lambda t: t.k >= 0)
    found = found.group_by("cohort_start", "k").aggregate(
        users=found.count(), signed=ibis.literal(0, "int64")
    )
    size = sizes.select("cohort_start", k=ibis.literal(-1, "int64"), users="users", signed="signed")
    return found.union(size)


def _observed(table: pd.DataFrame, period: str, covered: _frame.Span, keep: bool) -> pd.DataFrame:
    """NaN where cohort + k is after the log (or, unless ``keep``, a period it covers in part)."""
    for k in table.columns:
        when = _frame.shifted(table.index, period, int(k))
        ok = when <= covered.last
        if not keep:
            ok &= _frame.complete(when, period, covered) | (when < covered.first)
        table[k] = table[k].where(np.asarray(ok))
    return table


def _check_names(table: Any, signed: int, pairs: pd.DataFrame, names: tuple, where) -> None:
    """Refuse a sign-up or activity event the log never records (users all from first events,
    or no activity): only when the counts already say so, no extra query otherwise."""
    signup_event, active_events = names
    named = {} if signed or signup_event is None else {"signup_event": signup_event}
    if active_events is not None and pairs.empty:
        named["active_events"] = list(active_events)
    if named:
        _names.check_events(table, named, _names.source_name(where))


@_frame.guarded("cohort retention")
def cohort_retention(
    data: Any,
    period: str = "month",
    active_events: Iterable[str] | None = None,
    signup_event: str | None = "signup",
    include_incomplete: bool = False,
) -> pd.DataFrame:
    """Share of each sign-up cohort active in each period since its start.

    Parameters
    ----------
    data : Source, ibis.Table or pandas.DataFrame
        The event log with role columns ``user``, ``time`` and ``event``.
    period : {"day", "week", "month", "quarter"}
        Cohort and activity period (weeks Monday to Sunday).
    active_events : iterable of str, optional
        Events that count as activity (default: every event).
    signup_event : str or None
        The event that starts a user's life (users without one start at their first event);
        ``None``: every user starts at their first event (a log without sign-ups).
    include_incomplete : bool
        Keep the shares of calendar periods the log covers in part (its last, partial month);
        by default they are NaN, like periods after the log's end.

    Raises
    ------
    InputError
        Unknown period, missing role columns, an empty log, a ``signup_event`` or
        ``active_events`` the log never records (checked when no user has the sign-up or
        nobody is active; the message lists the log's event names, with a did-you-mean).

    Returns
    -------
    pandas.DataFrame
        Index ``cohort_start`` (period start dates, oldest first); columns: periods since the
        start, ints 0, 1, 2, ...; values: share 0-1 of the cohort's users active. ``attrs``:
        ``provenance``, ``cohort_users`` (ISO date -> users) and ``incomplete_cohorts`` (cohorts
        whose own period the log covers in part: the log started mid-period).
    """
    table, provenance = _frame.events_table(data, ("user", "time", "event"))
    covered = _frame.span(table)
    found = _frame.run(_cohort_counts(table, period, active_events, signup_event))
    is_size = found["k"] == -1
    sizes = found[is_size].set_index("cohort_start")["users"].sort_index()
    pairs = found[~is_size]
    _check_names(
        table, found[is_size]["signed"].sum(), pairs, (signup_event, active_events), provenance
    )
    counts = pairs.pivot_table(index="cohort_start", columns="k", values="users", aggfunc="sum")
    width = len(_frame.starts(period, sizes.index.min(), covered.last))
    counts = counts.reindex(index=sizes.index, columns=range(width)).fillna(0)
    shares = counts.div(sizes, axis=0).astype("float64")
    shares.columns = pd.Index(range(width), dtype="int64")
    out = _observed(shares, period, covered, include_incomplete)
    out = _frame.result(out, provenance, covered, f"cohort retention per {period}", "cohort_start")
    return _with_attrs(out, sizes, period, covered)


def _with_attrs(out: pd.DataFrame, sizes: pd.Series, period: str, covered) -> pd.DataFrame:
    """``out`` with ``cohort_users``, ``incomplete_cohorts`` and ``incomplete_periods``."""
    out.attrs["cohort_users"] = {d.date().isoformat(): int(n) for d, n in sizes.items()}
    partial = ~_frame.complete(out.index, period, covered)
    out.attrs["incomplete_cohorts"] = [d.date().isoformat() for d in out.index[partial]]
    calendar = _frame.starts(period, covered.first, covered.last)
    split = calendar[~_frame.complete(calendar, period, covered)]
    out.attrs["incomplete_periods"] = [d.date().isoformat() for d in split]
    return out


def _churn_expr(table: Any, period: str, active_events) -> Any:
    import ibis

    unit = _frame.check_period(period)
    act = _frame.active(table, active_events)
    seen = act.select(user=act.user, period=act.time.truncate(unit)).distinct()
    seen = seen.mutate(n=_frame.period_number(seen.period, period))
    w = ibis.window(group_by=seen.user, order_by=seen.n)
    steps = seen.mutate(before=seen.n.lag().over(w), after=seen.n.lead().over(w))
    return steps.group_by(period_start=steps.period).aggregate(
        actives=steps.count(),
        inactive_next=(steps.after.isnull() | (steps.after > steps.n + 1)).sum(),
        new=steps.before.isnull().sum(),
        reactivated=(steps.before < steps.n - 1).sum(),
    )


_CHURN = ["actives", "new", "reactivated", "inactive_next"]


def _churn_bits(act: Any, period: str, index: pd.DatetimeIndex) -> pd.DataFrame:
    """:data:`_CHURN` counts per period of ``index`` from one mask of active periods per user."""
    base = _bits.number_of(index[0], period)
    m = _bits.masks(act, _frame.period_number(act.time, period) - base)
    aggs = {}
    for b in range(len(index)):
        on = _bits.bit(m.mask, b) == 1
        before = _bits.below(m.mask, b) != 0  # active in an earlier period
        aggs[f"actives{b}"] = on.sum()
        aggs[f"new{b}"] = (on & ~before).sum()
        gap = on & before & (_bits.bit(m.mask, b - 1) == 0) if b else on & False
        aggs[f"reactivated{b}"] = gap.sum()
        aggs[f"inactive_next{b}"] = (on & (_bits.bit(m.mask, b + 1) == 0)).sum()
    row = _frame.run(m.aggregate(**aggs)).iloc[0].fillna(0)
    n = len(index)
    data = {c: row[[f"{c}{b}" for b in range(n)]].to_numpy(dtype="int64") for c in _CHURN}
    return pd.DataFrame(data, index=index)


@_frame.guarded("activity churn")
def activity_churn(
    data: Any, period: str = "month", active_events: Iterable[str] | None = None
) -> pd.DataFrame:
    """Activity churn and reactivation per period: who is inactive next period, who came back.

    Not contractual churn (a cancelled subscription): a user "churns" here when active in a
    period and inactive in the next one, and may come back.

    Returns
    -------
    pandas.DataFrame
        Index ``period_start`` (every period of the log's span); columns ``actives``, ``new``
        (first active period), ``reactivated`` (active again after one or more inactive periods),
        ``retained`` (active the period before too), all users (int); ``inactive_next``
        (active, not the next period; users, nullable ``Int64``, ``<NA>`` in the last period:
        no next period yet); ``churn_rate`` (inactive_next / actives, share 0-1, NaN in the
        last period); ``complete`` (this and the next period are covered whole, so the rate
        can be averaged).
    """
    table, provenance = _frame.events_table(data, _roles(active_events))
    covered = _frame.span(table)
    index = _frame.starts(period, covered.first, covered.last)
    act = _frame.active(table, active_events)
    if len(index) <= _bits.BITS and _bits.usable(act, len(index)):  # one mask per user
        out = _churn_bits(act, period, index)
    else:
        found = _frame.run(_churn_expr(table, period, active_events))
        found = found.set_index(pd.DatetimeIndex(found["period_start"]).as_unit("ns"))
        out = found[_CHURN].reindex(index).fillna(0).astype("int64")
    out.insert(3, "retained", out["actives"] - out["new"] - out["reactivated"])
    out["churn_rate"] = (out["inactive_next"] / out["actives"].where(out["actives"] > 0)).astype(
        "float64"
    )
    _names.check_active(table, active_events, bool(out["actives"].any()), provenance)
    out.loc[index[-1], "churn_rate"] = np.nan
    out["inactive_next"] = out["inactive_next"].astype("Int64").mask(out.index == index[-1])
    whole = _frame.complete(index, period, covered)
    out["complete"] = whole & np.append(whole[1:], False)
    return _frame.result(out, provenance, covered, f"activity churn per {period}")


def _roles(active_events: Iterable[str] | None) -> tuple[str, ...]:
    return ("user", "time", "event") if active_events is not None else ("user", "time")
