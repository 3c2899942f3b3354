"""Event-log KPIs (cohort retention, DAU/MAU, stickiness, time to value) by hand."""

import itertools

import numpy as np
import pandas as pd
import pytest

from valuelab import kpis
from valuelab.core.errors import InputError


def _log():
    rows = [
        ("a", "2024-01-03", "signup"),
        ("a", "2024-01-04", "visit"),
        ("b", "2024-01-20", "signup"),
        ("a", "2024-02-02", "visit"),
        ("c", "2024-02-05", "signup"),
        ("c", "2024-02-06", "purchase"),
        ("a", "2024-03-01", "purchase"),
        ("c", "2024-03-02", "visit"),
    ]
    df = pd.DataFrame(rows, columns=["user_id", "date", "event"])
    return df.assign(date=pd.to_datetime(df["date"]))


def test_cohort_retention_by_hand():
    # the log runs 2024-01-03 .. 2024-03-02: January and March are covered in part
    table = kpis.cohort_retention(_log(), include_incomplete=True)
    # Jan cohort: a, b. Month 1 (Feb): a only; month 2 (Mar): a only.
    assert table.loc["2024-01-01"].tolist() == [1.0, 0.5, 0.5]
    # Feb cohort: c, active in Feb and Mar; month 2 is after the log ends
    feb = table.loc["2024-02-01"]
    assert feb.tolist()[:2] == [1.0, 1.0] and np.isnan(feb[2])
    only = kpis.cohort_retention(_log(), active_events=["purchase"], include_incomplete=True)
    assert only.loc["2024-01-01"].tolist() == [0.0, 0.0, 0.5]
    # by default the shares of the partial March are left out (NaN), and the flags say why
    default = kpis.cohort_retention(_log())
    assert default.loc["2024-01-01"].tolist()[:2] == [1.0, 0.5] and np.isnan(default.iloc[0, 2])
    assert default.attrs["incomplete_periods"] == ["2024-01-01", "2024-03-01"]
    assert default.attrs["incomplete_cohorts"] == ["2024-01-01"]


def test_dau_mau_and_stickiness_by_hand():
    log = _log()
    daily = kpis.dau(log)
    assert daily[pd.Timestamp("2024-01-03")] == 1 and daily.sum() == 8  # 8 user-days
    assert daily.attrs["incomplete_periods"] == []  # a day is whole or absent
    monthly = kpis.mau(log)
    assert monthly.tolist() == [2, 2, 2] and monthly.index.name == "period_start"
    assert monthly.attrs["incomplete_periods"] == ["2024-01-01", "2024-03-01"]
    sticky = kpis.stickiness(log)
    jan = 3 / 29 / 2  # 3 user-days over the 29 observed January days, 2 monthly users
    assert sticky.iloc[0] == pytest.approx(jan)
    # March: 2 user-days over the 2 observed days, 2 users -> 0.5, flagged as partial
    assert sticky.loc["2024-03-01"] == 0.5
    assert sticky.attrs["incomplete_periods"] == ["2024-01-01", "2024-03-01"]


def test_time_to_value_by_hand():
    ttv = kpis.time_to_value(_log(), value_event="purchase")
    assert (
        ttv.loc["a", "days"] == 58 and ttv.loc["c", "days"] == 1 and np.isnan(ttv.loc["b", "days"])
    )
    summary = kpis.ttv_summary(ttv)
    assert summary["users"] == 3 and summary["reached_pct"] == pytest.approx(200 / 3)
    assert summary["median_days"] == 29.5


def test_event_log_errors():
    bad = _log().assign(user_id=["a", None, "b", "a", "c", "c", "a", "c"])
    with pytest.raises(InputError, match="column 'user_id', row 1: missing value"):
        kpis.dau(bad)
    with pytest.raises(InputError, match="missing column date"):
        kpis.mau(_log().drop(columns="date"))
    with pytest.raises(InputError, match="none of \\['value'\\] in the log"):
        kpis.time_to_value(_log(), value_event="value")
    with pytest.raises(InputError, match="unknown period"):
        kpis.cohort_retention(_log(), period="year")


