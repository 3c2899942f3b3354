"""The ground every wing stands on: errors, input checks, codes, quantities, provenance,
rounding parts of a whole, where the course files are.

:mod:`~valuelab.core.errors` is plain Python and loads at once; the other
modules need numpy or pandas, so their names load on first use (PEP 562) and
the command line starts without them.
"""

from __future__ import annotations

import importlib
from typing import Any

from valuelab.core.errors import InputError, ValueLabError, format_rows

#: Public name -> the module of :mod:`valuelab.core` that defines it, imported on first use.
_LAZY = {
    "integer_codes": "codes",
    "WholeFrame": "display",
    "FIGURE_KINDS": "provenance",
    "SourcedValue": "provenance",
    "sources_table": "provenance",
    "QUANTITIES": "quantities",
    "Quantity": "quantities",
    "common_currency": "quantities",
    "format_change": "quantities",
    "format_value": "quantities",
    "formatted": "quantities",
    "in_words": "quantities",
    "labelled": "quantities",
    "quantity": "quantities",
    "course_root": "paths",
    "find_template": "paths",
    "shipped": "paths",
    "largest_remainder": "rounding",
    "whole_percents": "rounding",
    "Column": "validation",
    "aligned": "validation",
    "check_number": "validation",
    "check_numbers": "validation",
    "parse_bool": "validation",
    "shaped_like": "validation",
    "validate_frame": "validation",
}

__all__ = [
    "FIGURE_KINDS",
    "QUANTITIES",
    "Column",
    "InputError",
    "Quantity",
    "SourcedValue",
    "ValueLabError",
    "WholeFrame",
    "aligned",
    "check_number",
    "check_numbers",
    "common_currency",
    "course_root",
    "find_template",
    "format_change",
    "format_rows",
    "format_value",
    "formatted",
    "in_words",
    "integer_codes",
    "labelled",
    "largest_remainder",
    "parse_bool",
    "quantity",
    "shaped_like",
    "shipped",
    "sources_table",
    "validate_frame",
    "whole_percents",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'valuelab.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"valuelab.core.{_LAZY[name]}"), name)
    globals()[name] = value
    return value
