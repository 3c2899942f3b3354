"""open_source on data in shapes valuelab did not make, against a plain pandas oracle."""

import sqlite3

import duckdb
import pandas as pd
import pytest

from valuelab.core import InputError
from valuelab.data.sources.source import Source, open_source

#: One small log, four events, written below in many shapes.
USERS = ["u1", "u1", "u2", "u3"]
WALL = pd.to_datetime(
    ["2024-01-05 10:00", "2024-01-31 23:30", "2024-02-01 00:15", "2024-02-29 12:00"]
)
AMOUNTS = [10.0, -2.5, 4.0, 7.25]


def _oracle(frame):
    """The canonical rows by plain pandas: sorted (user, time, amount) tuples."""
    return sorted(zip(frame["user"], frame["time"], frame["amount"], strict=True))


EXPECTED = sorted(zip(USERS, WALL, AMOUNTS, strict=True))


def _rows(source):
    return _oracle(source.table.execute())


def test_a_csv_with_other_names_and_text_dates(tmp_path):
    path = tmp_path / "orders.csv"
    pd.DataFrame(
        {"customer": USERS, "paid": WALL.strftime("%d/%m/%Y %H:%M"), "eur": AMOUNTS}
    ).to_csv(path, index=False)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  user: customer\n  time: paid\n  amount: eur\ncurrency: EUR\n")
    src = open_source(path, mapping)
    assert isinstance(src, Source) and _rows(src) == EXPECTED
    assert (src.currency, src.timezone, src.kind, src.time_format) == (
        "EUR",
        "UTC",
        "csv",
        "%d/%m/%Y %H:%M",
    )


def test_a_parquet_glob_with_tz_aware_times_in_two_zones(tmp_path):
    berlin = WALL.tz_localize("Europe/Berlin")
    parts = [berlin[:2].tz_convert("UTC"), berlin[2:].tz_convert("Asia/Tokyo")]
    for i, times in enumerate(parts):
        rows = slice(0, 2) if i == 0 else slice(2, 4)
        pd.DataFrame({"u": USERS[rows], "t": times, "a": AMOUNTS[rows]}).to_parquet(
            tmp_path / f"p{i}.parquet"
        )
    src = open_source(
        str(tmp_path / "p*.parquet"),
        user="u",
        time="t",
        amount="a",
        reporting_timezone="Europe/Berlin",
    )
    assert _rows(src) == EXPECTED


def test_arrow_and_categorical_frames_with_integer_ids_and_yyyymmdd():
    frame = pd.DataFrame(
        {
            "uid": pd.Categorical([1, 1, 2, 3]),
            "day": pd.array(WALL.strftime("%Y%m%d").astype(int), dtype="int64[pyarrow]"),
            "amt": pd.array(AMOUNTS, dtype="float64[pyarrow]"),
        }
    )
    src = open_source(frame, user="uid", time="day", amount="amt")
    got = src.table.execute()
    assert got["user"].tolist() == ["1", "1", "2", "3"] and src.time_format == "yyyymmdd"
    assert got["time"].tolist() == list(WALL.normalize())


