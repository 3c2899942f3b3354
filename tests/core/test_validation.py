import numpy as np
import pandas as pd
import pytest

from valuelab import kpis, okrs
from valuelab.core import validation
from valuelab.core.errors import InputError
from valuelab.core.validation import (
    FALSE_WORDS,
    TRUE_WORDS,
    Column,
    aligned,
    check_number,
    check_numbers,
    parse_bool,
    shaped_like,
    validate_frame,
)

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


WIDE = [
    Column("id", kind="str", unique=True),
    Column("code", unique=True),
    Column("amount", kind="number", min=0, max=1000),
    Column("count", kind="int", min=0),
    Column("answer", kind="int", nullable=True, min=0, max=10),
    Column("flag", kind="bool"),
    Column("word", kind="str", choices=("a", "b")),
    Column("note", kind="str", nullable=True),
    Column("day", kind="datetime"),
]


def wide(rows=2000):
    rng = np.random.default_rng(5)
    answers = rng.integers(0, 11, rows).astype(float)
    answers[::7] = np.nan
    return pd.DataFrame(
        {
            "id": [f"A{i:05d}" for i in range(rows)],
            "code": rng.permutation(rows),
            "amount": rng.uniform(0, 1000, rows),
            "count": rng.integers(0, 50, rows).astype(float),
            "answer": pd.array(answers, dtype="Int64"),
            "flag": rng.random(rows) < 0.5,
            "word": rng.choice(["a", "b"], rows),
            "note": pd.Series(rng.choice(["x", "y"], rows), dtype=object).where(answers > 2),
            "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, rows), "D"),
        },
        index=pd.Index([f"acct-{i}" for i in range(rows)]),
    )


def _set(df, column, value, row=-1):
    df = df.copy()
    values = df[column].astype(object).to_numpy().copy()
    values[row] = value
    df[column] = pd.Series(values, index=df.index).infer_objects()
    return df


@pytest.mark.parametrize(
    "change",
    [
        lambda df: df,
        lambda df: _set(df, "id", "A00000"),  # sorted, then a repeat
        lambda df: df.iloc[::-1],  # unsorted, unique
        lambda df: _set(df, "id", None),
        lambda df: _set(df, "code", 0),
        lambda df: _set(df, "amount", np.inf),
        lambda df: _set(df, "amount", -0.5),
        lambda df: _set(df, "amount", np.nan),
        lambda df: _set(df, "amount", "many"),
        lambda df: _set(df, "count", 2.5),
        lambda df: _set(df, "count", True),
        lambda df: df.assign(answer=df["answer"].astype(float).where(df["code"] != 3, 11.0)),
        lambda df: _set(df, "flag", "yes"),
        lambda df: _set(df, "word", "c"),
        lambda df: _set(df, "note", 3),
        lambda df: _set(df, "day", "someday"),
        lambda df: df.assign(day=df["day"].astype(str)),
    ],
)
def test_the_quick_verdict_agrees_with_the_full_checks(change, monkeypatch):
    # a clean column is passed in a few whole-column passes; the full checks must agree
    df = change(wide())

    def verdict():
        try:
            validate_frame(df, WIDE, source="wide.csv")
        except InputError as err:
            return str(err)
        return "clean"

    quick = verdict()
    monkeypatch.setattr(validation, "_clean", lambda *args: False)
    assert quick == verdict()


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


# --- the shared checks: check_numbers, parse_bool ---


