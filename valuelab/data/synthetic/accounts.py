"""Synthetic customer portfolio over eight quarters, with a documented causal story.

The story (what the generator builds in, and what
:func:`valuelab.scoring.indicators.evaluate_indicators` and
:func:`valuelab.scoring.leads.lead_test` should recover). On the logit scale
``z``, each account's value drifts around its own level, and everything else
is read off it:

1. **Realized value** (latent, 0-1) = ``sigmoid(z)``, with
   ``z_q = 0.75 z_(q-1) + 0.25 level + N(0, 0.45)`` and ``level ~ N(0.4, 0.9)``
   per account: a mean-reverting random walk around the account's own level.
2. The **value readings** are noisy readings of this quarter's value: goal
   pace ``1.3 value + N(0, 0.12)``, outcome evidence ``round(5 value + N(0,
   0.6))`` (0-5), intended value realized ``round(10 value + N(0, 1.1))``
   (0-10). Expansion intent mixes value (0.45) with the account's own
   appetite for more (0.55); value-unknown mentions are Poisson with mean
   ``0.3 + 3 value x curiosity``.
3. The **usual metrics** hardly see value: usage = seats (a fixed Beta(4, 3)
   trait) + ``0.08 (value - 0.5)`` + noise; health score = ``60 + 30 (usage
   - 0.55) + 6 (value - 0.5) + N(0, 9)``; the NPS answer = ``6.5 + 1.2 (value
   - 0.5)`` + a fixed sentiment trait ``N(0, 1.5)`` + noise. So customers churn
   "despite perfect health".
4. **Churn** at the end of a quarter: probability ``sigmoid(-2 - 9 (recent -
   0.35))`` with ``recent`` the mean value of this quarter and the one before —
   value, and only value, drives churn, and it acts with a lag, so the
   readings *lead* churn.
5. **Expansion** (when not churned): probability ``0.4 x open_to_buy x value x
   appetite``, open to buy with probability ``0.1 + 0.7 appetite x value``.
6. **Validation** (``*_validated``): each account validates each score with
   its customer with its own probability (uniform 0.2-0.8), drawn once and
   **independent of value, the readings, churn and expansion**. Validation
   changes only the score's confidence factor, not how noisy the readings
   are: this portfolio builds in *no* effect of validation on how well the
   scores predict, and a test of it should find none.

About 2-6 % of accounts churn per quarter and 4-6 % expand. Answers are
missing at random (~8 % of survey answers, ~30 % of NPS answers). Nothing
here describes real customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["AREAS", "GOALS", "generate_accounts", "generate_history", "generate_inputs"]

#: The seed the shipped files were made with.
SEED = 20240601
#: Goal metrics: name -> (baseline, low target, high target) in the goal's unit.
GOALS = {
    "revenue growth %": (0.0, 15.0, 50.0),
    "cost reduction %": (0.0, 10.0, 30.0),
    "hours saved per week": (0.0, 10.0, 40.0),
    "support tickets per month": (400.0, 250.0, 350.0),  # a goal to decrease
}
#: The areas that shape a customer's ability to realize value (VCubed, "Value perceived is
#: the CS metric we need.", https://vcubed.ca/blog/value-perceived-is-the-cs-metric-we-need).
AREAS = ("product", "go-to-market", "operations", "people", "competition", "community")
_SEGMENTS = {
    "SMB": (0.55, 9_000.0),
    "Mid-market": (0.30, 35_000.0),
    "Enterprise": (0.15, 140_000.0),
}
_INT = ("outcome_evidence", "intended_value_realized", "expansion_intent", "unknown_value_mentions")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _answers(rng: np.random.Generator, values: np.ndarray, missing: float) -> pd.array:
    out = values.astype(float)
    out[rng.random(out.size) < missing] = np.nan
    return pd.array(out, dtype="Int64")


@dataclass(frozen=True)
class _Book:
    """The fixed traits of every account, drawn once before the first quarter."""

    names: list[str]
    seg: np.ndarray
    arr: np.ndarray
    goal: np.ndarray
    base: np.ndarray
    target: np.ndarray
    area: np.ndarray
    level: np.ndarray
    appetite: np.ndarray
    curiosity: np.ndarray
    validated: np.ndarray
    seats: np.ndarray
    sentiment: np.ndarray


def _draw_book(rng: np.random.Generator, n: int) -> _Book:
    """Draw segment, ARR (EUR a year), goal, area and the latent traits of ``n`` accounts."""
    names = list(_SEGMENTS)
    seg = rng.choice(len(names), size=n, p=[_SEGMENTS[s][0] for s in names])
    arr = np.round(rng.lognormal(np.log([_SEGMENTS[names[s]][1] for s in seg]), 0.5), -2)
    goal_names = list(GOALS)
    goal = rng.choice(len(goal_names), size=n)
    base = np.array([GOALS[goal_names[g]][0] for g in goal])
    target = np.array([rng.uniform(GOALS[goal_names[g]][1], GOALS[goal_names[g]][2]) for g in goal])
    return _Book(
        names=names,
        seg=seg,
        arr=arr,
        goal=goal,
        base=base,
        target=np.round(target, 1),
        area=rng.choice(len(AREAS), size=n, p=[0.3, 0.15, 0.2, 0.15, 0.1, 0.1]),
        level=rng.normal(0.4, 0.9, n),  # the account's own value level (logit scale)
        appetite=rng.uniform(0, 1, n),
        curiosity=rng.uniform(0, 1, n),
        validated=rng.random((n, 4)) < rng.uniform(0.2, 0.8, (n, 1)),
        seats=rng.beta(4, 3, n),  # usage is mostly about seats, not value
        sentiment=rng.normal(0, 1.5, n),
    )


def _quarter_signals(
    rng: np.random.Generator, q: int, book: _Book, value: np.ndarray, previous: np.ndarray
) -> dict[str, np.ndarray]:
    """Goal progress, usage, health, NPS, intent, churn and expansion of quarter ``q``."""
    n = value.size
    months = 3 * (q % 4) + 3
    pace = np.clip(1.3 * value + rng.normal(0, 0.12, n), 0, 1.4)
    current = np.round(book.base + (book.target - book.base) * months / 12 * pace, 2)
    usage = np.clip(book.seats + 0.08 * (value - 0.5) + rng.normal(0, 0.08, n), 0, 1)
    health = np.clip(60 + 30 * (usage - 0.55) + 6 * (value - 0.5) + rng.normal(0, 9, n), 0, 100)
    nps = np.clip(
        np.round(6.5 + 1.2 * (value - 0.5) + book.sentiment + rng.normal(0, 1.3, n)), 0, 10
    )
    intent = np.clip(
        np.round(10 * (0.45 * value + 0.55 * book.appetite) + rng.normal(0, 1.2, n)), 0, 10
    )
    open_to_buy = rng.random(n) < 0.1 + 0.7 * book.appetite * value
    recent = (value + previous) / 2
    churn_p = _sigmoid(-2.0 - 9.0 * (recent - 0.35))
    churned = rng.random(n) < churn_p
    expand_p = 0.4 * open_to_buy * value * book.appetite
    expanded = ~churned & (rng.random(n) < expand_p)
    return {
        "months": months,
        "current": current,
        "usage": usage,
        "health": health,
        "nps": nps,
        "intent": intent,
        "open_to_buy": open_to_buy,
        "churned": churned,
        "expanded": expanded,
    }


def _quarter_frame(
    rng: np.random.Generator, q: int, book: _Book, value: np.ndarray, s: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Every account's row for quarter ``q``, drawing the survey answers (in column order)."""
    n = value.size
    goal_names = list(GOALS)
    return pd.DataFrame(
        {
            "quarter": f"{2023 + q // 4}Q{q % 4 + 1}",
            "account_id": [f"A{i + 1:04d}" for i in range(n)],
            "segment": [book.names[i] for i in book.seg],
            "arr_eur": book.arr,
            "goal_metric": [goal_names[g] for g in book.goal],
            "goal_baseline": book.base,
            "goal_target": book.target,
            "goal_current": s["current"],
            "months_elapsed": s["months"],
            "horizon_months": 12,
            "outcome_evidence": _answers(
                rng, np.clip(np.round(5 * value + rng.normal(0, 0.6, n)), 0, 5), 0.08
            ),
            "intended_value_realized": _answers(
                rng, np.clip(np.round(10 * value + rng.normal(0, 1.1, n)), 0, 10), 0.08
            ),
            "expansion_intent": _answers(rng, s["intent"], 0.08),
            "open_to_buy": s["open_to_buy"],
            "unknown_value_mentions": _answers(
                rng, rng.poisson(0.3 + 3 * value * book.curiosity), 0.08
            ),
            "rbo_validated": book.validated[:, 0],
            "perceived_validated": book.validated[:, 1],
            "expansion_validated": book.validated[:, 2],
            "unknown_validated": book.validated[:, 3],
            "usage": np.round(s["usage"], 3),
            "nps_answer": _answers(rng, s["nps"], 0.3),
            "health_score": np.round(s["health"], 1),
            "impact_area": [AREAS[a] for a in book.area],
            "churned": s["churned"],
            "expanded": s["expanded"],
        }
    )


