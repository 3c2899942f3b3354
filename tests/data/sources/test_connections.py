"""Locating a source, and the credential rules: never a password on a command line."""

import pytest

from valuelab.core import InputError
from valuelab.data.sources.connections import connections_file, load_connections, locate


def test_files_and_globs_by_kind(tmp_path):
    for name in ["a.csv", "b.parquet", "c.xlsx", "d.duckdb", "e.sqlite", "f.csv.gz"]:
        (tmp_path / name).write_text("")
    kinds = [
        locate(tmp_path / n).kind
        for n in ["a.csv", "b.parquet", "c.xlsx", "d.duckdb", "e.sqlite", "f.csv.gz"]
    ]
    assert kinds == ["csv", "parquet", "excel", "duckdb", "sqlite", "csv"]
    assert locate(str(tmp_path / "*.parquet")).kind == "parquet"
    with pytest.raises(InputError, match="no file matches"):
        locate(str(tmp_path / "*.json"))
    with pytest.raises(InputError, match="did you mean 'a.csv'"):
        locate(tmp_path / "a.cvs")


def test_a_postgres_url_keeps_no_password_and_passes_libpq_options():
    loc = locate(
        "postgresql://analyst@db.example.com:6543/shop?table=events&schema=s&sslmode=require"
    )
    assert loc.params == {
        "host": "db.example.com",
        "port": 6543,
        "database": "shop",
        "user": "analyst",
        "schema": "s",
        "sslmode": "require",
    }
    assert loc.password is None and loc.table == "events"
    assert loc.name == "postgresql://analyst@db.example.com:6543/shop?table=events"


def test_a_password_in_a_url_is_refused_and_never_echoed():
    with pytest.raises(InputError) as err:
        locate("postgresql://analyst:hunter2@db.example.com/shop?table=events")
    text = str(err.value)
    assert "hunter2" not in text
    assert "PGPASSWORD" in text and "~/.pgpass" in text and "connections.yaml" in text


def test_a_named_connection_reads_its_secret_from_the_environment(tmp_path, monkeypatch):
    config = tmp_path / "connections.yaml"
    config.write_text(
        "warehouse:\n  url: postgresql://analyst@db.example.com/shop\n  table: events\n"
        "  password: ${WAREHOUSE_PW}\n"
    )
    monkeypatch.setenv("VALUELAB_CONNECTIONS", str(config))
    assert connections_file() == config
    monkeypatch.setenv("WAREHOUSE_PW", "s3cret")
    loc = locate("@warehouse")
    assert loc.password == "s3cret" and loc.table == "events"
    assert "s3cret" not in repr(loc) and "s3cret" not in loc.name
    assert loc.name == "@warehouse (postgresql://analyst@db.example.com:5432/shop?table=events)"
    assert locate("warehouse").params == loc.params  # a bare name that is no file
    monkeypatch.delenv("WAREHOUSE_PW")
    with pytest.raises(InputError, match="environment variable WAREHOUSE_PW is not set"):
        locate("@warehouse")


def test_unknown_names_and_bad_config(tmp_path):
    with pytest.raises(InputError, match="no such connections file"):
        load_connections(tmp_path / "none.yaml")
    with pytest.raises(InputError, match="did you mean 'warehouse'"):
        locate("@warehous", connections={"warehouse": {"url": "postgresql://h/db"}})
    bad = tmp_path / "c.yaml"
    bad.write_text("- a\n")
    with pytest.raises(InputError, match="not a list of named connections"):
        load_connections(bad)
    with pytest.raises(InputError, match="unknown database scheme 'mysql://'"):
        locate("mysql://u@h/db")


def test_has_password_finds_a_password_in_any_url_only():
    from valuelab.data.sources import has_password

    assert has_password("postgresql://analyst:s3cret@db/shop")
    assert has_password("see mysql://:pw@host/db")
    assert has_password("postgresql://me@db/shop?table=t&password=pw")
    assert not has_password("postgresql://analyst@db:5432/shop?table=t")
    assert not has_password("http://host:8080/a@b") and not has_password(7)
