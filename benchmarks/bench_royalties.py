"""How fast the payout rules run on a 10,000,000-row listening log, against pandas.

Measures, in the same run:

- ``pro_rata`` and ``user_centric`` (group-by based: ``np.bincount`` over
  integer codes, validation included) on a ``--rows`` log (default 10 M):
  best of ``--repeat`` runs, rows per second, and the peak memory the call
  allocates (``tracemalloc``), with categorical ids (as generated) and with
  plain string ids (as read from a CSV or Parquet file or a database);
- the same rules as the pandas group-by an analyst writes (pools per market and
  month; each listener's own payment under user-centric) on the same log, and the
  ratio pandas / valuelab;
- the process's peak resident memory (``resource.getrusage``), which includes
  the log itself.

Targets: both rules under 3 s for 10 M rows on 2 cores, peak memory under
2 GB (issue 4); at least as fast as the pandas group-by with string ids
(issue 20, item 9).

Run: ``.venv/bin/python benchmarks/bench_royalties.py [--rows 10000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import pandas as pd

from valuelab import royalties as r
from valuelab.data.synthetic import listening_log

POOL = 1_000_000.0


def _payments(log: pd.DataFrame) -> pd.Series:
    """Each row's listener payment (EUR a month) from its market and tier, vectorized."""
    prices = pd.Series({key: float(v.value) for key, v in r.PRICES.items()})
    keys = pd.MultiIndex.from_arrays([log["market"].astype(str), log["tier"].astype(str)])
    return pd.Series(prices.reindex(keys).to_numpy(), index=log.index)


def pandas_pro_rata(log: pd.DataFrame, pool: float) -> pd.Series:
    """The pandas group-by: one pool per market and month (its listeners' payments), shared by
    that market-month's streams, as Spotify describes it."""
    cells = ["market", "month"]
    paid = log[["user_id", *cells]].assign(pay=_payments(log)).drop_duplicates(["user_id", "month"])
    streams = log.groupby([*cells, "artist_id"], observed=True)["streams"].sum()
    total = streams.groupby(level=cells, observed=True).sum()
    revenue = paid.groupby(cells, observed=True)["pay"].sum().reindex(total.index)
    revenue = revenue[total > 0]
    cell_pool = pool * revenue / revenue.sum()
    per_stream = (cell_pool / total.reindex(cell_pool.index)).reindex(streams.index.droplevel(2))
    return (streams * per_stream.to_numpy()).groupby(level="artist_id", observed=True).sum()


def pandas_user_centric(log: pd.DataFrame, pool: float) -> pd.Series:
    """The pandas group-by: each listener's own payment in a month split over that month's
    streams (the user-centric payment system)."""
    key = ["user_id", "month"]
    per_user = log.groupby(key, observed=True)["streams"].transform("sum")
    active = per_user > 0
    pay = _payments(log)
    once = active & ~log.duplicated(key)
    share = pay[active] * (pool / pay[once].sum()) * log.loc[active, "streams"] / per_user[active]
    return share.groupby(log.loc[active, "artist_id"], observed=True).sum()


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
    strings = log.astype({"user_id": str, "artist_id": str, "track_id": str})
    rules = {
        "pro_rata": (r.pro_rata, pandas_pro_rata),
        "user_centric": (r.user_centric, pandas_user_centric),
    }
    print(
        f"{'rule':<13} {'ids':<12} {'time (s)':>9} {'rows/s':>14} {'peak alloc (MB)':>16} "
        f"{'pandas (s)':>11} {'pandas/vl':>10}"
    )
    for name, (fast, pandas_rule) in rules.items():
        for ids, data in (("categorical", log), ("string", strings)):
            seconds = timed(fast, data, POOL, repeat=args.repeat)
            memory = peak_mb(fast, data, POOL)
            baseline = timed(pandas_rule, data, POOL, repeat=args.repeat)
            print(
                f"{name:<13} {ids:<12} {seconds:>9.3f} {len(log) / seconds:>14,.0f} "
                f"{memory:>16,.0f} {baseline:>11.3f} {baseline / seconds:>9.2f}x"
            )
            ours = fast(data, POOL)
            theirs = pandas_rule(data, POOL).reindex(ours.index.astype(str))
            assert (ours.to_numpy() - theirs.to_numpy()).__abs__().max() < 0.02, f"{name} differs"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {rss:,.0f} MB (log included)")
    print("targets: each rule < 3 s on 10 M rows; peak memory < 2,048 MB; >= 1x pandas")


if __name__ == "__main__":
    main()
