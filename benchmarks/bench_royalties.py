"""How fast the payout rules run on a 10,000,000-row listening log.

Measures, in the same run:

- ``pro_rata`` and ``user_centric`` (group-by based: ``np.bincount`` over
  categorical codes, validation included) on a ``--rows`` log (default 10 M):
  best of ``--repeat`` runs, rows per second, and the peak memory the call
  allocates (``tracemalloc``);
- the same rules written as a straightforward per-user Python loop on a
  100,000-row sample (pools per market; each listener's own payment under
  user-centric), scaled per row, and the speed-up ratio;
- the process's peak resident memory (``resource.getrusage``), which includes
  the log itself.

Targets (issue 4): both rules under 3 s for 10 M rows on 2 cores, peak memory
under 2 GB.

Run: ``.venv/bin/python benchmarks/bench_royalties.py [--rows 10000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections import defaultdict

import pandas as pd

from valuelab import royalties as r
from valuelab.data.synthetic import listening_log

POOL = 1_000_000.0
SAMPLE = 100_000


def _payments(log: pd.DataFrame) -> list[float]:
    """Each row's listener payment (EUR a month) from its tier and market, one look-up a row."""
    price = {key: float(v.value) for key, v in r.PRICES.items()}
    return [price[m, t] for m, t in zip(log["market"], log["tier"], strict=True)]


def naive_pro_rata(log: pd.DataFrame, pool: float) -> dict:
    """Per-row Python loop: each market's pool (its payments) shared by its streams."""
    paid: dict = {}
    streams_in: dict = defaultdict(int)
    totals: dict = defaultdict(int)
    columns = (log[c] for c in ("user_id", "market", "artist_id", "streams"))
    rows = zip(*columns, _payments(log), strict=True)
    for user, market, artist, streams, pay in rows:
        paid[user] = (market, pay)
        streams_in[market] += streams
        totals[market, artist] += streams
    revenue: dict = defaultdict(float)
    for market, pay in paid.values():
        revenue[market] += pay
    scale = pool / sum(revenue.values())
    payout: dict = defaultdict(float)
    for (market, artist), streams in totals.items():
        payout[artist] += revenue[market] * scale * streams / streams_in[market]
    return payout


def naive_user_centric(log: pd.DataFrame, pool: float) -> dict:
    """Per-user Python loop: each user's own payment split over that user's streams."""
    by_user: dict = defaultdict(list)
    paid: dict = {}
    rows = zip(log["user_id"], log["artist_id"], log["streams"], _payments(log), strict=True)
    for user, artist, streams, pay in rows:
        by_user[user].append((artist, streams))
        paid[user] = pay
    active = {u: rows for u, rows in by_user.items() if sum(s for _, s in rows) > 0}
    scale = pool / sum(paid[u] for u in active)
    payout: dict = defaultdict(float)
    for user, rows in active.items():
        total = sum(s for _, s in rows)
        for artist, streams in rows:
            payout[artist] += paid[user] * scale * streams / total
    return payout


def timed(fn, *args, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


def peak_mb(fn, *args) -> float:
    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    log = listening_log.generate(n_rows=args.rows)
    made = time.perf_counter() - start
    print(
        f"log: {len(log):,} rows, {log['user_id'].nunique():,} users, "
        f"{log['artist_id'].nunique():,} artists, generated in {made:.2f} s, "
        f"{log.memory_usage(deep=True).sum() / 1e6:,.0f} MB in memory"
    )
    sample = listening_log.generate(n_rows=SAMPLE)
    rules = {
        "pro_rata": (r.pro_rata, naive_pro_rata),
        "user_centric": (r.user_centric, naive_user_centric),
    }
    print(
        f"{'rule':<13} {'time (s)':>9} {'rows/s':>14} {'peak alloc (MB)':>16} "
        f"{'loop rows/s':>12} {'speed-up':>9}"
    )
    for name, (fast, naive) in rules.items():
        seconds = timed(fast, log, POOL, repeat=args.repeat)
        memory = peak_mb(fast, log, POOL)
        loop = timed(naive, sample, POOL)
        fast_rate, loop_rate = len(log) / seconds, SAMPLE / loop
        print(
            f"{name:<13} {seconds:>9.3f} {fast_rate:>14,.0f} {memory:>16,.0f} "
            f"{loop_rate:>12,.0f} {fast_rate / loop_rate:>8.0f}x"
        )
        check = r.RULES[name](sample, POOL)
        slow = pd.Series(naive(sample, POOL)).reindex(check.index)
        assert (check - slow).abs().max() < 0.02, f"{name}: vectorised and loop disagree"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {rss:,.0f} MB (log included)")
    print("targets: each rule < 3 s on 10 M rows; peak memory < 2,048 MB")


if __name__ == "__main__":
    main()
