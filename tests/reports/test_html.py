"""Reports HTML: no code, escaped text, charts that need no network, error pages."""

from __future__ import annotations

import hashlib
import json
import re
from html import escape as html_escape
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from support import NOTEBOOKS, write_template

from valuelab.core.errors import InputError
from valuelab.core.quantities import QUANTITIES
from valuelab.data import datasets
from valuelab.reports import html as html_module
from valuelab.reports import read_records
from valuelab.reports.engine import KernelWorker, ReportError
from valuelab.reports.html import (
    PLOTLY_MIME,
    WIDGET_STATE,
    MarkdownText,
    chart_bundle,
    error_page,
    escape_markdown,
    markdown,
    plotly_bundles,
    referenced_bundles,
    to_html,
    widget_state,
    write_plotly_asset,
)

BASIC, FULL = plotly_bundles()


def test_report_html_has_no_code_and_charts_that_need_no_network(toy):
    with KernelWorker() as worker:
        nb = worker.run(toy, {"n": 4})
    assert read_records(nb)["n_squared"] == 16
    page = to_html(nb, assets="assets")
    assert "plotly-graph-div" in page and f'<script src="assets/{BASIC}">' in page  # a bar
    assert referenced_bundles(page) == [BASIC]
    assert "record(" not in page and "import plotly" not in page, "no code in a report"
    assert not re.search(r"<script[^>]+src=\"https?://", page), "nothing from the network"
    assert len(page.encode()) < 1_000_000
    inline = to_html(nb)
    assert "plotly-graph-div" in inline and "plotly.js (basic - minified)" in inline
    assert 1_000_000 < len(inline.encode()) < 1_600_000  # the basic bundle inlined, not 4.8 MB


def test_a_page_carries_the_smallest_plotly_bundle_its_charts_need(tmp_path):
    text = {"text/markdown": "some *text*"}
    assert chart_bundle(_notebook_with(text)) is None
    chartless = to_html(_notebook_with(text))
    assert "Plotly" not in chartless and "plotly.js" not in chartless
    assert len(chartless.encode()) < 400_000  # nbconvert's page and styles only
    assert to_html(_notebook_with(text), assets="assets").count("<script src=") == 0
    basic = _notebook_with(_figure("bar"), _figure("scatter"), _figure("pie"))
    assert chart_bundle(basic) == BASIC
    untyped = _figure()
    del untyped[PLOTLY_MIME]["data"][0]["type"]  # plotly.js draws it as a scatter
    assert chart_bundle(_notebook_with(untyped)) == BASIC
    mixed = _notebook_with(_figure("bar"), _figure("sankey"))
    assert chart_bundle(mixed) == FULL
    page = to_html(mixed)
    assert "plotly.js (basic" not in page and len(page.encode()) > 3_000_000  # the full bundle
    assert referenced_bundles(to_html(mixed, assets="../assets")) == [FULL]
    path = write_plotly_asset(tmp_path / "assets", BASIC)
    assert path.read_bytes() == plotly_bundles()[BASIC].read_bytes()
    before = path.stat().st_mtime_ns
    assert write_plotly_asset(tmp_path / "assets", BASIC).stat().st_mtime_ns == before  # once
    assert sorted(p.name for p in (tmp_path / "assets").iterdir()) == [BASIC]


def test_error_page_names_the_report_the_values_the_error_and_the_cell():
    err = ReportError(
        "toy.ipynb", "raise ValueError(x)", "ValueError", "\x1b[31mno data for <beta>\x1b[0m"
    )
    page = error_page("toy.ipynb", {"label": "<beta>", "n": 2}, err)
    assert "<title>Failed: toy.ipynb</title>" in page
    assert (
        "<td>label</td><td>&#x27;&lt;beta&gt;&#x27;</td>" in page and "<td>n</td><td>2</td>" in page
    )
    assert "ValueError: no data for &lt;beta&gt;" in page and "\x1b" not in page  # no colours
    assert "<h2>The cell that failed</h2><pre>raise ValueError(x)</pre>" in page
    plain = error_page("toy.ipynb", {}, InputError("n='x' is not a valid int", source="toy"))
    assert "toy: n=&#x27;x&#x27; is not a valid int" in plain and "cell that failed" not in plain
    other = error_page("toy.ipynb", {}, TimeoutError("cell took too long"))
    assert "TimeoutError: cell took too long" in other


