"""A submission's answers as plain JSON: how they leave the grading sandbox.

The values of the questions' variables are encoded inside the sandbox and
decoded by the grader, never pickled. JSON's own types stand for themselves
(``null``, booleans, strings, finite numbers, lists); everything else is an
object with a ``"$type"`` key:

==================  =====================================================
value               encoded as
==================  =====================================================
float nan/inf       ``{"$type": "float", "value": "nan" | "inf" | "-inf"}``
``...``             ``{"$type": "ellipsis"}`` (an answer not given yet)
tuple, set          ``{"$type": "tuple" | "set", "items": [...]}``
dict                ``{"$type": "dict", "items": [[key, value], ...]}``
numpy scalar        ``{"$type": "numpy", "dtype": "int64", "value": ...}``
DataFrame, Series   ``{"$type": "DataFrame" | "Series", "table": ...}``
                    (pandas' ``orient="table"`` JSON, which keeps dtypes)
DriverTree          ``{"$type": "DriverTree", "tree": tree.to_dict()}``
anything else       ``{"$type": "unsupported", "type": "module.Name"}``
==================  =====================================================

Decoding rebuilds the same types (a DriverTree through
:meth:`~valuelab.drivers.DriverTree.from_dict`, whose formula language is
parsed, never evaluated as Python); an unsupported value decodes to
:class:`Unsupported`, which every check rejects.

Examples
--------
>>> decode(encode({"a": (1, 2.5), "b": float("nan")}))["a"]
(1, 2.5)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from io import StringIO
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Unsupported", "decode", "dumps", "encode", "loads"]

#: Nesting deeper than this is not an answer: encoded as unsupported.
MAX_DEPTH = 50


@dataclass(frozen=True)
class Unsupported:
    """A value the sandbox could not encode (its type's name); no check accepts it."""

    type: str


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"$type": "float", "value": "nan" if math.isnan(value) else str(value)}


def _frame(value: pd.DataFrame | pd.Series) -> dict[str, Any]:
    kind = "DataFrame" if isinstance(value, pd.DataFrame) else "Series"
    return {"$type": kind, "table": json.loads(value.to_json(orient="table", double_precision=15))}


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data (see the module docstring for the encoding)."""
    if depth > MAX_DEPTH:
        return {"$type": "unsupported", "type": "too deeply nested"}
    if value is None or isinstance(value, bool | str):
        return value
    if value is Ellipsis:
        return {"$type": "ellipsis"}
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, np.generic) and isinstance(value, np.bool_ | np.integer | np.floating):
        return {"$type": "numpy", "dtype": str(value.dtype), "value": encode(value.item())}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, tuple | set | frozenset):
        items = [encode(v, depth + 1) for v in value]
        if not isinstance(value, tuple):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return {"$type": "tuple" if isinstance(value, tuple) else "set", "items": items}
    if isinstance(value, dict):
        items = [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]
        return {"$type": "dict", "items": items}
    if isinstance(value, pd.DataFrame | pd.Series):
        try:
            return _frame(value)
        except (ValueError, TypeError, OverflowError):
            pass
    if type(value).__name__ == "DriverTree" and hasattr(value, "to_dict"):
        return {"$type": "DriverTree", "tree": encode(value.to_dict(), depth + 1)}
    return {"$type": "unsupported", "type": f"{type(value).__module__}.{type(value).__name__}"}


def _hashable(value: Any) -> Any:
    return value if not isinstance(value, list | dict | set) else Unsupported(type(value).__name__)


def _decode_object(data: dict[str, Any], depth: int) -> Any:
    kind = data.get("$type")
    if kind == "ellipsis":
        return Ellipsis
    if kind == "float" and data.get("value") in ("nan", "inf", "-inf"):
        return float(data["value"])
    if kind == "tuple":
        return tuple(decode(v, depth + 1) for v in data["items"])
    if kind == "set":
        return {_hashable(decode(v, depth + 1)) for v in data["items"]}
    if kind == "dict":
        return {_hashable(decode(k, depth + 1)): decode(v, depth + 1) for k, v in data["items"]}
    if kind == "numpy":
        return np.dtype(str(data["dtype"])).type(decode(data["value"], depth + 1))
    if kind in ("DataFrame", "Series"):
        frame = pd.read_json(StringIO(json.dumps(data["table"])), orient="table")
        return frame if kind == "DataFrame" else frame.iloc[:, 0]
    if kind == "DriverTree":
        from valuelab.drivers import DriverTree

        doc = decode(data["tree"], depth + 1)
        return DriverTree.from_dict(
            doc["nodes"], doc.get("root"), doc.get("nsm"), doc.get("inputs")
        )
    return Unsupported(str(data.get("type", kind)))


def decode(data: Any, depth: int = 0) -> Any:
    """The value :func:`encode` encoded; :class:`Unsupported` for what cannot be rebuilt."""
    if depth > MAX_DEPTH + 5:
        return Unsupported("too deeply nested")
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if isinstance(data, dict):
        try:
            return _decode_object(data, depth)
        except Exception as err:  # a malformed or hostile value is a wrong answer
            return Unsupported(f"{data.get('$type')}: {type(err).__name__}")
    return data


def dumps(values: dict[str, Any]) -> str:
    """Encode a mapping of variable name to value as JSON text."""
    return json.dumps({str(k): encode(v) for k, v in values.items()}, allow_nan=False)


def loads(text: str) -> dict[str, Any]:
    """Decode what :func:`dumps` wrote; raises ValueError when it is not such a mapping."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("the values are not a JSON object")
    return {str(k): decode(v) for k, v in data.items()}
