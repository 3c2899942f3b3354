"""Report parameters: read from the template's parameters cell, typed, checked."""

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import write_template

from valuelab.core.errors import InputError
from valuelab.reports.params import coerce, fields, parse_parameters, table


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


def test_each_problem_names_its_parameter_and_value_in_plain_words(toy):
    """What an app may tell the person who typed the values (the label is the app's)."""
    choice = write_template(toy.parent / "c.ipynb", 'policy = "a"  # how; one of: a, {b}')
    specs = fields(toy) + fields(choice)
    given = {"nn": 1, "n": "2.5", "fail": "maybe", "label": ["x"], "policy": "c"}
    with pytest.raises(InputError) as info:
        coerce(specs, given, "toy.ipynb")
    parts = [(p.parameter, p.value, p.plain) for p in info.value.problems]
    assert parts == [
        ("nn", 1, "not a parameter of this report"),
        ("n", "2.5", "{value} is not a whole number"),
        ("fail", "maybe", "{value} is not yes or no"),
        ("label", ["x"], "{value} is not text"),
        ("policy", "c", "{value} is not one of a, {{b}}"),
    ]
    labels = {"n": "Number", "fail": "Fail", "label": "Label", "policy": "How", "nn": "Nn"}
    assert info.value.public_message(labels) == (
        "Nn: not a parameter of this report; Number: “2.5” is not a whole number; "
        "Fail: “maybe” is not yes or no; Label: “['x']” is not text; "
        "How: “c” is not one of a, {b}. Check the values and try again."
    )


@pytest.fixture
def typed(tmp_path):
    return write_template(
        tmp_path / "typed.ipynb",
        "year: int = 2024  # fiscal year\n"
        "share = 0.5  # payout share 0-1\n"
        "detail = True\n"
        "segments = ['SMB']  # a list of segments\n"
        "customer_id = None  # required",
    )


def test_types_come_from_annotations_or_default_literals(typed):
    specs = {s["name"]: s for s in fields(typed)}
    assert [(n, s["type"]) for n, s in specs.items()] == [
        ("year", "int"),
        ("share", "float"),
        ("detail", "bool"),
        ("segments", "list"),
        ("customer_id", "str"),
    ]
    assert specs["segments"]["items"] == "str" and specs["segments"]["help"] == "a list of segments"
    assert specs["year"]["default"] == 2024 and specs["year"]["help"] == "fiscal year"
    assert specs["segments"]["default"] == ["SMB"] and specs["detail"]["help"] == ""
    assert specs["customer_id"]["required"] and not specs["share"]["required"]
    with pytest.raises(InputError, match="no such template"):
        fields(typed.parent / "missing.ipynb")
    with pytest.raises(InputError, match="no such template; did you mean 'spotify_year'"):
        fields("spotify_yaer")  # a typo of a shipped template's name


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
        "list[str]",
        "str",
    ]


def test_the_cell_is_read_with_ast_not_split_on_equals(tmp_path):
    template = write_template(
        tmp_path / "eq.ipynb",
        "# a full-line comment is no help\n"
        'label = "a=b"  # text with = inside\n'
        'region = "EU"  # (default=EU)\n'
        "limits = {'SMB': 10, 'EU': 20}  # per segment\n"
        "note = '''two\nlines'''  # a multi-line text\n"
        "ids: list[int] = []  # account numbers\n"
        "share: float = 1  # an int default, declared float\n"
        "region_code: str | None = None\n"
        "big = 9007199254740993",
    )
    specs = {s["name"]: s for s in fields(template)}
    assert [(n, s["type"], s["default"], s["help"]) for n, s in specs.items()] == [
        ("label", "str", "a=b", "text with = inside"),
        ("region", "str", "EU", "(default=EU)"),
        ("limits", "dict", {"SMB": 10, "EU": 20}, "per segment"),
        ("note", "str", "two\nlines", "a multi-line text"),
        ("ids", "list", [], "account numbers"),
        ("share", "float", 1.0, "an int default, declared float"),
        ("region_code", "str", None, ""),
        ("big", "int", 9007199254740993, ""),
    ]
    assert specs["limits"]["items"] == ("str", "int") and specs["ids"]["items"] == "int"
    assert isinstance(specs["share"]["default"], float)
    assert not specs["region_code"]["required"]  # `| None`: null is a value
    assert coerce(fields(template), {"region_code": None}, "eq") == {"region_code": None}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "year = 2024\nstart = year - 1",
            "line 2: the default of 'start' is not a literal: year - 1",
        ),
        ("import os\nx = 1", "line 1: only one `name = literal` per statement"),
        ("a = b = 1", "line 1: only one `name = literal` per statement"),
        ("x = 1\nx = 2", "line 2: 'x' is already set on line 1"),
        ("x = (1, 2)", "line 1: the default of 'x' is a tuple"),
        ("x: int = 'a'", "line 1: the default of 'x' is not a valid int"),
        ("x: set = {1}", "line 1: the type set is not offered"),
        ("x = 1\ny = [", "line 2: '[' was never closed"),
        ("x = open('/etc/passwd').read()", "line 1: the default of 'x' is not a literal"),
    ],
)
def test_a_cell_that_is_not_plain_literals_is_an_error_naming_the_line(tmp_path, cell, message):
    template = write_template(tmp_path / "bad.ipynb", cell)
    with pytest.raises(InputError) as info:
        fields(template)
    assert str(info.value).startswith(f"bad.ipynb: parameters cell {message}")
    assert "(expected name = literal  # help, one per line)" in str(info.value)