def test_an_excel_sheet_of_serial_dates(tmp_path):
    serial = (WALL - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
    path = tmp_path / "log.xlsx"
    pd.DataFrame({"who": USERS, "when": serial, "amount": AMOUNTS}).to_excel(
        path, sheet_name="log", index=False
    )
    src = open_source(path, user="who", time="when", sheet="log")
    assert _rows(src) == EXPECTED and src.time_format == "excel-serial"


def test_sqlite_and_duckdb_files_compute_inside_themselves(tmp_path):
    rows = list(zip(USERS, WALL.strftime("%Y-%m-%d %H:%M:%S"), AMOUNTS, strict=True))
    lite = tmp_path / "shop.sqlite"
    with sqlite3.connect(lite) as con:
        con.execute("create table events(uid text, ts text, amt real)")
        con.executemany("insert into events values (?, ?, ?)", rows)
    src = open_source(lite, user="uid", time="ts", amount="amt", table="events")
    assert src.backend.name == "sqlite" and _rows(src) == EXPECTED
    duck = tmp_path / "shop.duckdb"
    with duckdb.connect(str(duck)) as con:
        con.execute("create table events(uid varchar, ts timestamp, amt double)")
        con.executemany("insert into events values (?, ?, ?)", rows)
    src = open_source(f"duckdb:///{duck}?table=events", user="uid", time="ts", amount="amt")
    assert src.backend.name == "duckdb" and _rows(src) == EXPECTED


def test_provenance_names_source_mapping_zone_currency_and_freshness():
    frame = pd.DataFrame({"user": USERS, "time": WALL, "amount": AMOUNTS})
    prov = open_source(frame, currency="SEK", reporting_timezone="Europe/Stockholm").provenance()
    assert prov["source"] == "DataFrame" and prov["currency"] == "SEK"
    assert prov["timezone"] == "Europe/Stockholm" and prov["freshness"] == "2024-02-29T12:00:00"
    assert prov["mapping"]["columns"] == {"user": "user", "time": "time", "amount": "amount"}
    assert prov["mapping"]["time_format"] == "timestamp" and prov["as_of"].endswith("+00:00")


def test_bad_sources_fail_with_one_clear_message():
    with pytest.raises(InputError, match="cannot open a list"):
        open_source([1, 2])
    mixed = pd.DataFrame({"u": ["a", "b"], "t": ["2024-01-01 10:00+01:00", "2024-01-01 11:00"]})
    with pytest.raises(InputError, match="mixed time zones"):
        open_source(mixed, user="u", time="t")


def test_an_ibis_table_is_a_source_computed_where_it_lives(tmp_path):
    import ibis

    orders = pd.DataFrame({"u": USERS, "t": WALL, "a": AMOUNTS})  # noqa: F841 (read by DuckDB)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as raw:
        raw.execute("CREATE TABLE orders AS SELECT * FROM orders")
    con = ibis.duckdb.connect(str(tmp_path / "w.duckdb"))
    src = open_source(con.table("orders"), user="u", time="t", amount="a")
    assert (src.kind, src.name, src.backend is con) == ("ibis", "ibis table (duckdb)", True)
    assert _rows(src) == EXPECTED
    loose = open_source(ibis.memtable({"user": USERS, "time": WALL}))  # unbound: DuckDB runs it
    assert loose.table.count().execute() == 4


def test_freshness_of_a_database_is_its_declared_column_or_latest_time_and_rows(tmp_path):
    from valuelab.data.sources import freshness

    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE log AS SELECT * FROM (VALUES ('u1', TIMESTAMP '2024-01-05')) t")
        con.execute("ALTER TABLE log RENAME COLUMN col0 TO user")
        con.execute("ALTER TABLE log RENAME COLUMN col1 TO time")
        con.execute("CREATE TABLE crm AS SELECT 'A1' AS account_id, DATE '2025-02-01' AS loaded")
    assert freshness(str(db), {"table": "log"}) == {
        "source": str(db),
        "kind": "duckdb",
        "freshness": "2024-01-05T00:00:00",
        "rows": 1,
    }
    crm = freshness(str(db), {"table": "crm", "kind": "accounts", "freshness": "loaded"})
    assert (crm["freshness"], crm["rows"]) == ("2025-02-01", 1)
    assert freshness(str(db), {"table": "crm"})["freshness"] is None  # no time, none declared
    with pytest.raises(InputError, match="no column 'loadd' for role 'freshness'.*'loaded'"):
        freshness(str(db), {"table": "crm", "freshness": "loadd"})
    csv = tmp_path / "log.csv"
    csv.write_text("user,time\nu1,2024-01-05\n")
    assert freshness(str(csv)) is None  # a file: its bytes tell
    # a mapping's typo: a file's report names it with the columns; a database's batch item here
    assert freshness(str(csv), {"curency": "EUR", "user": "usr"}) is None
    with pytest.raises(InputError, match="unknown key 'curency'"):
        freshness(str(db), {"table": "log", "curency": "EUR"})


# --- Issue 20 review: files in shapes valuelab did not make -------------------------------------

#: Day-first text dates; 03/02/2024 is 3 February (every day <= 12: ambiguous unless declared).
DMY = ["03/02/2024", "04/02/2024", "11/03/2024", "12/04/2024"]


def _csv(tmp_path, name, **columns):
    path = tmp_path / name
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def test_csv_dates_are_parsed_by_valuelab_not_sniffed_by_duckdb(tmp_path):
    path = _csv(tmp_path, "log.csv", cust=[1, 2, 3, 4], d=DMY, price=AMOUNTS)
    with pytest.raises(InputError, match="column 'd': day and month are ambiguous"):
        open_source(path, user="cust", time="d", amount="price")
    src = open_source(path, user="cust", time="d", amount="price", date_format="%d/%m/%Y")
    oracle = pd.to_datetime(pd.Series(DMY), format="%d/%m/%Y")  # plain pandas
    assert src.table.execute()["time"].tolist() == oracle.tolist()
    assert oracle.dt.month.tolist() == [2, 2, 3, 4]
    us = open_source(path, user="cust", time="d", amount="price", date_format="%m/%d/%Y")
    assert us.table.execute()["time"].dt.month.tolist() == [3, 4, 11, 12]


def test_json_dates_are_parsed_by_valuelab_too(tmp_path):
    path = tmp_path / "log.json"
    pd.DataFrame({"cust": [1, 2, 3, 4], "d": DMY}).to_json(path, orient="records", lines=True)
    with pytest.raises(InputError, match="day and month are ambiguous"):
        open_source(path, user="cust", time="d")
    src = open_source(path, user="cust", time="d", date_format="%d/%m/%Y")
    assert src.table.execute()["time"].tolist() == pd.to_datetime(DMY, format="%d/%m/%Y").tolist()


def test_offsets_on_some_rows_only_are_refused_naming_counts_and_rows(tmp_path):
    times = ["2024-01-01 01:25:00+01:00", "2024-01-01 09:00:00", "2024-01-02 10:00:00"]
    path = _csv(tmp_path, "log.csv", cust=[1, 2, 3], ts=times)
    with pytest.raises(InputError) as err:
        open_source(path, user="cust", time="ts", timezone="Europe/Berlin")
    text = str(err.value)
    assert "column 'ts': mixed time zones: 1 of 3 times carry a UTC offset" in text
    assert "row 1: ts='2024-01-01 01:25:00+01:00'" in text and "2 do not (e.g. row 2" in text
    naive = _csv(tmp_path, "naive.csv", cust=[1, 2], ts=times[1:])  # the declared zone applies
    src = open_source(naive, user="cust", time="ts", timezone="Europe/Berlin")
    oracle = pd.to_datetime(times[1:]).tz_localize("Europe/Berlin").tz_convert("UTC")
    assert src.table.execute()["time"].tolist() == oracle.tz_localize(None).tolist()


def test_a_mixed_zone_csv_exits_2_on_the_cli(tmp_path, capsys):
    from valuelab.cli import main

    path = _csv(tmp_path, "log.csv", cust=[1, 2], ts=["2024-01-01 10:00+01:00", "2024-01-01 11:00"])
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  user: cust\n  time: ts\n")
    assert main(["data", "check", str(path), "--mapping", str(mapping)]) == 2
    assert "mixed time zones: 1 of 2" in capsys.readouterr().err


def test_an_empty_table_says_so_first(tmp_path):
    header = tmp_path / "empty.csv"
    header.write_text("cust,ts,price\n")  # header only: DuckDB types every column as text
    with pytest.raises(InputError) as err:
        open_source(header, user="cust", time="ts", amount="price")
    assert str(err.value).endswith("empty.csv: the table is empty (expected at least one row)")
    db = tmp_path / "log.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE orders (cust TEXT, ts TEXT, price REAL)")
    with pytest.raises(InputError) as err:  # before "SQLite cannot convert time zones"
        open_source(db, user="cust", time="ts", amount="price", timezone="Europe/Berlin")
    assert str(err.value).endswith("log.sqlite: the table is empty (expected at least one row)")


