"""A small, safe arithmetic language for driver-tree formulas.

A formula is one expression over numbers and names::

    subscribers * arpu * 12
    max(revenue - costs, 0)
    if(conversion > 0.05, price * 0.9, price)

Allowed: numbers, names, ``+ - * / **``, parentheses, unary minus and plus,
comparisons (``< <= > >= == !=``, which give 1.0 or 0.0) and the functions
:data:`FUNCTIONS`: ``min``, ``max`` (two or more arguments, element-wise),
``abs``, ``round(x)`` or ``round(x, digits)``, and ``if(condition, then,
else)`` (``if`` is a keyword in Python, so it is written ``if_`` internally;
both spellings are accepted).

The text is parsed with :mod:`ast` and checked against a whitelist of node
types; it is never passed to ``eval``. Anything else — attributes, other
calls, subscripts, lambdas, comprehensions, imports, strings — is refused with
an :class:`~valuelab.core.errors.InputError` naming the node and the formula.
Evaluation is vectorized over NumPy arrays in float64; exponents are bounded
by :data:`MAX_EXPONENT` so that ``9 ** 9 ** 9`` fails fast instead of hanging.
The syntax is a subset of Python's expression grammar [1]_.

References
----------
.. [1] Python Software Foundation, "ast — Abstract Syntax Trees", Python 3
   documentation. https://docs.python.org/3/library/ast.html

Examples
--------
>>> f = Formula.parse("max(revenue - costs, 0)", node="profit")
>>> sorted(f.names)
['costs', 'revenue']
>>> float(f.evaluate({"revenue": 10.0, "costs": 4.0}))
6.0
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuelab.core import InputError

__all__ = ["FUNCTIONS", "MAX_EXPONENT", "MAX_LENGTH", "Formula"]

#: Largest absolute exponent allowed in ``**`` (larger ones are refused).
MAX_EXPONENT = 1000
#: Longest formula text accepted, in characters.
MAX_LENGTH = 2000

_BINARY = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: None,  # checked for division by zero
    ast.Pow: None,  # exponent bounded
}
_COMPARE = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
#: Function name -> allowed argument counts (``None`` = two or more).
FUNCTIONS: dict[str, tuple[int, ...] | None] = {
    "min": None,
    "max": None,
    "abs": (1,),
    "round": (1, 2),
    "if": (3,),
}
_EXPECTED = "numbers, names, + - * / **, parentheses, comparisons, min, max, abs, round, if"


def _error(problem: str, node: str, text: str, syntax: bool = True) -> InputError:
    expected = _EXPECTED if syntax else None
    return InputError(f"{problem} in formula '{text}'", source=f"node '{node}'", expected=expected)


@dataclass(frozen=True)
class Formula:
    """A parsed, checked formula; build it with :meth:`parse`.

    Attributes
    ----------
    text : str
        The formula as written.
    node : str
        The name of the node it defines (used in error messages).
    names : frozenset of str
        The names it refers to (other nodes or inputs).
    """

    text: str
    node: str
    names: frozenset[str]
    _tree: ast.expr

    @classmethod
    def parse(cls, text: Any, node: str = "formula") -> Formula:
        """Parse and check ``text``; raise :class:`InputError` if it is not allowed.

        Examples
        --------
        >>> Formula.parse("__import__('os')", node="x")
        Traceback (most recent call last):
        ...
        valuelab.core.errors.InputError: node 'x': calls to '__import__' are not allowed ...
        """
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            raise _error(f"{type(text).__name__} is not a formula", node, str(text))
        source = str(text).strip()
        if not source:
            raise _error("empty formula", node, source)
        if len(source) > MAX_LENGTH:
            raise _error(f"formula longer than {MAX_LENGTH} characters", node, source[:40] + "…")
        # 'if' is a Python keyword; accept if(...) by renaming it before parsing.
        prepared = re.sub(r"\bif\s*\(", "if_(", source)
        try:
            tree = ast.parse(prepared, mode="eval").body
        except SyntaxError as err:
            raise _error(f"malformed ({err.msg})", node, source) from None
        names: set[str] = set()
        _check(tree, node, source, names)
        return cls(text=source, node=node, names=frozenset(names), _tree=tree)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values`` (name -> float or array); returns float64 array or scalar.

        Raises
        ------
        InputError
            On a missing name, a division by zero or an exponent beyond
            :data:`MAX_EXPONENT`, naming the node and formula.
        """
        return _eval(self._tree, values, self)


