"""What each listener pays (tier and market) and the pools per market and month."""

import pandas as pd
import pytest

from valuelab import royalties as r
from valuelab.core import InputError
from valuelab.data.synthetic import listening_log

LOG = pd.DataFrame(
    {
        "user_id": ["a", "a", "b", "c", "c"],
        "artist_id": ["X", "Y", "X", "Z", "Z"],
        "streams": [2, 1, 5, 1, 1],
        "tier": ["premium", "premium", "free", "premium", "premium"],
        "market": ["world", "world", "world", "low", "low"],
        "month": ["2024-01", "2024-01", "2024-01", "2024-01", "2024-02"],
    }
)


def test_the_price_table_is_sourced():
    assert r.price("world", "premium") == 4.69  # Premium ARPU 2024, a secondary 20-F extract
    assert r.price("world", "free") == 0.38  # 1,854 / 12 / 402, derived
    assert round(1854 / 12 / ((379 + 425) / 2), 2) == 0.38
    assert r.price("low", "premium") == 2.35 and r.price("low", "free") == 0.19
    kinds = {key: v.kind for key, v in r.PRICES.items()}
    assert kinds == {
        ("world", "premium"): "estimated",
        ("world", "free"): "derived",
        ("low", "premium"): "estimated",
        ("low", "free"): "estimated",
    }
    # the same kind and source as the 2024 Premium ARPU of the annual figures
    assert "obriedan" in r.PRICES[("world", "premium")].source
    assert "Q4 2024 Update" in r.PRICES[("world", "free")].source  # EUR 1,854 m = 4 quarters
    assert "20-F" not in r.PRICES[("world", "free")].source
    assert set(r.MARKETS) == set(listening_log.MARKETS)
    assert set(r.LISTENER_TIERS) == set(listening_log.TIERS)
    with pytest.raises(InputError, match="mars"):
        r.price("mars", "premium")


def test_listener_payments_are_one_per_listener_and_month():
    people = r.listener_payments(LOG)
    assert people[["user_id", "month"]].values.tolist() == [
        ["a", "2024-01"],
        ["b", "2024-01"],
        ["c", "2024-01"],
        ["c", "2024-02"],
    ]
    assert people["payment_eur"].tolist() == [4.69, 0.38, 2.35, 2.35]
    assert r.log_revenue(LOG) == 9.77


def test_user_revenue_overrides_the_price_table():
    own = LOG.assign(user_revenue=[9.0, 9.0, 1.0, 2.0, 2.0])
    assert r.row_payments(own).tolist() == [9.0, 9.0, 1.0, 2.0, 2.0]
    assert r.log_revenue(own) == 14.0
    no_market = LOG.drop(columns="market")
    assert r.row_payments(no_market).tolist() == [4.69, 4.69, 0.38, 4.69, 4.69]
    assert r.row_payments(LOG.drop(columns="tier")) is None
    with pytest.raises(InputError, match="tier"):
        r.listener_payments(LOG.drop(columns="tier"))


def test_market_pools_by_hand():
    pools = r.market_pools(LOG, 0.5)
    assert pools.to_dict("list") == {
        "market": ["low", "low", "world"],
        "month": ["2024-01", "2024-02", "2024-01"],
        "listeners": [1, 1, 2],
        "premium": [1, 1, 1],
        "free": [0, 0, 1],
        "revenue_eur": [2.35, 2.35, 4.69 + 0.38],
        "streams": [1, 1, 8],
        "pool_eur": [1.175, 1.175, (4.69 + 0.38) / 2],
    }
    # pro-rata pays each pool by its own streams: Z gets both low pools in full
    pay = r.pro_rata(LOG, float(pools["pool_eur"].sum()))
    assert pay["Z"] == 2.35
    with pytest.raises(InputError, match="payout_share"):
        r.market_pools(LOG, 1.5)


def test_unknown_market_rows_are_named():
    bad = LOG.assign(market=["world", "world", "mars", "low", "low"])
    with pytest.raises(InputError, match="row 2"):
        r.row_payments(bad)
