"""valuelab: customer value and product metrics, computed and taught.

The public API is small; everything else is reachable by module
(``valuelab.datasets``, ``valuelab.exercises``, ``valuelab.plots``...).
"""

from importlib.metadata import PackageNotFoundError, version

from valuelab import datasets, plots
from valuelab.errors import InputError, ValueLabError
from valuelab.exercises import check

try:
    __version__ = version("valuelab")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0.0.0+unknown"

__all__ = ["InputError", "ValueLabError", "__version__", "check", "datasets", "plots"]
