"""How fast the five value scores and goal progress run on 1,000,000 accounts.

Measures, in the same run:

- ``score_accounts`` (validation of every column included, then goal
  progress, the five scores, confidence and band, all vectorized) on a
  ``--rows`` account table (default 1 M): best of ``--repeat`` runs;
- ``goal_progress`` alone on the same goals;
- the same ``value_realized`` written as the vectorized pandas expression an
  analyst would (column arithmetic, neutral policy, no validation) on the same
  table, and the ratio (what validation, the goal status, confidence and band
  cost on top).

Target (issue 6): under 2 s for 1 M accounts on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_scoring.py [--rows 1000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from valuelab.scoring import goal_progress, score_accounts


def accounts(rows: int, seed: int = 11) -> pd.DataFrame:
    """A synthetic account table in the documented layout (answers ~8 % missing)."""
    rng = np.random.default_rng(seed)

    def answers(hi: int) -> pd.array:
        values = rng.integers(0, hi + 1, rows).astype(float)
        values[rng.random(rows) < 0.08] = np.nan
        return pd.array(values, dtype="Int64")

    baseline = rng.uniform(0, 100, rows).round(2)
    return pd.DataFrame(
        {
            "account_id": [f"A{i:07d}" for i in range(rows)],
            "segment": rng.choice(["SMB", "Mid-market", "Enterprise"], rows),
            "arr": rng.lognormal(10, 1, rows).round(-2),  # no currency declared
            "goal_metric": "revenue growth %",
            "goal_baseline": baseline,
            "goal_target": baseline + rng.uniform(5, 50, rows).round(2),
            "goal_current": baseline + rng.uniform(-5, 40, rows).round(2),
            "months_elapsed": rng.integers(1, 13, rows),
            "horizon_months": 12,
            "outcome_evidence": answers(5),
            "intended_value_realized": answers(10),
            "expansion_intent": answers(10),
            "open_to_buy": rng.random(rows) < 0.4,
            "unknown_value_mentions": answers(6),
            "rbo_validated": rng.random(rows) < 0.5,
            "perceived_validated": rng.random(rows) < 0.5,
            "expansion_validated": rng.random(rows) < 0.5,
            "unknown_validated": rng.random(rows) < 0.5,
            "usage": rng.random(rows).round(3),
            "health_score": rng.uniform(0, 100, rows).round(1),
        }
    )


def pandas_value_realized(t: pd.DataFrame) -> pd.Series:
    """value_realized as column arithmetic: missing answers count as mid-scale (0.5)."""
    started = t["months_elapsed"] > 0
    share = (t["months_elapsed"] / t["horizon_months"]).clip(0, 1)
    target = t["goal_target"] - t["goal_baseline"]
    projected = (t["goal_current"] - t["goal_baseline"]) / share
    attainment = (projected / target).where(target != 0, 1.0).clip(0, 1).where(started)

    def part(col: str, scale: float) -> pd.Series:
        return t[col].astype("float64") / scale

    rbo = 0.6 * attainment.fillna(0.5) + 0.4 * part("outcome_evidence", 5).fillna(0.5)
    perceived = part("intended_value_realized", 10).fillna(0.5)
    factor = np.where(t["open_to_buy"], 1.0, 0.6)
    expansion = (part("expansion_intent", 10) * factor).fillna(0.5)
    unknown = (1 - np.exp(-part("unknown_value_mentions", 2))).fillna(0.5)
    return 100 * (0.4 * rbo + 0.3 * perceived + 0.15 * expansion + 0.15 * unknown)


def best_of(repeat: int, fn):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    table = accounts(args.rows)
    seconds, scored = best_of(args.repeat, lambda: score_accounts(table))
    print(f"score_accounts: {seconds:.3f} s for {args.rows:,} accounts (target < 2 s)")
    gp_seconds, _ = best_of(
        args.repeat,
        lambda: goal_progress(
            table["goal_target"] - table["goal_baseline"],
            table["goal_current"] - table["goal_baseline"],
            table["months_elapsed"],
            table["horizon_months"],
        ),
    )
    print(f"goal_progress: {gp_seconds:.3f} s for {args.rows:,} goals")

    pd_seconds, expected = best_of(args.repeat, lambda: pandas_value_realized(table))
    assert np.allclose(expected.to_numpy(), scored["value_realized"].to_numpy()), "results differ"
    print(
        f"pandas expression (value_realized only, no validation): {pd_seconds:.3f} s; "
        f"score_accounts takes {seconds / pd_seconds:.1f}x that"
    )


if __name__ == "__main__":
    main()
