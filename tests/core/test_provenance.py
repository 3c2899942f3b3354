import pandas as pd
import pytest

from valuelab.core import InputError, SourcedValue, sources_table


def test_text_joins_the_value_its_precision_and_unit():
    assert SourcedValue("rev", 15673.4, "EUR m", "reported", "Spotify 20-F 2024").text == (
        "15,673 EUR m"
    )
    assert SourcedValue("r", 0.2431, "", "derived", "CDNOW", "fit", precision=3).text == "0.243"
    assert SourcedValue("band", "0.6-0.7", "", "reported", "re:Work").text == "0.6-0.7"
    # a share reads in percent, as the apps show it (0.3908 -> 39.1 %), at most one decimal
    shares = [(0.3908, 4), (0.6667, 4), (0.25, 2), (0.8, 1)]
    texts = [SourcedValue("s", v, "share 0-1", "derived", "S", "a / b", p).text for v, p in shares]
    assert texts == ["39.1 %", "66.7 %", "25 %", "80 %"]


def test_table_keeps_order_and_kinds():
    table = sources_table(
        [
            SourcedValue("a", 1, "m", "reported", "S1"),
            SourcedValue("b", 2, "m", "estimated", "S2", basis="music is 90 % of ads"),
        ]
    )
    assert list(table.columns) == ["figure", "value", "kind", "source", "basis"]
    assert table["figure"].tolist() == ["a", "b"]
    assert table["kind"].tolist() == ["reported", "estimated"]
    assert table.loc[0, "basis"] == ""
    assert sources_table([]).empty


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"kind": "guessed"}, "guessed"),
        ({"source": " "}, "no source"),
        ({"kind": "derived"}, "no basis"),
        ({"kind": "estimated"}, "no basis"),
    ],
)
def test_refuses_what_a_sources_table_cannot_show(kwargs, words):
    args = {"figure": "x", "value": 1, "unit": "", "kind": "reported", "source": "S"}
    with pytest.raises(InputError, match=words):
        SourcedValue(**(args | kwargs))


def test_is_a_plain_dataframe():
    assert isinstance(sources_table([SourcedValue("a", 1, "", "reported", "S")]), pd.DataFrame)
