"""A source's check: roles, rows, date range, incomplete months and what to know."""

from datetime import datetime

import pandas as pd
import pytest

from valuelab.data.sources.check import incomplete_months
from valuelab.data.sources.source import open_source


def test_incomplete_months_by_the_calendar():
    assert incomplete_months(datetime(2024, 2, 1), datetime(2024, 2, 29, 23, 59)) == []
    assert incomplete_months(datetime(2024, 2, 2), datetime(2024, 2, 28)) == [
        "first month 2024-02 starts on 2024-02-02",
        "last month 2024-02 ends on 2024-02-28",
    ]
    assert incomplete_months(None, None) == []


def test_a_check_reports_rows_range_and_notes():
    log = pd.DataFrame(
        {
            "id": ["a", "a", "b", "c"],
            "ts": ["2024-01-01 09:00", "2024-01-01 09:00", "2024-01-20 10:00", "2024-02-03 08:00"],
            "amt": [5.0, 5.0, -1.0, 3.0],
        }
    )
    report = open_source(log, user="id", time="ts", amount="amt").check()
    assert (report.rows, report.first, report.last) == (
        4,
        datetime(2024, 1, 1, 9),
        datetime(2024, 2, 3, 8),
    )
    assert report.incomplete == ["last month 2024-02 ends on 2024-02-03"]
    assert report.problems == [
        "amounts carry no declared currency (currency: in the mapping)",
        "1 negative amounts (refunds): netted in amount",
        "1 exact duplicate rows (every one of the source's 3 columns repeated) kept "
        "(duplicates: drop removes them)",
    ]
    text = report.to_text()
    assert "roles: user <- id, time <- ts, amount <- amt" in text and "rows: 4" in text


def test_duplicates_are_judged_on_whole_source_rows():
    """Rows equal on the mapped columns but with their own order id are real events."""
    log = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b"],
            "ts": ["2024-01-01 09:00"] * 3 + ["2024-01-02 10:00"],
            "order_id": [1, 2, 2, 3],  # rows 1 and 2 repeat wholly; row 0 differs in order_id
        }
    )
    exact = len(log) - len(log.drop_duplicates())  # pandas oracle: whole rows
    assert exact == 1
    report = open_source(log, user="id", time="ts").check()
    assert report.problems == [
        "1 exact duplicate rows (every one of the source's 3 columns repeated) kept "
        "(duplicates: drop removes them)",
        "1 events repeat another's user, time but differ in other columns of the source: "
        "kept as separate events (not exact duplicates)",
    ]
    dropped = open_source(log, user="id", time="ts", duplicates="drop")
    assert dropped.table.count().execute() == len(log.drop_duplicates()) == 3
    unique = log.assign(order_id=[1, 2, 3, 4])
    notes = open_source(unique, user="id", time="ts").check().problems
    assert not any("drop" in n for n in notes)
    assert open_source(unique, user="id", time="ts", duplicates="drop").table.count().execute() == 4


def test_a_table_of_a_shipped_layout_is_checked_by_kind_rows_and_freshness():
    from valuelab.core import InputError
    from valuelab.data.datasets import path

    crm = pd.read_csv(path("accounts")).assign(loaded=pd.Timestamp("2025-03-01 06:00"))
    text = open_source(crm, kind="accounts", freshness="loaded").check().to_text()
    assert "kind: accounts" in text and "rows: 436" in text
    assert "freshness: 2025-03-01T06:00:00" in text and "date range" not in text
    assert "currency: EUR" in text  # the shipped arr_eur column declares it
    theirs = crm.head(5).rename(columns={"arr_eur": "ARR"})
    bare = open_source(theirs, kind="accounts", arr="ARR").check().to_text()
    assert "currency: not declared" in bare and "amounts carry no declared currency" in bare
    usd = open_source(theirs, kind="accounts", arr="ARR", currency="USD").check().to_text()
    assert "currency: USD" in usd and "declared currency" not in usd
    with pytest.raises(InputError, match="no column 'loadd' for role 'freshness'"):
        open_source(crm, kind="accounts", freshness="loadd")


def test_a_log_on_1970_01_01_is_noted_as_numbers_read_as_time_since_1970():
    # integer days that became microseconds since 1970 (a database's INTEGER column, say)
    days = pd.Series([20250101, 20250102, 20250603])
    log = pd.DataFrame({"id": ["a", "b", "a"], "day": pd.to_datetime(days, unit="us")})
    report = open_source(log, user="id", time="day").check()
    assert (report.first, report.last) == (
        datetime(1970, 1, 1, 0, 0, 20, 250101),
        datetime(1970, 1, 1, 0, 0, 20, 250603),
    )
    assert report.problems == [
        "every time falls on 1970-01-01, within 20 s of midnight: numbers read as nano- or "
        "microseconds since 1970? Map the raw column (date_format: yyyymmdd)"
    ]
    right = open_source(log.assign(day=days), user="id", time="day").check()
    assert (right.first, right.last) == (datetime(2025, 1, 1), datetime(2025, 6, 3))
    assert right.problems == [] and right.time_format == "yyyymmdd"
    assert right.incomplete == ["last month 2025-06 ends on 2025-06-03"]
