"""Parameter values from files, read as what they are: CSV rows and YAML mappings.

Both readers return *text* (and, from YAML, lists, mappings and ``null``);
:func:`valuelab.reports.params.coerce` then converts each value to the type the
template declares. Nothing is guessed on the way:

- **CSV** (``--params-from rows.csv``) is parsed from the raw bytes by the
  :mod:`csv` module, so a quoted newline stays in its field and a U+2028 is
  data; a leading UTF-8 BOM (Excel's "CSV UTF-8") is removed; a file that is
  not UTF-8, a row with more or fewer fields than the header, a field over the
  csv module's limit (:func:`csv.field_size_limit`, 131,072 characters) and an
  unclosed quote are each one :class:`~valuelab.core.InputError` naming the
  file and the line.
- **YAML** (``-f params.yaml`` and ``--params-from rows.yaml``) is loaded
  with PyYAML's base schema: every scalar stays the text as written, so
  ``customer_id: 0123`` is ``"0123"`` and ``country: NO`` is ``"NO"`` (no
  YAML 1.1 octals or booleans); only an unquoted ``null``, ``~`` or an empty
  value is ``None``. Anchors and aliases (``&a``, ``*a``; the "billion laughs"
  bomb), explicit tags other than ``!!str``, ``!!seq`` and ``!!map``, keys given
  twice and nesting deeper than :data:`MAX_YAML_DEPTH` are refused.
- **Sizes**: a CSV file over :data:`MAX_CSV_BYTES` (20 MiB) or a YAML file
  over :data:`MAX_YAML_BYTES` (2 MiB) is refused before it is parsed (YAML is
  the slow format: use CSV for large batches).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "p.yaml").write_text("customer_id: 0123\\ncountry: NO\\nyear: 2024\\n")
>>> read_params_file(folder / "p.yaml")
{'customer_id': '0123', 'country': 'NO', 'year': '2024'}
>>> _ = (folder / "rows.csv").write_bytes(
...     b'\\xef\\xbb\\xbfcustomer_id,note\\r\\nA1,"two\\nlines"\\r\\n'
... )
>>> read_rows(folder / "rows.csv")
[{'customer_id': 'A1', 'note': 'two\\nlines'}]
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from valuelab.core import InputError

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "load_yaml",
    "read_csv",
    "read_params_file",
    "read_rows",
]

#: The largest CSV file of rows read (bytes).
MAX_CSV_BYTES = 20 * 2**20
#: The largest YAML file (``-f`` parameters or rows) read (bytes).
MAX_YAML_BYTES = 2 * 2**20
#: How deeply YAML lists and mappings may nest.
MAX_YAML_DEPTH = 32

_BOM = b"\xef\xbb\xbf"
_YAML_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_C_LOADER = getattr(yaml, "CBaseLoader", None)


def _read_bytes(path: str | Path, limit: int, kind: str) -> bytes:
    """The bytes of ``path``, refused when larger than ``limit`` (an ``InputError``)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", source=str(path)) from None
    if len(data) > limit:
        raise InputError(
            f"the file is larger than {limit:,} bytes",
            source=str(path),
            expected=f"a {kind} file of at most {limit:,} bytes",
        )
    return data


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text without a leading BOM; an ``InputError`` naming the line of a bad byte."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            f"line {line}: byte 0x{data[err.start]:02x} is not UTF-8",
            source=source,
            expected="UTF-8 text; in Excel, save as 'CSV UTF-8'",
        ) from None


