"""The product KPI table: lesson 03's six product KPIs per period (and segment), in one frame.

The six product KPIs of STRTGY's action plan [1]_ — daily active users, time to value, Net
Promoter Score, retention rate, lifetime value and margin per customer — computed from one event
log where it lives (:mod:`valuelab.kpis.events` for the activity metrics, the formulas of
:mod:`valuelab.kpis.definitions` for the money), one row per period:

- ``dau``: the period's average daily active users (users with an event that day, averaged over
  the period's days the log covers) [2]_; ``active_users`` the period's distinct active users
  (MAU for a month) and ``stickiness`` their ratio, DAU/MAU [3]_;
- ``retention_rate``: the share 0-1 of the previous period's active users active again in this
  one, :func:`~valuelab.kpis.definitions.retention_rate` with the previous period's actives as
  the start and those not seen again as lost — *activity* retention, not contractual;
- ``ttv_median_days``: the median calendar days from a user's ``start_event`` to their first
  ``value_event``, for the users who started in the period (:func:`time_to_value`) [1]_;
- ``nps``: the Net Promoter Score of the period's answers (% of 9-10 minus % of 0-6) [4]_;
- ``margin_per_customer``: (revenue - cost) / paying customers of the period, in the log's
  currency (:func:`~valuelab.kpis.definitions.margin_per_customer`) [1]_;
- ``ltv_to_date``: for the customers acquired in the period (first positive amount), their
  revenue minus cost over the whole log, per customer — the customer lifetime value of
  Gupta et al. [5]_ without discounting and observed to the log's end: a floor, which grows as
  the log goes on, so compare cohorts of the same age.

A CSV or JSON log is parsed once, into a temporary DuckDB table, for the dozen queries the
table takes; for a log larger than memory use Parquet (read where it is) or a database.
Periods the log covers in part are kept and flagged ``complete = False``; averages leave them
out (:func:`~valuelab.kpis.events.period_mean`). Refunds kept apart by the mapping
(``refunds: separate``) get their own ``refunds`` column and ``net_revenue``; revenue, margins
and lifetime value are then of sales (gross), and ``attrs["money_basis"]`` says so.

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022: the product KPIs
   (daily active users, time to value, Net Promoter Score, retention rate, lifetime value,
   margin per customer). https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
.. [2] A. Croll and B. Yoskovitz, *Lean Analytics: Use Data to Build a Better Startup Faster*,
   O'Reilly, 2013, ch. 5 and 14 (active users per period).
.. [3] A. Chen, "DAU/MAU is an important metric to measure engagement, but here's where it
   fails", andrewchen.com, 2018. https://andrewchen.com/dau-mau-is-an-important-metric-but-heres-where-it-fails/
.. [4] F. F. Reichheld, "The One Number You Need to Grow", Harvard Business Review 81(12),
   December 2003. https://hbr.org/2003/12/the-one-number-you-need-to-grow
.. [5] S. Gupta, D. Hanssens, B. Hardie, W. Kahn, V. Kumar, N. Lin, N. Ravishanker and
   S. Sriram, "Modeling Customer Lifetime Value", Journal of Service Research 9(2), 139-155,
   2006: lifetime value as the sum of a customer's margins over their life.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame(
...     {
...         "user": ["a", "a", "b", "a"],
...         "time": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-02-01"]),
...         "event": ["signup", "purchase", "purchase", "purchase"],
...         "amount": [None, 30.0, 10.0, 20.0],
...         "cost": [None, 10.0, 5.0, 10.0],
...     }
... )
>>> t = kpi_table(log, "month")
>>> t[["active_users", "customers", "margin_per_customer", "ltv_to_date"]].values.tolist()
[[2, 2, 12.5, 17.5], [1, 1, 10.0, nan]]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import InputError, Quantity
from valuelab.core.quantities import quantity
from valuelab.kpis import definitions as formulas
from valuelab.kpis.events import _frame, _names
from valuelab.kpis.events.active_users import actives
from valuelab.kpis.events.cohorts import activity_churn
from valuelab.kpis.events.summary import period_mean
from valuelab.kpis.events.value import cohort_time_to_value

__all__ = [
    "COLUMNS",
    "HEADLINE",
    "NEEDS",
    "STEPS",
    "describe",
    "empty_kpis",
    "headline_text",
    "kpi_source",
    "kpi_summary",
    "kpi_table",
    "money_totals",
    "money_unit",
    "quantities",
]

#: Column -> its quantity's key in :data:`valuelab.core.quantities.QUANTITIES` (label, unit,
#: format; money in the log's currency, see :func:`quantities`): the one place a column meets
#: its label. :func:`kpi_table` puts it in ``attrs["quantities"]``, so
#: :func:`valuelab.core.quantities.labelled` heads each column by it. Where the registry's key of
#: the same name is another quantity (``revenue``: the shop funnel's EUR/month; ``gross_margin``:
#: its gross profit in EUR), the table's is keyed ``period_*``.
COLUMNS: dict[str, str] = {
    "segment": "segment",
    "active_users": "active_users",
    "dau": "dau",
    "stickiness": "stickiness",
    "retention_rate": "retention_rate",
    "ttv_users": "ttv_users",
    "ttv_reached_share": "ttv_reached_share",
    "ttv_median_days": "ttv_median_days",
    "nps": "nps",
    "nps_answers": "nps_answers",
    "revenue": "period_revenue",
    "cost": "period_cost",
    "refunds": "period_refunds",
    "net_revenue": "period_net_revenue",
    "customers": "customers",
    "gross_margin": "period_gross_margin",
    "margin_per_customer": "margin_per_customer",
    "ltv_customers": "ltv_customers",
    "ltv_to_date": "ltv_to_date",
    "complete": "period_complete",
}
#: The six product KPIs, in the order the lesson names them.
HEADLINE = (
    "dau",
    "ttv_median_days",
    "nps",
    "retention_rate",
    "ltv_to_date",
    "margin_per_customer",
)
#: The steps of :func:`kpi_table`, in order (what a progress line names).
STEPS = ("active users", "retention", "time to value", "NPS", "margin", "lifetime value")
#: The shipped sample's layout (``datasets/shop_events.csv``): role -> column.
SHOP_LAYOUT = {
    "user": "user_id",
    "time": "date",
    "event": "event",
    "amount": "revenue_eur",
    "cost": "cogs_eur",
    "nps": "nps_score",
    "segment": "channel",
}
#: Money columns whose label says whether refunds are netted in them (:func:`describe`).
_BASED = ("revenue", "gross_margin", "margin_per_customer", "ltv_to_date")
_BASIS = {
    "net": "net of refunds",
    "gross": "gross: refunds kept apart",
}
#: Count columns -> the role without which they are not counted (NaN).
_COUNTS = {
    "ttv_users": "event",
    "nps_answers": "nps",
    "customers": "amount",
    "ltv_customers": "amount",
}
#: The roles the table needs (the others' KPIs are empty without them).
_REQUIRED = ("user", "time", "event")
#: Optional role -> the headline KPIs (:data:`HEADLINE`) that are empty without it.
NEEDS = {
    "amount": ("margin_per_customer", "ltv_to_date"),
    "cost": ("margin_per_customer", "ltv_to_date"),
    "nps": ("nps",),
}
_SHORT = {
    "margin_per_customer": "margin per customer",
    "ltv_to_date": "lifetime value to date",
    "nps": "NPS",
}
_FREQ = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}


def money_unit(currency: str | None) -> str:
    """The unit money is labelled with: the declared ISO code, or ``"currency not declared"``.

    >>> money_unit("USD"), money_unit(None)
    ('USD', 'currency not declared')
    """
    return currency or "currency not declared"


def quantities(currency: str | None, basis: str | None = None) -> dict[str, Quantity]:
    """Column -> the :class:`~valuelab.core.Quantity` of :func:`kpi_table`'s columns.

    Money is in ``currency`` (ISO 4217; ``None``: the log declared none), counts are counts;
    with a ``basis`` (see :func:`describe`) revenue, margins and lifetime value say it.

    >>> quantities("USD")["revenue"].title, quantities("USD")["customers"].format(12)
    ('Revenue (USD)', '12 customers')
    >>> quantities("EUR", "net")["gross_margin"].display_title
    'Gross margin, net of refunds (%)'
    """
    out = {column: quantity(key, currency=currency) for column, key in COLUMNS.items()}
    if basis:
        for column in _BASED:
            out[column] = out[column].relabel(f"{out[column].label}, {_BASIS[basis]}")
    return out


def describe(currency: str | None, basis: str | None = None) -> dict[str, str]:
    """Column -> ``"Label (unit)"`` of :func:`kpi_table`'s columns, money in ``currency``.

    Parameters
    ----------
    basis : {"net", "gross"}, optional
        ``attrs["money_basis"]`` of a :func:`kpi_table`: revenue, margins and lifetime value
        say whether refunds are netted in them ("net of refunds") or kept apart ("gross").

    >>> describe("USD")["ltv_to_date"]
    'Lifetime value to date (USD per customer)'
    >>> describe(None)["revenue"]
    'Revenue (currency not declared)'
    >>> describe("USD", "gross")["margin_per_customer"]
    'Margin per customer, gross: refunds kept apart (USD per customer)'
    """
    return {column: q.title for column, q in quantities(currency, basis).items()}


def kpi_source(source: Any = "", mapping: Any = "", connections: Any = None) -> Any:
    """Open an event log for :func:`kpi_table`; empty: the shipped sample shop (EUR).

    A ``source`` without a ``mapping`` is read in the shipped layout (:data:`SHOP_LAYOUT`'s
    column names) with no currency declared; a ``mapping`` names the source's own columns.

    Returns
    -------
    valuelab.data.sources.Source

    Raises
    ------
    InputError
        As :func:`valuelab.data.sources.open_source`: every problem at once.
    """
    from valuelab.data.datasets import path
    from valuelab.data.sources import open_source

    where = source if isinstance(source, pd.DataFrame) or source else path("shop_events")
    if isinstance(mapping, dict | str) and not mapping:
        sample = {} if isinstance(source, pd.DataFrame) or source else {"currency": "EUR"}
        try:
            return open_source(where, None, connections=connections, **SHOP_LAYOUT, **sample)
        except InputError as err:
            layout = _found_layout(err)
            if layout == SHOP_LAYOUT:
                raise
        try:  # without the optional columns the source lacks: their KPIs are empty
            return open_source(where, None, connections=connections, **layout, **sample)
        except InputError as err:
            raise _layout_error(err, SHOP_LAYOUT.keys() - layout.keys()) from None
    return open_source(where, mapping, connections=connections)


def _found_layout(err: InputError) -> dict[str, str]:
    """:data:`SHOP_LAYOUT` without the optional roles ``err`` found no column for."""
    missing = {getattr(p, "role", None) for p in err.problems or [err]}
    return {r: c for r, c in SHOP_LAYOUT.items() if r in _REQUIRED or r not in missing}


def _layout_error(err: InputError, optional: Any) -> InputError:
    """``err`` (the required roles' columns missing) and a note on the shipped layout."""
    absent = ", ".join(f"{SHOP_LAYOUT[r]} ({r})" for r in SHOP_LAYOUT if r in optional)
    note = InputError(
        "without a mapping the source is read in the shipped sample's layout"
        + (f"; its optional columns {absent} are not there either" if absent else ""),
        expected="a mapping naming the source's own columns (--mapping M.yaml): user:, time:, "
        "event: and, for their KPIs, amount:, cost:, nps:, segment:",
    )
    return InputError(source=err.source, problems=[*(err.problems or [err]), note])


def empty_kpis(roles: Any) -> list[str]:
    """Sentences naming the headline KPIs a log's missing optional roles leave empty (n/a).

    Parameters
    ----------
    roles : iterable of str
        The roles the log has (a Source's ``roles``, a canonical table's columns).

    Returns
    -------
    list of str
        One sentence per missing role that empties a KPI not already named; ``[]`` when none.

    Examples
    --------
    >>> empty_kpis(["user", "time", "event", "amount"])
    ['margin per customer and lifetime value to date are empty: no cost role (cost: COLUMN \
in the mapping)', 'NPS is empty: no nps role (nps: COLUMN in the mapping)']
    """
    have, said, out = set(roles), set(), []
    for role, kpis in NEEDS.items():
        left = [k for k in kpis if k not in said]
        if role in have or not left:
            continue
        said.update(left)
        names = " and ".join(_SHORT[k] for k in left)
        verb = "are" if len(left) > 1 else "is"
        out.append(f"{names} {verb} empty: no {role} role ({role}: COLUMN in the mapping)")
    return out


@dataclass(frozen=True)
class _Events:
    """A source's canonical table, narrowed to a segment: what the event metrics read."""

    table: Any
    facts: dict

    def provenance(self) -> dict:
        return dict(self.facts)


def _events(data: Any) -> tuple[_Events, str | None]:
    """(the log as the metrics read it, its currency) from a Source, Ibis table or DataFrame."""
    if not (hasattr(data, "table") and hasattr(data, "provenance")):
        from valuelab.data.sources import open_source

        data = open_source(data)
    facts = dict(data.provenance())
    currency = getattr(data, "currency", None) or facts.get("currency")
    missing = [r for r in ("user", "time", "event") if r not in data.table.columns]
    if missing:
        raise InputError(
            f"no {', '.join(missing)} column",
            source=str(facts.get("source", "events")),
            column=missing[0],
            expected="an event log with user, time and event roles (see the mapping)",
        )
    return _Events(data.table, facts), currency


@contextlib.contextmanager
def _parsed_once(events: _Events) -> Iterator[_Events]:
    """A CSV or JSON log parsed once for the dozen queries (a temporary table in DuckDB).

    Text formats are parsed again by every query; Parquet, databases and DataFrames are read
    where they are.
    """
    if events.facts.get("kind") not in ("csv", "json"):
        yield events
        return
    import uuid

    backend = events.table.get_backend()
    name = f"valuelab_kpis_{uuid.uuid4().hex}"
    cached = backend.create_table(name, events.table, temp=True)
    try:
        yield _Events(cached, events.facts)
    finally:  # by hand: Ibis 12's release() of a DuckDB temporary table is a syntax error
        backend.raw_sql(f'DROP TABLE IF EXISTS "{name}"')


def segments(events: _Events) -> list[str]:
    """The segments of the log, sorted (InputError without a ``segment`` role)."""
    if "segment" not in events.table.columns:
        raise InputError(
            "no segment column",
            source=str(events.facts.get("source", "events")),
            column="segment",
            expected="a mapping with segment: COLUMN",
        )
    t = events.table
    found = _frame.run(t.filter(t.segment.notnull()).select("segment").distinct())
    return sorted(found["segment"].astype(str))


def _narrow(events: _Events, segment: str) -> _Events:
    """The events of one segment; InputError with a did-you-mean for an unknown one."""
    import difflib

    known = segments(events)
    if segment not in known:
        near = difflib.get_close_matches(segment, known, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise InputError(
            f"no events in segment '{segment}'{hint}",
            source=str(events.facts.get("source", "events")),
            column="segment",
            expected="one of " + ", ".join(known[:20]),
            parameter="segment",
            value=segment,
            plain="no events in segment {value}",  # a visitor's words: the segments are the data's
        )
    t = events.table
    return _Events(t.filter(t.segment == segment), events.facts | {"segment": segment})


def _check_events(events: _Events, start_event: str, value_event: str) -> None:
    """Refuse a start or value event the log never records (time to value would be n/a)."""
    named = {"start_event": start_event, "value_event": value_event}
    _names.check_events(events.table, named, _names.source_name(events.facts))


def _active_block(events: _Events, period: str) -> pd.DataFrame:
    per = actives(events, period)
    daily = actives(events, "day")["actives"]
    starts = daily.index.to_period(_FREQ[period]).start_time.as_unit("ns")
    out = per.rename(columns={"actives": "active_users"})
    out.insert(1, "dau", daily.groupby(starts).mean().reindex(out.index).to_numpy())
    out.insert(2, "stickiness", out["dau"] / out["active_users"].where(out["active_users"] > 0))
    return out


def _retention_block(events: _Events, period: str) -> pd.DataFrame:
    churn = activity_churn(events, period)
    facts = churn.attrs["provenance"]
    covered = _frame.Span(pd.Timestamp(facts["log_first_day"]), pd.Timestamp(facts["log_last_day"]))
    whole = pd.Series(_frame.complete(churn.index, period, covered), index=churn.index)
    start = churn["actives"].shift(1)
    ok = whole.shift(1, fill_value=False).astype(bool) & (start > 0)  # a whole previous period
    rate = pd.Series(np.nan, index=churn.index)
    if ok.any():
        lost = start[ok] - churn.loc[ok, "retained"]
        rate[ok] = formulas.retention_rate(lost.to_numpy(), start[ok].to_numpy())
    return pd.DataFrame({"retention_rate": rate})


def _ttv_block(events: _Events, period: str, start_event: str, value_event: str) -> pd.DataFrame:
    ttv = cohort_time_to_value(events, value_event, start_event, period)  # names checked
    return pd.DataFrame(
        {
            "ttv_users": ttv["users"],
            "ttv_reached_share": ttv["reached_share"],
            "ttv_median_days": ttv["median_days"],
        }
    )


def _nps_block(events: _Events, period: str) -> pd.DataFrame:
    t = events.table
    if "nps" not in t.columns:
        return pd.DataFrame(columns=["nps", "nps_answers"], dtype="float64")
    answered = t.filter(t.nps.notnull())
    found = _frame.run(
        answered.group_by(
            period_start=answered.time.truncate(_frame.PERIODS[period]), score=answered.nps
        ).aggregate(n=answered.count())
    )
    rows = {}
    for start, group in found.groupby("period_start"):
        answers = np.repeat(group["score"].to_numpy(), group["n"].to_numpy())
        rows[pd.Timestamp(start)] = (formulas.nps(answers), int(group["n"].sum()))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["nps", "nps_answers"])
    return out.set_axis(pd.DatetimeIndex(out.index).as_unit("ns"))


def _margins(found: pd.DataFrame, customers: str) -> tuple[pd.Series, pd.Series]:
    """(gross margin, margin per customer) where the formulas apply; NaN elsewhere."""
    gross, per = (pd.Series(np.nan, index=found.index) for _ in range(2))
    costs = found["cost"]
    ok = (found["revenue"] > 0) & (costs >= 0)
    if ok.any():
        gross[ok] = formulas.gross_margin(found.loc[ok, "revenue"].to_numpy(), costs[ok].to_numpy())
    ok = (found[customers] > 0) & (found["revenue"] >= 0) & (costs >= 0)
    if ok.any():
        per[ok] = formulas.margin_per_customer(
            found.loc[ok, "revenue"].to_numpy(), costs[ok].to_numpy(), found.loc[ok, customers]
        )
    return gross, per


def _money(t: Any) -> dict:
    """Revenue and cost measures of ``t`` (cost NaN without a cost role)."""
    import ibis

    cost = t.cost.sum() if "cost" in t.columns else ibis.literal(None, "float64")
    return {"revenue": t.amount.sum(), "cost": cost}


def _indexed(found: pd.DataFrame) -> pd.DataFrame:
    found = found.astype({"revenue": "float64", "cost": "float64"})
    return found.set_index(pd.DatetimeIndex(found.pop("period_start")).as_unit("ns"))


def _margin_block(events: _Events, period: str) -> pd.DataFrame:
    """Revenue, cost, refunds (kept apart: the ``refund`` role), net revenue and the margins."""
    import ibis

    t = events.table
    if "amount" not in t.columns:
        return pd.DataFrame(columns=["revenue", "cost", "customers"], dtype="float64")
    apart = "refund" in t.columns
    refunds = t.refund.sum() if apart else ibis.literal(None, "float64")
    found = _frame.run(
        t.group_by(period_start=t.time.truncate(_frame.PERIODS[period])).aggregate(
            customers=t.user.nunique(where=t.amount > 0), refunds=refunds, **_money(t)
        )
    )
    found = _indexed(found)
    found["refunds"] = found["refunds"].astype("float64")
    found["net_revenue"] = found["revenue"] + (found["refunds"].fillna(0.0) if apart else 0.0)
    found["gross_margin"], found["margin_per_customer"] = _margins(found, "customers")
    return found


def _ltv_block(events: _Events, period: str) -> pd.DataFrame:
    t = events.table
    if "amount" not in t.columns:
        return pd.DataFrame(columns=["ltv_customers", "ltv_to_date"], dtype="float64")
    unit = _frame.PERIODS[period]
    users = t.group_by("user").aggregate(
        period_start=t.time.min(where=t.amount > 0).truncate(unit), **_money(t)
    )
    users = users.filter(users.period_start.notnull())
    found = _frame.run(
        users.group_by("period_start").aggregate(
            ltv_customers=users.count(), revenue=users.revenue.sum(), cost=users.cost.sum()
        )
    )
    found = _indexed(found)
    found["ltv_to_date"] = _margins(found, "ltv_customers")[1]
    return found[["ltv_customers", "ltv_to_date"]]


def _blocks(events, period, start_event, value_event) -> dict[str, Callable[[], pd.DataFrame]]:
    return {
        "active users": lambda: _active_block(events, period),
        "retention": lambda: _retention_block(events, period),
        "time to value": lambda: _ttv_block(events, period, start_event, value_event),
        "NPS": lambda: _nps_block(events, period),
        "margin": lambda: _margin_block(events, period),
        "lifetime value": lambda: _ltv_block(events, period),
    }


def _one(events: _Events, label: str, period: str, events_of: tuple, progress) -> pd.DataFrame:
    """The KPI table of one population (all events, or a segment's)."""
    parts = []
    for i, (step, compute) in enumerate(_blocks(events, period, *events_of).items(), start=1):
        if progress is not None:
            progress(f"{label}: {step}" if label != "all" else step, i, len(STEPS))
        parts.append(compute())
    first = parts[0]
    out = first.join(parts[1:], how="left")
    out.insert(0, "segment", label)
    out = out.reindex(columns=list(COLUMNS))
    for col, role in _COUNTS.items():
        out[col] = out[col].astype("Float64").round().astype("Int64")
        if role in events.table.columns:  # counted: a period without any counts 0
            out[col] = out[col].fillna(0)
    out["complete"] = out["complete"].astype(bool)
    out.attrs = dict(first.attrs)
    out.attrs["money_basis"] = "gross" if "refund" in events.table.columns else "net"
    out.attrs["notes"] = empty_kpis(events.table.columns)  # KPIs empty for lack of a role
    out.attrs["ttv_median_days_overall"] = _ttv_overall(events, period, events_of, out)
    return out


def _ttv_overall(events: _Events, period: str, events_of: tuple, out: pd.DataFrame) -> dict:
    """The median days to value over users (not a mean of per-period medians).

    ``{"complete": ..., "all": ...}``: over the users who started in the periods the log covers
    whole, and over every user; NaN where no such user reached value.
    """
    from ibis.common.exceptions import OperationNotDefinedError, UnsupportedOperationError

    from valuelab.kpis.events.value import user_days_to_value

    users = user_days_to_value(events.table, events_of[1], events_of[0])
    whole = out.index[out["complete"].to_numpy(dtype=bool)].unique()
    measures = {"all": users.days.quantile(0.5)}
    inside = None
    if len(whole):
        hi = _frame.shifted(pd.DatetimeIndex([whole.max()]), period, 1)[0]
        inside = (users.start >= whole.min().to_pydatetime()) & (users.start < hi.to_pydatetime())
        measures["complete"] = users.days.quantile(0.5, where=inside)
    try:
        row = _frame.run(users.aggregate(**measures)).iloc[0]
    except (OperationNotDefinedError, UnsupportedOperationError):  # SQLite: no quantiles
        row = _medians_here(users, inside)
    return {
        k: float(row[k]) if k in row.index and pd.notna(row[k]) else float("nan")
        for k in ("complete", "all")
    }


def _medians_here(users: Any, inside: Any) -> pd.Series:
    """The medians of :func:`_ttv_overall` in pandas, over the per-user days (one row per user),
    for a backend without quantiles; linear interpolation, as the databases' ``quantile_cont``."""
    each = _frame.run(users.select(days=users.days, inside=inside if inside is not None else False))
    found = {"all": each["days"].median()}
    if inside is not None:
        found["complete"] = each.loc[each["inside"].astype(bool), "days"].median()
    return pd.Series(found, dtype="float64")


def _described(out: pd.DataFrame, period: str, who: str, currency: str | None) -> pd.DataFrame:
    """``out`` with its provenance: the source's, the period, the segment and the currency."""
    facts = dict(out.attrs.get("provenance", {}))
    facts |= {"metric": f"product KPIs per {period}", "period": period, "segment": who}
    names = ("money_basis", "ttv_median_days_overall", "notes")
    kept = {k: out.attrs[k] for k in names if k in out.attrs}
    out.attrs = {"provenance": _frame._json_safe(facts | {"currency": currency})}
    out.attrs["currency"] = currency
    out.attrs["quantities"] = dict(COLUMNS)  # each column's quantity, for labelled()
    out.attrs |= kept
    return out


def _computed(events: _Events, segment: str | None, by_segment: bool, args: tuple) -> pd.DataFrame:
    if not by_segment:
        chosen = _narrow(events, segment) if segment else events
        _check_events(events, *args[1])  # in the whole log: a segment may lack them
        return _one(chosen, segment or "all", *args)
    names = segments(events)
    _check_events(events, *args[1])
    tables = [_one(_narrow(events, s), s, *args) for s in names]
    out = pd.concat(tables)
    out.attrs = dict(tables[0].attrs)
    out.attrs.pop("ttv_median_days_overall", None)  # one population's: not the segments'
    return out


def kpi_table(
    data: Any,
    period: str = "month",
    segment: str | None = None,
    *,
    by_segment: bool = False,
    start_event: str = "signup",
    value_event: str = "purchase",
    progress: Callable[[str, int, int], None] | None = None,
) -> pd.DataFrame:
    """Lesson 03's product KPIs per period: DAU, retention, time to value, NPS, margin, LTV.

    Definitions and sources: the module's docstring.

    Parameters
    ----------
    data : Source, ibis.Table or pandas.DataFrame
        An event log with roles ``user``, ``time`` and ``event``; with ``amount`` (money in the
        declared currency; refunds netted by default), ``cost`` (same currency), ``nps``
        (answers 0-10) and ``segment`` where the columns need them (their KPIs are NaN
        without). A DataFrame or table has the role names as columns.
    period : {"day", "week", "month", "quarter"}
        Calendar period (weeks Monday to Sunday), in the source's reporting time zone.
    segment : str, optional
        Only this segment's events (the ``segment`` role); default: every event.
    by_segment : bool
        One row per period and segment (every segment of the log, sorted) instead.
    start_event, value_event : str
        Time to value runs from a user's first ``start_event`` to their first ``value_event``.
    progress : callable, optional
        Called ``progress(step, i, n)`` before each of the :data:`STEPS`.

    Returns
    -------
    pandas.DataFrame
        Index ``period_start`` (datetime64[ns], every period of the log's span, oldest first;
        repeated per segment with ``by_segment``); the columns of :data:`COLUMNS`: ``segment``
        (``"all"`` or its name); ``active_users`` (int); counts (``ttv_users``, ``nps_answers``,
        ``customers``, ``ltv_customers``) ``Int64``, ``<NA>`` without their role; averages,
        days, shares 0-1, NPS as floats; money in ``attrs["currency"]``, ``refunds`` (negative;
        NaN unless the mapping keeps them apart) and ``net_revenue`` included; ``complete``.
        ``retention_rate`` is NaN in the first period and after a partial one. ``attrs``:
        ``money_basis`` (``"net"``: refunds netted in revenue, margins, LTV; ``"gross"``: kept
        apart), ``ttv_median_days_overall`` (median over users: ``complete``, ``all``),
        ``provenance`` (source, mapping, time zone, as-of, currency, period, segment, span),
        ``quantities`` (:data:`COLUMNS`, for ``labelled(table)``), ``notes`` (:func:`empty_kpis`).

    Raises
    ------
    InputError
        Unknown period, a log without the user, time or event role, an unknown segment (with
        a did-you-mean), no segment role for ``segment`` or ``by_segment``, an empty log, a
        ``start_event`` or ``value_event`` the log lacks (``parameter`` names it; no names).
    """
    _frame.check_period(period)
    events, currency = _events(data)
    args = (period, (start_event, value_event), progress)
    with _parsed_once(events) as events:
        out = _computed(events, segment, by_segment, args)
    return _described(out, period, "by segment" if by_segment else (segment or "all"), currency)


def kpi_summary(table: pd.DataFrame, include_incomplete: bool = False) -> dict[str, float]:
    """The six KPIs of :data:`HEADLINE` over a :func:`kpi_table`, complete periods only.

    Each is the mean over the periods (:func:`~valuelab.kpis.events.period_mean`), except
    ``ltv_to_date``: the margin to date of every customer acquired in those periods per
    customer (cohorts weighted by their customers); and ``ttv_median_days``: the median over
    the users who started in those periods (``attrs["ttv_median_days_overall"]`` of a
    :func:`kpi_table`; without it, the mean of the periods' medians).

    Returns
    -------
    dict
        KPI -> float (NaN when no period qualifies); units as in :func:`quantities`.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "ltv_customers": [1.0, 3.0, 5.0],
    ...         "ltv_to_date": [10.0, 30.0, 99.0],
    ...         "complete": [True, True, False],
    ...     }
    ... ).assign(**{c: 1.0 for c in HEADLINE if c != "ltv_to_date"})
    >>> kpi_summary(t)["ltv_to_date"]
    25.0
    """
    out = {c: period_mean(table, c, include_incomplete) for c in HEADLINE}
    overall = table.attrs.get("ttv_median_days_overall")
    if overall:  # the median over users, not a mean of the periods' medians
        out["ttv_median_days"] = overall["all" if include_incomplete else "complete"]
    rows = table if include_incomplete else table[table["complete"].astype(bool)]
    rows = rows[rows["ltv_to_date"].notna()]
    weight = rows["ltv_customers"].sum()
    out["ltv_to_date"] = (
        float((rows["ltv_to_date"] * rows["ltv_customers"]).sum() / weight) if weight else np.nan
    )
    return out


def money_totals(table: pd.DataFrame, include_incomplete: bool = False) -> dict[str, float]:
    """Sales, refunds and net revenue of a :func:`kpi_table` summed over its complete periods.

    Returns
    -------
    dict
        ``revenue``, ``refunds`` (negative; 0.0 when the mapping nets them into revenue) and
        ``net_revenue``, in ``table.attrs["currency"]``.

    Examples
    --------
    >>> t = pd.DataFrame(
    ...     {
    ...         "revenue": [10.0, 8.0, 3.0],
    ...         "refunds": [-1.0, 0.0, -3.0],
    ...         "net_revenue": [9.0, 8.0, 0.0],
    ...         "complete": [True, True, False],
    ...     }
    ... )
    >>> money_totals(t)
    {'revenue': 18.0, 'refunds': -1.0, 'net_revenue': 17.0}
    """
    rows = table if include_incomplete else table[table["complete"].astype(bool)]
    return {c: float(rows[c].sum()) for c in ("revenue", "refunds", "net_revenue")}


def headline_text(summary: dict[str, float], currency: str | None) -> dict[str, str]:
    """Each :func:`kpi_summary` figure as text with its unit; ``"n/a"`` where it is NaN.

    >>> headline_text({"nps": 12.4, "ltv_to_date": float("nan")}, "USD")
    {'nps': '+12', 'ltv_to_date': 'n/a'}
    >>> headline_text({"margin_per_customer": 1234.5}, None)["margin_per_customer"]
    '1,234.50 per customer, currency not declared'
    """
    shown = quantities(currency)
    return {
        k: "n/a" if pd.isna(v) else shown[k].format(v, signed=k == "nps")
        for k, v in summary.items()
    }