def generate_history(n_accounts: int = 600, quarters: int = 8, seed: int = SEED) -> pd.DataFrame:
    """One row per account and quarter while the account is a customer.

    Parameters
    ----------
    n_accounts : int
        Accounts at the start (count).
    quarters : int
        Quarters from 2023Q1 (count).
    seed : int
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        The account columns of :data:`valuelab.scoring.scores.ACCOUNT_COLUMNS` plus
        ``quarter`` (first), ``impact_area``, ``churned`` and ``expanded``
        (the account leaves / buys more at the end of that quarter).

    Examples
    --------
    >>> h = generate_history(n_accounts=50, quarters=4, seed=1)
    >>> h["quarter"].unique().tolist()
    ['2023Q1', '2023Q2', '2023Q3', '2023Q4']
    """
    rng = np.random.default_rng(seed)
    book = _draw_book(rng, n_accounts)
    z = book.level + rng.normal(0, 0.6, n_accounts)
    alive = np.ones(n_accounts, dtype=bool)
    previous = _sigmoid(z)
    frames = []
    for q in range(quarters):
        z = 0.75 * z + 0.25 * book.level + rng.normal(0, 0.45, n_accounts)
        value = _sigmoid(z)
        signals = _quarter_signals(rng, q, book, value, previous)
        frames.append(_quarter_frame(rng, q, book, value, signals)[alive])
        alive &= ~signals["churned"]
        previous = value
    history = pd.concat(frames, ignore_index=True)
    for col in (
        "open_to_buy",
        "churned",
        "expanded",
        *[c for c in history if c.endswith("_validated")],
    ):
        history[col] = history[col].astype("boolean")
    return history


