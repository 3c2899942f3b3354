"""The app page layout: KPI cards, the error panel and the page."""

import ipywidgets as w
import pandas as pd

from valuelab.apps import kit
from valuelab.core.errors import InputError
from valuelab.core.validation import Column, validate_frame


def test_kpi_cards_show_value_unit_and_delta_direction():
    cards = kit.KpiCards({"arr": ("ARR", "EUR", ",.0f"), "churn": ("Churn", "%", ".1%")})
    cards.update({"arr": 90_000.0, "churn": 0.05}, baseline={"arr": 100_000.0, "churn": 0.05})
    arr = cards.cards["arr"].value
    assert 'data-kpi="arr"' in arr and "90,000 EUR" in arr
    assert "vl-down" in arr and "-10.0 % vs baseline" in arr
    churn = cards.cards["churn"].value
    assert "5.0%" in churn and "vl-flat" in churn
    cards.update({"arr": 1.0}, labels={"arr": "ARR in 2025"})
    assert "ARR in 2025" in cards.cards["arr"].value
    assert cards.values == {"arr": 1.0, "churn": 0.05}


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
