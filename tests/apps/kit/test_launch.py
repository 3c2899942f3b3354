"""Launching under Voila: built before the request, rebuilt only when the URL asks."""

import ast
import importlib
import inspect
import json
import math
import re
from pathlib import Path
from urllib.parse import urlencode

import ipywidgets as w
import nbformat
import pytest
from support import NOTEBOOKS, find_widget

from valuelab.apps import kit
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


# --- every app: its view -> the address -> the same view ------------------------------


def _launch_call(notebook: Path) -> tuple[str, dict]:
    """The app notebook's ``kit.launch(build_app, defaults)``: the app module and the defaults."""
    cells = nbformat.read(notebook, as_version=4).cells
    source = "\n".join(c.source for c in cells if c.cell_type == "code")
    tree = ast.parse(source)
    module = next(
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module.startswith("valuelab.apps.")
    )
    call = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "launch"
    )
    return module, ast.literal_eval(call.args[1])


def _controls(widgets: list[w.Widget]) -> list[w.Widget]:
    """The widgets and their descendants that hold a value a person sets (not an upload)."""
    found = []
    for widget in widgets:
        if widget.has_trait("value") and not isinstance(widget, w.FileUpload):
            found.append(widget)
        found += _controls(list(getattr(widget, "children", ())))
    return found


def _awkward(widget: w.Widget) -> None:
    """Move a control to a valid value off any "nice" grid: the last choice, a third of a
    slider's range (0.15915494309189535 of a 0-50 % discount), a large amount of money."""
    if isinstance(widget, w.Dropdown):
        widget.index = len(widget.options) - 1
    elif isinstance(widget, w.IntRangeSlider):
        widget.value = (widget.min + 1, widget.max - 1)
    elif isinstance(widget, w.FloatSlider):
        widget.value = widget.min + (widget.max - widget.min) / math.pi
    elif isinstance(widget, w.IntSlider):
        widget.value = widget.min + (widget.max - widget.min) // 3 + 1
    elif isinstance(widget, w.BoundedIntText):
        widget.value = min(widget.max, 1_234_567)
    elif isinstance(widget, w.FloatText):  # money (a target income) or a rate
        widget.value *= 823.456789012345 if widget.value >= 100 else 1.2345678901234
    elif isinstance(widget, w.Checkbox):
        widget.value = not widget.value


def _view(app: w.Widget) -> tuple[dict, list, list]:
    """The address parameters, every control's value and every KPI card's HTML of an app."""
    save = find_widget(app, kit.SaveReport)
    params = save.state()[0]
    values = [(c.description, c.value) for c in _controls(save.controls)]
    cards = find_widget(app, kit.KpiCards)
    return params, values, [card.value for card in cards.cards.values()]


def _written(app: w.Widget) -> dict:
    """What the app's address script (:meth:`kit.SaveReport.follow`) puts in the address bar."""
    outputs = find_widget(app, kit.SaveReport).address.outputs
    script = outputs[-1]["data"]["text/html"]
    return json.loads(re.search(r"var values = (\{.*?\}), kept", script).group(1))


def _address(params: dict) -> str:
    """The query :func:`~valuelab.apps.kit.snapshot.address_script` puts in the address bar
    (``str`` of each value, an empty one left out; ``URLSearchParams`` encodes as ``urlencode``)."""
    return urlencode({k: str(v) for k, v in params.items() if v is not None and str(v) != ""})


@pytest.mark.parametrize(
    "notebook",
    [p for p in sorted((NOTEBOOKS / "apps").glob("*.ipynb")) if p.stem != "report_launcher"],
    ids=lambda p: p.stem,
)
def test_every_app_s_view_travels_through_its_address_exactly(notebook, monkeypatch):
    """Awkward values (a slider off its step grid, a percentage, a large amount of money, the
    last choice of each picker): the app rebuilt from the address it wrote shows the same
    view, and writes that same address again on launch."""
    real, made = kit.debounced, []

    def held(wait: float = 0.15):  # a burst of changes is drawn once, when the test asks
        def decorate(fn):
            made.append(real(3600)(fn))
            return made[-1]

        return decorate

    monkeypatch.setattr(kit, "debounced", held)
    module, defaults = _launch_call(notebook)
    build = importlib.import_module(module).build_app
    signature = inspect.signature(build).parameters
    assert defaults == {key: signature[key].default for key in signature}  # the link's names
    monkeypatch.delenv("QUERY_STRING", raising=False)
    app = launch(build, defaults)
    for kinds in ((w.Dropdown,), (w.Widget,)):  # a choice may replace the sliders below it
        for control in _controls(find_widget(app, kit.SaveReport).controls):
            if isinstance(control, kinds):
                _awkward(control)
    for refresh in made:
        refresh.flush()
    params, values, cards = _view(app)
    assert params != defaults and all(v != "" for v in params.values())
    assert _written(app) == {k: str(v) for k, v in params.items()}
    monkeypatch.setenv("QUERY_STRING", _address(params))
    again = launch(build, defaults)
    assert _view(again) == (params, values, cards)
    assert _written(again) == _written(app)


