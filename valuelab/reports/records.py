"""Reports: headline figures recorded by a notebook and read back after it runs.

A notebook calls ``record("royalty_pool_eur_m", pool)``; the value is stored in
the cell's output under a valuelab MIME type, so tests, batch indexes and apps
can read the figures of an executed notebook with :func:`read_records`. The
record shows a person nothing (an empty ``text/plain``): its name is a key for
code, and the notebook states the figure in words beside it.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> out = nbformat.v4.new_output("display_data", data=_bundle("pool", 12.5))
>>> nb.cells.append(nbformat.v4.new_code_cell(outputs=[out]))
>>> read_records(nb)
{'pool': 12.5}
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

__all__ = ["MIME_TYPE", "drop_records", "read_records", "record"]

#: MIME type under which recorded figures travel in notebook outputs.
MIME_TYPE = "application/vnd.valuelab.record+json"


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"record() takes numbers, text, lists or dicts, not {type(value).__name__}")


def _bundle(name: str, value: Any) -> dict[str, Any]:
    return {MIME_TYPE: {"name": name, "value": _plain(value)}, "text/plain": ""}


def record(name: str, value: Any) -> None:
    """Record a headline figure of the running notebook.

    Parameters
    ----------
    name : str
        Identifier of the figure, with its unit, e.g. ``"pool_eur_m"``.
    value : number, str, list or dict
        JSON-serialisable value (NumPy scalars are converted; NaN becomes null).
    """
    from IPython.display import display

    display(_bundle(name, value), raw=True)


def read_records(notebook: str | Path | nbformat.NotebookNode) -> dict[str, Any]:
    """Figures recorded by an executed notebook, by name (the last one wins)."""
    nb = notebook
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(notebook), as_version=4)
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if MIME_TYPE in data:
                payload = data[MIME_TYPE]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                found[payload["name"]] = payload["value"]
    return found


def drop_records(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove recorded-figure outputs (for HTML meant for people), in place."""
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if MIME_TYPE not in o.get("data", {})]
    return nb
