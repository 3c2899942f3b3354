"""A throwaway PostgreSQL server for the tests, loaded with the shipped event logs.

Debian's ``postgresql`` server (``make test`` installs it) is started from a fresh
temporary directory with ``initdb`` and ``pg_ctl``. The server refuses to run as
root, which CI is: as root, the directory is handed to an unprivileged account
(``postgres``, which the Debian package creates, else ``nobody``) and the server's
commands run as that account. The server listens on a free port of 127.0.0.1 and
on a socket in the same directory; it takes scram-sha-256 passwords only. The
password is random and lives in a ``.pgpass`` file (``PGPASSFILE``), never in a
URL. pytest-postgresql was considered: it does not switch users, so as root it
would need the same work done around it.

The fixture ``postgres_db`` (``tests/conftest.py``) yields :class:`PostgresDB`:
``postgres_db.connect_ibis().table("shop_events")`` is a shipped log inside the
server; ``postgres_db.upload(name, frame)`` puts a test's own log there.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from support import ROOT, free_port

#: The shipped event logs loaded into the database: table name = file stem.
LOGS = ("product_events", "shop_events", "listening_log")
#: Columns read as a point in time (SQL ``timestamp``, no zone: the logs carry none).
TIME_COLUMNS = frozenset({"date", "time", "timestamp", "event_time"})
USER = "valuelab"
DBNAME = "valuelab"


@dataclass(frozen=True)
class PostgresDB:
    """Where the test database is, and how to reach it without a password in sight.

    ``env`` is what a client needs in its environment (libpq's ``PG*`` variables,
    the password through ``PGPASSFILE``); ``tables`` maps each loaded table to
    its columns and SQL types; ``start_seconds`` is how long the server took to
    be ready (initdb + start), ``load_seconds`` the loading of the logs.
    """

    host: str
    port: int
    user: str
    dbname: str
    passfile: Path
    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    start_seconds: float = 0.0
    load_seconds: float = 0.0

    @property
    def url_without_password(self) -> str:
        """``postgresql://user@host:port/dbname``: the password comes from ``passfile``."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    @property
    def env(self) -> dict[str, str]:
        """libpq's environment variables for this database (``PGPASSFILE``, no password)."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGDATABASE": self.dbname,
            "PGPASSFILE": str(self.passfile),
        }

    def connect(self) -> Any:
        """A psycopg connection (autocommit)."""
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            dbname=self.dbname,
            passfile=str(self.passfile),
            autocommit=True,
        )

    def connect_ibis(self) -> Any:
        """An ``ibis.postgres`` backend on this database."""
        import ibis

        return ibis.postgres.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            database=self.dbname,
            passfile=str(self.passfile),
        )

    def upload(self, name: str, frame: pd.DataFrame) -> Any:
        """``frame`` as table ``name`` (replaced if it exists), returned as an Ibis table.

        For tests that need their own log in the database (Ibis maps the dtypes:
        ``datetime64`` to ``timestamp``, ``str`` to text, floats to double).
        """
        with self.connect() as con:  # ibis 12's overwrite=True renders an empty DROP
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        return self.connect_ibis().create_table(name, frame)


def server_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` of one PostgreSQL version, or None.

    Debian keeps them out of ``PATH`` in ``/usr/lib/postgresql/<version>/bin``;
    the newest version wins. Elsewhere, ``PATH``.
    """

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name))

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=version)
    for pg_ctl in reversed(found):
        if (pg_ctl.parent / "initdb").is_file():
            return pg_ctl.parent
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    return None


def require_server_bindir(in_ci: bool) -> Path:
    """:func:`server_bindir`, or fail the test under CI (skip it elsewhere) naming the fix."""
    import pytest

    bindir = server_bindir()
    if bindir is None:
        message = (
            "PostgreSQL server not found (initdb and pg_ctl in /usr/lib/postgresql/*/bin or "
            "on PATH): `make test` installs Debian's postgresql"
        )
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    return bindir


