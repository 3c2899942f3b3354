"""Run one submission headless and print its answers as JSON: the grading sandbox's program.

``python -m valuelab.course.runner NOTEBOOK --variables '["a", "b"]' --timeout 60``
executes the notebook cell by cell in a fresh kernel (nbclient), going on past
cells that raise. A cell that runs over ``--timeout`` seconds is interrupted,
its kernel is shut down, and the notebook runs again in a fresh kernel without
that cell; so does a cell that kills its kernel. After more than
``--max-stops`` such cells, the run keeps only the cells before the last one.
The kernel gets an address-space limit (``--memory-mb``). At the end, the
named variables are encoded by :mod:`valuelab.course.values` in the kernel and
one JSON object goes to stdout (cells are numbered from 0 in ``stopped`` and
``errors``, every cell counted; ``error`` is the first error)::

    {
        "values": "<JSON of the variables>",
        "stopped": [[3, "cell 4 ran over 60 s"]],
        "error": "ZeroDivisionError: division by zero",
        "errors": [[5, "ZeroDivisionError: division by zero"]],
        "values_error": "",
    }

``valuelab course grade`` runs this inside its sandbox
(:mod:`valuelab.course.sandbox`) and checks the values outside it. Whatever
the notebook does to this channel concerns only its own values: writing
values here is no more than assigning them in the notebook.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync

__all__ = ["main", "run"]

#: The display type the values cell answers with.
VALUES_MIME = "text/x-valuelab-values"
_VALUES_CELL = (
    "from IPython.display import display as _vl_display\n"
    "from valuelab.course.values import dumps as _vl_dumps\n"
    "_vl_ns = get_ipython().user_ns\n"
    "_vl_display({{{mime!r}: _vl_dumps({{n: _vl_ns[n] for n in {names!r} if n in _vl_ns}})}},"
    " raw=True)\n"
)


def _first_error(cell: nbformat.NotebookNode) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output['ename']}: {output['evalue']}"
    return ""


def _values(client: NotebookClient, names: list[str], timeout: int) -> tuple[str, str]:
    """The values cell's JSON text and, when it failed, why."""
    cell = nbformat.v4.new_code_cell(_VALUES_CELL.format(mime=VALUES_MIME, names=list(names)))
    client.timeout = max(timeout, 30)
    try:
        client.execute_cell(cell, 0, store_history=False)
    except (CellTimeoutError, DeadKernelError) as err:
        return "", f"the answers could not be read: {type(err).__name__}"
    for output in cell.outputs:
        text = output.get("data", {}).get(VALUES_MIME)
        if text:
            return str(text), ""
    return "", "the answers could not be read: " + (_first_error(cell) or "no output")


def _attempt(
    nb: nbformat.NotebookNode, names: list[str], timeout: int, skip: set[int]
) -> dict[str, Any]:
    """One run in a fresh kernel; ``stop`` names the cell that ran over or killed the kernel."""
    client = NotebookClient(
        nb, timeout=timeout, allow_errors=True, kernel_name="python3", record_timing=False
    )
    client.shutdown_kernel = "immediate"
    result: dict[str, Any] = {"error": "", "errors": [], "values": "", "values_error": ""}
    result["stop"] = None
    with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index in skip:
                continue
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                with contextlib.suppress(Exception):
                    run_sync(client.km.interrupt_kernel)()
                result["stop"] = (index, f"cell {index + 1} ran over {timeout} s")
                return result
            except DeadKernelError:
                result["stop"] = (index, f"cell {index + 1} stopped the kernel")
                return result
            error = _first_error(cell)
            if error:
                result["errors"].append([index, error])
            result["error"] = result["error"] or error
            cell.outputs = []  # only the answers leave; keep memory flat
        result["values"], result["values_error"] = _values(client, names, timeout)
    return result


def run(
    nb: nbformat.NotebookNode, names: list[str], timeout: int, max_stops: int = 3
) -> dict[str, Any]:
    """Run ``nb`` (see the module docstring); return the JSON-ready result."""
    stopped: list[tuple[int, str]] = []
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    while True:
        skip = {i for i, _ in stopped}
        final = len(stopped) > max_stops
        if final:  # enough fresh kernels: keep only the cells before the last stop
            skip |= {i for i in code if i >= stopped[-1][0]}
        result = _attempt(nbformat.from_dict(nb), names, timeout, skip)
        stop = result.pop("stop")
        if stop is None or final:
            return {**result, "stopped": [list(s) for s in stopped]}
        stopped.append(stop)


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m valuelab.course.runner")
    p.add_argument("notebook")
    p.add_argument("--variables", required=True, help="JSON list of variable names")
    p.add_argument("--timeout", type=int, default=60)
    p.add_argument("--max-stops", type=int, default=3)
    p.add_argument("--memory-mb", type=int, default=0, help="address-space limit (0: none)")
    args = p.parse_args(argv)
    if args.memory_mb > 0:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except Exception as err:  # an unreadable notebook is a row, not a crash
        print(json.dumps({"unreadable": f"{type(err).__name__}: {err}"[:500]}))
        return 0
    print(json.dumps(run(nb, list(json.loads(args.variables)), args.timeout, args.max_stops)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
