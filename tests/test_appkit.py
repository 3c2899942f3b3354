"""The shared app kit: cards, error panel, debounce, URL parameters."""

import threading
import time

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
    assert "5.0 %" in churn and "vl-flat" in churn and "+0.0 pp vs baseline" in churn
    cards.update({"churn": 0.06}, baseline={"churn": 0.05})
    assert "+1.0 pp vs baseline" in cards.cards["churn"].value  # a share changes in points
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
    assert "+0 million vs baseline" in cards.cards["value"].value


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


def test_debounce_coalesces_a_burst_and_runs_the_last_arguments():
    calls = []
    done = threading.Event()

    @kit.debounced(wait=0.1)
    def refresh(value):
        calls.append(value)
        if value == 49:
            done.set()

    for v in range(50):
        refresh(v)
    assert done.wait(2)
    # first call at once, then trailing call(s) with the latest value: on a busy
    # machine the loop may outlast the wait once or twice, never 50 times
    assert calls[0] == 0 and calls[-1] == 49 and len(calls) <= 4, calls
    time.sleep(0.15)
    refresh(99)  # after a quiet period: runs at once
    assert calls[-1] == 99


def test_debounce_zero_wait_calls_through():
    calls = []
    f = kit.debounced(wait=0)(calls.append)
    for v in range(3):
        f(v)
    assert calls == [0, 1, 2]


def test_url_query_values_are_coerced_to_the_defaults_types(monkeypatch):
    defaults = {"customer_id": "C001", "weeks": 4, "share": 0.5, "detail": False}
    monkeypatch.setenv("QUERY_STRING", "customer_id=C042&weeks=6&share=0.25&detail=yes&x=1")
    assert kit.url_params(defaults) == {
        "customer_id": "C042",
        "weeks": 6,
        "share": 0.25,
        "detail": True,
    }
    found, problems = kit.parse_query("weeks=6.5&share=abc", defaults)
    assert found == {}
    assert problems == ["weeks='6.5' is not a valid int", "share='abc' is not a valid float"]
    monkeypatch.delenv("QUERY_STRING")
    assert kit.url_params(defaults) == defaults


def test_page_layout_puts_controls_beside_the_body():
    slider = w.IntSlider(description="Weeks")
    body = w.HTML("chart")
    app = kit.page("T", "P", [slider], [body], header=True)
    row = app.children[2]
    assert slider in row.children[0].children and body in row.children[1].children
    assert "<h2>T</h2>" in app.children[1].value


def test_chart_html_picks_the_small_bundle_for_basic_traces_and_escapes_labels():
    import plotly.graph_objects as go

    basic = go.Figure([go.Bar(y=[1, 2]), go.Scatter(y=[2, 1]), go.Pie(values=[1, 2])])
    assert kit.chart_html(basic).endswith("'basic');</script>")
    mixed = go.Figure([go.Bar(y=[1]), go.Sankey(node={"label": ["a", "b"]})])
    assert kit.chart_html(mixed).endswith("'full');</script>")
    hostile = go.Figure(go.Bar(y=[1]), layout={"title": {"text": "</script><b>x</b> & co"}})
    fragment = kit.chart_html(hostile)
    assert (
        fragment.count("</script>") == 1 and "<b>" not in fragment
    )  # a label cannot end the script
    assert fragment.startswith('<div class="vl-chart"></div><script>')


def test_figure_box_replaces_its_output_as_state_in_one_update(monkeypatch):
    # The figure is set as the widget's ``outputs`` state, never captured with
    # ``with box:`` (a capture during Voila's execution makes nbclient write on
    # the shell socket it is waiting on: nbclient issue #312).
    import plotly.graph_objects as go

    monkeypatch.delenv(kit.CHARTS_ENV, raising=False)
    box, sent = kit.FigureBox(), []
    box.observe(lambda change: sent.append(change["new"]), "outputs")
    box.show(go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.5])))
    box.show(go.Figure(go.Scatter(y=[3, 4])))
    assert len(sent) == 2 and all(len(outputs) == 1 for outputs in sent)
    (output,) = box.outputs
    assert output["output_type"] == "display_data"
    (trace,) = output["data"]["application/vnd.plotly.v1+json"]["data"]
    assert trace["type"] == "scatter"
    assert box.figure.data[0].type == "scatter"

    monkeypatch.setenv(kit.CHARTS_ENV, "1")
    box.show(go.Figure(go.Bar(y=[1])))
    (output,) = box.outputs
    assert list(output["data"]) == ["text/html"]
    assert output["data"]["text/html"].endswith("'basic');</script>")