def test_the_lesson_functions_delegate_to_the_event_metrics():
    """Written once: the lesson's functions are views of valuelab.kpis.events' results."""
    from valuelab.data import datasets
    from valuelab.kpis import events as metrics

    log = datasets.load("shop_events")
    canonical = log.rename(columns={"user_id": "user", "date": "time"})
    table = metrics.cohort_retention(canonical)
    legacy = kpis.cohort_retention(log)
    pd.testing.assert_frame_equal(legacy, table)  # index cohort_start, int columns
    assert legacy.index.dtype == "datetime64[ns]" and legacy.index.name == "cohort_start"
    for mine, theirs in (
        (kpis.dau(log), metrics.actives(canonical, "day")["actives"]),
        (kpis.mau(log), metrics.actives(canonical, "month")["actives"]),
        (kpis.stickiness(log), metrics.stickiness(canonical)["stickiness"]),
    ):
        pd.testing.assert_series_equal(mine, theirs, check_names=False)
        assert mine.index.name == "period_start" and mine.index.dtype == "datetime64[ns]"


def test_activity_churn_is_typed_and_refused_by_the_simple_ltv():
    log = _log()  # Jan: a, b; Feb: a, c; Mar: a, c -> not active next month Jan 1/2, Feb 0
    with pytest.raises(InputError, match="among the months the log covers whole"):
        kpis.activity_churn(log)  # Jan and Mar are partial: no whole pair to average
    churn = kpis.activity_churn(log, include_incomplete=True)
    assert churn.value == 0.25 and isinstance(churn, kpis.ActivityChurn)
    assert (churn.kind, churn.period, churn.population) == ("activity", "month", "active users")
    assert f"{churn:.1%}" == "25.0%" and float(churn) == 0.25
    # not a number: arithmetic and round() raise instead of dropping the type
    for lose_type in (lambda: round(churn, 3), lambda: churn * 1, lambda: 1 / churn):
        with pytest.raises(TypeError):
            lose_type()
    for held in (churn, pd.Series([churn]), [churn], np.array([churn], dtype=object)):
        with pytest.raises(InputError, match="activity churn .* is not a departure rate"):
            kpis.ltv(40.0, 0.5, held)
    assert kpis.ltv(40.0, 0.5, float(churn)) == 80.0  # a plain number is taken at its word
    with pytest.raises(InputError):
        kpis.ActivityChurn(1.5)


def _shop_oracle(events: pd.DataFrame, cac: float) -> dict:
    """Per-acquired-customer numbers in plain pandas: months from each buyer's first order on."""
    e = events.assign(m=events["date"].dt.to_period("M"))
    buys = e[e["event"] == "purchase"]
    first = buys.groupby("user_id")["m"].min()
    last = e["m"].max()
    tenure = sum((last - f).n + 1 for f in first)  # quiet months included
    e = e[e["user_id"].isin(first.index)]
    e = e[e["m"] >= e["user_id"].map(first)]
    active = e[["user_id", "m"]].drop_duplicates()
    revenue, cogs = buys["revenue_eur"].sum(), buys["cogs_eur"].sum()
    per_month = revenue / tenure
    margin = (revenue - cogs) / revenue
    k = [(m - first[u]).n for u, m in zip(buys["user_id"], buys["m"], strict=True)]
    b = buys.assign(k=k, mg=buys["revenue_eur"] - buys["cogs_eur"])
    payback = None
    for month in range(12):  # cumulative margin per acquired customer the log still covers
        covered = first[first + month <= last].index
        cum = b[(b["k"] <= month) & b["user_id"].isin(covered)]["mg"].sum() / len(covered)
        if cum >= cac:
            payback = month
            break
    return {
        "paying_customers": len(first),
        "customer_tenure_months": tenure,
        "active_customer_months": len(active),
        "revenue_per_paying_customer_month": per_month,
        "margin_per_paying_customer_month": per_month * margin,
        "revenue_per_active_customer_month": revenue / len(active),
        "margin_per_paying_customer_log": (revenue - cogs) / len(first),
        "cac_payback_month": payback,
        "cac_payback_months_flat": cac / (per_month * margin),
    }


