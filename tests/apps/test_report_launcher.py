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
    assert "unknown parameter 'yaer'; did you mean 'year'? (valid: year, source, mapping)" in msg
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


@pytest.fixture
def served_sources(monkeypatch, tmp_path):
    """The operator's sources as ``valuelab serve`` hands them to the kernel."""
    from valuelab.apps.kit import served

    monkeypatch.setenv(served.SOURCES_ENV, '{"EU accounts": "/srv/eu.csv", "Warehouse": "@wh"}')
    monkeypatch.setenv(served.RUNTIME_ENV, str(tmp_path / "locks"))
    monkeypatch.setenv(served.CLIENT_ENV, "00112233445566aa")
    write_template(
        tmp_path / "scorecard.ipynb",
        'customer_id = "A0002"  # the account\naccounts_file = ""  # accounts CSV (empty: sample)',
    )
    return tmp_path


def _form(app):
    return {
        c.description: c
        for c in _walk(app)
        if getattr(c, "description", "") in {"customer_id", "accounts_file"}
    }


def test_a_data_parameter_offers_the_operators_sources_by_name(served_sources, monkeypatch):
    from valuelab.apps import report_launcher

    ran = []
    monkeypatch.setattr(report_launcher, "render", lambda t, p, **kw: ran.append((p, kw)) or "ok")
    app = build_app(folder=served_sources)
    form = _form(app)
    data = form["accounts_file"]
    assert isinstance(data, w.Dropdown) and isinstance(form["customer_id"], w.Text)
    assert data.options == (
        ("The template's own data", ""),
        ("EU accounts", "EU accounts"),
        ("Warehouse", "Warehouse"),
    )
    run = next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report")
    run.click()
    data.value = "EU accounts"
    run.click()
    assert [p["accounts_file"] for p, _ in ran] == ["", "/srv/eu.csv"]  # the target, by name
    link = next(c for c in _walk(app) if isinstance(c, w.HTML) and "vl-download" in c.value)
    assert "scorecard_A0002_EU_accounts.html" in link.value and "/srv" not in link.value
    assert report_launcher.is_data_parameter({"name": "source", "type": "str"})
    assert not report_launcher.is_data_parameter({"name": "year_file", "type": "int"})
    with pytest.raises(InputError, match="unknown source"):
        report_launcher._chosen(
            [{"name": "source", "type": "str", "default": ""}], {"source": "/etc/passwd"}, {}
        )


def test_a_failed_report_shows_an_error_id_not_the_data(served_sources, monkeypatch, capfd):
    import sys

    from valuelab.apps import report_launcher

    def fails(template, params, **limits):
        raise InputError("customer 'A0002' not in rows 'Z9,secret-row'", source="/srv/eu.csv")

    monkeypatch.setattr(report_launcher, "render", fails)
    monkeypatch.setattr(sys, "__stderr__", sys.stderr)  # capfd sees the "server log"
    app = build_app(folder=served_sources)
    run = next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report")
    run.click()
    shown = " ".join(c.value for c in _walk(app) if isinstance(c, w.HTML))
    error_id = re.search(r"the report could not be made \(error id ([0-9a-f]{8})", shown)[1]
    assert "secret-row" not in shown and "/srv" not in shown and "A0002' not in" not in shown
    log = capfd.readouterr().err
    assert f"valuelab error {error_id}: report scorecard.ipynb failed" in log
    assert "secret-row" in log


def test_one_report_at_a_time_per_visitor(served_sources, monkeypatch):
    from valuelab.apps import report_launcher
    from valuelab.apps.kit import served

    monkeypatch.setattr(report_launcher, "render", lambda t, p, **kw: "ok")
    app = build_app(folder=served_sources)
    run = next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report")
    with served.one_at_a_time("report"):  # this visitor's report in another tab
        run.click()
        shown = " ".join(c.value for c in _walk(app) if isinstance(c, w.HTML))
        assert "your previous report is still being made" in shown
    run.click()
    assert any("vl-download" in c.value for c in _walk(app) if isinstance(c, w.HTML))


def test_a_mapping_parameter_is_never_the_visitors(tmp_path):
    from valuelab.apps import report_launcher

    specs = [
        {"name": "source", "type": "str", "default": ""},
        {"name": "mapping", "type": "str", "default": ""},
        {"name": "inputs_mapping", "type": "str", "default": ""},
    ]
    # whatever a forged form says, a mapping is the template's default, never a visitor's path
    shown = {"source": "", "mapping": "/etc/passwd", "inputs_mapping": "../x.yaml"}
    assert report_launcher._chosen(specs, shown, {}) == {
        "source": "",
        "mapping": "",
        "inputs_mapping": "",
    }
    app = build_app(report="customer_scorecard.ipynb")
    assert any(isinstance(c, w.Text) and c.description == "customer_id" for c in _walk(app))
    assert not any(isinstance(c, w.Text) and "mapping" in (c.description or "") for c in _walk(app))
