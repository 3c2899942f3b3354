"""Initiative priorities: RICE, ICE and the alignment test, one backlog ranked.

Every initiative must do at least one of four things — move the team toward
its vision, improve the overall customer experience, improve the team's KPIs,
help reach an OKR [1]_. :func:`alignment` flags one that does none of them as
**unaligned**: the flag is the kit's rule, built from the source's list. (The
source calls product *teams without a vision* "feature factories"; J. Cutler
[2]_ coined the term for teams that measure output, features shipped, instead
of outcomes. Neither uses it for a single initiative, so the kit does not.)

Scores: :func:`rice` (Intercom [3]_: Reach × Impact × Confidence / Effort) and
:func:`ice` (Impact, Confidence, Ease [4]_ [5]_, each 1–10; the **mean** by
default, as GrowthHackers' ICE score is usually computed, or the **product**
with ``method="product"``). :func:`rank` scores one backlog both ways. RICE's
impact (3 / 2 / 1 / 0.5 / 0.25) and confidence (a share 0–1) become ICE's 1–10
scores through **the kit's mapping** — McBride and Ellis each define their own
scales and publish no conversion between them:

- impact 3 / 2 / 1 / 0.5 / 0.25 → 10 / 8 / 6 / 4 / 2 (:data:`ICE_IMPACT`: the
  five steps in even steps of 2 over 2–10, massive at the top);
- confidence share c → ``max(10 × c, 1)`` (:func:`ice_confidence`: Intercom's
  100 % / 80 % / 50 % become 10 / 8 / 5).

References
----------
.. [1] Value Rebels, "What does it mean to deliver the right customer value?",
   Value Rebels blog: the four things an initiative must do; "product teams
   without a Vision are usually just small feature factories".
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value
.. [2] J. Cutler, "12 Signs You're Working in a Feature Factory", Hacker Noon,
   17 November 2016.
   https://medium.com/hackernoon/12-signs-youre-working-in-a-feature-factory-44a5b938d6a2
.. [3] S. McBride, "RICE: Simple prioritization for product managers", Intercom
   blog, 2016. https://www.intercom.com/blog/rice-simple-prioritization-for-product-managers/
.. [4] GrowthHackers, "Selecting an 'ICE' score" (help article): Impact,
   Confidence and Ease, attributed to Sean Ellis.
   https://growthhackershelp.zendesk.com/hc/en-us/articles/212386217-Selecting-an-ICE-score
.. [5] S. Ellis and M. Brown, *Hacking Growth*, Currency, 2017: the ICE score.

Examples
--------
>>> rice(reach=2000, impact=2, confidence=0.8, effort=4)
800.0
>>> ice(8, 6, 4), ice(8, 6, 4, method="product")
(6.0, 192.0)
>>> ICE_IMPACT[2.0], float(ice_confidence(0.8))
(8, 8.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import InputError, aligned, check_numbers, parse_bool, shaped_like

__all__ = [
    "ALIGNMENT_LABELS",
    "ALIGNMENT_TESTS",
    "ICE_IMPACT",
    "IMPACT_SCALE",
    "alignment",
    "ice",
    "ice_confidence",
    "rank",
    "rice",
]

#: Intercom's RICE impact scale: massive 3, high 2, medium 1, low 0.5, minimal 0.25.
IMPACT_SCALE = {3.0: "massive", 2.0: "high", 1.0: "medium", 0.5: "low", 0.25: "minimal"}
#: The kit's mapping of RICE impact onto ICE's 1-10 impact (not published by either source).
ICE_IMPACT = {3.0: 10, 2.0: 8, 1.0: 6, 0.5: 4, 0.25: 2}
#: The four things an initiative must do (Value Rebels); doing none is "unaligned" (the kit's flag).
ALIGNMENT_TESTS = ("moves_vision", "improves_experience", "improves_kpis", "helps_okr")
#: Each alignment test in words, as a person reads it (``labelled`` shows ``aligned_with`` so).
ALIGNMENT_LABELS = {
    "moves_vision": "moves toward the vision",
    "improves_experience": "improves the customer experience",
    "improves_kpis": "improves the team's KPIs",
    "helps_okr": "helps reach an OKR",
}


def ice_confidence(confidence: Any) -> Any:
    """The kit's mapping of RICE confidence (share 0-1) onto ICE's 1-10 confidence.

    ``max(10 x confidence, 1)``: Intercom's 100 % / 80 % / 50 % become 10 / 8 / 5;
    anything under 10 % becomes 1, the bottom of ICE's scale. Neither McBride
    (2016) nor Ellis publishes a conversion; this one is the kit's.

    Parameters
    ----------
    confidence : float or array-like
        Share 0-1.

    Returns
    -------
    float or numpy.ndarray or pandas.Series
        Score 1-10, same shape as ``confidence``.

    Examples
    --------
    >>> ice_confidence([1.0, 0.5, 0.05]).tolist()
    [10.0, 5.0, 1.0]
    """
    c = check_numbers(confidence, "confidence")
    if ((c < 0) | (c > 1)).any():
        raise InputError(
            "confidence outside 0-1", source="confidence", expected="a share between 0 and 1"
        )
    return shaped_like(np.maximum(c * 10.0, 1.0), confidence)


def rice(reach: Any, impact: Any, confidence: Any, effort: Any) -> Any:
    """RICE score: Reach x Impact x Confidence / Effort (Intercom).

    Source: McBride (2016), see the module's References.

    Parameters
    ----------
    reach : float or array-like
        People or events per period (>= 0), e.g. customers per quarter.
    impact : float or array-like
        One of 3, 2, 1, 0.5, 0.25 (:data:`IMPACT_SCALE`).
    confidence : float or array-like
        Share 0-1 (Intercom's 100 % / 80 % / 50 %).
    effort : float or array-like
        Person-months (> 0).

    Returns
    -------
    float or numpy.ndarray or pandas.Series
        Score in reach-units per person-month.

    Examples
    --------
    >>> rice(500, 0.5, 1.0, 0.5)
    500.0
    """
    reach, impact, confidence, effort = aligned(
        reach=reach, impact=impact, confidence=confidence, effort=effort
    )
    r, i = check_numbers(reach, "reach"), check_numbers(impact, "impact")
    c, e = check_numbers(confidence, "confidence"), check_numbers(effort, "effort")
    problems = []
    if (r < 0).any():
        problems.append("reach must be >= 0")
    if not np.isin(i, list(IMPACT_SCALE)).all():
        problems.append("impact must be one of 3, 2, 1, 0.5, 0.25 (Intercom's scale)")
    if ((c < 0) | (c > 1)).any():
        problems.append("confidence must be a share between 0 and 1")
    if (e <= 0).any():
        problems.append("effort must be > 0 person-months")
    if problems:
        raise InputError(source="rice", problems=[InputError(p) for p in problems])
    return shaped_like(r * i * c / e, reach, impact, confidence, effort)


def ice(impact: Any, confidence: Any, ease: Any, method: str = "mean") -> Any:
    """ICE score from Impact, Confidence and Ease, each scored 1-10.

    ``method="mean"`` (default, the GrowthHackers convention): the average,
    1-10. ``method="product"``: the product, 1-1000 — it punishes a single low
    score harder. Source: Sean Ellis's ICE score (GrowthHackers; Ellis and Brown,
    2017); see the module's References. To score a RICE backlog with ICE, the
    kit maps RICE's impact 3 / 2 / 1 / 0.5 / 0.25 to 10 / 8 / 6 / 4 / 2
    (:data:`ICE_IMPACT`) and confidence c to ``max(10 c, 1)``
    (:func:`ice_confidence`) — the kit's mapping, not the sources'.

    Parameters
    ----------
    impact, confidence, ease : float or array-like
        Scores 1-10.
    method : {"mean", "product"}

    Returns
    -------
    float or numpy.ndarray or pandas.Series
        Score 1-10 (mean) or 1-1000 (product), same shape as ``impact``.

    Raises
    ------
    InputError
        For a score outside 1-10 or an unknown method.

    Examples
    --------
    >>> ice([10, 2], [10, 5], [1, 5]).tolist()
    [7.0, 4.0]
    """
    impact, confidence, ease = aligned(impact=impact, confidence=confidence, ease=ease)
    scores = [
        check_numbers(v, n)
        for v, n in ((impact, "impact"), (confidence, "confidence"), (ease, "ease"))
    ]
    for arr, name in zip(scores, ("impact", "confidence", "ease"), strict=True):
        if ((arr < 1) | (arr > 10)).any():
            raise InputError("score outside 1-10", source=name, expected="a score from 1 to 10")
    if method == "mean":
        value = (scores[0] + scores[1] + scores[2]) / 3
    elif method == "product":
        value = scores[0] * scores[1] * scores[2]
    else:
        raise InputError(
            f"unknown method {method!r}", source="method", expected="'mean' or 'product'"
        )
    return shaped_like(value, impact, confidence, ease)


def alignment(initiatives: pd.DataFrame) -> pd.DataFrame:
    """The alignment test per initiative.

    Source: the four things an initiative must do (Value Rebels, see the
    module's References); flagging one that does none is the kit's rule.

    Adds ``aligned_with`` (the tests it passes, comma-separated) and
    ``unaligned`` (True when it passes none of :data:`ALIGNMENT_TESTS`);
    ``attrs["values"]`` holds :data:`ALIGNMENT_LABELS`, so
    :func:`~valuelab.core.labelled` shows the tests in words.

    Raises
    ------
    InputError
        Naming the missing flag columns, or a value that is not true or false.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {
    ...         "name": ["a", "b"],
    ...         "moves_vision": [True, False],
    ...         "improves_experience": [False, False],
    ...         "improves_kpis": [False, False],
    ...         "helps_okr": [True, False],
    ...     }
    ... )
    >>> alignment(df)[["aligned_with", "unaligned"]].values.tolist()
    [['moves_vision, helps_okr', False], ['', True]]
    """
    missing = [c for c in ALIGNMENT_TESTS if c not in initiatives.columns]
    if missing:
        raise InputError(
            "missing column(s)",
            source="initiatives",
            column=", ".join(missing),
            expected="True/False for each alignment test",
        )
    out = initiatives.copy()
    flags = out[list(ALIGNMENT_TESTS)].apply(
        lambda col: col.map(lambda value: parse_bool(value, f"initiatives.{col.name}"))
    )
    out["aligned_with"] = flags.apply(
        lambda row: ", ".join(c for c in ALIGNMENT_TESTS if row[c]), axis=1
    )
    out["unaligned"] = ~flags.any(axis=1)
    out.attrs["values"] = {"aligned_with": dict(ALIGNMENT_LABELS)}
    return out


def rank(initiatives: pd.DataFrame, by: str = "rice", ice_method: str = "mean") -> pd.DataFrame:
    """Initiatives with RICE, ICE, the alignment test, ranked by ``by``.

    Unaligned initiatives (:func:`alignment`) are ranked after every aligned
    one whatever their score: doing the wrong thing efficiently is still the
    wrong thing (the kit's rule).

    Parameters
    ----------
    initiatives : pandas.DataFrame
        Columns ``name``, ``reach``, ``impact``, ``confidence`` (0-1),
        ``effort`` (person-months), ``ease`` (1-10) and the four
        :data:`ALIGNMENT_TESTS` flags.
    by : {"rice", "ice"}
    ice_method : {"mean", "product"}
        ICE's 1-10 impact and confidence come from the RICE columns through
        the kit's mapping (:data:`ICE_IMPACT`, :func:`ice_confidence`).

    Returns
    -------
    pandas.DataFrame
        ``rank`` first, then the input columns, ``aligned_with``,
        ``unaligned``, ``rice`` and ``ice``; best first.
    """
    if by not in {"rice", "ice"}:
        raise InputError(f"unknown ranking {by!r}", source="by", expected="'rice' or 'ice'")
    out = alignment(initiatives)
    out["rice"] = rice(out["reach"], out["impact"], out["confidence"], out["effort"])
    ice_impact = out["impact"].astype(float).map(ICE_IMPACT)
    out["ice"] = ice(ice_impact, ice_confidence(out["confidence"]), out["ease"], ice_method)
    out = out.sort_values(["unaligned", by], ascending=[True, False], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)
