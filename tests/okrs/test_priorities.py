"""Initiative priorities: RICE, ICE, the kit's ICE mapping, the alignment test, the ranking."""

import pandas as pd
import pytest

from valuelab import okrs
from valuelab.core.errors import InputError
from valuelab.data import datasets

SAMPLE = datasets.data_file("okrs_product_team.yaml")


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


def test_alignment_flags_initiatives_that_pass_none_of_the_four_tests():
    doc = okrs.load(SAMPLE)
    table = okrs.alignment(pd.DataFrame(doc["initiatives"]))
    flagged = table.loc[table["unaligned"], "name"].tolist()
    assert flagged == ["Dark mode for the account page", "Animated confetti after purchase"]
    with pytest.raises(InputError, match="helps_okr"):
        okrs.alignment(pd.DataFrame({"name": ["x"], "moves_vision": [True]}))


def test_labelled_alignment_names_the_tests_in_words():
    from valuelab.core import labelled

    table = okrs.alignment(pd.DataFrame(okrs.load(SAMPLE)["initiatives"]))
    shown = labelled(table[["name", "aligned_with", "unaligned"]]).set_index("Name")
    assert shown.loc["One-page checkout", "Aligned with"] == ", ".join(
        okrs.ALIGNMENT_LABELS[t] for t in okrs.ALIGNMENT_TESTS
    )
    assert shown.loc["Dark mode for the account page", "Aligned with"] == ""
    assert set(okrs.ALIGNMENT_LABELS) == set(okrs.ALIGNMENT_TESTS)
    assert table.loc[0, "aligned_with"].startswith("moves_vision"), "the result keeps its keys"


def test_rank_puts_unaligned_work_last_whatever_its_score():
    doc = okrs.load(SAMPLE)
    ranked = okrs.rank(pd.DataFrame(doc["initiatives"]))
    assert ranked["rank"].tolist() == list(range(1, 11))
    assert ranked["unaligned"].tolist() == [False] * 8 + [True] * 2
    aligned = ranked[~ranked["unaligned"]]
    assert aligned["rice"].is_monotonic_decreasing
    top = ranked.iloc[0]
    assert top["name"] == "Welcome e-mail with first-box tracking"
    assert top["rice"] == pytest.approx(9000 * 0.5 * 1.0 / 0.5)
    # dark mode has a higher RICE than several aligned initiatives, yet ranks after them
    dark = ranked.set_index("name").loc["Dark mode for the account page"]
    assert dark["rice"] > aligned["rice"].min()
    by_ice = okrs.rank(pd.DataFrame(doc["initiatives"]), by="ice")
    assert by_ice.loc[~by_ice["unaligned"], "ice"].is_monotonic_decreasing


def test_alignment_reads_yes_and_no_as_the_kit_reads_truthy_text():
    from valuelab.okrs import ALIGNMENT_TESTS, alignment

    words = pd.DataFrame({test: ["No", "yes"] for test in ALIGNMENT_TESTS})
    table = alignment(words)
    assert table["unaligned"].tolist() == [True, False]
    with pytest.raises(InputError, match="'maybe' is not true or false"):
        alignment(pd.DataFrame({test: ["maybe"] for test in ALIGNMENT_TESTS}))


def test_ice_scales_are_the_kits_mapping_of_rice_scales():
    # impact 3/2/1/0.5/0.25 -> 10/8/6/4/2; confidence c -> max(10c, 1)
    assert okrs.ICE_IMPACT == {3.0: 10, 2.0: 8, 1.0: 6, 0.5: 4, 0.25: 2}
    assert set(okrs.ICE_IMPACT) == set(okrs.IMPACT_SCALE)
    assert okrs.ice_confidence([1.0, 0.8, 0.5, 0.05]).tolist() == [10.0, 8.0, 5.0, 1.0]
    with pytest.raises(InputError, match="confidence outside 0-1"):
        okrs.ice_confidence(1.2)
    # rank() uses that mapping: One-page checkout has impact 2, confidence 0.8, ease 5
    doc = okrs.load(SAMPLE)
    ranked = okrs.rank(pd.DataFrame(doc["initiatives"])).set_index("name")
    assert ranked.loc["One-page checkout", "ice"] == pytest.approx((8 + 8 + 5) / 3)
    # pandas oracle for the whole column
    table = pd.DataFrame(doc["initiatives"]).set_index("name")
    oracle = (
        table["impact"].map({3: 10, 2: 8, 1: 6, 0.5: 4, 0.25: 2})
        + (table["confidence"] * 10).clip(lower=1)
        + table["ease"]
    ) / 3
    pd.testing.assert_series_equal(
        ranked["ice"].sort_index(), oracle.sort_index(), check_names=False
    )