def _server_account() -> pwd.struct_passwd | None:
    """The account the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' account exists")


class _Runner:
    """Runs the server's commands in ``base``, as ``account`` when given."""

    def __init__(self, bindir: Path, base: Path, account: pwd.struct_passwd | None) -> None:
        self.bindir, self.base, self.account = bindir, base, account

    def own(self, path: Path) -> None:
        if self.account is not None:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def __call__(self, tool: str, *args: str, timeout: float = 60) -> None:
        user = {} if self.account is None else {"user": self.account.pw_uid}
        group = {} if self.account is None else {"group": self.account.pw_gid, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "HOME": str(self.base)}
        done = subprocess.run(
            [str(self.bindir / tool), *args],
            cwd=self.base,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **user,
            **group,
        )
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")


def _initdb(run: _Runner, password: str) -> Path:
    """A new cluster in ``base/data`` with one password-protected superuser."""
    pwfile = run.base / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    run.own(pwfile)
    data = run.base / "data"
    args = ["-D", str(data), "-U", USER, "--pwfile", str(pwfile), "-A", "scram-sha-256"]
    try:
        run("initdb", *args, "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
    finally:
        pwfile.unlink()
    return data


def _start(run: _Runner, data: Path, port: int) -> None:
    """Start the server (durability off: a test database is thrown away)."""
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={run.base} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log = str(run.base / "server.log")
    run("pg_ctl", "-D", str(data), "-l", log, "-o", options, "-w", "-t", "30", "start")


def _write_passfile(base: Path, port: int, password: str) -> Path:
    passfile = base / "pgpass"
    passfile.write_text(f"127.0.0.1:{port}:*:{USER}:{password}\n")
    passfile.chmod(0o600)  # libpq ignores a .pgpass others can read
    return passfile


@contextmanager
def running_server(bindir: Path) -> Iterator[PostgresDB]:
    """A started server with an empty database ``valuelab``; stopped and removed after."""
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="valuelab-pg-"))
    run, data = _Runner(bindir, base, _server_account()), None
    try:
        run.own(base)
        password, port = secrets.token_urlsafe(24), free_port()
        cluster = _initdb(run, password)
        _start(run, cluster, port)
        data = cluster
        passfile = _write_passfile(base, port, password)
        with PostgresDB("127.0.0.1", port, USER, "postgres", passfile).connect() as con:
            con.execute(f"CREATE DATABASE {DBNAME}")
        yield PostgresDB("127.0.0.1", port, USER, DBNAME, passfile, {}, time.monotonic() - started)
    finally:
        try:
            if data is not None:
                run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(base, ignore_errors=True)


def sql_types(frame: pd.DataFrame) -> dict[str, str]:
    """Column -> SQL type for a log read by pandas: text ids, timestamps, exact numbers.

    Integer columns become ``bigint``; other numbers (amounts, and scores a blank
    cell made float) ``numeric``, exact, so sums agree to the cent; the time
    columns (:data:`TIME_COLUMNS`) ``timestamp``; the rest (ids) ``text``.
    """
    types = {}
    for name, values in frame.items():
        if name in TIME_COLUMNS:
            types[name] = "timestamp"
        elif pd.api.types.is_bool_dtype(values):
            types[name] = "boolean"
        elif pd.api.types.is_integer_dtype(values):
            types[name] = "bigint"
        elif pd.api.types.is_numeric_dtype(values):
            types[name] = "numeric"
        else:
            types[name] = "text"
    return types


def load_logs(db: PostgresDB, logs: tuple[str, ...] = LOGS) -> PostgresDB:
    """Create one typed table per shipped log and COPY the CSV in; ``db`` with ``tables``."""
    started = time.monotonic()
    tables = {}
    with db.connect() as con:
        for name in logs:
            path = ROOT / "datasets" / f"{name}.csv"
            types = sql_types(pd.read_csv(path))
            columns = ", ".join(f'"{c}" {t}' for c, t in types.items())
            con.execute(f'CREATE TABLE "{name}" ({columns})')
            with con.cursor().copy(f'COPY "{name}" FROM STDIN (FORMAT csv, HEADER true)') as copy:
                copy.write(path.read_bytes())
            tables[name] = types
    return PostgresDB(
        **{**db.__dict__, "tables": tables, "load_seconds": time.monotonic() - started}
    )
