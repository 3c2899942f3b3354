"""Event-log metrics written once as Ibis expressions, computed where the data lives.

DuckDB computes them for files and DataFrames, the database itself for a database source; only
the small result comes back, as a pandas DataFrame indexed by period start dates
(``period_start``, ``datetime64[ns]``; cohort tables ``cohort_start`` with periods since the
start as int columns), with a ``complete`` flag per period and ``attrs["provenance"]``.
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
