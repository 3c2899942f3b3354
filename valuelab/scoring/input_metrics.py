"""Input metrics behind an outcome.

An outcome such as revenue growth is the top of a tree of input metrics [1]_ —
meetings booked, pain quantified, demos run, proposals written. Progress on
the outcome is only interpretable with its inputs: :func:`inputs_behind`
compares an account's actual inputs with the plan, in the driver tree
(:class:`valuelab.drivers.tree.DriverTree`), and ranks them by how much of the
outcome's shortfall each explains on its own.

:func:`funnel_actuals` turns counted stages (meetings booked, pain quantified,
demos, proposals, deals won, revenue) into the tree's inputs (counts and the
rates between them).

References
----------
.. [1] Markus, "The Principles of Customer Value-Led Growth, Part II", Customer
   Value-Led Growth newsletter: principles 10 (relevance), 11 (accuracy) and
   12 (context).
   https://customervalueledgrowth.beehiiv.com/p/principles-customer-valueled-growth-60d2

Examples
--------
>>> tree = outcome_tree()
>>> actual = funnel_actuals(
...     meetings_booked=120,
...     pain_quantified=60,
...     demos=18,
...     proposals=9,
...     deals_won=3,
...     new_revenue=75_000,
... )
>>> inputs_behind(tree, actual).index[0]
'demo_rate'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from valuelab.core import InputError
from valuelab.drivers import DriverTree

__all__ = ["STAGES", "for_account", "funnel_actuals", "inputs_behind", "outcome_tree"]

#: The counted stages of the revenue-growth tree, in order, and the rate between each pair.
STAGES = (
    ("meetings_booked", None),
    ("pain_quantified", "qualification_rate"),
    ("demos", "demo_rate"),
    ("proposals", "proposal_rate"),
    ("deals_won", "win_rate"),
)


def outcome_tree(name: str = "outcome_tree_revenue_growth.yaml") -> DriverTree:
    """A shipped input-metric tree (default: revenue growth, quarterly plan as inputs).

    Source: principle 12 of Customer Value-Led Growth, see the module's References.
    """
    from valuelab.data import data_file

    return DriverTree.from_yaml(data_file(name))


def funnel_actuals(
    meetings_booked: float,
    pain_quantified: float,
    demos: float,
    proposals: float,
    deals_won: float,
    new_revenue: float,
) -> dict[str, float]:
    """Counted stages of a quarter -> the revenue tree's inputs (counts, rates 0-1, money/deal).

    ``new_revenue`` and so ``deal_size`` are in the funnel table's currency.

    A stage after an empty one has rate 0. ``deal_size`` = revenue / deals won
    (0 without deals).
    """
    counts = {
        "meetings_booked": meetings_booked,
        "pain_quantified": pain_quantified,
        "demos": demos,
        "proposals": proposals,
        "deals_won": deals_won,
        "new_revenue": new_revenue,
    }
    bad = [k for k, v in counts.items() if not np.isfinite(float(v)) or float(v) < 0]
    if bad:
        raise InputError(
            f"negative or missing: {', '.join(bad)}", source="funnel_actuals", expected=">= 0"
        )
    out = {"meetings_booked": float(meetings_booked)}
    previous = float(meetings_booked)
    for stage, rate in STAGES[1:]:
        value = float(counts[stage])
        if previous and value > previous:
            raise InputError(
                f"{stage} ({value:g}) exceeds the stage before ({previous:g})",
                source="funnel_actuals",
                expected="each stage at most the one before",
            )
        out[rate] = value / previous if previous else 0.0
        previous = value
    out["deal_size"] = float(new_revenue) / float(deals_won) if deals_won else 0.0
    return out


def inputs_behind(
    tree: DriverTree, actual: Mapping[str, float], plan: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Which input metric is behind, and how much of the outcome it costs.

    Source: principle 12 of Customer Value-Led Growth, see the module's References.

    Parameters
    ----------
    tree : DriverTree
        The outcome's input-metric tree (root = the outcome).
    actual : mapping
        Input -> actual value (inputs not given are taken at plan).
    plan : mapping, optional
        Input -> planned value; default the tree's input values.

    Returns
    -------
    pandas.DataFrame
        Index: input, largest shortfall first: ``plan``, ``actual``,
        ``attainment`` (actual / plan, share), ``outcome_if_only_this``
        (the root with every other input at plan) and ``shortfall`` (root at
        plan minus that, in the root's unit; negative when the input is ahead).
        ``attrs`` carries ``outcome_plan`` and ``outcome_actual``.
    """
    plan = {**tree.defaults(), **dict(plan or {})}
    unknown = sorted(set(actual) - set(tree.input_names))
    if unknown:
        raise InputError(f"not inputs of the tree: {', '.join(unknown)}", source="actual")
    names = [n for n in tree.input_names if n in actual]
    root_plan = float(tree.evaluate(plan)[tree.root])
    scenario = {k: np.full(len(names), v) for k, v in plan.items()}
    for i, name in enumerate(names):
        scenario[name][i] = float(actual[name])
    only = tree.evaluate(scenario)[tree.root].to_numpy() if names else np.array([])
    with np.errstate(divide="ignore", invalid="ignore"):
        attainment = [float(actual[n]) / plan[n] if plan[n] else np.nan for n in names]
    table = pd.DataFrame(
        {
            "plan": [plan[n] for n in names],
            "actual": [float(actual[n]) for n in names],
            "attainment": attainment,
            "outcome_if_only_this": only,
            "shortfall": root_plan - only,
        },
        index=pd.Index(names, name="input"),
    ).sort_values("shortfall", ascending=False, kind="stable")
    table.attrs["outcome_plan"] = root_plan
    table.attrs["outcome_actual"] = float(tree.evaluate({**plan, **actual})[tree.root])
    return table


def for_account(account_id: str, inputs: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """:func:`inputs_behind` for one account from a funnel table (default ``account_inputs``).

    Returns None when the table has no row for the account (its goal is not
    revenue growth, or no input metrics were recorded). The revenue column is
    ``new_revenue`` (a mapped source's role), or the shipped ``new_revenue_eur``.

    Examples
    --------
    >>> for_account("A0004").index[0] in {
    ...     "qualification_rate",
    ...     "demo_rate",
    ...     "proposal_rate",
    ...     "win_rate",
    ...     "meetings_booked",
    ...     "deal_size",
    ... }
    True
    """
    if inputs is None:
        from valuelab.data import load

        inputs = load("account_inputs")
    rows = inputs[inputs["account_id"] == account_id]
    if rows.empty:
        return None
    r = rows.iloc[0]
    actual = funnel_actuals(
        r["meetings_booked"],
        r["pain_quantified"],
        r["demos"],
        r["proposals"],
        r["deals_won"],
        r["new_revenue"] if "new_revenue" in r.index else r["new_revenue_eur"],
    )
    return inputs_behind(outcome_tree(), actual)
