"""The value driver canvas app: its state, a built app, and the page in a browser."""

import time

import pytest
from support import NOTEBOOKS, find_widget

from valuelab.drivers import ValueDriverTemplate

APP = NOTEBOOKS / "apps" / "value_driver_canvas.ipynb"


def test_canvas_state_and_driver_links():
    from valuelab.apps.kit import format_drivers, parse_drivers
    from valuelab.apps.value_driver_canvas import canvas_state, slider_specs

    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    state = canvas_state(template, {"mau": 700}, swing=0.2)
    assert state["nsm"] == "listening_hours" and state["root"] == "operating_income"
    assert state["values"]["listening_hours"] == 700 * 25
    assert state["baseline"]["listening_hours"] == 638.5 * 25
    assert state["sensitivity"].attrs["swing"] == 0.2
    specs = slider_specs(template)
    assert set(specs) == set(template.tree.inputs)
    assert specs["premium_arpu"][:3] == ("Premium ARPU (EUR/month) · Premium listeners", 3.0, 7.0)
    assert specs["payout_share"][0] == "Payout share (%) · Labels and publishers"
    assert specs["operating_expenses"][0] == "Operating expenses (EUR m/month)"  # no actor
    text = format_drivers({"mau": 700.0, "premium_arpu": 4.69}, template.tree.defaults())
    assert text == "mau:700" and parse_drivers(text) == {"mau": 700.0}


def test_canvas_builds_and_a_slider_moves_the_cards():
    from valuelab.apps import kit
    from valuelab.apps.value_driver_canvas import build_app

    app = build_app(platform="marketplace", drivers="fill_rate:0.8,nope:1,bad")
    cards = find_widget(app, kit.KpiCards)
    assert cards.values["nsm"] == pytest.approx(18_000 * 0.8)
    sliders = find_widget(app, kit.ParamSliders)
    sliders.set({"fill_rate": 0.5})
    deadline = time.monotonic() + 5
    while cards.values["nsm"] != pytest.approx(9_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cards.values["nsm"] == pytest.approx(9_000)
    tree = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree
    expected = tree.evaluate({"fill_rate": 0.5})["operating_profit"]
    assert cards.values["root"] == pytest.approx(expected)
    # the card and the tree's box read the same (they once said 0.6 and 0.64)
    card_text = cards.specs["root"].format(cards.values["root"])
    box = find_widget(app, kit.FigureBox)

    def root_text():
        return next(t for t in box.figure.data if t.name == "root").text[0]

    while card_text not in root_text() and time.monotonic() < deadline + 5:
        time.sleep(0.05)  # the tree is drawn just after the cards
    assert card_text in root_text() and "Operating profit" in cards.cards["root"].value


@pytest.mark.browser
def test_canvas_app_in_the_browser(apps_server, page):
    from valuelab.apps.value_driver_canvas import canvas_state

    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    state = canvas_state(template, {"premium_share": 0.45})
    # Through valuelab serve, as stakeholders open it (plain Voila with a shared
    # link: tests/apps/test_spotify_at_a_glance.py).
    page.goto(apps_server.app_url(APP.name, "drivers=premium_share:0.45"), wait_until="commit")
    root = page.locator("[data-kpi=root] .vl-kpi-value")
    root.wait_for(timeout=90_000)
    expected = f"{state['values']['operating_income']:,.0f} EUR m/month"  # 3 digits
    assert root.inner_text() == expected
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)

    page.locator("select").first.select_option(label="Marketplace")
    market = ValueDriverTemplate.load("marketplace_value_drivers.yaml").tree.evaluate()
    page.wait_for_function(
        "t => document.querySelector('[data-kpi=nsm] .vl-kpi-value').innerText === t",
        arg=f"{market['projects_delivered']:,.0f} projects/month",
        timeout=30_000,
    )
    body = page.inner_text("body")
    assert "Traceback" not in body and "import" not in body and "build_app" not in body
    assert page.errors == []
