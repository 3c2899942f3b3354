"""The result convention (period start dates, plain columns, provenance) and inputs of any shape."""

import sqlite3

import event_oracle as oracle
import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.kpis import events as metrics


class FakeSource:
    """What valuelab.data's sources offer the metrics: an Ibis table and its provenance."""

    def __init__(self, log):
        import ibis

        self.table = ibis.memtable(log)

    def provenance(self):
        as_of = pd.Timestamp("2024-06-13 06:00", tz="Europe/Madrid")
        return {"source": "warehouse.events", "time_zone": "Europe/Madrid", "as_of": as_of}


@pytest.fixture(scope="module")
def tables(log):
    source = FakeSource(log)
    return {
        "actives": metrics.actives(source, "month"),
        "retention": metrics.cohort_retention(source, "month"),
        "churn": metrics.activity_churn(source, "week"),
    }


def test_one_index_convention_and_the_provenance(tables):
    for name, table in tables.items():
        index = "cohort_start" if name == "retention" else "period_start"
        assert table.index.name == index and str(table.index.dtype) == "datetime64[ns]", name
        facts = table.attrs["provenance"]
        assert facts["source"] == "warehouse.events" and facts["time_zone"] == "Europe/Madrid"
        assert facts["as_of"] == "2024-06-13T06:00:00+02:00"
        assert facts["log_first_day"] == "2024-01-17" and facts["log_last_day"] == "2024-06-12"
    assert tables["retention"].columns.tolist()[:3] == [0, 1, 2]
    assert tables["actives"]["complete"].dtype == bool


@pytest.mark.parametrize("kind", ["csv", "parquet", "xlsx", "sql"])
def test_results_write_and_read_back(tables, tmp_path, kind):
    for name, table in tables.items():
        path = tmp_path / f"{name}.{kind}"
        if kind == "csv":
            table.to_csv(path)
            back = pd.read_csv(path, index_col=0, parse_dates=[0])
        elif kind == "parquet":
            table.to_parquet(path)
            back = pd.read_parquet(path)
            assert back.attrs["provenance"] == table.attrs["provenance"]
        elif kind == "xlsx":
            table.to_excel(path)
            back = pd.read_excel(path, index_col=0)
        else:
            with sqlite3.connect(path) as con:
                assert table.to_sql(name, con) == len(table)
                back = pd.read_sql(f"select * from {name}", con, index_col=table.index.name)
            back.index = pd.to_datetime(back.index)
        back.columns = table.columns  # text headers in CSV, Excel and SQL
        pd.testing.assert_frame_equal(
            back.astype(table.dtypes), table, check_index_type=False, check_freq=False
        )


def _shapes(log: pd.DataFrame) -> dict[str, pd.DataFrame]:
    arrow = log.astype(
        {
            "user": "string[pyarrow]",
            "event": "string[pyarrow]",
            "time": pd.ArrowDtype(__import__("pyarrow").timestamp("us")),
        }
    )
    return {
        "aware": log.assign(time=log["time"].dt.tz_localize("UTC")),  # UTC: the clock unchanged
        "arrow": arrow,
        "categorical": log.astype({"user": "category", "event": "category"}),
        "integer ids": log.assign(user=log["user"].str[5:9].astype("int64")),
    }


def test_inputs_of_other_shapes_give_the_same_counts(log):
    expected = metrics.actives(log, "week")["actives"].tolist()
    retention = metrics.cohort_retention(log, "month")
    for name, shaped in _shapes(log).items():
        assert metrics.actives(shaped, "week")["actives"].tolist() == expected, name
        pd.testing.assert_frame_equal(metrics.cohort_retention(shaped, "month"), retention)
    days = log.assign(time=log["time"].dt.date)  # dates, no time of day
    assert metrics.actives(days, "day")["actives"].tolist() == oracle.actives(log, "day").tolist()


def test_one_calendar_for_a_dataframe_and_its_source(log):
    """Aware times: a DataFrame passed directly and open_source(df) both report on UTC's clock."""
    from valuelab.data.sources import open_source

    aware = log.assign(time=log["time"].dt.tz_localize("America/Sao_Paulo"))
    on_utc = log.assign(time=aware["time"].dt.tz_convert("UTC").dt.tz_localize(None))
    expected = oracle.actives(on_utc, "month").tolist()
    assert expected != oracle.actives(log, "month").tolist()  # the zones differ here
    assert metrics.actives(aware, "month")["actives"].tolist() == expected
    assert metrics.actives(open_source(aware), "month")["actives"].tolist() == expected
    local = open_source(aware, reporting_timezone="America/Sao_Paulo")
    assert (
        metrics.actives(local, "month")["actives"].tolist() == oracle.actives(log, "month").tolist()
    )


def test_arrow_backed_zoned_times_give_the_numpy_columns_numbers(log, tmp_path):
    """read_parquet(dtype_backend="pyarrow") of zoned times: as the numpy zoned column, no crash."""
    aware = log.assign(time=log["time"].dt.tz_localize("America/Sao_Paulo"))  # no DST in 2024
    aware.to_parquet(tmp_path / "aware.parquet")
    arrow = pd.read_parquet(tmp_path / "aware.parquet", dtype_backend="pyarrow")
    assert str(arrow["time"].dtype) == "timestamp[us, tz=America/Sao_Paulo][pyarrow]"
    on_utc = log.assign(time=aware["time"].dt.tz_convert("UTC").dt.tz_localize(None))
    expected = oracle.actives(on_utc, "month")
    assert expected.tolist() != oracle.actives(log, "month").tolist()  # the zones differ here
    for frame in (aware, arrow):
        assert metrics.actives(frame, "month")["actives"].tolist() == expected.tolist()
    retention = oracle.cohort_retention(on_utc, "month", False)
    for frame in (aware, arrow):
        found = metrics.cohort_retention(frame, "month")
        assert found.index.equals(retention.index.astype("datetime64[ns]"))
        np.testing.assert_allclose(found.to_numpy(), retention.to_numpy(), rtol=1e-12)
    kpis = [metrics.kpi_table(frame)[["active_users", "ttv_users"]] for frame in (aware, arrow)]
    pd.testing.assert_frame_equal(kpis[0], kpis[1])
    assert kpis[1]["active_users"].tolist() == expected.tolist()


def test_aware_and_naive_times_mixed_are_refused(log):
    import datetime as dt

    times = [dt.datetime(2024, 1, 31, 23, tzinfo=dt.UTC), dt.datetime(2024, 2, 1, 1), None]
    mixed = pd.DataFrame({"user": ["a", "b", "c"], "time": pd.Series(times, dtype=object)})
    with pytest.raises(
        InputError, match=r"column 'time': mixed time zones: 1 of 2 times carry a zone \(e.g. row 0"
    ):
        metrics.actives(mixed, "month")


def test_unreadable_inputs_are_refused():
    with pytest.raises(InputError, match="cannot read events from a list"):
        metrics.actives([1, 2, 3])
    empty = pd.DataFrame({"user": ["a"], "time": pd.to_datetime(["2024-01-01"])}).iloc[:0]
    with pytest.raises(InputError, match="the log has no events"):
        metrics.actives(empty)
    text = pd.DataFrame({"user": ["a"], "time": ["2024-01-01"]})
    with pytest.raises(InputError, match="column 'time'.*parse text or integer dates first"):
        metrics.actives(text)
