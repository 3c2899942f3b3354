"""How fast cohort retention and DAU/MAU run on a 10,000,000-event log.

Measures, in the same run:

- ``kpis.cohort_retention`` and ``kpis.stickiness`` (DAU and MAU
  inside; validation included) on a ``--events`` log (default 10 M events of
  500,000 users over 2024): best of ``--repeat`` runs;
- the same KPIs computed user by user in a Python loop (what a script
  without group-bys does) on a ``--sample`` of users, scaled per event, and
  the speed-up ratio.

Target (issue 5): under 5 s for 10 M events on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_kpis.py [--events 10000000] [--repeat 2]``
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import pandas as pd

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


def loop_kpis(log: pd.DataFrame) -> tuple[dict, dict]:
    """Per-user Python loop: cohort sets and monthly/daily actives."""
    by_user: dict = defaultdict(list)
    for u, d, e in zip(log["user_id"], log["date"], log["event"], strict=True):
        by_user[u].append((d, e))
    cohorts: dict = defaultdict(lambda: defaultdict(int))
    daily: dict = defaultdict(set)
    for u, rows in by_user.items():
        start = (
            min(d for d, e in rows if e == "signup")
            if any(e == "signup" for _, e in rows)
            else min(d for d, _ in rows)
        )
        c = (start.year, start.month)
        seen = set()
        for d, _ in rows:
            k = (d.year - c[0]) * 12 + d.month - c[1]
            if k >= 0 and k not in seen:
                seen.add(k)
                cohorts[c][k] += 1
            daily[d].add(u)
    return cohorts, daily


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=500_000)
    parser.add_argument("--sample", type=int, default=5_000, help="users in the loop sample")
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

    keep = log["user_id"].cat.codes < args.sample
    sample = log[keep]
    start = time.perf_counter()
    loop_kpis(sample)
    loop = time.perf_counter() - start
    per_event = loop / len(sample)
    ratio = per_event / (best / len(log))
    print(
        f"per-user loop: {loop:.2f} s for {len(sample):,} events ({args.sample:,} users) -> "
        f"{per_event * len(log):,.0f} s scaled to {len(log):,} events; speed-up {ratio:,.0f}x"
    )


if __name__ == "__main__":
    main()
