import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.core.validation import Column, check_number, validate_frame

COLUMNS = [
    Column("user_id", unique=True),
    Column("streams", kind="int", min=0),
    Column("share", kind="number", min=0, max=1, required=False),
    Column("tier", kind="str", choices=("free", "premium"), required=False),
]


def frame(**overrides):
    data = {"user_id": ["a", "b", "c"], "streams": [1, 2, 3], "tier": ["free", "premium", "free"]}
    data.update(overrides)
    return pd.DataFrame(data)


def test_valid_frame_is_returned_unchanged():
    df = frame()
    assert validate_frame(df, COLUMNS, source="log") is df


def test_missing_required_column_is_named():
    with pytest.raises(
        InputError, match=r"log: missing column streams \(expected columns user_id, streams\)"
    ):
        validate_frame(frame().drop(columns="streams"), COLUMNS, source="log")


def test_every_problem_is_reported_at_once_with_rows():
    df = frame(user_id=["a", "a", None], streams=[1.5, -2, 3], tier=["free", "gold", "free"])
    with pytest.raises(InputError) as info:
        validate_frame(df, COLUMNS, source="log.csv")
    msg = str(info.value)
    assert msg.startswith("log.csv: 5 problems")
    assert "column 'user_id', row 2: missing value" in msg
    assert "column 'user_id', rows 0, 1: duplicate id" in msg
    assert "column 'streams', row 0: not a whole number" in msg
    assert "column 'streams', row 1: value below 0 (expected numbers >= 0)" in msg
    assert "column 'tier', row 1: unknown value (expected one of free, premium)" in msg
    assert len(info.value.problems) == 5


def test_non_numeric_and_out_of_range_values():
    df = frame(share=[0.2, 1.5, "x"])
    with pytest.raises(InputError, match=r"column 'share', row 2: not a number"):
        validate_frame(df, COLUMNS, source="t")
    df = frame(share=[0.2, 1.5, np.inf])
    with pytest.raises(InputError) as info:
        validate_frame(df, COLUMNS, source="t")
    assert "row 2: infinite value" in str(info.value)
    assert "row 1: value above 1 (expected numbers from 0 to 1)" in str(info.value)


def test_nullable_and_empty():
    cols = [Column("x", kind="number", nullable=True)]
    validate_frame(pd.DataFrame({"x": [1.0, np.nan]}), cols)
    with pytest.raises(InputError, match="no rows"):
        validate_frame(pd.DataFrame({"x": []}), cols)
    validate_frame(pd.DataFrame({"x": []}), cols, allow_empty=True)


def test_not_a_dataframe():
    with pytest.raises(InputError, match="got list.*expected a pandas DataFrame"):
        validate_frame([1, 2], COLUMNS, source="streams")


def test_dates_and_bools():
    cols = [Column("d", kind="datetime"), Column("b", kind="bool")]
    df = pd.DataFrame({"d": ["2024-01-01", "not a date"], "b": [True, "yes"]})
    with pytest.raises(InputError) as info:
        validate_frame(df, cols, source="events")
    assert "column 'd', row 1: not a date" in str(info.value)
    assert "column 'b', row 1: not true/false" in str(info.value)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("x", {}, "payout_share: 'x' is not a number (expected a finite number)"),
        (float("nan"), {}, "missing value (NaN) (expected a finite number)"),
        (float("inf"), {}, "infinite value (expected a finite number)"),
        (True, {}, "True is not a number"),
        ("3", {}, "'3' is not a number"),
        ([1.0, 2.0], {}, "got [1.0, 2.0] (expected a single number)"),
        (1.5, {"integer": True}, "expected a whole number"),
        (-1, {"min": 0}, "payout_share: -1 out of range (expected numbers >= 0)"),
        (2, {"min": 0, "max": 1}, "expected numbers from 0 to 1"),
    ],
)
def test_check_number_errors(value, kwargs, message):
    with pytest.raises(InputError) as info:
        check_number(value, "payout_share", **kwargs)
    assert message in str(info.value)


def test_check_number_accepts():
    assert check_number(np.int64(3), "n", min=0, integer=True) == 3.0
    assert check_number(None, "n", allow_none=True) is None
