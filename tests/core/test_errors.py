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


def test_a_public_message_has_the_label_the_value_and_plain_words_only():
    err = InputError(
        "no account 'ZZZ9' (expected one of 436 ids such as A0002)",
        parameter="customer_id",
        value="ZZZ9",
        plain="no account {value}",
    )
    assert err.public_message({"customer_id": "Account"}) == (
        "Account: no account “ZZZ9”. Check the value and try again."
    )
    # the app's own copy of what the visitor typed wins over the value the code saw
    assert err.public_message({"customer_id": "Account"}, {"customer_id": "zzz9 "}) == (
        "Account: no account “zzz9”. Check the value and try again."
    )
    assert err.public_message() == "customer_id: no account “ZZZ9”. Check the value and try again."
    assert err.refusals() == [("customer_id", "no account {value}")]  # no value, no message


def test_a_public_message_cuts_long_values_and_keeps_braces_and_markup_as_text():
    many = InputError(
        problems=[
            InputError("x", parameter="a", value="{0} {value} <script>"),
            InputError("y", parameter="b", value="x" * 100, plain="{value} is too long"),
            InputError("z", parameter="c", plain="a value is required"),
        ]
    )
    assert many.public_message({"a": "A", "b": "B", "c": "C"}) == (
        "A: “{0} {value} <script>” cannot be used; B: “" + "x" * 39 + "…” is too long; "
        "C: a value is required. Check the values and try again."
    )  # escaping is for the HTML it goes into (the app's error panel escapes)


def test_no_public_message_without_the_parameter():
    assert InputError("A0002: bad row", source="accounts.csv").public_message() is None
    mixed = InputError(problems=[InputError("x", parameter="a"), InputError("secret row 3")])
    assert mixed.public_message({"a": "A"}) is None
    assert mixed.refusals() == [("a", None), (None, None)]


def test_words_with_the_label_place_it_themselves():
    err = InputError(
        problems=[
            InputError("year is empty", parameter="year", value="", plain="{label} is required"),
            InputError("top=-5", parameter="top", value="-5", plain="{value} is below 1"),
        ]
    )
    assert err.public_message({"year": "Fiscal year", "top": "Top"}) == (
        "Fiscal year is required; Top: “-5” is below 1. Check the values and try again."
    )
