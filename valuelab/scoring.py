"""Customer-value scoring (issue 6) — first piece: goal progress.

Only :func:`goal_progress` is implemented so far; the five value scores,
portfolio view and indicator evaluation are still to do.

Examples
--------
>>> goal_progress(50, 3, 3, 12)["status"]
'off track'
"""

from __future__ import annotations

import numpy as np

from valuelab.errors import InputError

__all__ = ["ON_TRACK", "STATUS_THRESHOLDS", "goal_progress"]

#: Projected attainment (share 0-1 of the target) at or above which a goal is
#: ``on track``; at or above the second value it is ``at risk``; below it is
#: ``off track``.
STATUS_THRESHOLDS = (0.9, 0.7)
ON_TRACK = "on track"


def _curve(t, curve):
    if curve == "linear":
        return t
    if curve == "s-curve":
        return 3 * t**2 - 2 * t**3
    raise InputError(f"unknown curve {curve!r}", source="curve", expected="'linear' or 's-curve'")


def goal_progress(target, achieved, elapsed, horizon, curve="linear"):
    """Expected progress to date, projected attainment, gap and status.

    Formulas (``t = elapsed / horizon`` clipped to 0-1):
    ``share(t) = t`` (linear) or ``3t² - 2t³`` (s-curve);
    ``expected = target * share(t)``; ``projected = achieved / share(t)``
    (``achieved`` when ``t = 1``); ``gap = target - projected``;
    status from ``attainment = projected / target``: ``on track`` if
    >= 0.9, ``at risk`` if >= 0.7, else ``off track``.

    Parameters
    ----------
    target, achieved : float or array-like
        Goal and result so far, in the goal's unit (e.g. percent growth).
    elapsed, horizon : float or array-like
        Months elapsed and goal horizon in months (horizon > 0).
    curve : {"linear", "s-curve"}
        Shape of the expected progress over time.

    Returns
    -------
    dict
        ``expected``, ``projected``, ``gap``, ``attainment`` (share 0-1) and
        ``status`` (strings; arrays when the inputs are arrays).

    Examples
    --------
    >>> r = goal_progress(50, 3, 3, 12)
    >>> float(r["expected"]), float(r["projected"]), r["status"]
    (12.5, 12.0, 'off track')
    """
    target = np.asarray(target, dtype=float)
    achieved = np.asarray(achieved, dtype=float)
    elapsed = np.asarray(elapsed, dtype=float)
    horizon = np.asarray(horizon, dtype=float)
    if np.any(~(horizon > 0)):
        raise InputError("horizon must be > 0 months", source="horizon", expected="> 0")
    if np.any(~(elapsed > 0)):
        raise InputError("elapsed must be > 0 months", source="elapsed", expected="> 0")
    share = _curve(np.clip(elapsed / horizon, 0.0, 1.0), curve)
    expected = target * share
    projected = achieved / share
    gap = target - projected
    with np.errstate(divide="ignore", invalid="ignore"):
        attainment = np.where(target != 0, projected / target, 1.0)
    hi, lo = STATUS_THRESHOLDS
    status = np.where(
        attainment >= hi, ON_TRACK, np.where(attainment >= lo, "at risk", "off track")
    )
    if status.ndim == 0:
        status = str(status)
    return {
        "expected": expected,
        "projected": projected,
        "gap": gap,
        "attainment": attainment,
        "status": status,
    }
