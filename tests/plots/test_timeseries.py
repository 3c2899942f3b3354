"""Yearly series: one line per column, the unit on the y axis."""

import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.data import load_spotify_annual
from valuelab.plots.timeseries import yearly


def test_one_line_per_column_with_its_label_and_unit():
    annual = load_spotify_annual()
    fig = yearly(
        annual,
        {"total_revenue_eur_m": "Total revenue", "premium_revenue_eur_m": "Premium revenue"},
        unit="EUR m",
        title="Spotify revenue",
    )
    assert [t.name for t in fig.data] == ["Total revenue", "Premium revenue"]
    assert all(t.type == "scatter" and t.mode == "lines+markers" for t in fig.data)
    assert list(fig.data[0].x) == list(range(2015, 2025))
    assert fig.data[0].y[-1] == 15673.0 and fig.data[1].y[0] == 1744.0
    assert fig.layout.title.text == "Spotify revenue"
    assert fig.layout.xaxis.title.text == "Year" and fig.layout.yaxis.title.text == "EUR m"
    assert fig.layout.xaxis.dtick == 1
    assert fig.data[0].hovertemplate == "Total revenue: %{y:,.2f} EUR m<extra></extra>"


def test_text_that_is_not_a_number_becomes_a_gap():
    df = pd.DataFrame({"year": [2023, 2024], "x": ["1.5", "n/a"]})
    fig = yearly(df, {"x": "X"}, unit="%", title="T")
    assert fig.data[0].y[0] == 1.5 and pd.isna(fig.data[0].y[1])


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="missing columns year, nope"):
        yearly(pd.DataFrame({"x": [1]}), {"nope": "N"}, unit="EUR", title="T")
