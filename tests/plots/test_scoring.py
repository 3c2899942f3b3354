"""Scoring figures: the quadrant, one account's scores, a goal, the portfolio, the indicators."""

import pandas as pd
import pytest

from valuelab.plots.scoring import (
    account_scores,
    goal_trajectory,
    indicator_auc,
    portfolio_arr,
    score_quadrant,
)
from valuelab.plots.style import PALETTE


def _scored():
    table = pd.DataFrame(
        {
            "account_id": ["A", "B", "C"],
            "value_perceived": [80.0, 20.0, 60.0],
            "rbo": [90.0, 10.0, 30.0],
            "band": ["green", "red", "green"],
            "arr": [40_000.0, 10_000.0, 10_000.0],
        }
    )
    table.attrs["currency"] = "USD"
    return table


def test_score_quadrant_one_trace_per_band_sized_by_arr():
    fig = score_quadrant(_scored(), highlight="B")
    green, red, ring = fig.data
    assert [green.name, red.name, ring.name] == ["green", "red", "B"]
    assert list(green.x) == [80.0, 60.0] and list(green.y) == [90.0, 30.0]
    assert green.marker.color == PALETTE[2] and red.marker.color == PALETTE[3]
    # marker size 8 + 22 x sqrt(ARR / largest ARR): 30 for A, 19 for a quarter of it
    assert list(green.marker.size) == pytest.approx([30.0, 19.0])
    assert ring.x == (20.0,) and ring.mode == "markers"
    assert "ARR %{customdata[1]:,.0f} USD/year" in green.hovertemplate
    assert [a.text for a in fig.layout.annotations] == [
        "advocates",
        "tell them: value not perceived",
        "at risk of disillusion",
        "churn risk",
        "B",  # the ringed account's name, on a white label over the dots, pointing in
    ]
    named = fig.layout.annotations[-1]
    assert (named.x, named.y, named.ax, named.ay) == (20.0, 10.0, 34, -30)  # up and right
    assert all(a.bgcolor for a in fig.layout.annotations)
    assert fig.layout.title.text == "Perceived vs realized value"
    # one unit text for scores: the registry's, as the scorecard's cards show it ("72 /100")
    assert fig.layout.xaxis.title.text == "Value Perceived (/100)"
    assert fig.layout.yaxis.title.text == "Realized Business Outcome (/100)"
    assert "0-100" not in fig.data[0].hovertemplate and "/100" in fig.data[0].hovertemplate
    assert len(score_quadrant(_scored(), highlight="nobody").data) == 2


def test_account_scores_bars_coloured_by_band():
    row = pd.Series(
        {
            "account_id": "A0011",
            "rbo": 75.0,
            "value_perceived": 40.0,
            "value_expansion": 39.9,
            "value_unknown": 0.0,
            "value_realized": 70.0,
        }
    )
    fig = account_scores(row)
    (bars,) = fig.data
    assert list(bars.x) == [
        "Realized Business Outcome",
        "Value Perceived",
        "Value Expansion",
        "Value Unknown",
        "Value Realized",
    ]
    assert list(bars.y) == [75.0, 40.0, 39.9, 0.0, 70.0]
    # green from 70, amber from 40
    assert list(bars.marker.color) == [PALETTE[2], PALETTE[1], PALETTE[3], PALETTE[3], PALETTE[2]]
    assert [s.y0 for s in fig.layout.shapes] == [70.0, 40.0]
    assert fig.layout.title.text == "Value scores of A0011"
    assert fig.layout.yaxis.title.text == "Score (/100)"
    # the band labels sit right of the plot (x beyond 1), never on a bar's value
    labels = {a.text: a for a in fig.layout.annotations}
    assert set(labels) == {"green ≥ 70", "amber ≥ 40"}
    assert all(a.xanchor == "left" and a.x >= 1 for a in labels.values())
    # values at the bars' foot (outside only a bar too short to hold one): never on a band line
    assert (bars.textposition, bars.insidetextanchor) == ("auto", "start")
    assert list(bars.text) == ["75", "40", "40", "0", "70"]


