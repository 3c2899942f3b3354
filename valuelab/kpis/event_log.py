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
>>> cohort_retention(log, include_incomplete=True).values.tolist()  # February: 10 days
[[1.0, 1.0]]
>>> cohort_retention(log).attrs["incomplete_periods"]  # left out by default
['2024-01-01', '2024-02-01']
>>> round(float(stickiness(log).iloc[0]), 3)
0.052
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from valuelab.core import Column, InputError, validate_frame
from valuelab.kpis.definitions import ActivityChurn
from valuelab.kpis.events import _frame
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

_COLUMNS = [Column("user_id"), Column("date"), Column("event", kind="str")]


def _parsed_dates(dates: pd.Series, source: str) -> pd.Series:
    """Dates that are not timestamps, read by the sources' parser (:mod:`valuelab.data.sources`).

    ``yyyymmdd`` integers, text and spreadsheet serial days are read with their detected format;
    an ambiguous or unreadable column is refused (InputError), never read as epoch nanoseconds.
    """
    from valuelab.data.sources import open_source

    rows = pd.DataFrame({"row": np.arange(len(dates), dtype="int64"), "date": dates.to_numpy()})
    with warnings.catch_warnings():  # Ibis 12 under pandas 3, DuckDB 1.4 (see _frame.run)
        warnings.filterwarnings("ignore", "The 'future.infer_string' option is deprecated")
        warnings.filterwarnings("ignore", r"fetch_arrow_table\(\) is deprecated")
        try:
            table = open_source(rows, user="row", time="date").table
        except InputError as exc:
            raise InputError(f"{source}: the dates cannot be read: {exc}") from exc
        got = _frame.run(table.select("user", "time"))
    order = got["user"].astype("int64").to_numpy()
    times = np.empty(len(dates), dtype="datetime64[ns]")
    times[order] = pd.to_datetime(got["time"]).astype("datetime64[ns]").to_numpy()
    return pd.Series(times, index=dates.index, name="time")


def _log(events: pd.DataFrame, active_events: Iterable[str] | None, source: str) -> pd.DataFrame:
    """The log under the role names of ``valuelab.kpis.events`` (which computes every metric).

    Timestamps (naive, zoned or Arrow-backed) are kept; any other ``date`` column is parsed by
    :func:`_parsed_dates` (integer ``yyyymmdd``, text, spreadsheet serials) or refused.
    """
    validate_frame(events, _COLUMNS, source=source)
    log = events[["user_id", "date", "event"]].rename(columns={"user_id": "user", "date": "time"})
    if not pd.api.types.is_datetime64_any_dtype(log["time"]):
        log = log.assign(time=_parsed_dates(log["time"], source))
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


def _incomplete(table: pd.DataFrame) -> list[str]:
    """ISO dates of the periods of a per-period result the log covers in part."""
    return [d.date().isoformat() for d in table.index[~table["complete"].to_numpy(dtype=bool)]]


def _series(table: pd.DataFrame, column: str, name: str) -> pd.Series:
    """One column of a per-period result as a Series: index ``period_start``, flags in attrs."""
    out = pd.Series(table[column].to_numpy(), index=table.index, name=name)
    out.attrs = {**table.attrs, "incomplete_periods": _incomplete(table)}
    return out


def cohort_retention(
    events: pd.DataFrame,
    period: str = "month",
    active_events: Iterable[str] | None = None,
    signup_event: str = "signup",
    source: str = "events",
    include_incomplete: bool = False,
) -> pd.DataFrame:
    """Share of each sign-up cohort active in each period since signing up.

    Computed by :func:`valuelab.kpis.events.cohort_retention` (Croll and Yoskovitz 2013).

    Parameters
    ----------
    events : pandas.DataFrame
        Columns ``user_id``, ``date`` (timestamps; integer ``yyyymmdd``, text or spreadsheet
        serial dates are parsed, an unreadable or ambiguous column refused) and ``event``.
    period : {"day", "week", "month", "quarter"}
        Cohort and activity period (weeks Monday to Sunday).
    active_events : iterable of str, optional
        Events that count as activity (default: all).
    include_incomplete : bool
        Keep the shares of calendar periods the log covers in part (a last month that ends
        mid-way); by default they are NaN, like periods after the log's end.

    Returns
    -------
    pandas.DataFrame
        Index ``cohort_start`` (period start dates, ``datetime64[ns]``, oldest first; a cohort's
        row is ``.loc["2024-03-01"]``, ``.loc["2024-03"]`` the rows of that month); columns:
        periods since sign-up, ints 0, 1, 2, ...; values: share 0-1 of the cohort's users
        active; NaN where that period is after the end of the log or covered in part.
        ``attrs``: ``incomplete_cohorts`` (cohorts whose own period the log covers in part),
        ``incomplete_periods`` (calendar periods covered in part), ``cohort_users`` and
        ``provenance``.

    Raises
    ------
    InputError
        Missing columns or values, unreadable dates, an unknown period, an empty log.
    """
    _frame.check_period(period)
    log = _log(events, active_events, source)
    return _cohorts.cohort_retention(log, period, active_events, signup_event, include_incomplete)


