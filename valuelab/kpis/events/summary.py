"""Averages over periods that leave out the periods the log covers in part.

A month with one day of data is not a month: its actives, stickiness or churn rate are not
comparable with whole months' [1]_. Every per-period result carries a ``complete`` column; the
average here skips incomplete periods unless asked to keep them.

References
----------
.. [1] A. Croll and B. Yoskovitz, *Lean Analytics: Use Data to Build a Better Startup Faster*,
   O'Reilly, 2013, ch. 4: compare like periods (cohorts of equal length).
"""

from __future__ import annotations

import pandas as pd

from valuelab.core import InputError

__all__ = ["period_mean"]


def period_mean(result: pd.DataFrame, column: str, include_incomplete: bool = False) -> float:
    """Mean of ``column`` over the result's periods, complete ones only by default.

    Parameters
    ----------
    result : pandas.DataFrame
        A per-period result of ``valuelab.kpis.events`` (with a ``complete`` column).
    column : str
        The column to average (NaN values are skipped).
    include_incomplete : bool
        Keep the periods the log covers in part.

    Returns
    -------
    float
        The mean; NaN when no period qualifies.

    Raises
    ------
    InputError
        ``column`` or ``complete`` missing.

    Examples
    --------
    >>> t = pd.DataFrame({"stickiness": [0.2, 0.3, 1.0], "complete": [True, True, False]})
    >>> period_mean(t, "stickiness")
    0.25
    >>> round(period_mean(t, "stickiness", include_incomplete=True), 4)
    0.5
    """
    for name in (column, "complete"):
        if name not in result.columns:
            raise InputError(
                f"missing column {name}",
                source="result",
                column=name,
                expected="a per-period result with a 'complete' column",
            )
    rows = result if include_incomplete else result[result["complete"].astype(bool)]
    return float(rows[column].mean()) if len(rows) else float("nan")
