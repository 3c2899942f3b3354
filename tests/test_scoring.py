import numpy as np
import pytest

from valuelab.errors import InputError
from valuelab.scoring import goal_progress


def test_seed_example_off_track():
    r = goal_progress(50, 3, 3, 12)
    assert r["status"] == "off track"
    assert float(r["expected"]) == pytest.approx(12.5)
    assert float(r["projected"]) == pytest.approx(12.0)
    assert float(r["gap"]) == pytest.approx(38.0)


def test_vectorized_statuses():
    r = goal_progress([10, 10, 10], [2.5, 2.0, 1.0], [3, 3, 3], [12, 12, 12])
    assert list(r["status"]) == ["on track", "at risk", "off track"]


def test_s_curve_expected():
    r = goal_progress(100, 10, 6, 12, curve="s-curve")
    assert float(r["expected"]) == pytest.approx(50.0)


def test_errors():
    with pytest.raises(InputError, match="horizon"):
        goal_progress(1, 1, 1, 0)
    with pytest.raises(InputError, match="curve"):
        goal_progress(1, 1, 1, 12, curve="zigzag")
    with pytest.raises(InputError, match="elapsed"):
        goal_progress(np.array([1.0]), 1, 0, 12)
