"""The product KPI table: hand-computed on a tiny log in another shape, and a plain pandas oracle.

The log: string ids with leading zeros, integer yyyymmdd dates, its own column names and event
names, amounts in USD with a refund, costs, NPS answers and a tier as the segment. It runs from
Monday 2024-01-15 to Sunday 2024-03-10: January and March are covered in part.
"""

import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.core.quantities import QUANTITIES, labelled
from valuelab.data.sources import open_source
from valuelab.kpis.events import kpi_source, kpi_summary, kpi_table
from valuelab.kpis.events.table import COLUMNS, describe

ROWS = [  # cust_id, day, what, usd, fees, score, tier
    ("007", 20240115, "signup", None, None, None, "gold"),
    ("007", 20240116, "buy", 100.0, 40.0, None, "gold"),
    ("12", 20240120, "signup", None, None, None, "silver"),
    ("12", 20240131, "visit", None, None, None, "silver"),
    ("007", 20240205, "buy", 50.0, 20.0, None, "gold"),
    ("12", 20240210, "buy", 30.0, 10.0, None, "silver"),
    ("A9", 20240214, "signup", None, None, None, "silver"),
    ("12", 20240220, "survey", None, None, 9.0, "silver"),
    ("A9", 20240225, "survey", None, None, 3.0, "silver"),
    ("007", 20240301, "survey", None, None, 10.0, "gold"),
    ("A9", 20240305, "buy", 80.0, 60.0, None, "silver"),
    ("007", 20240310, "buy", -20.0, None, None, "gold"),  # a refund, netted
]
MAPPING = {
    "user": "cust_id",
    "time": "day",
    "event": "what",
    "amount": "usd",
    "cost": "fees",
    "nps": "score",
    "segment": "tier",
    "currency": "USD",
}
EVENTS = {"start_event": "signup", "value_event": "buy"}
MONTHS = pd.DatetimeIndex(["2024-01-01", "2024-02-01", "2024-03-01"], name="period_start")


@pytest.fixture(scope="module")
def shaped() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=["cust_id", "day", "what", "usd", "fees", "score", "tier"])


@pytest.fixture(scope="module")
def month(shaped) -> pd.DataFrame:
    return kpi_table(open_source(shaped, MAPPING), "month", **EVENTS)


def test_hand_computed_months(month):
    assert month.index.equals(MONTHS) and month["complete"].tolist() == [False, True, False]
    assert month["active_users"].tolist() == [2, 3, 2]
    # user-days over the days the log covers: Jan 15-31 (17), February (29), Mar 1-10 (10)
    assert month["dau"].tolist() == pytest.approx([4 / 17, 5 / 29, 3 / 10])
    assert month["stickiness"].tolist() == pytest.approx([4 / 17 / 2, 5 / 29 / 3, 3 / 10 / 2])
    # February follows a partial January: no rate; March: 2 of February's 3 users came back
    assert np.isnan(month["retention_rate"].iloc[:2]).all()
    assert month["retention_rate"].iloc[2] == pytest.approx(2 / 3)
    # signup -> first buy: 007 1 day, 12 21 days (January); A9 20 days (February)
    assert month["ttv_users"].tolist() == [2, 1, 0]
    assert month["ttv_median_days"].iloc[:2].tolist() == [11.0, 20.0]
    assert np.isnan(month["nps"].iloc[0]) and month["nps"].iloc[1:].tolist() == [0.0, 100.0]
    assert month["nps_answers"].tolist() == [0, 2, 1]
    # March: 80 + the -20 refund; only A9 paid (a refund is not a purchase)
    assert month["revenue"].tolist() == [100.0, 80.0, 60.0]
    assert month["cost"].tolist() == [40.0, 30.0, 60.0]
    assert month["customers"].tolist() == [1, 2, 1]
    assert month["margin_per_customer"].tolist() == [60.0, 25.0, 0.0]
    assert month["gross_margin"].tolist() == pytest.approx([0.6, 50 / 80, 0.0])
    # margin to date per customer by first purchase: 007 130-60, 12 30-10, A9 80-60
    assert month["ltv_customers"].tolist() == [1, 1, 1]
    assert month["ltv_to_date"].tolist() == [70.0, 20.0, 20.0]
    assert (month["segment"] == "all").all() and list(month.columns) == list(COLUMNS)


