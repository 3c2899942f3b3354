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
    assert okrs.grade(0, 100, 70) == pytest.approx(0.7) == okrs.SWEET_SPOT
    assert okrs.grade(0, 100, 150) == 1.0 and okrs.grade(0, 100, -5) == 0.0
    series = okrs.grade(pd.Series([0, 10]), pd.Series([10, 0]), pd.Series([5, 2.5]))
    assert series.tolist() == [0.5, 0.75]


def test_grade_errors_name_the_problem():
    with pytest.raises(InputError, match="target equals baseline"):
        okrs.grade(5, 5, 7)
    with pytest.raises(InputError, match=r"current: missing value \(NaN\)"):
        okrs.grade(0, 1, float("nan"))


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


def test_rice_hand_computed_and_every_bad_input_listed():
    assert okrs.rice(2000, 2, 0.8, 4) == 800.0
    assert okrs.rice([100, 100], [3, 0.25], [1, 1], [1, 1]).tolist() == [300.0, 25.0]
    with pytest.raises(InputError) as info:
        okrs.rice(-1, 4, 1.5, 0)
    msg = str(info.value)
    for needle in [
        "reach must be >= 0",
        "impact must be one of 3, 2, 1, 0.5, 0.25",
        "confidence must be a share",
        "effort must be > 0",
    ]:
        assert needle in msg


def test_ice_mean_by_default_or_product():
    assert okrs.ice(8, 6, 4) == 6.0
    assert okrs.ice(8, 6, 4, method="product") == 192.0
    with pytest.raises(InputError, match="score outside 1-10"):
        okrs.ice(11, 5, 5)
    with pytest.raises(InputError, match="unknown method 'median'"):
        okrs.ice(5, 5, 5, method="median")


def test_alignment_flags_feature_factory_work():
    doc = okrs.load(SAMPLE)
    table = okrs.alignment(pd.DataFrame(doc["initiatives"]))
    flagged = table.loc[table["feature_factory"], "name"].tolist()
    assert flagged == ["Dark mode for the account page", "Animated confetti after purchase"]
    with pytest.raises(InputError, match="helps_okr"):
        okrs.alignment(pd.DataFrame({"name": ["x"], "moves_vision": [True]}))


def test_rank_puts_feature_factory_last_whatever_its_score():
    doc = okrs.load(SAMPLE)
    ranked = okrs.rank(pd.DataFrame(doc["initiatives"]))
    assert ranked["rank"].tolist() == list(range(1, 11))
    assert ranked["feature_factory"].tolist() == [False] * 8 + [True] * 2
    aligned = ranked[~ranked["feature_factory"]]
    assert aligned["rice"].is_monotonic_decreasing
    top = ranked.iloc[0]
    assert top["name"] == "Welcome e-mail with first-box tracking"
    assert top["rice"] == pytest.approx(9000 * 0.5 * 1.0 / 0.5)
    # dark mode has a higher RICE than several aligned initiatives, yet ranks after them
    dark = ranked.set_index("name").loc["Dark mode for the account page"]
    assert dark["rice"] > aligned["rice"].min()
    by_ice = okrs.rank(pd.DataFrame(doc["initiatives"]), by="ice")
    assert by_ice.loc[~by_ice["feature_factory"], "ice"].is_monotonic_decreasing


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
    assert rec["objective_grades"]["Make subscribing effortless"] == pytest.approx(0.7)
    assert rec["objective_grades"]["Keep the customers we win"] == pytest.approx(
        (2 * 0.2 + 3 / 14 + 0.35) / 4
    )
    assert rec["team_grade"] == pytest.approx((0.7 + (2 * 0.2 + 3 / 14 + 0.35) / 4) / 2)
    assert rec["feature_factory"] == [
        "Dark mode for the account page",
        "Animated confetti after purchase",
    ]
    assert rec["top_initiative"] == "Welcome e-mail with first-box tracking"  # RICE 9000 / 0.5 x 1
    assert rec["ranking"][-2:] == rec["feature_factory"]  # flagged work goes last


@pytest.mark.slow
def test_lesson_ranks_by_ice_when_asked(run_notebook):
    _, rec = run_notebook(LESSON, rank_by="ice", ice_method="product")
    team = okrs.load(SAMPLE)
    expected = okrs.rank(pd.DataFrame(team["initiatives"]), by="ice", ice_method="product")
    assert rec["ranking"] == expected["name"].tolist()


def test_alignment_reads_yes_and_no_as_the_kit_reads_truthy_text():
    import pandas as pd

    from valuelab.okrs import ALIGNMENT_TESTS, alignment

    words = pd.DataFrame({test: ["No", "yes"] for test in ALIGNMENT_TESTS})
    table = alignment(words)
    assert table["feature_factory"].tolist() == [True, False]
    with pytest.raises(InputError, match="'maybe' is not true or false"):
        alignment(pd.DataFrame({test: ["maybe"] for test in ALIGNMENT_TESTS}))
