"""A result table written whole, by suffix, with its provenance where each format keeps it."""

import json

import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data.export import export_format, write_table

FACTS = {
    "source": "orders.parquet",
    "mapping": {"columns": {"user": "cust"}, "currency": "USD"},
    "timezone": "Europe/Madrid",
    "as_of": "2024-06-13T04:00:00+00:00",
    "metric": "product KPIs per month",
}


@pytest.fixture
def table() -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "segment": ["all", "all"],
            "active_users": [3, 4],
            "revenue": [10.5, float("nan")],
            "complete": [False, True],
        },
        index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"], name="period_start").as_unit("ns"),
    )
    out.attrs["provenance"] = FACTS
    return out


def _same(back: pd.DataFrame, table: pd.DataFrame) -> None:
    back.index = pd.DatetimeIndex(back.index).as_unit("ns")
    back.index.name = table.index.name
    pd.testing.assert_frame_equal(back.astype(table.dtypes), table, check_freq=False)


def test_csv_is_plain_and_its_csvw_sidecar_says_where_it_came_from(table, tmp_path):
    out = tmp_path / "kpis.csv"
    written = write_table(table, out, columns={"revenue": "Revenue (USD)"})
    assert written == [out, tmp_path / "kpis.csv-metadata.json"]
    assert out.read_text().splitlines()[:2] == [
        "period_start,segment,active_users,revenue,complete",
        "2024-01-01,all,3,10.5,False",
    ]
    _same(pd.read_csv(out, index_col=0, parse_dates=[0]), table)
    meta = json.loads(written[1].read_text())
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == "kpis.csv"
    assert (meta["dc:source"], meta["dc:created"]) == ("orders.parquet", FACTS["as_of"])
    assert meta["notes"] == [FACTS]
    columns = meta["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == ["period_start", *table.columns]
    assert [c["datatype"] for c in columns] == [
        "date",  # the CSV holds 2024-01-01: CSVW's date, not datetime
        "string",
        "integer",
        "double",
        "boolean",
    ]
    assert columns[3]["dc:description"] == "Revenue (USD)"


def test_csv_times_of_day_are_written_whole_and_declared_datetime(tmp_path):
    at, day = pd.to_datetime(["2024-01-01 08:30", None]), pd.to_datetime(["2024-01-02"] * 2)
    t = pd.DataFrame({"at": at, "day": day})
    out = tmp_path / "t.csv"
    write_table(t, out)
    assert out.read_text().splitlines() == [
        ",at,day",
        "0,2024-01-01T08:30:00,2024-01-02",
        "1,,2024-01-02",
    ]
    meta = json.loads((tmp_path / "t.csv-metadata.json").read_text())
    kinds = [c["datatype"] for c in meta["tableSchema"]["columns"]]
    assert kinds == ["integer", "datetime", "date"]


def test_parquet_keeps_the_provenance_in_its_metadata(table, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "kpis.parquet"
    assert write_table(table, out) == [out]
    back = pd.read_parquet(out)
    assert back.attrs["provenance"] == FACTS
    assert "currency" not in back.attrs  # none in memory: none made up
    _same(back, table)
    table.attrs["currency"] = "USD"
    write_table(table, out)
    assert pd.read_parquet(out).attrs["currency"] == "USD"  # at the top, as in memory
    raw = pq.read_schema(out).metadata[b"PANDAS_ATTRS"]  # any Parquet reader sees the JSON
    assert json.loads(raw)["provenance"]["timezone"] == "Europe/Madrid"


def test_excel_has_the_data_and_an_about_sheet(table, tmp_path):
    out = tmp_path / "kpis.xlsx"
    write_table(table, out, columns={"revenue": "Revenue (USD)"})
    sheets = pd.read_excel(out, sheet_name=None, index_col=None)
    assert list(sheets) == ["data", "about"]
    _same(sheets["data"].set_index("period_start"), table)
    about = dict(zip(sheets["about"]["key"], sheets["about"]["value"], strict=True))
    assert about["source"] == "orders.parquet" and about["mapping.currency"] == "USD"
    assert about["mapping.columns.user"] == "cust" and about["column.revenue"] == "Revenue (USD)"


def test_bad_suffixes_and_unwritable_places_write_nothing(table, tmp_path):
    with pytest.raises(InputError, match=r"kpis.txt: cannot tell the format .* \.csv, \.parquet"):
        write_table(table, tmp_path / "kpis.txt")
    assert export_format("K.XLSX") == "excel"
    with pytest.raises(InputError, match="cannot write"):
        write_table(table, tmp_path / "missing" / "kpis.csv")
    folder = tmp_path / "kpis.parquet"
    folder.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(InputError, match="cannot write"):
        write_table(table, folder)
    assert list(tmp_path.rglob("*")) == [folder]  # no temporary file left behind


def test_a_failing_writer_leaves_the_old_file_whole(table, tmp_path, monkeypatch):
    out = tmp_path / "kpis.csv"
    write_table(table, out)
    before = out.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(InputError, match="No space left on device"):
        write_table(table.iloc[:1], out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpis.csv", "kpis.csv-metadata.json"]
