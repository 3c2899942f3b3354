"""Key results: grade them, know what grade to expect, roll them up.

A product team's objectives should inspire and give direction; its key results
measure progress toward them [1]_. The team's vision, KPIs, OKRs and initiatives
live in one YAML file (:func:`load`).

Grading (:func:`grade`): a key result's grade is the share of the way from its
baseline to its target, clipped to 0.0–1.0 [2]_. It works for metrics to
increase and to decrease (the direction follows from target vs baseline).
Objectives roll up as the weighted mean of their key results' grades — the
"simplest, cleanest way" to score an objective [4]_ — and teams as the mean of
their objectives (:func:`roll_up`).

What grade to expect depends on the key result's **type** [4]_ [5]_
(:data:`KR_TYPES`, :data:`EXPECTED_GRADE`):

- **committed**: the team has agreed to deliver it and will adjust schedules
  and resources to do so; **expected 1.0**, anything less is a miss;
- **aspirational** (a stretch goal): **0.6–0.7 is the sweet spot** [2]_ [4]_;
  consistently 1.0 means the bar was too low, below 0.4 something is wrong
  [3]_.

A key result without a ``type`` in the OKR file is **aspirational**
(:data:`DEFAULT_KR_TYPE`): the kit's default, so a file written before types
existed keeps the 0.6–0.7 expectation it was graded against. Write
``type: committed`` where the team has committed.

References
----------
.. [1] Value Rebels, "What does it mean to deliver the right customer value?",
   Value Rebels blog: a product team's vision, KPIs, OKRs and initiatives.
   https://www.valuerebels.com/post/what-does-it-mean-to-deliver-the-right-customer-value
.. [2] Google re:Work, "Set goals with OKRs" (guide): grades from 0.0 to 1.0, a
   sweet spot around 0.6-0.7.
   https://rework.withgoogle.com/guides/set-goals-with-okrs/steps/introduction/
.. [3] R. Klau, "How Google sets goals: OKRs", Google Ventures Startup Lab, 2013
   (video): objective grade as the mean of its key results; consistently 1.0 is
   not ambitious enough, below 0.4 something is wrong.
   https://www.youtube.com/watch?v=mJB83EZtAjc
.. [4] J. Doerr, *Measure What Matters*, Portfolio/Penguin, 2018: an objective's
   score as the mean of its key results' completion; at Google aspirational
   OKRs are set at 60-70 % attainment, committed ones are to be met in full.
.. [5] Google, "Google's OKR playbook", reprinted with Google's permission on
   whatmatters.com (the site of [4]_): committed OKRs are expected to score
   1.0, aspirational ones to average 0.7.
   https://www.whatmatters.com/resources/google-okr-playbook/

Examples
--------
>>> grade(10, 5, 7)  # from 10 toward 5 (a decrease), now at 7
0.6
>>> EXPECTED_GRADE["committed"], EXPECTED_GRADE["aspirational"]
((1.0, 1.0), (0.6, 0.7))
>>> verdict("committed", 0.9), verdict("aspirational", 0.65)
('missed', 'sweet spot')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from valuelab.core import InputError, aligned, check_numbers, shaped_like
from valuelab.okrs.priorities import ALIGNMENT_TESTS, IMPACT_SCALE

__all__ = [
    "DEFAULT_KR_TYPE",
    "EXPECTED_GRADE",
    "KR_TYPES",
    "SWEET_SPOT",
    "grade",
    "key_results",
    "load",
    "roll_up",
    "verdict",
]

#: The two types of key result (Google's OKR playbook; Doerr 2018).
KR_TYPES = ("committed", "aspirational")
#: The type of a key result whose file gives none (the kit's default, see the module docstring).
DEFAULT_KR_TYPE = "aspirational"
#: Expected grade (low, high) per type: committed 1.0; aspirational 0.6-0.7 (re:Work; Doerr 2018).
EXPECTED_GRADE = {"committed": (1.0, 1.0), "aspirational": (0.6, 0.7)}
#: The aspirational sweet spot (low, high), 0-1.
SWEET_SPOT = EXPECTED_GRADE["aspirational"]


def grade(baseline: Any, target: Any, current: Any) -> Any:
    """Google-style grade of a key result: share of the way from baseline to target.

    ``(current - baseline) / (target - baseline)`` clipped to 0.0-1.0; a target
    below the baseline is a metric to decrease and grades the same way.
    What grade to expect depends on the key result's type (:func:`verdict`).
    Source: Google re:Work; Doerr (2018); see the module's References.

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


