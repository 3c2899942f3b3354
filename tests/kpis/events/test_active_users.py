"""Calendar and rolling actives and stickiness against the pandas oracle, on every backend."""

import event_oracle as oracle
import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.kpis import events as metrics


def _by_hand() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-03 10:00", "signup"),
        ("a", "2024-01-03 22:00", "visit"),
        ("b", "2024-01-04 09:00", "visit"),
        ("a", "2024-01-08 09:00", "visit"),
        ("b", "2024-02-01 00:00", "visit"),
    ]
    log = pd.DataFrame(rows, columns=["user", "time", "event"])
    return log.assign(time=pd.to_datetime(log["time"]))


def test_a_dataframe_s_result_names_the_clock_it_was_counted_on():
    zoned = _by_hand().assign(time=lambda d: d["time"].dt.tz_localize("Europe/Berlin"))
    found = metrics.actives(zoned, "day")
    assert found.attrs["provenance"]["timezone"] == "UTC"  # zoned times on UTC's clock
    assert found.index[0] == pd.Timestamp("2024-01-03") and found["actives"].iloc[0] == 1


def test_actives_by_hand():
    daily = metrics.actives(_by_hand(), "day")
    assert daily.index.name == "period_start" and str(daily.index.dtype) == "datetime64[ns]"
    assert daily["actives"].iloc[:6].tolist() == [1, 1, 0, 0, 0, 1]  # Jan 3 .. Jan 8
    assert len(daily) == 30 and daily["complete"].all()  # every day of Jan 3 - Feb 1
    weekly = metrics.actives(_by_hand(), "week")  # weeks start on Monday Jan 1, 8, ...
    assert weekly["actives"].tolist()[:2] == [2, 1]
    assert weekly["complete"].tolist()[0] is False  # the log starts on Wednesday
    monthly = metrics.actives(_by_hand(), "month", active_events=["visit"])
    assert monthly["actives"].tolist() == [2, 1] and not monthly["complete"].any()
    assert metrics.actives(_by_hand(), "quarter")["actives"].tolist() == [2]


def test_rolling_actives_by_hand():
    rolling = metrics.rolling_actives(_by_hand(), window=7)
    # Jan 3: a; Jan 4: a, b; Jan 9 (window Jan 3-9): a, b; Jan 10 (Jan 4-10): a, b; Jan 11: a
    assert rolling.loc["2024-01-03", "actives"] == 1 and rolling.loc["2024-01-09", "actives"] == 2
    assert rolling.loc["2024-01-11", "actives"] == 1 and rolling.loc["2024-01-15", "actives"] == 0
    assert not rolling.loc["2024-01-08", "complete"] and rolling.loc["2024-01-09", "complete"]
    with pytest.raises(InputError, match="window"):
        metrics.rolling_actives(_by_hand(), window=0)


def test_stickiness_by_hand_flags_the_partial_month():
    table = metrics.stickiness(_by_hand())
    # January: 3 user-days over the 29 observed days, 2 users; February: 1 day of data
    assert table.loc["2024-01-01", "stickiness"] == pytest.approx(3 / 29 / 2)
    assert table.loc["2024-02-01", "stickiness"] == 1.0
    assert table["complete"].tolist() == [False, False]
    assert np.isnan(metrics.period_mean(table, "stickiness"))
    assert metrics.period_mean(table, "stickiness", include_incomplete=True) == pytest.approx(
        (3 / 29 / 2 + 1) / 2
    )


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_actives_agree_with_pandas(events, log, period):
    table = metrics.actives(events, period)
    expected = oracle.expected("actives", period)
    assert table.index.equals(expected.index)
    assert table["actives"].tolist() == expected.tolist()
    flags = [oracle.covered(s, period, log) for s in expected.index]
    assert table["complete"].tolist() == flags


