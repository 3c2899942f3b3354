"""How fast the lesson's cohort retention and DAU/MAU run on a 10,000,000-event DataFrame.

Measures, in the same run:

- ``kpis.cohort_retention`` and ``kpis.stickiness`` (DAU and MAU
  inside; validation included; computed by ``valuelab.kpis.events`` in
  DuckDB) on a ``--events`` log in memory (default 10 M events of 500,000
  users over 2024, categorical ids as the shipped logs load): best of
  ``--repeat`` runs;
- the same KPIs as straightforward pandas group-bys on the same DataFrame
  (``bench_events.py``'s), and the ratio.

Target (issue 5): under 5 s for 10 M events on 2 cores; issue 20: faster than
the pandas group-bys. ``bench_events.py`` measures every metric on Parquet.

Run: ``.venv/bin/python benchmarks/bench_kpis.py [--events 10000000] [--repeat 2]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from bench_events import pd_retention, pd_stickiness

from valuelab import kpis


def event_log(events: int, users: int, seed: int = 5) -> pd.DataFrame:
    """Sign-ups spread over 2024, then visits at random later days (categorical columns)."""
    rng = np.random.default_rng(seed)
    signup = rng.integers(0, 300, users)
    user = rng.integers(0, users, events - users)
    day = np.minimum(signup[user] + rng.exponential(40, user.size).astype(int), 365)
    all_users = np.concatenate([np.arange(users), user])
    all_days = np.concatenate([signup, day])
    kind = np.concatenate([np.zeros(users, np.int8), np.ones(user.size, np.int8)])
    return pd.DataFrame(
        {
            "user_id": pd.Categorical.from_codes(all_users, [f"U{i}" for i in range(users)]),
            "date": np.datetime64("2024-01-01") + all_days.astype("timedelta64[D]"),
            "event": pd.Categorical.from_codes(kind, ["signup", "visit"]),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    log = event_log(args.events, args.users)
    print(f"log: {len(log):,} events, {args.users:,} users")

    def vectorized() -> None:
        kpis.cohort_retention(log)
        kpis.stickiness(log)

    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        vectorized()
        best = min(best, time.perf_counter() - start)
    print(f"cohort retention + DAU/MAU: {best:.2f} s for {len(log):,} events (target < 5 s)")

    canonical = log.rename(columns={"user_id": "user", "date": "time"})
    start = time.perf_counter()
    pd_retention(canonical)
    pd_stickiness(canonical)
    baseline = time.perf_counter() - start
    print(f"pandas group-bys: {baseline:.2f} s; ratio pandas / valuelab {baseline / best:.2f}x")


if __name__ == "__main__":
    main()