def test_a_template_without_parameters_or_not_a_notebook(tmp_path):
    assert parse_parameters("", "t") == []
    assert fields(write_template(tmp_path / "none.ipynb", "x = 1").with_name("none.ipynb")) != []
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(InputError, match="broken.ipynb: not a notebook"):
        fields(broken)


@pytest.fixture
def kinds():
    return parse_parameters(
        "n = 1\nx = 0.5\nflag = False\ncustomer_id = 'A1'\nsegments = ['SMB']\n"
        "weights = {'a': 1.0}\nanything = [1, 'a']\nwho = None",
        "kinds.ipynb",
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"n": "9007199254740993"}, 9007199254740993),  # exact, never through float
        ({"n": 9007199254740993}, 9007199254740993),
        ({"n": " -12 "}, -12),
        ({"n": "1e3"}, 1000),
        ({"x": "0.1"}, 0.1),
        ({"x": 3}, 3.0),
        ({"customer_id": "0123"}, "0123"),  # the text as written
        ({"customer_id": "NO"}, "NO"),
        ({"customer_id": " padded "}, " padded "),
        ({"customer_id": "null"}, "null"),
        ({"customer_id": "[1, {'a': 2}]"}, "[1, {'a': 2}]"),  # text from a command line
        ({"segments": "['SMB', 'EU']"}, ["SMB", "EU"]),
        ({"segments": ["SMB", 7]}, ["SMB", "7"]),  # items take the default's item type
        ({"weights": {"a": "2", "b": 3}}, {"a": 2.0, "b": 3.0}),
        ({"weights": "{'a': 0.25}"}, {"a": 0.25}),
        ({"anything": ["1", {"k": "v"}]}, ["1", {"k": "v"}]),  # mixed items: kept
        ({"flag": "off"}, False),
    ],
)
def test_text_and_values_convert_by_the_same_rules(kinds, given, expected):
    name = next(iter(given))
    assert coerce(kinds, {"who": "W", **given}, "kinds.ipynb")[name] == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"customer_id": [1, {"a": 2}]}, "customer_id=[1, {'a': 2}] is not a valid str"),
        ({"customer_id": None}, "customer_id=None is not a valid str (null only where"),
        ({"customer_id": True}, "customer_id=True is not a valid str"),
        ({"n": "9" * 5000}, "n='99999999999999999999999999999999999"),
        ({"n": "1e999999"}, "n='1e999999' is not a valid int"),
        ({"n": "0x10"}, "n='0x10' is not a valid int"),
        ({"n": "١٢"}, "n='١٢' is not a valid int"),
        ({"n": 2.5}, "n=2.5 is not a valid int (not a whole number)"),
        ({"n": [1]}, "n=[1] is not a valid int"),
        ({"x": "nan"}, "x='nan' is not a valid float (not a finite number)"),
        ({"x": "1e999"}, "x='1e999' is not a valid float (not a finite number)"),
        ({"x": 10**400}, "is not a valid float"),
        ({"segments": "SMB"}, "segments='SMB' is not a valid list (expected a Python literal"),
        ({"segments": {"a": 1}}, "segments={'a': 1} is not a valid list"),
        ({"segments": "(1, 2)"}, "segments='(1, 2)' is not a valid list"),
        ({"segments": "[" * 300 + "]" * 300}, "is not a valid list"),
        ({"weights": ["a"]}, "weights=['a'] is not a valid dict"),
        ({"weights": {"a": "heavy"}}, "weights={'a': 'heavy'} is not a valid dict"),
        ({"flag": ["yes"]}, "flag=['yes'] is not a valid bool"),
        ({"who": None}, "missing required parameter 'who' (null given)"),
    ],
)
def test_values_of_the_wrong_shape_are_refused(kinds, given, message):
    with pytest.raises(InputError) as info:
        coerce(kinds, {"who": "W", **given}, "kinds.ipynb")
    assert message in str(info.value)
    assert len(str(info.value)) < 400, "a huge value is shortened in the message"


