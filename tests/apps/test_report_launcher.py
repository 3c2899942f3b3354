"""The report launcher: a form from the template's typed parameters, a report out."""

import html
import re

import ipywidgets as w
import pytest
from support import NOTEBOOKS, ROOT, assert_fits_screen, find_widget, write_template

from valuelab.apps.report_launcher import (
    QUIET_AFTER,
    REPORTS,
    build_app,
    coerce,
    fields,
    render,
    templates,
)
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
def test_a_failing_report_is_told_by_field_and_logged_once(monkeypatch, capfd, tmp_path):
    """End to end, on a report kernel: the package function the template calls refuses the
    start event (the log has no such event); the visitor reads the field and their value, not
    the log's event names; the log has the full message and one traceback, the cell's."""
    from valuelab.apps import kit, report_launcher
    from valuelab.apps.kit import served

    monkeypatch.setenv(served.RUNTIME_ENV, str(tmp_path))
    raised = []

    def recorded(template, params, **limits):
        try:
            return render(template, params, **limits)
        except InputError as err:
            raised.append(err)
            raise

    monkeypatch.setattr(report_launcher, "render", recorded)
    app = build_app(report="product_kpis.ipynb")
    next(
        c for c in _walk(app) if getattr(c, "description", "") == "Start event"
    ).value = "no such event"
    capfd.readouterr()
    next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report").click()
    shown = next(c.value for c in _walk(app) if isinstance(c, kit.ErrorPanel))
    assert shown == (  # the visitor's own value: theirs to fix, no error id for the operator
        '<div class="vl-error" role="alert">⚠️ Start event: no events named “no such event” in '
        "the source. Check the value and try again.</div>"
    )
    assert not any(c.value.startswith('<p class="vl-ready"') for c in _walk(app) if _html(c))
    assert "product_kpis.ipynb" in str(raised[0])  # what the CLI and the log say
    log = capfd.readouterr().err
    error_id = re.search(r"valuelab error ([0-9a-f]{8}): report product_kpis.ipynb failed", log)[1]
    assert log.count(f"valuelab error {error_id}: report product_kpis.ipynb failed") == 1
    assert log.count("Traceback (most recent call last)") == 1  # the cell's, from the kernel
    assert "start_event: no events named 'no such event' in the source" in log
    assert "(expected one of nps, purchase, signup, visit)" in log  # the operator's, not shown
    assert "kpi_table(" in log  # the template's line that raised


def _html(widget):
    return isinstance(widget, w.HTML)


@pytest.mark.browser
def test_launcher_runs_a_report_and_offers_the_download(apps_server, page, tmp_path):
    page.goto(apps_server.app_url(APP, "report=spotify_year.ipynb"), wait_until="commit")
    year = page.locator(".widget-inline-hbox:has(label:text-is('Fiscal year')) input")
    year.wait_for(timeout=90_000)
    assert year.input_value() == "2024"
    _assert_labelled(page.inner_text("body"), ["Fiscal year", "Yearly figures"])
    assert "Fiscal year to report; from 2016 to 2024" in page.inner_text(".vl-field")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report_launcher.png"))
    assert_fits_screen(page, 1280, charts=False)
    _typed_years_are_refused_as_typed(page, year)
    year.fill("2016")
    year.press("Enter")
    page.get_by_role("button", name="Run report").click()
    link = page.locator("a.vl-download")
    link.wait_for(timeout=120_000)
    ready = page.locator(".vl-ready")
    assert ready.inner_text() == "Report ready."  # a mark drawn in CSS, no emoji
    mark = ready.evaluate("e => getComputedStyle(e, '::before').borderRightWidth")
    assert mark == "3px"
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "spotify_year_2016.html"
    report = path.read_text(encoding="utf-8")
    assert re.search(r"\b2016\b", report) and "from valuelab" not in report
    assert "Traceback" not in page.inner_text("body")
    assert (NOTEBOOKS / "apps" / APP).exists()


