"""One scalar-or-array check and one reading of truthy text, used across the wings."""

import numpy as np
import pandas as pd
import pytest

from valuelab import kpis, okrs
from valuelab.core import InputError, check_numbers, parse_bool
from valuelab.core.validation import FALSE_WORDS, TRUE_WORDS


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
