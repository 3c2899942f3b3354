"""Save as report: one click downloads the current view as a standalone HTML file."""

import base64
import re
from datetime import UTC, date, datetime

import ipywidgets as w
import plotly.graph_objects as go
import pytest

from valuelab.apps import kit
from valuelab.apps.royalty_calculator import build_app as royalty_app
from valuelab.apps.spotify_at_a_glance import build_app as spotify_app
from valuelab.core import Quantity
from valuelab.reports import plotly_bundles

BASIC, FULL = plotly_bundles().values()
#: The issue's target for a one-chart view.
ONE_CHART_MB = 1.5


def _cards():
    cards = kit.KpiCards({"arr": Quantity("ARR", "EUR", "money", 0, currency="EUR")})
    cards.update({"arr": 90_000.0})
    return cards


def _visible_text(page: str) -> str:
    """The report's text as a reader sees it: no scripts, no tags."""
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.DOTALL)
    page = re.sub(r"<style\b.*?</style>", " ", page, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", page)


def _download(save: kit.SaveReport) -> tuple[str, str]:
    """The file name and the bytes the download script hands to the browser."""
    (out,) = save.download.outputs
    script = out["data"]["text/html"]
    name = re.search(r'a\.download = "([^"]+)"', script).group(1)
    data = re.search(r'atob\("([A-Za-z0-9+/=]+)"\)', script).group(1)
    return name, base64.b64decode(data).decode("utf-8")


def test_a_one_chart_report_carries_settings_cards_and_the_light_plotly():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    page = kit.snapshot_html(
        "Account <scorecard>",
        {"Metric": "total_revenue_eur_m", "Note": "<b>"},
        _cards(),
        [fig, None],
    )
    assert page.startswith("<!doctype html>")
    assert "<title>Account &lt;scorecard&gt;</title>" in page
    assert "<th>Metric</th><td>Total revenue</td>" in page  # the quantity's label, not its key
    assert "<th>Note</th><td>&lt;b&gt;</td>" in page
    assert 'data-kpi="arr"' in page and "90,000 EUR" in page
    assert page.count('class="plotly-graph-div"') == 1  # the figure; None is skipped
    assert BASIC.read_text(encoding="utf-8")[:400] in page  # plotly-basic, inline: opens offline
    assert len(page.encode("utf-8")) < ONE_CHART_MB * 1e6
    assert "Reopen" not in page and "total_revenue_eur_m" not in page
    assert re.search(r"Saved from the valuelab app on \d{4}-\d\d-\d\d \d\d:\d\d UTC", page)


def test_a_chart_the_light_bundle_cannot_draw_gets_the_full_one():
    page = kit.snapshot_html("Flows", {}, None, [go.Figure(go.Sankey())])
    assert FULL.read_text(encoding="utf-8")[:400] in page and len(page) > 3_000_000


def test_a_view_without_charts_carries_no_plotly():
    page = kit.snapshot_html("Launcher", {"Report": "spotify_year.ipynb"})
    assert len(page) < 12_000 and "vl-kpi" in page  # the shared CSS
    link = kit.snapshot_html("L", {}, link="https://x.org/a?b=1&c=<2>")
    assert 'Reopen this view: <a href="https://x.org/a?b=1&amp;c=&lt;2&gt;">' in link


def test_report_names_carry_app_view_and_date():
    day = date(2026, 11, 30)
    assert (
        kit.report_name("royalty_calculator.ipynb", ["user_centric"], day)
        == "royalty-calculator_user-centric_2026-11-30.html"
    )
    assert (
        kit.report_name("spotify_at_a_glance.ipynb", ["mau_m", 2015, 2024], day)
        == "spotify-at-a-glance_monthly-active-users-2015-2024_2026-11-30.html"
    )
    assert (
        kit.report_name("KPI trade-off explorer", [], day)
        == "kpi-trade-off-explorer_2026-11-30.html"
    )
    assert kit.report_name("x.ipynb", ["../../etc/passwd"], day) == "x_etc-passwd_2026-11-30.html"


def test_controls_are_described_as_they_show():
    slider = w.FloatSlider(value=0.125, min=0, max=1, readout_format=".3f", description="Discount")
    settings = kit.describe_controls(
        [
            w.Dropdown(options=[("User-centric", "user_centric")], description="Payout rule"),
            w.VBox([slider, w.IntText(value=100_000, description="Monthly streams")]),
            w.Checkbox(value=True, description="Writes own songs"),
            w.IntRangeSlider(value=(2015, 2024), min=2010, max=2030, description="Years"),
            w.FileUpload(description="Upload CSV"),
            w.Button(description="Save as report"),
        ]
    )
    assert settings == {
        "Payout rule": "User-centric",
        "Discount": "0.125",
        "Monthly streams": "100,000",
        "Writes own songs": "yes",
        "Years": "2015 – 2024",
    }


def test_one_click_hands_the_browser_the_file(monkeypatch):
    monkeypatch.delenv(kit.PUBLIC_URL_ENV, raising=False)
    metric = w.Dropdown(options=[("Monthly active users", "mau_m")], description="Metric")

    def state():
        return {"metric": "mau_m", "start": 2015}, _cards(), []

    save = kit.SaveReport(
        "Spotify at a glance", state, app="spotify_at_a_glance.ipynb", view=("metric",),
        controls=[metric],
    )  # fmt: skip
    assert save.children == (save.button, save.status, save.download, save.address)
    assert save.download.outputs == () and save.button.description == "Save as report"
    save.button.click()  # one click: no link to follow afterwards
    today = datetime.now(UTC).date().isoformat()
    assert save.name == f"spotify-at-a-glance_monthly-active-users_{today}.html"
    assert _download(save) == (save.name, save.html)
    assert f"Saved {save.name} (0.0 MB)" in save.status.value
    assert "<th>Metric</th><td>Monthly active users</td>" in save.html
    assert "Reopen this view" not in save.html  # no public address: no link to 127.0.0.1

    monkeypatch.setenv(kit.PUBLIC_URL_ENV, "https://apps.example.org/")
    save.save()
    link = "https://apps.example.org/voila/render/spotify_at_a_glance.ipynb?metric=mau_m&amp;start=2015"
    assert f'Reopen this view: <a href="{link}">' in save.html
    first, second = save.download.outputs[0]["data"]["text/html"], _download(save)
    assert second == (save.name, save.html) and "window[token]" in first  # downloads once


@pytest.mark.parametrize(
    ("build", "initial", "name", "raw"),
    [
        (royalty_app, {"rule": "user_centric"}, "royalty-calculator_user-centric", "user_centric"),
        (
            spotify_app,
            {"metric": "mau_m"},
            "spotify-at-a-glance_monthly-active-users-2015-",
            "mau_m",
        ),
    ],
)
def test_an_apps_report_is_light_named_and_in_words(monkeypatch, build, initial, name, raw):
    monkeypatch.delenv(kit.PUBLIC_URL_ENV, raising=False)
    app = build(**initial)
    save = next(c for c in app.children[2].children[0].children if isinstance(c, kit.SaveReport))
    save.button.click()
    assert save.name.startswith(name) and save.name.endswith(
        f"_{datetime.now(UTC).date().isoformat()}.html"
    )
    assert len(save.html.encode("utf-8")) < ONE_CHART_MB * 1e6
    text = _visible_text(save.html)
    assert raw not in text and not re.search(r"\b[a-z]+_[a-z_]+\b", text), "raw keys in the text"
    assert "Reopen" not in text


def _address(save) -> str:
    return save.address.outputs[-1]["data"]["text/html"]


def test_the_address_follows_every_control_even_ones_added_later():
    metric = w.Dropdown(options=[("MAU", "mau_m"), ("Subscribers", "premium_subs_m")])
    box = w.VBox([w.IntSlider(value=2015, min=2015, max=2024)])
    seen = {}

    def state():
        seen["start"] = box.children[0].value
        return {"metric": metric.value, "start": box.children[0].value, "inputs": ""}, None, []

    save = kit.SaveReport("Spotify", state, controls=[metric, box])
    assert save.address.outputs == ()  # the address the visitor opened stays as it is
    metric.value = "premium_subs_m"
    script = _address(save)
    assert '"metric": "premium_subs_m"' in script and '"start": "2015"' in script
    assert "history.replaceState" in script and "query.delete(k)" in script  # "" removes it
    box.children = [w.IntSlider(value=2016, min=2015, max=2024)]  # e.g. another platform
    box.children[0].value = 2019
    assert '"start": "2019"' in _address(save) and seen["start"] == 2019