def test_unparseable_times_are_counted_with_row_numbers(tmp_path):
    good = pd.date_range("2024-01-01", periods=700, freq="h").strftime("%Y-%m-%d %H:%M:%S")
    times = list(good)
    bad = {5: "yesterday", 77: "2024-13-45 10:00:00", 600: "n/a"}  # more values than the sample
    for row, value in bad.items():
        times[row] = value
    path = _csv(tmp_path, "log.csv", cust=range(700), ts=times)
    with pytest.raises(InputError) as err:
        open_source(path, user="cust", time="ts")
    text = str(err.value)
    assert "column 'ts': unparseable times on 3 of 700 rows" in text
    for row, value in bad.items():  # data rows numbered from 1
        assert f"row {row + 1}: cust='{row}', ts='{value}'" in text


def test_an_excel_workbook_read_at_its_first_sheet_names_the_others(tmp_path):
    path = tmp_path / "log.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"note": ["read me"]}).to_excel(book, sheet_name="readme", index=False)
        pd.DataFrame({"cust": [1], "ts": ["2024-01-05"]}).to_excel(book, sheet_name="events")
    with pytest.raises(InputError) as err:
        open_source(path, user="cust", time="ts")
    text = str(err.value)
    assert "no column 'cust' for role 'user'" in text
    assert "read the first sheet 'readme'; the workbook also has 'events'" in text
    assert "sheet: NAME in the mapping" in text
    assert open_source(path, user="cust", time="ts", sheet="events").table.count().execute() == 1


def test_a_parquet_glob_of_zoned_and_naive_files_is_refused_as_a_csv_glob_is(tmp_path, capsys):
    wall = pd.to_datetime(["2024-03-05 01:18:33"])
    aware = pd.DataFrame({"u": ["x"], "t": wall.tz_localize("Europe/Berlin")})
    aware.to_parquet(tmp_path / "a.parquet")
    aware.assign(t=wall).to_parquet(tmp_path / "c.parquet")
    with pytest.raises(InputError, match="mixed time zones: 1 of 2 files"):
        open_source(str(tmp_path / "*.parquet"), user="u", time="t", timezone="Europe/Berlin")
    from valuelab.cli import main

    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  user: u\n  time: t\ntimezone: Europe/Berlin\n")
    assert main(["data", "check", str(tmp_path / "*.parquet"), "--mapping", str(mapping)]) == 2
    assert "(a.parquet) and 1 without (c.parquet)" in capsys.readouterr().err


def test_a_sheet_of_date_and_text_cells_exits_2_on_the_cli(tmp_path, capsys):
    import datetime as dt

    from valuelab.cli import main

    frame = pd.DataFrame({"u": ["a", "b"], "t": [dt.datetime(2024, 3, 5), "5 March"]})
    frame.to_excel(tmp_path / "mixed.xlsx", index=False)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  user: u\n  time: t\n")
    assert main(["data", "check", str(tmp_path / "mixed.xlsx"), "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert "column 't': 1 of 2 values are text or numbers, not dates (e.g. row 2: '5 March')" in err
    assert "unexpected" not in err