def test_currency_and_provenance_travel_with_the_table(month):
    facts = month.attrs["provenance"]
    assert month.attrs["currency"] == "USD" and facts["currency"] == "USD"
    assert facts["source"] == "DataFrame" and facts["timezone"] == "UTC" and facts["as_of"]
    assert facts["mapping"]["columns"]["time"] == "day"
    assert facts["mapping"]["time_format"] == "yyyymmdd"
    assert (facts["period"], facts["segment"]) == ("month", "all")
    assert (facts["log_first_day"], facts["log_last_day"]) == ("2024-01-15", "2024-03-10")
    assert describe("USD")["margin_per_customer"] == "Margin per customer (USD per customer)"
    assert describe(None)["ltv_to_date"].endswith("(per customer, currency not declared)")


def test_averages_leave_out_incomplete_months(month):
    summary = kpi_summary(month)
    assert summary["dau"] == pytest.approx(5 / 29) and summary["nps"] == 0.0
    assert summary["ltv_to_date"] == 20.0 and np.isnan(summary["retention_rate"])
    assert kpi_summary(month, include_incomplete=True)["ltv_to_date"] == pytest.approx(110 / 3)


def test_one_segment_and_every_segment(shaped):
    source = open_source(shaped, MAPPING)
    gold = kpi_table(source, "month", "gold", **EVENTS)
    assert gold["active_users"].tolist() == [1, 1, 1] and (gold["segment"] == "gold").all()
    assert gold["revenue"].tolist() == [100.0, 50.0, -20.0]
    assert gold["customers"].tolist() == [1, 1, 0] and np.isnan(gold["margin_per_customer"].iloc[2])
    both = kpi_table(source, "month", by_segment=True, **EVENTS)
    assert both["segment"].tolist() == ["gold"] * 3 + ["silver"] * 3
    assert both.attrs["provenance"]["segment"] == "by segment"
    with pytest.raises(InputError, match="no events in segment 'silvr'; did you mean 'silver'"):
        kpi_table(source, "month", "silvr")


def test_counts_are_integers_and_time_to_value_is_a_median_over_users(month):
    for col in ("ttv_users", "nps_answers", "customers", "ltv_customers"):
        assert month[col].dtype == "Int64", col  # 900, never 900.0
    assert month["active_users"].dtype == "int64"
    # February's starters: A9 (20 days); every starter: 1, 21, 20 -> median 20, not (11+20)/2
    assert month.attrs["ttv_median_days_overall"] == {"complete": 20.0, "all": 20.0}
    assert kpi_summary(month, include_incomplete=True)["ttv_median_days"] == 20.0
    no_money = kpi_table(
        open_source(
            pd.DataFrame(
                ROWS, columns=["cust_id", "day", "what", "usd", "fees", "score", "tier"]
            ).drop(columns="usd"),
            {k: v for k, v in MAPPING.items() if k != "amount"},
        ),
        "month",
        **EVENTS,
    )
    assert no_money["customers"].isna().all() and no_money["customers"].dtype == "Int64"