def test_shop_summary_is_per_acquired_customer():
    from valuelab.data import datasets

    events = datasets.load("shop_events")
    s = kpis.shop_summary(events, cac=35)
    orders = events[events["event"] == "purchase"]
    assert s["orders"] == len(orders) == 1880
    assert s["revenue"] == pytest.approx(orders["revenue_eur"].sum())
    assert s["aov"] == pytest.approx(s["revenue"] / s["orders"])
    oracle = _shop_oracle(events, 35)
    assert {k: s[k] for k in oracle} == pytest.approx(oracle)
    # the lesson's numbers: 746 buyers, 4,870 customer-months of tenure (2,717 of them
    # active), EUR 23.30 a month per customer (41.76 per active month), cohort payback in
    # month 1 after the first order; the flat formula says 3.4 months
    assert (s["paying_customers"], s["customer_tenure_months"]) == (746, 4870)
    assert (s["active_customer_months"], s["log_months"]) == (2717, 12)
    assert s["revenue_per_paying_customer_month"] == pytest.approx(23.297, abs=1e-3)
    assert s["revenue_per_active_customer_month"] == pytest.approx(41.758, abs=1e-3)
    assert s["cac_payback_month"] == 1
    assert s["cac_payback_months_flat"] == pytest.approx(3.410, abs=1e-3)
    assert np.isnan(kpis.shop_summary(events, cac=500)["cac_payback_month"])  # not in the log
    assert isinstance(s["activity_churn"], kpis.ActivityChurn)
    assert s["activity_churn"].population == "paying customers"
    assert "ltv_eur" not in s  # a shop's customers need a repeat-purchase model
    assert s["nps"] == pytest.approx(kpis.nps(events["nps_score"].dropna()))
    assert -100 <= s["nps"] <= 100 and 0 < s["dau_mau"] < 1
    assert s["currency"] == "EUR"  # the shipped log's revenue_eur and cogs_eur
    assert not [k for k in s if "eur" in k]  # keys name no currency


def test_shop_summary_amounts_are_in_the_logs_currency():
    from valuelab.data import datasets

    events = datasets.load("shop_events")
    usd = events.rename(columns={"revenue_eur": "revenue", "cogs_eur": "cogs"})
    usd.attrs["currency"] = "USD"
    s = kpis.shop_summary(usd, cac=35)
    assert s["currency"] == "USD"
    assert s["revenue"] == pytest.approx(events["revenue_eur"].sum())  # the same numbers
    assert s["revenue_per_paying_customer_month"] == pytest.approx(23.297, abs=1e-3)
    assert s["cac_payback_month"] == 1  # CAC 35 in the log's currency


def _analyst_log() -> pd.DataFrame:
    """A log in a shape valuelab does not make: integer ids, dates as ``yyyymmdd`` integers
    (pandas' default read of such a CSV), 2024-01-01 .. 2024-04-10 (April covered in part)."""
    rng = np.random.default_rng(20)
    days = pd.date_range("2024-01-01", "2024-04-10", freq="D")
    users = rng.integers(1, 400, size=6000)
    when = days[rng.integers(0, len(days), size=6000)]
    frame = pd.DataFrame({"user_id": users, "date": when, "event": "visit"})
    signups = frame.groupby("user_id")["date"].min().reset_index().assign(event="signup")
    frame = pd.concat([frame, signups], ignore_index=True)
    frame = pd.concat([frame, pd.DataFrame({"user_id": [999], "date": [days[-1]], "event": ["x"]})])
    return frame.assign(date=frame["date"].dt.strftime("%Y%m%d").astype("int64"))


def _oracle_months(log: pd.DataFrame) -> pd.DataFrame:
    """Plain pandas: each user's months as periods (dates read as yyyymmdd text)."""
    when = pd.to_datetime(log["date"].astype(str), format="%Y%m%d")
    return pd.DataFrame({"user": log["user_id"], "m": when.dt.to_period("M")}).drop_duplicates()


