"""The seeded generators of the synthetic datasets (valuelab.data.synthetic)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from valuelab import royalties as r
from valuelab.data import datasets
from valuelab.data.synthetic import (
    accounts,
    analyst_logs,
    listening_log,
    product_events,
    purchase_reasons,
    shop_events,
)


def test_generator_is_reproducible_and_shaped():
    a = listening_log.generate(n_rows=2_000, seed=3)
    b = listening_log.generate(n_rows=2_000, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 2_000 and (a["streams"] >= 1).all()
    r.validate_log(a)
    assert not listening_log.generate(n_rows=2_000, seed=4).equals(a)


def test_heavy_listeners_play_less_popular_artists():
    log = listening_log.generate(n_rows=20_000, seed=1)
    rank = log["artist_id"].cat.codes
    volume = log.groupby("user_id", observed=True)["streams"].sum()
    depth = rank.groupby(log["user_id"], observed=True).median()
    assert np.corrcoef(volume.rank(), depth.reindex(volume.index).rank())[0, 1] > 0.2


def test_shipped_listening_log_is_small_and_matches_generator():
    path = datasets.path("listening_log")
    assert path.stat().st_size < 2_000_000
    assert path.read_bytes() == datasets.to_csv_bytes(datasets.generate("listening_log"))
    assert "listening_log" in datasets.list_datasets()


def test_account_inputs_are_consistent_funnels():
    inputs = datasets.load("account_inputs")
    stages = ["meetings_booked", "pain_quantified", "demos", "proposals", "deals_won"]
    for before, after in itertools.pairwise(stages):
        assert (inputs[after] <= inputs[before]).all()
    accounts = datasets.load("accounts").set_index("account_id")
    assert (accounts.loc[inputs["account_id"], "goal_metric"] == "revenue growth %").all()


def test_the_stream_farm_adds_bots_with_a_fixed_monthly_volume():
    log = listening_log.generate(n_rows=1_000, seed=1, stream_farm=2)
    bots = log[log["user_id"].astype(str).str.startswith("BOT")]
    # 2 bots x 3 farm tracks; each bot streams 20 an hour all month: 20 x 24 x 30 = 14,400
    assert len(log) == 1_000 + 6 and len(bots) == 6
    assert bots.groupby("user_id", observed=True)["streams"].sum().tolist() == [14_400, 14_400]
    assert set(bots["artist_id"]) == {"FARM"} and (bots["tier"] == "premium").all()
    assert (bots["market"] == "world").all()  # EUR 4.69 a month each (royalties.PRICES)
    humans = log[~log.index.isin(bots.index)]
    assert set(humans["tier"]) == {"premium", "free"} and set(humans["market"]) == {"world", "low"}
    assert (log["month"] == "2024-01").all()
    # a listener keeps one tier and one market
    assert humans.groupby("user_id", observed=True)[["tier", "market"]].nunique().max().max() == 1
    assert (humans["track_id"].astype(str).str[:6] == humans["artist_id"].astype(str)).all()


def test_product_events_are_one_signup_per_user_then_activity():
    events = product_events.generate(n_users=60, seed=5)
    assert events.columns.tolist() == ["user_id", "date", "event", "plan"]
    assert set(events["event"]) <= {"signup", "active", "value"}
    signups = events[events["event"] == "signup"]
    assert signups["user_id"].is_unique and len(signups) == 60
    assert signups["date"].between("2024-01-01", "2024-06-30").all()  # sign-ups in H1
    first = events.groupby("user_id")["date"].min()
    assert (first == signups.set_index("user_id")["date"]).all(), "an event before sign-up"
    assert events.groupby("user_id")["plan"].nunique().eq(1).all()  # a user keeps a plan
    assert events["date"].is_monotonic_increasing
    pd.testing.assert_frame_equal(events, product_events.generate(n_users=60, seed=5))


def test_shop_events_carry_money_on_purchases_and_scores_on_answers():
    events = shop_events.generate(n_customers=200, seed=2)
    assert set(events["event"]) == {"signup", "visit", "purchase", "nps"}
    assert set(events["channel"]) <= set(shop_events.CHANNELS)
    purchases = events[events["event"] == "purchase"]
    assert purchases["revenue_eur"].gt(0).all() and purchases["cogs_eur"].notna().all()
    margin = 1 - purchases["cogs_eur"] / purchases["revenue_eur"]
    assert margin.between(0.38 - 0.01, 0.5 + 0.01).all()  # cost of goods 50-62 % of revenue
    others = events[events["event"] != "purchase"]
    assert others["revenue_eur"].isna().all()
    answers = events[events["event"] == "nps"]
    assert answers["nps_score"].between(0, 10).all()
    assert events["nps_score"].notna().sum() == len(answers)  # scores on answers only
    signup = events[events["event"] == "signup"].set_index("user_id")["date"]
    asked = answers.set_index("user_id")["date"]
    assert ((asked - signup.reindex(asked.index)).dt.days == 28).all()  # four weeks later
    assert sum(share for share, _, _ in shop_events.CHANNELS.values()) == pytest.approx(1.0)


def test_purchase_reasons_cite_one_to_three_features_per_deal():
    reasons = purchase_reasons.generate(n_deals=300, seed=4)
    per_deal = reasons.groupby("deal_id")
    assert per_deal.ngroups == 300 and per_deal.size().between(1, 3).all()
    assert per_deal["feature"].apply(lambda f: f.is_unique).all()  # no feature cited twice
    assert per_deal[["segment", "arr_eur"]].nunique().eq(1).all().all()  # the deal's own
    assert set(reasons["feature"]) <= set(purchase_reasons.FEATURES)
    assert (reasons["arr_eur"] % 100 == 0).all()  # ARR rounded to EUR 100
    top = reasons["feature"].value_counts().index[0]
    assert top == purchase_reasons.FEATURES[0]  # the power law: the first feature leads


def test_account_history_follows_accounts_until_they_churn():
    history = accounts.generate_history(n_accounts=120, quarters=4, seed=9)
    assert history.columns[0] == "quarter" and sorted(set(history["quarter"].astype(str))) == [
        "2023Q1",
        "2023Q2",
        "2023Q3",
        "2023Q4",
    ]
    assert history.groupby("quarter", observed=True).size().iloc[0] == 120
    left = history[history["churned"].astype(bool)]
    last = history.groupby("account_id")["quarter"].max().astype(str)
    assert (last[left["account_id"]] == left["quarter"].astype(str).to_numpy()).all()
    assert set(history["impact_area"]) <= set(accounts.AREAS)
    assert set(history["goal_metric"]) <= set(accounts.GOALS)
    latest = accounts.generate_accounts(n_accounts=120, quarters=4, seed=9)
    survivors = history[(history["quarter"].astype(str) == "2023Q4") & ~history["churned"]]
    assert sorted(latest["account_id"]) == sorted(survivors["account_id"])
    assert "churned" not in latest.columns and "quarter" not in latest.columns


def test_account_inputs_are_the_revenue_growth_accounts_funnels():
    inputs = accounts.generate_inputs(n_accounts=120, quarters=4, seed=9)
    latest = accounts.generate_accounts(n_accounts=120, quarters=4, seed=9).set_index("account_id")
    assert (latest.loc[inputs["account_id"], "goal_metric"] == "revenue growth %").all()
    growth = latest[latest["goal_metric"] == "revenue growth %"]
    assert sorted(inputs["account_id"]) == sorted(growth.index)
    won = inputs["deals_won"].replace(0, np.nan)
    deal_size = (inputs["new_revenue_eur"] / won).dropna()
    assert (deal_size % 100 == 0).all() and deal_size.between(10_000, 60_000).all()


def test_the_orders_export_is_an_analysts_shape_ending_mid_month():
    orders = analyst_logs.generate_orders(n_customers=80, seed=3)
    assert orders.columns.tolist() == ["CustomerNo", "Day", "Action", "Amount"]
    assert orders[["CustomerNo", "Day"]].dtypes.eq("int64").all()  # as pandas reads them back
    assert pd.api.types.is_string_dtype(orders["Action"]) and orders["Amount"].dtype == "float64"
    days = pd.to_datetime(orders["Day"].astype(str), format="%Y%m%d")  # yyyymmdd, every row
    assert days.min() == pd.Timestamp("2025-01-01")  # the first sign-up opens the export
    assert days.max() <= pd.Timestamp("2025-06-03") and days.is_monotonic_increasing
    signups = orders[orders["Action"] == "signup"]
    assert signups["CustomerNo"].is_unique and len(signups) == 80
    first = orders.assign(d=days).groupby("CustomerNo")["d"].min()
    assert (first == days[signups.index].set_axis(signups["CustomerNo"])).all()
    money = orders["Action"].isin(["purchase", "refund"])
    assert orders.loc[~money, "Amount"].isna().all()
    assert orders.loc[orders["Action"] == "purchase", "Amount"].gt(0).all()
    refunds = orders[orders["Action"] == "refund"]
    bought = orders[orders["Action"] == "purchase"]
    for _, row in refunds.iterrows():  # each refund gives back one earlier purchase, whole
        mine = bought[(bought["CustomerNo"] == row["CustomerNo"]) & (bought["Day"] < row["Day"])]
        assert -row["Amount"] in mine["Amount"].tolist()
    pd.testing.assert_frame_equal(orders, analyst_logs.generate_orders(n_customers=80, seed=3))


def test_the_studio_log_is_the_same_simulation_in_another_shape():
    orders = analyst_logs.generate_orders(n_customers=40, seed=9, start="2024-09-16")
    orders = orders[orders["Action"] != "refund"].reset_index(drop=True)
    studio = analyst_logs.generate_studio(n_members=40, seed=9, end="2025-06-03")
    assert studio.columns.tolist() == ["Member", "Date", "Type", "Fee"]
    assert studio["Member"].tolist() == [f"M{n - 10000:04d}" for n in orders["CustomerNo"]]
    as_int = pd.to_datetime(studio["Date"], format="%d/%m/%Y").dt.strftime("%Y%m%d").astype(int)
    assert as_int.tolist() == orders["Day"].tolist()
    kinds = {"signup": "join", "visit": "class", "purchase": "shop"}
    assert studio["Type"].tolist() == orders["Action"].map(kinds).tolist()
    pd.testing.assert_series_equal(studio["Fee"], orders["Amount"], check_names=False)
    assert studio["Date"].iloc[0] == "16/09/2024"
