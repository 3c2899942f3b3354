"""Report parameters: read from the template's parameters cell, typed, checked."""

import pytest
from support import write_template

from valuelab.core.errors import InputError
from valuelab.reports.params import coerce, fields


def test_parameters_are_read_typed_and_checked_before_any_kernel(toy):
    specs = fields(toy)
    assert [(s["name"], s["type"], s["default"]) for s in specs] == [
        ("n", "int", 1),
        ("label", "str", "a"),
        ("fail", "bool", False),
        ("data", "str", specs[3]["default"]),
    ]
    assert specs[0]["help"] == "a number"
    assert coerce(specs, {"n": "3", "fail": "yes"}, "toy") == {"n": 3, "fail": True}
    with pytest.raises(InputError) as info:
        coerce(specs, {"nn": 1, "n": "2.5", "fail": "maybe"}, "toy.ipynb")
    msg = str(info.value)
    assert "unknown parameter 'nn'; did you mean 'n'? (valid: n, label, fail, data)" in msg
    assert "n='2.5' is not a valid int" in msg and "fail='maybe' is not a valid bool" in msg
    required = write_template(toy.parent / "req.ipynb", "customer_id = None  # required")
    with pytest.raises(InputError, match="missing required parameter 'customer_id'"):
        coerce(fields(required), {}, "req.ipynb")
