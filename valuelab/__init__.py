"""valuelab: customer value and product metrics, computed and taught.

The package is laid out in wings, each a subpackage with a short public face
(see README, "Architecture"): the ground (:mod:`valuelab.core`), the data
(:mod:`valuelab.data`), one package per course topic (:mod:`valuelab.drivers`,
:mod:`valuelab.royalties`, :mod:`valuelab.kpis`, :mod:`valuelab.okrs`,
:mod:`valuelab.scoring`), the pictures (:mod:`valuelab.plots`) and the delivery
wings (:mod:`valuelab.reports`, :mod:`valuelab.course`, :mod:`valuelab.apps`,
:mod:`valuelab.cli`).

``import valuelab`` is light: the names below are loaded on first use
(PEP 562), so ``import valuelab.kpis`` loads neither plotly nor ipywidgets.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it, imported on first use.
_LAZY = {
    "InputError": "valuelab.core.errors",
    "ValueLabError": "valuelab.core.errors",
    "check": "valuelab.course.checks",
}

__all__ = ["InputError", "ValueLabError", "__version__", "check"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("valuelab")
        except PackageNotFoundError:  # pragma: no cover - a bare source tree
            value = "0.0.0+unknown"
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'valuelab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
