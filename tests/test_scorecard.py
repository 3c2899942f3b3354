"""Lesson 05, the scorecard and portfolio reports, and the account scorecard app."""

import itertools
from pathlib import Path

import pytest
from conftest import ROOT, find_widget

from valuelab import scoring
from valuelab.core.errors import InputError
from valuelab.data import datasets

LESSON = ROOT / "notebooks" / "05_customer_value_scoring.ipynb"
REPORTS = ROOT / "notebooks" / "reports"
APP = ROOT / "notebooks" / "apps" / "account_scorecard.ipynb"


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
    assert rec["arr_at_risk_eur"] == pytest.approx(groups.loc["churn risk", "arr_eur"])
    churn = scoring.evaluate_indicators(datasets.load("accounts_history"), "churned", 2)
    assert rec["churn_auc"] == pytest.approx(churn["auc"].to_dict())
    assert rec["churn_auc"]["value_realized"] > rec["churn_auc"]["health_score"] + 0.15


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
    from valuelab.reports.engine import KernelWorker, to_html

    with KernelWorker() as worker:
        card = worker.run(REPORTS / "customer_scorecard.ipynb", {"customer_id": "A0011"})
        review = worker.run(REPORTS / "portfolio_review.ipynb", {"segment": "Enterprise"})
        accounts = tmp_path / "mine.csv"
        datasets.load("accounts").head(5).to_csv(accounts, index=False)
        own = worker.run(
            REPORTS / "customer_scorecard.ipynb",
            {"customer_id": "A0004", "accounts_file": str(accounts)},
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
    assert read_records(own)["band"] in {"green", "amber", "red"}


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


def test_app_state_and_build():
    from valuelab.apps import kit
    from valuelab.apps.account_scorecard import build_app
    from valuelab.scoring import scorecard_state

    state = scorecard_state(datasets.load("accounts"), "A0011")
    assert state["account_id"] == "A0011" and state["actions"]
    first = datasets.load("accounts")["account_id"].iloc[0]
    assert scorecard_state(datasets.load("accounts"), "nope")["account_id"] == first
    with pytest.raises(InputError, match="no account 'A0001'; did you mean"):
        scorecard_state(datasets.load("accounts"), "A0001", strict=True)
    app = build_app(account="A0068")
    cards = find_widget(app, kit.KpiCards)
    row = scoring.score_accounts(datasets.load("accounts")).set_index("account_id").loc["A0068"]
    assert cards.values["value_realized"] == pytest.approx(row["value_realized"])


def _upload(page, path):
    """Click the upload button and answer its file chooser, as a user does."""
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.get_by_role("button", name="Upload CSV").click()
    chooser.value.set_files(str(path))


@pytest.mark.browser
def test_the_app_refuses_a_bad_upload_kindly_and_accepts_a_good_one(voila, page, tmp_path):
    server = voila(APP)
    page.goto(server.url + "?account=A0011", wait_until="commit")
    value = page.locator("[data-kpi=value_realized] .vl-kpi-value")
    value.wait_for(timeout=90_000)
    before = value.inner_text()
    bad = tmp_path / "bad_accounts.csv"
    text = datasets.load("accounts").head(4).to_csv(index=False)
    bad.write_text(text.replace("SMB", "Tiny").replace(",3,", ",33,", 1))
    _upload(page, bad)
    alert = page.locator(".vl-error")
    alert.wait_for(timeout=30_000)
    message = alert.inner_text()
    assert "bad_accounts.csv" in message and "segment" in message
    assert "Traceback" not in page.inner_text("body")
    assert value.inner_text() == before, "a bad file loses nothing"
    good = tmp_path / "good_accounts.csv"
    datasets.load("accounts").iloc[10:20].to_csv(good, index=False)
    _upload(page, good)
    page.wait_for_function(
        "() => document.body.innerText.includes('10 accounts from good_accounts.csv')",
        timeout=30_000,
    )
    assert page.errors == []


def test_sample_accounts_in_samples_yaml_exist():
    import yaml

    samples = yaml.safe_load((REPORTS / "samples.yaml").read_text())
    ids = set(datasets.load("accounts")["account_id"])
    assert {s["customer_id"] for s in samples["customer_scorecard.ipynb"]} <= ids
    assert Path(REPORTS / "portfolio_review.ipynb").exists()


@pytest.mark.slow
def test_scorecard_shows_the_input_metric_behind(run_notebook):
    from valuelab.scoring.input_metrics import for_account

    inputs = datasets.load("account_inputs")
    account = str(inputs["account_id"].iloc[0])
    _, rec = run_notebook(REPORTS / "customer_scorecard.ipynb", customer_id=account)
    assert rec["input_behind"] == for_account(account).index[0]
    assert for_account("A0011") is None or "A0011" in set(inputs["account_id"])


def test_account_inputs_are_consistent_funnels():
    inputs = datasets.load("account_inputs")
    stages = ["meetings_booked", "pain_quantified", "demos", "proposals", "deals_won"]
    for before, after in itertools.pairwise(stages):
        assert (inputs[after] <= inputs[before]).all()
    accounts = datasets.load("accounts").set_index("account_id")
    assert (accounts.loc[inputs["account_id"], "goal_metric"] == "revenue growth %").all()
