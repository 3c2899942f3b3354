"""The royalty calculator app: what an artist earns per stream and per month.

It wires an artist's streams, deal and payout rule to
:func:`valuelab.royalties.calculator.artist_income` (the rules and their labels:
:data:`valuelab.royalties.rules.PAYOUT_RULES`) and shows where each euro goes
(:func:`valuelab.plots.euro_flow`).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from valuelab.apps import kit
from valuelab.core import quantity
from valuelab.plots import euro_flow
from valuelab.royalties import (
    CALCULATOR_RULES,
    DEALS,
    DEFAULT_RATE_USD,
    PAYOUT_RULES,
    artist_income,
    euro_path,
)

__all__ = ["CARDS", "DEAL_KEYS", "build_app", "deal_key"]

#: A stable key per deal of :data:`~valuelab.royalties.moneyflow.DEALS` (whose keys are the
#: texts shown): what the page's address carries (``deal=self_released``).
DEAL_KEYS = {
    "major": "major label (CMA 2021 average)",
    "independent": "independent 50/50 (assumption)",
    "self_released": "self-released (assumption)",
}

#: KPI cards: result of :func:`~valuelab.royalties.calculator.artist_income` -> quantity.
CARDS = {
    "per_stream": "artist_income_per_stream",
    "monthly": "artist_income_month",
    "needed": "streams_needed_month",
}
#: The inputs a shared link sets: every control, so the address is the view on screen.
_URL_PARAMS = (
    "monthly_streams",
    "deal",
    "rule",
    "target_income",
    "fan_intensity",
    "fan_payment",
    "rate",
    "tracks",
    "writes_songs",
)
_NOTE = (
    "<small>Rate: what the recording side (label or distributor) receives from Spotify, "
    "USD 0.003-0.005 a stream (press estimates from label and distributor statements, "
    "The Seattle Times, 2021); the publishing side is paid separately and derived here with "
    "DiMA's 2021 split (80 % recording). Deal: artist royalty on the label's share; the "
    "major figure is the UK CMA's 2021 average for new artists. Fans' payment: what the "
    "artist's listeners pay vs the average listener (user-centric pays each listener's own "
    "payment; Premium fans > 1, free fans < 1).</small>"
)

#: Says which figures are in which currency: the artist's income in USD (the
#: per-stream rates are quoted in USD), the split of revenue in EUR (Spotify reports in EUR).
_CURRENCIES = (
    '<div class="vl-note"><b>The artist\'s income, in USD</b> (stream rates are quoted in '
    "USD). The chart below is in EUR: how Spotify's revenue, reported in EUR, is split.</div>"
)


def deal_key(deal: str) -> str:
    """The key of a deal given by its key or by its shown text (links written before the keys).

    Unknown deals fall back to ``"major"``.

    Examples
    --------
    >>> deal_key("self_released"), deal_key("self-released (assumption)"), deal_key("x")
    ('self_released', 'self_released', 'major')
    """
    if deal in DEAL_KEYS:
        return deal
    return next((key for key, text in DEAL_KEYS.items() if text == deal), "major")


def _slider(value: float, low: float, high: float, key: str) -> kit.SteppedSlider:
    """A slider of multiples of the average (x); a value out of range starts at 1."""
    return kit.SteppedSlider(
        value=value if low <= value <= high else 1.0,
        min=low,
        max=high,
        step=0.05 if high <= 2 else 0.25,
        description=quantity(key).title,
        readout_format=quantity(key).d3_format,
        continuous_update=False,
    )


def _controls(start: dict[str, Any]) -> dict[str, w.Widget]:
    """One control per argument of ``artist_income``, in page order; invalid values -> defaults."""
    monthly_streams, deal, rule = start["monthly_streams"], start["deal"], start["rule"]
    boxes = {
        "monthly_streams": w.BoundedIntText(
            value=monthly_streams if 0 <= monthly_streams <= 10**10 else 100_000,
            min=0,
            max=10**10,
            step=10_000,
            description=quantity("monthly_streams").title,
        ),
        "deal": w.Dropdown(
            options=[(text, key) for key, text in DEAL_KEYS.items()],
            value=deal_key(deal),
            description="Deal",
        ),
        "rule": w.Dropdown(
            options=[(PAYOUT_RULES[key].label, key) for key in CALCULATOR_RULES],
            value=rule if rule in CALCULATOR_RULES else "pro_rata",
            description="Payout rule",
        ),
        "fan_intensity": _slider(start["fan_intensity"], 0.25, 4.0, "fan_intensity"),
        "fan_payment": _slider(start["fan_payment"], 0.05, 2.0, "fan_payment"),
        "target_income": w.FloatText(
            value=start["target_income"], description=quantity("target_income").title
        ),
        "rate": w.FloatText(
            value=start["rate"], step=0.0005, description=quantity("rate_per_stream").title
        ),
        "tracks": w.BoundedIntText(
            value=start["tracks"] if 1 <= start["tracks"] <= 10_000 else 10,
            min=1,
            max=10_000,
            description=quantity("tracks").label,
        ),
        "writes_songs": w.Checkbox(value=start["writes_songs"], description="Writes own songs"),
    }
    for box in boxes.values():
        box.style.description_width = "initial"  # the whole label, wrapped on a phone
    return boxes


def _show(boxes: dict[str, w.Widget], cards: kit.KpiCards, chart: kit.FigureBox) -> None:
    """The artist's income under the chosen rule (vs pro-rata) and where each euro goes."""
    inputs = {key: box.value for key, box in boxes.items()}
    inputs["deal"] = DEAL_KEYS[inputs["deal"]]
    now = artist_income(**inputs)
    base = artist_income(**{**inputs, "rule": "pro_rata"}) if inputs["rule"] != "pro_rata" else None
    cards.update(now, baseline=base, versus="pro-rata")
    path = euro_path(artist_royalty_rate=DEALS[inputs["deal"]])
    chart.show(euro_flow(path, title="Where each euro of Spotify's revenue goes (EUR)"))


