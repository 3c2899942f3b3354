"""Imported first by the packages that load nbformat or Voila: jsonschema's ``iri`` checks, lazily.

nbformat, jupyter_events (under Voila and jupyter_server) and papermill import jsonschema,
whose ``iri`` and ``iri-reference`` format checkers import rfc3987-syntax when it is installed
(as ``jsonschema[format-nongpl]`` installs it): about 35 Lark grammars compiled at import,
some 2 CPU s in every process that loads them, i.e. in every app kernel, report launcher, CLI
command and graded submission (jsonschema issue #1428). Here jsonschema loads with that import
made to fail (a ``None`` entry in ``sys.modules``, removed afterwards), and the two checkers are
then registered again, importing rfc3987-syntax at their first use: the same checks, paid for
only by a schema that checks an IRI.

While jsonschema loads (once per process), another thread importing rfc3987-syntax would see
the import fail.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable

__all__ = ["import_jsonschema"]

_SLOW = "rfc3987_syntax"
#: jsonschema's IRI formats and the rfc3987-syntax rules that check them.
_IRI_RULES = {"iri": "iri", "iri-reference": "iri_reference"}


def import_jsonschema() -> None:
    """Import jsonschema (if installed and not yet imported), its IRI checks deferred."""
    if "jsonschema" in sys.modules or _SLOW in sys.modules:
        return
    if importlib.util.find_spec("jsonschema") is None:
        return
    sys.modules[_SLOW] = None  # type: ignore[assignment]  # "import rfc3987_syntax" fails
    try:
        import jsonschema  # its __init__ loads the format checkers
    finally:
        if sys.modules.get(_SLOW, False) is None:
            del sys.modules[_SLOW]
    if importlib.util.find_spec(_SLOW) is not None:
        _register_lazy_iri_checks(jsonschema)


def _register_lazy_iri_checks(jsonschema) -> None:  # type: ignore[no-untyped-def]
    """jsonschema's own ``iri``/``iri-reference`` checks (drafts 7, 2019-09, 2020-12 and the
    default :class:`jsonschema.FormatChecker`), importing rfc3987-syntax when first called."""
    drafts = (
        jsonschema.Draft7Validator,
        jsonschema.Draft201909Validator,
        jsonschema.Draft202012Validator,
    )
    for fmt, rule in _IRI_RULES.items():
        check = _lazy_check(rule)
        for draft in drafts:
            if fmt not in draft.FORMAT_CHECKER.checkers:
                draft.FORMAT_CHECKER.checks(fmt, raises=ValueError)(check)
        jsonschema.FormatChecker.checkers.setdefault(fmt, (check, ValueError))


def _lazy_check(rule: str) -> Callable[[object], bool]:
    """A format check by rfc3987-syntax's ``rule``, as jsonschema writes it."""

    def check(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        from rfc3987_syntax import is_valid_syntax

        return bool(is_valid_syntax(rule, instance))

    return check


import_jsonschema()
