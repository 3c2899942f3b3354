"""Times: formats detected or declared, never epoch nanoseconds, on the reporting zone's clock."""

import pandas as pd
import pytest

from valuelab.core import InputError
from valuelab.data.sources.mapping import read_mapping
from valuelab.data.sources.readers import open_frame
from valuelab.data.sources.times import (
    detect_number_format,
    detect_text_format,
    nanosecond_times,
    time_column,
)


def _times(values, **mapping):
    _, table = open_frame(pd.DataFrame({"t": values}))
    found = time_column(table, "t", read_mapping(None, **mapping), "duckdb", "log")
    out = table.select(time=found.expr).execute()["time"]
    return found.how, [str(v) if not pd.isna(v) else None for v in out]


def test_integer_dates_are_yyyymmdd_never_nanoseconds():
    how, times = _times([20240131, 20240201])
    assert how == "yyyymmdd" and times == ["2024-01-31 00:00:00", "2024-02-01 00:00:00"]
    with pytest.raises(InputError, match="never read as nanoseconds"):
        _times([1706659200000000000, 1706745600000000000])


def test_numbers_no_format_reads_name_the_rows_with_the_lowest_and_highest():
    match = (
        r"numbers from 2024013 to 20240631 are no date .* \(row 2: t=2024013; row 3: t=20240631\)"
    )
    with pytest.raises(InputError, match=match):
        _times([20240101, 2024013, 20240631])
    with pytest.raises(InputError, match=r"\(row 2: t=2024013; row 4: t=20240301\)"):
        _times([20240101, 2024013, 2024013, 20240301])  # the lowest twice: still the highest
    with pytest.raises(InputError, match="numbers from 1704067200000000 to 1704153600000000 "):
        _times([1704067200000000, 1704153600000000])  # microseconds, in plain digits


def test_spreadsheet_serials_and_epochs():
    # 45322 is 2024-01-31 in Excel's 1900 date system; .25 of a day is 06:00
    assert _times([45322.25])[1] == ["2024-01-31 06:00:00"]
    assert _times([1706659200], date_format="epoch-s")[1] == ["2024-01-31 00:00:00"]
    assert _times([1706659200000])[1] == ["2024-01-31 00:00:00"]  # detected: epoch-ms


def test_text_formats_detected_declared_or_refused():
    assert _times(["31/01/2024 10:30", "01/02/2024 08:00"])[1] == [
        "2024-01-31 10:30:00",
        "2024-02-01 08:00:00",
    ]
    assert _times(["03/04/2024"], date_format="%m/%d/%Y")[1] == ["2024-03-04 00:00:00"]
    with pytest.raises(InputError, match="day and month are ambiguous"):
        _times(["03/04/2024", "05/06/2024"])
    with pytest.raises(InputError, match="unparseable dates: 'soon'"):
        detect_text_format(["2024-01-31", "soon"], "t", "log")
    assert _times(["2024-01-31", "soon"])[1] == ["2024-01-31 00:00:00", None]  # counted later
    with pytest.raises(InputError, match="day and month are ambiguous"):  # a bad value too
        _times(["03/04/2024", "05/06/2024", "soon"])
    with pytest.raises(InputError, match="mixed time zones"):
        _times(["2024-01-31 10:00+01:00", "2024-01-31 10:00"])
    with pytest.raises(InputError, match=r"1 of 2 times carry a UTC offset.*row 3: t='2024-02-01'"):
        _times(["2024-01-31 10:00+01:00", "yesterday", "2024-02-01"])


def test_unreadable_values_among_zoned_times_are_unparseable_not_mixed_zones():
    """'yesterday', 'n/a' or '31/02/2024' carry no time without an offset: counted as
    unreadable rows (by the source's check), never reported as a second kind of zone."""
    zoned = ["2024-01-31T10:00:00+01:00", "yesterday", "31/02/2024", "n/a"]
    how, times = _times(zoned, reporting_timezone="UTC")
    assert how.endswith("%z") and times == ["2024-01-31 09:00:00", None, None, None]


def test_instants_in_two_zones_land_on_the_reporting_clock():
    text = ["2024-01-31T23:30:00+00:00", "2024-02-01T01:30:00+02:00"]
    oracle = pd.to_datetime(text, utc=True).tz_convert("Europe/Berlin").tz_localize(None)
    how, times = _times(text, reporting_timezone="Europe/Berlin")
    assert how.endswith("%z") and times == [str(t) for t in oracle] == ["2024-02-01 00:30:00"] * 2


