"""The benchmarks still run and their pandas baselines still equal the package (tiny sizes).

Each script asserts that its vectorized pandas baseline gives valuelab's output
(to the cent for royalties, to 1e-9 otherwise) before printing a ratio; this
runs those assertions on a few thousand rows, so a baseline that drifts from
the package fails here rather than in ``make bench``.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

CASES = {
    "bench_royalties.py": ["--rows", "3000", "--repeat", "1"],
    "bench_drivers.py": ["--rows", "2000", "--repeat", "1"],
    "bench_scoring.py": ["--rows", "2000", "--repeat", "1"],
    "bench_kpis.py": ["--events", "3000", "--users", "300", "--repeat", "1"],
}


@pytest.mark.parametrize("script", sorted(CASES))
def test_benchmark_baseline_equals_the_package(script, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [script, *CASES[script]])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    out = capsys.readouterr().out
    assert "peak resident memory" in out
    assert "PASS" in out or "MISS" in out  # a verdict on each target is printed
