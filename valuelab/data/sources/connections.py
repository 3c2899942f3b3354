"""Where a source is, and the credentials to reach it — never from a command line.

A source is located from one string: a file path or glob (CSV, Parquet, JSON,
Excel, DuckDB, SQLite), a database URL, or a *named connection*. Passwords
come from where libpq and operators keep them, never from the string itself,
so they cannot end up in report parameters, manifests, logs or shell history:

- the environment (``PGPASSWORD``, ``PGUSER``, ``PGHOST``, … read by libpq);
- a ``~/.pgpass`` file (libpq reads it when no password is given);
- a named connection in a YAML file, ``$VALUELAB_CONNECTIONS`` or
  ``~/.config/valuelab/connections.yaml``, whose values may name environment
  variables as ``${NAME}``::

      warehouse:
        url: postgresql://analyst@db.example.com:5432/shop
        table: events
        password: ${WAREHOUSE_PASSWORD}

A URL with an inline password (``postgresql://u:secret@host/db``) is refused
with a message saying where to put it.

Database URLs: ``postgresql://[user@]host[:port]/database?table=T[&schema=S]``
(other query parameters, such as ``sslmode``, go to libpq), and
``sqlite:///path/to/file.sqlite?table=T``, ``duckdb:///path/to/file.duckdb?table=T``.

Examples
--------
>>> loc = locate("postgresql://analyst@db.example.com/shop?table=events")
>>> loc.kind, loc.name, loc.table
('postgres', 'postgresql://analyst@db.example.com:5432/shop?table=events', 'events')
"""

from __future__ import annotations

import difflib
import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from valuelab.core import InputError

__all__ = ["Locator", "connections_file", "has_password", "load_connections", "locate"]

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".gz": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".duckdb": "duckdb",
    ".ddb": "duckdb",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
}
_WHERE_PASSWORDS_GO = (
    "set PGPASSWORD in the environment, add a line to ~/.pgpass, or name a connection in "
    "~/.config/valuelab/connections.yaml (or $VALUELAB_CONNECTIONS) with password: ${VARIABLE}"
)
_ENV_REF = re.compile(r"\$\{(\w+)\}")
_URL_PASSWORD = re.compile(
    r"[a-z][a-z0-9+.-]*://([^/@\s:]*:[^/@\s]*@|\S*[?&]password=)", re.IGNORECASE
)


@dataclass(frozen=True)
class Locator:
    """Where a source is: its kind, target, display name and (hidden) connection details.

    Parameters
    ----------
    kind : str
        ``csv``, ``parquet``, ``json``, ``excel``, ``duckdb``, ``sqlite`` or ``postgres``.
    target : str
        The path or glob (for a database: the display name).
    name : str
        What messages and provenance show: never a password.
    table : str, optional
        The table (database) or sheet (Excel) to read.
    params : dict
        Connection arguments for the database backend (password excluded).
    password : str, optional
        From a named connection only; never shown (``repr`` leaves it out).
    """

    kind: str
    target: str
    name: str
    table: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    password: str | None = field(default=None, repr=False)


def has_password(text: object) -> bool:
    """Whether ``text`` holds a URL with a password (``scheme://user:secret@host``, ``?password=``).

    Examples
    --------
    >>> has_password("postgresql://analyst:s3cret@db/shop"), has_password("postgresql://analyst@db")
    (True, False)
    """
    return isinstance(text, str) and _URL_PASSWORD.search(text) is not None


def connections_file() -> Path:
    """The named-connections file: ``$VALUELAB_CONNECTIONS``, else the user's config folder."""
    if os.environ.get("VALUELAB_CONNECTIONS"):
        return Path(os.environ["VALUELAB_CONNECTIONS"])
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "valuelab" / "connections.yaml"


def load_connections(connections: str | Path | dict | None = None) -> dict[str, dict]:
    """Named connections: a dict, a YAML file, or :func:`connections_file` (``{}`` if absent).

    Raises
    ------
    InputError
        The file is not YAML of ``name: {url: ..., table: ..., password: ...}`` entries.
    """
    if isinstance(connections, dict):
        return connections
    path = Path(connections) if connections is not None else connections_file()
    if not path.is_file():
        if connections is not None:
            raise InputError("no such connections file", source=str(path))
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputError(f"not YAML: {str(err).splitlines()[0]}", source=str(path)) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(
            "not a list of named connections",
            source=str(path),
            expected="name: {url: postgresql://user@host/db, table: events}",
        )
    return data


def _expand(value: object, where: str) -> object:
    """``${NAME}`` references in a config value, from the environment."""
    if not isinstance(value, str):
        return value

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise InputError(
                f"environment variable {name} is not set", source=where, expected="it exported"
            )
        return os.environ[name]

    return _ENV_REF.sub(repl, value)


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{parts.path}"