def test_refunds_kept_apart_get_their_own_column_and_net_revenue(shaped, month):
    apart = kpi_table(open_source(shaped, {**MAPPING, "refunds": "separate"}), "month", **EVENTS)
    log = _canonical(shaped)  # the oracle: sales and refunds by month, plain pandas
    m = log["time"].dt.to_period("M").dt.start_time
    sales = log["amount"].where(log["amount"] > 0, 0.0).groupby(m).sum()
    refunds = log["amount"].where(log["amount"] < 0, 0.0).groupby(m).sum()
    assert apart["revenue"].tolist() == sales.tolist() == [100.0, 80.0, 80.0]
    assert apart["refunds"].tolist() == refunds.tolist() == [0.0, 0.0, -20.0]
    assert apart["net_revenue"].tolist() == month["revenue"].tolist() == [100.0, 80.0, 60.0]
    assert apart["margin_per_customer"].iloc[2] == 20.0  # March: sales 80 - cost 60, gross
    assert apart.attrs["money_basis"] == "gross" and month.attrs["money_basis"] == "net"
    from valuelab.kpis.events.table import money_totals

    assert money_totals(apart) == {"revenue": 80.0, "refunds": 0.0, "net_revenue": 80.0}  # Feb
    whole = money_totals(apart, include_incomplete=True)
    assert whole == {"revenue": 260.0, "refunds": -20.0, "net_revenue": 240.0}
    assert month["refunds"].isna().all() and month["net_revenue"].equals(month["revenue"])
    label = describe("USD", apart.attrs["money_basis"])
    assert (
        label["ltv_to_date"]
        == "Lifetime value to date, gross: refunds kept apart (USD per customer)"
    )
    assert describe("USD", "net")["margin_per_customer"].startswith("Margin per customer, net of")


# --- a plain pandas oracle ---------------------------------------------------------------------

FREQ = {"week": "W", "month": "M", "quarter": "Q"}


def _canonical(shaped: pd.DataFrame) -> pd.DataFrame:
    log = shaped.rename(columns={v: k for k, v in MAPPING.items() if k != "currency"})
    return log.assign(time=pd.to_datetime(log["time"].astype(str), format="%Y%m%d"))


def _start(time: pd.Series, period: str) -> pd.Series:
    return time.dt.to_period(FREQ[period]).dt.start_time


def oracle(shaped: pd.DataFrame, period: str) -> pd.DataFrame:
    """The KPI table the straightforward pandas way (sets and group-bys)."""
    log = _canonical(shaped)
    log["p"] = _start(log["time"], period)
    starts = pd.period_range(log["time"].min(), log["time"].max(), freq=FREQ[period]).start_time
    found = log.groupby("p")["user"].agg(set)
    users = pd.Series([found.get(s, set()) for s in starts], index=starts)
    days = pd.date_range(log["time"].min(), log["time"].max(), freq="D")
    daily = log.groupby("time")["user"].nunique().reindex(days, fill_value=0)
    out = pd.DataFrame(index=starts)
    out["active_users"] = [len(u) for u in users]
    out["dau"] = daily.groupby(_start(days.to_series(), period)).mean().to_numpy()
    first, last = log["time"].min(), log["time"].max()
    ends = [
        p.end_time.floor("D") for p in pd.period_range(starts[0], starts[-1], freq=FREQ[period])
    ]
    out["complete"] = [(s >= first) and (e <= last) for s, e in zip(starts, ends, strict=True)]
    prev_ok = [False, *out["complete"].iloc[:-1]]
    out["retention_rate"] = [
        len(users.iloc[i - 1] & users.iloc[i]) / len(users.iloc[i - 1])
        if i and prev_ok[i] and users.iloc[i - 1]
        else np.nan
        for i in range(len(starts))
    ]
    paid = log[log["amount"] > 0]
    money = log.groupby("p").agg(revenue=("amount", "sum"), cost=("cost", "sum"))
    money["customers"] = paid.groupby("p")["user"].nunique()
    money = money.reindex(starts).fillna({"customers": 0})
    out["margin_per_customer"] = (money["revenue"] - money["cost"]) / money["customers"].where(
        money["customers"] > 0
    )
    answers = log.dropna(subset=["nps"]).groupby("p")["nps"]
    out["nps"] = (answers.apply(lambda s: ((s >= 9).mean() - (s <= 6).mean()) * 100)).reindex(
        starts
    )
    acquired = paid.groupby("user")["p"].min()
    margin = log.groupby("user")["amount"].sum() - log.groupby("user")["cost"].sum()
    out["ltv_to_date"] = margin[acquired.index].groupby(acquired).mean().reindex(starts)
    signup = log[log["event"] == "signup"].groupby("user")["time"].min()
    bought = log[log["event"] == "buy"].groupby("user")["time"].min()
    wait = (bought.reindex(signup.index) - signup).dt.days
    out["ttv_median_days"] = wait.groupby(_start(signup, period)).median().reindex(starts)
    return out.rename_axis("period_start")


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_the_table_agrees_with_a_plain_pandas_oracle(shaped, period):
    got = kpi_table(open_source(shaped, MAPPING), period, **EVENTS)
    want = oracle(shaped, period)
    pd.testing.assert_frame_equal(
        got[want.columns], want, check_dtype=False, check_freq=False, check_index_type=False
    )