#: What a visitor typed in the year field, and what they are told: their own text, as typed.
_RANGE = "is out of range (expected a whole number from 2016 to 2024)."
TYPED_YEARS = [
    ("2016.5", "Fiscal year: “2016.5” is not a whole number."),
    ("99999999999999999999999", f"Fiscal year: “99999999999999999999999” {_RANGE}"),
    ("-1e3", f"Fiscal year: “-1e3” {_RANGE}"),
    ("2031", f"Fiscal year: “2031” {_RANGE}"),
    ("", "Fiscal year is required."),  # never the value the box held before
]


def _typed_years_are_refused_as_typed(page, year):
    """The form refuses what the CLI refuses, quoting the text typed (never the number the
    browser made of it) and stating the template's declared range; no kernel starts."""
    for typed, told in TYPED_YEARS:
        year.fill(typed)
        year.press("Tab")
        page.get_by_role("button", name="Run report").click()
        page.wait_for_function(
            "said => document.querySelector('.vl-error')?.innerText === said",
            arg=f"⚠️ {told} Check the value and try again.",
        )  # the form's own check: no error id, nothing for the operator's log


def _a_refused_value_is_told_and_logged_once(page, field, typed, told, server, line):
    """The report's cell refuses a value: the field and the value on the page; in the server's
    log one entry under the error id, with one traceback (the cell's)."""
    field.fill(typed)
    field.press("Tab")
    page.get_by_role("button", name="Run report").click()
    error = page.locator(".vl-error")
    error.wait_for(timeout=120_000)
    said = error.inner_text()
    assert said == f"⚠️ {told} Check the value and try again."  # theirs to fix: no error id
    page.wait_for_timeout(1000)  # the log's lines, written by the kernel, reach the file
    server._log.flush()
    log = server.log.read_text(errors="replace")
    error_id = re.findall(r"valuelab error ([0-9a-f]{8}): report ", log)[-1]
    assert log.count(f"valuelab error {error_id}") == 1, server.log_tail(errors=(error_id,))
    entry = log.split(f"valuelab error {error_id}")[1].split("[ValueLabVoila]")[0]
    assert entry.count("Traceback (most recent call last)") == 1
    assert line in entry
    page.wait_for_timeout(QUIET_AFTER * 1000)  # a click sooner is taken for one queued before


#: A raw parameter shown as ``name (type)``, the way the form used to list them.
_RAW = re.compile(r"\b[a-z]+(?:_[a-z]+)*\s*\((?:str|int|float|bool|list|dict)\)")


def _assert_labelled(text, labels):
    for label in labels:
        assert re.search(rf"^{re.escape(label)}$", text, re.M), f"no field labelled {label!r}"
    assert not _RAW.search(text), _RAW.search(text)[0]


