"""KPI figures: a lever sweep, the frontier, the 80/20 chart and retention cohorts."""

import numpy as np
import pandas as pd
import pytest

from valuelab.kpis import frontier, funnel, pareto_features, tradeoff
from valuelab.plots.kpis import (
    cohort_heatmap,
    frontier_chart,
    holdout_chart,
    pareto_chart,
    period_chart,
    tradeoff_chart,
)


def test_tradeoff_chart_puts_each_kpi_on_its_own_axis_with_its_unit():
    sweep = tradeoff(funnel(), "discount", [0.0, 0.1, 0.2])
    fig = tradeoff_chart(sweep, "conversion", "contribution")
    a, b = fig.data
    assert a.name == "Conversion rate (share 0-1)" and b.name == "Contribution (EUR/month)"
    assert list(a.x) == [0.0, 0.1, 0.2] and a.y[0] == pytest.approx(0.02)
    assert b.y[0] == pytest.approx(84_000) and b.yaxis == "y2"
    assert fig.layout.title.text == "Moving discount: Conversion rate vs Contribution"
    # shares read in %, money with its currency, never an e+ or SI tick (55.5k)
    assert fig.layout.xaxis.title.text == "Discount (%)" and fig.layout.xaxis.tickformat == ".0%"
    assert fig.layout.yaxis.title.text == "Conversion rate (%)"
    assert fig.layout.yaxis.tickformat == ".2%"
    assert fig.layout.yaxis2.title.text == "Contribution (EUR/month)"
    assert fig.layout.yaxis2.tickformat == ",.0f" and b.line.dash == "dash"
    assert b.hovertemplate == "Contribution: %{y:,.0f} EUR/month<extra></extra>"
    prices = tradeoff_chart(tradeoff(funnel(), "list_price", [30, 40]), "revenue", "orders", "P")
    assert prices.layout.xaxis.title.text == "List price (EUR/item)"
    assert prices.layout.title.text == "P"


def test_two_kpis_in_one_unit_share_one_axis_so_neither_line_hides():
    """Revenue and contribution along the basket size: one EUR/month axis from 0."""
    sweep = tradeoff(funnel(), "basket_size", [1.0, 2.0, 4.0])
    fig = tradeoff_chart(sweep, "revenue", "contribution")
    revenue, contribution = fig.data
    assert {revenue.yaxis, contribution.yaxis} <= {None, "y"}
    assert "yaxis2" not in fig.to_dict()["layout"]
    assert fig.layout.title.text == "Moving basket size: Revenue vs Contribution"
    assert fig.layout.xaxis.title.text == "Basket size (items/order)"
    assert fig.layout.yaxis.title.text == "Revenue and Contribution (EUR/month)"
    assert fig.layout.yaxis.rangemode == "tozero"
    # a plain pandas check: revenue is above contribution at every point
    assert (sweep["revenue"] > sweep["contribution"]).all()


def test_frontier_chart_shows_every_point_the_frontier_and_the_current_one():
    sweep = tradeoff(funnel(), "list_price", np.linspace(25, 80, 12))
    efficient = frontier(sweep, "revenue", "contribution")
    current = funnel().evaluate()
    fig = frontier_chart(sweep, efficient, "revenue", "contribution", current=current)
    points, line, star = fig.data
    assert [points.name, line.name, star.name] == ["all points", "Pareto frontier", "current"]
    assert len(points.x) == 12 and len(line.x) == len(efficient) < 12
    assert list(points.marker.color) == list(sweep["list_price"])  # coloured by the lever
    assert star.x == (240_000.0,) and star.y == (84_000.0,)
    assert fig.layout.title.text == "Trade-off frontier"
    assert fig.layout.xaxis.title.text == "Revenue (EUR/month)"
    assert fig.layout.yaxis.title.text == "Contribution (EUR/month)"
    assert points.marker.colorbar.title.text == "List price (EUR/item)"
    assert "List price: %{customdata:,.2f} EUR/item" in points.hovertemplate


def test_pareto_chart_colours_the_vital_few_and_draws_the_80_percent_line():
    table = pareto_features(pd.DataFrame({"feature": list("aaaaaaaabc")}))
    fig = pareto_chart(table)
    bars, line = fig.data
    assert list(bars.x) == ["a", "b", "c"] and list(bars.y) == [8.0, 1.0, 1.0]
    assert list(bars.marker.color)[1:] == ["#bbb", "#bbb"] and bars.marker.color[0] != "#bbb"
    assert list(line.y) == pytest.approx([80, 90, 100]) and line.yaxis == "y2"
    assert fig.layout.shapes[0].y0 == 80
    assert fig.layout.title.text == "What drives purchase decisions"
    assert fig.layout.xaxis.title.text == "Feature (most decisive first)"
    assert fig.layout.yaxis.title.text == "Decisions (deals citing it)"
    assert fig.layout.yaxis2.title.text == "Cumulative share of decisions (%)"
    assert list(fig.layout.yaxis2.range) == [0, 105]


