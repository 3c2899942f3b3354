"""Spotify at a glance: its summary by hand, a built app, and the page in a browser.

The browser tests double as the smoke test of the harness (plain Voila, headless
Chromium, and a missing Chromium that fails under CI).
"""

import re
import time

import ipywidgets as w
import pytest
from support import NOTEBOOKS, find_widget

from valuelab.apps import kit
from valuelab.apps.spotify_at_a_glance import build_app
from valuelab.core import format_change, format_value
from valuelab.data.datasets import load_spotify_annual
from valuelab.royalties import annual_summary as summary

APP = NOTEBOOKS / "apps" / "spotify_at_a_glance.ipynb"


def test_the_app_says_which_kind_each_figure_is_and_shows_a_margin_change_in_pp():
    app = build_app(metric="gross_margin_pct", start=2023, end=2024)
    cards = find_widget(app, kit.KpiCards)
    # 25.6 % -> 30.1 %: +4.5 percentage points, not +17.6 %
    assert cards.values["change_pct"] == pytest.approx(30.1 - 25.6)
    assert "+4.5 pp" in cards.cards["change_pct"].value
    # 2024's margin rests on a gross profit read in a secondary 20-F extract: estimated
    assert "Gross margin in 2024 (estimated)" in cards.cards["end_value"].value
    # a percent's rate is points a year, never a CAGR of a percent
    assert cards.values["cagr_pct"] == pytest.approx(30.1 - 25.6)
    assert (
        "Change a year" in cards.cards["cagr_pct"].value
        and "+4.5 pp" in cards.cards["cagr_pct"].value
    )
    assert "CAGR" not in cards.cards["cagr_pct"].value
    (line,) = find_widget(app, kit.FigureBox).figure.data
    assert list(line.marker.symbol) == ["diamond", "circle-open"]  # derived, estimated
    assert "gross profit / revenue" in line.text[-1]
    box = find_widget(app, w.Dropdown)
    box.value = "ad_mau_m"
    deadline = time.monotonic() + 5
    while cards.values["end_value"] != 425:
        assert time.monotonic() < deadline, "the cards did not follow the metric"
        time.sleep(0.05)
    assert "Ad-supported monthly active users in 2024 (reported)" in cards.cards["end_value"].value


def test_the_margin_rate_over_years_is_points_a_year():
    app = build_app(metric="gross_margin_pct", start=2015, end=2024)
    cards = find_widget(app, kit.KpiCards)
    margin = load_spotify_annual().set_index("year")["gross_margin_pct"].astype(float)
    per_year = (margin[2024] - margin[2015]) / 9  # plain pandas oracle
    assert cards.values["cagr_pct"] == pytest.approx(per_year)
    assert f"{per_year:+.1f} pp" in cards.cards["cagr_pct"].value
    revenue = build_app(metric="total_revenue_eur_m", start=2015, end=2024)
    growth = find_widget(revenue, kit.KpiCards)
    assert "Growth a year (CAGR)" in growth.cards["cagr_pct"].value  # money keeps its CAGR


def test_the_built_app_follows_its_controls():
    app = build_app(metric="premium_subs_m", start=1999, end=2020)  # start out of range: 2015
    cards = find_widget(app, kit.KpiCards)
    expected = summary(load_spotify_annual(), "premium_subs_m", 2015, 2020)
    assert cards.values["end_value"] == expected["end_value"]
    assert "Premium subscribers in 2020 (reported)" in cards.cards["end_value"].value
    assert "million" in cards.cards["end_value"].value
    span = find_widget(app, w.IntRangeSlider)
    assert span.value == (2015, 2020)
    span.value = (2018, 2024)
    later = summary(load_spotify_annual(), "premium_subs_m", 2018, 2024)
    deadline = time.monotonic() + 5
    while cards.values["change_pct"] != pytest.approx(later["change_pct"]):
        assert time.monotonic() < deadline, "the cards did not follow the years"
        time.sleep(0.05)


