"""The exercise questions (valuelab/course/questions/): hand-computed answers pass, others fail.

One file for the package: each module registers one topic's questions.
"""

import re

import pandas as pd
import pytest

from valuelab.course import check, questions, set_variant, topics
from valuelab.course import material as kpis_questions
from valuelab.drivers import DriverTree


def _studio_october_month2() -> float:
    """studio_log in plain pandas: members who joined in 2024-10 and came in 2024-12."""
    from valuelab.data import datasets

    log = datasets.load("studio_log")
    month = pd.to_datetime(log["Date"], format="%d/%m/%Y").dt.to_period("M")
    joined = month[log["Type"] == "join"].set_axis(log.loc[log["Type"] == "join", "Member"])
    october = set(joined.index[joined == pd.Period("2024-10")])
    december = set(log.loc[month == pd.Period("2024-12"), "Member"])
    return len(october & december) / len(october)


#: Answers worked out by hand (or read off a table), question -> answer.
BY_HAND = {
    # the 2024 row of spotify_annual: 15,673 EUR m revenue, 13,819 of it premium
    "start.q1": 15673,
    "start.q2": 13819 / 15673,  # 0.8817
    "start.q3": 15673 / 1940,  # 8.08 times 2015's revenue
    "start.q4": 2021,  # the first year with operating income above 0 (94 EUR m)
    # two Premium listeners paying alike, 90 streams of X and 10 of Y, a pool of EUR 20
    "royalties.q1": 20 * 90 / 100,  # pro-rata: 18
    "royalties.q2": 20 / 2,  # user-centric: u2's half goes to Y alone
    "royalties.q3": 2 / 3 * (13.819 + 0.8 * 1.854),  # 2024 pool on music revenue, EUR bn
    "royalties.q4": 100 * 2 / 3 * 0.8 * 0.233,  # 12.4 cents of a euro reach the artist
    # the USD 0.003 rate is the recording side: the artist gets 23.3 % of it
    "royalties.q5": 1_430_616,  # 1,000 / (0.003 x 0.233) = 1,430,615.2, rounded up
    # u2 free (EUR 0.38), u1 Premium (EUR 4.69): Y gets u2's own 0.38 x 2/3 = 0.2533 -> 0.25
    "royalties.q7": 0.25,
    # NPS of [10, 9, 8, 7, 6, 3, 10, 9, 5, 10]: 5 promoters, 3 detractors of 10
    "kpis.q1": 50 - 30,
    "kpis.q2": 45 * 0.7 / 0.03,  # LTV 1,050 EUR
    "kpis.q3": 600 / (45 * 0.7),  # 19.0 months of margin to earn back the CAC
    "kpis.q4": (0.85**-2 - 1) * 100,  # elasticity -2: conversion x 0.85^-2, +38.4 %
    "kpis.q5": {
        "aov",
        "gross_margin",
        "gross_margin_pct",
        "contribution",
        "contribution_margin_pct",
        "margin_per_order",
    },
    "kpis.q7": 6,
    "kpis.q8": "2024-09",  # studio_log starts on 16 September 2024 (datasets/README.md)
    "kpis.q9": _studio_october_month2(),
    "okrs.q1": (0.060 - 0.057) / (0.060 - 0.045),  # 0.2 of the way
    "okrs.q2": 1.0,  # clipped
    "okrs.q3": 2000 * 2 * 0.8 / 4,  # RICE 800
    "okrs.q4": ((8 + 6 + 4) / 3, 8 * 6 * 4),
    "okrs.q5": ["New logo animation", "Holiday banner"],
    "okrs.q6": ((0.6 + 0.5 + 1.0) / 3 + (2 * 0.2 + 3 / 14 + 14 / 40) / 4) / 2,
    # ICE (10 + 5 + 8) / 3 = 23/3, tied with the welcome e-mail (4 + 10 + 9) / 3; file order wins
    "okrs.q7": "Pause instead of cancel offer",
    "okrs.q8": ("missed", "sweet spot"),  # committed expects 1.0; 0.65 is within 0.6-0.7
    "scoring.q1": 3 * 12 / 3,  # +3 % after 3 of 12 months: +12 % projected
    "scoring.q2": "at risk",  # +8 % after 6 of 12: +16 %, 0.8 of +20 % (between 0.7 and 0.9)
    "scoring.q3": 100 * (0.6 * 0.5 + 0.4 * 3 / 5),  # 54
    # 40 of 130 meetings qualified (0.31 against 0.5) costs the most on its own
    "scoring.q7": "qualification_rate",
}