# --- where the log lives ---------------------------------------------------------------------


def test_the_same_table_from_a_dataframe_a_parquet_file_and_postgresql(
    shaped, month, tmp_path, postgres_db
):
    path = tmp_path / "log.parquet"
    shaped.to_parquet(path)
    parquet = kpi_table(open_source(path, MAPPING), "month", **EVENTS)
    database = kpi_table(
        open_source(postgres_db.upload("kpi_table_log", shaped), MAPPING), "month", **EVENTS
    )
    for other in (parquet, database):
        pd.testing.assert_frame_equal(other, month, check_freq=False)
    assert database.attrs["provenance"]["kind"] == "ibis"


def test_the_shipped_sample_and_the_segments_it_has():
    sample = kpi_source()
    assert sample.currency == "EUR" and sample.roles["amount"] == "revenue_eur"
    import yaml
    from support import NOTEBOOKS

    samples = yaml.safe_load((NOTEBOOKS / "reports" / "samples.yaml").read_text())
    wanted = {s["segment"] for s in samples["product_kpis.ipynb"] if s.get("segment")}
    assert wanted and wanted <= {"organic", "paid", "referral"}  # the sample's channels
    table = kpi_table(sample, "quarter", "paid")
    assert len(table) == 4 and table["complete"].all() and (table["segment"] == "paid").all()
    events = pd.read_csv(kpi_source().name)  # the oracle reads the CSV itself
    paid = events[events["channel"] == "paid"]
    q1 = paid[paid["date"] < "2024-04-01"]
    assert table["active_users"].iloc[0] == q1["user_id"].nunique()
    assert table["revenue"].iloc[0] == pytest.approx(q1["revenue_eur"].sum())


