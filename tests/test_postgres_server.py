"""The PostgreSQL test database holds the shipped logs exactly as pandas reads them.

The oracle is plain pandas on the CSV files; the database is queried with SQL
(psycopg, psql) and through Ibis, as the metric tests will.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pandas as pd
import postgres_server
import pytest
from postgres_server import LOGS, require_server_bindir, server_bindir, sql_types
from support import ROOT


@pytest.fixture(scope="module")
def csv() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(ROOT / "datasets" / f"{name}.csv") for name in LOGS}


def _cents(values: pd.Series) -> int:
    """A money column's total in cents, summed exactly (each cell rounded to the cent)."""
    return int((values.dropna() * 100).round().astype("int64").sum())


def _one(db, sql: str):
    with db.connect() as con:
        return con.execute(sql).fetchone()


def test_every_log_is_loaded_row_for_row(postgres_db, csv):
    assert set(postgres_db.tables) == set(LOGS)
    for name, frame in csv.items():
        assert _one(postgres_db, f'SELECT count(*) FROM "{name}"') == (len(frame),)
    assert len(csv["product_events"]) == 6641  # the file's lines minus the header


def test_columns_have_proper_types(postgres_db):
    with postgres_db.connect() as con:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ).fetchall()
    types = {(t, c): d for t, c, d in rows}
    assert types["shop_events", "user_id"] == "text"
    assert types["shop_events", "date"] == "timestamp without time zone"
    assert types["shop_events", "revenue_eur"] == "numeric"
    assert types["listening_log", "streams"] == "bigint"
    assert types["listening_log", "tier"] == "text"


def test_sums_agree_to_the_cent(postgres_db, csv):
    shop, log = csv["shop_events"], csv["listening_log"]
    revenue, cogs, streams, premium = _one(
        postgres_db,
        "SELECT (SELECT sum(revenue_eur) FROM shop_events), (SELECT sum(cogs_eur) FROM "
        "shop_events), (SELECT sum(streams) FROM listening_log), "
        "(SELECT count(DISTINCT user_id) FROM listening_log WHERE tier = 'premium')",
    )
    assert isinstance(revenue, Decimal)  # exact, not float
    assert int(revenue * 100) == _cents(shop["revenue_eur"])
    assert int(cogs * 100) == _cents(shop["cogs_eur"])
    assert int(premium) == log.loc[log["tier"] == "premium", "user_id"].nunique()
    assert int(streams) == int(log["streams"].sum())
    assert _cents(pd.Series([40.09, 24.25])) == 6434  # the helper itself, by hand


def test_distinct_users_and_events_agree(postgres_db, csv):
    for name, frame in csv.items():
        users = _one(postgres_db, f'SELECT count(DISTINCT user_id) FROM "{name}"')
        assert users == (frame["user_id"].nunique(),)
    with postgres_db.connect() as con:
        per_event = dict(con.execute("SELECT event, count(*) FROM shop_events GROUP BY 1"))
    assert per_event == csv["shop_events"]["event"].value_counts().to_dict()


def test_ibis_reads_the_same_monthly_actives(postgres_db, csv):
    con = postgres_db.connect_ibis()
    try:
        t = con.table("product_events")
        month = t.date.truncate("M").name("month")
        got = t.group_by(month).aggregate(users=t.user_id.nunique()).order_by("month").execute()
    finally:
        con.disconnect()
    frame = csv["product_events"]
    oracle = frame.groupby(pd.to_datetime(frame["date"]).dt.to_period("M"))["user_id"].nunique()
    assert got["users"].tolist() == oracle.tolist()
    assert [m.strftime("%Y-%m") for m in got["month"]] == [str(p) for p in oracle.index]


def test_a_test_can_upload_its_own_log(postgres_db):
    frame = pd.DataFrame(
        {
            "user": ["u1", "u2", "u1"],
            "time": pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:10", "2024-02-02 00:00"]),
            "amount": [10.25, -3.5, 7.0],
        }
    )
    t = postgres_db.upload("uploaded_log", frame)
    by_month = (
        t.group_by(month=t.time.truncate("M"))
        .aggregate(users=t.user.nunique(), amount=t.amount.sum())
        .order_by("month")
        .execute()
    )
    assert by_month["users"].tolist() == [1, 2]
    assert by_month["amount"].tolist() == [10.25, 3.5]
    assert postgres_db.upload("uploaded_log", frame.head(1)).count().execute() == 1  # replaced


def test_credentials_stay_out_of_urls_and_environment(postgres_db):
    password = postgres_db.passfile.read_text().strip().rsplit(":", 1)[1]
    assert len(password) >= 24
    assert password not in postgres_db.url_without_password
    assert password not in "".join(postgres_db.env.values())
    assert oct(postgres_db.passfile.stat().st_mode & 0o777) == "0o600"
    # psql reads everything from the environment, the password from PGPASSFILE
    done = subprocess.run(
        [str(server_bindir() / "psql"), "-tAc", "SELECT count(*) FROM listening_log"],
        env={**postgres_db.env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "30000"


def test_the_server_starts_in_seconds(postgres_db):
    assert 0 < postgres_db.start_seconds < 15
    assert 0 < postgres_db.load_seconds < 10


def test_sql_types_of_a_log():
    frame = pd.DataFrame(
        {
            "user_id": ["U1", "U2"],
            "date": ["2024-01-01", "2024-01-02"],
            "streams": [1, 2],
            "amount": [0.5, None],
            "score": [8.0, None],
            "flag": [True, False],
        }
    )
    assert sql_types(frame) == {
        "user_id": "text",
        "date": "timestamp",
        "streams": "bigint",
        "amount": "numeric",
        "score": "numeric",
        "flag": "boolean",
    }


def test_a_missing_server_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(postgres_server, "server_bindir", lambda: None)
    with pytest.raises(pytest.fail.Exception, match="make test.*installs Debian's postgresql"):
        require_server_bindir(in_ci=True)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL server not found"):
        require_server_bindir(in_ci=False)


def test_the_server_binaries_are_found_where_debian_puts_them():
    bindir = server_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server here")
    assert (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()
