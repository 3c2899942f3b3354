"""The account scorecard app: one account's value scores, the portfolio quadrant, your weights.

It wires an account picker, a CSV upload, a missing-answers policy and weight
sliders to :func:`valuelab.scoring.scorecard.scorecard_state` and the scoring
plots. An uploaded CSV replaces the shipped sample; a bad file shows a
friendly message naming the file, the columns and the accounts, and the app
keeps the portfolio it had.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.core import quantity, whole_percents
from valuelab.data import load
from valuelab.plots import account_scores, score_quadrant
from valuelab.scoring import (
    DEFAULT_WEIGHTS,
    POLICIES,
    SCORECARD,
    read_accounts,
    score_accounts,
    scorecard_state,
)

__all__ = ["POLICY_LABELS", "build_app", "weights_note"]


def _account_controls() -> tuple[w.Widget, w.Widget, w.Widget]:
    """The account picker, the CSV upload and the line saying where the accounts come from."""
    picker = w.Dropdown(description="Account")
    upload = w.FileUpload(accept=".csv", multiple=False, description="Upload CSV")
    return picker, upload, w.HTML()


#: What each missing-answers policy does, in words.
POLICY_LABELS = {
    "neutral": "Count as neutral (50)",
    "penalize": "Count as 0",
    "exclude": "Leave out",
}


def _policy_box(policy: str) -> w.Widget:
    return w.Dropdown(
        options=[(POLICY_LABELS.get(p, p), p) for p in POLICIES],
        value=policy if policy in POLICIES else "neutral",
        description="Missing answers",
        style={"description_width": "initial"},
    )


def _weight_sliders(weights: str) -> kit.ParamSliders:
    """One slider (0-1) per weighted score, labelled with the score's name.

    ``weights`` (a link's changed weights, ``"rbo:0.5"``; see
    :func:`~valuelab.apps.kit.urlstate.parse_drivers`) over :data:`DEFAULT_WEIGHTS`.
    """
    start = {**DEFAULT_WEIGHTS, **kit.parse_drivers(weights)}
    sliders = kit.ParamSliders(
        {key: (f"Weight: {quantity(key).label}", 0.0, 1.0, 0.05) for key in DEFAULT_WEIGHTS},
        {key: min(max(start[key], 0.0), 1.0) for key in DEFAULT_WEIGHTS},
    )
    for s in sliders.sliders.values():
        s.layout = w.Layout(width="98%")
        s.style.description_width = "230px"
    return sliders


def weights_note(weights: dict[str, float]) -> str:
    """What the weights do: their sum and, when it is not 1, the normalised shares used.

    The shares are whole percents that add to 100 (largest remainder,
    :func:`~valuelab.core.rounding.whole_percents`).

    Examples
    --------
    >>> weights_note({"rbo": 0.4, "value_perceived": 0.3})
    '<small>The weights add to 0.70; Value Realized uses them normalised to add to 1: Realized Business Outcome 57 %, Value Perceived 43 %.</small>'
    >>> weights_note({"rbo": 0.5, "value_perceived": 0.5})
    '<small>The weights add to 1.</small>'
    """  # noqa: E501
    total = sum(weights.values())
    if abs(total - 1) < 1e-9:
        return "<small>The weights add to 1.</small>"
    if total <= 0:
        return "<small>Give at least one weight above 0.</small>"
    percents = whole_percents(list(weights.values()))  # shown shares add to 100 %
    shares = ", ".join(
        f"{html.escape(quantity(k).label)} {p} %" for k, p in zip(weights, percents, strict=True)
    )
    return (
        f"<small>The weights add to {total:.2f}; Value Realized uses them normalised to add "
        f"to 1: {shares}.</small>"
    )


def _actions_html(state: dict[str, Any]) -> str:
    """The account's segment, band and goal status and its next actions."""
    row = state["row"]
    band = html.escape(str(row["band"]))
    return (
        f'<div class="vl-actions"><b>{html.escape(state["account_id"])}</b> · '
        f"{html.escape(str(row['segment']))} · band <b>{band}</b> · goal "
        f"{html.escape(str(row['goal_status']))}<ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in state["actions"])
        + "</ul></div>"
    )


def _view() -> dict[str, w.Widget]:
    """The output widgets: errors, cards, next actions, score bars and the quadrant."""
    return {
        "errors": kit.ErrorPanel(),
        "cards": kit.KpiCards({key: key for key in SCORECARD}),
        "actions": w.HTML(),
        "bars": kit.FigureBox(),
        "quadrant": kit.FigureBox(),
    }


def _show(view: dict[str, w.Widget], state: dict[str, Any]) -> None:
    row = state["row"]
    view["cards"].update({key: float(row[key]) for key in SCORECARD})
    view["actions"].value = _actions_html(state)
    view["bars"].show(account_scores(row))
    view["quadrant"].show(score_quadrant(state["scored"], highlight=state["account_id"]))


def _save_button(state: Any, controls: list[w.Widget]) -> kit.SaveReport:
    """Save as report: the view named by its account, the settings read from ``controls``."""
    return kit.SaveReport(
        "Account scorecard",
        state,
        app="account_scorecard.ipynb",
        view=("account",),
        controls=controls,
    )


def build_app(account: str = "", policy: str = "neutral", weights: str = "") -> w.Widget:
    """The scorecard: account picker, CSV upload, weight sliders, cards, bars and quadrant.

    ``account``, ``policy`` and ``weights`` (changed weights, ``"rbo:0.5"``) set the
    starting state, e.g. from the page URL; unknown values fall back to defaults.
    """
    data = {"accounts": load("accounts"), "source": "the shipped sample (synthetic)"}
    picker, upload, source = _account_controls()
    policy_box = _policy_box(policy)
    sliders = _weight_sliders(weights)
    note = w.HTML(weights_note(sliders.values))
    sliders.observe_all(lambda _: setattr(note, "value", weights_note(sliders.values)))
    view = _view()

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
        with view["errors"].guard():
            accounts, weights = data["accounts"], sliders.values
            _show(view, scorecard_state(accounts, picker.value, weights, policy_box.value))

    def uploaded(change: dict) -> None:
        if not change["new"]:
            return
        item = change["new"][0]
        with view["errors"].guard():
            frame = read_accounts(bytes(item["content"]), name=item["name"])
            score_accounts(frame)  # refuse a file the scores cannot use, before switching
            data.update(accounts=frame, source=item["name"])
            set_options(picker.value)
            refresh()

    def state() -> tuple:
        weighed = kit.format_drivers(sliders.values, DEFAULT_WEIGHTS)
        params = {"account": picker.value, "policy": policy_box.value, "weights": weighed}
        return params, view["cards"], [view["bars"].figure, view["quadrant"].figure]

    save = _save_button(state, [picker, policy_box, sliders])
    set_options(account)
    upload.observe(uploaded, names="value")
    policy_box.observe(refresh, names="value")
    sliders.observe_all(refresh)
    refresh()
    return kit.page(
        "Account scorecard",
        "Choose an account or upload your own CSV, weigh the scores: the scorecard, the "
        "next actions and the portfolio quadrant follow.",
        [picker, upload, source, policy_box, sliders, note, save],
        [w.VBox(list(view.values()))],
    )
