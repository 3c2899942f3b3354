"""OKR figures: key-result grades against their type's expectation, initiatives by score."""

import pandas as pd

from valuelab.okrs import EXPECTED_GRADE
from valuelab.plots.okrs import kr_grades, priorities
from valuelab.plots.style import PALETTE


def test_grades_are_bars_coloured_by_their_types_expectation():
    krs = pd.DataFrame(
        {
            "name": ["cut churn", "grow trials", "ship pause", "cut ttv"],
            "objective": ["Keep", "Win", "Win", "Win"],
            "grade": [0.2, 0.7, 1.0, 0.9],
            "type": ["aspirational", "aspirational", "committed", "committed"],
        }
    )
    fig = kr_grades(krs)
    bars, expected = fig.data
    assert bars.orientation == "h" and list(bars.y) == list(krs["name"])
    # 0.7 is in the aspirational sweet spot; 0.9 misses a committed 1.0
    assert list(bars.marker.color) == [PALETTE[1], PALETTE[2], PALETTE[2], PALETTE[1]]
    assert list(bars.text) == [
        "0.20 aspirational · below",
        "0.70 aspirational · sweet spot",
        "1.00 committed · met",
        "0.90 committed · missed",
    ]
    assert list(bars.customdata) == ["Keep", "Win", "Win", "Win"]
    assert expected.name == "committed: expected 1.0"
    assert list(expected.x) == [1.0, 1.0] and list(expected.y) == ["ship pause", "cut ttv"]
    (band,) = fig.layout.shapes
    assert (band.x0, band.x1) == EXPECTED_GRADE["aspirational"] == (0.6, 0.7)
    assert fig.layout.annotations[0].text == "aspirational sweet spot 0.6-0.7"
    assert fig.layout.title.text == "Key-result grades"
    assert fig.layout.xaxis.title.text == "Grade (0-1)"
    assert fig.layout.yaxis.title.text == "Key result"


def test_grades_without_types_are_read_as_aspirational():
    krs = pd.DataFrame({"name": ["a"], "objective": ["O"], "grade": [1.0]})
    bars, expected = kr_grades(krs).data
    assert list(bars.text) == ["1.00 aspirational · above"] and list(expected.x) == []


def test_priorities_put_unaligned_work_in_grey():
    ranked = pd.DataFrame(
        {
            "name": ["search", "checkout", "confetti"],
            "rice": [900.0, 400.0, 950.0],
            "ice": [7.0, 6.0, 8.0],
            "unaligned": [False, False, True],
        }
    )
    fig = priorities(ranked)
    assert [t.name for t in fig.data] == ["aligned", "unaligned (none of the four tests)"]
    assert list(fig.data[0].y) == ["search", "checkout"] and list(fig.data[1].x) == [950.0]
    assert fig.data[1].marker.color == "#999"
    assert list(fig.layout.yaxis.categoryarray) == ["search", "checkout", "confetti"]
    assert fig.layout.title.text == "Initiatives ranked by RICE"
    assert fig.layout.xaxis.title.text == "RICE (reach per person-month)"
    by_ice = priorities(ranked, by="ice", title="ICE")
    assert by_ice.layout.xaxis.title.text == "ICE score" and list(by_ice.data[0].x) == [7.0, 6.0]
    assert by_ice.layout.title.text == "ICE"
