"""OKRs and initiatives: grades, roll-ups, RICE/ICE, the alignment test, the YAML file."""

import pandas as pd
import pytest
from support import NOTEBOOKS

from valuelab import okrs
from valuelab.core.errors import InputError
from valuelab.data import datasets

SAMPLE = datasets.data_file("okrs_product_team.yaml")


def test_grade_hand_computed_both_directions_and_clipped():
    assert okrs.grade(10, 5, 7) == pytest.approx(0.6)  # the case: from 10 toward 5
    assert okrs.grade(0, 100, 70) == pytest.approx(0.7) == okrs.SWEET_SPOT[1]
    assert okrs.grade(0, 100, 150) == 1.0 and okrs.grade(0, 100, -5) == 0.0
    series = okrs.grade(pd.Series([0, 10]), pd.Series([10, 0]), pd.Series([5, 2.5]))
    assert series.tolist() == [0.5, 0.75]


def test_grade_errors_name_the_problem():
    with pytest.raises(InputError, match="target equals baseline"):
        okrs.grade(5, 5, 7)
    with pytest.raises(InputError, match=r"current: missing value \(NaN\)"):
        okrs.grade(0, 1, float("nan"))


def test_roll_up_weighted_objectives_and_team():
    krs = okrs.key_results(okrs.load(SAMPLE))
    assert krs["direction"].tolist() == [
        "increase",
        "decrease",
        "increase",
        "decrease",
        "increase",
        "decrease",
    ]
    by_name = krs.set_index("name")["grade"]
    assert by_name["Cut time to value from 9 to 5 days"] == pytest.approx(0.5)
    assert by_name["Lower monthly churn from 6.0 % to 4.5 %"] == pytest.approx(0.2)
    table = okrs.roll_up(krs).set_index("objective")["grade"]
    assert table["Make subscribing effortless"] == pytest.approx((0.6 + 0.5 + 1.0) / 3)
    keep = (2 * 0.2 + 3 / 14 + 14 / 40) / 4  # churn weighted 2
    assert table["Keep the customers we win"] == pytest.approx(keep)
    assert table["(team)"] == pytest.approx(((0.6 + 0.5 + 1.0) / 3 + keep) / 2)


def test_expected_grade_per_type_and_verdicts():
    assert okrs.KR_TYPES == ("committed", "aspirational")
    assert okrs.EXPECTED_GRADE == {"committed": (1.0, 1.0), "aspirational": (0.6, 0.7)}
    assert okrs.DEFAULT_KR_TYPE == "aspirational"
    assert [okrs.verdict("committed", g) for g in (1.0, 0.99)] == ["met", "missed"]
    cases = {0.59: "below", 0.6: "sweet spot", 0.7: "sweet spot", 0.71: "above", 1.0: "above"}
    assert {g: okrs.verdict("aspirational", g) for g in cases} == cases
    # a grade computed to 0.7 is in the sweet spot despite floating point
    assert okrs.verdict("aspirational", okrs.grade(0.031, 0.038, 0.0359)) == "sweet spot"
    with pytest.raises(InputError, match="unknown key-result type 'stretch'"):
        okrs.verdict("stretch", 0.5)


def test_key_results_carry_type_expectation_and_verdict():
    krs = okrs.key_results(okrs.load(SAMPLE)).set_index("name")
    assert krs["type"].value_counts().to_dict() == {"aspirational": 4, "committed": 2}
    pause = krs.loc["Ship one-tap pause to 100 % of subscribers"]
    assert (pause["type"], pause["grade"], pause["verdict"]) == ("committed", 1.0, "met")
    ttv = krs.loc["Cut time to value from 9 to 5 days"]
    assert (ttv["expected_low"], ttv["grade"], ttv["verdict"]) == (1.0, 0.5, "missed")
    conversion = krs.loc["Raise checkout conversion from 3.1 % to 3.8 %"]
    assert (conversion["expected_low"], conversion["expected_high"]) == (0.6, 0.7)
    assert conversion["verdict"] == "sweet spot"  # (0.0352 - 0.031) / 0.007 = 0.6
    # without a type the kit's default applies
    doc = {
        "team": "T",
        "objectives": [
            {
                "objective": "O",
                "key_results": [{"name": "a", "baseline": 0, "target": 10, "current": 7}],
            }
        ],
    }
    plain = okrs.key_results(doc).iloc[0]
    assert (plain["type"], plain["verdict"]) == ("aspirational", "sweet spot")


def test_roll_up_shows_each_type_against_its_expectation():
    rolled = okrs.roll_up(okrs.key_results(okrs.load(SAMPLE))).set_index("objective")
    effortless = rolled.loc["Make subscribing effortless"]
    assert (effortless["committed"], effortless["committed_met"]) == (2, 1)  # pause met, TTV not
    assert effortless["aspirational_grade"] == pytest.approx(0.6)  # conversion only
    keep = rolled.loc["Keep the customers we win"]
    assert (keep["committed"], keep["committed_met"]) == (0, 0)
    assert keep["aspirational_grade"] == pytest.approx((2 * 0.2 + 3 / 14 + 0.35) / 4)
    team = rolled.loc["(team)"]
    assert (team["committed"], team["committed_met"], team["key_results"]) == (2, 1, 6)
    assert team["aspirational_grade"] == pytest.approx((0.6 + (2 * 0.2 + 3 / 14 + 0.35) / 4) / 2)


def test_load_refuses_an_unknown_type(tmp_path):
    bad = tmp_path / "okrs.yaml"
    bad.write_text(
        "team: T\nvision: V\nkpis: []\ninitiatives: []\nobjectives:\n  - objective: O\n"
        "    key_results:\n"
        "      - {name: a, metric: m, unit: u, baseline: 0, target: 1, current: 1, type: stretch}\n"
    )
    with pytest.raises(InputError, match="key_results\\[0\\].type: 'stretch' is not committed"):
        okrs.load(bad)