def test_integer_yyyymmdd_dates_are_read_as_dates_not_nanoseconds():
    log = _analyst_log()
    seen = _oracle_months(log)
    mau = kpis.mau(log)
    assert mau.index.tolist() == [pd.Timestamp(f"2024-0{m}-01") for m in (1, 2, 3, 4)]
    assert mau.tolist() == seen.groupby("m")["user"].nunique().tolist()
    assert mau.attrs["incomplete_periods"] == ["2024-04-01"]
    table = kpis.cohort_retention(log)
    assert table.index[0] == pd.Timestamp("2024-01-01") and len(table) >= 3  # not one "1970-01"
    first = seen.groupby("user")["m"].min()
    jan = first[first == pd.Period("2024-01")].index
    feb_share = seen[(seen["m"] == pd.Period("2024-02")) & seen["user"].isin(jan)].shape[0] / len(
        jan
    )
    assert table.loc["2024-01-01", 1] == pytest.approx(feb_share)
    assert np.isnan(table.loc["2024-01-01", 3])  # April, covered in part: left out
    kept = kpis.cohort_retention(log, include_incomplete=True)
    assert not np.isnan(kept.loc["2024-01-01", 3])


def test_unreadable_or_ambiguous_dates_are_refused():
    log = _log().assign(date=["03/02/2024", "04/02/2024"] * 4)
    with pytest.raises(InputError, match="ambiguous"):
        kpis.mau(log)
    with pytest.raises(InputError, match="unparseable"):
        kpis.dau(_log().assign(date=["2024-01-03"] * 7 + ["soon"]))


def test_activity_churn_averages_whole_months_only_by_default():
    log = _analyst_log()
    seen = _oracle_months(log)
    months = sorted(seen["m"].unique())
    rates = []
    for this, nxt in itertools.pairwise(months):
        now = set(seen[seen["m"] == this]["user"])
        rates.append(len(now - set(seen[seen["m"] == nxt]["user"])) / len(now))
    whole = kpis.activity_churn(log)  # Jan->Feb, Feb->Mar: Mar->Apr (10 days) left out
    assert whole.value == pytest.approx(np.mean(rates[:2]))
    every = kpis.activity_churn(log, include_incomplete=True)
    assert every.value == pytest.approx(np.mean(rates)) and every.value > whole.value


def _round_trip(frame: pd.DataFrame, tmp_path, how: str) -> pd.DataFrame:
    import sqlite3

    name = frame.index.name
    if how == "csv":
        frame.to_csv(tmp_path / "r.csv")
        back = pd.read_csv(tmp_path / "r.csv", index_col=name, parse_dates=[name])
    elif how == "parquet":
        frame.to_parquet(tmp_path / "r.parquet")
        back = pd.read_parquet(tmp_path / "r.parquet")
    elif how == "xlsx":
        frame.to_excel(tmp_path / "r.xlsx")
        back = pd.read_excel(tmp_path / "r.xlsx", index_col=name)
    else:
        with sqlite3.connect(tmp_path / "r.sqlite") as con:
            assert frame.to_sql("r", con, if_exists="replace") == len(frame)
            back = pd.read_sql("select * from r", con, index_col=name, parse_dates=[name])
    back.index = back.index.astype("datetime64[ns]")
    back.columns = frame.columns  # text file and table columns are names: 0 -> "0"
    return back.astype(frame.dtypes.to_dict())


@pytest.mark.parametrize("how", ["csv", "parquet", "xlsx", "sqlite"])
def test_results_write_to_files_and_databases_and_read_back_equal(tmp_path, how):
    log = _analyst_log()
    results = {
        "cohort_retention": kpis.cohort_retention(log, include_incomplete=True),
        "dau": kpis.dau(log).to_frame(),
        "mau": kpis.mau(log).to_frame(),
        "stickiness": kpis.stickiness(log).to_frame(),
    }
    for name, frame in results.items():
        assert frame.index.dtype == "datetime64[ns]", name
        assert frame.index.name in ("period_start", "cohort_start"), name
        back = _round_trip(frame, tmp_path, how)
        pd.testing.assert_frame_equal(back, frame, check_freq=False, obj=f"{name} via {how}")
