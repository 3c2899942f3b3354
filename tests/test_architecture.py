"""Architecture guards the import contracts cannot see, checked on the source.

- What notebooks import: a report template runs headless, so it imports no app
  and no widgets (what it shows comes from topic packages).
- Issue 19, item 5: no function or method over 60 lines in the package
  (``valuelab/``) or the benchmarks (``benchmarks/``). A function's length
  counts from its first decorator (or its ``def``) to its last line, docstring
  included; nested functions are measured on their own too. A longer function
  is split by concept into well-named private helpers.
"""

import ast
from pathlib import Path

import nbformat
import pytest
from support import NOTEBOOKS

REPORTS = sorted((NOTEBOOKS / "reports").rglob("*.ipynb"))
ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 60


def _imported_modules(path) -> set[str]:
    """Every module a notebook's code cells import (``from x import y`` gives x and x.y)."""
    nb = nbformat.read(str(path), as_version=4)
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _widgets_or_apps(path) -> list[str]:
    def forbidden(module: str) -> bool:
        top = module.split(".")[0]
        return (
            top == "ipywidgets" or module == "valuelab.apps" or module.startswith("valuelab.apps.")
        )

    return sorted(m for m in _imported_modules(path) if forbidden(m))


def test_there_are_report_templates():
    assert len(REPORTS) >= 3


@pytest.mark.parametrize("path", REPORTS, ids=[p.name for p in REPORTS])
def test_report_templates_import_no_app_and_no_widgets(path):
    """A report runs headless: what it shows comes from topic packages, not from an app."""
    bad = _widgets_or_apps(path)
    assert not bad, f"{path.name} imports {bad}: take it from a topic package instead"


def test_the_report_import_check_sees_every_form_of_import(tmp_path):
    for source in [
        "from valuelab.apps.account_scorecard import build_app",
        "from valuelab import apps",
        "import valuelab.apps.kit",
        "import ipywidgets as w",
        "from ipywidgets import widgets",
    ]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = 1\n{source}")])
        path = tmp_path / "bad.ipynb"
        nbformat.write(nb, str(path))
        assert _widgets_or_apps(path), source


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


def _architecture_rows() -> dict[str, set[str]]:
    """README's Architecture table: wing folder -> the names in backticks on its row."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = re.match(r"\| `valuelab/([\w/]+?)/?(?:\.py)?` \|(.*)", line)
        if found:
            rows[found.group(1)] = set(re.findall(r"`([\w./]+)`", found.group(2)))
    return rows


def test_the_readme_architecture_matches_the_tree():
    rows = _architecture_rows()
    package = ROOT / "valuelab"
    wings = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    assert set(rows) == wings | {"cli"}, "README's wings differ from valuelab/'s packages"
    for wing in wings:
        modules = {p.stem for p in (package / wing).glob("*.py") if not p.stem.startswith("_")}
        subpackages = {p.name for p in (package / wing).iterdir() if (p / "__init__.py").exists()}
        named = {n.rstrip("/") for n in rows[wing]}
        missing = (modules | subpackages) - named
        assert not missing, f"README's row for valuelab/{wing}/ does not name {sorted(missing)}"


def test_no_module_imports_its_own_package():
    """A module importing its wing's face is a loop the sibling contract cannot see."""
    import grimp

    graph = grimp.build_graph("valuelab")
    loops = [
        f"{module} -> {imported}"
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if module.startswith(imported + ".") and imported != "valuelab"
    ]
    # valuelab's own __init__ imports nothing (its names load on first use), so
    # `from valuelab import __version__` inside the package closes no loop
    assert not graph.find_modules_directly_imported_by("valuelab")
    assert not loops, "modules import their own package: " + ", ".join(loops)


def test_the_apps_apart_contract_names_every_app():
    """A new app module is covered by 'no app imports another' without anyone remembering."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [
        c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "apps-apart"
    ]
    apps = {
        f"valuelab.apps.{p.stem}"
        for p in (ROOT / "valuelab" / "apps").glob("*.py")
        if not p.stem.startswith("_")
    }
    assert set(contract["modules"]) == apps