def _postgres(url: str, *, table: str | None, allow_password: bool) -> Locator:
    parts = urlsplit(url)
    if (parts.password is not None or has_password(url)) and not allow_password:
        raise InputError(
            "a password in a database URL is refused (it would be kept in logs, manifests "
            f"and shell history): {_WHERE_PASSWORDS_GO}",
            source=_redacted(url),
        )
    query = dict(parse_qsl(parts.query))
    table = query.pop("table", None) or table
    schema = query.pop("schema", None)
    database = unquote(parts.path.lstrip("/")) or None
    params = {"host": parts.hostname, "port": parts.port or 5432, "database": database}
    params |= {"user": unquote(parts.username)} if parts.username else {}
    params |= {"schema": schema} if schema else {}
    params |= query
    user = f"{params['user']}@" if "user" in params else ""
    name = f"postgresql://{user}{parts.hostname or 'localhost'}:{params['port']}/{database or ''}"
    name += f"?table={table}" if table else ""
    password = unquote(parts.password) if parts.password is not None else None
    return Locator("postgres", name, name, table, params, password)


def _file_url(url: str, kind: str, table: str | None) -> Locator:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    path = unquote(parts.netloc + parts.path)
    table = query.get("table") or table
    return Locator(kind, path, f"{kind}:///{path.lstrip('/')}", table)


def _named(name: str, entry: dict, table: str | None) -> Locator:
    where = f"connection '{name}'"
    entry = {k: _expand(v, where) for k, v in entry.items()}
    password = entry.pop("password", None)
    if "url" not in entry:
        raise InputError("no url", source=where, expected="url: postgresql://user@host/db")
    loc = locate(str(entry["url"]), table=entry.get("table") or table, _trusted=True)
    if password is not None:
        loc = Locator(loc.kind, loc.target, loc.name, loc.table, loc.params, str(password))
    shown = f"@{name} ({loc.name})"
    return Locator(loc.kind, loc.target, shown, loc.table, loc.params, loc.password)


def _connections_named(connections: str | Path | dict | None) -> str:
    """Where the connection names came from, for a message."""
    if isinstance(connections, dict):
        return "the connections given"
    return str(connections) if connections else str(connections_file())


def _no_file(source: str, names: list[str], connections: str | Path | dict | None) -> InputError:
    folder = Path(source).parent
    real = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    near = difflib.get_close_matches(Path(source).name, real, n=1)
    near += difflib.get_close_matches(source.lstrip("@"), names, n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    return InputError(
        f"no such file or named connection{hint}",
        source=source,
        expected="a CSV, Parquet, JSON, Excel, DuckDB or SQLite file, a glob, a database URL, "
        f"or a connection named in {_connections_named(connections)}",
    )


def _file(source: str, table: str | None) -> Locator:
    path = Path(source)
    suffixes = [s.lower() for s in path.suffixes]
    kind = next((_SUFFIXES[s] for s in reversed(suffixes) if s in _SUFFIXES), None)
    if kind is None:
        raise InputError(
            f"unknown kind of file '{path.suffix}'",
            source=source,
            expected="a file ending in " + ", ".join(sorted(_SUFFIXES)),
        )
    return Locator(kind, source, source, table)


def locate(
    source: str | Path,
    *,
    table: str | None = None,
    connections: str | Path | dict | None = None,
    _trusted: bool = False,
) -> Locator:
    """Where ``source`` is: a file, a glob, a database URL or a named connection.

    Parameters
    ----------
    source : str or Path
        A path or glob; ``postgresql://…``, ``sqlite:///…`` or ``duckdb:///…``;
        ``@name`` (or a bare ``name`` that is no file) for a named connection.
    table : str, optional
        The table or sheet, when the source string does not name one.
    connections : str, Path or dict, optional
        The named connections (default: :func:`connections_file`).

    Raises
    ------
    InputError
        A password inside a URL; an unknown connection name, file or file kind.
    """
    text = str(source)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("postgresql", "postgres"):
        return _postgres(text, table=table, allow_password=_trusted)
    if scheme in ("sqlite", "duckdb"):
        return _file_url(text, scheme, table)
    if scheme:
        raise InputError(f"unknown database scheme '{scheme}://'", source=text.split("@")[-1])
    if glob.has_magic(text):
        if not glob.glob(text):
            raise InputError("no file matches this glob", source=text)
        return _file(text, table)
    if Path(text).exists() and not text.startswith("@"):
        return _file(text, table)
    named = load_connections(connections)
    if text.lstrip("@") in named:
        return _named(text.lstrip("@"), named[text.lstrip("@")], table)
    raise _no_file(text, list(named), connections)
