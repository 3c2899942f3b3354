"""Time to value and repeat purchase against the pandas oracle, on every backend."""

import event_oracle as oracle
import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.kpis import events as metrics


def _by_hand() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-03 23:00", "signup"),
        ("a", "2024-01-04 01:00", "purchase"),  # the next calendar day: 1 day
        ("a", "2024-01-20 10:00", "purchase"),
        ("b", "2024-01-05 10:00", "signup"),
        ("b", "2024-01-15 09:00", "purchase"),  # 10 days
        ("c", "2024-02-01 10:00", "signup"),  # never buys
        ("d", "2024-02-02 10:00", "purchase"),  # no sign-up: left out of time to value
        ("d", "2024-02-09 10:00", "purchase"),
        ("d", "2024-02-10 10:00", "purchase"),
    ]
    log = pd.DataFrame(rows, columns=["user", "time", "event"])
    return log.assign(time=pd.to_datetime(log["time"]))


def test_time_to_value_by_hand():
    table = metrics.time_to_value(_by_hand(), value_event="purchase")
    jan = table.loc["2024-01-01"]
    assert (jan["users"], jan["reached"], jan["reached_share"]) == (2, 2, 1.0)
    assert jan["median_days"] == 5.5 and jan["p90_days"] == 1 + 0.9 * 9
    feb = table.loc["2024-02-01"]
    assert (feb["users"], feb["reached"]) == (1, 0) and np.isnan(feb["median_days"])
    users = metrics.time_to_value_by_user(_by_hand(), value_event="purchase")
    assert users.loc[["a", "b"], "days"].tolist() == [1.0, 10.0]
    assert np.isnan(users.loc["c", "days"]) and pd.isna(users.loc["c", "first_value"])


def test_repeat_purchase_by_hand():
    table = metrics.repeat_purchase(_by_hand())
    assert table["customers"].tolist() == [2, 1]
    assert table["repeat_customers"].tolist() == [1, 1]
    assert table["repeat_rate"].tolist() == [0.5, 1.0]
    assert table["complete"].tolist() == [False, False]


def test_time_to_value_agrees_with_pandas(events, log):
    table = metrics.time_to_value(events, value_event="value", start_event="signup")
    expected = oracle.expected("time_to_value", "value", "signup")
    assert table["users"].tolist() == expected["users"].tolist()
    assert table["reached"].tolist() == expected["reached"].tolist()
    for col in ["median_days", "p90_days"]:
        np.testing.assert_allclose(table[col], expected[col], rtol=1e-12)


def test_repeat_purchase_agrees_with_pandas(events, log):
    for period in ("week", "month"):
        table = metrics.repeat_purchase(events, period)
        expected = oracle.expected("repeat_purchase", period)
        assert table["customers"].tolist() == expected["customers"].tolist()
        assert table["repeat_customers"].tolist() == expected["repeat_customers"].tolist()


def _sqlite(log, tmp_path):
    """The log in an analyst's SQLite file, opened as a source (computed inside SQLite)."""
    import sqlite3

    from valuelab.data.sources import open_source

    path = tmp_path / "log.sqlite"
    with sqlite3.connect(path) as con:
        log.assign(time=log["time"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_sql("events", con)
    return open_source(path, user="user", time="time", event="event")


def test_time_to_value_on_sqlite_agrees_with_pandas(log, tmp_path):
    """SQLite has no quantiles: the per-user days come back, pandas takes the quantiles."""
    found = metrics.time_to_value(_sqlite(log, tmp_path), value_event="purchase")
    expected = oracle.time_to_value(log, "purchase", "signup")
    assert found["users"].tolist() == expected["users"].tolist()
    assert found["reached"].tolist() == expected["reached"].tolist()
    np.testing.assert_allclose(found["median_days"], expected["median_days"])
    np.testing.assert_allclose(found["p90_days"], expected["p90_days"])


def test_an_engine_error_is_an_input_error_naming_source_and_metric(log, tmp_path, monkeypatch):
    import pytest
    from ibis.common.exceptions import OperationNotDefinedError

    from valuelab.core import InputError
    from valuelab.kpis.events import _frame

    source = _sqlite(log, tmp_path)

    def refuse(expr):
        raise OperationNotDefinedError("Quantile")

    monkeypatch.setattr(_frame, "run", refuse)
    with pytest.raises(
        InputError,
        match=r"log.sqlite: repeat purchase could not be computed by "
        r"sqlite \(OperationNotDefinedError: Quantile\)",
    ):
        metrics.repeat_purchase(source)


def test_event_names_the_log_lacks_are_refused_not_counted_as_zero(events):
    """A typo or a default the log does not use: one InputError naming the log's events."""
    with pytest.raises(InputError, match="value_event: no events named 'valeu'") as err:
        metrics.time_to_value(events, value_event="valeu")
    assert "did you mean 'value'?" in str(err.value)
    assert "one of purchase, signup, value, visit" in str(err.value)
    assert err.value.parameter == "value_event"
    with pytest.raises(InputError, match="start_event: no events named 'sign_up'.*'signup'"):
        metrics.time_to_value_by_user(events, value_event="value", start_event="sign_up")
    with pytest.raises(InputError, match="purchase_event: no events named 'Purchase'"):
        metrics.repeat_purchase(events, purchase_event="Purchase")


def test_a_real_zero_is_not_refused():
    """Value events the log has, but only from users without a sign-up: 0 reached, no error."""
    log = _by_hand()
    log = log[~((log["user"] != "d") & (log["event"] == "purchase"))]
    table = metrics.time_to_value(log, value_event="purchase")
    assert table["reached"].tolist() == [0, 0] and table["users"].tolist() == [2, 1]
    assert metrics.time_to_value_by_user(log)["first_value"].isna().all()  # default: purchase


def test_one_default_value_event_everywhere():
    """time_to_value's default value event is kpi_table's, the CLI's and the reports': purchase."""
    import inspect

    from valuelab.kpis.events import kpi_table

    for fn in (metrics.time_to_value, metrics.time_to_value_by_user, kpi_table):
        assert inspect.signature(fn).parameters["value_event"].default == "purchase"
    table = metrics.time_to_value(_by_hand())
    assert table.loc["2024-01-01", "reached"] == 2
