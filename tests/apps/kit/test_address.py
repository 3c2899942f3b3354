"""The page's address: the link of the view on screen, and what a link could not set."""

import json
import re
import shutil
import subprocess

import ipywidgets as w
import pytest

from valuelab.apps.kit.address import AddressBar, address_script, link_notes


def _run_in_a_page(script: str, search: str) -> str:
    """The address the script leaves, run by node with a stub ``window``."""
    js = re.search(r"<script>(.*)</script>", script, re.S)[1]
    stub = f"""
var window = {{location: {{pathname: "/voila/render/app.ipynb", search: {json.dumps(search)},
  hash: ""}}, history: {{state: null, replaceState: function (s, t, a) {{ this.address = a; }}}}}};
{js}
console.log(window.history.address || "unchanged");"""
    return subprocess.run(
        ["node", "-e", stub], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_the_address_keeps_the_views_parameters_and_voilas_only():
    script = address_script({"account": "A0002", "policy": "neutral", "weights": ""})
    written = _run_in_a_page(script, "?account=ZZZ9&w_rbo=5&theme=dark&weights=x")
    assert written == "/voila/render/app.ipynb?theme=dark&account=A0002&policy=neutral"
    same = "?theme=dark&account=A0002&policy=neutral"
    assert _run_in_a_page(script, same) == "unchanged"  # no needless history call


def test_the_address_bar_follows_controls_and_their_later_children():
    pick = w.Dropdown(options=["a", "b"], value="a")
    form = w.VBox()
    bar = AddressBar(
        lambda: {"pick": pick.value, "n": [c.value for c in form.children]}, [pick, form]
    )
    assert bar.outputs == ()  # the address opened stays until something changes
    pick.value = "b"
    assert '"pick": "b"' in bar.outputs[0]["data"]["text/html"]
    form.children = [w.IntText(value=3)]
    form.children[0].value = 7
    assert '"n": "[7]"' in bar.outputs[0]["data"]["text/html"]


def test_a_value_the_view_does_not_use_is_told_in_plain_escaped_words():
    note = link_notes(
        {"account": "<b>ZZZ9</b>", "metric": "bogus", "start": 2030, "end": 2024},
        {"account": "A0002", "metric": "total_revenue_eur_m", "start": 2015, "end": 2024},
        shown={"total_revenue_eur_m": "Total revenue (EUR m)"},
    )
    assert note == (
        '<div class="vl-link-note" role="status">'
        "The link&#x27;s account “&lt;b&gt;ZZZ9&lt;/b&gt;” cannot be used; showing A0002. "
        "The link&#x27;s metric “bogus” cannot be used; showing Total revenue (EUR m). "
        "The link&#x27;s start “2030” cannot be used; showing 2015.</div>"
    )  # the end was used: not told


def test_float_noise_and_the_same_number_written_otherwise_are_no_news():
    assert link_notes({"rate": "0.0030", "n": 43.00000000000001}, {"rate": 0.003, "n": 43}) == ""
    assert link_notes({"inputs": "list_price:43.00000000000001"}, {"inputs": "list_price:43"}) == ""


def test_a_list_of_driver_values_is_told_item_by_item():
    note = link_notes(
        {"inputs": "discount:5,traffic:300000,bogus:1", "kpi_b": "orders"},
        {"inputs": "discount:0.5,traffic:300000", "kpi_b": "aov"},
        shown={"aov": "Average order value (EUR)"},
    )
    assert note == (
        '<div class="vl-link-note" role="status">'
        "The link&#x27;s discount “5” cannot be used; showing 0.5. "
        "The link&#x27;s bogus “1” is not a setting here. "
        "The link&#x27;s kpi b “orders” cannot be used; showing Average order value (EUR).</div>"
    )
