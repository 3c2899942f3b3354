"""The app's starting state from the page URL."""

import pytest

from valuelab.apps import kit


def test_url_query_values_are_coerced_to_the_defaults_types(monkeypatch):
    defaults = {"customer_id": "C001", "weeks": 4, "share": 0.5, "detail": False}
    monkeypatch.setenv("QUERY_STRING", "customer_id=C042&weeks=6&share=0.25&detail=yes&x=1")
    assert kit.url_params(defaults) == {
        "customer_id": "C042",
        "weeks": 6,
        "share": 0.25,
        "detail": True,
    }
    found, problems = kit.parse_query("weeks=6.5&share=abc", defaults)
    assert found == {}
    assert problems == ["weeks='6.5' is not a valid int", "share='abc' is not a valid float"]
    monkeypatch.delenv("QUERY_STRING")
    assert kit.url_params(defaults) == defaults


def test_booleans_numbers_and_the_last_repeated_value():
    defaults = {"flag": False, "n": 1, "x": 0.5, "name": "a"}
    found, problems = kit.parse_query("flag=on&n=2&n=3&x=1e-3&name=b%20c", defaults)
    assert found == {"flag": True, "n": 3, "x": 0.001, "name": "b c"} and problems == []
    assert kit.parse_query("flag=off", defaults)[0] == {"flag": False}
    assert kit.parse_query("flag=maybe", defaults)[1] == ["flag='maybe' is not a valid bool"]
    assert kit.parse_query("", defaults) == ({}, [])


def test_voila_s_own_url_parameters_are_refused_as_app_parameters():
    assert {"template", "theme"} == kit.RESERVED_QUERY_NAMES
    with pytest.raises(ValueError, match="reserved by Voila: template"):
        kit.url_params({"template": "lab", "year": 2024})


def test_driver_values_travel_in_one_url_parameter():
    assert kit.parse_drivers("mau:700, premium_share:0.42,bad,x:y") == {
        "mau": 700.0,
        "premium_share": 0.42,
    }
    defaults = {"mau": 638.5, "premium_share": 0.4, "arpu": 4.69}
    values = {"mau": 700.0, "premium_share": 0.42, "arpu": 4.69}
    text = kit.format_drivers(values, defaults)
    assert text == "mau:700,premium_share:0.42"  # only what differs from the defaults
    assert {**defaults, **kit.parse_drivers(text)} == values
    assert kit.format_drivers(defaults, defaults) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.5 / 3.141592653589793, "0.15915494309189535"),  # a slider off its step grid
        (0.1 + 0.2, "0.30000000000000004"),  # steps of 0.1, as floats add up
        (1_234_567.0, "1234567"),  # `:g` wrote 1.23457e+06
        (12_345_678.91, "12345678.91"),  # large money, to the cent
        (2.5e-07, "0.00000025"),  # never e-07 in a link
        (-2.0, "-2"),
    ],
)
def test_a_driver_value_is_written_exactly_and_reads_back_as_the_same_float(value, text):
    assert kit.exact_number(value) == text
    written = kit.format_drivers({"x": value}, {"x": 1.5})
    assert written == f"x:{text}"
    assert kit.parse_drivers(written)["x"] == value  # ==: the same float, not a near one


def test_a_link_s_number_that_is_not_finite_is_left_out():
    assert kit.parse_drivers("a:nan,b:inf,c:-inf,d:2") == {"d": 2.0}
    found, problems = kit.parse_query("share=nan&n=2", {"share": 0.5, "n": 1})
    assert found == {"n": 2} and problems == ["share='nan' is not a valid float"]
