"""Every notebook follows the kit's conventions and runs headless with its defaults."""

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from support import ROOT, all_notebooks

from valuelab.core.quantities import QUANTITIES

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
    assert re.search(r"\$\(MAKE\) --no-print-directory .*\bnbval\b", test_recipe)
    (patterns,) = re.findall(r"^NBVAL_NOTEBOOKS \?= (.+)$", makefile, re.M)
    assert "--nbval-lax $(NBVAL_NOTEBOOKS)" in makefile.replace("-p no:cacheprovider -q ", "")
    found = {Path(p) for pattern in patterns.split() for p in glob.glob(str(ROOT / pattern))}
    expected = {p for p in NOTEBOOKS if kind(p) == "lesson" or p.parent.name == "student"}
    assert found == expected
    guide = (ROOT / "exercises" / "README.md").read_text()
    assert "pytest --nbval-lax notebooks/NN_topic.ipynb" in guide


# --- what a learner reads: words, not keys (issue 24, item 3) ------------------------------------

#: A key in snake_case (``listening_hours``, ``delta_pct``).
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: What may show a key: a code span or block, a link's address, a file name or path, and in a
#: Python repr (text/plain) a quoted literal the learner types.
CODE = re.compile(
    r"```.*?```|`[^`\n]*`|<code>.*?</code>|\]\([^)]*\)|https?://\S+|[\w./-]+\.(?:csv|ya?ml|json"
    r"|parquet|ipynb|xlsx|duckdb|py)\b|/[\w./-]+",
    re.S,
)
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
LEARNER_NOTEBOOKS = [p for p in NOTEBOOKS if kind(p) in ("lesson", "exercise")]


#: Table columns whose cells are the code a learner types (a payout rule's key, a question's key
#: in a ``check.all`` summary): left as code.
IN_CODE = {"In code", "question"}
#: A key of a dict shown as a result (``{'paid_eur': 14.07}``): a reader sees it, not code.
DICT_KEY = re.compile(r"['\"](\w+)['\"]\s*:")
#: In a table cell only a code span or an address is code; a source or basis names a published
#: source or says the formula in words, never a file, a dataset key or a function.
CELL_CODE = re.compile(r"`[^`\n]*`|<code>.*?</code>|https?://\S+", re.S)
#: A file name (``spotify_value_drivers.yaml``).
FILE = re.compile(r"\b[\w-]+\.(?:csv|ya?ml|json|parquet|ipynb|xlsx|duckdb|py)\b")
#: A dotted code name (``kpis.frontier``, ``valuelab.royalties.moneyflow``): parts of two or more
#: characters, so "e.g." and "S.A." are words.
DOTTED = re.compile(r"\b[a-z][a-z0-9_]+(?:\.[A-Za-z_][A-Za-z0-9_]+)+\b")
#: A web site named as a source (``whatmatters.com``): a publisher's name, not code.
SITE = re.compile(r"\.(?:com|org|net|io|ru|de|uk|gov|edu|co)$")
#: A constant's name (``FUNNEL_DEFAULTS``).
CONSTANT = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
#: A number of a thousand or more with decimals and no thousands separator (``15896.39``,
#: ``15673.0``): a registered quantity shows ``15,896``.
UNSEPARATED = re.compile(r"(?<![\w.,])\d{4,}\.\d+\b")
#: Units of the registered quantities: a column headed "Revenue (EUR)" holds a registered quantity.
UNITS = {q.unit for q in QUANTITIES.values() if q.unit} | {"%"}
#: Headings of registered quantities, as :func:`labelled` and :func:`formatted` write them.
TITLES = {t for q in QUANTITIES.values() for t in (q.label, q.title, q.display_title)}
#: A share shown as stored (``0.3908 share 0-1``): a registered share shows ``39.1 %``. The unit
#: alone ("share 0-1" in a Unit column) is words.
RAW_SHARE = re.compile(r"(?<![\w.,])\d*\.\d+\s*share\b")


