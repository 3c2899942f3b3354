"""Save as report: the current view as a standalone HTML file with a reopen link."""

import base64
import re

import plotly.graph_objects as go

from valuelab.apps import kit
from valuelab.core import Quantity


def _cards():
    cards = kit.KpiCards({"arr": Quantity("ARR", "EUR", "money", 0, currency="EUR")})
    cards.update({"arr": 90_000.0})
    return cards


def test_snapshot_html_carries_parameters_cards_charts_and_the_link():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    page = kit.snapshot_html(
        "Account <scorecard>",
        {"account": "A0011", "note": "<b>"},
        _cards(),
        [fig, None],
        link="http://host/voila/render/app.ipynb?account=A0011&x=1",
    )
    assert page.startswith("<!doctype html>")
    assert "<title>Account &lt;scorecard&gt;</title>" in page
    assert "<td>account</td><td>A0011</td>" in page and "<td>note</td><td>&lt;b&gt;</td>" in page
    assert 'data-kpi="arr"' in page and "90,000 EUR" in page
    assert page.count("plotly-graph-div") == 1  # the figure; None is skipped
    assert "Reopen this view" in page and "account=A0011&amp;x=1" in page
    assert re.search(r"Saved from the valuelab app on \d{4}-\d\d-\d\d \d\d:\d\d UTC", page)
    assert len(page) > 3_000_000  # plotly.js inlined: the file opens offline


def test_a_view_without_charts_carries_no_plotly():
    page = kit.snapshot_html("Launcher", {"report": "spotify_year.ipynb"})
    assert len(page) < 10_000 and "Reopen" not in page and "vl-kpi" in page  # the shared CSS


def test_save_report_offers_a_download_named_after_the_title(monkeypatch):
    monkeypatch.setenv("SERVER_NAME", "example.org")
    monkeypatch.setenv("SERVER_PORT", "9000")
    monkeypatch.delenv("SCRIPT_NAME", raising=False)

    def state():
        return {"metric": "mau_m", "start": 2015}, _cards(), []

    button = kit.SaveReport("Spotify at a glance", state, app="spotify_at_a_glance.ipynb")
    assert button.children == (button.button, button.link) and button.link.value == ""
    html = button.save()
    assert html == button.html
    link = (
        "http://example.org:9000/voila/render/spotify_at_a_glance.ipynb?metric=mau_m&amp;start=2015"
    )
    assert link in html
    href = re.search(r'download="(.+?)" href="data:text/html;base64,(.+?)"', button.link.value)
    assert href.group(1) == "spotify_at_a_glance.html"
    assert base64.b64decode(href.group(2)).decode("utf-8") == html
    assert "⬇ Download spotify_at_a_glance.html" in button.link.value
    no_app = kit.SaveReport("Demo", state).save()
    assert "Reopen this view" not in no_app
