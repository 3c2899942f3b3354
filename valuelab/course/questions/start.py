"""Questions of ``exercises/00_start``: load a dataset and read it."""

from __future__ import annotations

from valuelab.course.registry import close, question
from valuelab.data import load_spotify_annual


def _year(year: int):
    df = load_spotify_annual().set_index("year")
    return df.loc[year]


@question(
    "start.q1",
    variable="revenue_2024",
    hint="Load 'spotify_annual' and read total_revenue_eur_m for 2024 (EUR millions).",
)
def _q1(answer) -> bool:
    return close(answer, float(_year(2024)["total_revenue_eur_m"]))


@question(
    "start.q2",
    variable="premium_share_2024",
    hint="Premium revenue divided by total revenue, as a share between 0 and 1.",
)
def _q2(answer) -> bool:
    row = _year(2024)
    return close(answer, float(row["premium_revenue_eur_m"] / row["total_revenue_eur_m"]))


@question(
    "start.q3",
    variable="revenue_multiple",
    hint="Revenue in 2024 divided by revenue in 2015: how many times bigger?",
)
def _q3(answer) -> bool:
    return close(
        answer, float(_year(2024)["total_revenue_eur_m"] / _year(2015)["total_revenue_eur_m"])
    )


@question(
    "start.q4",
    variable="first_profitable_year",
    hint="The first year whose operating_income_eur_m is above zero (an int).",
)
def _q4(answer) -> bool:
    df = load_spotify_annual()
    return int(answer) == int(df.loc[df["operating_income_eur_m"] > 0, "year"].min())
