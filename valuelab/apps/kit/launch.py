"""Launch under Voila: build an app before the request, then apply the URL's state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps.kit.address import AddressBar, link_notes
from valuelab.apps.kit.urlstate import page_query, parse_query, url_params

__all__ = ["launch"]


def launch(build: Callable[..., w.Widget], defaults: Mapping[str, Any], rest: str = "") -> w.Widget:
    """Build an app for Voila: ready before the request, in the state the URL asks.

    With preheated kernels the app is built with ``defaults`` before any page
    is requested (data loaded, first figure drawn, so a default view costs
    nothing at request time); then the page URL is read
    (:func:`url_params`) and, only when it asks for another state, the app is
    rebuilt with those values (the first build's widgets are closed).
    Last, the page's address is made the link of the state the app actually
    uses (:class:`~valuelab.apps.kit.address.AddressBar`): a hand-edited value
    the app clamped or refused (``traffic:-100``, an unknown account) does not
    stay in the address, nor does an unknown name (``w_rbo=5``); each value the
    app could not use is told in one plain line above the app
    (:func:`~valuelab.apps.kit.address.link_notes`).

    Parameters
    ----------
    build : callable
        The app module's ``build_app(**params) -> Widget``.
    defaults : mapping
        Starting values of ``build``'s keyword arguments (the names a shared
        link may set).
    rest : str, optional
        A keyword argument of ``build`` that takes the URL's other parameters
        (name -> text) when there are any: the fields of the report launcher's
        chosen report, whose names depend on the report.

    Examples
    --------
    >>> made = []
    >>> app = launch(lambda n=1: made.append(n) or w.IntSlider(value=n), {"n": 3})
    >>> made, app.value
    ([3], 3)
    """
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    app = build(**defaults)
    params = url_params(defaults)
    query = page_query()
    others = {k: v for k, v in query.items() if k not in defaults}
    if rest and others:
        params[rest] = others
    if params != dict(defaults):
        for key in set(_instances) - before:
            widget = _instances.get(key)
            if widget is not None:
                widget.close()
        app = build(**params)
    bars = _bars(app)
    for bar in bars:
        bar.follow()
    if bars and query:
        found, _ = parse_query(_encoded(query), defaults)
        given = {k: found.get(k, v) for k, v in query.items() if k in defaults or rest}
        _tell(app, link_notes(given, bars[0].params(), _option_labels(app)))
    return app


def _encoded(query: Mapping[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(dict(query))


def _tell(app: w.Widget, notes: str) -> None:
    """Show ``notes`` (HTML, escaped) above the app's controls and body."""
    if not notes or not isinstance(app, w.Box):
        return
    box = w.HTML(notes)
    box.add_class("vl-link-notes")
    kids = list(app.children)
    app.children = (*kids[:-1], box, *kids[-1:])


def _bars(widget: w.Widget) -> list[AddressBar]:
    """The :class:`AddressBar` widgets in ``widget``'s tree (each app has one)."""
    if isinstance(widget, AddressBar):
        return [widget]
    return [found for child in getattr(widget, "children", ()) for found in _bars(child)]


def _option_labels(widget: w.Widget) -> dict[str, str]:
    """Each dropdown option's label by its value (as text): a value as the page shows it."""
    labels = {}
    if isinstance(widget, w.Dropdown):
        for option in widget.options:
            label, value = option if isinstance(option, tuple) else (option, option)
            labels[str(value)] = str(label)
    for child in getattr(widget, "children", ()):
        labels.update(_option_labels(child))
    return labels