@pytest.mark.browser
def test_on_a_phone_the_form_is_labelled_with_a_choice_list(apps_server, phone_page):
    page = phone_page
    page.goto(apps_server.app_url(APP, "report=customer_scorecard.ipynb"), wait_until="commit")
    policy = page.locator(".widget-dropdown:has(label:text-is('Missing answers')) select")
    policy.wait_for(timeout=90_000)
    assert policy.locator("option").all_inner_texts() == ["Neutral", "Penalize", "Exclude"]
    text = page.inner_text("body")
    _assert_labelled(text, ["Account", "Accounts", "Sales funnel", "Missing answers"])
    assert "The account to report (its id in the accounts file)" in text
    assert "customer_id" not in text
    assert_fits_screen(page, 390, charts=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report_launcher_390.png"), full_page=True)
    account = page.locator(".widget-inline-hbox:has(label:text-is('Account')) input")
    told = "Account: no account “ZZZ9”."
    _a_refused_value_is_told_and_logged_once(
        page, account, "ZZZ9", told, apps_server, "scorecard_state("
    )


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
        'customer_id = "A0011"  # account: the account\nweeks = 4  # weeks back\nshare = 0.5\n'
        "detail = False  # show every row\n"
        'policy = "neutral"  # missing answers: how they score; one of: neutral, penalize, exclude',
    )
    write_template(tmp_path / "a_year.ipynb", "year = 2024  # fiscal year to report (2016-2024)")
    app = build_app(report="b_account.ipynb", folder=tmp_path)
    picker = find_widget(app, w.Dropdown)
    assert picker.value == "b_account.ipynb" and [v for _, v in picker.options] == [
        "a_year.ipynb",
        "b_account.ipynb",
    ]
    controls = next(box for box in _walk(app) if picker in getattr(box, "children", ()))
    form = controls.children[2]  # style, picker, form, run button
    widgets = {box.children[0].description: box.children[0] for box in form.children}
    assert {k: type(c).__name__ for k, c in widgets.items()} == {
        "Account": "Text",
        "Weeks back": "Text",  # numbers as typed: the form's check reads the visitor's text
        "Share": "Text",
        "Show every row": "Checkbox",
        "Missing answers": "Dropdown",
    }
    assert widgets["Account"].value == "A0011" and widgets["Weeks back"].value == "4"
    assert widgets["Share"].value == "0.5"
    assert widgets["Missing answers"].options == (
        ("Neutral", "neutral"),
        ("Penalize", "penalize"),
        ("Exclude", "exclude"),
    )
    assert widgets["Missing answers"].value == "neutral"
    assert widgets["Account"].tooltip == "The account" and widgets["Share"].tooltip == "Share"
    helps = [box.children[1].value for box in form.children if len(box.children) == 2]
    assert ["The account" in helps[0], "How they score" in helps[1]] == [True, True]
    shown = " ".join(c.value for c in _walk(app) if isinstance(c, w.HTML))
    assert "customer_id" not in shown and "(str)" not in shown and "<code>" not in shown
    picker.value = "a_year.ipynb"
    (year,) = form.children
    assert year.children[0].description == "Fiscal year"
    assert "Fiscal year to report (2016-2024)" in year.children[1].value
    fallback = find_widget(build_app(report="nope.ipynb", folder=tmp_path), w.Dropdown)
    assert fallback.value == "a_year.ipynb"  # an unknown report: the first one


def test_the_shipped_templates_offer_their_closed_sets_as_choices():
    app = build_app(report="portfolio_review.ipynb")
    found = {c.description: c for c in _walk(app) if isinstance(c, w.Dropdown)}
    assert found["Segment"].options == (
        ("All", "all"),
        *((s, s) for s in ("SMB", "Mid-market", "Enterprise")),
    )  # words shown, the template's values kept
    assert [v for _, v in found["Missing answers"].options] == ["neutral", "penalize", "exclude"]
    top = next(c for c in _walk(app) if getattr(c, "description", "") == "Number of accounts")
    assert isinstance(top, w.Text) and top.value == "10"


def test_the_values_of_the_form_are_checked_in_plain_words():
    from valuelab.apps import report_launcher

    specs = fields(REPORTS / "portfolio_review.ipynb")
    assert report_launcher._checked(specs, {"segment": "SMB", "top": 5}) == {
        "segment": "SMB",
        "top": 5,
    }
    with pytest.raises(InputError) as info:
        report_launcher._checked(specs, {"segment": "EU", "top": "ten"})
    assert str(info.value) == (
        "Segment: “EU” is not one of all, SMB, Mid-market, Enterprise; "
        "Number of accounts: “ten” is not a whole number. Check the values and try again."
    )


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
        'customer_id = "A0002"  # account: the account\n'
        'accounts_file = ""  # accounts CSV (empty: sample)',
    )
    return tmp_path


def _form(app):
    return {
        c.description: c
        for c in _walk(app)
        if getattr(c, "description", "") in {"Account", "Accounts CSV"}
    }


def test_a_data_parameter_offers_the_operators_sources_by_name(served_sources, monkeypatch):
    from valuelab.apps import report_launcher

    ran = []
    monkeypatch.setattr(report_launcher, "render", lambda t, p, **kw: ran.append((p, kw)) or "ok")
    app = build_app(folder=served_sources)
    form = _form(app)
    data = form["Accounts CSV"]
    assert isinstance(data, w.Dropdown) and isinstance(form["Account"], w.Text)
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
    with pytest.raises(InputError, match="^source: pick one of the data sources listed$"):
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
    said = re.search(r"⚠️ (The report could not be made.*: ([0-9a-f]{8})\.)</div>", shown)
    assert said[1] == (
        "The report could not be made with these values. Check them and run it again. "
        f"If it keeps failing, give this error id to the server&#x27;s operator: {said[2]}."
    )  # plain words: no file name, no exception class
    error_id = said[2]
    assert "secret-row" not in shown and "/srv" not in shown and "A0002' not in" not in shown
    log = capfd.readouterr().err
    assert f"valuelab error {error_id}: report scorecard.ipynb failed" in log
    assert "secret-row" in log


