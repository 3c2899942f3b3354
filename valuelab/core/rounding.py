"""Rounding parts of a whole so that the rounded parts still add to the whole.

Rounding each part on its own loses the total: weights 0.7, 0.3, 0.15 and
0.15 are 53.8 %, 23.1 %, 11.5 % and 11.5 % of their sum, which round to 54,
23, 12 and 12 (101 %); three equal thirds round to 33 % each (99 %). The
largest-remainder method (Hamilton's method of
apportionment; M. L. Balinski and H. P. Young, *Fair Representation: Meeting
the Ideal of One Man, One Vote*, 2nd ed., Brookings Institution Press, 2001,
chapter 2) rounds every part down, then gives the units left over one each to
the parts with the largest rounded-off fractions: the parts add to the whole
exactly and each is within one unit of its exact value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from valuelab.core.errors import InputError

__all__ = ["largest_remainder", "whole_percents"]


def largest_remainder(weights: Sequence[float] | np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` whole units in proportion to ``weights``, exactly.

    Each part gets its exact amount rounded down; the units left over go one
    each to the parts with the largest fractions (ties: the earlier part).

    Parameters
    ----------
    weights : array-like of float, shape (n,)
        Non-negative weights (any scale), not all zero unless ``total`` is 0.
    total : int
        The whole to split, in units (cents, percentage points, seats).

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        Whole units, summing to ``total``.

    Raises
    ------
    InputError
        When all weights are zero (or their sum is not positive) and ``total`` is not 0.

    Examples
    --------
    >>> largest_remainder(np.array([1.0, 1.0, 1.0]), 100).tolist()
    [34, 33, 33]
    """
    w = np.asarray(weights, dtype=float)
    s = w.sum()
    if s <= 0:
        if total:
            raise InputError(
                "nothing to split",
                source="largest_remainder",
                column="weights",
                expected="at least one positive weight",
            )
        return np.zeros(len(w), dtype=np.int64)
    exact = w / s * total
    parts = np.floor(exact).astype(np.int64)
    left = int(total - parts.sum())
    if left > 0:
        order = np.argsort(-(exact - parts), kind="stable")[:left]
        parts[order] += 1
    return parts


def whole_percents(weights: Sequence[float]) -> list[int]:
    """Each weight's share of their sum, in whole percent adding to exactly 100.

    Parameters
    ----------
    weights : sequence of float, length n
        Non-negative weights, at least one positive (any scale: they need not add to 1).

    Returns
    -------
    list of int, length n
        Percent shares (largest-remainder rounding, :func:`largest_remainder`).

    Raises
    ------
    InputError
        When no weight is positive.

    Examples
    --------
    >>> whole_percents([0.7, 0.3, 0.15, 0.15])  # 53.8, 23.1, 11.5, 11.5: not 54, 23, 12, 12
    [54, 23, 12, 11]
    """
    return [int(p) for p in largest_remainder(weights, 100)]
