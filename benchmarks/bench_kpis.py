"""How fast the lesson's cohort retention and DAU/MAU run on a 10,000,000-event DataFrame.

Scope: the in-memory DataFrame path of ``valuelab.kpis.event_log`` (what a lesson
or an analyst's notebook calls on a log already loaded; DuckDB computes it over the
DataFrame). ``bench_events.py`` measures every metric of ``valuelab.kpis.events``
on a Parquet file (read included); this script does not repeat that.

Measures, in the same run, on a ``--events`` log in memory (default 10 M events
of 500,000 users over 2024, categorical ids as the shipped logs load):

- ``kpis.cohort_retention`` (monthly) and ``kpis.stickiness`` (DAU/MAU per
  month), validation included: best of ``--repeat`` runs;
- the same two KPIs as the vectorized pandas group-bys an analyst writes
  (month numbers, ``drop_duplicates``, ``groupby``/``unstack``; no validation)
  on the same DataFrame: outputs asserted equal, and the ratio;
- the process's peak resident memory (the log included).

Targets: under 5 s for 10 M events on 2 cores (issue 5); at least as fast as
the pandas group-bys (issue 20, item 9).

Run: ``.venv/bin/python benchmarks/bench_kpis.py [--events 10000000] [--repeat 2]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

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


def pandas_retention(log: pd.DataFrame) -> pd.Series:
    """Share of each sign-up cohort (month) active k months later, by (cohort, k)."""
    month = log["date"].dt.year * 12 + log["date"].dt.month - 1
    seen = pd.DataFrame({"user": log["user_id"], "month": month}).drop_duplicates()
    first = seen.groupby("user", observed=True)["month"].min()
    signups = log["event"] == "signup"
    signup = month[signups].groupby(log["user_id"][signups], observed=True).min()
    cohort = signup.reindex(first.index).fillna(first).astype(int)
    seen["cohort"] = cohort.reindex(seen["user"]).to_numpy()
    seen["k"] = seen["month"] - seen["cohort"]
    active = seen[seen["k"] >= 0].groupby(["cohort", "k"]).size()
    return active / cohort.value_counts().reindex(active.index.get_level_values(0)).to_numpy()


def pandas_stickiness(log: pd.DataFrame) -> pd.Series:
    """Mean daily actives over the days of each month the log covers / monthly actives."""
    days = pd.DataFrame({"user": log["user_id"], "day": log["date"].dt.floor("D")})
    days = days.drop_duplicates()
    month = days["day"].dt.to_period("M")
    per = days.groupby(month).agg(
        user_days=("user", "size"), mau=("user", "nunique"), lo=("day", "min"), hi=("day", "max")
    )
    covered = (per["hi"] - per["lo"]).dt.days + 1
    return per["user_days"] / covered / per["mau"]


def assert_same(retention: pd.DataFrame, sticky: pd.Series, log: pd.DataFrame) -> None:
    """valuelab's tables hold the pandas shares (to 1e-9); NaN = not yet observed."""
    got = retention.stack().dropna()
    want = pandas_retention(log)
    labels = [(pd.Timestamp(c // 12, c % 12 + 1, 1), k) for c, k in want.index]
    want = pd.Series(want.to_numpy(), index=pd.MultiIndex.from_tuples(labels))
    want = want.reindex(list(got.index), fill_value=0.0)
    assert np.allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9), "retention differs"
    expected = pandas_stickiness(log)
    assert sticky.index.to_period("M").astype(str).tolist() == expected.index.astype(str).tolist()
    assert np.allclose(sticky.to_numpy(), expected.to_numpy(), rtol=1e-9), "stickiness differs"


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    log = event_log(args.events, args.users)
    print(f"log: {len(log):,} events, {args.users:,} users; load {os.getloadavg()[0]:.1f}")
    seconds, (retention, sticky) = best_of(
        args.repeat,  # partial months kept: the pandas baseline counts them too
        lambda: (kpis.cohort_retention(log, include_incomplete=True), kpis.stickiness(log)),
    )
    baseline, _ = best_of(args.repeat, lambda: (pandas_retention(log), pandas_stickiness(log)))
    assert_same(retention, sticky, log)
    ratio = baseline / seconds
    print(
        f"valuelab cohort retention + DAU/MAU (validation included): {seconds:.2f} s "
        f"(target < 5 s: {'PASS' if seconds < 5 else 'MISS'})"
    )
    print(
        f"pandas group-bys (the same two tables, equal outputs asserted; no validation): "
        f"{baseline:.2f} s; pandas / valuelab {ratio:.2f}x (target >= 1x: "
        f"{'PASS' if ratio >= 1 else 'MISS'})"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {rss:,.0f} MB (the log included)")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