def test_null_is_accepted_only_where_the_default_is_none_and_not_required():
    specs = parse_parameters("region: Optional[str] = None\nwho = None\nn: int | None = 3", "t")
    assert [s["required"] for s in specs] == [False, True, False]
    assert coerce(specs, {"region": None, "who": "W"}, "t") == {"region": None, "who": "W"}
    assert coerce(specs, {"region": "EU", "who": "W"}, "t") == {"region": "EU", "who": "W"}
    with pytest.raises(InputError, match="missing required parameter 'who' \\(null given\\)"):
        coerce(specs, {"who": None}, "t")
    with pytest.raises(InputError, match="n=None is not a valid int \\(null only where the"):
        coerce(specs, {"n": None, "who": "W"}, "t")


# --- properties: any cell round-trips unchanged or is refused with InputError ----------

PROPERTY = settings(max_examples=150, deadline=None, database=None)
_SCALAR = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=20),
)
_LITERALS = st.one_of(
    _SCALAR,
    st.none(),
    st.lists(_SCALAR, max_size=4),
    st.dictionaries(st.text(max_size=8), _SCALAR, max_size=4),
)
# help: one line of text; a comment ends at a line break, the # and outer spaces are not help
_HELP = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\x00"), max_size=30
).map(str.strip)
_NAME = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n) and n not in ("True", "False", "None")
)


@PROPERTY
@given(params=st.dictionaries(_NAME, st.tuples(_LITERALS, _HELP), min_size=1, max_size=5))
def test_property_literal_defaults_and_help_round_trip(params):
    source = "\n".join(
        f"{name} = {value!r}" + (f"  # {help_}" if help_ else "")
        for name, (value, help_) in params.items()
    )
    specs = parse_parameters(source, "prop.ipynb")
    assert [s["name"] for s in specs] == list(params)
    for spec, (value, help_) in zip(specs, params.values(), strict=True):
        assert spec["default"] == value and type(spec["default"]) is type(value)
        assert spec["help"] == help_
        assert spec["type"] == ("str" if value is None else type(value).__name__)
        assert spec["required"] == (value is None)


_PIECES = st.sampled_from(
    [
        "x",
        "y: ",
        "int",
        "list[str]",
        " = ",
        "=",
        "1",
        "-",
        "2.5e308",
        "9" * 5000,
        "'a'",
        '"""',
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        ",",
        ":",
        "None",
        "True",
        "#",
        " # h",
        "\n",
        "\\\n",
        "    ",
        "\t",
        ";",
        "lambda: 0",
        "f'{x}'",
        "*",
        "\x00",
        "\u2028",
        "\x0c",
        "b''",
        "1j",
        "...",
    ]
)


@PROPERTY
@given(source=st.one_of(st.text(max_size=120), st.lists(_PIECES, max_size=25).map("".join)))
def test_property_any_cell_is_parameters_or_an_input_error(source):
    try:
        specs = parse_parameters(source, "any.ipynb")
    except InputError as err:
        assert "\n" not in str(err)
    else:
        assert all(s["type"] in ("int", "float", "bool", "str", "list", "dict") for s in specs)


def test_every_report_template_takes_a_source_and_a_mapping_with_help():
    from support import NOTEBOOKS

    for template in sorted((NOTEBOOKS / "reports").glob("*.ipynb")):
        specs = {s["name"]: s for s in fields(template)}
        assert specs["source"]["default"] == "" and specs["mapping"]["default"] == ""
        assert "named connection" in specs["source"]["help"], template.name
        assert "mapping" in specs["mapping"]["help"], template.name
        assert "source" in table(list(specs.values()))


