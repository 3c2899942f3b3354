"""A result table written whole, in the format its file name says, with where it came from.

:func:`write_table` writes a DataFrame (its index kept as the first column) to CSV, Parquet or
Excel, atomically: into a temporary file beside the target, then renamed over it, so a reader
never sees half a file and a failure leaves nothing behind. The provenance (source, mapping,
time zone, as-of time, …) goes where each format's users look for it:

- **Parquet**: the file's key-value metadata under ``PANDAS_ATTRS``, pandas' own place for
  ``DataFrame.attrs`` (``pandas.read_parquet(path).attrs`` gives it back; any Parquet reader sees
  the JSON);
- **Excel** (``.xlsx``, written by openpyxl): a second sheet, ``about``, with one ``key, value``
  row per fact (nested facts as dotted keys) and one per column description;
- **CSV**: a sidecar ``OUT.csv-metadata.json`` in the W3C *CSV on the Web* metadata vocabulary
  [1]_ — the file name CSVW processors look for beside a CSV — naming the CSV (``url``), its
  columns with their datatypes and descriptions (``tableSchema``), the source (``dc:source``),
  the as-of time (``dc:created``) and the whole provenance (``notes``). The CSV itself stays
  plain: one header row, then data, readable by any tool.

References
----------
.. [1] W3C, "Metadata Vocabulary for Tabular Data", W3C Recommendation, 17 December 2015,
   section 5 and "Model for Tabular Data and Metadata on the Web", section 5.2 (locating
   metadata: ``{+url}-metadata.json``). https://www.w3.org/TR/tabular-metadata/

Examples
--------
>>> import json, pathlib, tempfile
>>> import pandas as pd
>>> t = pd.DataFrame({"users": [3, 4]}, index=pd.Index(["2024-01", "2024-02"], name="month"))
>>> out = pathlib.Path(tempfile.mkdtemp()) / "users.csv"
>>> [p.name for p in write_table(t, out, {"source": "shop.csv"})]
['users.csv', 'users.csv-metadata.json']
>>> json.loads((out.parent / "users.csv-metadata.json").read_text())["dc:source"]
'shop.csv'
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from valuelab.core import InputError

__all__ = ["FORMATS", "export_format", "write_table"]

#: File suffix -> format written.
FORMATS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "excel"}
_CSVW_TYPES = {"b": "boolean", "i": "integer", "u": "integer", "f": "double"}


def export_format(path: str | Path) -> str:
    """The format of ``path`` from its suffix (``csv``, ``parquet``, ``excel``).

    Raises
    ------
    InputError
        An unknown suffix, naming the file and the suffixes known.

    Examples
    --------
    >>> export_format("kpis.XLSX")
    'excel'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"cannot tell the format from the suffix {suffix or '(none)'!r}",
            source=str(path),
            expected="a file name ending in " + ", ".join(FORMATS),
        )
    return FORMATS[suffix]


