"""The ground every other wing stands on: the error hierarchy and input validation.

:mod:`~valuelab.core.errors` is plain Python; :mod:`~valuelab.core.validation`
needs pandas, so its names load on first use (PEP 562) and the command line
starts without pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

from valuelab.core.errors import InputError, ValueLabError, format_rows

#: Names of :mod:`valuelab.core.validation`, imported on first use.
_VALIDATION = frozenset({"Column", "check_number", "validate_frame"})

__all__ = [
    "Column",
    "InputError",
    "ValueLabError",
    "check_number",
    "format_rows",
    "validate_frame",
]


def __getattr__(name: str) -> Any:
    if name not in _VALIDATION:
        raise AttributeError(f"module 'valuelab.core' has no attribute {name!r}")
    value = getattr(importlib.import_module("valuelab.core.validation"), name)
    globals()[name] = value
    return value