@pytest.mark.parametrize("window", [7, 28, 30])
def test_rolling_actives_agree_with_pandas(events, log, window):
    table = metrics.rolling_actives(events, window)
    assert table["actives"].tolist() == oracle.expected("rolling", window).tolist()


def test_stickiness_agrees_with_pandas(events, log):
    table = metrics.stickiness(events)
    expected = oracle.expected("stickiness")
    np.testing.assert_allclose(table["stickiness"].to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert table["complete"].tolist() == [False, True, True, True, True, False]


def test_missing_roles_are_named_with_a_suggestion():
    log = _by_hand().rename(columns={"user": "users", "time": "date"})
    with pytest.raises(InputError, match=r"column 'user'.*did you mean 'users'.*column 'time'"):
        metrics.actives(log)
    with pytest.raises(InputError, match="unknown period 'year'"):
        metrics.actives(_by_hand(), "year")
    with pytest.raises(InputError, match="dtype int64 is not a time"):
        metrics.actives(_by_hand().assign(time=20240103))
    mixed = _by_hand().astype({"time": object})
    mixed.loc[2, "time"] = "04/01/2024"  # a sheet's text cell among date cells
    with pytest.raises(InputError, match=r"column 'time': 1 of 5 values .*row 2: '04/01/2024'"):
        metrics.actives(mixed)


@pytest.mark.parametrize("backend", ["parquet", "duckdb", "postgres"])
def test_an_ibis_table_with_rows_without_an_id_is_refused_not_counted_as_a_user(backend, put_on):
    """Without the check, the engine groups the NULL ids as one more user (DAU 2, not 1)."""
    log = _by_hand().assign(user=["a", None, "b", None, "b"])
    table = put_on(backend, log)
    for metric in (metrics.actives, metrics.stickiness, metrics.cohort_retention):
        with pytest.raises(
            InputError, match=r"column 'user': ids missing on 2 of 5 rows \(e\.g\. "
        ):
            metric(table)
    found = metrics.actives(table.filter(table.user.notnull()), "day")
    assert found["actives"].tolist()[:2] == [1, 1]  # 3 and 4 January: a, then b


# --- lesson 03, section 7: an analyst's own log --------------------------------------------


def _orders_by_hand() -> dict:
    """The orders_export figures lesson 03 states, in plain pandas (the oracle)."""
    from valuelab.data import datasets

    raw = datasets.load("orders_export")
    log = raw.assign(day=pd.to_datetime(raw["Day"].astype(str), format="%Y%m%d"))
    log["month"] = log["day"].dt.to_period("M")
    days = log[["CustomerNo", "day", "month"]].drop_duplicates()
    mau = days.groupby("month")["CustomerNo"].nunique()
    last = log["day"].max()
    covered = pd.Series({m: m.days_in_month for m in mau.index})
    covered[last.to_period("M")] = last.day  # the export's last month, in part
    sticky = days.groupby("month").size() / covered / mau
    signup = log[log["Action"] == "signup"].set_index("CustomerNo")["month"]
    may = signup[signup == pd.Period("2025-05")].index
    june = log[log["month"] == pd.Period("2025-06")]["CustomerNo"]
    return {
        "rows": len(raw),
        "refunds": int((raw["Amount"] < 0).sum()),
        "first": log["day"].min(),
        "last": last,
        "sticky": sticky,
        "mau": mau,
        "may_in_june": june[june.isin(may)].nunique() / len(may),
    }


@pytest.mark.slow
def test_lesson_03_own_log_numbers(run_notebook):
    from support import NOTEBOOKS

    _, rec = run_notebook(NOTEBOOKS / "03_kpi_tradeoffs.ipynb")
    hand = _orders_by_hand()
    assert rec["naive_months"] == ["1970-01"]  # pandas: integers are nanoseconds since 1970
    assert rec["data_check_exit_code"] == 0
    assert rec["mapped_log"] == {
        "rows": hand["rows"],
        "first": "2025-01-01",
        "last": "2025-06-03",
        "time_format": "yyyymmdd",
        "currency": "USD",
        "incomplete": ["last month 2025-06 ends on 2025-06-03"],
        "problems": [f"{hand['refunds']} negative amounts (refunds): netted in amount"],
    }
    assert (hand["rows"], hand["first"], hand["last"]) == (
        2601,
        *pd.to_datetime(["2025-01-01", "2025-06-03"]),
    )
    part, sticky = rec["partial_month"], hand["sticky"]
    assert part["june_days"] == 3 and part["whole_months"] == 5
    assert part["june_stickiness"] == pytest.approx(sticky.iloc[-1])
    assert part["mean_whole_months"] == pytest.approx(sticky.iloc[:-1].mean())
    assert part["mean_with_june"] == pytest.approx(sticky.mean())
    assert (part["may_mau"], part["june_mau"]) == tuple(hand["mau"].iloc[-2:])
    assert part["may_cohort_in_june"] == pytest.approx(hand["may_in_june"])
    # the lesson's text: 0.42 against 0.12 (0.17 with June kept in), MAU 152 then 40, 24 %
    assert f"{sticky.iloc[-1]:.2f} {sticky.iloc[:-1].mean():.2f} {sticky.mean():.2f}" == (
        "0.42 0.12 0.17"
    )
    assert tuple(hand["mau"].iloc[-2:]) == (152, 40) and round(hand["may_in_june"], 2) == 0.24


def test_rolling_actives_on_sqlite_agree_with_pandas(log, tmp_path):
    """SQLite has no interval arithmetic: the windows count whole day numbers."""
    import sqlite3

    from valuelab.data.sources import open_source

    path = tmp_path / "log.sqlite"
    with sqlite3.connect(path) as con:
        log.assign(time=log["time"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_sql("events", con)
    source = open_source(path, user="user", time="time", event="event")
    for window in (7, 28):
        found = metrics.rolling_actives(source, window)["actives"]
        assert found.tolist() == oracle.rolling(log, window).tolist()


def _plain(monkeypatch) -> None:
    """Force the textbook queries (DISTINCT pairs) in place of one bit mask per user."""
    from valuelab.kpis.events import _bits

    monkeypatch.setattr(_bits, "BITS", 0)


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_one_mask_per_user_counts_as_the_distinct_pairs_do(events, period, monkeypatch):
    masked = metrics.actives(events, period, active_events=["visit", "purchase"])
    sticky = metrics.stickiness(events)
    _plain(monkeypatch)
    plain = metrics.actives(events, period, active_events=["visit", "purchase"])
    assert masked["actives"].tolist() == plain["actives"].tolist()
    assert masked.index.equals(plain.index)
    pd.testing.assert_frame_equal(sticky, metrics.stickiness(events))


@pytest.mark.parametrize("days", [61, 62, 63, 124, 125, 400, 745])
def test_daily_actives_at_the_edge_of_one_mask_agree_with_pandas(days):
    """62 periods fit in one mask (bits 0-61), 63 take two blocks, 400 take seven (a mask per
    user and block), 745 take the textbook query: both sides of each edge, integer ids."""
    rng = np.random.default_rng(days)
    start = pd.Timestamp("2023-12-31 00:30")
    log = pd.DataFrame(
        {
            "user": rng.integers(10**9, 10**9 + 40, 900),
            "time": start + pd.to_timedelta(rng.integers(0, days * 86400 - 3600, 900), unit="s"),
        }
    )
    log.loc[0, "time"], log.loc[1, "time"] = start, start + pd.Timedelta(days=days - 1, hours=1)
    found = metrics.actives(log, "day")
    expected = log.groupby(log["time"].dt.floor("D"))["user"].nunique()
    assert len(found) == days
    assert found["actives"].tolist() == expected.reindex(found.index, fill_value=0).tolist()
    for window in (2, 30, 31, 32):  # up to 31 from the masks, 32 from the textbook query
        rolled = metrics.rolling_actives(log.assign(event="visit"), window)["actives"]
        assert rolled.tolist() == oracle.rolling(log, window).tolist(), window


def test_actives_on_sqlite_take_the_textbook_query_and_agree_with_pandas(log, tmp_path):
    """SQLite has no bit_or: the distinct (user, period) pairs are counted there."""
    import sqlite3

    from valuelab.data.sources import open_source

    path = tmp_path / "log.sqlite"
    with sqlite3.connect(path) as con:
        log.assign(time=log["time"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_sql("events", con)
    source = open_source(path, user="user", time="time", event="event")
    for period in ("week", "month"):
        found = metrics.actives(source, period)["actives"]
        assert found.tolist() == oracle.expected("actives", period).tolist()
    sticky = metrics.stickiness(source)["stickiness"].to_numpy()
    np.testing.assert_allclose(sticky, oracle.expected("stickiness").to_numpy(), rtol=1e-12)


def test_categorical_ids_count_as_their_text_and_come_back_as_ids(log):
    """A DataFrame's categorical ids are grouped by their codes; ids that come back are ids."""
    coded = log.assign(user=log["user"].astype("category"))
    for period in ("day", "month"):
        found = metrics.actives(coded, period)["actives"].tolist()
        assert found == metrics.actives(log, period)["actives"].tolist()
    sticky = metrics.stickiness(coded)["stickiness"].to_numpy()
    np.testing.assert_allclose(sticky, metrics.stickiness(log)["stickiness"].to_numpy())
    by_user = metrics.time_to_value_by_user(coded, "value")
    assert by_user.index.equals(metrics.time_to_value_by_user(log, "value").index)
    assert by_user.index[0].endswith("@example.org")


def test_bit_sums_count_each_bit_over_the_values_as_numpy_does():
    from valuelab.kpis.events import _bits

    rng = np.random.default_rng(7)
    values = rng.integers(0, 1 << 62, 10_001, dtype=np.int64)
    values[:3] = [0, 1, (1 << 62) - 1]
    expected = [int(((values >> b) & 1).sum()) for b in range(64)]
    assert _bits._bit_sums(values).tolist() == expected
    groups = rng.integers(0, 6, len(values))
    groups[:2] = [5, 5]  # block 5 holds the all-zero and the single-bit values
    by_group = _bits._bit_sums(values, groups)
    assert by_group.shape == (6, 64)
    for g in range(6):
        mine = values[groups == g]
        assert by_group[g].tolist() == [int(((mine >> b) & 1).sum()) for b in range(64)]


def test_active_events_the_log_lacks_are_refused_not_counted_as_zero():
    log = _by_hand()
    for metric in (
        lambda: metrics.actives(log, "month", active_events=["vist"]),
        lambda: metrics.rolling_actives(log, 7, active_events=["vist"]),
        lambda: metrics.stickiness(log, active_events=["vist"]),
    ):
        with pytest.raises(InputError, match="active_events: no events named 'vist'") as err:
            metric()
        assert "did you mean 'visit'?" in str(err.value)
        assert "one of signup, visit" in str(err.value) and err.value.value == "vist"
    with pytest.raises(InputError, match="2 problems: .*'logon'.*'vist'"):  # every unknown name
        metrics.actives(log, "month", active_events=["vist", "logon"])
    assert metrics.actives(log, "month", active_events=[])["actives"].sum() == 0  # asked for


def test_daily_actives_count_zero_in_blocks_where_nobody_is_active():
    """Over 62 days, a block of 62 days without an active event comes back as no rows."""
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    log = pd.DataFrame({"user": ["a", "b"] * 100, "time": days, "event": "visit"})
    log.loc[:9, "event"] = "purchase"  # purchases on the first ten days only
    found = metrics.actives(log, "day", active_events=["purchase"])
    assert len(found) == 200 and found["actives"].tolist() == [1] * 10 + [0] * 190
    late = log.assign(event=np.where(np.arange(200) >= 190, "purchase", "visit"))
    found = metrics.actives(late, "day", active_events=["purchase"])
    assert found["actives"].tolist() == [0] * 190 + [1] * 10  # blocks 0-2 empty
    assert metrics.actives(log, "day", active_events=[])["actives"].tolist() == [0] * 200


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres", "dataframe"])
def test_day_numbers_count_calendar_days_from_1970_on_each_engine(engine, tmp_path, put_on):
    """Days since 1970-01-01 of each time's date, before the epoch and over a leap day too."""
    import ibis

    from valuelab.kpis.events import _frame

    times = pd.to_datetime(
        ["1969-12-31 23:59:59", "1970-01-01 00:00:00", "2024-02-29 23:59:59", "2024-03-01 00:00:01"]
    )
    frame = pd.DataFrame({"i": range(len(times)), "time": times})
    if engine == "sqlite":
        import sqlite3

        with sqlite3.connect(tmp_path / "t.sqlite") as db:
            frame.assign(time=times.strftime("%Y-%m-%d %H:%M:%S")).to_sql("t", db, index=False)
        table = ibis.sqlite.connect(tmp_path / "t.sqlite").table("t")
        table = table.mutate(time=table.time.cast("timestamp"))
    elif engine == "duckdb":
        frame.to_parquet(tmp_path / "t.parquet")
        table = ibis.duckdb.connect().read_parquet(tmp_path / "t.parquet")
    elif engine == "postgres":
        table = put_on("postgres", frame)
    else:  # a DataFrame's in-memory table: the in-process DuckDB
        table = ibis.memtable(frame)
    assert _frame.engine(table.time) == ("duckdb" if engine == "dataframe" else engine)
    if engine == "dataframe":
        found = _frame.run(table.select("i", d=_frame.day_number(table.time)).order_by("i"))["d"]
        assert found.tolist() == [-1, 0, 19782, 19783]
        return
    found = table.select("i", d=_frame.day_number(table.time)).order_by("i").to_pandas()["d"]
    assert found.tolist() == (times.normalize() - pd.Timestamp("1970-01-01")).days.tolist()
    assert found.tolist() == [-1, 0, 19782, 19783]


@pytest.mark.parametrize("window", [2, 40])  # 40: past the masks' widest, the edges query
def test_rows_without_a_time_are_active_on_no_day_in_rolling_actives(window, tmp_path):
    import ibis

    log = _by_hand()
    gaps = pd.concat([log, log.head(2).assign(time=pd.NaT)], ignore_index=True)
    gaps.to_parquet(tmp_path / "gaps.parquet")
    expected = metrics.rolling_actives(log, window)["actives"].tolist()
    assert metrics.rolling_actives(gaps, window)["actives"].tolist() == expected
    table = ibis.duckdb.connect().read_parquet(tmp_path / "gaps.parquet")
    assert metrics.rolling_actives(table, window)["actives"].tolist() == expected
    assert expected[:7] == [1, 2, 2, 2, 2, 2, 2] if window == 40 else expected[:3] == [1, 2, 1]


def test_an_ibis_table_with_zoned_times_is_refused_until_put_on_a_reporting_clock():
    import ibis

    from valuelab.data.sources import open_source

    con = ibis.duckdb.connect()
    con.raw_sql(
        "CREATE TABLE ev AS SELECT 'a' AS \"user\", "
        "TIMESTAMPTZ '2024-01-01 23:30:00+00' AS time, 'visit' AS event"
    )
    with pytest.raises(
        InputError, match=r"column 'time': times in the time zone UTC .*open_source"
    ):
        metrics.actives(con.table("ev"), "day")
    found = metrics.actives(open_source(con.table("ev"), reporting_timezone="Europe/Berlin"))
    assert found.index.tolist() == [pd.Timestamp("2024-01-02")]  # 00:30 in Berlin
    assert found["actives"].tolist() == [1]
