"""Every stakeholder app, in headless Chromium through ``valuelab serve``.

For each app notebook: it renders (a chart drawn and KPI cards shown), shows no
code and no traceback, a control change updates both the chart and a KPI
value, "Save as report" downloads the view in one click, and a screenshot is
saved under ``build/screenshots/`` (the gallery thumbnails are made from them:
``make thumbnails``). Every app also fits a 390 px phone and a 1280 px desktop
(:func:`support.assert_fits_screen`; phone screenshots in
``build/screenshots/phone/``), with no label, readout, card text or chart title
cut at either width (:func:`support.assert_labels_whole`). App-specific
behaviour (a bad upload, the report launcher) is tested beside each app's module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from support import (
    _CHART_OVERLAP_JS,
    NOTEBOOKS,
    ROOT,
    assert_fits_screen,
    assert_labels_whole,
)

APPS = sorted(p.name for p in (NOTEBOOKS / "apps").glob("*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
#: Apps whose first control is not the one to exercise: app -> CSS selector of the control.
CONTROL = {"kpi_tradeoff_explorer.ipynb": ".noUi-handle"}  # the lever picker moves no KPI
#: Apps without KPI cards or charts by design (e.g. the report launcher).
NO_CARDS = {"report_launcher.ipynb"}
#: Apps whose view has one chart: its saved report stays under the issue's 1.5 MB.
ONE_CHART = {"royalty_calculator.ipynb", "spotify_at_a_glance.ipynb"}

STATE_JS = """
() => JSON.stringify({
  kpis: [...document.querySelectorAll('.vl-kpi-value')].map(n => n.innerText),
  charts: [...document.querySelectorAll('.js-plotly-plot')].map(
    gd => JSON.stringify((gd.data || []).map(t => [t.x, t.y, t.values, t.value]))),
})
"""


def _state(page) -> dict:
    return json.loads(page.evaluate(STATE_JS))


def _wait_for_app(page, app: str) -> None:
    if app not in NO_CARDS:
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
        page.locator(".vl-kpi").first.wait_for(timeout=30_000)
    page.locator(".vl-row").first.wait_for(timeout=90_000)
    page.wait_for_timeout(500)


def _save_as_report(page, app: str) -> None:
    """One click on "Save as report" downloads the view: named, light, in words, no link."""
    with page.expect_download(timeout=60_000) as info:
        page.locator(".vl-save .widget-button").click()
    download = info.value
    name = download.suggested_filename
    stem = app.removesuffix(".ipynb").replace("_", "-")
    assert re.fullmatch(rf"{stem}_[a-z0-9-]+_\d{{4}}-\d\d-\d\d\.html", name), name
    report = Path(download.path()).read_text(encoding="utf-8")
    assert "plotly.js (basic - minified)" in report, "charts drawn with the light bundle"
    if app in ONE_CHART:
        assert len(report.encode("utf-8")) < 1.5e6
    assert "Reopen this view" not in report  # the server was given no public address
    page.locator(f".vl-save :text('Saved {name}')").wait_for(timeout=10_000)


def _change_a_control(page, app: str, i: int) -> None:
    selector = CONTROL.get(app)
    if selector is None:
        selects = page.locator(".widget-dropdown select")
        selector = ".widget-dropdown select" if selects.count() else ".noUi-handle"
    control = page.locator(selector).first
    if selector.endswith("select"):
        count = control.locator("option").count()
        current = control.evaluate("s => s.selectedIndex")
        control.select_option(index=(current + 1 + i) % count)
    else:
        control.focus()  # sliders may start at their minimum (a 0 % discount): step up
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")


@pytest.mark.browser
@pytest.mark.parametrize("app", [a for a in APPS if a not in NO_CARDS])
def test_app_renders_responds_and_shows_no_code(apps_server, page, app):
    page.goto(apps_server.app_url(app), wait_until="commit")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
    page.locator(".vl-kpi").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body.replace("vl-error", "")
    assert "import " not in body and "build_app" not in body, "code must not show"
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-Editor, .cm-editor").count() == 0

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{app.removesuffix('.ipynb')}.png"))

    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name)")
    assert all(n.startswith(apps_server.url) or n.startswith("data:") for n in loaded), loaded
    bundles = [n.rsplit("/", 1)[1] for n in loaded if "/valuelab/static/plotly" in n]
    assert len(bundles) == 1 and bundles[0].startswith("plotly-basic-"), (
        "charts need the 1.2 MB bundle only"
    )

    before = _state(page)
    assert before["kpis"] and before["charts"]
    opened = page.evaluate("() => location.search")
    _change_a_control(page, app, 0)
    page.wait_for_function(
        f"""() => {{
          const s = ({STATE_JS})();
          const b = {json.dumps(json.dumps(before))};
          const x = JSON.parse(s), y = JSON.parse(b);
          return JSON.stringify(x.kpis) !== JSON.stringify(y.kpis)
             && JSON.stringify(x.charts) !== JSON.stringify(y.charts);
        }}""",
        timeout=30_000,
    )
    after = _state(page)
    assert after["kpis"] != before["kpis"] and after["charts"] != before["charts"]
    assert "Traceback" not in page.inner_text("body")
    page.wait_for_timeout(500)  # a second key press may still be redrawing
    assert_fits_screen(page, 1280)
    assert_labels_whole(page, 1280)
    _save_as_report(page, app)
    assert page.errors == []
    _reload_restores_the_view(page, app, opened)
    # leaving the page cancels the old kernel's pending requests; nothing else may fail
    assert [e for e in page.errors if "Canceled future" not in e] == []


def _reload_restores_the_view(page, app: str, opened: str) -> None:
    """The address follows the controls: it is the view's link, and reloading it restores it.

    The view compared is the one on screen once the address and the cards have settled: a
    control moved by two key presses changes the cards twice (the first change is what
    the caller waited for), and the address follows the last one a moment later.
    """
    page.wait_for_function(f"() => location.search !== {json.dumps(opened)}", timeout=10_000)
    settled = (page.evaluate("() => location.search"), _state(page)["kpis"])
    for _ in range(20):
        page.wait_for_timeout(1_000)
        now = (page.evaluate("() => location.search"), _state(page)["kpis"])
        if now == settled:
            break
        settled = now
    query, shown = settled
    page.reload(wait_until="commit")
    _wait_for_app(page, app)
    assert page.evaluate("() => location.search") == query
    for _ in range(60):  # the URL's state is applied after the first build
        if _state(page)["kpis"] == shown:
            break
        page.wait_for_timeout(500)
    assert _state(page)["kpis"] == shown, f"{query} does not restore the view"


@pytest.mark.browser
@pytest.mark.parametrize("app", APPS)
def test_app_fits_a_phone(apps_server, phone_page, app):
    page = phone_page
    page.goto(apps_server.app_url(app), wait_until="commit")
    _wait_for_app(page, app)
    (SCREENSHOTS / "phone").mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "phone" / f"{app.removesuffix('.ipynb')}.png"
    page.screenshot(path=str(path), full_page=True)
    assert_fits_screen(page, 390, charts=app not in NO_CARDS)
    assert_labels_whole(page, 390)
    assert "¶" not in page.inner_text("body")  # no heading anchor link shown (server config)
    anchors = page.locator("a.anchor-link").evaluate_all("links => links.map(a => a.textContent)")
    assert set(anchors) <= {""}, anchors
    if app not in NO_CARDS:
        _save_as_report(page, app)
    assert page.errors == []


@pytest.mark.browser
def test_a_wrapped_title_and_legend_stay_apart_and_overlapping_texts_are_caught(
    apps_server, phone_page
):
    """The phone layout of a chart (charts.js) and the check of texts on one another."""
    import plotly.graph_objects as go

    page, app = phone_page, "spotify_at_a_glance.ipynb"
    page.goto(apps_server.app_url(app), wait_until="commit")
    _wait_for_app(page, app)
    names = ("Revenue (EUR/month)", "Contribution (EUR/month)", "Orders (orders/month)")
    fig = go.Figure([go.Scatter(x=[1, 2], y=[3, i], name=n) for i, n in enumerate(names)])
    fig.update_layout(title="Moving the discount: revenue against contribution, and orders")
    fig.add_annotation(x=1.5, y=1, text="a note here", showarrow=False)
    fig.add_annotation(x=1.5, y=1, text="another note", showarrow=False)
    # a threshold through a bar's value, and a note among the dots without a ground
    bars = go.Figure(go.Bar(x=["a", "b"], y=[65, 30], text=["65", "30"], textposition="outside"))
    bars.add_scatter(x=["b"], y=[85], mode="markers", marker_size=40)
    bars.add_hline(y=67.5)
    bars.add_annotation(x="b", y=85, text="hidden", showarrow=False)
    bars.add_annotation(x="b", y=67.5, text="grounded", showarrow=False, bgcolor="white")
    bars.update_yaxes(range=[0, 100])
    page.evaluate(
        "figs => figs.forEach((fig, i) => { const d = document.createElement('div');"
        " d.id = 'vl-probe' + (i || ''); document.querySelector('.vl-row').appendChild(d);"
        " window.valuelabCharts.draw(d, fig, 'basic'); })",
        [json.loads(fig.to_json()), json.loads(bars.to_json())],
    )
    page.locator("#vl-probe .main-svg").first.wait_for(timeout=30_000)
    page.locator("#vl-probe1 .main-svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    # two lines of title, three of legend: apart; the two notes on one spot, the line through
    # "65" and the note on a dot: caught
    assert page.evaluate(_CHART_OVERLAP_JS) == [
        'annotation "a note here" x annotation "another note"',
        'line x bar text "65"',
        'annotation "hidden" on a marker',
    ]
    title, legend = page.evaluate(
        "() => ['.gtitle', '.legend'].map(s => document.querySelector('#vl-probe ' + s)"
        ".getBoundingClientRect().toJSON())"
    )
    assert title["height"] > 30 and legend["top"] > title["bottom"] + 200  # legend at the foot


@pytest.mark.browser
def test_gallery_links_every_app(apps_server, page):
    page.goto(apps_server.url)
    links = page.locator("a.card")
    assert links.count() == len(APPS)
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == {f"/voila/render/{a}" for a in APPS}


class _CaptureRecorder(NotebookClient):
    """nbclient as Voila uses it, recording every Output widget capture it follows."""

    captures: list[str]

    def register_output_hook(self, msg_id, hook):
        self.captures.append(msg_id)
        super().register_output_hook(msg_id, hook)


@pytest.mark.slow
def test_apps_build_without_output_widget_captures():
    # Voila executes an app with nbclient. An Output widget that captures while it
    # runs (``with out: display(...)``) makes nbclient send each output back on the
    # kernel's shell socket while it waits on that socket for the execute reply;
    # now and then the reply is never seen and the page stays at "Executing 1 of
    # 2" (nbclient issue #312). The apps' charts are set as widget state instead.
    nb = nbformat.v4.new_notebook()
    for app in APPS:
        app_nb = nbformat.read(str(NOTEBOOKS / "apps" / app), as_version=4)
        nb.cells += [c for c in app_nb.cells if c.cell_type == "code"]
    client = _CaptureRecorder(nb, timeout=120, resources={"metadata": {"path": str(ROOT)}})
    client.captures = []
    client.execute()
    assert len(nb.cells) >= len(APPS)
    assert client.captures == []
    views = [o for c in nb.cells for o in c.outputs if o.output_type == "execute_result"]
    assert len(views) == len(nb.cells)  # every app returned its widget
    outputs = [
        out
        for state in client.widget_state.values()
        if state.get("_model_name") == "OutputModel"
        for out in state.get("outputs", [])
    ]
    charts = [out for out in outputs if "application/vnd.plotly.v1+json" in out["data"]]
    assert len(charts) >= len(APPS) - len(NO_CARDS)  # the charts are in the widget state
    others = [out for out in outputs if out not in charts]  # only the address-bar updates
    assert all("history.replaceState" in out["data"].get("text/html", "") for out in others)
