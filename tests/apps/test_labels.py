"""Every word and number an app shows a person: named, with units, in points, never ``e+``.

Each gallery app is built in-process (its ``build_app``, as Voila runs it) and
put through every option of every dropdown (a lever, a metric, a platform, a
KPI; a few accounts). After each, the whole widget tree is walked (control
descriptions, HTML, dropdown choices, slider readouts as their format writes
them, KPI cards) and every plotly figure (title, axis titles, tick and hover
formats, trace names, texts, hover templates, annotations, colour bars).

It fails on a raw key (``basket_size``), ``nan`` (a missing number printed), a
number in scientific notation (``1.200e+4``) or a format that writes one
(``.4g``), an axis without its unit,
a KPI card without its unit or currency, the change of a percentage not in
percentage points, and an axis whose numbers reach the thousands without a
tick format (plotly's own writes 55.5k). The browser half (no label cut at
390 and 1280 px) is in ``test_apps_in_browser.py``.
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Iterator
from typing import Any

import ipywidgets as w
import pytest
from support import NOTEBOOKS

#: The gallery's apps (one notebook each), by module name.
APPS = sorted(p.stem for p in (NOTEBOOKS / "apps").glob("*.ipynb"))
#: A dropdown with more choices than this (the account picker, all alike) is tried on
#: its first :data:`FEW`.
MAX_OPTIONS, FEW = 20, 3
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
#: A missing number written by Python or JavaScript (``f"{nan:.0f}"``, ``String(NaN)``).
NOT_A_NUMBER = re.compile(r"\bnan\b", re.IGNORECASE)
#: A d3 format in a hover template or an axis: ``%{y:,.4g}``, ``.3g``, ``~s``.
D3_SPEC = re.compile(r"%\{[^}:]+:([^}]*)\}")
#: Axis titles that need no unit: the thing counted is the axis itself.
UNITLESS = {"Year", "Input", "Recipient"}
TAGS = re.compile(r"<[^>]+>")


def _text(value: str) -> str:
    """HTML as the words a person reads."""
    value = re.sub(r"<(style|script)\b.*?</\1>", " ", value, flags=re.S)
    return html.unescape(TAGS.sub(" ", value))


def _widgets(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


def _readouts(slider: Any) -> list[str]:
    """A slider's readout at its minimum, value and maximum, as its format writes them."""
    values = slider.value if isinstance(slider.value, tuple) else (slider.value,)
    fmt = slider.readout_format
    return [format(v, fmt) for v in (slider.min, *values, slider.max)]


def widget_texts(app: Any) -> Iterator[tuple[str, str]]:
    """(where, text) of every piece of text the app's widgets show."""
    for box in _widgets(app):
        kind = type(box).__name__
        for attr in ("description", "tooltip", "placeholder"):
            text = getattr(box, attr, None)
            if isinstance(text, str) and text:
                yield f"{kind}.{attr}", text
        if isinstance(box, w.HTML | w.Label | w.HTMLMath) and box.value:
            yield f"{kind}.value", _text(box.value)
        for label in getattr(box, "_options_labels", ()):
            yield f"{kind} option", label
        if isinstance(box, w.FloatSlider | w.IntSlider | w.IntRangeSlider | w.FloatRangeSlider):
            for text in _readouts(box):
                yield f"readout of {box.description!r}", text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "tolist"):
        yield from _strings(value.tolist())


def _title(node: Any) -> str:
    if isinstance(node, dict):
        return str(node.get("text") or "")
    return str(node or "")


def figure_texts(fig: Any) -> Iterator[tuple[str, str]]:
    """(where, text) of every piece of text a figure shows or formats with."""
    spec = fig.to_plotly_json()
    layout = spec.get("layout", {})
    yield "title", _title(layout.get("title"))
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            yield f"{key} title", _title(axis.get("title"))
            for fmt in ("tickformat", "hoverformat"):
                if axis.get(fmt):
                    yield f"{key} {fmt}", f"%{{v:{axis[fmt]}}}"
            yield from ((f"{key} ticktext", t) for t in _strings(axis.get("ticktext")))
    for note in layout.get("annotations", ()):
        yield "annotation", str(note.get("text", ""))
    for trace in spec.get("data", ()):
        name = str(trace.get("name") or trace.get("type"))
        yield "trace name", str(trace.get("name") or "")
        for attr in ("text", "hovertext", "customdata", "hovertemplate", "texttemplate"):
            yield from ((f"{name} {attr}", t) for t in _strings(trace.get(attr)))
        for attr in ("x", "y", "labels"):  # categories: a bar's or a tornado's names
            yield from ((f"{name} {attr}", t) for t in _strings(trace.get(attr)))
        colorbar = (trace.get("marker") or {}).get("colorbar") or {}
        yield f"{name} colour bar", _title(colorbar.get("title"))
        if colorbar.get("tickformat"):
            yield f"{name} colour bar format", f"%{{v:{colorbar['tickformat']}}}"


