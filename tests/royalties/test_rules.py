"""The one registry of payout rules: the package, the app, lesson 02 and exercise 02 use it."""

import ast
import json

import ipywidgets as w
import pandas as pd
import pytest
from support import EXERCISES, NOTEBOOKS

from valuelab import royalties as r
from valuelab.core import InputError

LOG = pd.DataFrame(
    {
        "user_id": ["a", "a", "b", "c"],
        "artist_id": ["X", "Y", "X", "Z"],
        "streams": [90, 10, 1000, 5],
        "tier": ["premium", "premium", "free", "premium"],
    }
)


def test_every_rule_has_a_label_a_description_and_its_weights():
    assert next(iter(r.PAYOUT_RULES)) == "pro_rata"
    for name, rule in r.PAYOUT_RULES.items():
        assert rule.name == name and rule.label and rule.description and rule.weights
        assert rule.method in r.rules.METHODS
    labels = [rule.label for rule in r.PAYOUT_RULES.values()]
    assert len(labels) == len(set(labels))


def test_a_rule_must_have_a_known_method():
    with pytest.raises(ValueError, match="method must be one of"):
        r.PayoutRule("fair", "Fair", "?", "?", "fairness")


def test_the_payout_functions_are_built_from_the_registry():
    assert list(r.RULES) == list(r.PAYOUT_RULES)
    pool = 100.0
    assert r.RULES["pro_rata"](LOG, pool).equals(r.pro_rata(LOG, pool))
    assert r.RULES["user_centric"](LOG, pool).equals(r.user_centric(LOG, pool))
    equal = r.user_centric(LOG, pool, weights="equal")
    assert r.RULES["user_centric_equal"](LOG, pool).equals(equal)
    assert not equal.equals(r.user_centric(LOG, pool))  # b is free: its weight differs
    assert r.RULES["blend_50"](LOG, pool).equals(r.blend(LOG, pool, 0.5))
    threshold = r.pro_rata(r.apply_threshold(LOG, 1000, level="artist"), pool)
    assert r.RULES["threshold_1000"](LOG, pool).equals(threshold)
    assert r.RULES["artist_centric"](LOG, pool).equals(r.artist_centric_boost(LOG, pool))
    table = r.compare(LOG, pool, rules=list(r.PAYOUT_RULES))
    assert set(table["rule"]) == set(r.PAYOUT_RULES)


def test_payout_rule_and_the_rule_table():
    assert r.payout_rule("threshold_1000").options == {"min_streams": 1000, "level": "artist"}
    with pytest.raises(InputError, match="unknown payout rule 'threshold'"):
        r.payout_rule("threshold")
    table = r.rule_table()
    assert table.index.tolist() == list(r.PAYOUT_RULES)
    assert table.columns.tolist() == ["label", "description", "weights"]


def _parameter_comment(path, name):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    line = next(ln for ln in "".join(cell["source"]).splitlines() if ln.startswith(f"{name} ="))
    return ast.literal_eval(line.split("#")[0].split("=", 1)[1].strip()), line.split("#", 1)[1]


def test_lesson_02_offers_exactly_the_registry_rules():
    default, comment = _parameter_comment(NOTEBOOKS / "02_spotify_royalties.ipynb", "rule")
    listed = [w.strip() for w in comment.split(":", 1)[1].split(",")]
    assert listed == [name for name in r.PAYOUT_RULES if name != "pro_rata"]
    assert default in listed


def test_lesson_and_exercise_show_the_registry():
    for path in [
        NOTEBOOKS / "02_spotify_royalties.ipynb",
        EXERCISES / "02_royalties" / "solution.ipynb",
        EXERCISES / "02_royalties" / "student" / "exercise.ipynb",
    ]:
        assert "r.rule_table()" in path.read_text(encoding="utf-8"), path.name


def test_the_calculator_app_offers_the_registry_labels():
    from valuelab.apps.royalty_calculator import build_app

    app = build_app(rule="threshold_1000")

    def dropdowns(widget):
        if isinstance(widget, w.Dropdown):
            yield widget
        for child in getattr(widget, "children", ()):
            yield from dropdowns(child)

    rule_box = next(d for d in dropdowns(app) if d.description == "Payout rule")
    assert rule_box.value == "threshold_1000"
    assert list(rule_box.options) == [
        (r.PAYOUT_RULES[name].label, name) for name in r.CALCULATOR_RULES
    ]
    assert build_app(rule="threshold").children  # an old link's rule falls back to pro-rata