def test_load_reports_every_problem_at_once(tmp_path):
    bad = tmp_path / "okrs.yaml"
    bad.write_text(
        "team: T\nvision: V\nkpis: [nps]\n"
        "objectives:\n"
        "  - objective: O\n"
        "    key_results:\n"
        "      - {name: a, metric: m, unit: u, baseline: 1, target: 1, current: 1, kpi: churn}\n"
        "      - {name: b, metric: m, unit: u, baseline: x, target: 2}\n"
        "initiatives:\n"
        "  - {name: i, reach: 1, impact: 4, confidence: 2, effort: 1, ease: 5}\n"
    )
    with pytest.raises(InputError) as info:
        okrs.load(bad)
    msg = str(info.value)
    assert str(bad) in msg
    for needle in [
        "key_results[0]: target equals baseline",
        "key_results[0].kpi: 'churn' is not one of the team's kpis",
        "key_results[1].baseline: 'x' is not a number",
        "key_results[1]: missing 'current'",
        "initiatives[0]: missing 'moves_vision'",
        "initiatives[0].impact: 4 is not one of",
        "initiatives[0].confidence: 2 is not a share 0-1",
    ]:
        assert needle in msg, needle
    with pytest.raises(InputError, match="cannot read"):
        okrs.load(tmp_path / "missing.yaml")


# --- lesson 04 ------------------------------------------------------------------------

LESSON = NOTEBOOKS / "04_okrs_and_initiatives.ipynb"


@pytest.mark.slow
def test_lesson_numbers(run_notebook):
    _, rec = run_notebook(LESSON)
    # by hand: (0.6 + 0.5 + 1.0) / 3 = 0.7 and (2 x 0.2 + 3/14 + 0.35) / 4 = 0.2411
    keep = (2 * 0.2 + 3 / 14 + 0.35) / 4
    assert rec["objective_grades"]["Make subscribing effortless"] == pytest.approx(0.7)
    assert rec["objective_grades"]["Keep the customers we win"] == pytest.approx(keep)
    assert rec["team_grade"] == pytest.approx((0.7 + keep) / 2)  # 0.4705
    assert rec["committed_met"] == [1, 2]  # one-tap pause met, time to value at 0.5
    assert rec["aspirational_grade"] == pytest.approx((0.6 + keep) / 2)  # 0.4205
    assert rec["unaligned"] == [
        "Dark mode for the account page",
        "Animated confetti after purchase",
    ]
    assert rec["top_initiative"] == "Welcome e-mail with first-box tracking"
    assert rec["top_score"] == pytest.approx(9000 * 0.5 * 1.0 / 0.5)  # RICE 9,000
    assert rec["ranking"][-2:] == rec["unaligned"]  # flagged work goes last
    # RICE puts "Pause instead of cancel" 3rd; ICE (10 + 5 + 8) / 3 = 7.67 puts it 1st
    assert rec["moved"] == ["Pause instead of cancel offer"]
    sources = {figure: (value, kind) for figure, value, kind in rec["sources"]}
    assert sources["Expected grade, committed key result"] == ("1.0 grade 0-1", "reported")
    assert sources["Sweet spot, aspirational key result"] == ("0.6-0.7 grade 0-1", "reported")
    assert sources["Below this something is wrong (aspirational)"] == ("0.4 grade 0-1", "reported")
    assert sources["ICE impact for RICE 3/2/1/0.5/0.25"] == ("10/8/6/4/2 /10", "estimated")
    assert sources["ICE confidence for RICE confidence c"] == ("max(10c, 1) /10", "estimated")
    assert sources["Team grade"] == ("0.47 grade 0-1", "derived")
    assert sources["Weakest objective's grade"] == ("0.24 grade 0-1", "derived")
    assert sources["Committed key results met"] == ("1 of 2", "derived")
    assert sources["Aspirational grade, team"] == ("0.42 grade 0-1", "derived")
    assert sources["Top initiative (Welcome e-mail with first-box tracking)"] == (
        "9,000.0 RICE",
        "derived",
    )
    assert {kind for _, kind in sources.values()} == {"reported", "derived", "estimated"}


@pytest.mark.slow
def test_lesson_ranks_by_ice_when_asked(run_notebook):
    _, rec = run_notebook(LESSON, rank_by="ice", ice_method="product")
    team = okrs.load(SAMPLE)
    expected = okrs.rank(pd.DataFrame(team["initiatives"]), by="ice", ice_method="product")
    assert rec["ranking"] == expected["name"].tolist()


def test_grade_rice_ice_match_series_by_label_as_pandas_does():
    baseline = pd.Series([20.0, 0.0], index=["kr1", "kr2"])
    target = pd.Series([100.0, 30.0], index=["kr2", "kr1"])
    current = pd.Series([27.5, 50.0], index=["kr1", "kr2"])
    oracle = ((current - baseline) / (target - baseline)).clip(0, 1)
    assert okrs.grade(baseline, target, current).to_dict() == oracle.to_dict()
    assert oracle.to_dict() == {"kr1": 0.75, "kr2": 0.5}
    reach = pd.Series([500, 100], index=["a", "b"])
    effort = pd.Series([2.0, 0.5], index=["b", "a"])
    assert okrs.rice(reach, 1, 1.0, effort).to_dict() == (reach / effort).to_dict()
    assert okrs.rice(reach, 1, 1.0, effort).to_dict() == {"a": 1000.0, "b": 50.0}
    with pytest.raises(InputError, match="ease: labels differ from those of 'impact'"):
        okrs.ice(reach.clip(upper=10), 5, pd.Series([5], index=["a"]))