def verdict(kr_type: str, kr_grade: float) -> str:
    """A grade read against its type's expectation (:data:`EXPECTED_GRADE`).

    Committed: ``"met"`` at 1.0, else ``"missed"``. Aspirational: ``"below"``
    under 0.6, ``"sweet spot"`` from 0.6 to 0.7, ``"above"`` over 0.7 (at 1.0
    every quarter the bar was probably too low). Source: Google's OKR
    playbook; Doerr (2018); re:Work; see the module's References.

    Parameters
    ----------
    kr_type : {"committed", "aspirational"}
    kr_grade : float
        Grade 0-1 (:func:`grade`).

    Returns
    -------
    str

    Raises
    ------
    InputError
        For a type that is not one of :data:`KR_TYPES`.

    Examples
    --------
    >>> verdict("committed", 1.0), verdict("aspirational", 0.4), verdict("aspirational", 1.0)
    ('met', 'below', 'above')
    """
    if kr_type not in EXPECTED_GRADE:
        raise InputError(
            f"unknown key-result type {kr_type!r}", source="type", expected=" or ".join(KR_TYPES)
        )
    low, high = EXPECTED_GRADE[kr_type]
    tol = 1e-9
    if kr_type == "committed":
        return "met" if kr_grade >= low - tol else "missed"
    if kr_grade < low - tol:
        return "below"
    return "sweet spot" if kr_grade <= high + tol else "above"


def key_results(okrs: dict[str, Any]) -> pd.DataFrame:
    """One row per key result with its grade and what grade its type expects.

    Parameters
    ----------
    okrs : dict
        A loaded OKR document (:func:`load`).

    Returns
    -------
    pandas.DataFrame
        The key results' fields plus ``team``, ``objective``, ``weight``
        (default 1), ``type`` (default :data:`DEFAULT_KR_TYPE`),
        ``direction`` (increase/decrease), ``grade`` (0-1),
        ``expected_low`` and ``expected_high`` (0-1, :data:`EXPECTED_GRADE`)
        and ``verdict`` (:func:`verdict`).
    """
    rows = [
        {"team": okrs["team"], "objective": obj["objective"], **kr}
        for obj in okrs["objectives"]
        for kr in obj["key_results"]
    ]
    table = pd.DataFrame(rows)
    table["weight"] = table.get("weight", pd.Series(1.0, index=table.index)).fillna(1.0)
    kinds = table.get("type", pd.Series(DEFAULT_KR_TYPE, index=table.index))
    table["type"] = kinds.fillna(DEFAULT_KR_TYPE)
    table["direction"] = np.where(table["target"] > table["baseline"], "increase", "decrease")
    table["grade"] = grade(table["baseline"], table["target"], table["current"])
    table["expected_low"] = table["type"].map(lambda t: EXPECTED_GRADE[t][0])
    table["expected_high"] = table["type"].map(lambda t: EXPECTED_GRADE[t][1])
    table["verdict"] = [verdict(t, g) for t, g in zip(table["type"], table["grade"], strict=True)]
    return table


def roll_up(krs: pd.DataFrame) -> pd.DataFrame:
    """Objective grades (weighted mean of key results) and the team grade (mean of objectives).

    Beside the overall grade, each row shows each type against its own
    expectation: how many committed key results there are and how many are
    met (expected: all), and the weighted mean grade of the aspirational ones
    (expected: 0.6-0.7). Source: Doerr (2018), Klau (2013), Google's OKR
    playbook; see the module's References.

    Parameters
    ----------
    krs : pandas.DataFrame
        :func:`key_results`' table (``type`` optional, default aspirational).

    Returns
    -------
    pandas.DataFrame
        One row per objective plus a last row ``objective == "(team)"``, with
        ``team``, ``objective``, ``grade`` (0-1), ``key_results`` (count),
        ``committed`` and ``committed_met`` (counts) and
        ``aspirational_grade`` (0-1, NaN without aspirational key results;
        the team's is the mean over its objectives).
    """
    kinds = krs["type"] if "type" in krs else pd.Series(DEFAULT_KR_TYPE, index=krs.index)
    aspirational = kinds == "aspirational"
    weighted = krs.assign(
        w=krs["grade"] * krs["weight"],
        committed=kinds == "committed",
        committed_met=(kinds == "committed") & (krs["grade"] >= 1.0 - 1e-9),
        aw=(krs["grade"] * krs["weight"]).where(aspirational, 0.0),
        aweight=krs["weight"].where(aspirational, 0.0),
    )
    objectives = weighted.groupby(["team", "objective"], sort=False).agg(
        w=("w", "sum"),
        weight=("weight", "sum"),
        key_results=("grade", "size"),
        committed=("committed", "sum"),
        committed_met=("committed_met", "sum"),
        aw=("aw", "sum"),
        aweight=("aweight", "sum"),
    )
    objectives["grade"] = objectives["w"] / objectives["weight"]
    objectives["aspirational_grade"] = objectives["aw"] / objectives["aweight"].replace(0, np.nan)
    objectives = objectives.drop(columns=["w", "weight", "aw", "aweight"]).reset_index()
    team = objectives.groupby("team", sort=False).agg(
        grade=("grade", "mean"),
        key_results=("key_results", "sum"),
        committed=("committed", "sum"),
        committed_met=("committed_met", "sum"),
        aspirational_grade=("aspirational_grade", "mean"),
    )
    team = team.reset_index().assign(objective="(team)")
    columns = ["team", "objective", "grade", "key_results", "committed", "committed_met"]
    out = pd.concat([objectives, team], ignore_index=True)
    return out[[*columns, "aspirational_grade"]]


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
            if kr.get("type", DEFAULT_KR_TYPE) not in KR_TYPES:
                problems.append(f"{at}.type: {kr['type']!r} is not committed or aspirational")
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
