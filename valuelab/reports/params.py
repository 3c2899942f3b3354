"""Typed report parameters, read from the template's own ``parameters`` cell.

Papermill injects any name it is given and only logs a warning for one its
``parameters`` cell does not declare (nteract/papermill pull request #701,
2022; issue #818, 2025, asks for an option to raise instead): a misspelled
``custmer_id`` renders the default customer. Here the template's parameters
cell is the contract, read with :mod:`ast` and :mod:`tokenize` (never
executed, never split on ``=``): one ``name = literal`` (or ``name: type =
literal``) per statement, the default read by :func:`ast.literal_eval`, the
declared type from the annotation or the default, and the help from the
statement's trailing ``# comment``. Values are checked *before any kernel
starts*: unknown names are an error with the valid ones and a did-you-mean,
values are converted to the declared type or rejected, and a parameter whose
default is ``None`` must be given.

The types and what they accept (text from a command line, a CSV cell or a
YAML file, or a Python value):

- ``int``: whole numbers, exactly (``"9007199254740993"`` stays that int,
  ``"2021.0"`` is 2021); never a bool;
- ``float``: finite numbers;
- ``bool``: ``true/false, yes/no, y/n, on/off, 1/0`` (:func:`valuelab.core.parse_bool`);
- ``str``: the text as written (``"0123"`` stays ``"0123"``), or a number;
  never a list, a mapping, a bool or ``null``;
- ``list`` and ``dict``: only where the default (or annotation) is one; text is
  read as a Python literal (``"['SMB', 'EU']"``), and items are converted to the
  type of the default's items when those share one type (or to
  ``list[str]``/``dict[str, int]`` annotations);
- ``null`` (``None``) only where the default is ``None`` and the annotation
  says so (``region: str | None = None``); a plain ``customer_id = None`` is
  required, and ``null`` for it counts as not given.

The help comment also gives a person's words for the parameter (what the
report launcher shows; :func:`describe`):

- choices: a help ending in ``one of: a, b, c`` (after the text, or alone:
  ``policy = "neutral"  # one of: neutral, penalize, exclude``; also in
  brackets, ``(one of: a, b)``) declares the only values an ``int``,
  ``float`` or ``str`` parameter takes, converted to its type; the default
  must be one of them, and :func:`coerce` refuses any other value, naming
  the choices;
- bounds: a help ending in ``from LOW to HIGH``, ``at least LOW`` or ``at
  most HIGH`` (``top = 10  # accounts to list; at least 1``) declares the
  range an ``int`` or ``float`` parameter takes; the default must be in it,
  and :func:`coerce` refuses any value outside it, stating the range;
- a label: the words before a colon (``# Accounts: file or connection``:
  declared, taken as written), else the help's first phrase, up to a
  bracket, a comma or a linking word (to, for, per, in, from, with, by, at,
  on, as), without a leading article: ``# fiscal year to report`` is
  labelled "Fiscal year". That phrase is trusted only when it reads as a
  noun phrase: words only, and two or more of them or a word of the
  parameter's name; otherwise (``start_event  # time to value runs from
  ...`` would be "Time"; ``# ... to their first event`` would be "...")
  the label is the parameter's name in words ("Start event"), as for a
  parameter without help (``top_n``: "Top n");
- a description: the rest of the help, without the choices (empty when the
  label is all the help says).

Text that is empty (or blanks) is a value only for a ``str`` parameter whose
default is empty itself (``segment = ""  # empty: all``) or ``None`` and
optional; anywhere else it counts as not given, and is refused as missing
("Fiscal year is required"): an emptied form field or CSV cell never becomes
a silent default or a stale value.

Examples
--------
>>> from valuelab.apps.report_launcher import REPORTS
>>> [(p["name"], p["type"]) for p in fields(REPORTS / "spotify_year.ipynb")]
[('year', 'int'), ('source', 'str'), ('mapping', 'str')]
>>> coerce(fields(REPORTS / "spotify_year.ipynb"), {"year": "2021"}, "spotify_year.ipynb")
{'year': 2021}
>>> [
...     (p["name"], p["default"], p["help"])
...     for p in parse_parameters('label = "a=b"  # (default=a=b)', "t")
... ]
[('label', 'a=b', '(default=a=b)')]
>>> cell = 'mode = "a"  # policy mode; one of: a, b'
>>> [(p["label"], p["choices"]) for p in parse_parameters(cell, "t")]
[('Policy mode', ['a', 'b'])]
"""