def test_a_url_with_a_password_is_refused_without_echoing_it():
    specs = parse_parameters('source = ""  # data', "t.ipynb")
    with pytest.raises(InputError) as err:
        coerce(specs, {"source": "postgresql://me:hunter2@db/shop?table=t"}, "t.ipynb")
    assert "parameter 'source' holds a URL with a password: refused" in str(err.value)
    assert "hunter2" not in str(err.value) and "PGPASSWORD" in str(err.value)
    assert coerce(specs, {"source": "postgresql://me@db/shop?table=t"}, "t.ipynb")


# --- labels and choices: a person's words from the help comment ---------------


@pytest.mark.parametrize(
    ("help_", "label", "description", "choices"),
    [
        (
            "fiscal year to report (2016-2024)",
            "Fiscal year",
            "Fiscal year to report (2016-2024)",
            None,
        ),
        (  # one word that is not the name's: the name in words (declare "account: ...")
            "the account to report (its id in the accounts file)",
            "Policy mode",
            "The account to report (its id in the accounts file)",
            None,
        ),
        (
            "account: the account to report (its id in the accounts file)",
            "Account",
            "The account to report (its id in the accounts file)",
            None,
        ),
        ("the mode to use", "Mode", "The mode to use", None),  # a word of the name
        ("... to their first event", "Policy mode", "... to their first event", None),
        ("time to value runs from x", "Policy mode", "Time to value runs from x", None),
        ("2024 or later", "Policy mode", "2024 or later", None),
        (
            "accounts: file or connection (empty: sample)",
            "Accounts",
            "File or connection (empty: sample)",
            None,
        ),
        (
            "number of accounts to list first",
            "Number of accounts",
            "Number of accounts to list first",
            None,
        ),
        ("weeks back", "Weeks back", "", None),
        (
            "one of: neutral, penalize, exclude",
            "Policy mode",
            "",
            ["neutral", "penalize", "exclude"],
        ),
        (
            "missing answers: how they score; one of: a, b",
            "Missing answers",
            "How they score",
            ["a", "b"],
        ),
        ("policy (one of: all, SMB)", "Policy", "", ["all", "SMB"]),
        ("segment (one of: all, SMB)", "Policy mode", "Segment", ["all", "SMB"]),
        ("", "Policy mode", "", None),
    ],
)
def test_the_help_gives_a_label_a_description_and_choices(help_, label, description, choices):
    from valuelab.reports.params import describe

    assert describe("policy_mode", help_) == {
        "label": label,
        "description": description,
        "choices": choices,
    }


def test_choices_are_typed_and_every_other_value_is_refused(tmp_path):
    specs = parse_parameters(
        'policy = "neutral"  # one of: neutral, penalize, exclude\n'
        "top = 10  # accounts listed; one of: 5, 10, 20\n"
        "share = 0.5  # (one of: 0.25, 0.5)",
        "t.ipynb",
    )
    assert [s["choices"] for s in specs] == [
        ["neutral", "penalize", "exclude"],
        [5, 10, 20],
        [0.25, 0.5],
    ]
    assert coerce(specs, {"policy": "exclude", "top": "20", "share": "0.25"}, "t") == {
        "policy": "exclude",
        "top": 20,
        "share": 0.25,
    }
    with pytest.raises(InputError) as info:
        coerce(specs, {"policy": "bogus", "top": 7}, "t.ipynb")
    assert str(info.value) == (
        "t.ipynb: policy='bogus' is not one of: neutral, penalize, exclude; "
        "top=7 is not one of: 5, 10, 20 (expected the template's parameters and types)"
    )


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (
            'policy = "other"  # one of: neutral, exclude',
            "the default of 'policy' is not one of its choices",
        ),
        ("top = 10  # one of: 10, ten", "a choice of 'top' is not a valid int"),
        ('policy = "a"  # one of: a', "'policy' needs two or more different choices"),
        ('policy = "a"  # one of: a, a', "'policy' needs two or more different choices"),
        (
            "detail = True  # one of: True, False",
            "'detail' is a bool: choices are for int, float or str",
        ),
    ],
)
def test_choices_the_template_gets_wrong_are_named_with_the_line(cell, problem):
    with pytest.raises(InputError, match=f"parameters cell line 1: {problem}"):
        parse_parameters(cell, "t.ipynb")