@pytest.mark.browser
def test_spotify_at_a_glance_app_updates_and_shows_no_code(voila, page):
    server = voila(APP)
    page.goto(server.url, wait_until="domcontentloaded")
    kpi = page.locator("[data-kpi=end_value]")
    kpi.wait_for(timeout=90_000)
    assert kpi.inner_text().split("\n") == [
        "Total revenue in 2024 (derived)",
        "15,673 EUR m",
        "\xa0",
    ]
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)

    page.locator("select").first.select_option(label="Premium subscribers")
    expected = summary(load_spotify_annual(), "premium_subs_m", 2015, 2024)
    page.wait_for_function(
        "t => document.querySelector('[data-kpi=end_value] .vl-kpi-value').innerText === t",
        arg=format_value("premium_subs_m", expected["end_value"]),
        timeout=30_000,
    )
    change = page.locator("[data-kpi=change_pct] .vl-kpi-value").inner_text()
    assert change == f"{expected['change_pct']:+,.1f} %"
    assert change == format_change("premium_subs_m", expected["end_value"], expected["start_value"])
    assert change == format_change("premium_subs_m", expected["end_value"], expected["start_value"])

    body = page.inner_text("body")
    assert "build_app" not in body and "import" not in body, "the app must not show code"
    assert "Traceback" not in body
    assert page.errors == []


def _run_smoke_with(env_extra: dict[str, str]) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "VALUELAB_CHROMIUM": "/nonexistent/chromium", **env_extra}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--no-header",
            f"{__file__}::test_spotify_at_a_glance_app_updates_and_shows_no_code",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return out.returncode, out.stdout


def test_missing_browser_fails_under_ci_and_skips_locally():
    code, text = _run_smoke_with({"CI": "true"})
    assert code != 0 and "1 error" in text and "Chromium not found" in text
    code, text = _run_smoke_with({"CI": ""})
    assert code == 0 and "1 skipped" in text


@pytest.mark.browser
def test_url_parameters_set_the_starting_state_and_bursts_settle_on_the_last_choice(voila, page):
    server = voila(APP)
    page.goto(server.url + "?metric=premium_subs_m&start=2018&bogus=1", wait_until="commit")
    label = page.locator("[data-kpi=change_pct] .vl-kpi-label")
    label.wait_for(timeout=90_000)
    assert label.inner_text() == "Change since 2018"
    expected = summary(load_spotify_annual(), "premium_subs_m", 2018, 2024)
    value = page.locator("[data-kpi=end_value] .vl-kpi-value").inner_text()
    assert value == format_value("premium_subs_m", expected["end_value"]) == "263 million"

    select = page.locator("select").first
    for option in ["Total revenue", "Monthly active users", "Premium ARPU", "Gross margin"]:
        select.select_option(label=option)  # a burst: debounced, must settle on the last
    final = summary(load_spotify_annual(), "gross_margin_pct", 2018, 2024)
    page.wait_for_function(
        "t => document.querySelector('[data-kpi=end_value] .vl-kpi-value').innerText === t",
        arg=format_value("gross_margin_pct", final["end_value"]),
        timeout=30_000,
    )
    page.wait_for_timeout(500)  # nothing queued behind: the value stays
    assert page.locator("[data-kpi=end_value] .vl-kpi-value").inner_text() == (
        format_value("gross_margin_pct", final["end_value"])
    )
    # a margin changes in percentage points
    change = page.locator("[data-kpi=change_pct] .vl-kpi-value").inner_text()
    assert change == f"{final['end_value'] - final['start_value']:+.1f} pp"
    assert page.locator(".js-plotly-plot").count() == 1
    assert page.errors == []


@pytest.mark.browser
def test_save_as_report_downloads_the_view_in_one_click(voila, page, tmp_path, monkeypatch):
    # plain Voila (JupyterLab's front end) runs the download script as valuelab serve does;
    # its kernels inherit the public address a server is given
    monkeypatch.setenv(kit.PUBLIC_URL_ENV, "https://apps.example.org/")
    server = voila(APP)
    page.goto(server.url + "?metric=mau_m", wait_until="commit")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=90_000)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Save as report").click()  # one click, no link after
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert re.fullmatch(
        r"spotify-at-a-glance_monthly-active-users-2015-2024_[\d-]{10}\.html", path.name
    )
    report = path.read_text(encoding="utf-8")
    assert "<th>Metric</th><td>Monthly active users</td>" in report and "mau_m</td>" not in report
    assert "<th>Years</th><td>2015 – 2024</td>" in report
    link = "https://apps.example.org/voila/render/spotify_at_a_glance.ipynb?metric=mau_m&amp;start=2015&amp;end=2024"
    assert f'Reopen this view: <a href="{link}">' in report
    assert len(report.encode("utf-8")) < 1.5e6  # plotly-basic, not the 4.8 MB bundle
    expected = summary(load_spotify_annual(), "mau_m", 2015, 2024)
    assert format_value("mau_m", expected["end_value"]) in report

    offline = page.context.new_page()
    offline.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())  # no network
    offline.goto(path.as_uri())
    offline.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
