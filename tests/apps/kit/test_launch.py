"""Launching under Voila: built before the request, rebuilt only when the URL asks."""

import ipywidgets as w
import pytest

from valuelab.apps.kit import launch


@pytest.fixture(autouse=True)
def _outside_a_preheated_kernel(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)


def _builder(made):
    def build(year=2024, metric="revenue"):
        made.append((year, metric))
        return w.VBox([w.IntText(value=year), w.Text(value=metric)])

    return build


def test_a_plain_url_keeps_the_first_build(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    made = []
    app = launch(_builder(made), {"year": 2024, "metric": "revenue"})
    assert made == [(2024, "revenue")] and app.children[0].value == 2024
    monkeypatch.setenv("QUERY_STRING", "year=2024&other=1")  # nothing that changes the state
    launch(_builder(made), {"year": 2024, "metric": "revenue"})
    assert len(made) == 2


def test_a_link_rebuilds_with_its_values_and_closes_the_first_build(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "year=2019&metric=mau")
    made, first = [], []

    def build(year=2024, metric="revenue"):
        made.append((year, metric))
        widgets = [w.IntText(value=year), w.Text(value=metric)]
        first.extend(widgets if not first else [])
        return w.VBox(widgets)

    app = launch(build, {"year": 2024, "metric": "revenue"})
    assert made == [(2024, "revenue"), (2019, "mau")]
    assert app.children[0].value == 2019 and app.children[1].value == "mau"
    assert all(widget.comm is None for widget in first), "the first build is closed"
    assert app.children[0].comm is not None
