"""Event-log metrics written once as Ibis expressions, computed where the data lives.

DuckDB computes them for files and DataFrames, the database itself for a database source; only
the small result comes back, as a pandas DataFrame indexed by period start dates
(``period_start``, ``datetime64[ns]``; cohort tables ``cohort_start`` with periods since the
start as int columns), with a ``complete`` flag per period and ``attrs["provenance"]``.

One calendar: periods start at the reporting time zone's midnight, that zone being the source
mapping's ``reporting_timezone`` (UTC when it names none). A DataFrame passed directly is read as
``open_source(df)`` reads it: times with a zone on UTC's clock, naive times as they are. Engine
errors (Ibis, DuckDB, SQLite, PostgreSQL) reach the caller as one ``InputError`` naming the source
and the metric. An event name a metric is given (``signup_event``, ``value_event``,
``purchase_event``, ``active_events``) that the log never records is refused with the log's
event names and a did-you-mean, checked when the result shows it matched nothing (no extra query
otherwise); a backend without quantiles or interval arithmetic (SQLite) computes per-user days
and whole day numbers, and pandas finishes the small result.
"""

from valuelab.kpis.events.active_users import actives, rolling_actives, stickiness
from valuelab.kpis.events.cohorts import activity_churn, cohort_retention
from valuelab.kpis.events.summary import period_mean
from valuelab.kpis.events.table import kpi_source, kpi_summary, kpi_table
from valuelab.kpis.events.value import (
    repeat_purchase,
    time_to_value,
    time_to_value_by_user,
)

__all__ = [
    "actives",
    "activity_churn",
    "cohort_retention",
    "kpi_source",
    "kpi_summary",
    "kpi_table",
    "period_mean",
    "repeat_purchase",
    "rolling_actives",
    "stickiness",
    "time_to_value",
    "time_to_value_by_user",
]