@pytest.mark.parametrize(
    ("ename", "told"),
    [
        ("TimeoutError", "The report ran past this server&#x27;s time or memory limit. If it"),
        ("KernelStartError", "The server could not make the report just now (it may be busy)"),
    ],
)
def test_a_report_the_server_could_not_make_is_told_in_plain_words(
    served_sources, monkeypatch, ename, told
):
    from valuelab.apps import report_launcher
    from valuelab.reports import ReportError

    def fails(template, params, **limits):
        cause = ReportError("scorecard.ipynb", "x = 1", ename, "cell 3 ran over 300 s")
        raise InputError("the report failed", source="scorecard.ipynb") from cause

    monkeypatch.setattr(report_launcher, "render", fails)
    app = build_app(folder=served_sources)
    next(c for c in _walk(app) if isinstance(c, w.Button)).click()
    shown = " ".join(c.value for c in _walk(app) if isinstance(c, w.HTML))
    assert f"⚠️ {told}" in shown
    assert "scorecard.ipynb" not in shown and "Error" not in shown


def test_one_report_at_a_time_per_visitor(served_sources, monkeypatch):
    from valuelab.apps import report_launcher
    from valuelab.apps.kit import served

    monkeypatch.setattr(report_launcher, "render", lambda t, p, **kw: "ok")
    app = build_app(folder=served_sources)
    run = next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report")
    with served.one_at_a_time("report"):  # this visitor's report in another tab
        run.click()
        shown = " ".join(c.value for c in _walk(app) if isinstance(c, w.HTML))
        assert "Your previous report is still being made: one report at a time." in shown
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
    assert any(isinstance(c, w.Text) and c.description == "Account" for c in _walk(app))
    assert not any(isinstance(c, w.Text) and "mapping" in (c.description or "") for c in _walk(app))


def test_clicks_queued_during_a_report_do_not_make_more_reports(served_sources, monkeypatch):
    """ipywidgets delivers clicks a script sent while Run was disabled after the report: dropped."""
    import time

    from valuelab.apps import report_launcher

    ran = []

    def slow(template, params, **limits):
        time.sleep(1.05)
        ran.append(params)
        return "ok"

    monkeypatch.setattr(report_launcher, "render", slow)
    monkeypatch.setattr(report_launcher, "QUIET_AFTER", 0.2)
    app = build_app(folder=served_sources)
    run = next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report")
    for _ in range(5):  # one click, then four that queued while it rendered
        run.click()
    assert len(ran) == 1
    assert any("vl-download" in c.value for c in _walk(app) if isinstance(c, w.HTML))
    time.sleep(0.25)  # a person's next click, once the report is ready
    run.click()
    assert len(ran) == 2


def _scorecard_refuses(account):
    from valuelab.data import load
    from valuelab.scoring import scorecard_state

    scorecard_state(load("accounts"), account, strict=True)


def _events_refused(start_event, value_event):
    from valuelab.kpis.events import kpi_source, kpi_table

    kpi_table(kpi_source("", ""), "month", start_event=start_event, value_event=value_event)


def _segment_refused(segment):
    from valuelab.kpis.events import kpi_source, kpi_table

    kpi_table(kpi_source("", ""), "month", segment)


