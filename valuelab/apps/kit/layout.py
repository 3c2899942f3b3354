"""App layout: the page, KPI cards, parameter sliders and the error panel."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import ipywidgets as w
from traitlets import validate

from valuelab.core import Quantity, ValueLabError, quantity

__all__ = [
    "CSS",
    "NARROW_PX",
    "ErrorPanel",
    "KpiCards",
    "ParamSliders",
    "SteppedSlider",
    "page",
    "step_decimals",
]

#: Width (CSS px) under which an app's controls stack above its cards and charts.
NARROW_PX = 760

#: Styles shared by all apps (cards, error panel, header) and the page layout:
#: controls in a column beside the body on a wide screen, above it on a narrow
#: one (a phone); labels wrap instead of being cut, and nothing is wider than the page.
CSS = f"""
<style>
.vl-header h2 {{margin: 0 0 2px 0;}}
.vl-header p {{margin: 0 0 10px 0; color: #555;}}
.vl-kpi {{border: 1px solid #ddd; border-radius: 6px; padding: 6px 12px; min-width: 150px;
         background: #fafafa; box-sizing: border-box;}}
.vl-kpi-label {{font-size: 12px; color: #555; line-height: 1.3; overflow-wrap: anywhere;}}
.vl-kpi-value {{font-size: 22px; font-weight: 600; line-height: 1.3; overflow-wrap: break-word;}}
.vl-kpi-delta {{font-size: 12px; line-height: 1.3;}}
.vl-up {{color: #1b7f3b;}} .vl-down {{color: #b3261e;}} .vl-flat {{color: #555;}}
.vl-link-note {{border-left: 4px solid #b26a00; background: #fff4e0; padding: 6px 12px;
                 margin: 4px 0; overflow-wrap: anywhere;}}
.vl-error {{border-left: 4px solid #b3261e; background: #fdecea; padding: 8px 12px;
           color: #5f2120; line-height: 1.4; overflow-wrap: anywhere;}}
.vl-row {{display: flex; flex-flow: row nowrap; align-items: flex-start; gap: 16px;
          width: 100%; max-width: 100%;}}
.vl-controls {{flex: 0 0 420px; width: 420px; min-width: 0; gap: 4px;
               --jp-widgets-inline-width: 100%; --jp-widgets-inline-label-width: 150px;}}
.vl-body {{flex: 1 1 auto; min-width: 0; gap: 8px;}}
.vl-body .vl-output, .vl-body .jp-OutputArea-output {{min-width: 0; max-width: 100%;}}
.vl-cards {{gap: 8px;}}
.vl-cards > .widget-html {{flex: 1 1 150px; min-width: min-content; max-width: 100%;}}
.vl-chart {{width: 100%;}}
.vl-controls .widget-inline-hbox {{height: auto; min-height: var(--jp-widgets-inline-height);
                                   align-items: center; max-width: 100%; margin-left: 0;
                                   margin-right: 0;}}
.vl-controls .widget-label {{white-space: normal; overflow: visible; text-overflow: clip;
                             overflow-wrap: anywhere; line-height: 1.25; height: auto;
                             flex-shrink: 1; max-width: 60%;}}
.vl-controls .widget-readout {{max-width: none; width: auto; overflow: visible;
                               flex: 0 0 auto;}}
.vl-controls .widget-html-content {{line-height: 1.4; overflow-wrap: anywhere;}}
.vl-controls .widget-button, .vl-controls .widget-upload {{max-width: 100%;}}
@media (max-width: {NARROW_PX}px) {{
  .vl-row {{flex-direction: column; align-items: stretch; gap: 12px;}}
  .vl-controls, .vl-body {{flex: 0 0 auto; width: 100%;}}
  .vl-controls .widget-inline-hbox {{flex-wrap: wrap;}}
  .vl-controls .widget-inline-hbox > .widget-label {{flex: 0 0 100%; width: 100% !important;
    max-width: 100%; text-align: left; margin: 4px 0 2px 0; line-height: 1.25;}}
  .vl-controls .widget-dropdown > select, .vl-controls .widget-text input {{
    flex: 1 1 auto; width: 100%; min-width: 0; height: 34px;}}
  .vl-controls .widget-dropdown, .vl-controls .widget-text {{height: auto;}}
  .vl-kpi-value {{font-size: 18px;}}
}}
</style>
"""


class KpiCards(w.HBox):
    """A row of KPI cards: label, value with unit, change vs a baseline.

    Parameters
    ----------
    specs : mapping
        Card key -> the :class:`~valuelab.core.quantities.Quantity` it shows,
        or that quantity's key in :data:`~valuelab.core.quantities.QUANTITIES`
        (which sets its label, unit and display format).

    Notes
    -----
    Each card is an HTML widget whose root element has the class ``vl-kpi``
    and the attribute ``data-kpi="<key>"``; the value is in ``.vl-kpi-value``
    and the change in ``.vl-kpi-delta`` (class ``vl-up``, ``vl-down`` or
    ``vl-flat``; a share's change in percentage points, see
    :meth:`~valuelab.core.quantities.Quantity.format_change`). :attr:`values`
    holds the last numbers shown.

    Examples
    --------
    >>> cards = KpiCards({"revenue": "revenue"})
    >>> cards.update({"revenue": 1100.0}, baseline={"revenue": 1000.0})
    >>> cards.values
    {'revenue': 1100.0}
    >>> "+10.0 % vs baseline" in cards.cards["revenue"].value
    True
    """

    def __init__(self, specs: Mapping[str, Quantity | str]) -> None:
        self.specs = {key: quantity(spec) for key, spec in specs.items()}
        self.cards = {key: w.HTML() for key in self.specs}
        self.values: dict[str, float] = {}
        super().__init__(list(self.cards.values()), layout=w.Layout(flex_flow="row wrap"))
        self.add_class("vl-cards")

    def update(
        self,
        values: Mapping[str, float],
        baseline: Mapping[str, float] | None = None,
        labels: Mapping[str, str] | None = None,
        specs: Mapping[str, Quantity | str] | None = None,
        versus: str = "baseline",
    ) -> None:
        """Show ``values`` (and their change vs ``baseline``, when given).

        ``specs`` replaces the quantity of a card (a card whose metric the
        user picks); ``labels`` replaces card labels (e.g. "Revenue in 2021");
        ``versus`` names the baseline in the change ("+5.0 % vs pro-rata"). No
        change (up to float noise) reads "same as <versus>", never "+0.0 %".
        """
        for key, spec in (specs or {}).items():
            self.specs[key] = quantity(spec)
        for key, label in (labels or {}).items():
            self.specs[key] = self.specs[key].relabel(label)
        for key, card in self.cards.items():
            spec = self.specs[key]
            value = values.get(key)
            base = None if baseline is None else baseline.get(key)
            css, delta = "vl-flat", "&nbsp;"
            if value is not None and base is not None:
                css, text = _delta(spec, float(value), float(base), versus)
                delta = html.escape(text)
            card.value = (
                f'<div class="vl-kpi" data-kpi="{html.escape(key)}">'
                f'<div class="vl-kpi-label">{html.escape(spec.label)}</div>'
                f'<div class="vl-kpi-value">{html.escape(spec.format(value))}</div>'
                f'<div class="vl-kpi-delta {css}">{delta}</div></div>'
            )
            if value is not None:
                self.values[key] = float(value)


def _delta(spec: Quantity, value: float, base: float, versus: str = "baseline") -> tuple[str, str]:
    """CSS class and text of a card's change vs its baseline (``versus`` names it)."""
    diff = value - base
    if abs(diff) <= 1e-9 * max(abs(value), abs(base), 1e-3):
        return "vl-flat", f"same as {versus}"
    return ("vl-up" if diff > 0 else "vl-down"), f"{spec.format_change(value, base)} vs {versus}"


class ErrorPanel(w.HTML):
    """A friendly message panel for invalid input; hidden while there is no error.

    Examples
    --------
    >>> from valuelab.core import InputError
    >>> panel = ErrorPanel()
    >>> with panel.guard():
    ...     raise InputError("missing column 'arr'", source="accounts.csv")
    >>> "missing column" in panel.value and panel.layout.display != "none"
    True
    >>> panel.clear()
    >>> panel.layout.display
    'none'
    """

    def __init__(self) -> None:
        super().__init__(layout=w.Layout(display="none"))
        self.message = ""

    def show(self, exc: BaseException | str) -> None:
        """Show an error: the message of a valuelab error, a generic line otherwise."""
        if isinstance(exc, str):
            text = exc
        elif isinstance(exc, ValueLabError | ValueError):
            text = str(exc)
        else:
            text = f"Something went wrong ({type(exc).__name__}). Try other values."
        self.message = text
        self.value = f'<div class="vl-error" role="alert">⚠️ {html.escape(text)}</div>'
        self.layout.display = None

    def clear(self) -> None:
        """Hide the panel."""
        self.message = ""
        self.value = ""
        self.layout.display = "none"

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Run a block; show any exception it raises here instead of a traceback."""
        try:
            yield
        except Exception as exc:  # an app never shows a traceback
            self.show(exc)
        else:
            self.clear()


def step_decimals(step: float) -> int:
    """Decimal places of a slider's ``step``, read as a person wrote it (12 significant digits).

    Examples
    --------
    >>> step_decimals(0.05), step_decimals(5000.0), step_decimals(0.1 + 0.2), step_decimals(1.2e-5)
    (2, 0, 1, 6)
    """
    exponent = Decimal(format(abs(float(step)), ".12g")).normalize().as_tuple().exponent
    return max(0, -int(exponent))


class SteppedSlider(w.FloatSlider):
    """A ``FloatSlider`` whose value carries no float noise.

    A browser's slider computes ``min + n * step`` in binary floating point and
    sends ``43.00000000000001`` or ``1.1500000000000001``: such a value, within
    a billionth of a step's decimal places, is held rounded to them (``43``,
    ``1.15``), so the page's address and the app's numbers show what the slider
    shows and a link restores exactly the same value. A value set off the grid
    (a template's default of 0.3908 on a slider of step 0.002) is kept, to 12
    significant digits.

    Examples
    --------
    >>> SteppedSlider(value=1.1500000000000001, min=0.05, max=2.0, step=0.05).value
    1.15
    >>> SteppedSlider(value=215000.00000000003, min=5e4, max=5e5, step=5000.0).value
    215000.0
    >>> SteppedSlider(value=0.3908, min=0.2, max=0.6, step=0.002).value
    0.3908
    """

    @validate("value")
    def _validate_value(self, proposal: dict) -> float:
        value = float(super()._validate_value(proposal))
        stepped = round(value, step_decimals(self.step))
        if abs(stepped - value) <= 1e-9 * max(1.0, abs(value)):
            return stepped
        return float(format(value, ".12g"))


class ParamSliders(w.VBox):
    """Sliders bound to a model's parameters, read and set as one dict.

    Parameters
    ----------
    specs : mapping
        ``name -> (label, min, max, step)``; ints everywhere make an
        ``IntSlider``, otherwise a :class:`SteppedSlider`. The label should carry the
        unit, e.g. ``"Discount (%)"``.
    values : mapping, optional
        Starting values (default: each slider's minimum).

    Examples
    --------
    >>> s = ParamSliders(
    ...     {"price": ("Price (EUR)", 1.0, 50.0, 0.5), "seats": ("Seats", 1, 9, 1)},
    ...     {"price": 9.99, "seats": 3},
    ... )
    >>> s.values
    {'price': 9.99, 'seats': 3}
    >>> s.set({"seats": 5})
    >>> s.values["seats"]
    5
    """

    def __init__(
        self,
        specs: Mapping[str, tuple[str, float, float, float]],
        values: Mapping[str, float] | None = None,
    ) -> None:
        self.sliders: dict[str, w.Widget] = {}
        values = dict(values or {})
        for name, (label, lo, hi, step) in specs.items():
            integral = all(isinstance(x, int) for x in (lo, hi, step))
            kind = w.IntSlider if integral else SteppedSlider
            start = values.get(name, lo)
            self.sliders[name] = kind(
                value=start,
                min=lo,
                max=hi,
                step=step,
                description=label,
                continuous_update=False,
                style={"description_width": "initial"},
            )
        super().__init__(list(self.sliders.values()))

    @property
    def values(self) -> dict[str, float]:
        """The current value of every parameter."""
        return {name: s.value for name, s in self.sliders.items()}

    def set(self, values: Mapping[str, float]) -> None:
        """Move sliders to ``values`` (names not in the model are ignored)."""
        for name, value in values.items():
            if name in self.sliders:
                self.sliders[name].value = value

    def observe_all(self, fn: Callable[..., Any]) -> None:
        """Call ``fn(change)`` when any slider moves (wrap ``fn`` in :func:`debounced`)."""
        for s in self.sliders.values():
            s.observe(fn, names="value")


def page(
    title: str,
    purpose: str,
    controls: list[w.Widget],
    body: list[w.Widget],
    *,
    header: bool = False,
) -> w.VBox:
    """The standard app layout: controls on the left, body on the right.

    Under :data:`NARROW_PX` CSS pixels (a phone) the controls stack above the
    body, each label above its control; labels wrap rather than being cut.

    In Voila the app notebook's first markdown cell (title and one-line
    purpose, also shown in the gallery) is the visible header, so the title
    and purpose are rendered here only with ``header=True`` (an app built
    outside a notebook); otherwise they only label the layout for screen readers.

    Examples
    --------
    >>> app = page("Demo", "Shows the layout.", [w.IntSlider(description="n")], [w.HTML("hi")])
    >>> type(app).__name__, len(app.children)
    ('VBox', 3)
    """
    top = w.HTML(
        f'<div class="vl-header"><h2>{html.escape(title)}</h2><p>{html.escape(purpose)}</p></div>'
        if header
        else f'<span aria-label="{html.escape(title)}: {html.escape(purpose)}"></span>'
    )
    side = w.VBox(controls)
    side.add_class("vl-controls")
    main = w.VBox(body)
    main.add_class("vl-body")
    row = w.HBox([side, main])
    row.add_class("vl-row")
    return w.VBox([w.HTML(CSS), top, row], layout=w.Layout(width="100%"))
