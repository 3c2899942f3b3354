"""Typed report parameters, read from the template's own ``parameters`` cell.

Papermill injects any name it is given and only warns about unknown ones
(its issue #818): a misspelled ``custmer_id`` silently renders the default
customer. Here the template's parameters cell is the contract — names,
inferred types, defaults and the ``# help`` comment of each line — and values
are checked *before any kernel starts*: unknown names are an error with the
valid ones and a did-you-mean, values are coerced to the declared type or
rejected, and a parameter whose default is ``None`` must be given.

Examples
--------
>>> from valuelab.apps.report_launcher import REPORTS
>>> [(p["name"], p["type"]) for p in fields(REPORTS / "spotify_year.ipynb")]
[('year', 'int')]
>>> coerce(fields(REPORTS / "spotify_year.ipynb"), {"year": "2021"}, "spotify_year.ipynb")
{'year': 2021}
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from valuelab.core import InputError, parse_bool

__all__ = ["coerce", "fields", "read_params_file", "table"]

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


def fields(template: str | Path) -> list[dict[str, Any]]:
    """The typed parameters of a template: ``name``, ``type``, ``default``, ``help``, ``required``.

    ``type`` is the annotation when the cell has one (``year: int = 2024``),
    else the type of the default literal: ``int``, ``float``, ``bool`` or
    ``str`` (anything else is offered as ``str``). Defaults are read as
    literals (``ast.literal_eval``), never executed.
    """
    import papermill as pm

    path = Path(template)
    if not path.exists():
        raise InputError("no such template", source=str(path), expected="a report notebook")
    found = []
    for name, spec in pm.inspect_notebook(str(path)).items():
        try:
            default = ast.literal_eval(spec.get("default", "None"))
        except (ValueError, SyntaxError):
            default = spec.get("default")
        kind = spec.get("inferred_type_name", "None")  # set only by a type annotation
        if kind not in _TYPES:
            kind = type(default).__name__ if type(default).__name__ in _TYPES else "str"
        found.append(
            {
                "name": name,
                "type": kind,
                "default": default,
                "help": spec.get("help", ""),
                "required": default is None,
            }
        )
    return found


def _convert(kind: str, value: Any) -> Any:
    target = _TYPES[kind]
    if target is bool:
        return parse_bool(value, kind)  # an InputError is a ValueError
    if target is int:
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value) if isinstance(value, str) else value
        if isinstance(number, float) and not number.is_integer():
            raise ValueError(value)
        return int(number)
    if target is float:
        if isinstance(value, bool):
            raise ValueError(value)
        return float(value)
    return str(value)


def coerce(
    specs: list[dict[str, Any]], values: Mapping[str, Any], source: str, fill: bool = False
) -> dict[str, Any]:
    """Values converted to the declared types; one :class:`InputError` lists every problem.

    Parameters
    ----------
    specs : list of dict
        From :func:`fields`.
    values : mapping
        Name -> value (strings from a command line or CSV are converted).
    source : str
        The template name, for messages.
    fill : bool
        Also return the defaults of parameters not given.

    Raises
    ------
    InputError
        Unknown names (with the valid ones and a did-you-mean), values that do
        not convert to the declared type, and required parameters not given.
    """
    known = {s["name"]: s for s in specs}
    out: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in values.items():
        if name not in known:
            close = difflib.get_close_matches(str(name), list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"unknown parameter '{name}'{hint} (valid: {', '.join(known)})")
            continue
        try:
            out[name] = _convert(known[name]["type"], value)
        except (TypeError, ValueError, OverflowError):
            problems.append(f"{name}={value!r} is not a valid {known[name]['type']}")
    for spec in specs:
        if spec.get("required") and spec["name"] not in values:
            problems.append(f"missing required parameter '{spec['name']}'")
    if problems:
        raise InputError(
            "; ".join(problems), source=source, expected="the template's parameters and types"
        )
    if fill:
        out = {s["name"]: out.get(s["name"], s["default"]) for s in specs}
    return out


def read_params_file(path: str | Path) -> dict[str, Any]:
    """A YAML mapping of parameter values (``-f params.yaml``)."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"cannot read: {err}", source=str(path), expected="a YAML file") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError("not a mapping", source=str(path), expected="name: value lines")
    return doc


def table(specs: list[dict[str, Any]]) -> str:
    """The parameters as a plain-text table (what ``valuelab params`` prints).

    Examples
    --------
    >>> print(
    ...     table(
    ...         [
    ...             {
    ...                 "name": "year",
    ...                 "type": "int",
    ...                 "default": 2024,
    ...                 "help": "fiscal year",
    ...                 "required": False,
    ...             }
    ...         ]
    ...     )
    ... )
    name  type  default  help
    ----  ----  -------  -----------
    year  int   2024     fiscal year
    """
    rows = [("name", "type", "default", "help")]
    for s in specs:
        default = "(required)" if s.get("required") else repr(s["default"])
        rows.append((s["name"], s["type"], default, s["help"]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
