"""Questions of ``exercises/00_start``: load a dataset and read it."""

from __future__ import annotations

from valuelab.course.registry import expect
from valuelab.data import load_spotify_annual

#: The exercise's title, as its notebook's first heading says it (feedback pages use it).
TITLE = "Exercise 0: warm-up with a sourced dataset"


def _year(year: int):
    df = load_spotify_annual().set_index("year")
    return df.loc[year]


@expect(
    "start.q1",
    variable="revenue_2024",
    hint="Load `'spotify_annual'` and read `total_revenue_eur_m` for 2024 (EUR millions).",
    tol=0.5,
)
def _q1() -> float:
    return float(_year(2024)["total_revenue_eur_m"])


@expect(
    "start.q2",
    variable="premium_share_2024",
    hint="Premium revenue divided by total revenue, as a share between 0 and 1.",
    tol=0.005,
)
def _q2() -> float:
    row = _year(2024)
    return float(row["premium_revenue_eur_m"] / row["total_revenue_eur_m"])


@expect(
    "start.q3",
    variable="revenue_multiple",
    hint="Revenue in 2024 divided by revenue in 2015: how many times bigger?",
    tol=0.05,
)
def _q3() -> float:
    return float(_year(2024)["total_revenue_eur_m"] / _year(2015)["total_revenue_eur_m"])


@expect(
    "start.q4",
    variable="first_profitable_year",
    hint="The first year in which operating income is above zero.",
    kind="integer",
    accepts="a year, e.g. 2021",
)
def _q4() -> int:
    df = load_spotify_annual()
    return int(df.loc[df["operating_income_eur_m"] > 0, "year"].min())
