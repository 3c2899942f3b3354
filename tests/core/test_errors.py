import pytest

from valuelab.core.errors import InputError, ValueLabError, format_rows


def test_input_error_names_source_column_rows_and_expectation():
    err = InputError(
        "negative streams", source="log.csv", column="streams", rows=[3, 7], expected="counts >= 0"
    )
    assert (
        str(err) == "log.csv: column 'streams', rows 3, 7: negative streams (expected counts >= 0)"
    )
    assert isinstance(err, ValueError) and isinstance(err, ValueLabError)
    assert (err.source, err.column, err.rows) == ("log.csv", "streams", [3, 7])


def test_long_row_lists_are_cut():
    err = InputError("bad", source="t", column="c", rows=list(range(100)))
    assert "rows 0, 1, 2, 3, 4 and 95 more" in str(err)
    assert format_rows([1]) == "1"


def test_several_problems_are_listed_in_one_message():
    err = InputError(
        source="accounts.csv",
        problems=[
            InputError("missing column arr", source="accounts.csv"),
            InputError("duplicate id", source="accounts.csv", column="id", rows=[4, 9]),
        ],
    )
    text = str(err)
    assert text.startswith("accounts.csv: 2 problems: ")
    assert "missing column arr" in text
    assert "column 'id', rows 4, 9: duplicate id" in text
    assert text.count("accounts.csv") == 1


def test_raised_and_caught_as_value_error():
    with pytest.raises(ValueError, match="expected a number"):
        raise InputError("got 'x'", source="pool", expected="a number")
