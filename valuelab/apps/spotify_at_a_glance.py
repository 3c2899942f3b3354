""" "Spotify at a glance": the kit's first Voila app.

It wires a metric picker and a span of years to
:func:`valuelab.royalties.annual.annual_summary` and :func:`valuelab.plots.yearly`;
labels, units and formats come from :data:`valuelab.core.quantities.QUANTITIES`.
Every figure says its kind: the headline card names it (reported, derived,
estimated) and each point of the chart shows it by its marker, with its source
on hover (:func:`valuelab.royalties.annual.provenance`). A change of a percent
(the gross margin) is shown in percentage points, and its rate as percentage
points a year instead of a compound growth rate.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from valuelab.apps import kit
from valuelab.core import quantity
from valuelab.data import load_spotify_annual
from valuelab.plots import yearly
from valuelab.royalties import ANNUAL_METRICS, annual_summary, provenance

__all__ = ["build_app"]

_DEFAULT_METRIC = "total_revenue_eur_m"


def _controls(df: pd.DataFrame, metric: str, start: int, end: int) -> tuple[w.Widget, w.Widget]:
    """The metric picker and the span of years, at valid starting values."""
    years = df["year"].astype(int)
    lo, hi = int(years.min()), int(years.max())
    start = start if lo <= start < hi else lo
    end = end if start < end <= hi else hi
    metric_box = w.Dropdown(
        options=[(quantity(key).label, key) for key in ANNUAL_METRICS],
        value=metric if metric in ANNUAL_METRICS else _DEFAULT_METRIC,
        description="Metric",
    )
    span = w.IntRangeSlider(
        value=(start, end), min=lo, max=hi, description="Years", continuous_update=False
    )
    return metric_box, span


def _show(
    df: pd.DataFrame,
    kinds: pd.DataFrame,
    metric: str,
    span: tuple[int, int],
    cards: kit.KpiCards,
    chart: kit.FigureBox,
) -> None:
    """The metric in the last year (with its kind), its change (pp for a percent) and the chart."""
    first, last = span
    shown = quantity(metric)
    s = annual_summary(df, metric, first, last)
    mine = kinds[kinds["column"] == metric].set_index("year")["kind"]
    change, change_shown = shown.change(s["end_value"], s["start_value"])
    if change_shown.kind == "points":  # a percent grows in points a year, not by a CAGR
        rate, rate_shown = change / (last - first), change_shown.relabel("Change a year")
    else:
        rate, rate_shown = s["cagr_pct"], quantity("cagr_pct")
    cards.update(
        {"end_value": s["end_value"], "change_pct": change, "cagr_pct": rate},
        specs={
            "end_value": shown.relabel(f"{shown.label} in {last} ({mine[last]})"),
            "change_pct": change_shown.relabel(f"Change since {first}"),
            "cagr_pct": rate_shown,
        },
    )
    years = df["year"].astype(int)
    frame = df[(years >= first) & (years <= last)]
    title = f"Spotify: {shown.label}"
    chart.show(yearly(frame, {metric: shown.label}, unit=shown.unit, title=title, provenance=kinds))


def build_app(metric: str = _DEFAULT_METRIC, start: int = 0, end: int = 0) -> w.Widget:
    """The app: metric and year controls, a KPI card row and a chart.

    ``metric``, ``start`` and ``end`` set the starting state (``0`` = first or
    last year of the data), e.g. from the page URL via
    :func:`valuelab.apps.kit.url_params`; invalid values fall back to defaults.
    """
    df = load_spotify_annual()
    kinds = provenance(df)
    metric_box, span = _controls(df, metric, start, end)
    cards = kit.KpiCards(
        {"end_value": metric_box.value, "change_pct": "change_pct", "cagr_pct": "cagr_pct"}
    )
    errors = kit.ErrorPanel()
    chart = kit.FigureBox()

    @kit.debounced()
    def refresh(*_: object) -> None:
        with errors.guard():
            _show(df, kinds, metric_box.value, span.value, cards, chart)

    def state() -> tuple:
        first, last = span.value
        params = {"metric": metric_box.value, "start": first, "end": last}
        return params, cards, [chart.figure]

    save = kit.SaveReport(
        "Spotify at a glance",
        state,
        app="spotify_at_a_glance.ipynb",
        view=("metric", "start", "end"),
        controls=[metric_box, span],
    )
    metric_box.observe(refresh, names="value")
    span.observe(refresh, names="value")
    refresh()
    return kit.page(
        "Spotify at a glance",
        "Pick a metric and a span of years: the headline, the growth and the chart follow. "
        "Each figure says its kind (reported, derived or estimated); hover the chart for sources.",
        [metric_box, span, save],
        [w.VBox([errors, cards, chart])],
    )