def test_check_numbers_keeps_the_shape_and_returns_floats():
    assert check_numbers(3, "n").shape == ()
    assert check_numbers([1, 2], "n").dtype == float
    assert check_numbers(pd.Series([1.0, 2.0]), "n", min=0).tolist() == [1.0, 2.0]
    assert check_numbers(np.inf, "n").item() == np.inf  # allowed unless finite=True


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("x", {}, "n: 'x' is not a number (expected a number)"),
        (True, {}, "n: True is not a number"),
        (np.array([True, False]), {}, "is not a number"),
        (["1", "2"], {}, "is not a number"),
        ([1.0, np.nan], {}, "n: row 1: missing value (NaN)"),
        ([1.0, np.inf], {"finite": True}, "n: row 1: infinite value (expected a finite number)"),
        ([1, 2.5, 3.5], {"integer": True}, "n: rows 1, 2: 2.5 is not a whole number"),
        (
            [0.5, -1],
            {"min": 0, "max": 1},
            "n: row 1: -1 out of range (expected numbers from 0 to 1)",
        ),
        (0, {"positive": True}, "n: 0 out of range (expected numbers > 0)"),
        (2, {"max": 1, "expected": "a share 0-1"}, "n: 2 out of range (expected a share 0-1)"),
        (2, {"max": 1, "source": "plan.csv"}, "plan.csv: n: 2 out of range"),
    ],
)
def test_check_numbers_names_the_problem_and_the_positions(value, kwargs, message):
    with pytest.raises(InputError) as info:
        check_numbers(value, "n", **kwargs)
    assert message in str(info.value)


def test_check_numbers_on_a_long_array_finds_the_one_bad_value():
    # clean arrays are passed from their extremes; any doubt runs the full checks
    clean = np.linspace(0, 1, 100_000)
    assert check_numbers(clean, "n", min=0, max=1, finite=True) is not None
    assert check_numbers([np.inf, 2.0], "n", integer=True).tolist() == [np.inf, 2.0]
    cases = [
        (np.r_[clean, -np.inf], {"finite": True}, "n: row 100000: infinite value"),
        (np.r_[clean, np.nan, -np.inf], {}, "n: row 100000: missing value (NaN)"),
        (np.r_[clean, 1.5], {"min": 0, "max": 1}, "n: row 100000: 1.5 out of range"),
        (np.r_[clean[1:], 0.0], {"positive": True}, "n: row 99999: 0 out of range"),
        (np.r_[np.ones(9), 2.5], {"integer": True}, "n: row 9: 2.5 is not a whole number"),
    ]
    for value, kwargs, message in cases:
        with pytest.raises(InputError) as info:
            check_numbers(value, "n", **kwargs)
        assert message in str(info.value)


def test_kpis_and_okrs_share_the_check():
    with pytest.raises(
        InputError, match=r"orders: row 1: -1 out of range \(expected a count >= 0\)"
    ):
        kpis.conversion_rate([1, -1], [10, 10])
    with pytest.raises(InputError, match="current: missing value"):
        okrs.grade(0, 10, np.nan)
    with pytest.raises(InputError, match="reach: 'many' is not a number"):
        okrs.rice("many", 1, 1, 1)  # was a bare ValueError from NumPy


@pytest.mark.parametrize("word", ["1", "true", "True", " YES ", "y", "on"])
def test_truthy_words(word):
    assert parse_bool(word) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "n", "OFF"])
def test_falsy_words(word):
    assert parse_bool(word) is False


def test_parse_bool_passes_bools_and_refuses_other_words():
    assert parse_bool(True) is True and parse_bool(np.False_) is False
    assert TRUE_WORDS.isdisjoint(FALSE_WORDS)
    with pytest.raises(InputError, match="flag: 'maybe' is not true or false") as info:
        parse_bool("maybe", "flag")
    assert isinstance(info.value, ValueError)


