"""The same event log on every backend the metrics run on.

``BACKENDS`` lists them: a DataFrame (DuckDB in-process), a Parquet file and a DuckDB file
(DuckDB), and PostgreSQL (the session's ``postgres_db`` server from ``tests/postgres_server.py``:
the metric is computed inside the server). Under ``CI=true`` a missing server fails.
"""

from __future__ import annotations

import pandas as pd
import pytest

BACKENDS = ["dataframe", "parquet", "duckdb", "postgres"]


def on_backend(backend: str, log: pd.DataFrame, folder, request, name: str = "") -> object:
    """``log`` as that backend's input: the DataFrame, or an Ibis table over a file (PostgreSQL:
    the table ``name``, by default one per test module)."""
    import ibis

    if backend == "dataframe":
        return log
    if backend == "parquet":
        path = folder / "events.parquet"
        log.to_parquet(path)
        return ibis.duckdb.connect().read_parquet(path)
    if backend == "duckdb":
        import duckdb  # an analyst's DuckDB file, written by DuckDB itself

        path = folder / "events.duckdb"
        with duckdb.connect(str(path)) as db:
            db.register("log", log)
            db.execute("CREATE TABLE events AS SELECT * FROM log")
        return ibis.duckdb.connect(path).table("events")
    if backend == "postgres":  # computed inside the server
        table = name or "events_" + request.module.__name__.rsplit(".", 1)[-1]  # per module
        return request.getfixturevalue("postgres_db").upload(table, log)
    raise ValueError(backend)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    from event_oracle import shaped_log

    return shaped_log()


@pytest.fixture(scope="module", params=BACKENDS)
def events(request, log, tmp_path_factory):
    """The shaped log on each backend in turn."""
    return on_backend(request.param, log, tmp_path_factory.mktemp(request.param), request)


@pytest.fixture
def put_on(request, tmp_path):
    """``put_on(backend, log)``: ``log`` as that backend's input (:func:`on_backend`); on
    PostgreSQL a table of the test's own, so the module's shared log stays as it is."""
    name = "t_" + request.node.name.lower().translate(str.maketrans("[]-", "___"))[-50:]
    return lambda backend, log: on_backend(backend, log, tmp_path, request, name)
