"""Rounding parts of a whole: the rounded parts add to the whole (largest remainder)."""

import numpy as np
import pandas as pd
import pytest

from valuelab.core import InputError, largest_remainder, whole_percents


def _oracle(weights: list[float], total: int) -> list[int]:
    """The method in plain pandas: floors, then one unit each to the largest fractions."""
    exact = pd.Series(weights, dtype=float) / sum(weights) * total
    parts = exact.apply(np.floor).astype(int)
    left = total - int(parts.sum())
    order = (exact - parts).sort_values(ascending=False, kind="stable").index[:left]
    parts[order] += 1
    return parts.tolist()


@pytest.mark.parametrize(
    ("weights", "total", "expected"),
    [
        ([1.0, 1.0, 1.0], 100, [34, 33, 33]),  # ties: the earlier part
        ([2.0, 1.0, 1.0], 5, [3, 1, 1]),  # 2.5, 1.25, 1.25 -> 2, 1, 1 and one left: the .5
        ([0.7, 0.3, 0.15, 0.15], 100, [54, 23, 12, 11]),  # 53.85, 23.08, 11.54, 11.54
        ([0.4, 0.3, 0.15, 0.15], 100, [40, 30, 15, 15]),  # exact already
        ([0.0, 5.0], 100, [0, 100]),
    ],
)
def test_largest_remainder_by_hand_and_by_the_pandas_oracle(weights, total, expected):
    parts = largest_remainder(weights, total)
    assert parts.tolist() == expected == _oracle(weights, total)
    assert parts.sum() == total and parts.dtype == np.int64
    exact = np.asarray(weights) / sum(weights) * total
    assert (np.abs(parts - exact) < 1).all()  # each within one unit of its exact value


def test_whole_percents_add_to_100_where_rounding_each_gives_101():
    weights = [0.7, 0.3, 0.15, 0.15]
    assert [round(w / sum(weights) * 100) for w in weights] == [54, 23, 12, 12]  # 101 %
    assert whole_percents(weights) == [54, 23, 12, 11]
    rng = np.random.default_rng(20241201)
    for _ in range(200):
        drawn = rng.uniform(0, 1, size=int(rng.integers(1, 8))).tolist()
        assert sum(whole_percents(drawn)) == 100
        assert whole_percents(drawn) == _oracle(drawn, 100)


def test_nothing_to_split_is_an_input_error():
    assert largest_remainder([0.0, 0.0], 0).tolist() == [0, 0]
    with pytest.raises(InputError, match="nothing to split"):
        whole_percents([0.0, 0.0])