def test_cohort_heatmap_in_percent():
    table = pd.DataFrame(
        [[1.0, 0.5, 0.25], [1.0, 0.4, np.nan]], index=["2024-01", "2024-02"], columns=[0, 1, 2]
    )
    fig = cohort_heatmap(table, unit="week")
    (heat,) = fig.data
    assert heat.type == "heatmap" and list(heat.x) == ["0", "1", "2"]
    assert list(heat.y) == ["2024-01", "2024-02"]
    assert heat.z[0].tolist() == [100.0, 50.0, 25.0] and np.isnan(heat.z[1][2])
    assert (heat.zmin, heat.zmax) == (0, 100) and heat.colorbar.title.text == "% retained"
    assert fig.layout.title.text == "Retention by sign-up cohort"
    assert fig.layout.xaxis.title.text == "Weeks since sign-up"
    assert fig.layout.yaxis.title.text == "Sign-up cohort"


def test_holdout_chart_draws_actual_and_predicted_by_calibration_purchases():
    table = pd.DataFrame(
        {"customers": [1411, 64], "actual": [0.24, 6.36], "predicted": [0.23, 6.16]},
        index=pd.Index(["0", "7+"], name="calibration_purchases"),
    )
    fig = holdout_chart(table)
    assert [t.name for t in fig.data] == ["Actual", "BG/NBD (predicted)"]
    assert list(fig.data[0].x) == ["0", "7+"] and list(fig.data[1].y) == [0.23, 6.16]
    assert fig.data[1].line.dash == "dash"
    assert list(fig.data[0].customdata) == ["1,411 customers", "64 customers"]
    assert fig.layout.xaxis.title.text == "Repeat purchases in the calibration period"
    assert fig.layout.yaxis.title.text == "Purchases per customer in the 39-week holdout"
    assert holdout_chart(table, "day", 273).layout.yaxis.title.text.endswith("273-day holdout")


def test_survival_chart_draws_the_step_curve_and_its_band_in_percent():
    from valuelab.kpis import kaplan_meier
    from valuelab.plots.kpis import survival_chart

    frame = pd.DataFrame({"tenure": [2, 3, 3, 5], "churned": [True, True, False, True]})
    curve = kaplan_meier(frame)
    upper, lower, line = survival_chart(curve).data
    assert line.name == "all customers" and line.line.shape == "hv"
    # S: 1, 3/4, 3/4 x 2/3 = 1/2, 0 -> in percent
    assert list(line.x) == [0, 2, 3, 5] and list(line.y) == pytest.approx([100, 75, 50, 0])
    assert lower.fill == "tonexty" and lower.name == "95 % band"
    assert all(lo <= s <= hi for lo, s, hi in zip(lower.y, line.y, upper.y, strict=True))
    assert line.customdata[1].tolist() == [4, 1, 0]  # at risk, churned, censored at tenure 2
    two = survival_chart({"SMB": curve, "Enterprise": kaplan_meier(frame, level=0.9)})
    assert [t.name for t in two.data] == [
        None,
        "SMB: 95 % band",
        "SMB",
        None,
        "Enterprise: 90 % band",
        "Enterprise",
    ]
    assert two.layout.yaxis.title.text == "Still subscribed (%)"
    assert two.layout.xaxis.title.text == "Tenure (months)"


def test_period_chart_draws_incomplete_periods_apart():
    table = pd.DataFrame(
        {"actives": [4, 7, 9, 1], "complete": [False, True, True, False]},
        index=pd.date_range("2024-01-01", periods=4, freq="MS", name="period_start"),
    )
    fig = period_chart(table, "actives", "Monthly active users (users)")
    whole, links, partial = fig.data
    assert list(whole.y) == [7, 9] and whole.line.dash is None and whole.mode == "lines+markers"
    assert list(partial.y) == [4, 1] and partial.marker.symbol == "circle-open"
    assert partial.name == "Monthly active users, incomplete period" and whole.name != "actives"
    # dotted from the partial first and last months to their whole neighbours only
    assert links.line.dash == "dot" and list(links.y) == [4, 7, None, 9, 1, None]
    assert fig.layout.yaxis.title.text == "Monthly active users (users)"


def test_segment_chart_draws_one_line_per_segment_and_incomplete_periods_apart():
    from valuelab.plots import segment_chart

    table = pd.DataFrame(
        {
            "segment": ["paid"] * 3 + ["organic"] * 3,
            "margin_per_customer": [5.0, 6.0, 1.0, 7.0, 8.0, 2.0],
            "complete": [True, True, False] * 2,
        },
        index=pd.DatetimeIndex(["2024-01-01", "2024-02-01", "2024-03-01"] * 2, name="period_start"),
    )
    fig = segment_chart(table, "margin_per_customer", "Margin per customer (USD per customer)")
    organic, links, partial = fig.data[:3]  # segments sorted: organic first
    assert organic.name == "organic" and list(organic.y) == [7.0, 8.0]
    assert links.line.dash == "dot" and list(links.y) == [8.0, 2.0, None]
    assert partial.marker.symbol == "circle-open" and list(partial.y) == [2.0]
    assert fig.data[3].name == "paid" and fig.data[3].line.color != organic.line.color
    assert fig.layout.yaxis.title.text == "Margin per customer (USD per customer)"


