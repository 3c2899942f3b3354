"""Averages over periods leave the partial ones out unless asked."""

import numpy as np
import pandas as pd
import pytest

from valuelab.core.errors import InputError
from valuelab.kpis.events import period_mean


def test_period_mean_skips_incomplete_periods():
    table = pd.DataFrame(
        {"rate": [0.1, 0.3, np.nan, 0.9], "complete": [False, True, True, False]},
        index=pd.date_range("2024-01-01", periods=4, freq="MS", name="period_start"),
    )
    assert period_mean(table, "rate") == 0.3  # NaN skipped, partial months left out
    assert period_mean(table, "rate", include_incomplete=True) == pytest.approx(1.3 / 3)
    assert np.isnan(period_mean(table[~table["complete"]], "rate"))


def test_period_mean_needs_the_flag():
    with pytest.raises(InputError, match="missing column complete"):
        period_mean(pd.DataFrame({"rate": [0.1]}), "rate")
    with pytest.raises(InputError, match="missing column share"):
        period_mean(pd.DataFrame({"rate": [0.1], "complete": [True]}), "share")