def test_the_cli_refuses_a_value_that_is_not_a_choice(tmp_path, capsys):
    from valuelab.cli import main

    out = tmp_path / "r.html"
    code = main(["report", "customer_scorecard", "-p", "policy", "bogus", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and not out.exists()  # before any kernel
    assert "policy='bogus' is not one of: neutral, penalize, exclude" in err


def test_path_parameters_resolve_against_the_callers_folder(tmp_path):
    from valuelab.core.errors import InputError
    from valuelab.reports.params import is_path_param, resolve_paths

    (tmp_path / "log.csv").write_text("a\n1\n")
    (tmp_path / "m.yaml").write_text("user: a\n")
    given = {
        "source": "log.csv",
        "mapping": "m.yaml",
        "inputs_source": "parts/*.parquet",  # a glob: resolved, not checked
        "segment": "log.csv",  # not a path parameter
        "year": 2024,
    }
    got = resolve_paths(given, tmp_path)
    assert got["source"] == str(tmp_path / "log.csv") and got["mapping"] == str(tmp_path / "m.yaml")
    assert got["inputs_source"] == str(tmp_path / "parts" / "*.parquet")
    assert (got["segment"], got["year"]) == ("log.csv", 2024)
    kept = {"source": "warehouse", "mapping": "", "inputs_source": "@crm"}
    assert resolve_paths(kept, tmp_path) == kept  # named connections and empty values
    url = {"source": "postgresql://me@db/shop?table=t"}
    assert resolve_paths(url, tmp_path) == url
    assert resolve_paths({"source": str(tmp_path / "log.csv")}, "/elsewhere")["source"] == str(
        tmp_path / "log.csv"
    )
    with pytest.raises(InputError, match=r"no such file .*nope\.yaml.*not the template's"):
        resolve_paths({"mapping": "nope.yaml"}, tmp_path)
    assert is_path_param("inputs_mapping") and not is_path_param("sourcery")


# --- labels of the shipped templates, bounds, empty text ----------------------------------------

#: Every shipped template's fields as the launcher labels them (mapping parameters have none).
SHIPPED_LABELS = {
    "customer_scorecard.ipynb": {
        "customer_id": "Account",
        "source": "Accounts",
        "inputs_source": "Sales funnel",
        "policy": "Missing answers",
    },
    "portfolio_review.ipynb": {
        "segment": "Segment",
        "source": "Accounts",
        "policy": "Missing answers",
        "top": "Number of accounts",
    },
    "product_kpis.ipynb": {
        "segment": "Segment",
        "source": "Events",
        "period": "Reporting period",
        "start_event": "Start event",
        "value_event": "Value event",
    },
    "spotify_year.ipynb": {"year": "Fiscal year", "source": "Yearly figures"},
}


def test_every_shipped_template_labels_its_fields_in_sensible_words():
    """Labels are words (no "...", digits or snake_case); a lone word is the parameter's own
    or declared ("account: ..."), never the start of a sentence ("Time" for start_event)."""
    from support import NOTEBOOKS

    from valuelab.reports.params import _NAMED

    found = {}
    for template in sorted((NOTEBOOKS / "reports").glob("*.ipynb")):
        specs = [s for s in fields(template) if not s["name"].endswith("mapping")]
        found[template.name] = {s["name"]: s["label"] for s in specs}
        for s in specs:
            words = s["label"].split()
            assert all(w.replace("-", "").isalpha() for w in words), (template.name, s)
            declared = _NAMED.match(" ".join(s["help"].split())) is not None
            own = words[0].lower() in s["name"].split("_")
            assert len(words) >= 2 or own or declared, (template.name, s["name"], s["label"])
    assert found == SHIPPED_LABELS


def test_bounds_are_declared_in_the_help_and_every_value_outside_is_refused():
    specs = parse_parameters(
        "year = 2024  # fiscal year to report; from 2016 to 2024\n"
        "top = 10  # number of accounts to list first (the largest ARR); at least 1\n"
        "share = 0.5  # share kept (at most 1.0)\n"
        "n = 3  # no bound from 2016 to 2024 here? words only",
        "t.ipynb",
    )
    assert [(s["minimum"], s["maximum"]) for s in specs] == [
        (2016, 2024),
        (1, None),
        (None, 1.0),
        (None, None),
    ]
    assert [s["label"] for s in specs[:3]] == ["Fiscal year", "Number of accounts", "Share kept"]
    ok = {"year": "2016", "top": "1", "share": "1", "n": "-7"}
    assert coerce(specs, ok, "t") == {"year": 2016, "top": 1, "share": 1.0, "n": -7}
    with pytest.raises(InputError) as info:
        coerce(specs, {"year": "2015", "top": "-5", "share": "1.5"}, "t.ipynb")
    assert str(info.value) == (
        "t.ipynb: year='2015' is out of range (expected a whole number from 2016 to 2024); "
        "top='-5' is out of range (expected a whole number, at least 1); "
        "share='1.5' is out of range (expected a number, at most 1.0) "
        "(expected the template's parameters and types)"
    )
    labels = {"year": "Fiscal year", "top": "Number of accounts", "share": "Share kept"}
    typed = {"year": "99999999999999999999999", "top": "0", "share": "1e3"}
    with pytest.raises(InputError) as info:
        coerce(specs, typed, "t.ipynb")
    assert info.value.public_message(labels, typed) == (
        "Fiscal year: “99999999999999999999999” is out of range (expected a whole number from "
        "2016 to 2024); Number of accounts: “0” is out of range (expected a whole number, at "
        "least 1); Share kept: “1e3” is out of range (expected a number, at most 1.0). Check "
        "the values and try again."
    )  # the visitor's own text, never the number it became


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ('who = "a"  # name; at least 1', "'who' is a str: bounds are for int or float"),
        ("top = 0  # count; at least 1", "the default of 'top' is outside its bounds"),
        ("y = 5  # from 9 to 1", "the bounds of 'y' are the wrong way round"),
        ("top = 3  # at least 1.5", "a bound of 'top' is not a valid int"),
    ],
)
def test_bounds_the_template_gets_wrong_are_named_with_the_line(cell, problem):
    with pytest.raises(InputError, match=f"parameters cell line 1: {problem}"):
        parse_parameters(cell, "t.ipynb")


