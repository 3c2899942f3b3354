"""Launch under Voila: build an app before the request, then apply the URL's state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps.kit.snapshot import SaveReport
from valuelab.apps.kit.urlstate import url_params

__all__ = ["launch"]


def launch(build: Callable[..., w.Widget], defaults: Mapping[str, Any]) -> w.Widget:
    """Build an app for Voila: ready before the request, in the state the URL asks.

    With preheated kernels the app is built with ``defaults`` before any page
    is requested (data loaded, first figure drawn, so a default view costs
    nothing at request time); then the page URL is read
    (:func:`url_params`) and, only when it asks for another state, the app is
    rebuilt with those values (the first build's widgets are closed).
    Last, the page's address is made the link of the state the app actually
    uses (:meth:`SaveReport.follow`): a hand-edited value the app clamped or
    refused (``traffic:-100``, an unknown name) does not stay in the address.

    Parameters
    ----------
    build : callable
        The app module's ``build_app(**params) -> Widget``.
    defaults : mapping
        Starting values of ``build``'s keyword arguments (the names a shared
        link may set).

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
    if params != dict(defaults):
        for key in set(_instances) - before:
            widget = _instances.get(key)
            if widget is not None:
                widget.close()
        app = build(**params)
    for save in _saves(app):
        save.follow()
    return app


def _saves(widget: w.Widget) -> list[SaveReport]:
    """The :class:`SaveReport` widgets in ``widget``'s tree (each app has one)."""
    if isinstance(widget, SaveReport):
        return [widget]
    return [found for child in getattr(widget, "children", ()) for found in _saves(child)]
