"""Spotify's annual figures over a span of years: the headline and its growth.

The worked example of lesson 02 (and the first look at data in lesson 00):
:func:`annual_summary` reads one metric of ``spotify_annual`` in two years
and says how much it changed, in total and a year. Labels and units of the
metrics are in :data:`valuelab.core.quantities.QUANTITIES`.

Examples
--------
>>> from valuelab.data import load_spotify_annual
>>> s = annual_summary(load_spotify_annual(), "premium_subs_m", 2015, 2024)
>>> round(s["change_pct"]), round(s["cagr_pct"], 1)
(839, 28.3)
"""

from __future__ import annotations

import pandas as pd

from valuelab.core import InputError

__all__ = ["ANNUAL_METRICS", "annual_summary"]

#: Columns of ``spotify_annual`` summarised by :func:`annual_summary` (and offered by the
#: "Spotify at a glance" app and the Spotify year report).
ANNUAL_METRICS = (
    "total_revenue_eur_m",
    "premium_subs_m",
    "mau_m",
    "premium_arpu_eur_month",
    "gross_margin_pct",
)


def annual_summary(df: pd.DataFrame, metric: str, start: int, end: int) -> dict[str, float]:
    """Value of ``metric`` in ``start`` and ``end`` years and the change between.

    Parameters
    ----------
    df : pandas.DataFrame
        ``spotify_annual``-shaped table.
    metric : str
        One of :data:`ANNUAL_METRICS`.
    start, end : int
        Years (inclusive), ``start < end``.

    Returns
    -------
    dict
        ``start_value``, ``end_value`` (metric units), ``change_pct`` (percent)
        and ``cagr_pct`` (compound annual growth, percent per year).

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> s = annual_summary(load_spotify_annual(), "total_revenue_eur_m", 2015, 2024)
    >>> round(s["end_value"] / s["start_value"], 2)
    8.08
    """
    if metric not in ANNUAL_METRICS:
        raise InputError(
            f"unknown metric '{metric}'", source="summary", expected=", ".join(ANNUAL_METRICS)
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
