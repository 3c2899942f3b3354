"""Imported first by the packages that load nbformat or Voila: jsonschema without ``iri``.

nbformat, jupyter_events (under Voila and jupyter_server) and papermill import jsonschema,
whose optional ``iri`` format checker imports rfc3987-syntax when it is installed (as
``jsonschema[format-nongpl]`` installs it): about 35 Lark grammars compiled at import, some
2 CPU s in every process that loads them, i.e. in every app kernel, report launcher, CLI
command and graded submission (jsonschema issue #1428). No schema these packages check uses
the ``iri`` format, and jsonschema leaves the checker out when its import fails: a ``None``
entry in ``sys.modules`` makes it fail while jsonschema loads, and is removed afterwards, so a
later ``import rfc3987_syntax`` works as usual.
"""

from __future__ import annotations

import sys

__all__ = ["import_jsonschema"]

_SLOW = "rfc3987_syntax"


def import_jsonschema() -> None:
    """Import jsonschema (if installed and not yet imported) without its ``iri`` checker."""
    if "jsonschema" in sys.modules or _SLOW in sys.modules:
        return
    sys.modules[_SLOW] = None  # type: ignore[assignment]  # "import rfc3987_syntax" fails
    try:
        import jsonschema  # noqa: F401  # its __init__ loads the format checkers
    except ImportError:  # not installed: nothing to speed up
        pass
    finally:
        if sys.modules.get(_SLOW, False) is None:
            del sys.modules[_SLOW]


import_jsonschema()