_LONG = "Z" * 60
#: Template, the form's values, what the template's cell does with them (None: the form's
#: own check refuses them before any kernel), the exact message and what the data holds.
BAD_VALUES = [
    (
        "customer_scorecard.ipynb",
        {"Account": "ZZZ9"},
        lambda v: _scorecard_refuses(v["customer_id"]),
        "Account: no account “ZZZ9”. Check the value and try again.",
    ),
    (
        "customer_scorecard.ipynb",
        {"Account": "<script>alert(1)</script>"},
        lambda v: _scorecard_refuses(v["customer_id"]),
        "Account: no account “<script>alert(1)</script>”. Check the value and try again.",
    ),
    (
        "customer_scorecard.ipynb",
        {"Account": _LONG},
        lambda v: _scorecard_refuses(v["customer_id"]),
        f"Account: no account “{'Z' * 39}…”. Check the value and try again.",
    ),
    (
        "spotify_year.ipynb",
        {"Fiscal year": "2031"},
        None,  # the template declares its range: refused before any kernel, the range stated
        "Fiscal year: “2031” is out of range (expected a whole number from 2016 to 2024). "
        "Check the value and try again.",
    ),
    (
        "spotify_year.ipynb",
        {"Fiscal year": "99999999999999999999999"},
        None,
        "Fiscal year: “99999999999999999999999” is out of range (expected a whole number from "
        "2016 to 2024). Check the value and try again.",
    ),
    (
        "spotify_year.ipynb",
        {"Fiscal year": "-1e3"},
        None,
        "Fiscal year: “-1e3” is out of range (expected a whole number from 2016 to 2024). "
        "Check the value and try again.",
    ),
    (
        "spotify_year.ipynb",
        {"Fiscal year": "2016.5"},
        None,
        "Fiscal year: “2016.5” is not a whole number. Check the value and try again.",
    ),
    (
        "spotify_year.ipynb",
        {"Fiscal year": ""},
        None,
        "Fiscal year is required. Check the value and try again.",
    ),
    (
        "customer_scorecard.ipynb",
        {"Account": " "},
        None,
        "Account is required. Check the value and try again.",
    ),
    (
        "portfolio_review.ipynb",
        {"Number of accounts": "-5"},
        None,
        "Number of accounts: “-5” is out of range (expected a whole number, at least 1). "
        "Check the value and try again.",
    ),
    (
        "portfolio_review.ipynb",
        {"Number of accounts": "0"},
        None,
        "Number of accounts: “0” is out of range (expected a whole number, at least 1). "
        "Check the value and try again.",
    ),
    (
        "product_kpis.ipynb",
        {"Start event": "no such event"},
        lambda v: _events_refused(v["start_event"], v["value_event"]),
        "Start event: no events named “no such event” in the source. Check the value and try "
        "again.",
    ),
    (
        "product_kpis.ipynb",
        {"Value event": "<b>visit</b>"},
        lambda v: _events_refused(v["start_event"], v["value_event"]),
        "Value event: no events named “<b>visit</b>” in the source. Check the value and try again.",
    ),
    (
        "spotify_year.ipynb",
        {"Fiscal year": "twenty"},  # text in the number field (a forged message)
        None,
        "Fiscal year: “twenty” is not a whole number. Check the value and try again.",
    ),
    (
        "portfolio_review.ipynb",
        {"Segment": "<b>EU</b>", "Number of accounts": "2.5"},
        None,
        "Segment: “<b>EU</b>” is not one of all, SMB, Mid-market, Enterprise; Number of "
        "accounts: “2.5” is not a whole number. Check the values and try again.",
    ),
    (
        "product_kpis.ipynb",
        {"Segment": "nope"},
        lambda v: _segment_refused(v["segment"]),
        "Segment: no events in segment “nope”. Check the value and try again.",
    ),
    (
        "product_kpis.ipynb",
        {"Reporting period": "fortnight"},
        None,
        "Reporting period: “fortnight” is not one of day, week, month, quarter. "
        "Check the value and try again.",
    ),
]
#: What the shipped data holds and a visitor must never read (ids, years, segments, event
#: names, files); the years the template declares as its range are the template's, not data.
FROM_THE_DATA = (
    "A0002",
    "436",
    "2016",
    "2024",
    "organic",
    "referral",
    "purchase",
    "signup",
    ".csv",
    "datasets",
)
DECLARED = "from 2016 to 2024"


