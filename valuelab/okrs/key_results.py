"""OKRs and initiatives: grade key results, roll them up, rank the work honestly.

A product team has a vision, KPIs, OKRs (objectives that inspire, key results
that measure progress) and initiatives [1]_. Every initiative must do at least
one of four things — move the team toward its vision, improve the overall
customer experience, improve the team's KPIs, help reach an OKR — and one that
does none is **feature-factory work**, flagged by :func:`alignment`.

Grading (Google style [2]_ [3]_, :func:`grade`): a key result's grade is the share of
the way from its baseline to its target, clipped to 0.0–1.0. It works for
metrics to increase and to decrease (the direction follows from target vs
baseline). Objectives roll up as the weighted mean of their key results'
grades, teams as the mean of their objectives (:func:`roll_up`). Google's
guidance: **0.7 is the sweet spot** — consistently 1.0 means the objectives
were not ambitious enough, below 0.4 means something is wrong.

Prioritisation: :func:`rice` (Intercom [4]_: Reach × Impact × Confidence / Effort,
impact on the scale 3 / 2 / 1 / 0.5 / 0.25, confidence a share 0–1, effort in
person-months) and :func:`ice` (Impact, Confidence, Ease [5]_ [6]_, each 1–10; the
**mean** by default, as GrowthHackers' ICE score is usually computed, or the
**product** with ``method="product"``). :func:`rank` puts it together.

References
----------
.. [1] Value Rebels, "What does it mean to deliver the right customer value?",
   Value Rebels blog: a product team's vision, KPIs, OKRs and initiatives, and
   the four things an initiative must do.
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value
.. [2] Google re:Work, "Set goals with OKRs" (guide): grades from 0.0 to 1.0, a
   sweet spot around 0.6-0.7.
   https://rework.withgoogle.com/guides/set-goals-with-okrs/steps/introduction/
.. [3] R. Klau, "How Google sets goals: OKRs", Google Ventures Startup Lab, 2013
   (video): objective grade as the mean of its key results; consistently 1.0 is
   not ambitious enough, below 0.4 something is wrong.
   https://www.youtube.com/watch?v=mJB83EZtAjc
.. [4] S. McBride, "RICE: Simple prioritization for product managers", Intercom
   blog, 2016. https://www.intercom.com/blog/rice-simple-prioritization-for-product-managers/
.. [5] GrowthHackers, "Selecting an 'ICE' score" (help article): Impact,
   Confidence and Ease.
   https://growthhackershelp.zendesk.com/hc/en-us/articles/212386217-Selecting-an-ICE-score
.. [6] S. Ellis and M. Brown, *Hacking Growth*, Currency, 2017: the ICE score.

Examples
--------
>>> grade(10, 5, 7)  # from 10 toward 5 (a decrease), now at 7
0.6
>>> rice(reach=2000, impact=2, confidence=0.8, effort=4)
800.0
>>> ice(8, 6, 4), ice(8, 6, 4, method="product")
(6.0, 192.0)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from valuelab.core import InputError, aligned, check_numbers, parse_bool, shaped_like

__all__ = [
    "ALIGNMENT_TESTS",
    "IMPACT_SCALE",
    "SWEET_SPOT",
    "alignment",
    "grade",
    "ice",
    "key_results",
    "load",
    "rank",
    "rice",
    "roll_up",
]

#: Intercom's RICE impact scale: massive 3, high 2, medium 1, low 0.5, minimal 0.25.
IMPACT_SCALE = {3.0: "massive", 2.0: "high", 1.0: "medium", 0.5: "low", 0.25: "minimal"}
#: Google's target grade for an ambitious key result (0-1).
SWEET_SPOT = 0.7
#: The four things an initiative may do (Value Rebels); doing none is feature-factory work.
ALIGNMENT_TESTS = ("moves_vision", "improves_experience", "improves_kpis", "helps_okr")


def grade(baseline: Any, target: Any, current: Any) -> Any:
    """Google-style grade of a key result: share of the way from baseline to target.

    ``(current - baseline) / (target - baseline)`` clipped to 0.0-1.0; a target
    below the baseline is a metric to decrease and grades the same way.
    0.7 is the sweet spot (:data:`SWEET_SPOT`).
    Source: Google re:Work and Klau (2013), see the module's References.

    Parameters
    ----------
    baseline, target, current : float or array-like
        Values of the key result's metric, in its unit; ``target != baseline``.

    Returns
    -------
    float or numpy.ndarray or pandas.Series
        Grade 0.0-1.0 (same shape as ``current``).

    Examples
    --------
    >>> grade(20, 30, 27.5)
    0.75
    >>> grade([0, 10], [100, 5], [150, 12]).tolist()
    [1.0, 0.0]
    """
    baseline, target, current = aligned(baseline=baseline, target=target, current=current)
    b, t, c = (
        check_numbers(v, n)
        for v, n in ((baseline, "baseline"), (target, "target"), (current, "current"))
    )
    same = np.broadcast_to(t == b, np.broadcast_shapes(t.shape, b.shape))
    if same.any():
        rows = np.flatnonzero(same).tolist() if same.ndim else None
        raise InputError(
            "target equals baseline: nothing to grade",
            source="target",
            rows=rows,
            expected="a target different from the baseline",
        )
    return shaped_like(np.clip((c - b) / (t - b), 0.0, 1.0), current, baseline, target)


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
    score harder. Source: GrowthHackers; Ellis and Brown (2017); see the module's References.

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

    Source: the four things an initiative must do (Value Rebels, see the module's References).

    Adds ``aligned_with`` (the tests it passes, comma-separated) and
    ``feature_factory`` (True when it passes none of :data:`ALIGNMENT_TESTS`).

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
    >>> alignment(df)[["aligned_with", "feature_factory"]].values.tolist()
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
    out["feature_factory"] = ~flags.any(axis=1)
    return out


def rank(initiatives: pd.DataFrame, by: str = "rice", ice_method: str = "mean") -> pd.DataFrame:
    """Initiatives with RICE, ICE, the alignment test, ranked by ``by``.

    Feature-factory work is ranked after every aligned initiative whatever
    its score: doing the wrong thing efficiently is still the wrong thing.

    Parameters
    ----------
    initiatives : pandas.DataFrame
        Columns ``name``, ``reach``, ``impact``, ``confidence`` (0-1),
        ``effort`` (person-months), ``ease`` (1-10) and the four
        :data:`ALIGNMENT_TESTS` flags.
    by : {"rice", "ice"}
    ice_method : {"mean", "product"}
        ICE uses ``confidence`` x 10 as its 1-10 confidence score.
    """
    if by not in {"rice", "ice"}:
        raise InputError(f"unknown ranking {by!r}", source="by", expected="'rice' or 'ice'")
    out = alignment(initiatives)
    out["rice"] = rice(out["reach"], out["impact"], out["confidence"], out["effort"])
    ice_impact = out["impact"].map({3.0: 10, 2.0: 8, 1.0: 6, 0.5: 4, 0.25: 2})
    out["ice"] = ice(ice_impact, (out["confidence"] * 10).clip(lower=1), out["ease"], ice_method)
    out = out.sort_values(["feature_factory", by], ascending=[True, False], kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def key_results(okrs: dict[str, Any]) -> pd.DataFrame:
    """One row per key result with its grade, from a loaded OKR document."""
    rows = [
        {"team": okrs["team"], "objective": obj["objective"], **kr}
        for obj in okrs["objectives"]
        for kr in obj["key_results"]
    ]
    table = pd.DataFrame(rows)
    table["weight"] = table.get("weight", pd.Series(1.0, index=table.index)).fillna(1.0)
    table["direction"] = np.where(table["target"] > table["baseline"], "increase", "decrease")
    table["grade"] = grade(table["baseline"], table["target"], table["current"])
    return table


def roll_up(krs: pd.DataFrame) -> pd.DataFrame:
    """Objective grades (weighted mean of key results) and the team grade (mean of objectives).

    Source: Klau (2013), see the module's References.

    Returns one row per objective plus a last row ``objective == "(team)"``.
    """
    weighted = krs.assign(w=krs["grade"] * krs["weight"])
    objectives = weighted.groupby(["team", "objective"], sort=False).agg(
        w=("w", "sum"), weight=("weight", "sum"), key_results=("grade", "size")
    )
    objectives["grade"] = objectives["w"] / objectives["weight"]
    objectives = objectives.drop(columns=["w", "weight"]).reset_index()
    team = objectives.groupby("team", sort=False).agg(
        grade=("grade", "mean"), key_results=("key_results", "sum")
    )
    team = team.reset_index().assign(objective="(team)")
    return pd.concat([objectives, team], ignore_index=True)


_KR_FIELDS = {
    "name": str,
    "metric": str,
    "unit": str,
    "baseline": float,
    "target": float,
    "current": float,
}


def load(path: str | Path) -> dict[str, Any]:
    """Read a team's vision, KPIs, OKRs and initiatives from YAML; validate everything at once.

    Raises
    ------
    InputError
        Listing every missing or ill-typed field and every key result whose
        ``kpi`` is not one of the team's KPIs.
    """
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"cannot read: {err}", source=str(path), expected="a YAML file") from None
    problems: list[str] = []
    if not isinstance(doc, dict):
        raise InputError(
            "not a mapping",
            source=str(path),
            expected="team, vision, kpis, objectives, initiatives",
        )
    for key in ("team", "vision", "kpis", "objectives", "initiatives"):
        if key not in doc:
            problems.append(f"missing '{key}'")
    kpis = set(doc.get("kpis") or [])
    for i, obj in enumerate(doc.get("objectives") or []):
        where = f"objectives[{i}]"
        if not obj.get("objective"):
            problems.append(f"{where}: missing 'objective'")
        for j, kr in enumerate(obj.get("key_results") or []):
            at = f"{where}.key_results[{j}]"
            for field, kind in _KR_FIELDS.items():
                value = kr.get(field)
                if value is None:
                    problems.append(f"{at}: missing '{field}'")
                elif kind is float and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    problems.append(f"{at}.{field}: {value!r} is not a number")
            if kr.get("baseline") is not None and kr.get("baseline") == kr.get("target"):
                problems.append(f"{at}: target equals baseline")
            if kr.get("kpi") is not None and kr["kpi"] not in kpis:
                problems.append(f"{at}.kpi: '{kr['kpi']}' is not one of the team's kpis")
        if not obj.get("key_results"):
            problems.append(f"{where}: no key_results")
    for i, ini in enumerate(doc.get("initiatives") or []):
        at = f"initiatives[{i}]"
        for field in ("name", "reach", "impact", "confidence", "effort", "ease", *ALIGNMENT_TESTS):
            if field not in ini:
                problems.append(f"{at}: missing '{field}'")
        if ini.get("impact") is not None and float(ini["impact"]) not in IMPACT_SCALE:
            problems.append(f"{at}.impact: {ini['impact']!r} is not one of 3, 2, 1, 0.5, 0.25")
        if ini.get("confidence") is not None and not 0 <= float(ini["confidence"]) <= 1:
            problems.append(f"{at}.confidence: {ini['confidence']!r} is not a share 0-1")
    if problems:
        raise InputError(source=str(path), problems=[InputError(p) for p in problems])
    return doc
