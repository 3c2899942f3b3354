"""How fast a 50-node driver tree evaluates over 1,000,000 scenario rows.

Measures, in the same run:

- ``DriverTree.evaluate`` on a ``--rows`` scenario table (default 1 M rows,
  50 inputs, 50 nodes; every node is a NumPy operation over whole columns):
  best of ``--repeat`` runs;
- the same 50 nodes written by hand as vectorized pandas column arithmetic
  (what an analyst writes without a driver tree) on the same table, and the
  ratio: the cost of the tree's formula language, order and checks.

Targets (issue 3): under 2 s for 1 M rows on 2 cores; issue 20 (item 9):
the vectorized pandas expression as the baseline (within 2x of it).

Run: ``.venv/bin/python benchmarks/bench_drivers.py [--rows 1000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
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


def pandas_tree(t: pd.DataFrame) -> pd.DataFrame:
    """The 50 nodes as pandas column arithmetic, written by hand."""
    out = {}
    for i in range(REGIONS):
        out[f"orders_{i}"] = t[f"visitors_{i}"] * t[f"conversion_{i}"]
        out[f"revenue_{i}"] = out[f"orders_{i}"] * t[f"aov_{i}"]
        out[f"gross_{i}"] = out[f"revenue_{i}"] * t[f"margin_{i}"]
        out[f"profit_{i}"] = out[f"gross_{i}"] - t[f"fixed_{i}"]
    for kind in ("orders", "revenue", "gross"):
        out[kind] = sum(out[f"{kind}_{i}"] for i in range(REGIONS))
    out["profit_before_bonus"] = sum(out[f"profit_{i}"] for i in range(REGIONS))
    out["aov"] = out["revenue"] / out["orders"]
    out["margin"] = out["gross"] / out["revenue"]
    out["profit_per_order"] = out["profit_before_bonus"] / out["orders"]
    pb = out["profit_before_bonus"]
    out["bonus"] = (0.1 * pb).where(pb > 0, 0.0)
    out["capped_bonus"] = out["bonus"].clip(upper=50_000)
    out["profit"] = (pb - out["capped_bonus"]).round(2)
    return pd.DataFrame(out)


def best_of(repeat: int, fn) -> tuple[float, object, float]:
    """Best wall time, the last output and the best CPU time (steadier under load)."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - cpu_start)
    return best, out, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tree = fifty_node_tree()
    table = scenarios(args.rows)
    print(
        f"tree: {len(tree.formulas)} nodes, {len(tree.input_names)} inputs; rows: {args.rows:,}; "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )

    seconds, result, cpu = best_of(args.repeat, lambda: tree.evaluate(table))
    print(f"vectorized: {seconds:.3f} s for {args.rows:,} rows ({args.rows / seconds:,.0f} rows/s)")

    pd_seconds, expected, pd_cpu = best_of(args.repeat, lambda: pandas_tree(table))
    for name in expected.columns:  # every one of the 50 nodes, not only the root
        assert np.allclose(expected[name], result[name], rtol=1e-12, atol=1e-9), name
    ratio = seconds / pd_seconds
    print(
        f"pandas by hand (the same 50 nodes, equal outputs asserted; no formula parsing, "
        f"no checks): {pd_seconds:.3f} s; the tree takes {ratio:.2f}x that "
        f"(target <= 2x: {'PASS' if ratio <= 2 else 'MISS'}); {args.rows:,} rows in "
        f"{seconds:.2f} s (target < 2 s for 1 M: {'PASS' if seconds < 2 else 'MISS'})"
    )
    print(f"CPU time: tree {cpu:.3f} s, pandas {pd_cpu:.3f} s ({cpu / pd_cpu:.2f}x)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MB (includes the scenario table)")
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