from __future__ import annotations

import ast
import difflib
import io
import math
import numbers
import re
import tokenize
import warnings
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from valuelab.core import InputError, parse_bool
from valuelab.data.sources.connections import has_password

#: What a parameter holding a URL with a password is told (the value is never shown).
_REFUSED = (
    "parameter '{name}' holds a URL with a password: refused (parameters are kept in reports, "
    "manifests and logs); name a connection in $VALUELAB_CONNECTIONS with password: ${{VARIABLE}}, "
    "or set PGPASSWORD or ~/.pgpass"
)

__all__ = [
    "TYPES",
    "coerce",
    "describe",
    "fields",
    "parse_parameters",
    "refuse_passwords",
    "table",
]

#: The parameter types a template may declare.
TYPES = ("int", "float", "bool", "str", "list", "dict")
_SCALARS = ("int", "float", "bool", "str")
_CELL = "name = literal  # help, one per line"
_MAX_DIGITS = 4300  # Python's own limit for int <-> text


#: ``one of: a, b, c`` at the end of a help comment (or in brackets there).
_ONE_OF = re.compile(r"[\s;,.:(—–-]*\bone of:\s*(?P<items>[^()]*?)\s*\)?\s*\.?$", re.IGNORECASE)
#: Where a help's first phrase (its label) ends: a bracket, a comma, a linking word.
_PHRASE_END = re.compile(r"\s*[(,;]|\s+(?:to|for|per|in|from|with|by|at|on|as)\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
#: A label written out: a few words, then a colon (``Accounts: a file or a connection``).
_NAMED = re.compile(r"^(?P<label>[^:()]{1,40}?):\s+(?P<rest>.*)$")
#: A phrase that reads as a label: words only (letters, hyphens, apostrophes), no digits or dots.
_WORDS = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*(?:\s+[^\W\d_]+(?:['’-][^\W\d_]+)*)*$")
_NUMBER = r"[-+]?[0-9]+(?:\.[0-9]+)?"
#: Declared bounds at the end of a help: ``from 2016 to 2024``, ``at least 1``, ``at most 9``.
_BOUNDS = re.compile(
    rf"\b(?:from\s+(?P<lo>{_NUMBER})\s+to\s+(?P<hi>{_NUMBER})|at\s+least\s+(?P<min>{_NUMBER})"
    rf"|at\s+most\s+(?P<max>{_NUMBER}))\s*\)?\s*\.?$",
    re.IGNORECASE,
)


class _Bad(ValueError):
    """A value that does not convert, with the reason to show."""


def _no_template(path: Path) -> str:
    """ "no such template", with the shipped template whose name is closest (a typo)."""
    from valuelab.core import shipped

    names = sorted(p.stem for p in shipped("reports").glob("*.ipynb"))
    near = difflib.get_close_matches(path.stem, names, n=1)
    return f"no such template; did you mean '{near[0]}'?" if near else "no such template"


def fields(template: str | Path) -> list[dict[str, Any]]:
    """The typed parameters of a template: ``name``, ``type``, ``default``, ``help``, ``required``.

    Also ``items``: for a ``list`` the type of its items, for a ``dict`` the
    types of its keys and values (``None`` where they are not declared).
    See :func:`parse_parameters`; a template without a ``parameters`` cell has none.

    Raises
    ------
    InputError
        The template is missing or not a notebook, or its parameters cell is
        not plain ``name = literal`` lines (the message names the line).
    """
    import nbformat

    path = Path(template)
    if not path.is_file():
        raise InputError(_no_template(path), source=str(path), expected="a report notebook")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError, UnicodeDecodeError, AttributeError, KeyError) as err:
        problem = " ".join(str(err).split())[:200]
        raise InputError(f"not a notebook: {problem}", source=str(path)) from None
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.metadata.get("tags", []):
            return parse_parameters(cell.source, path.name)
    return []


def parse_parameters(source: str, where: str) -> list[dict[str, Any]]:
    """The parameters a ``parameters`` cell's source declares (see :func:`fields`).

    Parameters
    ----------
    source : str
        The cell's code: ``name = literal`` or ``name: type = literal`` lines,
        each with an optional trailing ``# help`` comment; blank and comment
        lines are ignored.
    where : str
        The template's name, for messages.

    Raises
    ------
    InputError
        A syntax error, a statement that is not one such assignment, a
        default that is not a literal or not of the declared type, an
        unsupported type, or a name assigned twice; the message names the line.

    Examples
    --------
    >>> [s["type"] for s in parse_parameters("n: int = 3\\nsegments = ['SMB']  # help", "t")]
    ['int', 'list']
    """
    tree = _parse(source, where)
    comments = _comments(source)
    specs: list[dict[str, Any]] = []
    lines: dict[str, int] = {}
    for stmt in tree.body:
        spec = _spec(stmt, comments, where)
        if spec["name"] in lines:
            raise _cell_error(
                where, stmt.lineno, f"'{spec['name']}' is already set on line {lines[spec['name']]}"
            )
        lines[spec["name"]] = stmt.lineno
        specs.append(spec)
    return specs


def _cell_error(where: str, line: int | None, problem: str) -> InputError:
    at = f"parameters cell line {line}" if line else "parameters cell"
    return InputError(f"{at}: {problem}", source=where, expected=_CELL)


def _parse(source: str, where: str) -> ast.Module:
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and the like: errors follow
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(source)
    except SyntaxError as err:
        raise _cell_error(where, err.lineno, err.msg) from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise _cell_error(where, None, f"cannot be read ({type(err).__name__})") from None


def _comments(source: str) -> dict[int, str]:
    """Trailing comments (after code on the same line) by line number, without ``#``."""
    found: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and tok.line[: tok.start[1]].strip():
                found[tok.start[0]] = tok.string[1:].strip()
    except (tokenize.TokenError, SyntaxError):
        pass  # ast.parse accepted the code; a tokenizer quirk only costs the help
    return found


def _spec(stmt: ast.stmt, comments: dict[int, str], where: str) -> dict[str, Any]:
    """One parameter from one statement of the cell."""
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        name, annotation, value = stmt.targets[0].id, None, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
        name, annotation, value = stmt.target.id, stmt.annotation, stmt.value
    else:
        raise _cell_error(where, stmt.lineno, "only one `name = literal` per statement")
    try:
        default = ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        text = _short(ast.unparse(value), 60)
        raise _cell_error(
            where, stmt.lineno, f"the default of '{name}' is not a literal: {text}"
        ) from None
    if annotation is not None:
        kind, items = _annotation(annotation, where, stmt.lineno)
    else:
        kind, items = _kind_of(default, name, where, stmt.lineno)
    if default is not None:
        try:
            default = _convert(kind, items, default)
        except (_Bad, TypeError, ValueError, OverflowError):
            raise _cell_error(
                where, stmt.lineno, f"the default of '{name}' is not a valid {kind}"
            ) from None
    end = stmt.end_lineno or stmt.lineno
    help_ = comments.get(end, comments.get(stmt.lineno, ""))
    spec = {
        "name": name,
        "type": kind,
        "default": default,
        "help": help_,
        "required": default is None and not _optional(annotation),
        "items": items,
    }
    spec.update(describe(name, help_))
    spec["choices"] = _choices(spec, where, stmt.lineno)
    spec["minimum"], spec["maximum"] = _bounds(spec, where, stmt.lineno)
    return spec


def describe(name: str, help_: str) -> dict[str, Any]:
    """A person's words for a parameter: ``label``, ``description`` and the raw ``choices``.

    See the module docstring for the convention; ``choices`` is the list of
    texts after ``one of:`` (``None`` when the help declares none).

    Examples
    --------
    >>> describe("year", "fiscal year to report (2016-2024)")
    {'label': 'Fiscal year', 'description': 'Fiscal year to report (2016-2024)', 'choices': None}
    >>> describe("policy", "missing answers; one of: neutral, penalize, exclude")
    {'label': 'Missing answers', 'description': '', 'choices': ['neutral', 'penalize', 'exclude']}
    >>> describe("top_n", "")["label"]
    'Top n'
    """
    text, choices = " ".join(help_.split()), None
    found = _ONE_OF.search(text)
    if found:
        text = text[: found.start()].strip()
        choices = [c.strip() for c in found["items"].split(",")]
    named = _NAMED.match(text)
    if named:
        label, text = named["label"], named["rest"]
    else:
        label = _ARTICLE.sub("", _PHRASE_END.split(text, maxsplit=1)[0].strip())
        label = label if _reads_as_label(label, name) else ""
    label = label.strip() or name.replace("_", " ").strip()
    text = "" if text.strip().lower() == label.lower() else text  # the label says it all
    return {"label": _capital(label), "description": _capital(text), "choices": choices}


def _reads_as_label(phrase: str, name: str) -> bool:
    """Whether a help's first phrase can label parameter ``name`` (see the module docstring).

    Words only, and two or more words or one of the name's own (``year`` for
    ``year``); a lone other word ("Time" for ``start_event``) is likely the
    start of a sentence, not what the parameter is.
    """
    if not _WORDS.match(phrase):
        return False
    words = phrase.lower().split()
    return len(words) >= 2 or words[0] in name.lower().split("_")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _choices(spec: Mapping[str, Any], where: str, line: int) -> list[Any] | None:
    """The declared choices converted to the parameter's type; the default must be one."""
    name, kind, raw = spec["name"], spec["type"], spec["choices"]
    if raw is None:
        return None
    if kind not in ("int", "float", "str"):
        raise _cell_error(where, line, f"'{name}' is a {kind}: choices are for int, float or str")
    try:
        choices = [_scalar(kind, c) for c in raw if c != ""]
    except (_Bad, TypeError, ValueError, OverflowError):
        raise _cell_error(where, line, f"a choice of '{name}' is not a valid {kind}") from None
    if len(choices) < 2 or len(set(choices)) != len(choices):
        raise _cell_error(where, line, f"'{name}' needs two or more different choices")
    if spec["default"] is not None and spec["default"] not in choices:
        raise _cell_error(where, line, f"the default of '{name}' is not one of its choices")
    return choices


def _bounds(spec: Mapping[str, Any], where: str, line: int) -> tuple[Any, Any]:
    """The declared ``(minimum, maximum)`` of a number (``None`` where not declared)."""
    text = _ONE_OF.sub("", " ".join(spec["help"].split())).strip()
    found = _BOUNDS.search(text)
    if not found:
        return None, None
    name, kind = spec["name"], spec["type"]
    if kind not in ("int", "float"):
        raise _cell_error(where, line, f"'{name}' is a {kind}: bounds are for int or float")
    low, high = found["lo"] or found["min"], found["hi"] or found["max"]
    try:
        low, high = (None if b is None else _scalar(kind, b) for b in (low, high))
    except _Bad:
        raise _cell_error(where, line, f"a bound of '{name}' is not a valid {kind}") from None
    if low is not None and high is not None and low > high:
        raise _cell_error(where, line, f"the bounds of '{name}' are the wrong way round")
    default = spec["default"]
    if default is not None and _outside(default, low, high):
        raise _cell_error(where, line, f"the default of '{name}' is outside its bounds")
    return low, high


def _outside(value: Any, low: Any, high: Any) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


def _range_words(spec: Mapping[str, Any]) -> str:
    """``a whole number from 2016 to 2024``, ``a number, at least 0.5``."""
    low, high = spec.get("minimum"), spec.get("maximum")
    noun = "a whole number" if spec["type"] == "int" else "a number"
    if low is not None and high is not None:
        return f"{noun} from {low} to {high}"
    return f"{noun}, at least {low}" if low is not None else f"{noun}, at most {high}"


def _common(values: Any) -> str | None:
    """The scalar type all ``values`` share, or None."""
    kinds = {type(v).__name__ for v in values}
    return kinds.pop() if len(kinds) == 1 and kinds <= set(_SCALARS) else None


def _kind_of(default: Any, name: str, where: str, line: int) -> tuple[str, Any]:
    """The type a default declares, and its items' types."""
    if default is None:
        return "str", None
    kind = type(default).__name__
    if kind == "list":
        return kind, _common(default)
    if kind == "dict":
        return kind, (_common(default.keys()), _common(default.values()))
    if kind in _SCALARS:
        return kind, None
    raise _cell_error(
        where, line, f"the default of '{name}' is a {kind} (expected one of {', '.join(TYPES)})"
    )


def _annotation(node: ast.expr, where: str, line: int) -> tuple[str, Any]:
    """``int``, ``str | None``, ``Optional[float]``, ``list[str]``, ``dict[str, int]``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [n for n in (node.left, node.right) if not _is_none(n)]
        node = sides[0] if len(sides) == 1 else node
    elif isinstance(node, ast.Subscript) and _name(node.value) == "Optional":
        node = node.slice
    name = _name(node)
    if name in TYPES:
        return name, (None, None) if name == "dict" else None
    if isinstance(node, ast.Subscript) and _name(node.value) in ("list", "dict"):
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        kinds = [_name(n) for n in inner]
        if all(k in _SCALARS for k in kinds):
            if _name(node.value) == "list" and len(kinds) == 1:
                return "list", kinds[0]
            if _name(node.value) == "dict" and len(kinds) == 2:
                return "dict", (kinds[0], kinds[1])
    raise _cell_error(
        where, line, f"the type {ast.unparse(node)} is not offered (expected {', '.join(TYPES)})"
    )


def _optional(node: ast.expr | None) -> bool:
    """``X | None`` or ``Optional[X]``: ``None`` is a value, not "required"."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_none(node.left) or _is_none(node.right)
    return isinstance(node, ast.Subscript) and _name(node.value) == "Optional"


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _to_int(value: Any) -> int:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise _Bad("not a whole number")
    if not isinstance(value, str) or not value.isascii():
        raise _Bad("")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _Bad("") from None
    if not number.is_finite() or number.adjusted() >= _MAX_DIGITS:
        raise _Bad("")
    if number != number.to_integral_value():
        raise _Bad("not a whole number")
    return int(number)


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, str | numbers.Real):
        raise _Bad("")
    number = float(value)
    if not math.isfinite(number):
        raise _Bad("not a finite number")
    return number


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return str(value)
    raise _Bad("")


def _scalar(kind: str, value: Any) -> Any:
    if kind == "bool":
        if not isinstance(value, str | bool | numbers.Integral):
            raise _Bad("")
        return parse_bool(value, kind)  # an InputError is a ValueError
    return {"int": _to_int, "float": _to_float, "str": _to_str}[kind](value)


def _literal(text: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise _Bad("expected a Python literal such as ['a', 'b'] or {'a': 1}") from None


def _convert(kind: str, items: Any, value: Any) -> Any:
    """``value`` as a ``kind`` (items of lists and dicts as ``items`` says)."""
    if kind in _SCALARS:
        return _scalar(kind, value)
    if isinstance(value, str):
        value = _literal(value)
    if kind == "list" and isinstance(value, list):
        return [value_ if items is None else _scalar(items, value_) for value_ in value]
    if kind == "dict" and isinstance(value, dict):
        keys, values = items or (None, None)
        return {
            (k if keys is None else _scalar(keys, k)): (v if values is None else _scalar(values, v))
            for k, v in value.items()
        }
    raise _Bad("")


#: A value of each type refused, in a person's words (``{value}``: their value).
_PLAIN = {
    "int": "{value} is not a whole number",
    "float": "{value} is not a number",
    "bool": "{value} is not yes or no",
    "str": "{value} is not text",
    "list": "{value} is not a list such as ['a', 'b']",
    "dict": "{value} is not a mapping such as {{'a': 1}}",
}


def _refused(spec: Mapping[str, Any], value: Any, problem: str, plain: str) -> InputError:
    """One parameter's problem: the message's words, and the parameter, value and plain words."""
    return InputError(problem, parameter=spec["name"], value=value, plain=plain)


#: What a visitor is told of a parameter not given (``{label}``: the field's label).
_REQUIRED = "{label} is required"


def _empty(spec: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` is empty text where empty text is no value (see the module docstring)."""
    if not (isinstance(value, str) and not value.strip()):
        return False
    default = spec.get("default")
    return spec["type"] != "str" or spec.get("required") or bool(default and str(default).strip())


def _check(spec: Mapping[str, Any], value: Any) -> tuple[Any, InputError | None]:
    """The converted value, or the problem with it."""
    name, kind = spec["name"], spec["type"]
    optional = spec.get("default") is None and not spec.get("required")
    if optional and _empty(spec, value):
        return None, None  # no text for an optional value: None, its default
    if value is None or _empty(spec, value):
        if spec.get("required"):
            given = "null" if value is None else "empty"
            problem = f"missing required parameter '{name}' ({given} given)"
            return None, _refused(spec, value, problem, _REQUIRED)
        if value is not None:  # emptied: not a silent default
            default = spec["default"]
            problem = f"parameter '{name}' is empty (leave it out for its default {default!r})"
            return None, _refused(spec, value, problem, _REQUIRED)
        if spec.get("default") is None:
            return None, None
        problem = f"{name}=None is not a valid {kind} (null only where the default is None)"
        return None, _refused(spec, value, problem, _REQUIRED)
    try:
        converted = _convert(kind, spec.get("items"), value)
    except _Bad as err:
        reason = f" ({err})" if str(err) else ""
    except (TypeError, ValueError, OverflowError):
        reason = ""
    else:
        return converted, _out_of_bounds(spec, value, converted)
    problem = f"{name}={_short(repr(value))} is not a valid {kind}{reason}"
    return None, _refused(spec, value, problem, _PLAIN[kind])


def _out_of_bounds(spec: Mapping[str, Any], value: Any, converted: Any) -> InputError | None:
    """The problem of a converted value that is not one of the choices or outside the bounds."""
    name, choices = spec["name"], spec.get("choices")
    if choices and converted not in choices:
        listed = ", ".join(str(c) for c in choices)
        problem = f"{name}={_short(repr(value))} is not one of: {listed}"
        braced = listed.replace("{", "{{").replace("}", "}}")  # the template's words
        return _refused(spec, value, problem, "{value} is not one of " + braced)
    if _outside(converted, spec.get("minimum"), spec.get("maximum")):
        expected = _range_words(spec)
        problem = f"{name}={_short(repr(value))} is out of range (expected {expected})"
        return _refused(spec, value, problem, "{value} is out of range (expected " + expected + ")")
    return None


def _given(
    known: Mapping[str, Mapping[str, Any]], name: Any, value: Any
) -> tuple[Any, InputError | None]:
    """One given parameter converted, or its problem (unknown name, password, type, choice)."""
    if name not in known:
        close = difflib.get_close_matches(str(name), list(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return None, InputError(
            f"unknown parameter '{_short(str(name))}'{hint} (valid: {', '.join(known)})",
            parameter=str(name),
            value=value,
            plain="not a parameter of this report",
        )
    if has_password(value):  # the value is never quoted, not even to its giver
        text = _REFUSED.format(name=_short(str(name)))
        return None, InputError(text, parameter=name, plain="a URL with a password")
    return _check(known[name], value)


def coerce(
    specs: list[dict[str, Any]], values: Mapping[str, Any], source: str, fill: bool = False
) -> dict[str, Any]:
    """Values converted to the declared types; one :class:`InputError` lists every problem.

    The same rules for text (``-p name value``, CSV cells, YAML scalars) and
    Python values; see the module docstring.

    Parameters
    ----------
    specs : list of dict
        From :func:`fields`.
    values : mapping
        Name -> value (strings from a command line, CSV or YAML are converted).
    source : str
        The template name, for messages.
    fill : bool
        Also return the defaults of parameters not given.

    Raises
    ------
    InputError
        Unknown names (with the valid ones and a did-you-mean), values that do
        not convert to the declared type, required parameters not given, and a
        URL with a password (never echoed: credentials do not belong in
        parameters, which reports, manifests and logs keep). Its ``problems``
        are one :class:`InputError` per parameter, with the ``parameter``, the
        ``value`` given and ``plain`` words for
        :meth:`~valuelab.core.InputError.public_message`.
    """
    known = {s["name"]: s for s in specs}
    out: dict[str, Any] = {}
    problems: list[InputError] = []
    for name, value in values.items():
        converted, problem = _given(known, name, value)
        if problem:
            problems.append(problem)
        else:
            out[name] = converted
    for spec in specs:
        if spec.get("required") and spec["name"] not in values:
            text = f"missing required parameter '{spec['name']}'"
            problems.append(InputError(text, parameter=spec["name"], plain=_REQUIRED))
    if problems:
        err = InputError(
            "; ".join(p.problem for p in problems),
            source=source,
            expected="the template's parameters and types",
        )
        err.problems = problems  # each with its parameter, value and plain words
        raise err
    if fill:
        out = {s["name"]: out.get(s["name"], s["default"]) for s in specs}
    return out


def refuse_passwords(rows: list[Mapping[str, Any]], source: str) -> None:
    """Refuse rows of parameters holding a URL with a password, naming rows and names only.

    Raises
    ------
    InputError
        Which rows and parameters (never the values).
    """
    found = [
        (i + 1, str(k)) for i, row in enumerate(rows) for k, v in row.items() if has_password(v)
    ]
    if found:
        names = sorted({k for _, k in found})
        raise InputError(
            _REFUSED.format(name="', '".join(names)),
            source=source,
            rows=sorted({i for i, _ in found}),
        )


def _type_label(spec: Mapping[str, Any]) -> str:
    """``list[str]``, ``dict[str,int]`` where the items are declared, else the type."""
    items = spec.get("items")
    if spec["type"] == "list" and items:
        return f"list[{items}]"
    if spec["type"] == "dict" and items and all(items):
        return f"dict[{items[0]},{items[1]}]"
    return spec["type"]


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
        rows.append((s["name"], _type_label(s), default, s["help"]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


#: Parameter names whose text names a file (``source``, ``mapping``, ``inputs_source``, ...).
PATH_NAMES = ("source", "mapping", "path", "file")


def is_path_param(name: str) -> bool:
    """Whether parameter ``name`` names a file: ``source``, ``mapping``, ``*_source``, ``*_path``…

    >>> [is_path_param(n) for n in ("source", "inputs_mapping", "year", "profile")]
    [True, True, False, False]
    """
    return name in PATH_NAMES or name.endswith(tuple(f"_{n}" for n in PATH_NAMES))


def _names_a_file(name: str, value: str) -> bool:
    """A ``source`` can be a named connection (``warehouse``, ``@warehouse``) or a URL."""
    if "://" in value or value.startswith("@"):
        return False
    if name.endswith("mapping") or name.endswith(("path", "file")):
        return True
    return Path(value).suffix != "" or any(c in value for c in "/\\*?[")


def resolve_paths(params: Mapping[str, Any], base: str | Path | None = None) -> dict[str, Any]:
    """``params`` with relative file paths made absolute against ``base`` (the caller's folder).

    A report kernel runs in its template's folder, so ``-p source log.csv`` given in the
    analyst's folder must be resolved before the kernel starts. Path-like parameters
    (:func:`is_path_param`) holding a relative path (a file name, ``dir/x.parquet``, a glob) are
    joined to ``base`` (default: the current working directory); URLs, named connections
    (``warehouse``, ``@warehouse``), absolute paths and empty values are kept (``~`` is
    expanded).

    Raises
    ------
    InputError
        A path-like parameter naming a file that is not there (not a glob): which parameter,
        the path looked at and the folder relative paths are read from.

    Examples
    --------
    >>> resolve_paths({"source": "parts/*.parquet", "year": 2024}, "/data")
    {'source': '/data/parts/*.parquet', 'year': 2024}
    >>> resolve_paths({"source": "warehouse"}, "/data")
    {'source': 'warehouse'}
    """
    base = Path(base) if base is not None else Path.cwd()
    out = dict(params)
    for name, value in params.items():
        if not (isinstance(value, str) and value.strip() and is_path_param(str(name))):
            continue
        if not _names_a_file(str(name), value):
            continue
        path = Path(value).expanduser()
        path = path if path.is_absolute() else base / path
        if not any(c in value for c in "*?[") and not path.exists():
            raise InputError(
                f"parameter '{name}': no such file {path}",
                source=str(name),
                expected=f"a file; relative paths are read from the folder valuelab runs in "
                f"({base}), not the template's",
            )
        out[name] = str(path)
    return out
