"""The app page layout: KPI cards, the error panel and the page."""

import ipywidgets as w
import pandas as pd

from valuelab.apps import kit
from valuelab.core import Quantity
from valuelab.core.errors import InputError
from valuelab.core.validation import Column, validate_frame


def test_kpi_cards_show_value_unit_and_delta_direction():
    cards = kit.KpiCards(
        {
            "arr": Quantity("ARR", "EUR", "money", 0, currency="EUR"),
            "churn": Quantity("Churn", "share 0-1", "share", 1),
        }
    )
    cards.update({"arr": 90_000.0, "churn": 0.05}, baseline={"arr": 100_000.0, "churn": 0.05})
    arr = cards.cards["arr"].value
    assert 'data-kpi="arr"' in arr and "90,000 EUR" in arr
    assert "vl-down" in arr and "-10.0 % vs baseline" in arr
    churn = cards.cards["churn"].value
    assert "5.0 %" in churn and "vl-flat" in churn and "same as baseline" in churn  # no "+0.0"
    cards.update({"churn": 0.06}, baseline={"churn": 0.05})
    assert "+1.0 pp vs baseline" in cards.cards["churn"].value  # a share changes in points
    noisy = kit.KpiCards({"churn": Quantity("Churn", "share 0-1", "share", 1)})
    noisy.update({"churn": 0.1 + 0.2}, baseline={"churn": 0.3}, versus="pro-rata")
    assert "same as pro-rata" in noisy.cards["churn"].value  # float noise is no change
    cards.update({"arr": 1.0}, labels={"arr": "ARR in 2025"})
    assert "ARR in 2025" in cards.cards["arr"].value
    assert cards.values == {"arr": 1.0, "churn": 0.06}


def test_kpi_cards_take_registry_keys_and_swap_a_cards_quantity():
    cards = kit.KpiCards({"value": "total_revenue_eur_m"})
    cards.update({"value": 15_673.0})
    assert "Total revenue" in cards.cards["value"].value
    assert "15,673 EUR m" in cards.cards["value"].value
    cards.update({"value": 263.0}, specs={"value": "premium_subs_m"}, labels={"value": "Subs"})
    assert "Subs" in cards.cards["value"].value and "263 million" in cards.cards["value"].value
    cards.update({"value": 0.0}, baseline={"value": 0.0})
    assert "same as baseline" in cards.cards["value"].value


def test_error_panel_shows_the_input_error_message_not_a_traceback():
    panel = kit.ErrorPanel()
    frame = pd.DataFrame({"id": ["a", "b"]})
    with panel.guard():
        validate_frame(frame, [Column("arr", kind="number")], source="upload.csv")
    assert "upload.csv" in panel.message and "arr" in panel.message
    assert "Traceback" not in panel.value and panel.layout.display is None
    with panel.guard():
        raise ZeroDivisionError("float division by zero")
    assert panel.message == "Something went wrong (ZeroDivisionError). Try other values."
    with panel.guard():
        pass
    assert panel.layout.display == "none" and panel.message == ""
    panel.show(InputError("bad", source="x"))
    assert panel.message.startswith("x: bad") or "bad" in panel.message


def test_page_layout_puts_controls_beside_the_body():
    slider = w.IntSlider(description="Weeks")
    body = w.HTML("chart")
    app = kit.page("T", "P", [slider], [body], header=True)
    row = app.children[2]
    assert slider in row.children[0].children and body in row.children[1].children
    assert "<h2>T</h2>" in app.children[1].value


def test_the_page_stacks_on_a_narrow_screen_by_its_classes():
    app = kit.page("T", "P", [w.IntSlider(description="n")], [w.HTML("chart")])
    css, row = app.children[0].value, app.children[2]
    side, main = row.children
    assert row._dom_classes == ("vl-row",) and side._dom_classes == ("vl-controls",)
    assert main._dom_classes == ("vl-body",)
    # widths come from the stylesheet, so that its media query can stack them
    assert side.layout.min_width is None and side.layout.width is None
    narrow = css[css.index(f"@media (max-width: {kit.NARROW_PX}px)") :]
    assert ".vl-row {flex-direction: column;" in narrow and "width: 100% !important" in narrow
    assert "text-overflow: clip" in css and "white-space: normal" in css  # labels wrap


def test_a_zero_baseline_gives_the_change_in_units_and_labels_are_escaped():
    cards = kit.KpiCards({"n": Quantity("<Users>", "users", "count", 2)})
    cards.update({"n": 5.0}, baseline={"n": 0.0})
    card = cards.cards["n"].value
    assert "+5.00 users vs baseline" in card and "vl-up" in card
    assert "&lt;Users&gt;" in card and "<Users>" not in card
    cards.update({})  # no value: a dash, the last number kept
    assert "–" in cards.cards["n"].value and cards.values == {"n": 5.0}


def test_param_sliders_pick_the_slider_kind_and_move_together():
    sliders = kit.ParamSliders(
        {"price": ("Price (EUR)", 1.0, 50.0, 0.5), "seats": ("Seats", 1, 9, 1)}, {"price": 9.5}
    )
    price, seats = sliders.sliders["price"], sliders.sliders["seats"]
    assert isinstance(price, w.FloatSlider) and isinstance(seats, w.IntSlider)
    assert sliders.values == {"price": 9.5, "seats": 1}  # the minimum when not given
    assert price.description == "Price (EUR)" and price.continuous_update is False
    moved = []
    sliders.observe_all(lambda change: moved.append((change["owner"].description, change["new"])))
    sliders.set({"seats": 4, "nope": 1})
    assert sliders.values == {"price": 9.5, "seats": 4} and moved == [("Seats", 4)]
    seats.value = 99  # clipped to the slider's range
    assert sliders.values["seats"] == 9


def test_page_without_header_labels_the_layout_for_screen_readers():
    app = kit.page("T & Co", "Shows <things>.", [w.IntSlider()], [w.HTML("body")])
    css, top, row = app.children
    assert css.value == kit.CSS and "vl-kpi" in kit.CSS
    assert top.value == '<span aria-label="T &amp; Co: Shows &lt;things&gt;."></span>'
    assert row.children[0]._dom_classes == ("vl-controls",)
    assert row.children[1]._dom_classes == ("vl-body",)