class _Table(HTMLParser):
    """A displayed table: its headings (columns, index, their names) and its cells by column."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.cells: list[tuple[str, str]] = []  # (column heading, text)
        self._columns: list[str] | None = None
        self._row: list[tuple[str, str]] = []
        self._open = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("th", "td"):
            self._open = tag
            self._row.append((tag, ""))
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._open = ""
        elif tag == "tr":
            self._end_row()

    def _end_row(self) -> None:
        if all(t == "th" for t, _ in self._row):  # a heading row
            self.headings += [text for _, text in self._row]
            self._columns = self._columns or [text.strip() for _, text in self._row]
            return
        for j, (tag, text) in enumerate(self._row):
            if tag == "td":
                column = self._columns[j] if self._columns and j < len(self._columns) else ""
                self.cells.append((column, text))
            else:
                self.headings.append(text)  # the row's index

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self._row[-1]
            self._row[-1] = (tag, text + data)


def shown_text(nb) -> Iterator[tuple[int, str, str]]:
    """(cell, where, text) of everything a learner reads in an executed notebook.

    Markdown cells and outputs, printed text, plain-text results (with the keys of a shown
    dict), the headings and cells of displayed tables; code (cells' source, code spans,
    addresses, file names; in a table cell only code spans and addresses) is left out.
    """
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield i, "markdown cell", CODE.sub(" ", cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if out.output_type == "stream" and out.name == "stdout":
                yield i, "printed", CODE.sub(" ", out.text)
            elif "text/markdown" in data:
                yield i, "markdown", CODE.sub(" ", data["text/markdown"])
            elif "text/html" in data:
                table = _Table()
                table.feed(data["text/html"])
                yield from ((i, "table heading", h.strip()) for h in table.headings)
                for column, text in table.cells:
                    if column not in IN_CODE:
                        yield i, f"table cell ({column})", CELL_CODE.sub(" ", text)
            elif set(data) == {"text/plain"}:
                plain = data["text/plain"]
                yield i, "result", QUOTED.sub(" ", CODE.sub(" ", plain))
                yield i, "dict key", " ".join(DICT_KEY.findall(plain))


def raw_keys(where: str, text: str) -> set[str]:
    """The keys in ``text``: snake_case anywhere, a registered key as a whole table heading.

    In a table cell also a file name, a dotted code name or a constant, and a number as
    stored rather than as its quantity shows it (``15896.39``, ``0.3908 share 0-1``).
    """
    found = set(SNAKE.findall(text))
    if where == "table heading" and text in QUANTITIES:
        found.add(text)
    if where.startswith("table cell"):
        for pattern in (FILE, DOTTED, CONSTANT, RAW_SHARE):
            found |= {m for m in pattern.findall(text) if not SITE.search(m)}
        if registered(where.removeprefix("table cell (").removesuffix(")")):
            found |= set(UNSEPARATED.findall(text))
    return found


def registered(heading: str) -> bool:
    """Whether a column holds a registered quantity: its heading is one, or names its unit.

    The sources tables' ``value`` column (a figure with its unit) counts too.

    Examples
    --------
    >>> registered("Revenue (EUR)"), registered("ARR (EUR/year)"), registered("value")
    (True, True, True)
    >>> registered("Before"), registered("RICE")
    (False, False)
    """
    unit = re.fullmatch(r".*\(([^()]*)\)", heading)
    return heading in TITLES or heading == "value" or bool(unit and unit.group(1) in UNITS)


def test_raw_keys_are_found_where_a_learner_reads_them():
    md = nbformat.v4.new_output("display_data", data={"text/markdown": "**listening_hours** is"})
    table = (
        "<table><thead><tr><th></th><th>delta_pct</th><th>revenue</th><th>Rule</th>"
        "<th>source</th></tr></thead><tbody><tr><th>0</th><td>1.5</td><td>2</td>"
        "<td>pro_rata</td><td>by_tier() on listening_log</td></tr></tbody></table>"
    )
    html = nbformat.v4.new_output("display_data", data={"text/html": table})
    ok = "use `what_if(changes=...)`, see [x](https://sec.gov/a_b) or datasets/shop_events.csv"
    fine = nbformat.v4.new_output("stream", name="stdout", text=ok)
    shown = "{'accounts': 3.0,\n 'paid_eur': 14.07}"
    result = nbformat.v4.new_output("execute_result", data={"text/plain": shown})
    typed = nbformat.v4.new_output("execute_result", data={"text/plain": "['shop_events']"})
    outputs = [md, html, fine, result, typed]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=outputs)])
    found = {(where, key) for _, where, text in shown_text(nb) for key in raw_keys(where, text)}
    expected = {("markdown", "listening_hours"), ("table cell (Rule)", "pro_rata")}
    expected |= {("table heading", "delta_pct"), ("table heading", "revenue")}
    expected |= {("table cell (source)", "by_tier"), ("table cell (source)", "listening_log")}
    assert found == expected | {("dict key", "paid_eur")}, "a dataset name to type is code"


def _cells(*rows: tuple[str, str]) -> set[tuple[str, str]]:
    """The keys :func:`raw_keys` finds in a table of (column, cell) rows."""
    heads = "".join(f"<th>{c}</th>" for c, _ in rows)
    cells = "".join(f"<td>{t}</td>" for _, t in rows)
    table = f"<table><thead><tr>{heads}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
    out = nbformat.v4.new_output("display_data", data={"text/html": table})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[out])])
    return {(where, key) for _, where, text in shown_text(nb) for key in raw_keys(where, text)}


def test_code_names_files_and_stored_numbers_in_table_cells_are_found():
    found = _cells(
        ("Model (EUR m)", "15896.39"),
        ("Total revenue (EUR m)", "15673.0"),
        ("Before", "15962.500"),  # no registered quantity: a plain number may show as it is
        ("value", "0.3908 share 0-1"),
        ("source", "spotify_value_drivers.yaml: MAU"),
        ("basis", "kpis.frontier"),
        ("Source", "the kit's shop funnel (kpis.FUNNEL_DEFAULTS)"),
        ("In code", "pro_rata"),
    )
    assert {key for _, key in found} == {
        "15896.39",
        "15673.0",
        "0.3908 share",
        "spotify_value_drivers.yaml",
        "spotify_value_drivers",
        "kpis.frontier",
        "kpis.FUNNEL_DEFAULTS",
        "FUNNEL_DEFAULTS",
    }
    legitimate = _cells(
        ("Model", "15,896"),
        ("value", "39.1 %"),
        ("value", "0.0035 USD per stream"),
        ("Year", "2024"),
        ("Unit", "share 0-1"),
        ("source", "Spotify Technology S.A., Form 20-F for 2024 (2025), p. 54, e.g. revenue"),
        ("source", "Google's OKR playbook (whatmatters.com); marketcap.ru"),
        ("source", "Fader & Hardie (2005), https://brucehardie.com/datasets/cdnow_sample.csv"),
        ("basis", "(1 - discount)^elasticity; use `kpis.frontier(funnel())`"),
        ("basis", "premium subscribers 249.5 m / MAU 638.5 m, 0.8 x 0.233 + 0.2 x 0.5"),
    )
    assert legitimate == set()


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", LEARNER_NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in LEARNER_NOTEBOOKS]
)
def test_learners_read_words_not_keys(path: Path, run_notebook):
    """Lessons and exercises show human names with units; keys stay in code and code spans.

    In an exercise a shown dict is the input the learner indexes in code
    (``ltv_inputs()["arpa"]``), so its keys are code there; a lesson's dict is read.
    Reuses the session's executed notebooks (``run_notebook``): nothing runs twice.
    """
    nb, _ = run_notebook(path)
    code_dicts = kind(path) == "exercise"
    found = [
        f"cell {i}, {where}: {', '.join(sorted(keys))} in {text.strip()[:80]!r}"
        for i, where, text in shown_text(nb)
        if (keys := raw_keys(where, text)) and not (code_dicts and where == "dict key")
    ]
    assert not found, (
        "keys shown to a learner (use quantity(key).label or labelled(frame)):\n" + "\n".join(found)
    )


#: What pandas leaves when it cuts a table: a cell ending "..." (or "…"), a row of "...", the
#: "74 rows × 5 columns" note under a shortened table.
CUT = re.compile(r"…|\.\.\.\s*</t[dh]>|\d+ rows × \d+ columns")


def test_a_cut_table_is_found():
    cut = "<table><tr><td>Spotify Technology S.A., Form 20-F...</td></tr></table>"
    assert CUT.search(cut) and CUT.search("<p>74 rows × 5 columns</p>")
    assert not CUT.search(cut.replace("...", ", 2024"))


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", LEARNER_NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in LEARNER_NOTEBOOKS]
)
def test_learners_read_tables_whole(path: Path, run_notebook):
    """No table a learner reads is cut with "…" or thinned to its head and tail (issue 24).

    Reuses the session's executed notebooks (``run_notebook``): nothing runs twice.
    """
    nb, _ = run_notebook(path)
    cut = [
        f"cell {i}: {found.group(0)!r}"
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if (found := CUT.search(out.get("data", {}).get("text/html", "")))
    ]
    assert not cut, "tables cut (show them with sources_table or labelled):\n" + "\n".join(cut)
