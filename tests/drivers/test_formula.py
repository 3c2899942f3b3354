"""The safe formula language of driver trees: what it computes, what it refuses."""

import time

import numpy as np
import pytest

from valuelab.core.errors import InputError
from valuelab.drivers import DriverTree
from valuelab.drivers.formula import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    Formula,
)


def test_the_small_language_computes_what_it_says():
    values = {"a": 3.0, "b": -2.0, "c": 0.5}
    cases = {
        "a + b * 2": -1.0,
        "(a + b) * 2": 2.0,
        "-a ** 2": -9.0,
        "a ** 2 / 3": 3.0,
        "min(a, b, c)": -2.0,
        "max(a, b)": 3.0,
        "abs(b)": 2.0,
        "round(c * 7)": 4.0,  # numpy rounds half to even: 3.5 -> 4
        "round(a / 7, 2)": 0.43,
        "if(a > 2, 10, 20)": 10.0,
        "if(a <= b, 10, 20)": 20.0,
        "+a": 3.0,
        "1e3 * c": 500.0,
        "0 < c < 1": 1.0,
    }
    for text, expected in cases.items():
        assert float(Formula.parse(text).evaluate(values)) == pytest.approx(expected), text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x.__class__", "attributes are not allowed"),
        ("x[0]", "subscripts are not allowed"),
        ("(lambda: 1)()", "calls to"),
        ("lambda: 1", "lambdas are not allowed"),
        ("[i for i in x]", "comprehensions are not allowed"),
        ("{i: 1 for i in x}", "comprehensions are not allowed"),
        ("sum(i for i in x)", "calls to 'sum' are not allowed"),
        ("__import__('os').system('true')", "are not allowed"),
        ("import os", "malformed"),
        ("open('x')", "calls to 'open' are not allowed"),
        ("eval('1')", "calls to 'eval' are not allowed"),
        ("x.y(1)", "calls to 'x.y' are not allowed"),
        ("'text'", "constant 'text' is not allowed"),
        ("True", "constant True is not allowed"),
        ("a if b else c", "inline if-else"),
        ("a and b", "'and'/'or' are not allowed"),
        ("(y := 2)", "assignments are not allowed"),
        ("a +", "malformed"),
        ("", "empty formula"),
        ("min(a)", "'min' takes 2 or more arguments, got 1"),
        ("abs(a, b)", "'abs' takes 1 arguments, got 2"),
        ("if(a, b)", "'if' takes 3 arguments, got 2"),
        ("round(a, ndigits=2)", "takes no keyword arguments"),
        ("max", "'max' is a function, not a value"),
        ("a // b", "BinOp expressions are not allowed"),
    ],
)
def test_unsafe_or_malformed_formulas_name_the_node_and_formula(text, message):
    with pytest.raises(InputError) as info:
        DriverTree.from_dict({"bad": text, "ok": "bad + 1"})
    text_of = str(info.value)
    assert "node 'bad'" in text_of and message in text_of and "formula '" in text_of


def test_huge_exponents_fail_fast_instead_of_hanging():
    start = time.perf_counter()
    tree = DriverTree.from_dict({"x": "9 ** 9 ** 9"})
    with pytest.raises(InputError, match=f"exponent beyond ±{MAX_EXPONENT}"):
        tree.evaluate()
    tree = DriverTree.from_dict({"x": "a ** b"})
    with pytest.raises(InputError, match="node 'x'.*exponent beyond"):
        tree.evaluate({"a": 10, "b": 1e9})
    assert np.isinf(tree.evaluate({"a": 10, "b": 999})["x"])  # overflow is inf, not a hang
    assert time.perf_counter() - start < 1


def test_parse_keeps_the_text_node_and_names():
    f = Formula.parse("  if(conversion > 0.05, price * 0.9, price)  ", node="net_price")
    assert f.text == "if(conversion > 0.05, price * 0.9, price)"  # stripped
    assert f.node == "net_price" and f.names == frozenset({"conversion", "price"})
    assert Formula.parse(12).names == frozenset() and float(Formula.parse(12).evaluate({})) == 12
    assert float(Formula.parse("if_(1, 2, 3)").evaluate({})) == 2.0  # both spellings