def _check(expr: ast.AST, node: str, text: str, names: set[str]) -> None:
    """Walk the tree; refuse anything outside the whitelist."""
    if isinstance(expr, ast.Constant):
        if isinstance(expr.value, bool) or not isinstance(expr.value, int | float):
            raise _error(f"the constant {expr.value!r} is not allowed", node, text)
        return
    if isinstance(expr, ast.Name):
        if expr.id == "if_" or expr.id in FUNCTIONS:
            raise _error(f"'{expr.id.rstrip('_')}' is a function, not a value", node, text)
        names.add(expr.id)
        return
    if isinstance(expr, ast.BinOp) and type(expr.op) in _BINARY:
        _check(expr.left, node, text, names)
        _check(expr.right, node, text, names)
        return
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub | ast.UAdd):
        _check(expr.operand, node, text, names)
        return
    if isinstance(expr, ast.Compare) and all(type(op) in _COMPARE for op in expr.ops):
        for part in (expr.left, *expr.comparators):
            _check(part, node, text, names)
        return
    if isinstance(expr, ast.Call):
        func = expr.func.id if isinstance(expr.func, ast.Name) else None
        name = "if" if func == "if_" else func
        if name not in FUNCTIONS:
            shown = name or ast.unparse(expr.func)
            raise _error(f"calls to '{shown}' are not allowed", node, text)
        if expr.keywords:
            raise _error(f"'{name}' takes no keyword arguments", node, text)
        counts = FUNCTIONS[name]
        n = len(expr.args)
        if (counts is None and n < 2) or (counts is not None and n not in counts):
            want = "2 or more" if counts is None else " or ".join(map(str, counts))
            raise _error(f"'{name}' takes {want} arguments, got {n}", node, text)
        for arg in expr.args:
            _check(arg, node, text, names)
        return
    kind = {
        ast.Attribute: "attributes are",
        ast.Subscript: "subscripts are",
        ast.Lambda: "lambdas are",
        ast.ListComp: "comprehensions are",
        ast.SetComp: "comprehensions are",
        ast.DictComp: "comprehensions are",
        ast.GeneratorExp: "comprehensions are",
        ast.IfExp: "inline if-else (write if(condition, then, else)) is",
        ast.BoolOp: "'and'/'or' are",
        ast.NamedExpr: "assignments are",
        ast.Starred: "starred arguments are",
    }.get(type(expr), f"{type(expr).__name__} expressions are")
    raise _error(f"{kind} not allowed", node, text)


def _eval(expr: ast.expr, values: Mapping[str, Any], f: Formula) -> Any:
    if isinstance(expr, ast.Constant):
        return np.float64(expr.value)
    if isinstance(expr, ast.Name):
        if expr.id not in values:
            raise _error(f"unknown name '{expr.id}'", f.node, f.text, syntax=False)
        return values[expr.id]
    if isinstance(expr, ast.UnaryOp):
        operand = _eval(expr.operand, values, f)
        return np.negative(operand) if isinstance(expr.op, ast.USub) else operand
    if isinstance(expr, ast.BinOp):
        left = _eval(expr.left, values, f)
        right = _eval(expr.right, values, f)
        if isinstance(expr.op, ast.Div):
            if np.any(np.asarray(right) == 0):
                rows = np.flatnonzero(np.atleast_1d(np.asarray(right) == 0)).tolist()
                where = f" (rows {rows[:10]})" if np.ndim(right) else ""
                raise _error(f"division by zero{where}", f.node, f.text, syntax=False)
            return np.divide(left, right)
        if isinstance(expr.op, ast.Pow):
            if np.any(np.abs(np.asarray(right)) > MAX_EXPONENT):
                raise _error(f"exponent beyond ±{MAX_EXPONENT}", f.node, f.text, syntax=False)
            with np.errstate(over="ignore", invalid="ignore"):
                return np.power(np.asarray(left, dtype=float), right)
        return _BINARY[type(expr.op)](left, right)
    if isinstance(expr, ast.Compare):
        left = _eval(expr.left, values, f)
        result = None
        for op, comp in zip(expr.ops, expr.comparators, strict=True):
            right = _eval(comp, values, f)
            step = _COMPARE[type(op)](left, right)
            result = step if result is None else np.logical_and(result, step)
            left = right
        return np.asarray(result, dtype=float)
    assert isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
    args = [_eval(a, values, f) for a in expr.args]
    name = expr.func.id
    if name == "min":
        return np.minimum.reduce(np.broadcast_arrays(*args))
    if name == "max":
        return np.maximum.reduce(np.broadcast_arrays(*args))
    if name == "abs":
        return np.abs(args[0])
    if name == "round":
        digits = args[1] if len(args) == 2 else 0
        if np.ndim(digits) or float(digits) != int(digits):
            raise _error("round() digits must be a whole number", f.node, f.text, syntax=False)
        return np.round(args[0], int(digits))
    condition, then, other = args
    return np.where(np.asarray(condition) != 0, then, other)
