"""Readers: each kind of file or database becomes an ibis table on the engine that computes it."""

import sqlite3

import duckdb
import pandas as pd
import pytest

from valuelab.core import InputError
from valuelab.data.sources.connections import Locator, locate
from valuelab.data.sources.readers import _postgres_problem, open_frame, open_located


def _open(path, **kw):
    return open_located(
        locate(path), table=kw.get("table"), sheet=kw.get("sheet"), text=kw.get("text", [])
    )


def test_a_csv_is_a_duckdb_view_and_ids_stay_text(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("cust,amount\n007,1.5\n12,2\n")
    con, table = _open(path, text=["cust"])
    assert con.name == "duckdb" and table.schema()["cust"].is_string()
    assert table.execute()["cust"].tolist() == ["007", "12"]


def test_a_parquet_glob_reads_every_part(tmp_path):
    for i in range(2):
        pd.DataFrame({"u": [f"u{i}"], "n": [i]}).to_parquet(tmp_path / f"part-{i}.parquet")
    _, table = _open(str(tmp_path / "part-*.parquet"))
    assert sorted(table.execute()["u"]) == ["u0", "u1"]


def test_databases_pick_their_table_or_name_the_choices(tmp_path):
    lite = tmp_path / "shop.sqlite"
    with sqlite3.connect(lite) as con:
        con.execute("create table orders(id integer)")
        con.execute("create table users(id integer)")
    with pytest.raises(InputError, match="no table 'order'; did you mean 'orders'"):
        _open(lite, table="order")
    con, table = _open(lite, table="orders")
    assert con.name == "sqlite" and table.columns == ("id",)
    duck = tmp_path / "shop.duckdb"
    with duckdb.connect(str(duck)) as con:
        con.execute("create table events as select 1 as id")
    con, table = _open(duck)  # the only table
    assert con.name == "duckdb" and table.execute()["id"].tolist() == [1]


def test_an_excel_sheet(tmp_path):
    path = tmp_path / "log.xlsx"
    pd.DataFrame({"u": ["a", "b"]}).to_excel(path, sheet_name="events", index=False)
    assert _open(path, sheet="events")[1].execute()["u"].tolist() == ["a", "b"]
    with pytest.raises(InputError, match="sheet"):
        _open(path, sheet="nope")


def test_frames_with_arrow_and_categorical_columns():
    frame = pd.DataFrame(
        {
            "u": pd.Categorical(["b", "a", "b"]),
            "x": pd.array([1.5, None, 3.0], dtype="float64[pyarrow]"),
            "s": pd.array(["p", "q", None], dtype="string[pyarrow]"),
        }
    )
    _, table = open_frame(frame)
    schema = table.schema()
    assert schema["u"].is_string() and schema["x"].is_float64() and schema["s"].is_string()
    assert table.execute()["u"].tolist() == ["b", "a", "b"]


def test_unreachable_and_refused_postgres_say_so():
    loc = Locator(
        "postgres",
        "pg",
        "postgresql://x@127.0.0.1:1/db",
        "t",
        {"host": "127.0.0.1", "port": 1, "database": "db", "user": "x"},
    )
    with pytest.raises(InputError, match="database unreachable"):
        open_located(loc, table=None, sheet=None, text=[])
    assert "wrong user name or password" in _postgres_problem(
        'FATAL:  password authentication failed for user "x"'
    )
    assert "PGPASSWORD" in _postgres_problem("fe_sendauth: no password supplied")


def test_a_parquet_glob_mixing_zoned_and_naive_times_is_refused_naming_the_files(tmp_path):
    """Naive times beside zoned ones would be read as UTC (01:18:33 Berlin shown as 02:18:33)."""
    wall = pd.to_datetime(["2024-03-05 01:18:33", "2024-03-06 10:00:00"])
    for name, times in [
        ("a", wall.tz_localize("Europe/Berlin")),
        ("b", wall.tz_localize("Europe/Berlin")),
        ("c", wall),  # the same rows as naive Berlin wall clock
    ]:
        pd.DataFrame({"u": ["x", "y"], "t": times}).to_parquet(tmp_path / f"{name}.parquet")
    glob = str(tmp_path / "*.parquet")
    with pytest.raises(InputError) as err:
        open_located(locate(glob), table=None, sheet=None, text=[], times=["t"])
    message = str(err.value)
    assert "column 't': mixed time zones: 2 of 3 files hold times with a zone" in message
    assert "(a.parquet, b.parquet) and 1 without (c.parquet)" in message
    _, table = open_located(
        locate(str(tmp_path / "[ab].parquet")), table=None, sheet=None, text=[], times=["t"]
    )  # every file zoned: read as instants
    expected = wall.tz_localize("Europe/Berlin").tz_convert("UTC").tolist() * 2
    assert sorted(table.execute()["t"].tolist()) == sorted(expected)


def test_a_time_column_of_dates_and_text_names_the_text_rows(tmp_path):
    """An Excel column with date cells and text cells; an object column of a DataFrame."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["user", "day"])
    for row in [("a", dt.datetime(2024, 3, 5, 10)), ("b", "05/03/2024"), ("c", "yesterday")]:
        sheet.append(row)
    book.save(tmp_path / "mixed.xlsx")
    with pytest.raises(InputError) as err:
        open_located(
            locate(tmp_path / "mixed.xlsx"), table=None, sheet=None, text=[], times=["day"]
        )
    assert str(err.value).endswith(
        "mixed.xlsx: column 'day': 2 of 3 values are text or numbers, not dates (e.g. row 2: "
        "'05/03/2024'; row 3: 'yesterday'); the other 1 are dates (expected every value a date "
        "or time (cells formatted as dates in a sheet), or every value text in one format "
        "(declare date_format: in the mapping))"
    )
    frame = pd.DataFrame({"t": pd.Series([dt.datetime(2024, 3, 5), "2024-03-06"], dtype=object)})
    with pytest.raises(
        InputError, match=r"column 't': 1 of 2 values .* \(e.g. row 1: '2024-03-06'"
    ):
        open_frame(frame, times=["t"])
    ids = pd.DataFrame({"u": pd.Series(["a", 5], dtype=object)})  # numbers and text: text
    assert open_frame(ids)[1].execute()["u"].tolist() == ["a", "5"]
    other = pd.DataFrame({"u": pd.Series(["a", [1, 2]], dtype=object)})  # text and a list
    with pytest.raises(InputError, match="column 'u': values of several types in one column"):
        open_frame(other)


def test_ids_typed_as_numbers_and_text_in_one_column_read_as_text():
    """A sheet's id column with 1001 (a number cell) and "A12" (a text cell): one id each."""
    from valuelab.data.sources import open_source
    from valuelab.kpis import events

    frame = pd.DataFrame(
        {
            "customer": [1001, "A12", 1001.0, None, "A12"],
            "when": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"]
            ),
            "what": ["visit"] * 5,
        }
    )
    with pytest.raises(InputError, match="ids missing on 1 of 5 rows"):
        open_source(frame, user="customer", time="when", event="what")
    kept = frame.dropna(subset=["customer"])
    source = open_source(kept, user="customer", time="when", event="what")
    assert sorted(source.table.select("user").execute()["user"].unique()) == ["1001", "A12"]
    daily = events.actives(source, "day")
    assert daily["actives"].tolist() == [2, 1, 1]  # 1001 and 1001.0 are one customer
