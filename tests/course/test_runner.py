"""The sandbox's program: a notebook run cell by cell, fresh kernels past stuck cells.

The loop and kernel-kill cases run in the hostile cohort (tests/course/test_grading.py).
"""

import json
import subprocess
import sys

import nbformat
import pytest

from valuelab.course import runner


def test_an_unreadable_notebook_is_reported_as_json(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [ not json')
    assert runner.main([str(path), "--variables", "[]"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["unreadable"].startswith("NotJSONError") or "JSON" in result["unreadable"]


@pytest.mark.slow
@pytest.mark.timed
def test_the_kernel_has_a_memory_limit(tmp_path):
    nb = nbformat.v4.new_notebook()
    sources = ["x = bytearray(3 * 2**30)", "y = 'still here'"]
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = tmp_path / "greedy.ipynb"
    path.write_text(nbformat.writes(nb))
    args = [sys.executable, "-m", "valuelab.course.runner", str(path), "--variables", '["x", "y"]']
    args += ["--timeout", "60", "--memory-mb", "1500"]
    done = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    result = json.loads(done.stdout)
    assert result["error"] == "MemoryError: " and json.loads(result["values"]) == {
        "y": "still here"
    }
