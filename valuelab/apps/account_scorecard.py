"""The account scorecard app: one account's value scores, the portfolio quadrant, your weights.

The pure part, :func:`scorecard_state`, computes what the app shows from
:mod:`valuelab.scoring.scores` and :mod:`valuelab.scoring.portfolio`; :func:`build_app` only
wires widgets to it. A CSV of accounts can be uploaded in place of the
shipped sample; a bad file shows a friendly message naming the file, the
columns and the accounts, and the app keeps the portfolio it had.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as w
import pandas as pd

from valuelab.apps import kit
from valuelab.core import InputError
from valuelab.data import load
from valuelab.plots import account_scores, score_quadrant
from valuelab.scoring import DEFAULT_WEIGHTS, POLICIES, next_actions, read_accounts, score_accounts

__all__ = ["CARDS", "build_app", "scorecard_state"]

#: KPI cards: score -> (label, unit, format).
CARDS = {
    "rbo": ("Realized Business Outcome", "/100", ",.0f"),
    "value_perceived": ("Value Perceived", "/100", ",.0f"),
    "value_expansion": ("Value Expansion", "/100", ",.0f"),
    "value_unknown": ("Value Unknown", "/100", ",.0f"),
    "value_realized": ("Value Realized", "/100", ",.0f"),
    "confidence": ("Confidence", "", ".0%"),
}


def scorecard_state(
    accounts: pd.DataFrame,
    account_id: str | None = None,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
    strict: bool = False,
) -> dict[str, Any]:
    """Scores of the portfolio and of one account (default: the first).

    An unknown ``account_id`` falls back to the first account, or with
    ``strict=True`` (reports) raises :class:`InputError` naming it.

    Returns
    -------
    dict
        ``scored`` (every account), ``row`` (the chosen account's scored row),
        ``account_id`` and ``actions`` (recommended next actions).

    Examples
    --------
    >>> s = scorecard_state(load("accounts"))
    >>> sorted(s)
    ['account_id', 'actions', 'row', 'scored']
    """
    scored = score_accounts(accounts, weights=weights, policy=policy)
    ids = scored["account_id"].astype(str)
    if account_id is None or account_id not in set(ids):
        if strict:
            close = difflib.get_close_matches(str(account_id), list(ids), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"no account '{account_id}'{hint}",
                source="customer_id",
                expected=f"one of {len(ids)} ids such as {ids.iloc[0]}",
            )
        account_id = str(ids.iloc[0])
    row = scored[ids == account_id].iloc[0]
    return {"scored": scored, "row": row, "account_id": account_id, "actions": next_actions(row)}


def build_app(account: str = "", policy: str = "neutral") -> w.Widget:
    """The scorecard: account picker, CSV upload, weight sliders, cards, bars and quadrant.

    ``account`` and ``policy`` set the starting state, e.g. from the page URL;
    unknown values fall back to the first account and ``neutral``.
    """
    data = {"accounts": load("accounts"), "source": "the shipped sample (synthetic)"}
    policy = policy if policy in POLICIES else "neutral"
    picker = w.Dropdown(description="Account")
    upload = w.FileUpload(accept=".csv", multiple=False, description="Upload CSV")
    source = w.HTML()
    policy_box = w.Dropdown(
        options=list(POLICIES),
        value=policy,
        description="Missing answers",
        style={"description_width": "initial"},
    )
    sliders = kit.ParamSliders(
        {
            "rbo": ("Weight: Realized Business Outcome", 0.0, 1.0, 0.05),
            "value_perceived": ("Weight: Value Perceived", 0.0, 1.0, 0.05),
            "value_expansion": ("Weight: Value Expansion", 0.0, 1.0, 0.05),
            "value_unknown": ("Weight: Value Unknown", 0.0, 1.0, 0.05),
        },
        DEFAULT_WEIGHTS,
    )
    for s in sliders.sliders.values():
        s.layout = w.Layout(width="98%")
        s.style.description_width = "230px"
    cards = kit.KpiCards(CARDS)
    errors = kit.ErrorPanel()
    actions = w.HTML()
    bars, quadrant = kit.FigureBox(), kit.FigureBox()

    def set_options(keep: str) -> None:
        ids = data["accounts"]["account_id"].astype(str).tolist()
        if data.pop("observing", False):
            picker.unobserve(refresh, names="value")
        picker.options = ids
        picker.value = keep if keep in ids else ids[0]
        picker.observe(refresh, names="value")
        source.value = f"<small>{len(ids)} accounts from {html.escape(data['source'])}</small>"

    @kit.debounced()
    def refresh(*_: object) -> None:
        with errors.guard():
            state = scorecard_state(
                data["accounts"], picker.value, sliders.values, policy_box.value
            )
            row = state["row"]
            cards.update({k: float(row[k]) for k in CARDS})
            band = html.escape(str(row["band"]))
            actions.value = (
                f'<div class="vl-actions"><b>{html.escape(state["account_id"])}</b> · '
                f"{html.escape(str(row['segment']))} · band <b>{band}</b> · goal "
                f"{html.escape(str(row['goal_status']))}<ul>"
                + "".join(f"<li>{html.escape(a)}</li>" for a in state["actions"])
                + "</ul></div>"
            )
            bars.show(account_scores(row))
            quadrant.show(score_quadrant(state["scored"], highlight=state["account_id"]))

    def uploaded(change: dict) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        with errors.guard():
            frame = read_accounts(bytes(item["content"]), name=item["name"])
            score_accounts(frame)  # refuse a file the scores cannot use, before switching
            data.update(accounts=frame, source=item["name"])
            set_options(picker.value)
            refresh()

    def state() -> tuple:
        params = {"account": picker.value, "policy": policy_box.value}
        return params, cards, [bars.figure, quadrant.figure]

    save = kit.SaveReport("Account scorecard", state, app="account_scorecard.ipynb")
    set_options(account)
    upload.observe(uploaded, names="value")
    policy_box.observe(refresh, names="value")
    sliders.observe_all(refresh)
    refresh()
    return kit.page(
        "Account scorecard",
        "Choose an account or upload your own CSV, weigh the scores: the scorecard, the "
        "next actions and the portfolio quadrant follow.",
        [picker, upload, source, policy_box, sliders, save],
        [w.VBox([errors, cards, actions, bars, quadrant])],
    )
