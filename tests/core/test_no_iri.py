"""jsonschema loads without rfc3987-syntax's grammars where nbformat and Voila are used."""

import subprocess
import sys

import pytest

pytest.importorskip("rfc3987_syntax")  # installed with jsonschema[format-nongpl] (Jupyter's)

_CHECK = """
import sys, time
start = time.process_time()
import {module}
spent = time.process_time() - start
print("jsonschema" in sys.modules, "rfc3987_syntax" in sys.modules, round(spent, 2))
import rfc3987_syntax  # a later import works as usual
import jsonschema
ok = jsonschema.Draft7Validator({{"format": "email"}}, format_checker=jsonschema.FormatChecker())
print(ok.is_valid("a@b.c"), ok.is_valid("no at sign"))
"""


def _run(module: str) -> list[str]:
    code = _CHECK.format(module=module)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.parametrize("module", ["valuelab.reports", "valuelab.course"])
def test_reports_and_course_load_jsonschema_without_the_iri_grammars(module):
    loaded, grammars, _, *checks = _run(module)
    assert (loaded, grammars) == ("True", "False")
    assert checks == ["True", "False"]  # other format checkers still check


def test_without_it_nbformat_compiles_the_grammars():
    """The cost the module avoids is real here: nbformat alone loads rfc3987-syntax."""
    _, grammars, *_ = _run("nbformat")
    assert grammars == "True"


def test_import_jsonschema_leaves_a_loaded_jsonschema_alone(monkeypatch):
    from valuelab.core import no_iri

    monkeypatch.setitem(sys.modules, "jsonschema", sys.modules.get("jsonschema", object()))
    monkeypatch.delitem(sys.modules, "rfc3987_syntax", raising=False)
    no_iri.import_jsonschema()
    assert "rfc3987_syntax" not in sys.modules  # neither blocked nor imported
