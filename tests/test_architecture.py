"""Architecture guards: the shape of the code, checked on the source.

Issue 19, item 5: no function or method over 60 lines in the package (``valuelab/``)
or the benchmarks (``benchmarks/``). A function's length counts from its first
decorator (or its ``def``) to its last line, docstring included; nested functions
are measured on their own too. A longer function is split by concept into
well-named private helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 60


def _long_functions(folder: Path, limit: int) -> list[str]:
    """``file:line name (N lines)`` for every function under ``folder`` longer than ``limit``."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > limit:
                where = path.relative_to(ROOT).as_posix()
                found.append(f"{where}:{start} {node.name} ({length} lines)")
    return found


def test_no_function_over_60_lines():
    long = [
        line
        for folder in ("valuelab", "benchmarks")
        for line in _long_functions(ROOT / folder, MAX_FUNCTION_LINES)
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)
