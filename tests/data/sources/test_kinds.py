"""Kinds of table: an event log's roles, or a shipped table's columns, typed as it types them."""

import pandas as pd
import pytest

from valuelab.core import InputError
from valuelab.data.datasets import load, path
from valuelab.data.sources import KINDS, MONEY_ROLES, concat_frames, open_source, table_kind


def test_each_shipped_kind_has_the_datasets_columns_and_key():
    for name in set(KINDS) - {"events"}:
        kind = table_kind(name)
        money = MONEY_ROLES.get(name, {})  # arr_eur -> arr: roles name no currency
        assert list(kind.roles) == [money.get(c, c) for c in load(name).columns]
        assert not [r for r in kind.roles if r.endswith("_eur")]
        assert kind.key in kind.required
    accounts = table_kind("accounts")
    assert set(accounts.roles) - set(accounts.required) == {
        "usage",
        "nps_answer",
        "health_score",
        "impact_area",
    }
    assert (accounts.roles["open_to_buy"], accounts.roles["months_elapsed"]) == ("boolean", "int64")
    assert table_kind("events").required == ("user", "time") and table_kind("events").events


def test_an_unknown_kind_is_named_with_a_did_you_mean():
    with pytest.raises(InputError, match="unknown kind 'acounts'; did you mean 'accounts'"):
        table_kind("acounts")


def test_an_accounts_table_in_other_names_reads_as_the_sample():
    sample = pd.read_csv(path("accounts"))
    theirs = sample.rename(columns={"account_id": "AccountNo", "arr_eur": "ARR"})
    theirs["AccountNo"] = range(len(theirs))  # integer ids become text
    theirs["open_to_buy"] = theirs["open_to_buy"].map({True: "yes", False: "no"})
    src = open_source(theirs, kind="accounts", account_id="AccountNo", arr="ARR", currency="usd")
    got = src.to_pandas()
    assert list(got.columns) == list(table_kind("accounts").roles)
    assert got["account_id"].tolist()[:3] == ["0", "1", "2"]
    assert got["arr"].sum() == pytest.approx(sample["arr_eur"].sum())  # pandas: the oracle
    assert src.currency == got.attrs["currency"] == got.attrs["provenance"]["currency"] == "USD"
    assert set(got["open_to_buy"]) == {"yes", "no"}  # words: the scoring's reading parses them
    assert src.provenance()["rows"] == len(sample) and src.provenance()["freshness"] is None


def test_missing_required_columns_and_keys_are_named_at_once():
    sample = pd.read_csv(path("accounts")).drop(columns=["goal_target", "usage"])
    sample.loc[[3, 5], "account_id"] = None
    with pytest.raises(InputError) as err:
        open_source(sample.drop(columns=["segment"]), kind="accounts")
    assert "no column for 'segment'" in str(err.value) and "goal_target" in str(err.value)
    assert "usage" not in str(err.value)  # optional
    with pytest.raises(InputError, match="account_id missing on 2 of 436 rows"):
        open_source(sample.assign(goal_target=1.0, segment="SMB"), kind="accounts")
    with pytest.raises(InputError, match="the table is empty"):
        open_source(pd.read_csv(path("accounts")).head(0), kind="accounts")


def test_the_currency_is_declared_never_assumed_from_a_role():
    sample = pd.read_csv(path("accounts")).head(5)
    shipped = open_source(path("accounts"), kind="accounts")  # arr_eur: the shipped name, EUR
    assert shipped.currency == "EUR" and shipped.roles["arr"] == "arr_eur"
    theirs = sample.rename(columns={"arr_eur": "ARR"})
    assert open_source(theirs, kind="accounts", arr="ARR").currency is None  # not declared
    with pytest.warns(DeprecationWarning, match="role 'arr_eur' is now 'arr'"):
        old = open_source(theirs, {"arr_eur": "ARR", "currency": "USD"}, kind="accounts")
    assert old.currency == "USD" and "arr" in old.table.columns  # USD, named without EUR
    with pytest.raises(InputError, match="column 'arr_eur' is named in EUR but the mapping"):
        open_source(sample, kind="accounts", currency="USD")
    with pytest.raises(InputError, match="keep the currency each was reported in"):
        open_source(path("spotify_annual"), kind="spotify_annual", currency="USD")


def test_frames_of_two_currencies_are_not_added():
    sample = pd.read_csv(path("accounts")).head(4)
    eur = open_source(sample, kind="accounts").to_pandas()  # arr_eur: EUR
    theirs = sample.rename(columns={"arr_eur": "ARR"})
    usd = open_source(theirs, kind="accounts", arr="ARR", currency="USD").to_pandas()
    both = concat_frames(usd, usd)
    assert both.attrs["currency"] == "USD" and len(both) == 8
    with pytest.raises(InputError, match="amounts in USD and EUR cannot be added"):
        concat_frames(usd, eur)
    usd.attrs["currency"] = None
    with pytest.raises(InputError, match="in EUR and currency not declared cannot be added"):
        concat_frames(eur, usd)