HOSTILE = "<img src=x onerror=alert(1)>"


def _outside_scripts(page: str) -> str:
    """The page without its <script> elements (chart data may hold any text as JSON)."""
    return re.sub(r"<script\b.*?</script>", "", page, flags=re.S)


def test_markdown_escapes_every_value_and_renders_exactly_its_text():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune as render

    values = [HOSTILE, "*a* _b_ `c` [d](javascript:x) # e | f $g$ ~~h~~", "1. x\n\n# y\r\n- z"]
    for value in values:
        text = markdown("**{v}** at {n:,.1f} EUR", v=value, n=1234.56)
        assert isinstance(text, MarkdownText) and text._repr_markdown_() == str(text)
        body = render(str(text))
        assert body.startswith("<p><strong>") and body.count("<") == 4, body  # p, strong only
        assert html_unescape(re.sub(r"</?(p|strong)>", "", body)).strip() == (
            f"{value} at 1,234.6 EUR"
        )
    joined = markdown("\n").join(markdown("- {}", a) for a in ["<b>", "x*y*"])
    assert str(joined) == "- &#60;b&#62;\n- x&#42;y&#42;"
    assert render(str(joined)).count("<li>") == 2
    plus = markdown("| {} |", "a|b") + "<i>" + escape_markdown("*")
    assert str(plus) == "| a&#124;b |&#60;i&#62;&#42;"
    assert str(markdown("{0}, {1}; {0}?", "50 %", "a/b")) == "50 %, a/b; 50 %?"  # readable


@pytest.mark.slow
def test_an_account_id_that_is_html_renders_as_text_in_a_real_report(tmp_path):
    accounts = datasets.load("accounts").head(5).copy()
    accounts.loc[0, "account_id"] = HOSTILE
    own = tmp_path / "accounts.csv"
    accounts.to_csv(own, index=False)
    with KernelWorker() as worker:
        card = worker.run(
            NOTEBOOKS / "reports" / "customer_scorecard.ipynb",
            {"customer_id": HOSTILE, "source": str(own)},
        )
        year = worker.run(NOTEBOOKS / "reports" / "spotify_year.ipynb", {"year": 2021})
    page = _outside_scripts(to_html(card))
    assert "<img" not in page and "onerror=alert(1)&gt;" in page
    assert f"<strong>{html_escape(HOSTILE, quote=False)}</strong> · " in page
    assert "Recommended next actions" in page and page.count("<li>") >= 1
    table = _outside_scripts(to_html(year))
    assert '<th>metric</th>\n<th style="text-align:right">2020</th>' in table
    assert '<td>Total revenue</td>\n<td style="text-align:right">7,880 EUR m</td>' in table
    first = table.split("</table>", 1)[0]
    assert first.count("<tr>") == 1 + len(read_records(year))  # the header, one row per metric
    # a percent changes in percentage points (25.6 -> 26.8 %), and each row names its kind
    assert '<td style="text-align:right">+1.2 pp</td>\n<td>derived</td>' in first
    assert "<td>Ad-supported monthly active users</td>" not in first  # none reported for 2020
    assert "No figure in 2020 or 2021 for: Ad-supported monthly active users." in table


def _notebook_with(*outputs: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Charts")]
    for out in outputs:
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data=out)]
        nb.cells.append(cell)
    return nb


TRACE_DATA = {
    "bar": {"x": ["a"], "y": [1]},
    "scatter": {"x": [1], "y": [1]},
    "pie": {"labels": ["a"], "values": [1]},
}


def _figure(trace: str = "bar", **config: object) -> dict:
    return {
        PLOTLY_MIME: {
            "data": [{"type": trace, "name": "</script><b>x</b>", **TRACE_DATA.get(trace, {})}],
            "layout": {"title": {"text": "<!--<script>"}},
            "config": config,
        }
    }


