"""Answers leave the grading sandbox as plain JSON and come back as the same values."""

import json
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from valuelab.course import values
from valuelab.drivers import DriverTree

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON)
def test_any_plain_value_round_trips_through_json_text(value):
    text = values.dumps({"x": value})
    json.loads(text)  # strict JSON: no NaN, no pickles
    assert values.loads(text) == {"x": value}


def test_special_values_keep_their_types():
    answers = {
        "nan": float("nan"),
        "inf": float("-inf"),
        "todo": ...,
        "i": np.int64(2**62 + 1),
        "f": np.float32(0.5),
        "b": np.bool_(True),
        "t": (1, "a"),
        "s": {"b", "a"},
        "big": 9007199254740993,
    }
    back = values.loads(values.dumps(answers))
    assert math.isnan(back["nan"]) and back["inf"] == float("-inf") and back["todo"] is Ellipsis
    assert type(back["i"]) is np.int64 and back["i"] == 2**62 + 1
    assert type(back["f"]) is np.float32 and type(back["b"]) is np.bool_
    assert back["t"] == (1, "a") and back["s"] == {"a", "b"} and back["big"] == 9007199254740993


def test_frames_series_and_driver_trees_come_back_equal():
    df = pd.DataFrame({"n": [1, 2], "x": [0.5, 1.25], "s": ["a", "b"]}, index=["r1", "r2"])
    series = pd.Series([0.1, 0.2], index=["p", "q"], name="share")
    tree = DriverTree.from_dict({"revenue": "users * arpu", "profit": "revenue - costs"})
    back = values.loads(values.dumps({"df": df, "series": series, "tree": tree}))
    pd.testing.assert_frame_equal(back["df"], df)
    pd.testing.assert_series_equal(back["series"], series)
    assert isinstance(back["tree"], DriverTree) and back["tree"].root == "profit"
    point = {"users": 10, "arpu": 3.0, "costs": 5.0}
    assert float(back["tree"].evaluate(point)["profit"]) == 25.0


def test_what_cannot_be_encoded_or_decoded_is_unsupported_not_an_error():
    back = values.loads(values.dumps({"f": print, "deep": [[[[]]]] * 1}))
    assert back["f"] == values.Unsupported("builtins.builtin_function_or_method")
    nested: list = []
    for _ in range(200):
        nested = [nested]
    assert "unsupported" in values.dumps({"n": nested})
    hostile = {"$type": "DriverTree", "tree": {"$type": "dict", "items": [["nodes", "x"]]}}
    assert isinstance(values.decode(hostile), values.Unsupported)
    assert isinstance(values.decode({"$type": "numpy", "dtype": "object", "value": 1}), object)