def test_the_shipped_year_range_is_the_years_the_shipped_table_can_compare():
    """spotify_year declares 2016-2024: the years with figures and a year before them."""
    from support import NOTEBOOKS

    from valuelab.data import load_spotify_annual

    (year,) = [s for s in fields(NOTEBOOKS / "reports/spotify_year.ipynb") if s["name"] == "year"]
    years = set(load_spotify_annual()["year"].dropna().astype(int))
    comparable = sorted(y for y in years if y - 1 in years)
    assert (year["minimum"], year["maximum"]) == (comparable[0], comparable[-1]) == (2016, 2024)


def test_empty_text_is_a_value_only_where_the_default_is_empty_text():
    """An emptied form field or CSV cell is never a silent default or a stale value."""
    specs = parse_parameters(
        'year = 2024  # fiscal year\ncustomer_id = "A0002"  # account: its id\n'
        'segment = ""  # segment; empty: all\nwho = None  # required\n'
        "n: int | None = None  # optional\nregion: str | None = None  # optional",
        "t.ipynb",
    )
    assert coerce(specs, {"segment": " ", "who": "W", "n": "", "region": ""}, "t") == {
        "segment": " ",
        "who": "W",
        "n": None,
        "region": "",
    }
    typed = {"year": "", "customer_id": "  ", "who": ""}
    with pytest.raises(InputError) as info:
        coerce(specs, typed, "t.ipynb")
    assert str(info.value) == (
        "t.ipynb: parameter 'year' is empty (leave it out for its default 2024); "
        "parameter 'customer_id' is empty (leave it out for its default 'A0002'); "
        "missing required parameter 'who' (empty given) "
        "(expected the template's parameters and types)"
    )
    labels = {"year": "Fiscal year", "customer_id": "Account", "who": "Who"}
    assert info.value.public_message(labels, typed) == (
        "Fiscal year is required; Account is required; Who is required. "
        "Check the values and try again."
    )


def test_the_cli_refuses_what_the_launcher_refuses_before_any_kernel(tmp_path, capsys):
    from valuelab.cli import main

    out = tmp_path / "r.html"
    for args, said in [
        (["spotify_year", "-p", "year", "2016.5"], "year='2016.5' is not a valid int"),
        (["spotify_year", "-p", "year", "2015"], "(expected a whole number from 2016 to 2024)"),
        (["portfolio_review", "-p", "top", "-5"], "top='-5' is out of range"),
        (["customer_scorecard", "-p", "customer_id", ""], "parameter 'customer_id' is empty"),
    ]:
        assert main(["report", *args, "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err and not out.exists(), err