class _Tags(HTMLParser):
    """The start tags and script texts of a page, as a browser's tokenizer splits them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self.types: list[str] = []
        self.in_script = False
        self.feed(page)
        self.typed: dict[str, list[str]] = {}  # script type -> texts
        for kind, text in zip(self.types, self.scripts, strict=True):
            self.typed.setdefault(kind, []).append(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.in_script = True
            self.scripts.append("")
            self.types.append(dict(attrs).get("type") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts[-1] += data


def test_chart_scripts_cannot_be_closed_by_the_data_or_the_config():
    evil = "</script><img src=x onerror=alert(1)><!--<script>"
    page = to_html(_notebook_with(_figure(toImageButtonOptions={"filename": evil})))
    parsed = _Tags(page)
    assert "img" not in parsed.tags and "b" not in parsed.tags
    chart = next(s for s in parsed.scripts if "Plotly.newPlot" in s)
    assert "</" not in chart and "<!--" not in chart
    assert chart.rstrip().endswith("};"), "the script holds the whole call"
    config = re.search(r'"toImageButtonOptions": (\{.*?\})', chart).group(1)
    assert json.loads(config) == {"filename": evil}  # the value itself is unchanged


STATIC = Path(html_module.__file__).parent / "static"


def test_the_widget_manager_is_built_from_the_sources_in_the_repository():
    """widgets.js and widgets.css carry the digest of their sources (``make widgets``)."""
    folder = STATIC / "widgets"
    build = (folder / "build.mjs").read_text(encoding="utf-8")
    sources = json.loads(re.search(r"SOURCES = (\[.*?\]);", build).group(1).replace("'", '"'))
    digest = hashlib.sha256()
    for name in sources:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    for name in ("widgets.js", "widgets.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert f"(sources sha256 {digest.hexdigest()})" in text[:300], f"{name}: make widgets"
        assert not re.search(r"</script|</style|<!--", text, flags=re.I), "inlined as it is"
    assert (STATIC / "widgets.js").stat().st_size < 1_500_000
    lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"][""]["dependencies"]
    assert pinned == {"@jupyter-widgets/html-manager": "1.0.15"}
    licenses = (STATIC / "WIDGETS-LICENSES.txt").read_text(encoding="utf-8")
    for package in ("@jupyter-widgets/html-manager", "@jupyter-widgets/controls", "ajv"):
        assert f"\n{package} " in licenses


def _widget_notebook(label: str) -> nbformat.NotebookNode:
    nb = _notebook_with({"application/vnd.jupyter.widget-view+json": {"model_id": "m1"}})
    nb.metadata["widgets"] = {
        WIDGET_STATE: {
            "state": {"m1": {"model_name": "LabelModel", "state": {"value": label}}},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return nb


def test_only_pages_with_widgets_carry_the_widget_manager_and_its_json_is_script_safe():
    plain = to_html(_notebook_with({"text/markdown": "text"}))
    assert "widget-state+json" not in plain and "HTMLManager" not in plain
    assert "sources sha256" not in plain  # neither widgets.js nor a plotly bundle
    evil = "</script><img src=x onerror=alert(1)><!--<script>"
    page = to_html(_widget_notebook(evil))
    assert page.count("valuelab report widgets, built from") == 2  # widgets.css and widgets.js
    assert not re.search(r"<script[^>]+src=", page), "nothing fetched: no CDN, no RequireJS"
    parsed = _Tags(page)
    assert "img" not in parsed.tags
    [state] = parsed.typed[WIDGET_STATE]
    assert json.loads(state)["state"]["m1"]["state"]["value"] == evil
    [view] = parsed.typed["application/vnd.jupyter.widget-view+json"]
    assert json.loads(view) == {"model_id": "m1"}


@pytest.mark.browser
def test_widgets_and_tqdm_bars_draw_offline_in_a_report(tmp_path, browser):
    label = "<b>n</b><!--<script>"
    template = write_template(
        tmp_path / "w.ipynb",
        "x = 1",
        f"import ipywidgets as w\nw.IntSlider(value=7, description={label!r})",
        "from tqdm.auto import tqdm\nfor _ in tqdm(range(3), desc='rows'):\n    pass",
    )
    with KernelWorker() as worker:
        nb = worker.run(template, {})
    assert len(widget_state(nb)) >= 5  # the slider, the bar's box, progress and texts
    report = tmp_path / "w.html"
    report.write_text(to_html(nb), encoding="utf-8")
    context = browser.new_context(offline=True)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    page.wait_for_selector("html[data-widgets-rendered]", timeout=30_000)
    assert page.locator(".widget-slider .widget-readout").inner_text() == "7"
    assert page.locator(".widget-slider .widget-label").inner_text() == label  # as text
    assert page.locator(".widget-hprogress").count() == 1
    assert "3/3" in " ".join(page.locator(".widget-html-content").all_inner_texts())
    assert [u for u in requests if not u.startswith("file:")] == [] and errors == []
    context.close()


def test_headings_carry_no_anchor_link():
    """nbconvert adds a "¶" link after each heading unless ``exclude_anchor_links`` is set."""
    nb = _notebook_with({"text/markdown": "## A heading a template *displays*"})
    nb.cells.append(nbformat.v4.new_markdown_cell("## Where value is held back"))
    page = to_html(nb)
    assert "¶" not in page and 'class="anchor-link"' not in page
    assert "<h1>Charts</h1>" in page and "<h2>Where value is held back</h2>" in page
    assert "<h2>A heading a template <em>displays</em></h2>" in page


# --- every shipped template, as a stakeholder reads it ------------------------------------

#: Each shipped template is rendered once, with its defaults (the executions test_notebooks
#: makes, shared through run_notebook's session cache) or, for the scorecard, the sample
#: account with a sales funnel (its table of input metrics shown).
REPORT_PARAMS = {"customer_scorecard": {"customer_id": "A0004"}}
SHIPPED = sorted((NOTEBOOKS / "reports").glob("*.ipynb"))
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
MISSING = {"nan", "<na>", "nat", "none", "null", "inf", "-inf"}


class _Shown(HTMLParser):
    """What a stakeholder reads on a page: text outside scripts, styles and code; table cells."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.cells: list[str] = []
        self._skip = 0
        self._cell: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style", "code", "title")
        if tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "code", "title")
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append(self._cell.strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)
            if self._cell is not None:
                self._cell += data


