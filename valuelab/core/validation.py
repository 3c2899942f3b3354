"""Input checks shared by every valuelab module.

Describe the columns a function needs with :class:`Column` and call
:func:`validate_frame`; it checks everything at once and raises a single
:class:`~valuelab.core.errors.InputError` that lists every problem (missing
columns, wrong types, NaN where not allowed, values out of range, duplicate
ids), each with its column and offending rows. Scalars and arrays of numbers
go through :func:`check_numbers` (:func:`check_number` for one number), and
words meaning true or false through :func:`parse_bool`. Element-wise formulas
first put pandas Series inputs in one label order with :func:`aligned` (pandas'
own rule: by label, never by position) and shape their result with
:func:`shaped_like`.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"user_id": [1, 2], "streams": [10, -1]})
>>> validate_frame(df, [Column("user_id"), Column("streams", kind="number", min=0)], source="log")
Traceback (most recent call last):
...
valuelab.core.errors.InputError: log: column 'streams', row 1: value below 0 (expected numbers >= 0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from valuelab.core.errors import InputError, format_rows

__all__ = [
    "FALSE_WORDS",
    "TRUE_WORDS",
    "Column",
    "aligned",
    "check_number",
    "check_numbers",
    "parse_bool",
    "shaped_like",
    "validate_frame",
]

_KINDS = ("any", "number", "int", "str", "bool", "datetime")


@dataclass(frozen=True)
class Column:
    """What one column of an input table must look like.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"any", "number", "int", "str", "bool", "datetime"}
        ``"int"`` accepts integer dtypes and floats that are whole numbers.
    required : bool
        A missing required column is an error; a missing optional one is not.
    nullable : bool
        Whether NaN/None is allowed.
    min, max : float, optional
        Inclusive bounds for numeric columns.
    unique : bool
        Whether values must be unique (an id column).
    choices : tuple, optional
        The allowed values.
    unit : str
        Documentation only (e.g. ``"EUR"``, ``"share 0-1"``).
    """

    name: str
    kind: str = "any"
    required: bool = True
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    unique: bool = False
    choices: tuple | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"Column kind must be one of {_KINDS}, not {self.kind!r}")


def _bounds_text(col: Column) -> str:
    if col.min is not None and col.max is not None:
        return f"numbers from {col.min:g} to {col.max:g}"
    if col.min is not None:
        return f"numbers >= {col.min:g}"
    return f"numbers <= {col.max:g}"


#: How a check reports a problem: ``add(problem, rows_mask, expected)``.
_Add = Callable[[str, pd.Series | None, str], None]


def _check_numbers(s: pd.Series, present: pd.Series, col: Column, add: _Add) -> bool:
    """Numbers (finite, whole for ``"int"``, within bounds); False if some value is not a number."""
    numeric = pd.to_numeric(present, errors="coerce")
    bad = numeric.isna()
    if present.dtype == bool or bad.any():
        mask = pd.Series(False, index=s.index)
        mask[present.index[bad.to_numpy()] if bad.any() else present.index] = True
        add("not a number", mask, "numbers")
        return False
    values = numeric.astype(float)
    inf = ~np.isfinite(values)
    if inf.any():
        add(
            "infinite value",
            pd.Series(s.index.isin(values.index[inf]), index=s.index),
            "finite numbers",
        )
    values = values[~inf]
    if col.kind == "int":
        frac = values != np.floor(values)
        if frac.any():
            mask = pd.Series(s.index.isin(values.index[frac]), index=s.index)
            add("not a whole number", mask, "whole numbers")
    _check_bounds(s, values, col, add)
    return True


def _check_bounds(s: pd.Series, values: pd.Series, col: Column, add: _Add) -> None:
    """Values below ``col.min`` or above ``col.max``."""
    if col.min is not None:
        low = values < col.min
        if low.any():
            mask = pd.Series(s.index.isin(values.index[low]), index=s.index)
            add(f"value below {col.min:g}", mask, _bounds_text(col))
    if col.max is not None:
        high = values > col.max
        if high.any():
            mask = pd.Series(s.index.isin(values.index[high]), index=s.index)
            add(f"value above {col.max:g}", mask, _bounds_text(col))


def _check_text(s: pd.Series, present: pd.Series, add: _Add) -> None:
    """Values that are not ``str``."""
    # Fast path (C): a string dtype, or object values that are all text.
    if isinstance(present.dtype, pd.StringDtype) or (
        pd.api.types.infer_dtype(present, skipna=True) in ("string", "empty")
    ):
        return
    bad = ~present.map(lambda v: isinstance(v, str))
    if bad.any():
        add("not text", pd.Series(s.index.isin(present.index[bad]), index=s.index), "text")


def _check_flags(s: pd.Series, present: pd.Series, add: _Add) -> None:
    """Values that are not ``True`` or ``False``."""
    if pd.api.types.is_bool_dtype(present.dtype) or (
        pd.api.types.infer_dtype(present, skipna=True) in ("boolean", "empty")
    ):
        return
    bad = ~present.map(lambda v: isinstance(v, bool | np.bool_))
    if bad.any():
        mask = pd.Series(s.index.isin(present.index[bad]), index=s.index)
        add("not true/false", mask, "True or False")


def _check_dates(s: pd.Series, present: pd.Series, add: _Add) -> None:
    """Values that do not parse as dates."""
    parsed = pd.to_datetime(present, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        mask = pd.Series(s.index.isin(present.index[bad]), index=s.index)
        add("not a date", mask, "dates such as 2024-01-31")


def _clean_numbers(s: pd.Series, null: np.ndarray, col: Column) -> bool:
    """Whether a numeric column passes :func:`_check_numbers`, from its extremes."""
    if s.dtype.kind not in "iuf":  # text, objects, True/False: the full checks
        return False
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    values = values[~null] if null.any() else values
    whole = col.kind != "int" or s.dtype.kind != "f"
    return _clean_floats(values, col.min, col.max, False, not whole, True)


def _clean_kind(s: pd.Series, present: pd.Series, null: np.ndarray, col: Column) -> bool:
    """Whether the values are of ``col.kind`` (and in bounds), without a row by row look."""
    if col.kind in ("number", "int"):
        return _clean_numbers(s, null, col)
    if col.kind == "str":
        return isinstance(s.dtype, pd.StringDtype) or _inferred(present, "string")
    if col.kind == "bool":
        return pd.api.types.is_bool_dtype(s.dtype) or _inferred(present, "boolean")
    if col.kind == "datetime":
        return pd.api.types.is_datetime64_any_dtype(s.dtype)
    return True


def _inferred(present: pd.Series, kind: str) -> bool:
    """Whether every value of an object column is of ``kind`` (one pass in C)."""
    if present.dtype != object:
        return False
    return pd.api.types.infer_dtype(present.to_numpy(), skipna=True) in (kind, "empty")


def _distinct(present: pd.Series) -> bool:
    """Whether the values are all different: strictly increasing (one pass), else by hashing."""
    values = present.array
    if isinstance(values, pd.arrays.ArrowStringArray) and len(values) > 1:
        import pyarrow.compute as pc

        data = values.__arrow_array__()  # the Arrow protocol: the data itself, no copy
        if pc.all(pc.less(data[:-1], data[1:])).as_py():
            return True
    return bool(present.is_unique)


def _clean(s: pd.Series, null: np.ndarray, col: Column) -> bool:
    """Whether :func:`_check_column` would find nothing, in a few whole-column passes.

    ``False`` means "look closer": the full checks then name every problem
    and its rows, so a clean verdict must be certain and a doubt costs only time.
    """
    has_null = bool(null.any())
    if has_null and not col.nullable:
        return False
    present = s[~null] if has_null else s
    if not _clean_kind(s, present, null, col):
        return False
    if col.choices is not None and not present.isin(col.choices).all():
        return False
    return not col.unique or _distinct(present)


def _check_column(s: pd.Series, col: Column, source: str) -> list[InputError]:
    if _clean(s, s.isna().to_numpy(), col):
        return []
    problems: list[InputError] = []

    def add(problem: str, mask: pd.Series | None, expected: str) -> None:
        rows = list(s.index[mask.to_numpy()]) if mask is not None else None
        problems.append(
            InputError(problem, source=source, column=col.name, rows=rows, expected=expected)
        )

    null = s.isna()
    if not col.nullable and null.any():
        add("missing value", null, "a value in every row")
    present = s[~null]
    if col.kind in ("number", "int"):
        if not _check_numbers(s, present, col, add):
            return problems
    elif col.kind == "str":
        _check_text(s, present, add)
    elif col.kind == "bool":
        _check_flags(s, present, add)
    elif col.kind == "datetime":
        _check_dates(s, present, add)
    return _common(s, present, null, col, add, problems)


def _common(s, present, null, col, add, problems) -> list[InputError]:
    """The checks every kind shares: allowed values and uniqueness."""
    if col.choices is not None:
        bad = ~present.isin(col.choices)
        if bad.any():
            mask = pd.Series(s.index.isin(present.index[bad]), index=s.index)
            add("unknown value", mask, "one of " + ", ".join(map(str, col.choices)))
    if col.unique:
        dup = s.duplicated(keep=False) & ~null
        if dup.any():
            add("duplicate id", dup, "each value once")
    return problems


def validate_frame(
    df: object,
    columns: Sequence[Column],
    *,
    source: str = "table",
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Check a table against column specs, reporting every problem at once.

    Parameters
    ----------
    df : pandas.DataFrame
        The input table. Offending rows are named by their index labels.
    columns : sequence of Column
        What each column must look like. Extra columns are allowed.
    source : str
        The file name or argument name used in error messages.
    allow_empty : bool
        Whether a table with no rows is acceptable.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, unchanged, so calls can be chained.

    Raises
    ------
    InputError
        Listing every missing column and every bad value with its rows.

    Examples
    --------
    >>> import pandas as pd
    >>> validate_frame(pd.DataFrame({"a": [1]}), [Column("a", kind="int")]).shape
    (1, 1)
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"got {type(df).__name__}", source=source, expected="a pandas DataFrame")
    problems: list[InputError] = []
    missing = [c.name for c in columns if c.required and c.name not in df.columns]
    if missing:
        problems.append(
            InputError(
                "missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing),
                source=source,
                expected="columns " + ", ".join(c.name for c in columns if c.required),
            )
        )
    if len(df) == 0 and not allow_empty:
        problems.append(InputError("no rows", source=source, expected="at least one row"))
    for col in columns:
        if col.name in df.columns:
            problems.extend(_check_column(df[col.name], col, source))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputError(source=source, problems=problems)
    return df


def _expected_numbers(
    min: float | None, max: float | None, positive: bool, integer: bool, finite: bool
) -> str:
    """What a valid number looks like, for messages: ``"numbers from 0 to 1"``, ``"a number"``."""
    if (min, max) != (None, None):
        return _bounds_text(Column("", min=min, max=max)) + (", > 0" if positive else "")
    if positive:
        return "numbers > 0"
    if integer:
        return "a whole number"
    return "a finite number" if finite else "a number"


def _shown(value: object) -> str:
    """``value`` as a short text for a message (at most 60 characters)."""
    try:
        shown = repr(value)
    except ValueError:  # an int of more than 4,300 digits has no repr
        return "a very long integer"
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _flags(value: object) -> np.ndarray | None:
    """Where True/False sit in a list, an array or a Series of several values (None: nowhere)."""
    if isinstance(value, pd.Series | pd.Index | np.ndarray):
        if pd.api.types.is_bool_dtype(value.dtype):
            return np.ones(np.size(value), dtype=bool)
        if value.dtype != object:
            return None
        values = np.asarray(value, dtype=object).ravel()
    elif isinstance(value, list | tuple):
        values = np.asarray(value, dtype=object).ravel()
    else:
        return None
    found = np.fromiter((isinstance(v, bool | np.bool_) for v in values), bool, values.size)
    return found if found.any() else None


def _as_floats(value: object, where: str, expected: str) -> np.ndarray:
    """``value`` as a float array; text, bytes and True/False are not numbers.

    pandas' nullable and Arrow-backed numbers are read with ``<NA>`` as NaN.
    """
    flags = _flags(value)
    if flags is not None:
        rows = {"rows": np.flatnonzero(flags).tolist()} if np.ndim(value) else {}
        problem = "True/False is not a number"
        raise InputError(problem, source=where, expected=expected, **rows)
    try:
        # a numeric Series first: np.asarray(Series) would look its text labels up (slow)
        if isinstance(value, pd.Series) and pd.api.types.is_numeric_dtype(value.dtype):
            return value.to_numpy(dtype=float, na_value=np.nan)
        textual = np.asarray(value).dtype.kind in "bSU"
        if isinstance(value, str | bytes | bool | np.bool_) or textual:
            raise InputError(f"{_shown(value)} is not a number", source=where, expected=expected)
        return np.asarray(value, dtype=float)
    except OverflowError:
        raise InputError(
            "a number beyond float64", source=where, expected="at most about 1.8e308"
        ) from None
    except (TypeError, ValueError) as err:
        if isinstance(err, InputError):
            raise
        problem = f"{_shown(value)} is not a number"
        raise InputError(problem, source=where, expected=expected) from None


def _refuse(flat: np.ndarray, bad: np.ndarray, problem: str, where: str, expected: str) -> None:
    """Raise ``problem`` (formatted with the first bad value) naming every bad position."""
    if bad.any():
        rows = {"rows": np.flatnonzero(bad).tolist()} if flat.size > 1 else {}
        raise InputError(problem.format(flat[bad][0]), source=where, expected=expected, **rows)


def check_numbers(
    value: object,
    name: str,
    *,
    min: float | None = None,
    max: float | None = None,
    positive: bool = False,
    integer: bool = False,
    finite: bool = False,
    expected: str | None = None,
    source: str | None = None,
) -> np.ndarray:
    """Check a scalar or an array of numbers; return it as a float array of the same shape.

    The one scalar-or-array check of the kit, used by the element-wise
    formulas (KPIs, key-result grades) and by :func:`check_number`. The first
    problem found (text or True/False, NaN, an infinite value with
    ``finite=True``, a fraction with ``integer=True``, a value out of bounds or
    not ``> 0`` with ``positive=True``) raises an :class:`InputError` naming
    ``name`` (after ``source``, e.g. a file) and, for arrays, every offending
    position. ``min``/``max`` are inclusive; ``expected`` says what a valid
    value is, in the argument's unit (default: the bounds).

    Returns
    -------
    numpy.ndarray
        ``value`` as floats (0-d for a scalar).

    Examples
    --------
    >>> check_numbers([0.2, 0.5], "conversion", min=0, max=1).tolist()
    [0.2, 0.5]
    >>> check_numbers([0.2, 1.5, -1], "conversion", min=0, max=1, expected="a share 0-1")
    Traceback (most recent call last):
    ...
    valuelab.core.errors.InputError: conversion: rows 1, 2: 1.5 out of range (expected a share 0-1)
    """
    where = name if source is None else f"{source}: {name}"
    expected = expected or _expected_numbers(min, max, positive, integer, finite)
    arr = _as_floats(value, where, expected)
    flat = arr.ravel()
    if _clean_floats(flat, min, max, positive, integer, finite):
        return arr
    _refuse(flat, np.isnan(flat), "missing value (NaN)", where, expected)
    if finite:
        _refuse(flat, np.isinf(flat), "infinite value", where, expected)
    if integer:
        fraction = np.isfinite(flat) & (flat != np.floor(flat))
        _refuse(flat, fraction, "{:g} is not a whole number", where, expected)
    bad = np.zeros(flat.shape, dtype=bool)
    if min is not None:
        bad |= flat < min
    if max is not None:
        bad |= flat > max
    if positive:
        bad |= flat <= 0
    _refuse(flat, bad, "{:g} out of range", where, expected)
    return arr


def _clean_floats(
    flat: np.ndarray,
    min: float | None,
    max: float | None,
    positive: bool,
    integer: bool,
    finite: bool,
) -> bool:
    """Whether :func:`check_numbers` has nothing to refuse, from the extremes (two passes).

    NaN propagates to the minimum and maximum, so a clean verdict means no
    NaN; otherwise the full checks run and name the rows.
    """
    if flat.size == 0:
        return True
    lo, hi = flat.min(), flat.max()
    if lo != lo or hi != hi or (finite and (np.isinf(lo) or np.isinf(hi))):
        return False
    if (min is not None and lo < min) or (max is not None and hi > max) or (positive and lo <= 0):
        return False
    return not integer or bool((np.floor(flat) == flat).all())


def check_number(
    value: object,
    name: str,
    *,
    min: float | None = None,
    max: float | None = None,
    integer: bool = False,
    allow_none: bool = False,
    source: str | None = None,
) -> float | None:
    """Check one scalar argument and return it as a float (or ``None``).

    :func:`check_numbers` for a single finite number.

    Parameters
    ----------
    value : object
        The argument as given.
    name : str
        Its name, used in the error message.
    min, max : float, optional
        Inclusive bounds.
    integer : bool
        Whether it must be a whole number.
    allow_none : bool
        Whether ``None`` is accepted (and returned as is).
    source : str, optional
        Where it came from, e.g. a file name.

    Examples
    --------
    >>> check_number(0.25, "payout_share", min=0, max=1)
    0.25
    >>> check_number(2, "payout_share", min=0, max=1)
    Traceback (most recent call last):
    ...
    valuelab.core.errors.InputError: payout_share: 2 out of range (expected numbers from 0 to 1)
    """
    if value is None and allow_none:
        return None
    arr = check_numbers(value, name, min=min, max=max, integer=integer, finite=True, source=source)
    if arr.ndim:
        where = name if source is None else f"{source}: {name}"
        raise InputError(f"got {value!r}", source=where, expected="a single number")
    return float(arr)


#: Words read as True and as False (case and surrounding spaces ignored).
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off"})


def parse_bool(value: object, name: str = "value") -> bool:
    """True or False from a word, as a URL, a CSV cell or a command line gives it.

    The one reading of truthy text in the kit: ``1/0``, ``true/false``,
    ``yes/no``, ``y/n`` and ``on/off`` (:data:`TRUE_WORDS`,
    :data:`FALSE_WORDS`), in any case; a bool is returned as is.

    Raises
    ------
    InputError
        For any other value (an ``InputError`` is a ``ValueError``).

    Examples
    --------
    >>> parse_bool(" Yes "), parse_bool("0"), parse_bool(True)
    (True, False, True)
    >>> try:
    ...     parse_bool("maybe", "detail")
    ... except InputError as err:
    ...     print(err.source, err.problem)
    detail 'maybe' is not true or false
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InputError(
        f"{value!r} is not true or false",
        source=name,
        expected="1/0, true/false, yes/no, y/n or on/off",
    )


