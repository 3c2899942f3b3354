"""The look every figure shares: title, axis titles with units, palette."""

import plotly.graph_objects as go

from valuelab.plots.style import PALETTE, finish


def test_finish_sets_title_axes_and_the_shared_layout():
    fig = go.Figure(go.Bar(x=[2023, 2024], y=[1.0, 2.0]))
    out = finish(fig, title="Revenue", x_title="Year", y_title="Revenue (EUR m)")
    assert out is fig  # styled in place
    assert fig.layout.title.text == "Revenue" and fig.layout.title.x == 0.01
    assert fig.layout.xaxis.title.text == "Year"
    assert fig.layout.yaxis.title.text == "Revenue (EUR m)"
    assert list(fig.layout.colorway) == PALETTE
    assert fig.layout.font.size == 14 and fig.layout.hovermode == "x unified"
    assert fig.layout.legend.orientation == "h"


def test_axis_titles_are_left_alone_unless_given():
    fig = go.Figure(go.Bar(y=[1]))
    fig.update_yaxes(title_text="kept")
    finish(fig, title="T")
    assert fig.layout.yaxis.title.text == "kept" and fig.layout.xaxis.title.text is None


def test_the_palette_is_okabe_ito():
    assert len(PALETTE) == len(set(PALETTE)) == 8
    assert PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]
