""" "Spotify at a glance": the kit's first Voila app.

The pure part, :func:`summary`, computes what the app shows; :func:`build_app`
only wires widgets to it and to :func:`valuelab.plots.yearly`.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from valuelab.apps import kit
from valuelab.core import InputError
from valuelab.data import load_spotify_annual
from valuelab.plots import yearly

__all__ = ["METRICS", "build_app", "summary"]

#: Column -> (label, unit) of the metrics the app offers.
METRICS = {
    "total_revenue_eur_m": ("Total revenue", "EUR m"),
    "premium_subs_m": ("Premium subscribers", "million"),
    "mau_m": ("Monthly active users", "million"),
    "premium_arpu_eur_month": ("Premium ARPU", "EUR per month"),
    "gross_margin_pct": ("Gross margin", "%"),
}


def summary(df: pd.DataFrame, metric: str, start: int, end: int) -> dict[str, float]:
    """Value of ``metric`` in ``start`` and ``end`` years and the change between.

    Parameters
    ----------
    df : pandas.DataFrame
        ``spotify_annual``-shaped table.
    metric : str
        A key of :data:`METRICS`.
    start, end : int
        Years (inclusive), ``start < end``.

    Returns
    -------
    dict
        ``start_value``, ``end_value`` (metric units), ``change_pct`` (percent)
        and ``cagr_pct`` (compound annual growth, percent per year).

    Examples
    --------
    >>> s = summary(load_spotify_annual(), "total_revenue_eur_m", 2015, 2024)
    >>> round(s["end_value"] / s["start_value"], 2)
    8.08
    """
    if metric not in METRICS:
        raise InputError(
            f"unknown metric '{metric}'", source="summary", expected=", ".join(METRICS)
        )
    if not start < end:
        raise InputError(f"years {start}-{end}", source="summary", expected="start < end")
    by_year = df.set_index("year")[metric].astype(float)
    missing = [y for y in (start, end) if y not in by_year.index]
    if missing:
        raise InputError(
            "no data for " + ", ".join(map(str, missing)),
            source="summary",
            column="year",
            expected=f"years {by_year.index.min()}-{by_year.index.max()}",
        )
    a, b = float(by_year[start]), float(by_year[end])
    return {
        "start_value": a,
        "end_value": b,
        "change_pct": (b / a - 1) * 100,
        "cagr_pct": ((b / a) ** (1 / (end - start)) - 1) * 100,
    }


def build_app(metric: str = "total_revenue_eur_m", start: int = 0, end: int = 0) -> w.Widget:
    """The app: metric and year controls, a KPI card row and a chart.

    ``metric``, ``start`` and ``end`` set the starting state (``0`` = first or
    last year of the data), e.g. from the page URL via
    :func:`valuelab.apps.kit.url_params`; invalid values fall back to defaults.
    """
    df = load_spotify_annual()
    years = df["year"].astype(int)
    lo, hi = int(years.min()), int(years.max())
    start = start if lo <= start < hi else lo
    end = end if start < end <= hi else hi
    metric_box = w.Dropdown(
        options=[(label, key) for key, (label, _) in METRICS.items()],
        value=metric if metric in METRICS else "total_revenue_eur_m",
        description="Metric",
    )
    span = w.IntRangeSlider(
        value=(start, end), min=lo, max=hi, description="Years", continuous_update=False
    )
    cards = kit.KpiCards(
        {
            "end_value": ("Value", "", ",.2f"),
            "change_pct": ("Change", "%", "+,.1f"),
            "cagr_pct": ("Growth a year (CAGR)", "%", "+,.1f"),
        }
    )
    errors = kit.ErrorPanel()
    chart = kit.FigureBox()
    body = w.VBox([errors, cards, chart])

    @kit.debounced()
    def refresh(*_: object) -> None:
        label, unit = METRICS[metric_box.value]
        first, last = span.value
        with errors.guard():
            s = summary(df, metric_box.value, first, last)
            cards.specs["end_value"] = ("Value", unit, ",.2f")
            cards.update(
                s, labels={"end_value": f"{label} in {last}", "change_pct": f"Change since {first}"}
            )
            frame = df[(years >= first) & (years <= last)]
            chart.show(
                yearly(frame, {metric_box.value: label}, unit=unit, title=f"Spotify: {label}")
            )

    def state() -> tuple:
        first, last = span.value
        params = {"metric": metric_box.value, "start": first, "end": last}
        return params, cards, [chart.figure]

    save = kit.SaveReport("Spotify at a glance", state, app="spotify_at_a_glance.ipynb")
    metric_box.observe(refresh, names="value")
    span.observe(refresh, names="value")
    refresh()
    return kit.page(
        "Spotify at a glance",
        "Pick a metric and a span of years: the headline, the growth and the chart follow.",
        [metric_box, span, save],
        [body],
    )