def _flat(facts: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``(dotted key, text)`` per fact, nested mappings flattened."""
    rows = []
    for key, value in facts.items():
        if isinstance(value, Mapping):
            rows += _flat(value, f"{prefix}{key}.")
        else:
            text = json.dumps(value) if isinstance(value, list | tuple) else value
            rows.append((f"{prefix}{key}", "" if text is None else str(text)))
    return rows


def _dates_only(values: Any) -> bool:
    """Whether a datetime column (or index) holds midnights only: dates."""
    times = pd.DatetimeIndex(values)
    present = times[times.notna()]
    return bool((present == present.normalize()).all())


def _csvw_type(values: Any) -> str:
    """The CSVW datatype of a column as :func:`write_table` writes it (:func:`_csv_text`).

    >>> _csvw_type(pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01"])))
    'date'
    >>> _csvw_type(pd.Series(pd.to_datetime(["2024-01-01 08:30"])))
    'datetime'
    >>> _csvw_type(pd.Series([1.5])), _csvw_type(pd.Index([1, 2]))
    ('double', 'integer')
    """
    if values.dtype.kind == "M":
        return "date" if _dates_only(values) else "datetime"
    return _CSVW_TYPES.get(values.dtype.kind, "string")


def _csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its times as the text the CSV holds: ``2024-01-01`` for a column (or the
    index) of dates, ISO 8601 ``2024-01-01T08:30:00`` (with its offset, if any) otherwise."""

    def text(values: Any) -> Any:
        times = pd.DatetimeIndex(values)
        if _dates_only(times):
            return times.strftime("%Y-%m-%d").to_numpy()
        return [None if pd.isna(t) else t.isoformat() for t in times]

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind == "M":
            out[column] = text(out[column])
    if frame.index.dtype.kind == "M":
        out.index = pd.Index(text(frame.index), name=frame.index.name)
    return out


def _csvw(frame: pd.DataFrame, name: str, facts: dict, described: Mapping[str, str]) -> dict:
    """The CSVW metadata document of ``frame`` written as the CSV ``name``."""
    columns = []
    values = [(frame.index.name or "index", frame.index), *frame.items()]
    for column, data in values:
        spec = {"name": str(column), "titles": str(column)}
        spec["datatype"] = _csvw_type(data)
        if described.get(str(column)):
            spec["dc:description"] = described[str(column)]
        columns.append(spec)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": name,
        "dc:title": str(facts.get("metric", name)),
        "dc:source": str(facts.get("source", "")),
        "dc:created": str(facts.get("as_of") or facts.get("computed_at") or ""),
        "tableSchema": {"columns": columns},
        "notes": [facts],
    }


def _excel(frame: pd.DataFrame, path: Path, facts: dict, described: Mapping[str, str]) -> None:
    about = pd.DataFrame(
        _flat(facts) + [(f"column.{k}", v) for k, v in described.items()],
        columns=["key", "value"],
    )
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        frame.to_excel(book, sheet_name="data")
        about.to_excel(book, sheet_name="about", index=False)


def _temporary(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def _replace_all(writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write each target through a temporary file; rename them all only once all are written."""
    temps: dict[Path, Path] = {}
    try:
        for target, write in writers.items():
            temps[target] = _temporary(target)
            write(temps[target])
            os.chmod(temps[target], 0o644)
        for target, tmp in temps.items():
            os.replace(tmp, target)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return list(writers)


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    provenance: Mapping[str, Any] | None = None,
    columns: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write ``frame`` to ``path`` (CSV, Parquet or Excel by suffix), whole, with its provenance.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is written as the first column.
    path : str or Path
        ``.csv``, ``.parquet`` or ``.xlsx``; its folder must exist.
    provenance : mapping, optional
        Plain JSON-able facts (default: ``frame.attrs["provenance"]``); where each format keeps
        them: the module's docstring.
    columns : mapping, optional
        Column -> description (label and unit), kept in the CSV sidecar and the Excel
        ``about`` sheet.

    Returns
    -------
    list of Path
        The files written (a CSV's sidecar after it).

    Raises
    ------
    InputError
        An unknown suffix, or a file that cannot be written (nothing is left behind).
    """
    path = Path(path)
    kind = export_format(path)
    facts = dict(provenance if provenance is not None else frame.attrs.get("provenance", {}))
    described = dict(columns or {})
    if kind == "parquet":
        out = frame.copy()
        out.attrs = {"provenance": facts}
        if "currency" in frame.attrs:  # the money's currency, where Source.to_pandas puts it
            out.attrs["currency"] = frame.attrs["currency"]
        writers = {path: lambda tmp: out.to_parquet(tmp, engine="pyarrow")}
    elif kind == "excel":
        writers = {path: lambda tmp: _excel(frame, tmp, facts, described)}
    else:
        meta = json.dumps(_csvw(frame, path.name, facts, described), indent=1, default=str)
        sidecar = path.with_name(path.name + "-metadata.json")
        writers = {
            path: lambda tmp: _csv_text(frame).to_csv(tmp),
            sidecar: lambda tmp: tmp.write_text(meta + "\n", encoding="utf-8"),
        }
    try:
        return _replace_all(writers)
    except OSError as err:
        raise InputError(
            f"cannot write: {err.strerror or err}", source=str(path), expected="a writable file"
        ) from None
