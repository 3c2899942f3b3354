"""The account scorecard app: its state, a built app, and an upload in a browser."""

import re

import pytest
from support import NOTEBOOKS, find_widget

from valuelab import scoring
from valuelab.core.errors import InputError
from valuelab.data import datasets

APP = NOTEBOOKS / "apps" / "account_scorecard.ipynb"


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


def test_the_scorecard_says_when_its_weights_are_normalised():
    import ipywidgets as w

    from valuelab.apps import kit
    from valuelab.apps.account_scorecard import build_app

    app = build_app(account="A0068", policy="exclude")
    sliders = find_widget(app, kit.ParamSliders)
    controls = find_widget(app, kit.ParamSliders)
    side = next(b for b in _boxes(app) if controls in getattr(b, "children", ()))
    note = side.children[list(side.children).index(controls) + 1]
    assert isinstance(note, w.HTML) and note.value == "<small>The weights add to 1.</small>"
    sliders.set({"rbo": 0.55})  # 0.55 + 0.3 + 0.15 + 0.15 = 1.15
    assert "The weights add to 1.15; Value Realized uses them normalised" in note.value
    assert "Realized Business Outcome 48 %, Value Perceived 26 %" in note.value  # 0.55 / 1.15
    # 0.7 / 1.3 = 53.8 %, 23.1 %, 11.5 %, 11.5 %: rounded one by one 54 + 23 + 12 + 12 = 101
    sliders.set({"rbo": 0.7})
    shown = [int(p) for p in re.findall(r"(\d+) %", note.value)]
    assert shown == [54, 23, 12, 11] and sum(shown) == 100  # the largest remainders get the 1s
    policy = next(b for b in _boxes(app) if getattr(b, "description", "") == "Missing answers")
    assert policy.value == "exclude" and policy.label == "Leave out"


def _boxes(widget):
    """Every widget under ``widget``, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _boxes(child)


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


def test_state_passes_weights_and_policy_to_the_scores():
    from valuelab.scoring import SCORECARD, scorecard_state

    accounts = datasets.load("accounts")
    only_rbo = {"rbo": 1.0, "value_perceived": 0, "value_expansion": 0, "value_unknown": 0}
    state = scorecard_state(accounts, "A0011", weights=only_rbo, policy="penalize")
    row = state["row"]
    assert row["value_realized"] == pytest.approx(row["rbo"])  # all the weight on RBO
    expected = scoring.score_accounts(accounts, weights=only_rbo, policy="penalize")
    assert len(state["scored"]) == len(expected) == len(accounts)
    assert state["actions"] == scoring.next_actions(row)
    assert set(SCORECARD) <= set(state["scored"].columns)  # every card shows a scored column