def test_naive_times_move_from_the_source_zone_to_the_reporting_zone():
    naive = pd.to_datetime(["2024-03-10 01:30", "2024-03-10 23:30"])
    oracle = naive.tz_localize("America/New_York").tz_convert("UTC").tz_localize(None)
    _, times = _times(naive, timezone="America/New_York")
    assert times == [str(t) for t in oracle] == ["2024-03-10 06:30:00", "2024-03-11 03:30:00"]
    _, same = _times(naive)  # no source zone: the reporting zone's wall clock as written
    assert same == ["2024-03-10 01:30:00", "2024-03-10 23:30:00"]


def test_the_detectors_name_their_formats():
    assert detect_number_format(19991231, 20000101, "d", "s") == "yyyymmdd"
    assert detect_number_format(1.7e9, 1.8e9, "d", "s") == "epoch-s"
    assert detect_text_format(["2024-01-31T10:00:00Z"], "d", "s") == "%Y-%m-%dT%H:%M:%S%z"
    assert detect_text_format(["20240131"], "d", "s") == "%Y%m%d"


def test_times_below_a_microsecond_are_refused_naming_column_and_rows():
    naive = pd.Series(pd.to_datetime([20250101, 20250102]), index=[7, 8])  # pandas' default
    assert str(naive.iloc[0]) == "1970-01-01 00:00:00.020250101"
    problem = nanosecond_times(naive, "Day", "orders.csv")
    assert (problem.column, problem.rows, problem.source) == ("Day", [7, 8], "orders.csv")
    assert "1970-01-01 00:00:00.020250101" in str(problem) and "yyyymmdd" in str(problem)
    with pytest.raises(InputError, match="column 'Day', rows 7, 8: times below a microsecond"):
        open_frame(pd.DataFrame({"Day": naive}))
    assert (
        nanosecond_times(pd.Series(pd.to_datetime(["2025-01-01 09:00:00.000001"])), "t", "x")
        is None
    )
    assert nanosecond_times(pd.Series([20250101]), "t", "x") is None  # integers: read by format


def test_a_format_to_declare_is_suggested_only_when_no_sampled_time_reads():
    from valuelab.data.sources.times import date_format_hint

    two_digit = ["17/01/24", "31/01/24"]  # 31 is no month; as %y/%m/%d, 2031-01-24
    assert date_format_hint(two_digit, "%Y-%m-%d", False) == (
        'declare date_format: "%d/%m/%y" (or "%y/%m/%d") in the mapping'
    )
    assert date_format_hint(["17/01/24", "17/02/30"], "%Y-%m-%d", False) == (  # no 30 Feb
        'declare date_format: "%d/%m/%y" in the mapping'
    )
    assert date_format_hint(["05/01/24"], "%Y-%m-%d", False) == (
        'declare date_format: "%d/%m/%y" (or "%m/%d/%y", "%y/%m/%d") in the mapping'
    )
    assert date_format_hint(["2024-01-05", "17/01/24"], "%Y-%m-%d", False) == ""  # odd rows
    assert date_format_hint(["soon"], "%Y-%m-%d", False).startswith("declare date_format: a ")
    assert date_format_hint(two_digit, "%d/%m/%Y", True) == (
        "times written as the declared date_format: '%d/%m/%Y' reads"
    )


def test_iso_times_ending_in_z_are_utc_in_files_and_dataframes(tmp_path):
    """ISO 8601's "Z": Python's %z reads it, DuckDB's strptime does not (+00:00 then)."""
    from valuelab.data.sources import open_source

    text = ["2024-01-31T23:30:00Z", "2024-02-01T01:30:00Z"]
    want = ["2024-02-01 00:30:00", "2024-02-01 02:30:00"]
    oracle = pd.to_datetime(text, utc=True, format="ISO8601").tz_convert("Europe/Berlin")
    assert [str(t) for t in oracle.tz_localize(None)] == want
    frame = pd.DataFrame({"u": ["a", "b"], "t": text})
    frame.to_csv(tmp_path / "z.csv", index=False)
    for source in (str(tmp_path / "z.csv"), frame):
        opened = open_source(source, user="u", time="t", reporting_timezone="Europe/Berlin")
        assert [str(t) for t in opened.table.execute()["time"]] == want, source
