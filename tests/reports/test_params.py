"""Report parameters: read from the template's parameters cell, typed, checked."""

import pytest
from support import write_template

from valuelab.core.errors import InputError
from valuelab.reports.params import coerce, fields, read_params_file, table


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


@pytest.fixture
def typed(tmp_path):
    return write_template(
        tmp_path / "typed.ipynb",
        "year: int = 2024  # fiscal year\n"
        "share = 0.5  # payout share 0-1\n"
        "detail = True\n"
        "segments = ['SMB']  # a list is offered as text\n"
        "customer_id = None  # required",
    )


def test_types_come_from_annotations_or_default_literals(typed):
    specs = {s["name"]: s for s in fields(typed)}
    assert [(n, s["type"]) for n, s in specs.items()] == [
        ("year", "int"),
        ("share", "float"),
        ("detail", "bool"),
        ("segments", "str"),
        ("customer_id", "str"),
    ]
    assert specs["year"]["default"] == 2024 and specs["year"]["help"] == "fiscal year"
    assert specs["segments"]["default"] == ["SMB"] and specs["detail"]["help"] == ""
    assert specs["customer_id"]["required"] and not specs["share"]["required"]
    with pytest.raises(InputError, match="no such template"):
        fields(typed.parent / "missing.ipynb")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"year": "2021"}, {"year": 2021}),
        ({"year": "2021.0"}, {"year": 2021}),
        ({"year": 2021.0}, {"year": 2021}),
        ({"share": "0.25"}, {"share": 0.25}),
        ({"share": 1}, {"share": 1.0}),
        ({"detail": "NO"}, {"detail": False}),
        ({"detail": "1"}, {"detail": True}),
        ({"detail": False}, {"detail": False}),
        ({"customer_id": 42}, {"customer_id": "42"}),
    ],
)
def test_values_convert_to_the_declared_type(typed, given, expected):
    specs = fields(typed)
    assert (
        coerce(specs, {"customer_id": "C1", **given}, "typed")
        == {"customer_id": "C1", **given} | expected
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"year": True}, "year=True is not a valid int"),
        ({"year": "2021.5"}, "year='2021.5' is not a valid int"),
        ({"share": False}, "share=False is not a valid float"),
        ({"share": "half"}, "share='half' is not a valid float"),
        ({"detail": "maybe"}, "detail='maybe' is not a valid bool"),
        ({"zzz": 1}, "unknown parameter 'zzz' (valid: year, share, detail, segments, customer_id)"),
    ],
)
def test_values_that_do_not_convert_are_named(typed, given, message):
    with pytest.raises(InputError) as info:
        coerce(fields(typed), {"customer_id": "C1", **given}, "typed.ipynb")
    assert str(info.value).startswith("typed.ipynb: ") and message in str(info.value)


def test_fill_adds_the_defaults_of_what_was_not_given(typed):
    filled = coerce(fields(typed), {"customer_id": "C7", "share": "0.7"}, "typed", fill=True)
    assert filled == {
        "year": 2024,
        "share": 0.7,
        "detail": True,
        "segments": ["SMB"],
        "customer_id": "C7",
    }


def test_the_parameters_table_lines_up(typed):
    lines = table(fields(typed)).splitlines()
    assert lines[0].split() == ["name", "type", "default", "help"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split()[:3] == ["year", "int", "2024"] and lines[2].endswith("fiscal year")
    assert "(required)" in lines[-1] and lines[-1].startswith("customer_id")
    column = lines[0].index("type")  # every type starts under the header
    assert [line[column:].split()[0] for line in lines[2:]] == [
        "int",
        "float",
        "bool",
        "str",
        "str",
    ]


def test_read_params_file(tmp_path):
    good = tmp_path / "p.yaml"
    good.write_text("year: 2021\ncustomer_id: C042\n")
    assert read_params_file(good) == {"year": 2021, "customer_id": "C042"}
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert read_params_file(empty) == {}
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(InputError, match="list.yaml: not a mapping"):
        read_params_file(listed)
    with pytest.raises(InputError, match="cannot read"):
        read_params_file(tmp_path / "missing.yaml")
