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
