"""The KPI trade-off explorer app: its state, a built app, and the page in a browser."""

import time

import pytest
from support import NOTEBOOKS, find_widget

from valuelab.core.errors import InputError
from valuelab.kpis.tradeoffs import funnel

APP = NOTEBOOKS / "apps" / "kpi_tradeoff_explorer.ipynb"


def test_explorer_state_sweeps_the_lever_over_its_slider_range():
    from valuelab.apps.kpi_tradeoff_explorer import SLIDERS, explorer_state

    state = explorer_state({"discount": 0.2}, lever="list_price", kpi_a="conversion")
    sweep = state["sweep"]
    assert sweep["list_price"].min() == SLIDERS["list_price"][0]
    assert sweep["list_price"].max() == SLIDERS["list_price"][1]
    assert (sweep["discount"] == 0.2).all()
    assert state["current"]["revenue"] == pytest.approx(300_000)  # 6,250 orders x 48 EUR
    assert state["baseline"]["revenue"] == 240_000
    assert set(state["frontier"].index) <= set(sweep.index)
    with pytest.raises(InputError, match="unknown lever 'traffic'"):
        explorer_state(lever="traffic")
    with pytest.raises(InputError, match="unknown KPI 'nps'"):
        explorer_state(kpi_b="nps")


def test_explorer_builds_from_a_link_and_a_slider_moves_the_cards():
    from valuelab.apps import kit
    from valuelab.apps.kpi_tradeoff_explorer import build_app

    app = build_app(lever="nope", inputs="discount:0.1,traffic:9e9")
    cards = find_widget(app, kit.KpiCards)
    assert cards.values["revenue"] == pytest.approx(
        funnel(discount=0.1, traffic=500_000).evaluate()["revenue"]
    )
    sliders = find_widget(app, kit.ParamSliders)
    sliders.set({"discount": 0.0, "traffic": 200_000})
    deadline = time.monotonic() + 5
    while cards.values["revenue"] != pytest.approx(240_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cards.values["revenue"] == pytest.approx(240_000)


@pytest.mark.browser
def test_explorer_in_the_browser_follows_the_link_and_the_kpi_pickers(voila, page):
    from valuelab.core import format_value, quantity

    def shown(key, **inputs):
        return format_value(key, float(funnel(**inputs).evaluate()[key]))

    server = voila(APP)
    page.goto(server.url + "?inputs=discount:0.2", wait_until="commit")
    value = page.locator("[data-kpi=revenue] .vl-kpi-value")
    value.wait_for(timeout=90_000)
    assert value.inner_text() == shown("revenue", discount=0.2)
    assert page.locator("[data-kpi=contribution] .vl-kpi-value").inner_text() == shown(
        "contribution", discount=0.2
    )
    assert "-33.0 %" in page.locator("[data-kpi=contribution]").inner_text()  # 56,250 vs 84,000
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)
    page.locator("select").nth(2).select_option(label="Orders (orders/month)")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some("
        "gd => gd.layout && gd.layout.yaxis && gd.layout.yaxis.title "
        "&& gd.layout.yaxis.title.text === 'Orders (orders/month)')",
        timeout=30_000,
    )
    body = page.inner_text("body")
    assert "Traceback" not in body and "import" not in body and "build_app" not in body
    # a hand-edited link: the address becomes the state the controls show
    page.goto(
        server.url + "?inputs=discount%3A5%2Ctraffic%3A-100%2Cbogus%3A1&kpi_a=orders&kpi_b=orders",
        wait_until="commit",
    )
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('kpi_b') === 'aov'", timeout=90_000
    )
    query = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
    assert query == {
        "inputs": "discount:0.5,traffic:50000",
        "kpi_a": "orders",
        "kpi_b": "aov",
        "lever": "discount",
    }
    picked = page.locator("select").nth(2).evaluate("s => s.options[s.selectedIndex].text")
    assert picked.replace("\xa0", " ") == quantity("aov").display_title  # the y picker's
    note = page.locator(".vl-link-note").inner_text()  # what the link could not set, in words
    assert note.startswith("The link's discount “5” cannot be used; showing 0.5.")
    _a_constant_kpi_is_flat_and_every_marker_inside(page, server)
    assert page.errors == []


#: Per chart: its y tick labels and whether every marker lies inside the plot area.
_MARKERS_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const area = gd.querySelector('.nsewdrag').getBoundingClientRect();
  const inside = [...gd.querySelectorAll('.scatterlayer .point')].every(p => {
    const r = p.getBoundingClientRect();
    return r.top >= area.top - 0.5 && r.bottom <= area.bottom + 0.5
      && r.left >= area.left - 0.5 && r.right <= area.right + 0.5;
  });
  const ticks = [...gd.querySelectorAll('.yaxislayer-above .ytick text')].map(t => t.textContent);
  return {inside, ticks, points: gd.querySelectorAll('.scatterlayer .point').length};
})
"""


def _a_constant_kpi_is_flat_and_every_marker_inside(page, server):
    """Gross margin along the basket size (51.1 % throughout): one row of points with the
    star inside the plot, a flat line, y ticks that read apart."""
    page.goto(
        server.url + "?lever=basket_size&kpi_a=revenue&kpi_b=gross_margin_pct"
        "&inputs=list_price%3A45",
        wait_until="commit",
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].filter("
        "gd => gd.querySelectorAll('.scatterlayer .point').length).length >= 1",
        timeout=90_000,
    )
    page.wait_for_timeout(1000)
    frontier, *_ = page.evaluate(_MARKERS_JS)
    assert frontier["points"] > 1 and frontier["inside"], frontier
    assert len(set(frontier["ticks"])) == len(frontier["ticks"]) > 1, frontier["ticks"]


def test_the_y_picker_offers_the_other_kpis_and_a_link_naming_one_twice_shows_the_next():
    from valuelab.apps import kit
    from valuelab.apps.kpi_tradeoff_explorer import build_app, other_kpi
    from valuelab.kpis import KPIS

    assert other_kpi("orders", "orders") == "aov" and other_kpi("orders", "revenue") == "revenue"
    keys = list(KPIS)
    assert other_kpi(keys[-1], keys[-1]) == keys[0]  # wraps round
    app = build_app(kpi_a="orders", kpi_b="orders")
    save = find_widget(app, kit.SaveReport)
    _, a_box, b_box = save.controls[:3]
    assert (a_box.value, b_box.value) == ("orders", "aov")
    assert "orders" not in b_box._options_values and len(b_box.options) == len(KPIS) - 1
    a_box.value = "aov"  # x takes y's KPI: y moves to the next, and never offers x's
    assert b_box.value == "revenue" and "aov" not in b_box._options_values
    a_box.value = "conversion"  # y's KPI is free again: it stays
    assert b_box.value == "revenue" and "aov" in b_box._options_values
    assert save.state()[0]["kpi_b"] == "revenue"
