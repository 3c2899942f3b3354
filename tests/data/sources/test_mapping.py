"""The mapping: roles and settings from YAML or keywords, every mistake named at once."""

import pytest

from valuelab.core import InputError
from valuelab.data.sources.mapping import Mapping, read_mapping


def test_yaml_nested_and_keywords_win(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "columns:\n  user: customer_id\n  time: order_date\ncurrency: usd\n"
        "timezone: America/New_York\nreporting_timezone: Europe/Berlin\nrefunds: separate\n"
    )
    m = read_mapping(path, time="paid_at", duplicates="drop")
    assert m.columns == {"user": "customer_id", "time": "paid_at"}
    assert (m.currency, m.timezone, m.reporting_timezone) == (
        "USD",
        "America/New_York",
        "Europe/Berlin",
    )
    assert (m.refunds, m.duplicates, m.source_timezone) == ("separate", "drop", "America/New_York")
    assert m.column("event") == "event"  # unmapped roles are looked for under their own name


def test_defaults_and_a_mapping_round_trips():
    m = read_mapping(None, user="id")
    assert (m.reporting_timezone, m.source_timezone, m.refunds, m.duplicates) == (
        "UTC",
        "UTC",
        "net",
        "keep",
    )
    assert read_mapping(m, currency="SEK") == Mapping(columns={"user": "id"}, currency="SEK")


def test_every_mistake_is_reported_at_once_with_did_you_mean():
    with pytest.raises(InputError) as err:
        read_mapping(
            {"usr": "id", "timezone": "Europe/Berln", "refunds": "ignore", "currency": "euro"},
            date_format="dd-mm",
        )
    text = str(err.value)
    assert "4 problems" not in text and len(err.value.problems) == 5
    assert "unknown key 'usr'; did you mean 'user'?" in text
    assert "did you mean 'Europe/Berlin'?" in text
    assert "unknown policy 'ignore'" in text and "net or separate or refuse" in text
    assert "'euro' is not a currency code" in text
    assert "unknown date format 'dd-mm'" in text


def test_a_file_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("- user\n- time\n")
    with pytest.raises(InputError, match="not a mapping"):
        read_mapping(path)
    with pytest.raises(InputError, match="cannot read the mapping"):
        read_mapping(tmp_path / "missing.yaml")


def test_a_kind_names_the_roles_and_a_file_of_another_kind_is_refused(tmp_path):
    m = read_mapping({"account_id": "AccountNo", "freshness": "loaded_at"}, kind="accounts")
    assert (m.kind, m.columns, m.freshness) == (
        "accounts",
        {"account_id": "AccountNo"},
        "loaded_at",
    )
    assert (
        m.roles["arr"] == "float64"
        and "arr_eur" not in m.roles
        and read_mapping(None).kind == "events"
    )
    with pytest.raises(InputError, match="unknown key 'user'; did you mean 'usage'"):
        read_mapping({"user": "id"}, kind="accounts")  # an event role is no accounts role
    path = tmp_path / "events.yaml"
    path.write_text("kind: events\nuser: customer\n")
    with pytest.raises(InputError, match="is for a table of kind 'events', this needs kind 'acc"):
        read_mapping(path, kind="accounts")


def test_the_usable_part_of_a_wrong_mapping_and_its_problems():
    from valuelab.data.sources.mapping import read_mapping_problems

    m, err = read_mapping_problems({"curency": "USD", "user": "CustId", "timezone": "Mars/Base"})
    assert m.columns == {"user": "CustId"} and m.timezone is None and m.currency is None
    assert [p.problem for p in err.problems] == [
        "unknown key 'curency'; did you mean 'currency'?",
        "unknown time zone 'Mars/Base'",
    ]
    assert read_mapping_problems({"decimal": ","}) == (read_mapping(None, decimal=","), None)
    with pytest.raises(InputError, match="unknown decimal mark ';'"):
        read_mapping(None, decimal=";")