def build_app(
    monthly_streams: int = 100_000,
    deal: str = "major",
    rule: str = "pro_rata",
    target_income: float = 1_500.0,
    fan_intensity: float = 1.0,
    fan_payment: float = 1.0,
    rate: float = DEFAULT_RATE_USD,
    tracks: int = 10,
    writes_songs: bool = False,
) -> w.Widget:
    """The calculator: artist, deal and rule in; income and where each euro goes out.

    Every argument is a control's starting value (e.g. from the page URL,
    which follows every control); invalid values fall back to defaults.
    ``deal`` is a key of :data:`DEAL_KEYS` (or, as in older links, its text).
    Deltas on the cards compare with pro-rata.
    """
    boxes = _controls(
        {
            "monthly_streams": monthly_streams,
            "deal": deal,
            "rule": rule,
            "target_income": target_income,
            "fan_intensity": fan_intensity,
            "fan_payment": fan_payment,
            "rate": rate,
            "tracks": tracks,
            "writes_songs": writes_songs,
        }
    )
    cards = kit.KpiCards(CARDS)
    income = w.HTML(_CURRENCIES)
    errors = kit.ErrorPanel()
    chart = kit.FigureBox()

    @kit.debounced()
    def refresh(*_: object) -> None:
        with errors.guard():
            _show(boxes, cards, chart)

    def state() -> tuple:
        return {key: boxes[key].value for key in _URL_PARAMS}, cards, [chart.figure]

    save = kit.SaveReport(
        "Royalty calculator",
        state,
        app="royalty_calculator.ipynb",
        view=("rule",),
        controls=list(boxes.values()),
    )
    for box in boxes.values():
        box.observe(refresh, names="value")
    refresh()
    return kit.page(
        "Royalty calculator",
        "An artist's streams, deal and payout rule in; income per stream and per month out.",
        [*boxes.values(), w.HTML(_NOTE), save],
        [errors, income, cards, chart],
    )