def test_a_missing_score_is_a_grey_dash_never_nan():
    row = pd.Series(
        {"account_id": "A", "rbo": 75.0, "value_perceived": float("nan"), "value_expansion": 50.0}
        | {"value_unknown": 10.0, "value_realized": 75.0}
    )
    (bars,) = account_scores(row).data
    assert bars.text[1] == "–" and bars.marker.color[1] == "#999"


def test_goal_trajectory_projects_the_pace_so_far():
    row = pd.Series(
        {
            "goal_metric": "revenue growth %",
            "goal_baseline": 0.0,
            "goal_target": 50.0,
            "goal_current": 3.0,
            "months_elapsed": 3,
            "horizon_months": 12,
        }
    )
    fig = goal_trajectory(row)
    plan, so_far, projected = fig.data
    assert (plan.x, plan.y) == ((0, 12.0), (0.0, 50.0))
    assert (so_far.x, so_far.y) == ((0, 3.0), (0.0, 3.0))
    assert projected.x == (3.0, 12.0) and projected.y == (3.0, 12.0)  # +3 % a quarter -> +12 %
    assert fig.layout.title.text == "Goal: revenue growth %"
    assert fig.layout.xaxis.title.text == "Time since the goal was set (months)"
    assert fig.layout.yaxis.title.text == "revenue growth %"
    just_set = goal_trajectory(
        pd.concat([row.drop("months_elapsed"), pd.Series({"months_elapsed": 0})])
    )
    assert just_set.data[2].name == "projected" and just_set.data[2].x == ()  # no pace yet


def test_portfolio_arr_per_group_in_the_tables_currency_a_year():
    table = pd.DataFrame(
        {"arr": [30_000.0, 100_000.0, 70_000.0], "accounts": [2, 1, 2]},
        index=pd.Index(["churn risk", "expansion", "healthy"], name="group"),
    )
    table.attrs["currency"] = "EUR"
    fig = portfolio_arr(table)
    (bars,) = fig.data
    assert list(bars.x) == ["churn risk", "expansion", "healthy"]
    assert list(bars.y) == [30_000.0, 100_000.0, 70_000.0]
    assert list(bars.marker.color) == [PALETTE[3], PALETTE[2], PALETTE[0]]
    assert bars.text[0] == "30,000 EUR/year · 2 accounts"
    assert fig.layout.title.text == "ARR by group"
    assert (
        fig.layout.xaxis.title.text == "Group" and fig.layout.yaxis.title.text == "ARR (EUR/year)"
    )
    table.attrs["currency"] = "USD"
    usd = portfolio_arr(table)
    assert usd.data[0].text[0] == "30,000 USD/year · 2 accounts"
    assert usd.layout.yaxis.title.text == "ARR (USD/year)"
    table.attrs = {}  # no currency declared: the labels say so, never EUR
    bare = portfolio_arr(table)
    assert bare.layout.yaxis.title.text == "ARR (per year, currency not declared)"
    assert "EUR" not in bare.data[0].text[0]


def test_indicator_auc_bars_by_kind_against_chance():
    table = pd.DataFrame(
        {
            "kind": ["value score", "goal progress", "usual metric", "usual metric"],
            "auc": [0.82, 0.78, 0.55, 0.6],
        },
        index=pd.Index(["value_realized", "goal_attainment", "usage", "nps_answer"]),
    )
    fig = indicator_auc(table, outcome="expanded")
    assert [t.name for t in fig.data] == ["value score", "goal progress", "usual metric"]
    nps = "Likelihood to recommend (NPS answer)"  # the registry's names, the key in words
    assert list(fig.data[2].y) == ["Usage", nps] and list(fig.data[2].x) == [0.55, 0.6]
    assert list(fig.layout.yaxis.categoryarray) == [
        "Usage",
        nps,
        "Goal attainment",
        "Value Realized",
    ]
    assert fig.layout.shapes[0].x0 == 0.5
    assert fig.layout.title.text == "Which indicator predicts expanded?"
    assert fig.layout.xaxis.title.text == "ROC AUC (0.5 = chance)"
    assert fig.layout.yaxis.title.text == "Indicator"