def test_urls_reports_and_account_files_read_the_same_words(tmp_path):
    from valuelab.apps import kit
    from valuelab.data import load
    from valuelab.reports import coerce
    from valuelab.scoring import read_accounts

    for word, meant in [("y", True), ("off", False), ("Yes", True), ("0", False)]:
        assert kit.parse_query(f"flag={word}", {"flag": not meant})[0] == {"flag": meant}
        specs = [{"name": "flag", "type": "bool", "default": False, "help": "", "required": False}]
        assert coerce(specs, {"flag": word}, "t.ipynb") == {"flag": meant}
    accounts = load("accounts").head(3)
    accounts["open_to_buy"] = ["on", "N", "yes"]
    path = tmp_path / "accounts.csv"
    accounts.to_csv(path, index=False)
    assert read_accounts(path.read_bytes(), name="a.csv")["open_to_buy"].tolist() == [
        True,
        False,
        True,
    ]
    assert kit.parse_query("flag=maybe", {"flag": False}) == (
        {},
        ["flag='maybe' is not a valid bool"],
    )


# --- Series by label: aligned, shaped_like (issue 20, item 5) ---


def test_aligned_reorders_series_with_the_same_labels():
    a = pd.Series([1.0, 2.0, 3.0], index=["x", "y", "z"])
    b = pd.Series([30.0, 10.0, 20.0], index=["z", "x", "y"])
    a2, b2, k = aligned(a=a, b=b, k=5)
    assert a2 is a and k == 5
    assert list(b2.index) == ["x", "y", "z"] and b2.tolist() == [10.0, 20.0, 30.0]
    assert (a2 / b2).to_dict() == (a / b).to_dict()  # pandas' own answer
    same = pd.Series([4.0, 5.0, 6.0], index=a.index)
    assert aligned(a=a, s=same)[1] is same  # identical labels: nothing to do
    y = np.array([3, 4])
    x, y2, z = aligned(x=[1, 2], y=y, z=a)
    assert x == [1, 2] and y2 is y and z is a  # lists and arrays pass untouched


def test_aligned_refuses_other_labels_naming_each_argument():
    a = pd.Series([1, 2], index=["x", "y"])
    with pytest.raises(InputError) as info:
        aligned(a=a, b=pd.Series([1, 2], index=["x", "q"]), c=pd.Series([1], index=["y"]))
    message = str(info.value)
    assert "b: labels differ from those of 'a' (missing y; not in 'a': q)" in message
    assert "c: labels differ from those of 'a' (missing x)" in message
    dup = pd.Series([1, 2], index=["x", "x"])
    with pytest.raises(InputError, match="b: row x: repeated labels"):
        aligned(a=a, b=dup)
    with pytest.raises(InputError, match="a: row x: repeated labels"):
        aligned(a=dup, b=a)
    assert aligned(a=dup, b=dup * 2)[1].tolist() == [2, 4]  # the very same labels: as pandas


def test_shaped_like_never_labels_a_result_computed_by_position():
    a = pd.Series([1.0, 2.0], index=["x", "y"])
    with pytest.raises(InputError, match="different labels were computed by position"):
        shaped_like(np.array([1.0, 2.0]), a, a.iloc[::-1])
    assert shaped_like(np.array([1.0, 2.0]), 3, a).index.tolist() == ["x", "y"]


@pytest.mark.parametrize(
    ("value", "rows"),
    [
        ([1, True, 3], "row 1"),
        (pd.Series([2.0, False], dtype=object), "row 1"),
        (pd.Series([True, False]), "rows 0, 1"),
        (np.array([True, False]), "rows 0, 1"),
        ((0.5, np.bool_(True)), "row 1"),
    ],
)
def test_check_numbers_refuses_true_and_false_wherever_they_hide(value, rows):
    with pytest.raises(InputError, match=f"n: {rows}: True/False is not a number"):
        check_numbers(value, "n")


def test_check_numbers_reads_nullable_and_arrow_numbers():
    nullable = pd.Series([1.5, None, 3.0], dtype="Float64")
    with pytest.raises(InputError, match="n: row 1: missing value"):
        check_numbers(nullable, "n")
    assert check_numbers(nullable.dropna(), "n").tolist() == [1.5, 3.0]
    arrow = pd.Series([1, 2], dtype="int64[pyarrow]")
    assert check_numbers(arrow, "n").tolist() == [1.0, 2.0]
