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

Limits: deep or huge input is an :class:`~valuelab.core.errors.InputError`,
never a ``RecursionError``, ``OverflowError`` or ``MemoryError``. A formula has
at most :data:`MAX_LENGTH` (2,000) characters, :data:`MAX_NODES` (500) numbers,
names, operators and calls, and nests at most :data:`MAX_DEPTH` (100) levels —
each operator, call or unary sign is a level, so ``a + b + c`` is two deep and
a sum of more than 101 terms is refused (add them up in intermediate nodes).
A number must be finite in float64 (at most about ``1.8e308``), so a
400-digit literal or ``1e999`` is refused too. Checking and evaluation walk
the tree with an explicit stack, not by recursion.

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
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuelab.core import InputError

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "MAX_NODES", "Formula"]

#: Largest absolute exponent allowed in ``**`` (larger ones are refused).
MAX_EXPONENT = 1000
#: Longest formula text accepted, in characters.
MAX_LENGTH = 2000
#: Most levels of nesting (operators, calls, unary signs) in one formula.
MAX_DEPTH = 100
#: Most numbers, names, operators and calls in one formula.
MAX_NODES = 500

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
    shown = text if len(text) <= 100 else text[:97] + "..."  # the message stays one short line
    return InputError(f"{problem} in formula '{shown}'", source=f"node '{node}'", expected=expected)


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
            raise _error(f"{type(text).__name__} is not a formula", node, type(text).__name__)
        if not isinstance(text, str):
            _check_constant(text, node, "(a number)")  # before str(): 10**5000 has no str
        source = str(text).strip()
        if not source:
            raise _error("empty formula", node, source)
        if len(source) > MAX_LENGTH:
            raise _error(f"formula longer than {MAX_LENGTH} characters", node, source)
        # 'if' is a Python keyword; accept if(...) by renaming it before parsing.
        prepared = re.sub(r"\bif\s*\(", "if_(", source)
        try:
            tree = ast.parse(prepared, mode="eval").body
        except SyntaxError as err:
            raise _error(f"malformed ({err.msg})", node, source) from None
        except (RecursionError, MemoryError):  # the parser's own stack
            raise _error(f"nested deeper than {MAX_DEPTH} levels", node, source) from None
        names: set[str] = set()
        _check(tree, node, source, names)
        return cls(text=source, node=node, names=frozenset(names), _tree=tree)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values`` (name -> float or array); returns float64 array or scalar.

        Raises
        ------
        InputError
            On a missing name, a value beyond float64, a division by zero or an
            exponent beyond :data:`MAX_EXPONENT`, naming the node and formula.
        """
        return _eval(self._tree, values, self)


def _children(expr: ast.expr) -> list[ast.expr]:
    """The operands of a (checked) node, in evaluation order."""
    if isinstance(expr, ast.BinOp):
        return [expr.left, expr.right]
    if isinstance(expr, ast.UnaryOp):
        return [expr.operand]
    if isinstance(expr, ast.Compare):
        return [expr.left, *expr.comparators]
    if isinstance(expr, ast.Call):
        return list(expr.args)
    return []


def _check(tree: ast.expr, node: str, text: str, names: set[str]) -> None:
    """Walk the tree with an explicit stack; refuse anything outside the whitelist or limits."""
    stack = [(tree, 0)]
    count = 0
    while stack:
        expr, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise _error(
                f"nested deeper than {MAX_DEPTH} levels (split it into intermediate nodes)",
                node,
                text,
            )
        if count > MAX_NODES:
            raise _error(
                f"more than {MAX_NODES} numbers, names and operators "
                "(split it into intermediate nodes)",
                node,
                text,
            )
        _check_one(expr, node, text, names)
        stack.extend((child, depth + 1) for child in _children(expr))


def _check_constant(value: object, node: str, text: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise _error(f"the constant {shown} is not allowed", node, text)
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        digits = int(abs(value).bit_length() * math.log10(2)) + 1 if isinstance(value, int) else 0
        if value != value:  # NaN
            raise _error("NaN is not a number", node, text)
        shown = f"a number of about {digits} digits" if digits else "a number"
        raise _error(f"{shown} is beyond float64 (at most about 1.8e308)", node, text)


def _check_one(expr: ast.AST, node: str, text: str, names: set[str]) -> None:
    """Check one node (not its operands)."""
    if isinstance(expr, ast.Constant):
        _check_constant(expr.value, node, text)
        return
    if isinstance(expr, ast.Name):
        if expr.id == "if_" or expr.id in FUNCTIONS:
            raise _error(f"'{expr.id.rstrip('_')}' is a function, not a value", node, text)
        names.add(expr.id)
        return
    if isinstance(expr, ast.BinOp) and type(expr.op) in _BINARY:
        return
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub | ast.UAdd):
        return
    if isinstance(expr, ast.Compare) and all(type(op) in _COMPARE for op in expr.ops):
        return
    if isinstance(expr, ast.Call):
        _check_call(expr, node, text)
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


def _dotted(func: ast.expr) -> str:
    """``a.b.c`` for an attribute chain (walked without recursion), else the node's kind."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    parts.append(func.id if isinstance(func, ast.Name) else type(func).__name__.lower())
    shown = ".".join(reversed(parts))
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _check_call(expr: ast.Call, node: str, text: str) -> None:
    func = expr.func.id if isinstance(expr.func, ast.Name) else None
    name = "if" if func == "if_" else func
    if name not in FUNCTIONS:
        shown = name or _dotted(expr.func)
        raise _error(f"calls to '{shown}' are not allowed", node, text)
    if expr.keywords:
        raise _error(f"'{name}' takes no keyword arguments", node, text)
    counts = FUNCTIONS[name]
    n = len(expr.args)
    if (counts is None and n < 2) or (counts is not None and n not in counts):
        want = "2 or more" if counts is None else " or ".join(map(str, counts))
        raise _error(f"'{name}' takes {want} arguments, got {n}", node, text)


