"""Integer codes: the one factorization behind the payouts and the event-log metrics."""

import numpy as np
import pandas as pd

from valuelab.core import integer_codes


def test_codes_in_order_of_appearance_or_sorted():
    s = pd.Series(["b", "a", "b", "c"])
    codes, labels = integer_codes(s)
    assert codes.tolist() == [0, 1, 0, 2] and labels.tolist() == ["b", "a", "c"]
    codes, labels = integer_codes(s, sort=True)
    assert codes.tolist() == [1, 0, 1, 2] and labels.tolist() == ["a", "b", "c"]
    assert codes.dtype == np.int64
    assert (labels[codes] == s).all()


def test_a_categorical_keeps_its_codes_and_unused_categories():
    s = pd.Series(pd.Categorical(["y", "x", "y"], categories=["y", "x", "z"]))
    codes, labels = integer_codes(s, sort=True)
    assert codes.tolist() == [0, 1, 0] and labels.tolist() == ["y", "x", "z"]