def generate_accounts(n_accounts: int = 600, quarters: int = 8, seed: int = SEED) -> pd.DataFrame:
    """The latest quarter of every account still a customer at the end of the history.

    Examples
    --------
    >>> a = generate_accounts(n_accounts=50, quarters=4, seed=1)
    >>> a["account_id"].is_unique
    True
    """
    history = generate_history(n_accounts, quarters, seed)
    last = history[history["quarter"] == history["quarter"].max()]
    last = last[~last["churned"].astype(bool)]
    return last.drop(columns=["quarter", "churned", "expanded"]).reset_index(drop=True)


def generate_inputs(n_accounts: int = 600, quarters: int = 8, seed: int = SEED) -> pd.DataFrame:
    """Last quarter's sales funnel of the accounts whose goal is revenue growth.

    The input metrics behind that outcome (principle 12 of Customer Value-Led
    Growth, see :mod:`valuelab.scoring.input_metrics`): meetings booked,
    meetings with the pain quantified, demos, proposals, deals won and the new
    revenue they brought (EUR per quarter). Around the plan of
    ``datasets/outcome_tree_revenue_growth.yaml`` (120 meetings, rates 0.5 /
    0.6 / 0.5 / 0.3, EUR 25,000 a deal), each account has one weak stage (a
    rate at 40-70 % of plan) and the others near plan.

    Examples
    --------
    >>> df = generate_inputs(n_accounts=80, quarters=2, seed=3)
    >>> bool((df["demos"] <= df["pain_quantified"]).all())
    True
    """
    accounts = generate_accounts(n_accounts, quarters, seed)
    ids = accounts.loc[accounts["goal_metric"] == "revenue growth %", "account_id"].to_numpy()
    rng = np.random.default_rng(seed + 1)
    n = ids.size
    plan = np.array([0.5, 0.6, 0.5, 0.3])
    factor = np.clip(rng.normal(1.0, 0.12, (n, 4)), 0.6, 1.4)
    weak = rng.integers(0, 4, n)
    factor[np.arange(n), weak] = rng.uniform(0.4, 0.7, n)
    rates = np.clip(plan * factor, 0, 1)
    meetings = rng.poisson(120 * np.clip(rng.normal(1.0, 0.15, n), 0.5, 1.5))
    stages = [meetings]
    for j in range(4):
        stages.append(rng.binomial(stages[-1], rates[:, j]))
    deal_size = np.round(rng.lognormal(np.log(25_000), 0.2, n), -2)
    return pd.DataFrame(
        {
            "account_id": ids,
            "meetings_booked": stages[0],
            "pain_quantified": stages[1],
            "demos": stages[2],
            "proposals": stages[3],
            "deals_won": stages[4],
            "new_revenue_eur": stages[4] * deal_size,
        }
    )