def text_problems(where: str, text: str) -> list[str]:
    """What is wrong with one piece of text shown to a person."""
    problems = []
    words = re.sub(r"https?://\S+", " ", D3_SPEC.sub(" ", text))
    if SNAKE.search(words):
        problems.append(f"{where}: raw key {SNAKE.search(words).group()!r} in {text!r}")
    if SCIENTIFIC.search(words):
        problems.append(f"{where}: scientific notation in {text!r}")
    if NOT_A_NUMBER.search(words):
        problems.append(f"{where}: 'nan' in {text!r}")
    for fmt in D3_SPEC.findall(text):
        if fmt and fmt[-1] in "egs":
            problems.append(f"{where}: format {fmt!r} can write 1.2e+4 or 55.5k")
    return problems


def _numbers(values: Any) -> list[float]:
    return [v for v in _flat(values) if isinstance(v, int | float) and v == v]


def _flat(value: Any) -> Iterator[Any]:
    if getattr(getattr(value, "dtype", None), "kind", "") == "M":  # dates: not numbers
        value = value.astype(str)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flat(item)
    else:
        yield value


def axis_problems(fig: Any) -> list[str]:
    """Axes without a unit, or with numbers in the thousands and plotly's own tick format."""
    spec = fig.to_plotly_json()
    layout, problems = spec.get("layout", {}), []
    data: dict[str, list[Any]] = {}
    for trace in spec.get("data", ()):
        for letter in "xy":
            name = trace.get(f"{letter}axis", letter).replace(letter, f"{letter}axis", 1)
            data.setdefault(name, []).extend(_flat(trace.get(letter, [])))
    for key, values in data.items():
        axis = layout.get(key, {})
        numbers = _numbers(values)
        if axis.get("visible") is False or not numbers or len(numbers) < len(values) / 2:
            continue  # hidden, empty or categorical: its names are its labels
        title = _title(axis.get("title"))
        if not (title in UNITLESS or re.search(r"\(.+\)", title) or re.search("EUR|USD", title)):
            problems.append(f"{key}: title {title!r} has no unit")
        if max(abs(v) for v in numbers) >= 1000 and not axis.get("tickformat"):
            problems.append(f"{key} ({title}): numbers in the thousands without a tick format")
    return problems


def card_problems(cards: Any) -> list[str]:
    """A KPI card without its unit, or the change of a percentage not in points."""
    problems = []
    for key, card in cards.cards.items():
        spec = cards.specs[key]
        value = re.search(r'class="vl-kpi-value">([^<]*)<', card.value).group(1)
        delta = _text(re.search(r'class="vl-kpi-delta[^"]*">([^<]*)<', card.value).group(1))
        unit = "%" if spec.kind in ("share", "growth") else spec.unit
        if spec.kind == "points":
            unit = "pp"
        if unit and value != "–" and not html.unescape(value).endswith(unit):
            problems.append(f"card {key!r}: {value!r} without its unit {unit!r}")
        if spec.kind == "money" and value != "–" and spec.currency not in value:
            problems.append(f"card {key!r}: money {value!r} without its currency")
        points = spec.kind in ("share", "percent", "growth", "points")
        if "vs baseline" in delta and points != (" pp " in f"{delta} "):
            problems.append(f"card {key!r} ({spec.kind}): change {delta!r}")
    return problems


def app_problems(app: Any) -> list[str]:
    """Everything wrong with what the app shows now."""
    from valuelab.apps import kit

    problems = []
    for where, text in widget_texts(app):
        problems += text_problems(where, text)
    for box in _widgets(app):
        if isinstance(box, kit.FigureBox) and box.figure is not None:
            for where, text in figure_texts(box.figure):
                problems += text_problems(where, text)
            problems += axis_problems(box.figure)
        if isinstance(box, kit.KpiCards):
            problems += card_problems(box)
    return problems


