"""The page's address: the shared link of the view on screen, and what a link could not set."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps.kit.urlstate import RESERVED_QUERY_NAMES, exact_number, parse_drivers
from valuelab.core.quantities import named_quantity

__all__ = ["AddressBar", "address_script", "link_notes"]


def address_script(params: Mapping[str, Any]) -> str:
    """A script that makes the address bar show ``params`` (``history.replaceState``).

    Voila's own query parameters (``template``, ``theme``:
    :data:`~valuelab.apps.kit.urlstate.RESERVED_QUERY_NAMES`) are kept; any
    other parameter (a hand-edited ``w_rbo=5``, a field of another report)
    is removed, and so is a parameter with an empty value. No page load, no
    history entry: the address is the shared link of the view on screen.

    Examples
    --------
    >>> "replaceState" in address_script({"metric": "mau_m", "start": 2018})
    True
    """
    values = {str(k): ("" if v is None else str(v)) for k, v in params.items()}
    kept = sorted(RESERVED_QUERY_NAMES)
    return f"""<script>(function () {{
  var values = {json.dumps(values)}, kept = {json.dumps(kept)};
  var given = new URLSearchParams(window.location.search), query = new URLSearchParams();
  kept.forEach(function (k) {{ if (given.has(k)) query.set(k, given.get(k)); }});
  Object.keys(values).forEach(function (k) {{
    if (values[k] === "") query.delete(k); else query.set(k, values[k]);
  }});
  var text = query.toString();
  var address = window.location.pathname + (text ? "?" + text : "") + window.location.hash;
  if (address !== window.location.pathname + window.location.search + window.location.hash)
    window.history.replaceState(window.history.state, "", address);
}})();</script>"""


class AddressBar(w.Output):
    """Keeps the page's address the link of the view: rewritten on every change of a control.

    Parameters
    ----------
    params : callable
        Returns the view's link parameters (name -> value; "" or None: left out).
    controls : iterable of widgets
        The controls to follow, with their children (also children added later).
    """

    def __init__(self, params: Callable[[], Mapping[str, Any]], controls: Iterable = ()) -> None:
        super().__init__()
        self.params = params
        self._watched: set[int] = set()
        for widget in controls:
            self.watch(widget)

    def watch(self, widget: w.Widget) -> None:
        """Follow ``widget``'s value and those of its children, also children added later."""
        if id(widget) in self._watched:
            return
        self._watched.add(id(widget))
        if widget.has_trait("value"):
            widget.observe(lambda _: self.follow(), names="value")
        if widget.has_trait("children"):
            widget.observe(lambda c: [self.watch(x) for x in c["new"]], names="children")
            for child in widget.children:
                self.watch(child)

    def follow(self) -> str:
        """Make the page's address the link of the current view; return the script."""
        script = address_script(self.params())
        self.outputs = (
            {"output_type": "display_data", "data": {"text/html": script}, "metadata": {}},
        )
        return script


def _same(given: Any, used: Any) -> bool:
    """Whether a link's value is the one used (numbers equal up to float noise)."""
    try:
        a, b = float(given), float(used)
    except (TypeError, ValueError):
        return str(given) == str(used)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (a != a and b != b)


def _text(value: Any) -> str:
    """A value as a link writes it: ``5.0`` -> ``"5"``, never ``e+``."""
    if isinstance(value, float) and math.isfinite(value):
        return exact_number(value)
    return str(value)


def _words(key: str) -> str:
    """A parameter in a sentence: ``"monthly_streams"`` -> ``"monthly streams"``."""
    label = named_quantity(key).label
    return label[:1].lower() + label[1:]


def _differences(given: Mapping[str, Any], used: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(name, the link's value, the value used)`` of each link value the view does not show.

    A list of driver values (``"mau:700,arpu:4.7"``) is compared item by item.
    """
    out = []
    for key, value in given.items():
        now = used.get(key)
        items = parse_drivers(value) if isinstance(value, str) and ":" in value else {}
        if items and isinstance(now, str):
            kept = parse_drivers(now)
            out += [(k, v, kept.get(k)) for k, v in items.items() if not _same(v, kept.get(k))]
        elif now is not None and not _same(value, now):
            out.append((key, value, now))
    return out


def link_notes(
    given: Mapping[str, Any],
    used: Mapping[str, Any],
    shown: Mapping[str, str] | None = None,
) -> str:
    """One line, in plain words, per value of a link the view could not use; "" if none.

    Parameters
    ----------
    given : mapping
        The link's values (as read by :func:`~valuelab.apps.kit.urlstate.parse_query`,
        else its text).
    used : mapping
        The view's link parameters once built (what the address is rewritten to).
    shown : mapping, optional
        A value as the page shows it (a dropdown's label by its value).

    Returns
    -------
    str
        One ``<div class="vl-link-note">`` (every value escaped), a sentence per value.

    Examples
    --------
    >>> note = link_notes({"account": "ZZZ9", "policy": "x"}, {"account": "A0002"})
    >>> note.split(">")[1].split("<")[0]
    'The link&#x27;s account “ZZZ9” cannot be used; showing A0002.'

    """
    shown = shown or {}
    lines = []
    for key, value, now in _differences(given, used):
        if now is None:
            lines.append(f"The link's {_words(key)} “{_text(value)}” is not a setting here.")
            continue
        instead = shown.get(str(now), _text(now))
        lines.append(
            f"The link's {_words(key)} “{_text(value)}” cannot be used; showing {instead}."
        )
    if not lines:
        return ""
    return f'<div class="vl-link-note" role="status">{html.escape(" ".join(lines))}</div>'
