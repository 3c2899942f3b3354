"""The canonical table: roles renamed and typed, refunds and duplicates by policy."""

import pandas as pd
import pytest

from valuelab.core import InputError
from valuelab.data.sources.canonical import canonical_table, resolve_roles
from valuelab.data.sources.mapping import read_mapping
from valuelab.data.sources.readers import open_frame

LOG = pd.DataFrame(
    {
        "cust": [7.0, 7.0, 9.0, 9.0],
        "day": [20240105, 20240105, 20240110, 20240131],
        "price": [10.0, 10.0, -2.5, 4.0],
        "plan": ["pro", "pro", "free", "free"],
    }
)


def _canonical(frame=LOG, **mapping):
    _, table = open_frame(frame)
    kw = {"user": "cust", "time": "day", "amount": "price", "tier": "plan"} | mapping
    return canonical_table(table, read_mapping(None, **kw), "log.csv")


def test_roles_are_renamed_and_typed():
    out = _canonical()
    frame = out.table.execute()
    assert list(frame.columns) == ["user", "time", "amount", "tier"]
    assert frame["user"].tolist() == ["7", "7", "9", "9"]  # float ids read as whole numbers
    assert out.table.schema()["time"].is_timestamp() and out.time_format == "yyyymmdd"
    assert out.counts == {
        "rows": 4,
        "missing_user": 0,
        "bad_time": 0,
        "missing_time": 0,
        "negative_amount": 1,
    }


@pytest.mark.parametrize(
    ("refunds", "amounts", "refund"),
    [
        ("net", [10.0, 10.0, -2.5, 4.0], None),
        ("separate", [10.0, 10.0, 0.0, 4.0], [0.0, 0.0, -2.5, 0.0]),
    ],
)
def test_refund_policies(refunds, amounts, refund):
    frame = _canonical(refunds=refunds).table.execute().sort_values(["time", "amount"])
    assert frame["amount"].tolist() == amounts
    assert (frame["refund"].tolist() if refund else "refund" not in frame) in (refund, True)
    # netting either way gives the same revenue as pandas on the raw log: 21.5
    assert (
        frame["amount"].sum() + (frame["refund"].sum() if refund else 0)
        == LOG["price"].sum()
        == 21.5
    )


def test_refused_refunds_and_dropped_duplicates():
    with pytest.raises(InputError, match=r"negative amounts on 1 of 4 rows \(e.g. row 3: cust=9.0"):
        _canonical(refunds="refuse")
    assert _canonical(duplicates="drop").table.count().execute() == len(LOG.drop_duplicates()) == 3


def test_every_problem_at_once_with_examples():
    bad = LOG.assign(cust=[7.0, None, 9.0, None], day=[20240105, 20240105, 20241399, 20240131])
    with pytest.raises(InputError) as err:
        _canonical(bad)
    text = str(err.value)
    assert "column 'cust': ids missing on 2 of 4 rows" in text
    assert (
        "column 'day': unparseable times on 1 of 4 rows (e.g. row 3: cust=9.0, day=20241399" in text
    )


def test_missing_columns_get_a_did_you_mean():
    with pytest.raises(InputError) as err:
        resolve_roles(["customer_id", "ts", "amount"], read_mapping(None, time="tss"), "log.csv")
    text = str(err.value)
    assert (
        "no column for 'user'" in text
        and "no column 'tss' for role 'time'; did you mean 'ts'?" in text
    )
    assert resolve_roles(["user", "time", "amount"], read_mapping(), "x") == {
        "user": "user",
        "time": "time",
        "amount": "amount",
    }