@pytest.fixture
def instant(monkeypatch):
    """Apps refresh at once on each change (no debounce), so each view can be read."""
    from valuelab.apps import kit

    original = kit.debounced
    monkeypatch.setattr(kit, "debounced", lambda wait=0.15: original(0))


@pytest.mark.parametrize("name", APPS)
def test_every_view_of_every_app_reads_in_words_with_units(name, instant):
    module = importlib.import_module(f"valuelab.apps.{name}")
    app = module.build_app()
    problems = {f"(default) {p}" for p in app_problems(app)}
    dropdowns = [b for b in _widgets(app) if isinstance(b, w.Dropdown)]
    tried = 0
    for box in dropdowns:
        start = box.value
        values = list(box._options_values)
        for value in values if len(values) <= MAX_OPTIONS else values[:FEW]:
            box.value = value
            tried += 1
            problems |= {f"({box.description}: {box.label}) {p}" for p in app_problems(app)}
        box.value = start
    assert tried >= len(dropdowns)
    assert not problems, "\n".join(sorted(problems))


def test_a_score_left_out_reads_as_a_dash_on_the_card_and_the_bar(instant):
    """Account A0011 under "Leave out" has no Value Perceived: "–" on both, never "nan"."""
    from valuelab.apps import account_scorecard, kit

    app = account_scorecard.build_app(account="A0011", policy="exclude")
    cards = next(b for b in _widgets(app) if isinstance(b, kit.KpiCards))
    assert '<div class="vl-kpi-value">–</div>' in cards.cards["value_perceived"].value
    bars = next(b for b in _widgets(app) if isinstance(b, kit.FigureBox)).figure
    labels = dict(zip(bars.data[0].x, bars.data[0].text, strict=True))
    assert labels["Value Perceived"] == "–" and bars.data[0].y[1] != bars.data[0].y[1]
    assert app_problems(app) == []
    assert text_problems("bar text", "nan") and text_problems("card", "NaN EUR")


def test_the_walk_catches_what_the_issue_reported():
    """The checks themselves, on the texts the issue found in the apps."""
    import plotly.graph_objects as go

    assert text_problems("slider", "mau (million users) · listeners_free")
    assert text_problems("readout", format(12_000.0, ".4g") + "")  # 1.2e+04
    assert text_problems("hover", "%{x:,.4g}")
    assert text_problems("title", "Moving basket_size: Revenue vs Contribution")
    assert not text_problems("title", "Moving basket size: Revenue vs Contribution (EUR/month)")
    assert not text_problems("hover", "%{y:,.0f} EUR/month<extra></extra>")
    fig = go.Figure(go.Scatter(x=[1.0, 2.0], y=[55_500.0, -39_500.0]))
    fig.update_layout(xaxis_title="basket size", yaxis_title="Contribution (EUR/month)")
    assert axis_problems(fig) == [
        "xaxis: title 'basket size' has no unit",
        "yaxis (Contribution (EUR/month)): numbers in the thousands without a tick format",
    ]


def test_a_margin_card_changes_in_points_and_money_shows_its_currency():
    from valuelab.apps import kit
    from valuelab.core import Quantity

    cards = kit.KpiCards({"gross_margin_pct": "gross_margin_pct", "revenue": "revenue"})
    cards.update(
        {"gross_margin_pct": 41.2, "revenue": 1000.0},
        baseline={"gross_margin_pct": 45.0, "revenue": 900.0},
    )
    assert card_problems(cards) == []
    assert "-3.8 pp vs baseline" in cards.cards["gross_margin_pct"].value
    wrong = kit.KpiCards({"margin": Quantity("Gross margin", "", "number", 1)})
    wrong.update({"margin": 41.2}, baseline={"margin": 42.8})  # -3.7 %, not points
    assert card_problems(wrong) == []  # a plain number may change in % ...
    wrong.specs["margin"] = Quantity("Gross margin", "% of revenue", "percent", 1)
    wrong.cards["margin"].value = wrong.cards["margin"].value.replace("41.2", "41.2 % of revenue")
    assert card_problems(wrong) == ["card 'margin' (percent): change '-3.7 % vs baseline'"]
