"""jsonschema loads without compiling rfc3987-syntax's grammars, and still checks IRIs."""

import json
import subprocess
import sys

import pytest

pytest.importorskip("rfc3987_syntax")  # installed with jsonschema[format-nongpl] (Jupyter's)

VALUES = ["https://example.org/ä", "not an iri at all", "../a b", "../a", "urn:x", 7]

_CHECK = """
import json, sys
{first}
import jsonschema
loaded_at_import = "rfc3987_syntax" in sys.modules
found = {{}}
for fmt in ("iri", "iri-reference"):
    for name in ("Draft7Validator", "Draft201909Validator", "Draft202012Validator"):
        v = getattr(jsonschema, name)
        checker = v({{"format": fmt}}, format_checker=v.FORMAT_CHECKER)
        found[fmt + " " + name] = [checker.is_valid(x) for x in {values}]
    anyone = jsonschema.FormatChecker()
    default = jsonschema.Draft7Validator({{"format": fmt}}, format_checker=anyone)
    found[fmt + " default"] = [default.is_valid(x) for x in {values}]
email = jsonschema.Draft7Validator({{"format": "email"}}, format_checker=jsonschema.FormatChecker())
found["email"] = [email.is_valid("a@b.c"), email.is_valid("no at sign")]
print(json.dumps([loaded_at_import, found]))
"""


def _run(first: str) -> tuple[bool, dict]:
    code = _CHECK.format(first=first, values=VALUES)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, found = json.loads(done.stdout)
    return loaded, found


@pytest.mark.parametrize("module", ["valuelab.reports", "valuelab.course", "valuelab.core.no_iri"])
def test_iri_checks_answer_as_jsonschema_s_own_without_the_grammars_at_import(module):
    loaded, found = _run(f"import {module}")
    _, expected = _run("")  # jsonschema as it loads without valuelab
    assert loaded is False  # no grammar compiled until an IRI is checked
    assert found == expected
    # "../a" is an IRI reference, not an IRI
    assert found["iri Draft7Validator"] == [True, False, False, False, True, True]
    assert found["email"] == [True, False]


def test_a_later_import_of_rfc3987_syntax_works():
    code = "import valuelab.reports, rfc3987_syntax; print(rfc3987_syntax.is_valid_syntax)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "function" in done.stdout


def test_import_jsonschema_leaves_a_loaded_jsonschema_alone(monkeypatch):
    from valuelab.core import no_iri

    monkeypatch.setitem(sys.modules, "jsonschema", sys.modules.get("jsonschema", object()))
    monkeypatch.delitem(sys.modules, "rfc3987_syntax", raising=False)
    no_iri.import_jsonschema()
    assert "rfc3987_syntax" not in sys.modules  # neither blocked nor imported