@pytest.mark.parametrize(("report", "typed", "cell", "told"), BAD_VALUES)
def test_a_refused_value_is_told_by_field_and_value_only(
    served_sources, monkeypatch, capfd, report, typed, cell, told
):
    """The form's own check (types, choices) or the template's cell (an unknown account, a
    year without figures) refuses a value: the visitor reads the field's label and their own
    value (escaped), never the data, a file name or an exception class; a refusal from the
    report also gives the error id of the log's entry, which has the full message."""
    import traceback

    from traitlets import TraitError

    from valuelab.apps import kit, report_launcher
    from valuelab.reports import ReportError
    from valuelab.reports.engine import _refusals_from

    def render(template, params, **limits):  # the engine, with the template's cell in-process
        assert cell is not None, "the form's check should have refused these values"
        try:
            cell(params)
        except InputError as err:  # as the kernel answers the engine: parameters, plain words
            failure = ReportError(template.name, "cell", "InputError", str(err))
            failure.refused = _refusals_from(repr(err.refusals()))
            failure.traceback = traceback.format_exc()  # the kernel's, in the engine
            raise InputError(f"{template.name}: the report failed: {err}") from failure
        raise AssertionError("the cell should have refused these values")

    monkeypatch.setattr(report_launcher, "render", render)
    app = build_app(report=report)
    controls = {c.description: c for c in _walk(app) if hasattr(c, "value") and c.description}
    for label, value in typed.items():
        try:
            controls[label].value = value
        except TraitError:  # what the browser's input cannot send: a forged message
            controls[label]._trait_values["value"] = value
    capfd.readouterr()
    next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report").click()
    shown = next(c.value for c in _walk(app) if isinstance(c, kit.ErrorPanel))
    said = re.fullmatch(r'<div class="vl-error" role="alert">⚠️ (.*)</div>', shown)[1]
    log = capfd.readouterr().err
    if cell is None:
        assert said == html.escape(told) and not log  # nothing went wrong on the server
    else:
        assert said == html.escape(told)  # the visitor's to fix: no error id for the operator
        error_id = re.search(r"valuelab error ([0-9a-f]{8}): report ", log)[1]
        assert log.count(f"valuelab error {error_id}: report {report} failed") == 1
        assert log.count("Traceback (most recent call last)") == 1
    assert "<script>" not in shown and "<b>" not in shown  # escaped
    rest = said.replace(DECLARED, "")  # the template's declared range is no data
    for value in typed.values():  # nor is what the visitor typed
        rest = rest.replace(html.escape(str(value)), "")
    for data in (*FROM_THE_DATA, "InputError", "Traceback", "customer_id", "start_event"):
        assert data not in rest, data


def test_the_download_is_named_with_letters_digits_hyphens_and_underscores_only(
    served_sources, monkeypatch
):
    from valuelab.apps import report_launcher

    monkeypatch.setattr(report_launcher, "render", lambda t, p, **kw: "ok")
    app = build_app(report="product_kpis.ipynb")
    value = next(c for c in _walk(app) if getattr(c, "description", "") == "Value event")
    value.value = '<i>y</i>"/../x'
    next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report").click()
    link = next(c.value for c in _walk(app) if _html(c) and "vl-download" in c.value)
    name = re.search(r'download="([^"]*)"', link)[1]
    assert name == "product_kpis_month_signup_i_y_i_x.html"
    assert link.endswith(f">⬇ Download {name}</a>")


def test_the_status_lines_use_no_emoji(served_sources, monkeypatch):
    """An emoji is an empty box where no emoji font is installed (Debian's Chromium)."""
    from valuelab.apps import report_launcher

    made = []
    monkeypatch.setattr(report_launcher, "render", lambda t, p, **kw: made.append(p) or "ok")
    app = build_app(folder=served_sources)
    run = next(c for c in _walk(app) if isinstance(c, w.Button) and c.description == "Run report")
    run.click()
    status = [c.value for c in _walk(app) if _html(c) and "Report ready" in c.value]
    assert status == ['<p class="vl-ready">Report ready.</p>'] and made
    assert "::before" in report_launcher._CSS and "vl-ready" in report_launcher._CSS
    emoji = re.compile("[\u2300-\u23ff\u2600-\u27bf\U0001f000-\U0001faff]")
    assert not emoji.search(report_launcher._MAKING + report_launcher._READY)


