""" "Spotify at a glance": the kit's first Voila app.

The pure part, :func:`summary`, computes what the app shows; :func:`build_app`
only wires widgets to it and to :func:`valuelab.plots.yearly`.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
from IPython.display import display

from valuelab.datasets import load_spotify_annual
from valuelab.errors import InputError
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


def build_app() -> w.Widget:
    """The widget tree of the app: metric and year controls, a KPI line, a chart."""
    df = load_spotify_annual()
    years = df["year"].astype(int)
    metric = w.Dropdown(
        options=[(label, key) for key, (label, _) in METRICS.items()], description="Metric"
    )
    span = w.IntRangeSlider(
        value=(int(years.min()), int(years.max())),
        min=int(years.min()),
        max=int(years.max()),
        description="Years",
        continuous_update=False,
    )
    card = w.HTML()
    chart = w.Output()

    def refresh(*_: object) -> None:
        label, unit = METRICS[metric.value]
        start, end = span.value
        try:
            s = summary(df, metric.value, start, end)
        except InputError as err:
            card.value = f"<p class='vl-error'>⚠️ {err}</p>"
            return
        card.value = (
            f"<h3 class='vl-kpi'>{label}: {s['end_value']:,.2f} {unit} in {end}</h3>"
            f"<p class='vl-delta'>{s['change_pct']:+,.1f} % since {start} "
            f"({s['cagr_pct']:+.1f} % a year)</p>"
        )
        frame = df[(years >= start) & (years <= end)]
        chart.clear_output(wait=True)
        with chart:
            display(yearly(frame, {metric.value: label}, unit=unit, title=f"Spotify: {label}"))

    metric.observe(refresh, names="value")
    span.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([metric, span]), card, chart])