#: Near misses that must fail.
WRONG = {
    "start.q1": 15000,
    "start.q4": 2024,
    "royalties.q1": 10,
    "royalties.q5": 1_430_615,
    "royalties.q7": (4.69 + 0.38) * 2 / 3 / 2,  # equal shares: half the pool, 1.69
    "kpis.q1": 50,
    "kpis.q5": ["aov"],
    "kpis.q8": "2025-02",  # the log's last month, covered to its last day (28 February)
    "kpis.q9": 0.66,  # the October cohort's month 1, not month 2
    "okrs.q1": 0.8,
    "okrs.q4": (6.0,),
    "okrs.q8": ("met", "sweet spot"),
    "scoring.q2": "off track",
    "scoring.q7": "demo_rate",
}


@pytest.mark.parametrize("key", sorted(BY_HAND))
def test_the_hand_computed_answer_passes(key):
    assert check(key, BY_HAND[key], quiet=True), key


@pytest.mark.parametrize("key", sorted(WRONG))
def test_a_near_miss_fails(key):
    assert not check(key, WRONG[key], quiet=True), key


def test_every_topic_registers_visible_questions_with_their_own_variables():
    assert topics() == ["drivers", "kpis", "okrs", "royalties", "scoring", "start"]
    for topic in topics():
        found = questions(topic)
        visible = [q for q in found if not q.hidden]
        assert len(visible) >= 4, topic
        assert all(re.fullmatch(rf"{topic}\.[qh]\d+", q.key) for q in found), topic
        names = [q.variable for q in visible]
        assert len(names) == len(set(names)), f"{topic}: two questions share a variable"
        assert all(q.hint and q.points > 0 for q in found), topic


def test_driver_questions_check_a_tree_and_labels():
    from valuelab.course.material import STATEMENTS

    shop = DriverTree.from_dict(
        {
            "orders": "visitors * conversion",
            "revenue": "orders * aov",
            "gross_profit": "revenue * gross_margin",
            "profit": "gross_profit - fixed_costs",
        }
    )
    assert check("drivers.q2", shop, quiet=True)
    wrong = DriverTree.from_dict({"profit": "visitors * conversion * aov * gross_margin"})
    assert not check("drivers.q2", wrong, quiet=True)  # forgets the fixed costs
    labels = {k: v.upper() for k, v in STATEMENTS.items()}  # case does not matter
    assert check("drivers.q1", labels, quiet=True)
    assert not check("drivers.q1", {**labels, next(iter(labels)): "nsm"}, quiet=True)
    assert check("drivers.q5", "Delivery riders", quiet=True)
    assert not check("drivers.q5", "restaurants", quiet=True)
    (hidden,) = [q for q in questions("drivers") if q.hidden]
    assert hidden.key == "drivers.h1" and hidden.verify(shop) and not hidden.verify(wrong)


def test_kpi_numbers_change_with_the_learner_variant():
    try:
        set_variant(0)
        assert kpis_questions.answers() == kpis_questions.ANSWERS
        assert kpis_questions.ltv_inputs() == kpis_questions.LTV_INPUTS
        set_variant(12345)
        mine = kpis_questions.answers()
        assert mine == kpis_questions.answers() and mine != kpis_questions.ANSWERS
        assert len(mine) == 12 and all(0 <= a <= 10 for a in mine)
        x = kpis_questions.ltv_inputs()
        assert 20 <= x["arpa"] <= 120 and 0.4 <= x["gross_margin"] <= 0.85
        assert 0.01 <= x["churn_rate"] <= 0.08 and x["cac"] % 10 == 0
        assert check("kpis.q2", x["arpa"] * x["gross_margin"] / x["churn_rate"], quiet=True)
        assert not check("kpis.q2", BY_HAND["kpis.q2"], quiet=True)
    finally:
        set_variant(0)


def test_each_topic_title_is_its_exercise_notebooks_heading():
    import nbformat
    from support import EXERCISES

    from valuelab.course.checks import title

    for path in sorted(EXERCISES.glob("*/solution.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        heading = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
        keys = re.findall(r'check\("(\w+)\.', "".join(c.source for c in nb.cells))
        assert title(keys[0]) == heading, path.parent.name
