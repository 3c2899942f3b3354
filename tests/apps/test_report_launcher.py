"""The report launcher: a form from the template's typed parameters, a report out."""

import re

import ipywidgets as w
import pytest
from support import NOTEBOOKS, ROOT, assert_fits_screen, find_widget, write_template

from valuelab.apps.report_launcher import REPORTS, build_app, coerce, fields, render, templates
from valuelab.core.errors import InputError

APP = "report_launcher.ipynb"
SCREENSHOTS = ROOT / "build" / "screenshots"


def test_every_template_has_a_form():
    found = templates()
    assert set(found) == {p.name for p in REPORTS.glob("*.ipynb")}
    for name in found:
        specs = fields(REPORTS / name)
        assert specs, f"{name} has no parameters"
        for spec in specs:
            assert spec["type"] in {"int", "float", "bool", "str"}
            assert spec["help"], f"{name}: parameter {spec['name']} has no # help comment"


def test_values_are_coerced_or_every_problem_named():
    specs = fields(REPORTS / "spotify_year.ipynb")
    assert coerce(specs, {"year": "2016"}, "t") == {"year": 2016}
    with pytest.raises(InputError) as info:
        coerce(specs, {"year": "twenty", "yaer": 1}, "spotify_year.ipynb")
    msg = str(info.value)
    assert "year='twenty' is not a valid int" in msg
    assert "unknown parameter 'yaer'; did you mean 'year'? (valid: year)" in msg
    assert msg.startswith("spotify_year.ipynb: ")


@pytest.mark.slow
def test_render_writes_stakeholder_html_without_code():
    body = render(REPORTS / "spotify_year.ipynb", {"year": 2016})
    assert "2016" in body and "plotly" in body
    assert "hl-ipython3" not in body and "from valuelab" not in body


@pytest.mark.slow
def test_a_failing_report_is_an_input_error_naming_the_template():
    with pytest.raises(InputError, match="spotify_year.ipynb"):
        render(REPORTS / "spotify_year.ipynb", {"year": 1990})


@pytest.mark.browser
def test_launcher_runs_a_report_and_offers_the_download(apps_server, page, tmp_path):
    page.goto(apps_server.app_url(APP, "report=spotify_year.ipynb"), wait_until="commit")
    year = page.locator(".widget-inline-hbox:has(label:text-is('year')) input")
    year.wait_for(timeout=90_000)
    assert year.input_value() == "2024"
    assert "fiscal year to report" in page.inner_text("body")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report_launcher.png"))
    assert_fits_screen(page, 1280, charts=False)
    year.fill("2016")
    year.press("Enter")
    page.get_by_role("button", name="Run report").click()
    link = page.locator("a.vl-download")
    link.wait_for(timeout=120_000)
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "spotify_year_2016.html"
    report = path.read_text(encoding="utf-8")
    assert re.search(r"\b2016\b", report) and "from valuelab" not in report
    assert "Traceback" not in page.inner_text("body")
    assert (NOTEBOOKS / "apps" / APP).exists()


@pytest.mark.slow
def test_render_leaves_the_callers_environment_alone(monkeypatch):
    import os

    monkeypatch.delenv("PLOTLY_RENDERER", raising=False)
    render(REPORTS / "spotify_year.ipynb", {"year": 2024})
    assert "PLOTLY_RENDERER" not in os.environ


def test_titles_of_the_shipped_templates():
    found = templates()
    assert found["spotify_year.ipynb"] == "Spotify: one year in figures"
    assert list(found) == sorted(found)


def test_the_form_is_generated_from_the_parameters_cell(tmp_path):
    write_template(
        tmp_path / "b_account.ipynb",
        'customer_id = "A0011"  # the account\nweeks = 4  # weeks back\nshare = 0.5\n'
        "detail = False  # show every row",
    )
    write_template(tmp_path / "a_year.ipynb", "year = 2024  # fiscal year")
    app = build_app(report="b_account.ipynb", folder=tmp_path)
    picker = find_widget(app, w.Dropdown)
    assert picker.value == "b_account.ipynb" and [v for _, v in picker.options] == [
        "a_year.ipynb",
        "b_account.ipynb",
    ]
    controls = next(box for box in _walk(app) if picker in getattr(box, "children", ()))
    form = controls.children[1]  # picker, form, run button
    widgets = {c.description: c for c in form.children}
    assert [type(c).__name__ for c in widgets.values()] == [
        "Text",
        "IntText",
        "FloatText",
        "Checkbox",
    ]
    assert widgets["customer_id"].value == "A0011" and widgets["weeks"].value == 4
    assert widgets["weeks"].tooltip == "weeks back" and widgets["share"].tooltip == "share"
    helps = next(c for c in _walk(app) if isinstance(c, w.HTML) and "vl-help" in c.value)
    assert "<code>detail</code> (bool): show every row" in helps.value
    picker.value = "a_year.ipynb"
    assert [c.description for c in form.children] == ["year"]
    fallback = find_widget(build_app(report="nope.ipynb", folder=tmp_path), w.Dropdown)
    assert fallback.value == "a_year.ipynb"  # an unknown report: the first one


def test_an_empty_folder_is_named(tmp_path):
    with pytest.raises(InputError, match="no report templates"):
        build_app(folder=tmp_path)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
