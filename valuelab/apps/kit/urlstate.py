"""URL state: an app's starting values from the page URL, so a view is a shareable link."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import numpy as np

from valuelab.core import parse_bool

__all__ = [
    "RESERVED_QUERY_NAMES",
    "exact_number",
    "format_drivers",
    "page_query",
    "parse_drivers",
    "parse_query",
    "url_params",
]

#: URL parameters Voila itself reads (page template and theme).
RESERVED_QUERY_NAMES = frozenset({"template", "theme"})


def _coerce(text: str, default: Any) -> Any:
    if isinstance(default, bool):
        return parse_bool(text)  # an InputError is a ValueError
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        return number
    return text


def parse_query(query: str, defaults: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Values for the keys of ``defaults`` found in a URL query string.

    Values are coerced to the type of the default. Unknown keys are ignored;
    values that do not coerce are left out and described in the second item.

    Examples
    --------
    >>> parse_query("weeks=six&flag=yes", {"weeks": 4, "flag": False})
    ({'flag': True}, ["weeks='six' is not a valid int"])
    """
    found, problems = {}, []
    for key, values in parse_qs(query or "", keep_blank_values=False).items():
        if key not in defaults:
            continue
        default = defaults[key]
        try:
            found[key] = _coerce(values[-1], default)
        except ValueError:
            problems.append(f"{key}={values[-1]!r} is not a valid {type(default).__name__}")
    return found, problems


def url_params(defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The app's starting state: ``defaults`` updated from the page URL.

    ``template`` and ``theme`` are Voila's own URL parameters
    (:data:`RESERVED_QUERY_NAMES`): an app may not use them.

    Inside Voila the query string of the page (``?customer_id=C042``) reaches
    the kernel as ``QUERY_STRING``; with preheated kernels this waits for the
    request first (``voila.utils.wait_for_request``). Outside Voila the
    defaults are returned unchanged.

    Examples
    --------
    >>> url_params({"year": 2024})  # outside Voila: the defaults
    {'year': 2024}
    """
    reserved = RESERVED_QUERY_NAMES & set(defaults)
    if reserved:
        raise ValueError(f"URL parameter names reserved by Voila: {', '.join(sorted(reserved))}")
    if os.environ.get("VOILA_PREHEAT", "False") == "True":  # pragma: no cover - Voila only
        _voila_wait_for_request()
    found, _ = parse_query(os.environ.get("QUERY_STRING", ""), defaults)
    return {**dict(defaults), **found}


def _voila_wait_for_request() -> None:
    """``voila.utils.wait_for_request``, loaded with jsonschema's slow ``iri`` checks deferred.

    ``voila.utils`` imports jupyter_server and, through it, jsonschema: 2 CPU s per kernel,
    i.e. per page view, without :mod:`valuelab.core.no_iri` (5.3-6.4 s of a kernel's
    7.0-8.6 s before the app is shown, down to 2.0-2.8 s with it).
    """
    from valuelab.core.no_iri import import_jsonschema

    import_jsonschema()  # before voila.utils loads it
    from voila.utils import wait_for_request

    wait_for_request()


def page_query() -> dict[str, str]:
    """The page URL's parameters as given (the last value of each), Voila's own left out.

    Outside Voila (no ``QUERY_STRING``) there are none.

    Examples
    --------
    >>> page_query()
    {}
    """
    query = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {k: v[-1] for k, v in query.items() if k not in RESERVED_QUERY_NAMES}


def parse_drivers(text: str) -> dict[str, float]:
    """Driver values from a URL parameter: ``"mau:700,premium_share:0.42"``.

    Malformed items and values that are not finite numbers are skipped (a
    shared link must never break the app).

    Examples
    --------
    >>> parse_drivers("mau:700, premium_share:0.42,bad,x:y,y:nan")
    {'mau': 700.0, 'premium_share': 0.42}
    """
    out = {}
    for item in str(text).split(","):
        name, _, value = item.strip().partition(":")
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number):
            out[name] = number
    return out


def exact_number(value: float) -> str:
    """``value`` in the fewest digits that read back as the same float, never ``e+``/``e-``.

    The shortest round-trip representation (Steele & White 1990, "How to print
    floating-point numbers accurately", PLDI; as ``repr`` prints it), written
    positionally by :func:`numpy.format_float_positional`: a link carries a
    slider's value exactly, whatever it is (``:g`` keeps 6 significant digits,
    so ``1234567`` came back as ``1234570``).

    Examples
    --------
    >>> exact_number(700.0), exact_number(0.1 + 0.2), exact_number(1234567.0)
    ('700', '0.30000000000000004', '1234567')
    >>> exact_number(2.5e-07)
    '0.00000025'
    """
    return np.format_float_positional(float(value), unique=True, trim="-")


def format_drivers(values: Mapping[str, float], defaults: Mapping[str, float]) -> str:
    """The inverse of :func:`parse_drivers`, for the values that differ from ``defaults``.

    Each value is written exactly (:func:`exact_number`):
    ``parse_drivers(format_drivers(v, d))`` holds every changed value of ``v``
    as the same float.

    Examples
    --------
    >>> format_drivers({"mau": 700.0, "arpu": 4.69}, {"mau": 638.5, "arpu": 4.69})
    'mau:700'
    >>> format_drivers({"traffic": 1234567.0}, {})
    'traffic:1234567'
    """
    return ",".join(f"{k}:{exact_number(v)}" for k, v in values.items() if v != defaults.get(k))