def read_csv(path: str | Path, limit: int | None = None) -> list[dict[str, str]]:
    """Rows of a CSV file as ``{header: text}`` mappings (see the module docstring).

    Raises
    ------
    InputError
        The file is too large or not UTF-8; the header has an empty or
        repeated name; a row has more or fewer fields than the header; a
        field is over the csv module's limit; the quoting is broken.
    """
    source = str(path)
    text = _decode(_read_bytes(path, MAX_CSV_BYTES if limit is None else limit, "CSV"), source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    start = 1  # the line the next record starts on
    try:
        for record in reader:
            if not record:
                pass  # a blank line
            elif header is None:
                header = _header(record, source)
            elif len(record) != len(header):
                raise InputError(
                    f"line {start} (row {len(rows) + 1}) has {len(record)} fields "
                    f"where the header has {len(header)}",
                    source=source,
                    expected="one value per column; quote values that hold commas",
                )
            else:
                rows.append(dict(zip(header, record, strict=True)))
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(f"line {start}: {_csv_problem(err)}", source=source) from None
    return rows


def _csv_problem(err: csv.Error) -> str:
    if "field limit" in str(err):
        return f"a field is longer than {csv.field_size_limit():,} characters (the csv limit)"
    if "unexpected end of data" in str(err):
        return "a quoted field is never closed (expected a closing '\"')"
    return f"{err} (expected CSV text)"


def _header(record: list[str], source: str) -> list[str]:
    for i, name in enumerate(record, start=1):
        if not name:
            raise InputError(
                f"column {i} of the header has no name", source=source, expected="a name per column"
            )
        if record.index(name) != i - 1:
            raise InputError(
                f"the header names '{name}' twice", source=source, expected="distinct column names"
            )
    return record


def _loader_class(base: type) -> type:
    """A YAML loader on ``base`` (the base schema): text, plain null, no repeated keys."""

    class TextLoader(base):  # type: ignore[valid-type, misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
            seen: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        line = key.start_mark.line + 1
                        raise _Refused(f"line {line}: the key '{key.value}' is given twice")
                    seen.add(key.value)
            return super().construct_mapping(node, deep=deep)

    TextLoader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    TextLoader.add_constructor("tag:yaml.org,2002:null", lambda loader, node: None)
    return TextLoader


class _Refused(yaml.YAMLError):
    """Valid YAML that the kit does not read (aliases, tags, deep nesting, repeated keys)."""


_LOADER = _loader_class(_C_LOADER or yaml.BaseLoader)


def _check_events(text: str) -> None:
    """Refuse anchors, aliases, unknown tags and deep nesting before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_C_LOADER or yaml.BaseLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(f"line {line}: anchors and aliases (&name, *name) are not read")
        if getattr(event, "tag", None) not in _YAML_TAGS:
            raise _Refused(f"line {line}: the tag {event.tag} is not read")
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _Refused(f"line {line}: nested deeper than {MAX_YAML_DEPTH} levels")
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


def load_yaml(text: str, source: str) -> Any:
    """One YAML document as text, lists, dicts and ``None`` (see the module docstring).

    Raises
    ------
    InputError
        Not YAML, more than one document, or YAML the kit refuses; the message
        names ``source`` and the line.

    Examples
    --------
    >>> load_yaml("a: 0x10\\nb: [yes, 1.0]\\nc: 'null'\\nd: null\\n", "p.yaml")
    {'a': '0x10', 'b': ['yes', '1.0'], 'c': 'null', 'd': None}
    """
    try:
        _check_events(text)
        return yaml.load(text, Loader=_LOADER)  # the base schema builds no objects
    except yaml.YAMLError as err:
        raise InputError(_yaml_message(err, text), source=source) from None


def _yaml_message(err: yaml.YAMLError, text: str) -> str:
    if isinstance(err, yaml.MarkedYAMLError) and err.problem_mark is not None:
        return f"line {err.problem_mark.line + 1}: {err.problem} (expected YAML text)"
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        code = err.character if isinstance(err.character, int) else ord(err.character)
        return f"line {line}: the character U+{code:04X} is not allowed in YAML"
    return " ".join(str(err).split())  # one line


def read_params_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter values (``-f params.yaml``): names to text, lists, dicts, None.

    The values are converted to the template's types by
    :func:`valuelab.reports.params.coerce`.

    Raises
    ------
    InputError
        Unreadable, too large, not UTF-8, not YAML, or not a mapping of names.
    """
    source = str(path)
    doc = load_yaml(_decode(_read_bytes(path, MAX_YAML_BYTES, "YAML"), source), source)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError("not a mapping", source=source, expected="name: value lines")
    _check_names(doc, source)
    return doc


def _check_names(mapping: dict, source: str, row: int | None = None) -> None:
    bad = [k for k in mapping if not isinstance(k, str)]
    if bad:
        raise InputError(
            f"the key {bad[0]!r} is not a name",
            source=source,
            rows=None if row is None else [row],
            expected="name: value",
        )


def read_rows(path: str | Path, where: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Parameter rows from a CSV (header = names) or a YAML list of mappings, filtered.

    ``where`` items are ``name=value`` or ``name!=value`` (compared as text);
    they are parsed, never evaluated. Every row must pass every filter.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
    >>> _ = p.write_text("year,segment\\n2021,SMB\\n2022,Enterprise\\n")
    >>> read_rows(p, ["segment!=SMB"])
    [{'year': '2022', 'segment': 'Enterprise'}]
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(path)
    else:
        rows = read_csv(path)
    return _filter(rows, where)


def _yaml_rows(path: Path) -> list[dict[str, Any]]:
    source = str(path)
    rows = load_yaml(_decode(_read_bytes(path, MAX_YAML_BYTES, "YAML"), source), source) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError("not a list of mappings", source=source, expected="- name: value")
    for i, row in enumerate(rows, start=1):
        _check_names(row, source, i)
    return rows


def _filter(rows: list[dict[str, Any]], where: Iterable[str]) -> list[dict[str, Any]]:
    tests = []
    for item in where:
        m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*(.*?)\s*", item, re.DOTALL)
        if not m:
            raise InputError(
                f"cannot read --where {item!r}", source="--where", expected="name=value"
            )
        tests.append(m.groups())
    columns = [c for c in dict.fromkeys(k for r in rows for k in r)]
    for name, _, _ in tests:
        if rows and name not in columns:
            raise InputError(f"no column '{name}'", source="--where", expected=", ".join(columns))
    return [r for r in rows if all((str(r.get(n)) == v) == (op == "=") for n, op, v in tests)]