def test_evaluation_is_vectorized_over_arrays():
    f = Formula.parse("max(revenue - costs, 0) + if(revenue >= 100, 1, 0)")
    out = f.evaluate({"revenue": np.array([50.0, 100.0, 300.0]), "costs": np.array([80, 40, 100])})
    assert out.tolist() == [0.0, 61.0, 201.0]
    assert Formula.parse("a / b").evaluate({"a": np.array([1, 3]), "b": 2}).tolist() == [0.5, 1.5]
    assert Formula.parse("min(a, 2, b)").evaluate({"a": np.array([1, 5]), "b": 3}).tolist() == [
        1.0,
        2.0,
    ]


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("a / b", {"a": 1.0, "b": 0.0}, "node 'f': division by zero in formula 'a / b'"),
        ("a + c", {"a": 1.0}, "unknown name 'c' in formula 'a + c'"),
        ("round(a, b)", {"a": 1.0, "b": 0.5}, "round() digits must be a whole number"),
        ("a ** 1001", {"a": 1.0}, "exponent beyond ±1000"),
    ],
)
def test_evaluation_errors_name_the_node_and_formula(text, values, message):
    with pytest.raises(InputError) as info:
        Formula.parse(text, node="f").evaluate(values)
    assert message in str(info.value)


def test_what_parse_refuses_before_any_evaluation():
    with pytest.raises(InputError, match="list is not a formula"):
        Formula.parse([1, 2])
    with pytest.raises(InputError, match="bool is not a formula"):
        Formula.parse(True)
    with pytest.raises(InputError, match=f"formula longer than {MAX_LENGTH} characters"):
        Formula.parse("a + " * MAX_LENGTH + "a")
    with pytest.raises(InputError, match=r"node 'x': 'min' is a function, not a value"):
        Formula.parse("min + 1", node="x")
    assert set(FUNCTIONS) == {"min", "max", "abs", "round", "if"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("+".join(["a"] * 1000), f"nested deeper than {MAX_DEPTH} levels"),  # a 1,000-term sum
        ("-" * 999 + "a", f"nested deeper than {MAX_DEPTH} levels"),  # 999 unary minuses
        ("9" * 1999, "a number of about 2000 digits is beyond float64"),
        ("1e999 * a", "a number is beyond float64"),
        ("max(" + ",".join(["a"] * 600) + ")", f"more than {MAX_NODES} numbers, names"),
        ("x." * 600 + "y(1)", "calls to 'x.x.x"),  # an attribute chain is never unparsed
        ("(" * 300 + "a" + ")" * 300, "malformed (too many nested parentheses)"),
        ("min(" * 101 + "a" + ", 1)" * 101, f"nested deeper than {MAX_DEPTH} levels"),
        ("'" + "x" * 1900 + "'", "the constant 'xxxxxxxx"),
    ],
)
def test_deep_or_huge_formulas_are_input_errors_in_one_short_line(text, message):
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        Formula.parse(text, node="big").evaluate({"a": 1.0})
    shown = str(info.value)
    assert message in shown and "node 'big'" in shown
    assert "\n" not in shown and len(shown) < 400  # the formula is shortened in the message
    assert time.perf_counter() - start < 1


def test_the_limits_are_where_the_docstring_says():
    assert (MAX_LENGTH, MAX_DEPTH, MAX_NODES) == (2000, 100, 500)
    assert float(Formula.parse("+".join(["a"] * 101)).evaluate({"a": 1.0})) == 101.0  # depth 100
    with pytest.raises(InputError, match="nested deeper than 100 levels"):
        Formula.parse("+".join(["a"] * 102))
    assert float(Formula.parse("-" * 99 + "a").evaluate({"a": 2.0})) == -2.0  # 99 signs + a
    assert float(Formula.parse("9" * 308).evaluate({})) == pytest.approx(1e308)
    wide = Formula.parse("max(" + ",".join(["a", "b"] * 249) + ",c)")  # 500 nodes
    assert float(wide.evaluate({"a": 1.0, "b": 2.0, "c": 3.0})) == 3.0
    assert float(Formula.parse("if(a > 1, " * 30 + "7" + ", 0)" * 30).evaluate({"a": 2})) == 7


@pytest.mark.parametrize(
    "number", [10**400, 10**5000, float("inf"), float("nan")], ids=["e400", "e5000", "inf", "nan"]
)
def test_numbers_beyond_float64_are_refused_as_formulas_and_as_values(number):
    with pytest.raises(InputError, match="node 'n': (a number|NaN)"):
        Formula.parse(number, node="n")
    if isinstance(number, int):
        with pytest.raises(InputError, match="the value of 'a' is beyond float64"):
            Formula.parse("a + 1", node="n").evaluate({"a": number})


def test_evaluation_needs_no_recursion():
    import inspect
    import sys

    text = "+".join(["a"] * 100) + " + a * " + "-" * 50 + "b"  # 100 levels deep on the left
    deep = Formula.parse(text)  # Python's own parser recurses; the checks after it do not
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 40)  # 40 frames to spare, not 150
    try:
        assert float(deep.evaluate({"a": 1.0, "b": 2.0})) == 102.0
        with pytest.raises(InputError, match="nested deeper than 100 levels"):
            Formula.parse(text)  # the parser's RecursionError becomes an InputError
    finally:
        sys.setrecursionlimit(limit)
