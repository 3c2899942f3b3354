"""Goal progress and the five scores by hand; lesson 05 and the scorecard reports."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import NOTEBOOKS

from valuelab import scoring
from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.scoring import goal_progress, score_accounts


def test_growth_goal_example_off_track():
    r = goal_progress(50, 3, 3, 12)
    assert r["status"] == "off track"
    assert float(r["expected"]) == pytest.approx(12.5)
    assert float(r["projected"]) == pytest.approx(12.0)
    assert float(r["gap"]) == pytest.approx(38.0)


def test_vectorized_statuses():
    r = goal_progress([10, 10, 10], [2.5, 2.0, 1.0], [3, 3, 3], [12, 12, 12])
    assert list(r["status"]) == ["on track", "at risk", "off track"]


def test_s_curve_expected():
    r = goal_progress(100, 10, 6, 12, curve="s-curve")
    assert float(r["expected"]) == pytest.approx(50.0)


def test_errors():
    with pytest.raises(InputError, match="horizon"):
        goal_progress(1, 1, 1, 0)
    with pytest.raises(InputError, match="curve"):
        goal_progress(1, 1, 1, 12, curve="zigzag")
    with pytest.raises(InputError, match="elapsed"):
        goal_progress(np.array([1.0]), 1, 0, 12)


# --- the five scores ----------------------------------------------------------------------


def _accounts(**over):
    base = dict(
        account_id=["A1", "A2"],
        segment=["SMB", "Enterprise"],
        arr_eur=[10_000.0, 120_000.0],
        goal_metric=["revenue growth %", "cost reduction %"],
        goal_baseline=[0.0, 100.0],
        goal_target=[50.0, 80.0],
        goal_current=[3.0, 90.0],
        months_elapsed=[3, 6],
        horizon_months=[12, 12],
        outcome_evidence=pd.array([2, None], dtype="Int64"),
        intended_value_realized=pd.array([4, 9], dtype="Int64"),
        expansion_intent=pd.array([2, 8], dtype="Int64"),
        open_to_buy=[False, True],
        unknown_value_mentions=pd.array([0, 2], dtype="Int64"),
        rbo_validated=[True, False],
        perceived_validated=[True, True],
        expansion_validated=[False, False],
        unknown_validated=[True, True],
    )
    base.update(over)
    return pd.DataFrame(base)


def test_scores_match_hand_computed_values():
    s = score_accounts(_accounts()).set_index("account_id")
    # A1: +50 % goal at +3 % after 3 of 12 months -> projected 12 %, attainment 0.24
    assert s.loc["A1", "goal_attainment"] == pytest.approx(0.24)
    assert s.loc["A1", "goal_status"] == "off track"
    assert s.loc["A1", "rbo"] == pytest.approx(100 * (0.6 * 0.24 + 0.4 * 2 / 5))  # 30.4
    assert s.loc["A1", "value_perceived"] == 40
    assert s.loc["A1", "value_expansion"] == pytest.approx(12)  # 2/10 x 0.6 (not open to buy)
    assert s.loc["A1", "value_unknown"] == 0
    assert s.loc["A1", "value_realized"] == pytest.approx(0.4 * 30.4 + 0.3 * 40 + 0.15 * 12)
    assert s.loc["A1", "confidence"] == pytest.approx(0.4 + 0.3 + 0.15 * 0.8 + 0.15)
    assert s.loc["A1", "band"] == "red"
    # A2: a goal to decrease (100 -> 80) at 90 after half the time: on track
    assert s.loc["A2", "goal_attainment"] == 1.0 and s.loc["A2", "goal_status"] == "on track"
    assert s.loc["A2", "value_unknown"] == pytest.approx(100 * (1 - np.exp(-1)))
    assert s.loc["A2", "band"] == "green"


def test_missing_value_policies():
    neutral = score_accounts(_accounts(), policy="neutral").loc[1]
    penal = score_accounts(_accounts(), policy="penalize").loc[1]
    excl = score_accounts(_accounts(), policy="exclude").loc[1]
    # A2's outcome evidence is missing: counted as 2.5/5, as 0, or left out
    assert neutral["rbo"] == pytest.approx(100 * (0.6 + 0.4 * 0.5))
    assert penal["rbo"] == pytest.approx(60)
    assert excl["rbo"] == pytest.approx(100)
    every_missing = _accounts(intended_value_realized=pd.array([None, None], dtype="Int64"))
    out = score_accounts(every_missing, policy="exclude")
    assert out["value_perceived"].isna().all()
    w = {"rbo": 0.4, "value_expansion": 0.15, "value_unknown": 0.15}
    a1 = (w["rbo"] * 30.4 + w["value_expansion"] * 12) / sum(w.values())
    assert out.loc[0, "value_realized"] == pytest.approx(a1)  # weights renormalised


def test_weights_are_normalised_and_checked():
    a = score_accounts(_accounts(), weights={"rbo": 2, "value_perceived": 2})
    assert a.loc[0, "value_realized"] == pytest.approx((30.4 + 40) / 2)
    with pytest.raises(InputError, match="unknown scores \\['nps'\\]"):
        score_accounts(_accounts(), weights={"nps": 1})
    with pytest.raises(InputError, match="weights"):
        score_accounts(_accounts(), weights={"rbo": -1})
    with pytest.raises(InputError, match="unknown policy 'ignore'"):
        score_accounts(_accounts(), policy="ignore")


def test_bad_accounts_are_named_all_at_once():
    bad = _accounts(
        account_id=["A1", "A1"],
        intended_value_realized=pd.array([11, 3], dtype="Int64"),
        months_elapsed=[3, 13],
        segment=["SMB", "Whale"],
        outcome_evidence=[np.nan, -1],
    )
    with pytest.raises(InputError) as info:
        score_accounts(bad, source="accounts.csv")
    msg = str(info.value)
    assert msg.startswith("accounts.csv: ")
    for part in [
        "column 'account_id'",
        "duplicate",
        "column 'intended_value_realized'",
        "above 10",
        "column 'months_elapsed'",
        "beyond the horizon",
        "column 'segment'",
        "column 'outcome_evidence'",
    ]:
        assert part in msg, part


def test_scoring_is_vectorized_and_equals_row_by_row():
    big = pd.concat([_accounts()] * 50, ignore_index=True)
    big["account_id"] = [f"A{i}" for i in range(len(big))]
    whole = score_accounts(big)
    for i in (0, 1, 57, 99):
        one = score_accounts(big.iloc[[i]])
        assert one["value_realized"].iloc[0] == pytest.approx(whole["value_realized"].iloc[i])


def test_scoring_adds_columns_without_touching_the_accounts_and_labels_as_pandas_does():
    accounts = _accounts(months_elapsed=[3, 0])  # A2 not started
    before = accounts.copy()
    scored = score_accounts(accounts)
    pd.testing.assert_frame_equal(accounts, before)
    scored.loc[0, "goal_current"] = -1.0
    assert accounts.loc[0, "goal_current"] == before.loc[0, "goal_current"]
    text = pd.Series(["x"]).dtype  # pandas' own text dtype, as np.where's labels become
    assert scored["goal_status"].dtype == text and scored["band"].dtype == text
    assert scored["goal_status"].tolist() == ["off track", "not started"]
    assert scored["band"].tolist() == list(scoring.band(scored["value_realized"].to_numpy()))
    assert scoring.band(np.array([np.nan, 70, 39.9])).tolist() == ["unknown", "green", "red"]
    assert goal_progress(np.array([10.0, 10, 10]), [9, 7, 1], 12, 12)["status"].tolist() == [
        "on track",
        "at risk",
        "off track",
    ]


# --- reading accounts, lesson 05 and its reports ------------------------------------------

LESSON = NOTEBOOKS / "05_customer_value_scoring.ipynb"
REPORTS = NOTEBOOKS / "reports"


@pytest.mark.slow
def test_lesson_numbers(run_notebook):
    _, rec = run_notebook(LESSON)
    assert rec["example_expected"] == 12.5 and rec["example_projected"] == 12.0
    assert rec["example_status"] == "off track"
    assert rec["input_behind"] == "proposal_rate"
    scored = scoring.score_accounts(datasets.load("accounts"))
    assert (
        rec["bands"]
        == scored["band"]
        .value_counts()
        .reindex(["green", "amber", "red", "unknown"], fill_value=0)
        .to_dict()
    )
    groups = scoring.segment_portfolio(scored)
    assert rec["arr_at_risk"] == pytest.approx(groups.loc["churn risk", "arr"])
    churn = scoring.evaluate_indicators(datasets.load("accounts_history"), "churned", 2)
    assert rec["churn_auc"] == pytest.approx(churn["auc"].to_dict())
    assert rec["churn_auc"]["value_realized"] > rec["churn_auc"]["health_score"] + 0.15
    # the bootstrap test (500 draws of accounts, seed 0): the lead is more than noise
    vr = rec["churn_test"]["value_realized"]
    assert round(vr["auc"], 3) == 0.849
    assert vr["auc_low"] == pytest.approx(0.82, abs=0.01)
    assert vr["auc_high"] == pytest.approx(0.875, abs=0.01)
    assert vr["vs_low"] > 0.2 and vr["verdict"] == "better"  # vs health score 0.560
    assert round(rec["churn_test"]["health_score"]["auc"], 3) == 0.560
    assert rec["expand_test"]["value_realized"]["verdict"] == "better"
    assert rec["expand_test"]["usage"]["verdict"] == "no clear difference"
    # validation with the customer: no measurable effect (the generator builds in none)
    valid = rec["validation"]
    assert round(valid["validated"]["auc"], 3) == 0.856
    assert round(valid["self-reported"]["auc"], 3) == 0.841
    assert valid["difference"]["low"] < 0 < valid["difference"]["high"]
    sources = {figure: (value, kind) for figure, value, kind in rec["sources"]}
    assert sources["Principle 11's example: revenue growth targeted"] == ("50 % a year", "reported")
    assert sources["Confidence of a self-reported score"] == (
        f"{scoring.SELF_REPORTED * 100:.0f} %",  # a share reads in percent, as the apps show it
        "estimated",
    )
    assert sources["Example: expected by month 3"] == ("12.5 %", "derived")
    assert sources["Example: projected at month 12"] == ("12.0 %", "derived")
    assert sources["ARR at churn risk"] == (
        f"{groups.loc['churn risk', 'arr']:,.0f} EUR",  # the sample's currency
        "derived",
    )
    assert sources["Churn AUC, Value Realized"][0] == (
        f"0.85 ({vr['auc_low']:.2f}-{vr['auc_high']:.2f})"
    )
    assert sources["Churn AUC, Health score"] == ("0.56", "derived")
    assert sources["Validated minus self-reported churn AUC"][0].startswith("+0.015 (-0.0")
    # the numbers the lesson states are in its sources table
    assert sources["Accounts at churn risk"] == ("73 accounts", "derived")
    assert sources["Share of ARR at churn risk"] == ("14.5 %", "derived")
    assert sources["Whitespace (expansion) accounts"] == ("84 accounts", "derived")
    bands = " / ".join(str(rec["bands"][b]) for b in ["green", "amber", "red", "unknown"])
    assert sources["Bands green / amber / red / unknown"] == (f"{bands} accounts", "derived")
    assert sources["Churn AUC, Value Realized minus Health score"][0] == (
        f"{vr['auc'] - rec['churn_test']['health_score']['auc']:+.2f} "
        f"({vr['vs_low']:+.2f} to {vr['vs_high']:+.2f})"
    )
    assert sources["Churn AUC, Value Realized minus Health score"][0].startswith("+0.29 (+0.2")
    ev = rec["expand_test"]["value_realized"]
    eb = ev["best_usual"]
    assert sources["Expansion AUC, Value Realized"] == (f"{ev['auc']:.2f}", "derived")
    assert eb == "nps_answer"  # shown by its label, not its key
    assert sources["Expansion AUC, Likelihood to recommend (NPS answer)"] == (
        f"{rec['expand_test'][eb]['auc']:.2f}",
        "derived",
    )
    # the takeaway is generated from the verdicts: which scores lead, which do not
    churn_t = pd.DataFrame.from_dict(rec["churn_test"], orient="index")
    expand_t = pd.DataFrame.from_dict(rec["expand_test"], orient="index")
    assert rec["lead_sentence"] == scoring.lead_sentence(churn_t, expand_t)
    for table in (churn_t, expand_t):
        unknown = table.loc["value_unknown", "verdict"]
        assert unknown == "no clear difference"  # Value Unknown does not lead
    assert "Value Unknown shows no clear difference" in rec["lead_sentence"]


@pytest.mark.slow
def test_lesson_weights_and_policy(run_notebook):
    _, rec = run_notebook(
        LESSON,
        weight_rbo=1.0,
        weight_perceived=0.0,
        weight_expansion=0.0,
        weight_unknown=0.0,
        policy="penalize",
        horizon_quarters=1,
    )
    scored = scoring.score_accounts(
        datasets.load("accounts"),
        weights={"rbo": 1.0, "value_perceived": 0, "value_expansion": 0, "value_unknown": 0},
        policy="penalize",
    )
    assert rec["bands"]["red"] == int((scored["band"] == "red").sum())


@pytest.mark.slow
def test_scorecard_and_portfolio_reports(tmp_path):
    from valuelab.reports import read_records
    from valuelab.reports.engine import KernelWorker
    from valuelab.reports.html import to_html

    data, mapping = _usd_accounts(tmp_path)  # a US CRM's accounts: other names, USD
    (tmp_path / "bare").mkdir()
    bare_data, bare_mapping = _usd_accounts(tmp_path / "bare", currency=None)
    usd = {"source": str(data), "mapping": str(mapping)}
    with KernelWorker() as worker:
        usd_card = worker.run(
            REPORTS / "customer_scorecard.ipynb", {"customer_id": "US-A0002", **usd}
        )
        usd_review = worker.run(REPORTS / "portfolio_review.ipynb", usd)
        bare = worker.run(
            REPORTS / "portfolio_review.ipynb",
            {"source": str(bare_data), "mapping": str(bare_mapping)},
        )
        card = worker.run(REPORTS / "customer_scorecard.ipynb", {"customer_id": "A0011"})
        review = worker.run(REPORTS / "portfolio_review.ipynb", {"segment": "Enterprise"})
        accounts = tmp_path / "mine.csv"
        datasets.load("accounts").head(5).to_csv(accounts, index=False)
        own = worker.run(
            REPORTS / "customer_scorecard.ipynb",
            {"customer_id": "A0004", "source": str(accounts)},
        )
    rec = read_records(card)
    row = scoring.score_accounts(datasets.load("accounts")).set_index("account_id").loc["A0011"]
    assert (
        rec["value_realized"] == pytest.approx(row["value_realized"]) and rec["band"] == row["band"]
    )
    page = to_html(card)
    assert "Recommended next actions" in page and "A0011" in page and "plotly-graph-div" in page
    enterprise = scoring.score_accounts(datasets.load("accounts").query("segment == 'Enterprise'"))
    assert read_records(review)["accounts"] == len(enterprise)
    assert read_records(review)["currency"] == "EUR" and "EUR" in to_html(review)  # the sample
    assert read_records(own)["band"] in {"green", "amber", "red"}
    # USD accounts: the figures are the sample's (plain pandas: the oracle), said in USD only
    oracle = score_accounts(datasets.load("accounts").head(40))
    risk = oracle[scoring.classify(oracle) == "churn risk"]["arr"].sum()
    rec = read_records(usd_review)
    assert rec["currency"] == "USD" and rec["arr_at_risk"] == pytest.approx(risk)
    arr = oracle.set_index("account_id").loc["A0002", "arr"]
    card_page, review_page = to_html(usd_card), to_html(usd_review)
    assert f"ARR {arr:,.0f} USD/year" in card_page and "EUR" not in card_page
    assert f"{risk:,.0f} USD/year" in review_page and "EUR" not in review_page
    assert "ARR (USD/year)" in review_page  # the chart's axis and the table's column
    # no currency declared: said so, never EUR
    bare_page = to_html(bare)
    assert read_records(bare)["currency"] == "currency not declared"  # as the batch index says
    assert "currency not declared" in bare_page and "EUR" not in bare_page


def test_reading_an_uploaded_csv(tmp_path):
    good = tmp_path / "accounts.csv"
    datasets.load("accounts").head(3).to_csv(good, index=False)
    frame = scoring.read_accounts(good.read_bytes(), name="accounts.csv")
    assert len(frame) == 3 and str(frame["outcome_evidence"].dtype) == "Int64"
    bad = good.read_text().replace("SMB", "Tiny", 1)
    with pytest.raises(InputError) as info:
        scoring.read_accounts(bad.encode(), name="mine.csv")
    assert str(info.value).startswith("mine.csv: column 'segment', row ")
    with pytest.raises(InputError, match="mine.bin: cannot read"):
        scoring.read_accounts(b"\x00\xff\xfe garbage", name="mine.bin")


# --- the accounts' currency --------------------------------------------------------------

_USD_COLUMNS = {"account_id": "AccountNo", "arr_eur": "AnnualRecurringRevenue", "segment": "Tier"}


def _usd_accounts(tmp_path: Path, currency: str | None = "USD") -> tuple[Path, Path]:
    """The sample's first 40 accounts under a US CRM's names, string ids; its mapping."""
    frame = datasets.load("accounts").head(40).rename(columns=_USD_COLUMNS)
    frame["AccountNo"] = "US-" + frame["AccountNo"].astype(str)
    data, mapping = tmp_path / "us_accounts.csv", tmp_path / "us.yaml"
    frame.to_csv(data, index=False)
    roles = {"account_id": "AccountNo", "arr": "AnnualRecurringRevenue", "segment": "Tier"}
    lines = ["kind: accounts", *(f"{r}: {c}" for r, c in roles.items())]
    mapping.write_text("\n".join(lines + ([f"currency: {currency}"] if currency else [])) + "\n")
    return data, mapping


def test_arr_carries_its_currency_through_the_scores(tmp_path):
    from valuelab.data.sources import open_source

    sample = datasets.load("accounts")
    shipped = score_accounts(sample)  # arr_eur: the shipped name, read as arr in EUR
    assert shipped.attrs["currency"] == "EUR" and "arr" in shipped and "arr_eur" not in shipped
    data, mapping = _usd_accounts(tmp_path)
    src = open_source(data, mapping, kind="accounts")
    usd = scoring.accounts_frame(src.to_pandas(), src.name)
    scored = score_accounts(usd)
    assert scored.attrs["currency"] == "USD"
    # the same numbers as the sample's first 40 (plain pandas: the oracle), now in USD
    oracle = shipped.head(40)
    assert scored["value_realized"].tolist() == pytest.approx(oracle["value_realized"].tolist())
    groups = scoring.segment_portfolio(scored)
    assert groups.attrs["currency"] == "USD"
    risk = oracle[scoring.classify(oracle) == "churn risk"]["arr"].sum()
    assert groups.loc["churn risk", "arr"] == pytest.approx(risk)
    state = scoring.scorecard_state(usd, "US-A0002", strict=True)
    assert state["row"].attrs["currency"] == "USD"
    assert all("EUR" not in action for action in state["actions"])
    with pytest.raises(InputError, match="ARR is in USD, not EUR"):
        scoring.accounts_frame(usd, currency="EUR")
    assert (
        scoring.with_currency(sample.rename(columns={"arr_eur": "arr"})).attrs["currency"] is None
    )


def test_sample_accounts_in_samples_yaml_exist():
    import yaml

    samples = yaml.safe_load((REPORTS / "samples.yaml").read_text())
    ids = set(datasets.load("accounts")["account_id"])
    assert {s["customer_id"] for s in samples["customer_scorecard.ipynb"]} <= ids
    assert Path(REPORTS / "portfolio_review.ipynb").exists()


def test_goal_progress_refuses_text_and_flags():
    with pytest.raises(InputError, match="target: 'abc' is not a number"):
        goal_progress("abc", 1, 1, 12)
    with pytest.raises(InputError, match="achieved: True is not a number"):
        goal_progress(50, True, 1, 12)
    with pytest.raises(InputError, match="horizon: 0 out of range"):
        goal_progress(50, 3, 3, 0)


def test_accounts_frame_reads_any_readers_frame_as_read_accounts_reads_a_csv(tmp_path):
    sample = pd.read_csv(datasets.path("accounts"))  # plain dtypes: floats, True/False
    sample["open_to_buy"] = sample["open_to_buy"].map({True: "yes", False: "no"})
    frame = scoring.accounts_frame(sample, "crm")
    assert str(frame["outcome_evidence"].dtype) == "Int64" and frame["open_to_buy"].dtype == bool
    assert frame["open_to_buy"].sum() == datasets.load("accounts")["open_to_buy"].sum()
    with pytest.raises(InputError, match="^crm: column 'segment'"):
        scoring.accounts_frame(sample.assign(segment="Tiny"), "crm")