def test_the_address_carries_the_report_and_its_fields_and_reopens_them_unrun(monkeypatch):
    """Reloading the launcher's address shows the same report with the same values, filled
    in and not run; another report's fields and unknown names leave the address."""
    import json
    import sys

    from valuelab.apps import kit, report_launcher

    launch_module = sys.modules["valuelab.apps.kit.launch"]
    monkeypatch.setattr(report_launcher, "render", lambda *a, **k: pytest.fail("ran by itself"))
    monkeypatch.setenv(
        "QUERY_STRING",
        "report=customer_scorecard.ipynb&customer_id=A0011&policy=penalize&w_rbo=5&theme=dark",
    )
    app = kit.launch(build_app, {"report": ""}, rest="values")
    controls = {c.description: c for c in _walk(app) if getattr(c, "description", "")}
    assert controls["Report"].value == "customer_scorecard.ipynb"
    assert (controls["Account"].value, controls["Missing answers"].value) == ("A0011", "penalize")
    (bar,) = launch_module._bars(app)

    def written():
        script = bar.outputs[-1]["data"]["text/html"]
        return json.loads(re.search(r"var values = (\{.*?\}), kept", script)[1])

    assert written() == {
        "report": "customer_scorecard.ipynb",
        "customer_id": "A0011",
        "source": "",  # "" leaves the address: the template's own data
        "inputs_source": "",
        "policy": "penalize",
    }
    controls["Missing answers"].value = "exclude"
    assert written()["policy"] == "exclude"
    controls["Report"].value = "spotify_year.ipynb"  # its own fields, from their defaults
    assert written() == {"report": "spotify_year.ipynb", "year": "2024", "source": ""}
    assert not any("vl-link-notes" in c._dom_classes for c in app.children)


def test_a_link_s_value_a_field_cannot_take_is_told_and_left_out(monkeypatch):
    from valuelab.apps import kit

    monkeypatch.setenv("QUERY_STRING", "report=customer_scorecard.ipynb&policy=sometimes")
    app = kit.launch(build_app, {"report": ""}, rest="values")
    assert next(
        c for c in _walk(app) if getattr(c, "description", "") == "Missing answers"
    ).value == ("neutral")
    (note,) = [c.value for c in app.children if "vl-link-notes" in c._dom_classes]
    assert note == (
        '<div class="vl-link-note" role="status">The link&#x27;s policy “sometimes” cannot be '
        "used; showing Neutral.</div>"
    )


@pytest.mark.browser
def test_the_launcher_s_address_follows_its_form_and_reloads_it(apps_server, page):
    query = "report=customer_scorecard.ipynb&customer_id=A0011&policy=penalize&w_rbo=5"
    page.goto(apps_server.app_url(APP, query), wait_until="commit")
    account = page.locator(".widget-inline-hbox:has(label:text-is('Account')) input")
    account.wait_for(timeout=90_000)
    assert account.input_value() == "A0011"
    page.wait_for_function("() => !location.search.includes('w_rbo')", timeout=30_000)
    assert "customer_id=A0011" in page.url and "policy=penalize" in page.url
    account.fill("A0002")
    account.press("Tab")
    page.wait_for_function("() => location.search.includes('customer_id=A0002')", timeout=30_000)
    page.reload(wait_until="commit")
    account = page.locator(".widget-inline-hbox:has(label:text-is('Account')) input")
    account.wait_for(timeout=90_000)
    policy = page.locator(".widget-dropdown:has(label:text-is('Missing answers')) select")
    assert account.input_value() == "A0002"
    assert policy.evaluate("s => s.options[s.selectedIndex].text") == "Penalize"
    page.wait_for_timeout(1000)
    assert page.locator("a.vl-download, .vl-making, .vl-ready").count() == 0  # never run by itself
    assert page.locator(".vl-link-note").count() == 0
    report = page.locator(".widget-dropdown:has(label:text-is('Report')) select")
    report.select_option(label="Portfolio review")  # a report picked alone is in the address too
    page.wait_for_function(
        "() => location.search.includes('report=portfolio_review')", timeout=30_000
    )
    assert "customer_id" not in page.url