def test_a_link_with_invalid_values_is_rewritten_to_the_state_the_app_uses(monkeypatch):
    """Hand-edited values the app clamps or ignores, a KPI named twice and float noise from a
    browser's slider: on launch the address becomes the link of what the controls show."""
    from valuelab.apps.kpi_tradeoff_explorer import build_app

    monkeypatch.setenv(
        "QUERY_STRING",
        "inputs=discount%3A5%2Ctraffic%3A-100%2Cbogus%3A1%2Clist_price%3A43.00000000000001"
        "&kpi_a=orders&kpi_b=orders&lever=nope",
    )
    app = launch(
        build_app, {"lever": "discount", "kpi_a": "revenue", "kpi_b": "contribution", "inputs": ""}
    )
    sliders = find_widget(app, kit.ParamSliders).values
    assert (sliders["discount"], sliders["traffic"], sliders["list_price"]) == (0.5, 50_000, 43)
    assert _written(app) == {
        "lever": "discount",
        "kpi_a": "orders",
        "kpi_b": "aov",  # the KPI after orders: never one KPI on both axes
        "inputs": "discount:0.5,list_price:43,traffic:50000",
    }


def test_a_royalty_link_carries_the_deal_s_key_and_reads_its_old_text(monkeypatch):
    from valuelab.apps.royalty_calculator import DEAL_KEYS, build_app
    from valuelab.royalties import DEALS

    assert set(DEAL_KEYS.values()) == set(DEALS)  # one key per deal, each deal keyed
    monkeypatch.setenv(
        "QUERY_STRING", "deal=self-released+%28assumption%29&fan_payment=1.1500000000000001"
    )
    defaults = {k: p.default for k, p in inspect.signature(build_app).parameters.items()}
    app = launch(build_app, defaults)
    written = _written(app)
    assert written["deal"] == "self_released" and written["fan_payment"] == "1.15"


def _notes(app: w.Widget) -> str:
    return "".join(c.value for c in app.children if "vl-link-notes" in c._dom_classes)


@pytest.mark.parametrize(
    ("notebook", "query", "told", "written"),
    [
        (
            "account_scorecard",
            "account=ZZZ9&w_rbo=5",
            "The link&#x27;s account “ZZZ9” cannot be used; showing A0002.",
            {"account": "A0002", "policy": "neutral", "weights": ""},
        ),
        (
            "spotify_at_a_glance",
            "metric=bogus&start=2030&end=1999",
            "The link&#x27;s metric “bogus” cannot be used; showing Total revenue. The link&#x27;s "
            "start “2030” cannot be used; showing 2015. The link&#x27;s end “1999” cannot be "
            "used; showing 2024.",
            {"metric": "total_revenue_eur_m", "start": "2015", "end": "2024"},
        ),
        (
            "royalty_calculator",
            "monthly_streams=-5&rule=xyz",
            "The link&#x27;s monthly streams “-5” cannot be used; showing 100000. The link&#x27;s "
            "rule “xyz” cannot be used; showing Pro-rata (Spotify today).",
            None,
        ),
    ],
)
def test_a_stale_link_s_value_is_told_in_one_line_and_unknown_names_leave_the_address(
    notebook, query, told, written, monkeypatch
):
    module, defaults = _launch_call(NOTEBOOKS / "apps" / f"{notebook}.ipynb")
    monkeypatch.setenv("QUERY_STRING", query)
    app = launch(importlib.import_module(module).build_app, defaults)
    assert _notes(app) == f'<div class="vl-link-note" role="status">{told}</div>'
    assert "w_rbo" not in _written(app)  # the script drops every other name (test_address)
    if written:
        assert _written(app) == written


def test_a_link_the_app_uses_as_given_adds_no_note(monkeypatch):
    from valuelab.apps.kpi_tradeoff_explorer import build_app

    monkeypatch.setenv(
        "QUERY_STRING", "lever=basket_size&kpi_b=gross_margin_pct&inputs=list_price%3A45"
    )
    app = launch(
        build_app, {"lever": "discount", "kpi_a": "revenue", "kpi_b": "contribution", "inputs": ""}
    )
    assert _notes(app) == "" and len(app.children) == 3
