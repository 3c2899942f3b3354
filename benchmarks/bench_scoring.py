"""How fast the five value scores and goal progress run on 1,000,000 accounts.

Measures, in the same run:

- ``score_accounts`` (validation of every column included, then goal
  progress, the five scores, confidence and band, all vectorized) on a
  ``--rows`` account table (default 1 M): best of ``--repeat`` runs;
- ``goal_progress`` alone on the same goals;
- the same scoring done row by row (``score_accounts`` on one-row tables, as a
  script looping over accounts would) on a ``--sample``, scaled per row, and
  the speed-up ratio.

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
            "arr_eur": rng.lognormal(10, 1, rows).round(-2),
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
    parser.add_argument("--sample", type=int, default=300)
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

    sample = table.iloc[: args.sample]
    start = time.perf_counter()
    looped = [
        float(score_accounts(sample.iloc[[i]])["value_realized"].iloc[0])
        for i in range(len(sample))
    ]
    loop_seconds = time.perf_counter() - start
    assert np.allclose(looped, scored["value_realized"].to_numpy()[: args.sample]), "results differ"
    per_row_loop = loop_seconds / len(sample)
    ratio = per_row_loop / (seconds / args.rows)
    print(
        f"row by row: {loop_seconds:.2f} s for {len(sample):,} accounts -> "
        f"{per_row_loop * args.rows:,.0f} s scaled to {args.rows:,}; speed-up {ratio:,.0f}x"
    )


if __name__ == "__main__":
    main()
