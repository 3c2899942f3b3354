"""The public half of the exercises: what notebooks show, apart from the checks."""

from valuelab.course import material, set_variant
from valuelab.course.questions import drivers


def test_variant_zero_is_the_lesson_and_other_variants_differ():
    try:
        set_variant(0)
        assert material.answers() == material.ANSWERS
        assert material.ltv_inputs() == material.LTV_INPUTS
        set_variant(12345)
        mine = material.answers()
        assert len(mine) == 12 and all(0 <= a <= 10 for a in mine)
        assert 20 <= material.ltv_inputs()["arpa"] <= 120
    finally:
        set_variant(0)


def test_material_holds_no_checks_and_questions_use_it():
    source = material.__loader__.get_source(material.__name__)
    assert "@question" not in source and "_HIDDEN_POINT" not in source
    assert drivers.STATEMENTS is material.STATEMENTS
    assert set(material.STATEMENTS.values()) == {
        "driver",
        "nsm",
        "feature request",
        "value proposition",
    }
    assert material.BACKLOG["name"].iloc[0] == "Faster search"
    assert sum(material.EQUAL.values()) == 4 and material.QUARTER["deals_won"] == 4
