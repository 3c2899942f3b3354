"""Cohort retention and activity churn against the pandas oracle, on every backend."""

import event_oracle as oracle
import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.kpis import events as metrics


def _by_hand() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-03", "signup"),
        ("a", "2024-01-04", "visit"),
        ("b", "2024-01-20", "signup"),
        ("a", "2024-02-02", "visit"),
        ("c", "2024-02-05", "signup"),
        ("c", "2024-02-06", "purchase"),
        ("a", "2024-03-01", "purchase"),
        ("c", "2024-03-02", "visit"),
        ("b", "2024-04-01", "visit"),
    ]
    log = pd.DataFrame(rows, columns=["user", "time", "event"])
    return log.assign(time=pd.to_datetime(log["time"]))


def test_cohort_retention_by_hand():
    table = metrics.cohort_retention(_by_hand(), include_incomplete=True)
    assert table.index.name == "cohort_start" and table.columns.tolist() == [0, 1, 2, 3]
    # January: a, b; Feb: a; Mar: a; Apr: b. February: c; Mar: c; Apr: nobody
    assert table.loc["2024-01-01"].tolist() == [1.0, 0.5, 0.5, 0.5]
    assert table.loc["2024-02-01"].tolist()[:3] == [1.0, 1.0, 0.0]
    assert np.isnan(table.loc["2024-02-01", 3])  # after the log's end
    assert table.attrs["cohort_users"] == {"2024-01-01": 2, "2024-02-01": 1}
    assert table.attrs["incomplete_cohorts"] == ["2024-01-01"]  # the log starts on the 3rd
    # by default April (one day of data) is left out: not observed whole
    default = metrics.cohort_retention(_by_hand())
    assert np.isnan(default.loc["2024-01-01", 3]) and np.isnan(default.loc["2024-02-01", 2])
    assert default.loc["2024-01-01", 2] == 0.5


