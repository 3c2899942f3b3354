"""The architecture the import contracts cannot see: what notebooks import."""

import ast

import nbformat
import pytest
from support import NOTEBOOKS

REPORTS = sorted((NOTEBOOKS / "reports").glob("*.ipynb"))


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
