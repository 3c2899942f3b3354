"""Yearly series, e.g. Spotify's revenue and users by year."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from valuelab.core import InputError
from valuelab.plots.style import finish

__all__ = ["yearly"]


def yearly(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    unit: str,
    title: str,
    x: str = "year",
) -> go.Figure:
    """Line chart of one or more yearly columns sharing a unit.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per year.
    columns : mapping
        Column name to the label shown in the legend.
    unit : str
        Unit of the y axis, e.g. ``"EUR m"``.
    title : str
        Figure title.
    x : str
        The year column.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2023, 2024], "rev": [1.0, 2.0]})
    >>> yearly(df, {"rev": "Revenue"}, unit="EUR m", title="Revenue").layout.yaxis.title.text
    'EUR m'
    """
    missing = [c for c in [x, *columns] if c not in df.columns]
    if missing:
        raise InputError(
            "missing columns " + ", ".join(missing), source="plots.yearly", expected="year columns"
        )
    fig = go.Figure()
    for col, label in columns.items():
        values = pd.to_numeric(df[col], errors="coerce").astype(float)
        fig.add_trace(
            go.Scatter(
                x=df[x],
                y=values,
                name=label,
                mode="lines+markers",
                hovertemplate=f"{label}: %{{y:,.2f}} {unit}<extra></extra>",
            )
        )
    fig.update_xaxes(dtick=1)
    return finish(fig, title=title, x_title="Year", y_title=unit)
