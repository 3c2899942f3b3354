"""How fast a 50-node driver tree evaluates over 1,000,000 scenario rows.

Measures, in the same run:

- ``DriverTree.evaluate`` on a ``--rows`` scenario table (default 1 M rows,
  50 inputs, 50 nodes; every node is a NumPy operation over whole columns):
  best of ``--repeat`` runs;
- the same tree evaluated row by row (``tree.evaluate(row)`` in a Python
  loop, what a spreadsheet-style script does) on a ``--sample`` of rows,
  scaled per row, and the speed-up ratio.

Targets (issue 3): at least 100x faster than the loop, and under 2 s for
1 M rows on 2 cores.

Run: ``.venv/bin/python benchmarks/bench_drivers.py [--rows 1000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from valuelab.drivers import DriverTree

REGIONS = 10


def fifty_node_tree() -> DriverTree:
    """10 regions x (orders, revenue, gross profit, profit) + 10 roll-up nodes = 50 nodes."""
    nodes: dict[str, str] = {}
    for i in range(REGIONS):
        nodes[f"orders_{i}"] = f"visitors_{i} * conversion_{i}"
        nodes[f"revenue_{i}"] = f"orders_{i} * aov_{i}"
        nodes[f"gross_{i}"] = f"revenue_{i} * margin_{i}"
        nodes[f"profit_{i}"] = f"gross_{i} - fixed_{i}"

    def total(kind: str) -> str:
        return " + ".join(f"{kind}_{i}" for i in range(REGIONS))

    nodes.update(
        {
            "orders": total("orders"),
            "revenue": total("revenue"),
            "gross": total("gross"),
            "profit_before_bonus": total("profit"),
            "aov": "revenue / orders",
            "margin": "gross / revenue",
            "profit_per_order": "profit_before_bonus / orders",
            "bonus": "if(profit_before_bonus > 0, 0.1 * profit_before_bonus, 0)",
            "capped_bonus": "min(bonus, 50000)",
            "profit": "round(profit_before_bonus - capped_bonus, 2)",
        }
    )
    return DriverTree.from_dict(nodes, root="profit")


def scenarios(rows: int, seed: int = 3) -> pd.DataFrame:
    """A scenario table: one column per input, uniform around plausible values."""
    rng = np.random.default_rng(seed)
    cols = {}
    for i in range(REGIONS):
        cols[f"visitors_{i}"] = rng.uniform(5_000, 50_000, rows)
        cols[f"conversion_{i}"] = rng.uniform(0.01, 0.05, rows)
        cols[f"aov_{i}"] = rng.uniform(20, 120, rows)
        cols[f"margin_{i}"] = rng.uniform(0.2, 0.6, rows)
        cols[f"fixed_{i}"] = rng.uniform(1_000, 20_000, rows)
    return pd.DataFrame(cols)


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tree = fifty_node_tree()
    table = scenarios(args.rows)
    print(f"tree: {len(tree.formulas)} nodes, {len(tree.input_names)} inputs; rows: {args.rows:,}")

    seconds, result = best_of(args.repeat, lambda: tree.evaluate(table))
    per_row_vec = seconds / args.rows
    print(f"vectorized: {seconds:.3f} s for {args.rows:,} rows ({args.rows / seconds:,.0f} rows/s)")

    sample = table.iloc[: args.sample]
    records = sample.to_dict("records")
    start = time.perf_counter()
    looped = [float(tree.evaluate(row)["profit"]) for row in records]
    loop_seconds = time.perf_counter() - start
    per_row_loop = loop_seconds / len(records)
    print(
        f"per-row loop: {loop_seconds:.3f} s for {len(records):,} rows "
        f"-> {per_row_loop * args.rows:,.1f} s scaled to {args.rows:,} rows"
    )
    assert np.allclose(looped, result["profit"].to_numpy()[: args.sample]), "results differ"
    ratio = per_row_loop / per_row_vec
    print(f"speed-up: {ratio:,.0f}x (target >= 100x); 1 M rows in {seconds:.2f} s (target < 2 s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MB (includes the scenario table)")


if __name__ == "__main__":
    main()
