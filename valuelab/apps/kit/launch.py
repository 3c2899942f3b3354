"""Launch under Voila: build an app before the request, then apply the URL's state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from valuelab.apps.kit.urlstate import url_params

__all__ = ["launch"]


def launch(build: Callable[..., w.Widget], defaults: Mapping[str, Any]) -> w.Widget:
    """Build an app for Voila: ready before the request, in the state the URL asks.

    With preheated kernels the app is built with ``defaults`` before any page
    is requested (data loaded, first figure drawn, so a default view costs
    nothing at request time); then the page URL is read
    (:func:`url_params`) and, only when it asks for another state, the app is
    rebuilt with those values (the first build's widgets are closed).

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
    if params == dict(defaults):
        return app
    for key in set(_instances) - before:
        widget = _instances.get(key)
        if widget is not None:
            widget.close()
    return build(**params)
