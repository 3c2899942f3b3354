"""Every notebook follows the kit's conventions and runs headless with its defaults."""

import ast
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from support import ROOT, all_notebooks

NOTEBOOKS = all_notebooks()
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
MAX_CELL_LINES = 40
MAX_FUNCTION_LINES = 4


def kind(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    if parts[0] == "exercises":
        return "exercise"
    return {"apps": "app", "reports": "report"}.get(parts[1], "lesson")


def test_there_are_notebooks_of_every_kind():
    assert {kind(p) for p in NOTEBOOKS} == {"lesson", "app", "report", "exercise"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_stripped(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} has outputs: strip them (nbstripout)"
            assert cell.execution_count is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_says_what_the_notebook_is_for(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown", "the first cell must be markdown"
    lines = [ln for ln in first.source.splitlines() if ln.strip()]
    assert lines[0].startswith("# "), "the first cell starts with a '# Title'"
    assert len(lines) >= 2, "say in one line what the notebook is for"
    if kind(path) in ("lesson", "exercise"):
        text = first.source.lower()
        assert "question" in text, "state the question the notebook answers"
        assert "learning goals" in text, "list the learning goals"
        assert "time" in text, "say how long it takes"


def _parameter_cells(nb):
    return [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell_is_one_cell_of_plain_literals(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    cells = _parameter_cells(nb)
    if kind(path) == "report":
        assert len(cells) == 1, "a report template needs one cell tagged 'parameters'"
    if not cells:
        return
    assert len(cells) == 1, "exactly one cell may be tagged 'parameters'"
    assert cells[0] == 1, "the parameters cell comes right after the title cell"
    tree = ast.parse(nb.cells[cells[0]].source)
    names = []
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign | ast.AnnAssign), "only assignments in parameters"
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        assert isinstance(target, ast.Name)
        ast.literal_eval(stmt.value)  # raises on anything but a plain literal
        names.append(target.id)
    inspected = pm.inspect_notebook(str(path))
    assert sorted(inspected) == sorted(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_cells_teach_and_the_package_computes(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert len(cell.source.splitlines()) <= MAX_CELL_LINES, f"cell {i} is longer than a screen"
        source = cell.source.replace("# BEGIN SOLUTION", "").replace("# END SOLUTION", "")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                size = node.end_lineno - node.lineno + 1
                assert size <= MAX_FUNCTION_LINES, f"cell {i}: move {node.name} into valuelab/"
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("eval", "exec"):
                pytest.fail(f"cell {i} calls {node.func.id}")
        assert "../datasets" not in cell.source, f"cell {i}: load data with valuelab.data.datasets"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes_with_its_defaults(path: Path, run_notebook):
    nb, _ = run_notebook(path)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"cell {i} raised {out.get('ename')}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text, f"cell {i} printed a traceback"


def test_make_test_checks_lessons_and_student_copies_with_nbval():
    """Issue 24, item 8: instructors' standard check runs in CI beside the suite's own runner."""
    import glob
    import re

    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "$(MAKE) --no-print-directory nbval" in test_recipe
    (patterns,) = re.findall(r"^NBVAL_NOTEBOOKS \?= (.+)$", makefile, re.M)
    assert "--nbval-lax $(NBVAL_NOTEBOOKS)" in makefile.replace("-p no:cacheprovider -q ", "")
    found = {Path(p) for pattern in patterns.split() for p in glob.glob(str(ROOT / pattern))}
    expected = {p for p in NOTEBOOKS if kind(p) == "lesson" or p.parent.name == "student"}
    assert found == expected
    guide = (ROOT / "exercises" / "README.md").read_text()
    assert "pytest --nbval-lax notebooks/NN_topic.ipynb" in guide