def dau(
    events: pd.DataFrame, active_events: Iterable[str] | None = None, source: str = "events"
) -> pd.Series:
    """Daily active users: distinct users active each day (every day of the log's span).

    Returns
    -------
    pandas.Series
        Users (int) by ``period_start`` (each day, ``datetime64[ns]``); ``attrs``:
        ``incomplete_periods`` (none for days) and ``provenance``.

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
    table = _actives.actives(_log(events, active_events, source), "day", active_events)
    return _series(table, "actives", "dau")


def mau(
    events: pd.DataFrame, active_events: Iterable[str] | None = None, source: str = "events"
) -> pd.Series:
    """Monthly active users: distinct users active in each calendar month.

    Returns
    -------
    pandas.Series
        Users (int) by ``period_start`` (first day of each month, ``datetime64[ns]``);
        ``attrs["incomplete_periods"]``: months the log covers in part (their count is of fewer
        days), ``attrs["provenance"]``.
    """
    table = _actives.actives(_log(events, active_events, source), "month", active_events)
    return _series(table, "actives", "mau")


def stickiness(
    events: pd.DataFrame, active_events: Iterable[str] | None = None, source: str = "events"
) -> pd.Series:
    """DAU/MAU per calendar month: mean daily actives / monthly actives, share 0-1 (Chen 2018).

    The mean is over the days of the month the log covers. 0.2 means the
    average monthly user shows up about 6 days a month. A month the log covers
    in part (a few days) is listed in ``attrs["incomplete_periods"]``: its ratio
    is over those days only and not comparable (one day gives 1.0); leave it out
    of averages (:func:`shop_summary` does).

    Returns
    -------
    pandas.Series
        Share 0-1 by ``period_start`` (first day of each month with activity).
    """
    table = _actives.stickiness(_log(events, active_events, source), active_events)
    return _series(table, "stickiness", "dau_mau")


def time_to_value(
    events: pd.DataFrame,
    value_event: str = "purchase",
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
    table = _value.time_to_value_by_user(log, value_event, signup_event)
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
    include_incomplete: bool = False,
) -> ActivityChurn:
    """Mean share 0-1 of a month's active users who are not active the month after.

    Computed over the pairs of consecutive calendar months the log covers whole
    (Hsu 2015, per :func:`valuelab.kpis.events.activity_churn`): a first month
    that starts mid-way or a last one that ends mid-way would count users who
    were active but not yet seen as "inactive", so those pairs are left out
    unless ``include_incomplete``. This measures *activity*, not departure: a
    customer who skips a month and comes back counts as churned, so the result
    is an :class:`~valuelab.kpis.definitions.ActivityChurn`, which the simple
    lifetime value formula (:func:`~valuelab.kpis.definitions.ltv`) refuses.

    Parameters
    ----------
    population : str
        Who the log's users are, carried on the result (``"paying customers"``).
    include_incomplete : bool
        Average the pairs with a month the log covers in part too.

    Raises
    ------
    InputError
        Missing columns or values, unreadable dates; no pair of months to average (the log
        covers no two whole consecutive months: pass ``include_incomplete=True`` to use the
        partial ones).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "b", "a"],
    ...         "event": ["x"] * 3,
    ...         "date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-02-01"]),
    ...     }
    ... )
    >>> activity_churn(log, include_incomplete=True)
    ActivityChurn(value=0.5, period='month', population='active users')
    """
    log = _log(events, active_events, source)
    return _churn(log, active_events, population, source, include_incomplete)


def _churn(log, active_events, population: str, source: str, keep: bool) -> ActivityChurn:
    table = _cohorts.activity_churn(log, "month", active_events)
    rates = table["churn_rate"]
    if not keep:
        rates = rates[table["complete"].to_numpy(dtype=bool)]
    if rates.notna().sum() == 0:
        raise InputError(
            "no pair of consecutive months to average"
            + ("" if keep else " among the months the log covers whole"),
            source=source,
            column="date",
            expected="two whole months or more"
            + ("" if keep else " (include_incomplete=True uses the partial ones)"),
        )
    return ActivityChurn(float(rates.mean()), period="month", population=population)


def _paying_log(log: pd.DataFrame) -> pd.DataFrame:
    """Events of paying customers from the month of their first purchase on."""
    month = log["time"].dt.to_period("M")
    first = month[log["event"] == "purchase"].groupby(log["user"], observed=True).min()
    since = log["user"].map(first)
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
        "users": int(log["user"].nunique()),
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
        "dau_mau": _complete_mean(stickiness(events, source=source)),
    }
    return out if cac is None else {**out, **_payback(events, cac, out, source)}


def _complete_mean(series: pd.Series) -> float:
    """Mean over the periods the log covers whole (``attrs["incomplete_periods"]`` left out)."""
    partial = pd.DatetimeIndex(pd.to_datetime(series.attrs.get("incomplete_periods", [])))
    return float(series[~series.index.isin(partial)].mean())


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
    customers = int(paying["user"].nunique())
    active_months = int(_actives.actives(paying, "month")["actives"].sum())
    tenure = int(tenure_months(events, source).sum())
    per_month = revenue / tenure
    return {
        "paying_customers": customers,
        "customer_tenure_months": tenure,
        "revenue_per_paying_customer_month": per_month,
        "margin_per_paying_customer_month": per_month * kpis.gross_margin(revenue, cogs),
        "active_customer_months": active_months,
        "revenue_per_active_customer_month": revenue / active_months,
        "log_months": len(_frame.starts("month", log["time"].min(), log["time"].max())),
        "margin_per_paying_customer_log": kpis.margin_per_customer(revenue, cogs, customers),
        "activity_churn": _churn(paying, None, "paying customers", source, False),
    }
