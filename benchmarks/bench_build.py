"""How long the whole course build takes, one notebook at a time vs two at once.

Run: ``.venv/bin/python benchmarks/bench_build.py``. Prints the wall time of
``valuelab.course.site.build`` with 1 and 2 worker processes over the shipped
notebooks and their ratio (target: the whole course builds in under 3 minutes
on 2 cores).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from valuelab.course.site import build

ROOT = Path(__file__).resolve().parent.parent


def timed(workers: int) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        build(out, notebooks_dir=ROOT / "notebooks", workers=workers)
        return time.perf_counter() - start


if __name__ == "__main__":
    serial = timed(1)
    parallel = timed(2)
    n = len(list((ROOT / "notebooks").glob("*.ipynb")))
    print(f"course build, {n} lessons + sample reports")
    print(f"  1 worker : {serial:6.1f} s")
    print(f"  2 workers: {parallel:6.1f} s   ratio {serial / parallel:.2f}x   target < 180 s")