def _label_problem(name: str, labels: pd.Index, first: str, reference: pd.Index) -> InputError:
    """Why ``labels`` cannot be matched to ``reference`` one for one."""
    if not (labels.is_unique and reference.is_unique):
        culprit, index = (name, labels) if not labels.is_unique else (first, reference)
        return InputError(
            "repeated labels: matching them by label is ambiguous",
            source=culprit,
            rows=list(index[index.duplicated()].unique()),
            expected="each label once, or Series with the very same labels in the same order",
        )
    missing, extra = reference.difference(labels), labels.difference(reference)
    detail = [f"missing {format_rows(missing)}"] if len(missing) else []
    detail += [f"not in '{first}': {format_rows(extra)}"] if len(extra) else []
    return InputError(
        f"labels differ from those of '{first}' ({'; '.join(detail)})",
        source=name,
        expected=f"a Series with the labels of '{first}' (pandas would leave NaN)",
    )


def aligned(**named: object) -> tuple:
    """The arguments, each pandas Series put in the first Series' label order.

    pandas computes ``a / b`` by label, not by position; the element-wise
    formulas do the same by calling this before they compute. Series with
    the same labels in another order are reordered; Series whose labels
    differ (where pandas would leave NaN) or repeat are refused. Scalars,
    lists and arrays pass unchanged (pandas pairs those by position).

    Parameters
    ----------
    **named : object
        The arguments by name, in their order (names are used in messages).

    Returns
    -------
    tuple
        The arguments in the same order.

    Raises
    ------
    InputError
        Naming each argument whose labels differ from the first Series' (the
        missing and extra labels) or repeat.

    Examples
    --------
    >>> a = pd.Series([1, 2], index=["x", "y"])
    >>> b = pd.Series([20, 10], index=["y", "x"])
    >>> _, b2 = aligned(a=a, b=b)
    >>> b2.to_dict()
    {'x': 10, 'y': 20}
    >>> try:
    ...     aligned(a=a, c=pd.Series([1], index=["x"]))
    ... except InputError as err:
    ...     print(err.source, err.problem)
    c labels differ from those of 'a' (missing y)
    """
    series = [(n, v) for n, v in named.items() if isinstance(v, pd.Series)]
    out = dict(named)
    problems = []
    for name, s in series[1:]:
        first, reference = series[0][0], series[0][1].index
        if s.index.equals(reference):
            continue
        same = len(s) == len(reference) and bool(s.index.isin(reference).all())
        if same and s.index.is_unique and reference.is_unique:
            out[name] = s.reindex(reference)
        else:
            problems.append(_label_problem(name, s.index, first, reference))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputError("Series that cannot be matched by label", problems=problems)
    return tuple(out.values())


def shaped_like(result: np.ndarray, *inputs: object) -> object:
    """``result`` in the shape its inputs came in: a float, a Series or an array.

    The one output rule of the element-wise formulas (KPIs, key-result
    grades): a float when every input was a scalar, a Series (with the first
    Series input's index) when a Series came in, else the array. Series
    inputs must share one index (:func:`aligned` makes them so): a result
    computed by position is never labelled.

    Raises
    ------
    InputError
        When two Series inputs have different indexes.

    Examples
    --------
    >>> shaped_like(np.float64(0.5), 1, 2)
    0.5
    >>> shaped_like(np.array([1.0, 2.0]), pd.Series([3, 4], index=["a", "b"])).to_dict()
    {'a': 1.0, 'b': 2.0}
    """
    series = [x for x in inputs if isinstance(x, pd.Series)]
    if any(not s.index.equals(series[0].index) for s in series[1:]):
        raise InputError(
            "Series inputs with different labels were computed by position",
            expected="inputs matched by label first (valuelab.core.aligned)",
        )
    if series:
        return pd.Series(result, index=series[0].index)
    return float(result) if np.ndim(result) == 0 else result
