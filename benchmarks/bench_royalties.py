"""How fast the payout rules run on a 10,000,000-row listening log, against pandas.

Measures, in the same run, for ``pro_rata`` and ``user_centric`` on a ``--rows``
log (default 10 M rows, 666,666 listeners, 100,000 artists, one month, two
markets):

- valuelab (validation of every column included, then ``np.bincount`` over
  integer codes, cents by largest remainder), with categorical ids (as
  generated) and with every label column as pandas' ``str`` dtype (what
  ``pd.read_parquet`` and ``pd.read_csv`` give for text columns in pandas 3):
  best of ``--repeat`` runs, wall clock and CPU time of this process;
- the same rule as the pandas group-by an analyst writes (no validation, no
  rounding): pro-rata = one pool per market and month from its listeners'
  payments (each listener-month's first row: ``drop_duplicates``; prices by
  ``merge`` with the price table), each artist's share of that pool's streams,
  summed per artist; user-centric = each listener-month's payment split over
  its streams, summed per artist. Both compared with valuelab to the cent
  (asserted), and the ratio pandas / valuelab (>= 1: valuelab as fast or faster);
- the process's peak resident memory (``resource.getrusage``; the log included).

Targets: each rule under 3 s for 10 M rows on 2 cores, peak memory under 2 GB
(issue 4); at least as fast as the pandas group-by with either kind of ids
(issue 20, item 9). The machine is shared: the load average is printed, and the
CPU-time ratio is the steadier one under load.

Run: ``.venv/bin/python benchmarks/bench_royalties.py [--rows 10000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from valuelab import royalties as r
from valuelab.data.synthetic import listening_log

POOL = 1_000_000.0
#: What a listener pays a month by market and tier (EUR): the analyst's price table.
PRICE_TABLE = pd.DataFrame(
    [(m, t, float(v.value)) for (m, t), v in r.PRICES.items()],
    columns=["market", "tier", "payment"],
)
LABELS = ["user_id", "artist_id", "track_id", "tier", "market", "month"]


def pandas_pro_rata(log: pd.DataFrame, pool: float) -> pd.Series:
    """Pro-rata as a pandas group-by: one pool per market and month, split by its streams."""
    cells = ["market", "month"]
    payers = log.drop_duplicates(["user_id", "month"])[["market", "month", "tier"]]
    payers = payers.astype(str).merge(PRICE_TABLE, on=["market", "tier"], how="left")
    revenue = payers.groupby(cells, sort=False)["payment"].sum()
    streams = log.groupby([*cells, "artist_id"], observed=True, sort=False)["streams"].sum()
    streams.index = streams.index.set_levels(
        [streams.index.levels[0].astype(str), streams.index.levels[1].astype(str)], level=cells
    )
    total = streams.groupby(level=cells, sort=False).sum()
    revenue = revenue.reindex(total.index)[total > 0]  # a pool without streams pays nobody
    rate = pool * revenue / revenue.sum() / total
    money = streams * rate.reindex(streams.index.droplevel("artist_id")).to_numpy()
    return money.groupby(level="artist_id", observed=True, sort=False).sum()


def pandas_user_centric(log: pd.DataFrame, pool: float) -> pd.Series:
    """User-centric as a pandas group-by: each listener-month's payment split by its streams."""
    key = ["user_id", "month"]
    rows = log[[*key, "artist_id", "streams"]].assign(
        market=log["market"].astype(str), tier=log["tier"].astype(str)
    )
    rows = rows.merge(PRICE_TABLE, on=["market", "tier"], how="left")
    total = rows.groupby(key, observed=True, sort=False)["streams"].transform("sum")
    paying = ~rows.duplicated(key) & (total > 0)
    rows["eur"] = rows["payment"] * (pool / rows.loc[paying, "payment"].sum())
    rows["eur"] *= rows["streams"] / total
    return rows.groupby("artist_id", observed=True, sort=False)["eur"].sum()


def best_of(repeat: int, fn, *args) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds of ``repeat`` calls, and the last result."""
    wall = cpu = float("inf")
    out = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn(*args)
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, out


def assert_same(ours: pd.Series, theirs: pd.Series, name: str) -> None:
    """The package's cents equal the pandas amounts to the cent, artist by artist."""
    names = ours.index.astype(str)
    theirs = theirs.set_axis(theirs.index.astype(str))
    assert names.sort_values().equals(theirs.index.sort_values()), f"{name}: artists differ"
    theirs = theirs.reindex(names)
    gap = np.abs(ours.to_numpy() - theirs.to_numpy()).max()
    assert gap <= 0.01 + 1e-9, f"{name}: differs from pandas by EUR {gap:.4f}"
    assert round(ours.sum() * 100) == round(POOL * 100), f"{name}: does not sum to the pool"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    log = listening_log.generate(n_rows=args.rows)
    strings = log.astype(dict.fromkeys(LABELS, "str"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    users, artists = log["user_id"].nunique(), log["artist_id"].nunique()
    print(
        f"log: {len(log):,} rows, {users:,} listeners, {artists:,} artists; resident memory "
        f"with both logs, before any rule: {rss:,.0f} MB; load {os.getloadavg()[0]:.1f} at start"
    )
    print(
        f"{'rule':<13} {'ids':<12} {'valuelab s':>10} {'(cpu)':>7} {'pandas s':>9} {'(cpu)':>7} "
        f"{'pandas/vl':>9} {'(cpu)':>7}  target >= 1x"
    )
    rules = {
        "pro_rata": (r.pro_rata, pandas_pro_rata),
        "user_centric": (r.user_centric, pandas_user_centric),
    }
    for name, (ours, theirs) in rules.items():
        for ids, data in (("categorical", log), ("string", strings)):
            wall, cpu, paid = best_of(args.repeat, ours, data, POOL)
            pd_wall, pd_cpu, expected = best_of(args.repeat, theirs, data, POOL)
            assert_same(paid, expected, f"{name} ({ids} ids)")
            verdict = "PASS" if pd_wall / wall >= 1 else "MISS"
            print(
                f"{name:<13} {ids:<12} {wall:>10.2f} {cpu:>7.2f} {pd_wall:>9.2f} {pd_cpu:>7.2f} "
                f"{pd_wall / wall:>8.2f}x {pd_cpu / cpu:>6.2f}x  {verdict}"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {rss:,.0f} MB, both logs included (target < 2,048 MB)")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