def test_bad_input_is_named():
    with pytest.raises(InputError, match="unknown period 'fortnight'"):
        kpi_table(pd.DataFrame(), "fortnight")
    log = pd.DataFrame({"user": ["a"], "time": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(InputError, match="no event column"):
        kpi_table(log)
    with pytest.raises(InputError, match="no segment column"):
        kpi_table(log.assign(event="visit"), segment="paid")
    own = pd.DataFrame({"cust_id": ["a"], "day": [20240101], "what": ["visit"]})
    with pytest.raises(InputError, match="did you mean 'cust_id'"):
        kpi_source(own, {"user": "cust", "time": "day", "event": "what"})


def test_each_column_is_headed_by_its_own_quantity_from_one_map(month):
    """COLUMNS is the one map from a column to its quantity; labelled() reads it from attrs."""
    assert list(month.columns) == list(COLUMNS) and month.attrs["quantities"] == COLUMNS
    assert set(COLUMNS.values()) <= set(QUANTITIES)
    shown = labelled(month)
    assert list(shown.columns) == [describe("USD")[c] for c in COLUMNS]  # one source, two uses
    heads = dict(zip(COLUMNS, shown.columns, strict=True))
    assert heads["revenue"] == "Revenue (USD)"  # per period, in the log's currency
    assert heads["gross_margin"] == "Gross margin (share 0-1)"
    assert heads["margin_per_customer"] == "Margin per customer (USD per customer)"
    assert heads["complete"] == "The log covers the whole period"
    assert shown.index.name == "Period start"
    pd.testing.assert_frame_equal(  # shown is a WholeFrame: the same data, shown whole
        shown.set_axis(month.columns, axis=1).rename_axis("period_start"),
        month,
        check_frame_type=False,
    )
    # why "period_*": the registry's keys of the same names are the shop funnel's quantities
    assert QUANTITIES["revenue"].unit == "EUR/month" and QUANTITIES["gross_margin"].kind == "money"
    assert QUANTITIES[COLUMNS["gross_margin"]].kind == "share"
    assert {c for c, k in COLUMNS.items() if c != k} == {
        "revenue",
        "cost",
        "refunds",
        "net_revenue",
        "gross_margin",
        "complete",
    }


def test_an_event_the_log_never_records_is_refused_naming_the_parameter(shaped):
    """Time to value from or to an event the log does not have would be n/a in every period:
    refused, with the log's event names for the analyst and none in the visitor's words."""
    source = open_source(shaped, MAPPING)
    with pytest.raises(InputError) as info:
        kpi_table(source, "month", start_event="sigup", value_event="buy")
    err = info.value
    assert "start_event: no events named 'sigup' in the source; did you mean 'signup'?" in str(err)
    assert "(expected one of buy, signup, survey, visit)" in str(err)
    assert err.refusals() == [("start_event", "no events named {value} in the source")]
    said = err.public_message({"start_event": "Start event"})
    assert said.startswith("Start event: no events named “sigup” in the source. Check the value")
    with pytest.raises(InputError) as info:
        kpi_table(source, "month", "gold", start_event="no such event", value_event="purchase")
    assert [p for p, _ in info.value.refusals()] == ["start_event", "value_event"]
    for name in ("buy", "signup", "survey", "visit"):  # the data's names: not a visitor's
        assert name not in info.value.public_message()
    # an event the whole log has but a segment lacks is no error: gold has no "visit"
    gold = kpi_table(source, "month", "gold", start_event="visit", value_event="buy")
    assert gold["ttv_median_days"].isna().all()


def test_kpis_a_missing_role_leaves_empty_are_named_in_the_tables_notes(shaped, month):
    from valuelab.kpis.events.table import empty_kpis

    assert month.attrs["notes"] == []  # every role mapped
    no_cost = {k: v for k, v in MAPPING.items() if k not in ("cost", "nps")}
    t = kpi_table(open_source(shaped, no_cost), "month", **EVENTS)
    assert t["margin_per_customer"].isna().all() and t["ltv_to_date"].isna().all()
    assert t["nps"].isna().all() and t["revenue"].tolist() == [100.0, 80.0, 60.0]
    assert t.attrs["notes"] == [
        "margin per customer and lifetime value to date are empty: no cost role "
        "(cost: COLUMN in the mapping)",
        "NPS is empty: no nps role (nps: COLUMN in the mapping)",
    ]
    # no amount: the same two KPIs, named once (not again for cost)
    assert empty_kpis(["user", "time", "event", "nps"]) == [
        "margin per customer and lifetime value to date are empty: no amount role "
        "(amount: COLUMN in the mapping)"
    ]


def test_kpi_source_without_a_mapping_reads_the_layouts_optional_columns_when_there(tmp_path):
    log = tmp_path / "log.parquet"
    pd.DataFrame(
        {"user_id": ["a", "a"], "date": ["2024-01-01", "2024-01-02"], "event": ["signup", "x"]}
    ).to_parquet(log)
    src = kpi_source(str(log))
    assert sorted(src.roles) == ["event", "time", "user"]  # no amount, cost, nps, segment
    pd.DataFrame({"user_id": ["a"], "when": ["2024-01-01"]}).to_parquet(log)
    with pytest.raises(InputError) as err:
        kpi_source(str(log))
    assert [p.problem.split(";")[0] for p in err.value.problems] == [
        "no column 'date' for role 'time'",
        "no column 'event' for role 'event'",
        "without a mapping the source is read in the shipped sample's layout",
    ]


def test_the_same_table_from_sqlite_which_has_no_quantiles(shaped, month, tmp_path):
    """SQLite has no median: the per-user days come back and pandas takes their medians."""
    import sqlite3

    path = tmp_path / "log.sqlite"
    with sqlite3.connect(path) as con:
        shaped.to_sql("events", con, index=False)
    lite = kpi_table(open_source(path, MAPPING), "month", **EVENTS)
    pd.testing.assert_frame_equal(lite, month, check_freq=False)
    assert lite.attrs["ttv_median_days_overall"] == month.attrs["ttv_median_days_overall"]