def _chart_texts(nb: nbformat.NotebookNode) -> list[str]:
    """The titles, axis titles and trace names of every chart in an executed notebook."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            fig = out.get("data", {}).get(PLOTLY_MIME)
            if fig is None:
                continue
            layout = fig.get("layout", {})
            axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
            titles = [layout.get("title"), *(a.get("title") for a in axes)]
            found += [t.get("text", "") if isinstance(t, dict) else t or "" for t in titles]
            found += [trace.get("name") or "" for trace in fig.get("data", [])]
    return found


@pytest.fixture(scope="module")
def shipped_reports(run_notebook) -> dict[str, tuple[nbformat.NotebookNode, str]]:
    """Template name -> (executed notebook, stakeholder HTML), each rendered once."""
    out = {}
    for path in SHIPPED:
        nb, _ = run_notebook(path, **REPORT_PARAMS.get(path.stem, {}))
        out[path.stem] = nb, to_html(nb)
    return out


def test_the_rendered_templates_are_the_shipped_ones_with_sample_parameters():
    import yaml

    samples = yaml.safe_load((NOTEBOOKS / "reports" / "samples.yaml").read_text())
    assert {p.name for p in SHIPPED} == set(samples) and len(SHIPPED) >= 4
    for name, params in REPORT_PARAMS.items():
        assert params in samples[f"{name}.ipynb"], f"{name}: render one of its samples"


@pytest.mark.slow
@pytest.mark.parametrize("name", [p.stem for p in SHIPPED])
def test_a_stakeholder_reads_words_formatted_numbers_and_no_anchor_links(name, shipped_reports):
    """No "¶", no key, no NaN, no e+ and no needless decimals on any shipped report."""
    nb, page = shipped_reports[name]
    shown = _Shown(page)
    text = " ".join(shown.text)
    assert "¶" not in page and 'class="anchor-link"' not in page
    keys = {k for k in SNAKE.findall(text) if k in QUANTITIES} | {
        cell for cell in shown.cells if SNAKE.fullmatch(cell)
    }
    assert not keys, f"{name}: keys shown to a stakeholder: {sorted(keys)}"
    raw = [c for c in shown.cells if c.lower() in MISSING]
    assert not raw and not re.search(r"\bNaN\b", text), f"{name}: missing values shown as {raw}"
    assert not SCIENTIFIC.search(text), f"{name}: {SCIENTIFIC.search(text)[0]!r} in the text"
    decimals = [c for c in shown.cells if re.search(r"\d\.\d{3,}", c)]
    assert not decimals, f"{name}: needless decimals in the tables: {decimals[:5]}"
    for label in _chart_texts(nb):
        assert not {k for k in SNAKE.findall(label) if k in QUANTITIES}, f"{name}: {label!r}"
        assert not SCIENTIFIC.search(label), f"{name}: {label!r}"


def _row(cells: list[str], first: str, n: int) -> list[str]:
    """The ``n`` cells of the table row that starts with ``first``."""
    return cells[cells.index(first) : cells.index(first) + n]


@pytest.mark.slow
def test_report_tables_show_each_column_in_its_quantitys_format(shipped_reports):
    """Numbers from the shipped data (hand-checked against the frames' values)."""
    cells = _Shown(shipped_reports["portfolio_review"][1]).cells
    assert "ARR (EUR/year)" in cells and "Accounts at churn risk (% of accounts)" in cells
    assert "Value Realized, mean (/100)" in cells and "Area of impact" in cells
    # competition: 48 accounts, ARR 2,904,500.0, Value Realized 59.3 on average, 18.8 % at risk
    accounts = datasets.load("accounts")  # the plain pandas oracle of the count and the sum
    area = accounts[accounts["impact_area"] == "competition"]
    assert (len(area), area["arr_eur"].sum()) == (48, 2_904_500.0)
    competition = ["competition", "48", "2,904,500", "59.3", "71.0", "62.3", "18.8"]
    assert _row(cells, "competition", 7) == competition  # Value Realized, RBO, Perceived: means
    # the largest ARR at churn risk: A0231, Enterprise, 275,400 EUR, Value Realized 46.9
    assert _row(cells, "A0231", 6) == [
        "A0231",
        "Enterprise",
        "275,400",
        "47",
        "off track",
        "amber",
    ]
    cells = _Shown(shipped_reports["customer_scorecard"][1]).cells
    # A0004's funnel: 5 deals won of 20 proposals for 89,500 EUR, a 17,900 EUR deal (plan 25,000)
    funnel = datasets.load("account_inputs").set_index("account_id").loc["A0004"]
    assert funnel["new_revenue_eur"] / funnel["deals_won"] == 17_900.0
    assert funnel["deals_won"] / funnel["proposals"] == 0.25  # 83 % of the plan's 0.3
    assert _row(cells, "Win rate (%)", 4) == ["Win rate (%)", "30.0", "25.0", "83"]
    assert _row(cells, "Deal size (EUR)", 4) == ["Deal size (EUR)", "25,000", "17,900", "72"]
    assert "Meetings booked (meetings/quarter)" in cells and "Input metric" in cells
    cells = _Shown(shipped_reports["product_kpis"][1]).cells
    assert "Stickiness DAU/MAU (%)" in cells and "Period start" in cells
    assert "Gross margin, net of refunds (%)" in cells
    january = _row(cells, "2024-01-01", 6)
    assert january[1:4] == ["all", "313", "26.2"]  # segment, active users, DAU 26.194
    assert january[4:6] == ["8.4", "–"]  # stickiness 0.084 in %; no retention in the first month
    assert shipped_reports["product_kpis"][1].count("<td>yes</td>") >= 12  # complete months