def _eval(tree: ast.expr, values: Mapping[str, Any], f: Formula) -> Any:
    """Evaluate bottom-up with an explicit stack (operands first, then their operator)."""
    stack: list[tuple[ast.expr, bool]] = [(tree, False)]
    results: list[Any] = []
    while stack:
        expr, ready = stack.pop()
        children = _children(expr)
        if not ready:
            stack.append((expr, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        args = results[len(results) - len(children) :]
        del results[len(results) - len(children) :]
        results.append(_apply(expr, args, values, f))
    return results[0]


def _value(name: str, values: Mapping[str, Any], f: Formula) -> Any:
    if name not in values:
        raise _error(f"unknown name '{name}'", f.node, f.text, syntax=False)
    value = values[name]
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return np.float64(float(value))
        except OverflowError:
            raise _error(
                f"the value of '{name}' is beyond float64", f.node, f.text, syntax=False
            ) from None
    return value


def _apply(expr: ast.expr, args: list[Any], values: Mapping[str, Any], f: Formula) -> Any:
    """One node's value from its operands' values."""
    if isinstance(expr, ast.Constant):
        return np.float64(expr.value)
    if isinstance(expr, ast.Name):
        return _value(expr.id, values, f)
    if isinstance(expr, ast.UnaryOp):
        return np.negative(args[0]) if isinstance(expr.op, ast.USub) else args[0]
    if isinstance(expr, ast.BinOp):
        return _binary(expr.op, args[0], args[1], f)
    if isinstance(expr, ast.Compare):
        result = None
        for op, left, right in zip(expr.ops, args, args[1:], strict=False):
            step = _COMPARE[type(op)](left, right)
            result = step if result is None else np.logical_and(result, step)
        return np.asarray(result, dtype=float)
    assert isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
    return _call(expr.func.id, args, f)


def _binary(op: ast.operator, left: Any, right: Any, f: Formula) -> Any:
    if isinstance(op, ast.Div):
        if np.any(np.asarray(right) == 0):
            rows = np.flatnonzero(np.atleast_1d(np.asarray(right) == 0)).tolist()
            where = f" (rows {rows[:10]})" if np.ndim(right) else ""
            raise _error(f"division by zero{where}", f.node, f.text, syntax=False)
        return np.divide(left, right)
    if isinstance(op, ast.Pow):
        if np.any(np.abs(np.asarray(right)) > MAX_EXPONENT):
            raise _error(f"exponent beyond ±{MAX_EXPONENT}", f.node, f.text, syntax=False)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.power(np.asarray(left, dtype=float), right)
    return _BINARY[type(op)](left, right)


def _call(name: str, args: list[Any], f: Formula) -> Any:
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
