"""Questions of ``exercises/04_okrs``: grades by key-result type, roll-ups, RICE, ICE, alignment."""

from __future__ import annotations

import pandas as pd

from valuelab import okrs
from valuelab.course.material import BACKLOG
from valuelab.course.registry import expect, question, within
from valuelab.data import data_file

#: The exercise's title, as its notebook's first heading says it (feedback pages use it).
TITLE = "Exercise 4: OKRs and initiatives"


def _team() -> dict:
    return okrs.load(data_file("okrs_product_team.yaml"))


@expect(
    "okrs.q1",
    variable="churn_grade",
    hint="`grade(baseline, target, current)`: the share of the way from 6.0 % toward 4.5 % "
    "covered at 5.7 %.",
    tol=0.005,
)
def _q1() -> float:
    return float(okrs.grade(0.060, 0.045, 0.057))


@expect(
    "okrs.q2",
    variable="overshoot_grade",
    hint="Grades are clipped to 0-1: going past the target still counts as the whole way.",
    tol=0.005,
)
def _q2() -> float:
    return float(okrs.grade(100, 150, 180))


@expect(
    "okrs.q3",
    variable="rice_score",
    hint="Reach x Impact x Confidence / Effort, with 'high' impact = 2 and confidence as 0-1.",
    tol=0.5,
)
def _q3() -> float:
    return float(okrs.rice(2000, 2, 0.8, 4))


#: Q4's tolerance, for each of the two numbers.
_ICE_TOL = 0.005


@question(
    "okrs.q4",
    variable="ice_scores",
    hint="A tuple (mean, product) of impact 8, confidence 6, ease 4.",
    kind="pair",
    accepts="a pair (mean, product) of numbers",
    tol=_ICE_TOL,
)
def _q4(answer) -> bool:
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return False
    mean, product = okrs.ice(8, 6, 4), okrs.ice(8, 6, 4, method="product")
    return within(answer[0], float(mean), _ICE_TOL) and within(answer[1], float(product), _ICE_TOL)


@question(
    "okrs.q5",
    variable="unaligned_work",
    hint="`alignment(BACKLOG)`: the initiatives that pass none of the four tests "
    "(a list of names).",
    kind="names",
    accepts="a list of the initiatives' names, as the table writes them, in any order",
)
def _q5(answer) -> bool:
    flagged = okrs.alignment(BACKLOG)
    expected = set(flagged.loc[flagged["unaligned"], "name"])
    return isinstance(answer, list | tuple | set) and set(answer) == expected


@expect(
    "okrs.q6",
    variable="team_grade",
    hint="`roll_up(key_results(team))` on the shipped file; read the '(team)' row.",
    tol=0.005,
)
def _q6() -> float:
    rolled = okrs.roll_up(okrs.key_results(_team())).set_index("objective")
    return float(rolled.loc["(team)", "grade"])


@question(
    "okrs.q7",
    variable="top_by_ice",
    hint="`rank(initiatives, by='ice')`: the name in first place (ICE's impact and confidence "
    "come from the RICE columns through the kit's mapping).",
    kind="text",
)
def _q7(answer) -> bool:
    ranked = okrs.rank(pd.DataFrame(_team()["initiatives"]), by="ice")
    return answer == ranked["name"].iloc[0]


@question(
    "okrs.q8",
    variable="verdicts",
    hint="`verdict(type, grade)`: a committed key result is expected to reach 1.0, an "
    "aspirational one 0.6-0.7. A tuple (committed at 0.8, aspirational at 0.65).",
    kind="pair",
    accepts="a pair (committed, aspirational) of the texts `verdict` returns",
)
def _q8(answer) -> bool:
    expected = (okrs.verdict("committed", 0.8), okrs.verdict("aspirational", 0.65))
    return isinstance(answer, tuple | list) and tuple(answer) == expected