def test_period_and_segment_charts_read_the_product_kpis_from_the_registry():
    """Legends, hovers and axes in words and units from kpis.events.table.quantities."""
    from valuelab.kpis.events.table import quantities
    from valuelab.plots import segment_chart

    shown = quantities("USD")
    table = pd.DataFrame(
        {
            "segment": ["paid", "paid", "organic", "organic"],
            "retention_rate": [0.4, 0.5, 0.3, 0.35],
            "margin_per_customer": [1234.5, 6.0, 7.0, 8.0],
            "complete": [True, False] * 2,
        },
        index=pd.DatetimeIndex(["2024-01-01", "2024-02-01"] * 2, name="period_start"),
    )
    fig = period_chart(table.iloc[:2], "retention_rate", shown["retention_rate"])
    assert [t.name for t in fig.data] == [
        "Retention rate (active again)",
        None,
        "Retention rate (active again), incomplete period",
    ]
    assert fig.layout.yaxis.title.text == "Retention rate (active again) (%)"
    assert fig.layout.yaxis.tickformat == ".1%" and fig.data[0].hovertemplate.startswith("%{y:.1%}")
    money = segment_chart(table, "margin_per_customer", shown["margin_per_customer"])
    assert money.layout.yaxis.title.text == "Margin per customer (USD per customer)"
    assert money.data[0].hovertemplate.startswith("%{y:,.2f} USD per customer")
    assert money.layout.yaxis.tickformat == ",.2f"  # 1,234.50, never 1.23k
    counts = quantities(None)
    assert counts["customers"].format(12.0) == "12 customers"
    assert counts["revenue"].title == "Revenue (currency not declared)"


def test_cohort_heatmap_marks_periods_the_log_covers_in_part():
    index = pd.DatetimeIndex(["2024-03-01", "2024-04-01"], name="cohort_start")
    table = pd.DataFrame([[1.0, 0.4], [1.0, np.nan]], index=index, columns=[0, 1])
    table.attrs = {"incomplete_periods": ["2024-04-01"], "incomplete_cohorts": ["2024-04-01"]}
    (heat,) = cohort_heatmap(table).data
    assert list(heat.y) == ["2024-03", "2024-04 (partial)"]
    assert heat.text[0] == ("100", "40*") or list(heat.text[0]) == ["100", "40*"]
    assert "incomplete period" in heat.customdata[0][1] and heat.customdata[0][0] == ""


def test_a_kpi_the_lever_does_not_move_is_a_flat_line_on_a_padded_axis():
    """Gross margin along the basket size: 51.1 % at every point, up to float noise."""
    sweep = tradeoff(funnel(list_price=45.0), "basket_size", np.linspace(1.0, 4.0, 31))
    margin = sweep["gross_margin_pct"]
    # the pandas oracle: (price - unit cost) / price, the same at every basket size
    expected = (45.0 - 22.0) / 45.0 * 100
    assert margin.to_numpy() == pytest.approx(expected, rel=1e-12)
    fig = tradeoff_chart(sweep, "revenue", "gross_margin_pct")
    line = fig.data[1]
    assert len(set(line.y)) == 1 and line.y[0] == pytest.approx(51.111111, abs=1e-6)
    # one value +- 5 %: ticks 49, 50, ... read apart, not "51.1" three times
    assert fig.layout.yaxis2.range == pytest.approx((expected * 0.95, expected * 1.05))
    assert fig.layout.yaxis.range is None  # revenue moves: plotly's own range
    points, line, star = frontier_chart(
        sweep,
        frontier(sweep, "revenue", "gross_margin_pct"),
        "revenue",
        "gross_margin_pct",
        current=funnel(list_price=45.0).evaluate(),
    ).data
    assert len(set(points.y)) == 1  # one row of points, not two a noise apart
    assert points.cliponaxis is False and star.cliponaxis is False
    chart = frontier_chart(sweep, sweep.head(1), "revenue", "gross_margin_pct")
    low, high = chart.layout.yaxis.range
    assert low < float(star.y[0]) < high and chart.layout.xaxis.range is None


def test_a_kpi_that_moves_a_little_keeps_its_values():
    """Only float noise is flattened: a 0.01 % change is a real one."""
    sweep = tradeoff(funnel(), "basket_size", [1.0, 2.0])
    sweep["gross_margin_pct"] = [50.0, 50.005]
    fig = tradeoff_chart(sweep, "revenue", "gross_margin_pct")
    assert list(fig.data[1].y) == [50.0, 50.005] and fig.layout.yaxis2.range is None
