"""Batch reports: ``valuelab batch`` vs a plain loop of papermill + nbconvert commands.

Renders ``--n`` (default 40) customer scorecards (``notebooks/reports/
customer_scorecard.ipynb``, the first N shipped accounts) two ways, in the same
run:

- ``valuelab batch --workers 2``: a fresh kernel per report, forked from a
  process that has imported the libraries (nothing of a previous report
  survives), in-process HTML export, plotly.js written once;
- a plain loop: ``papermill`` then ``jupyter nbconvert --to html --no-input``
  per report (a fresh process and kernel each time), over ``--loop-n``
  reports (default: all N), scaled per report when fewer;

then prints both times, the ratio (target: at least 10x) and checks the
batch's index (every report listed and rendered, sizes).

Run: ``.venv/bin/python benchmarks/bench_batch.py [--n 40] [--loop-n 40]``
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from valuelab.data.datasets import load

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "notebooks" / "reports" / "customer_scorecard.ipynb"
BIN = Path(sys.executable).parent


def _write_rows(work: Path, ids: list[str]) -> Path:
    """A one-column CSV (``customer_id``) of the accounts to render."""
    rows = work / "rows.csv"
    with rows.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["customer_id"])
        writer.writerows([[i] for i in ids])
    return rows


def _time_batch(rows: Path, out: Path, workers: int, n: int) -> float:
    """Seconds ``valuelab batch`` takes; checks that its index lists all ``n`` reports."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            str(BIN / "valuelab"),
            "batch",
            str(TEMPLATE),
            "--params-from",
            str(rows),
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--name",
            "customer_id",
        ],
        capture_output=True,
        text=True,
    )
    batch = time.perf_counter() - start
    print(done.stdout.strip())
    index = (out / "index.html").read_text()
    listed = index.count("<tr class='ok'>")
    sizes = [p.stat().st_size for p in out.glob("A*.html")]
    plotly_mb = sum(os.path.getsize(p) for p in (out / "assets").glob("plotly*.js")) / 1e6
    assert done.returncode == 0 and listed == n, f"index lists {listed} of {n}"
    print(
        f"valuelab batch --workers {workers}: {batch:.1f} s for {n} reports "
        f"({batch / n:.2f} s each); index lists {listed}/{n} rendered; "
        f"largest report {max(sizes) / 1e6:.2f} MB + one plotly.js {plotly_mb:.1f} MB"
    )
    return batch


def _time_plain_loop(ids: list[str], plain: Path) -> float:
    """Seconds a loop of ``papermill`` then ``jupyter nbconvert`` takes over ``ids``."""
    plain.mkdir()
    start = time.perf_counter()
    for customer in ids:
        executed = plain / f"{customer}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(TEMPLATE),
                str(executed),
                "-p",
                "customer_id",
                customer,
                "-k",
                "python3",
                "--cwd",
                str(TEMPLATE.parent),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--loop-n", type=int, default=None, help="reports in the plain loop")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    loop_n = args.loop_n or args.n
    ids = load("accounts")["account_id"].head(args.n).tolist()
    work = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    rows = _write_rows(work, ids)
    batch = _time_batch(rows, work / "batch", args.workers, args.n)
    loop = _time_plain_loop(ids[:loop_n], work / "plain")
    per_report = loop / loop_n
    print(
        f"plain loop (papermill + jupyter nbconvert): {loop:.1f} s for {loop_n} reports "
        f"({per_report:.2f} s each) -> {per_report * args.n:.0f} s for {args.n}"
    )
    print(f"speed-up: {per_report * args.n / batch:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