def test_activity_churn_by_hand():
    table = metrics.activity_churn(_by_hand())
    # Jan: a, b (new); Feb: a retained, c new, b inactive; Mar: a, c; Apr: b reactivated
    assert table["actives"].tolist() == [2, 2, 2, 1]
    assert table["new"].tolist() == [2, 1, 0, 0]
    assert table["reactivated"].tolist() == [0, 0, 0, 1]
    assert table["retained"].tolist() == [0, 1, 2, 0]
    assert table["inactive_next"].tolist() == [1, 0, 2, pd.NA]  # April: no May seen yet
    assert table["churn_rate"].tolist()[:3] == [0.5, 0.0, 1.0]
    assert np.isnan(table["churn_rate"].iloc[-1])
    assert table["complete"].tolist() == [False, True, False, False]  # Feb and March whole
    assert metrics.period_mean(table, "churn_rate") == 0.0
    assert metrics.period_mean(table, "churn_rate", include_incomplete=True) == 0.5


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_cohort_retention_agrees_with_pandas(events, log, period):
    for keep in (True, False):
        table = metrics.cohort_retention(events, period, include_incomplete=keep)
        expected = oracle.expected("cohort_retention", period, keep)
        assert table.index.equals(expected.index.astype("datetime64[ns]"))
        np.testing.assert_allclose(table.to_numpy(), expected.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("period", ["week", "month"])
def test_activity_churn_agrees_with_pandas(events, log, period):
    table = metrics.activity_churn(events, period)
    expected = oracle.expected("activity_churn", period)
    for col in ["actives", "new", "reactivated", "inactive_next"]:
        assert table[col].tolist() == expected[col].tolist(), col
    np.testing.assert_allclose(table["churn_rate"], expected["churn_rate"], rtol=1e-12)


def test_integer_dates_read_as_nanoseconds_are_refused_never_one_1970_cohort():
    from valuelab.core import InputError

    days = pd.Series([20250101, 20250102, 20250203])
    log = pd.DataFrame({"user": ["a", "b", "a"], "time": pd.to_datetime(days), "event": "visit"})
    assert log["time"].dt.to_period("M").astype(str).unique().tolist() == ["1970-01"]  # pandas
    with pytest.raises(InputError, match="column 'time', rows 0, 1, 2: times below a microsecond"):
        metrics.cohort_retention(log)


@pytest.mark.parametrize("period", ["week", "month"])
def test_churn_from_one_mask_per_user_counts_as_the_lag_and_lead_do(events, period, monkeypatch):
    from valuelab.kpis.events import _bits

    masked = metrics.activity_churn(events, period, active_events=["visit", "value"])
    monkeypatch.setattr(_bits, "BITS", 0)  # the textbook query: distinct pairs, lag and lead
    plain = metrics.activity_churn(events, period, active_events=["visit", "value"])
    pd.testing.assert_frame_equal(masked, plain)


@pytest.mark.parametrize("backend", ["dataframe", "parquet", "postgres"])
def test_churn_over_more_weeks_than_one_mask_holds(backend, tmp_path, request):
    """70 weeks: more than the 62 periods of one mask; the textbook query counts them."""
    import ibis

    weeks = pd.date_range("2024-01-01 10:00", periods=70, freq="7D")
    log = pd.DataFrame(
        {"user": ["a"] * 70 + ["b"] * 35, "time": [*weeks, *weeks[::2]], "event": "visit"}
    )
    if backend == "postgres":  # a table of its own: the module's log stays as it is
        data = request.getfixturevalue("postgres_db").upload("churn_70_weeks", log)
    elif backend == "parquet":
        log.to_parquet(tmp_path / "log.parquet")
        data = ibis.duckdb.connect().read_parquet(tmp_path / "log.parquet")
    else:
        data = log
    table = metrics.activity_churn(data, "week")
    even = [i % 2 == 0 for i in range(70)]
    assert table["actives"].tolist() == [2 if e else 1 for e in even]
    assert table["inactive_next"].tolist() == [1 if e else 0 for e in even[:-1]] + [pd.NA]
    assert table["reactivated"].tolist() == [0, 0] + [1 if e else 0 for e in even[2:]]
    assert table["new"].tolist() == [2] + [0] * 69


def test_no_active_event_means_no_activity_not_an_engine_error():
    log = _by_hand()
    shares = metrics.cohort_retention(log, "month", active_events=[])
    assert (shares.fillna(0).to_numpy() == 0).all()
    assert metrics.actives(log, "month", active_events=[])["actives"].tolist() == [0, 0, 0, 0]


def test_a_dataframe_without_some_ids_is_refused_as_open_source_refuses_it():
    from valuelab.core import InputError

    log = _by_hand()
    log.loc[[1, 4], "user"] = None
    with pytest.raises(InputError, match=r"ids missing on 2 of 9 rows") as err:
        metrics.actives(log, "day")
    assert err.value.column == "user" and err.value.rows == [1, 4]


def test_an_engine_error_from_duckdb_reaches_the_caller_as_an_input_error():
    import duckdb

    from valuelab.core import InputError
    from valuelab.kpis.events import _frame

    @_frame.guarded("a metric")
    def failing(data):
        raise duckdb.OutOfRangeException("Overflow in left shift")

    with pytest.raises(InputError, match="a metric could not be computed by duckdb"):
        failing(_by_hand())


def test_event_names_the_log_lacks_are_refused():
    """A sign-up event the log lacks no longer falls back to first events for everyone."""
    log = _by_hand()
    with pytest.raises(InputError, match="signup_event: no events named 'sign_up'") as err:
        metrics.cohort_retention(log, signup_event="sign_up")
    assert "did you mean 'signup'?" in str(err.value)
    no_signups = log[log["event"] != "signup"]  # cohorts by first event, said so
    by_first = metrics.cohort_retention(no_signups, signup_event=None, include_incomplete=True)
    first = no_signups.groupby("user")["time"].min().dt.to_period("M").value_counts()
    assert by_first.attrs["cohort_users"] == {
        str(p.start_time.date()): int(n) for p, n in sorted(first.items())
    }
    with pytest.raises(InputError, match="signup_event: no events named 'signup'"):
        metrics.cohort_retention(no_signups)
    with pytest.raises(InputError, match="active_events: no events named 'vist'"):
        metrics.cohort_retention(log, active_events=["vist"])
    with pytest.raises(InputError, match="active_events: no events named 'vist'"):
        metrics.activity_churn(log, active_events=["vist"])
