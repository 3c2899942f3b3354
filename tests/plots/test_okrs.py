"""OKR figures: key-result grades against the sweet spot, initiatives by score."""

import pandas as pd

from valuelab.okrs import SWEET_SPOT
from valuelab.plots.okrs import kr_grades, priorities
from valuelab.plots.style import PALETTE


def test_grades_are_bars_coloured_by_the_sweet_spot():
    krs = pd.DataFrame(
        {"name": ["cut churn", "grow trials"], "objective": ["Keep", "Win"], "grade": [0.2, 0.7]}
    )
    fig = kr_grades(krs)
    (bars,) = fig.data
    assert bars.orientation == "h" and list(bars.y) == ["cut churn", "grow trials"]
    assert list(bars.marker.color) == [PALETTE[1], PALETTE[2]]  # 0.7 counts as reached
    assert list(bars.text) == ["0.20", "0.70"] and list(bars.customdata) == ["Keep", "Win"]
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == SWEET_SPOT == 0.7
    assert fig.layout.title.text == "Key-result grades"
    assert fig.layout.xaxis.title.text == "Grade (0-1)"
    assert fig.layout.yaxis.title.text == "Key result"
    assert list(fig.layout.xaxis.range) == [0, 1.1]


def test_priorities_put_feature_factory_work_in_grey():
    ranked = pd.DataFrame(
        {
            "name": ["search", "checkout", "confetti"],
            "rice": [900.0, 400.0, 950.0],
            "ice": [7.0, 6.0, 8.0],
            "feature_factory": [False, False, True],
        }
    )
    fig = priorities(ranked)
    assert [t.name for t in fig.data] == ["aligned", "feature factory"]
    assert list(fig.data[0].y) == ["search", "checkout"] and list(fig.data[1].x) == [950.0]
    assert fig.data[1].marker.color == "#999"
    assert list(fig.layout.yaxis.categoryarray) == ["search", "checkout", "confetti"]
    assert fig.layout.title.text == "Initiatives ranked by RICE"
    assert fig.layout.xaxis.title.text == "RICE (reach per person-month)"
    by_ice = priorities(ranked, by="ice", title="ICE")
    assert by_ice.layout.xaxis.title.text == "ICE score" and list(by_ice.data[0].x) == [7.0, 6.0]
    assert by_ice.layout.title.text == "ICE"
