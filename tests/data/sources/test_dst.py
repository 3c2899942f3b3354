"""Clock changes: skipped and repeated wall-clock times refused, or read as PEP 495's fold says.

The oracle is Python's own zoneinfo: ``datetime(..., fold=0 or 1, tzinfo=ZoneInfo(zone))``
converted to UTC (PEP 495), on a DataFrame, a CSV file (DuckDB) and PostgreSQL.
"""

import datetime as dt
import zoneinfo

import pandas as pd
import pytest

from valuelab.cli import main
from valuelab.core import InputError
from valuelab.data.sources import open_source
from valuelab.data.sources.dst import clock_changes

BERLIN = "Europe/Berlin"
WALL = [
    "2024-03-31 01:30:00",  # before the gap
    "2024-03-31 02:30:00",  # skipped: clocks went 02:00 -> 03:00
    "2024-03-31 03:30:00",  # after it
    "2024-10-27 02:30:00",  # repeated: clocks went 03:00 -> 02:00
    "2024-10-27 03:30:00",
]
LOG = pd.DataFrame({"u": list("abcde"), "t": pd.to_datetime(WALL)})


def _oracle(fold: int) -> list[pd.Timestamp]:
    """UTC wall clock of each time read with PEP 495's ``fold`` by the standard library."""
    zone = zoneinfo.ZoneInfo(BERLIN)
    out = []
    for text in WALL:
        local = dt.datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)
        out.append(pd.Timestamp(local.astimezone(dt.UTC).replace(tzinfo=None)))
    return out


def test_clock_changes_of_a_year_by_hand():
    changes = clock_changes(BERLIN, dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31))
    assert [(c.kind, c.start, c.end, c.delta) for c in changes] == [
        ("gap", dt.datetime(2024, 3, 31, 2), dt.datetime(2024, 3, 31, 3), dt.timedelta(hours=1)),
        ("fold", dt.datetime(2024, 10, 27, 2), dt.datetime(2024, 10, 27, 3), dt.timedelta(hours=1)),
    ]
    # Lord Howe Island moves its clocks by half an hour; Sydney's year starts in summer time
    howe = clock_changes("Australia/Lord_Howe", dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31))
    assert [(c.kind, c.start, c.delta) for c in howe] == [
        ("fold", dt.datetime(2024, 4, 7, 1, 30), dt.timedelta(minutes=30)),
        ("gap", dt.datetime(2024, 10, 6, 2), dt.timedelta(minutes=30)),
    ]
    assert clock_changes("UTC", dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)) == []
    assert clock_changes("Asia/Tokyo", dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)) == []


def _sources(tmp_path, request):
    yield "DataFrame", LOG
    path = tmp_path / "log.csv"
    LOG.to_csv(path, index=False)
    yield "CSV", str(path)
    db = request.getfixturevalue("postgres_db")
    yield "PostgreSQL", db.upload("dst_log", LOG)


def test_skipped_and_repeated_times_are_refused_with_their_rows(tmp_path, request):
    for name, source in _sources(tmp_path, request):
        with pytest.raises(InputError) as err:
            open_source(source, user="u", time="t", timezone=BERLIN)
        text = str(err.value)
        assert "times that never happened (clocks went forward) in Europe/Berlin on 1 of 5" in text
        assert "times that happened twice (clocks went back) in Europe/Berlin on 1 of 5" in text
        assert "row 2: u='b'" in text and "row 4: u='d'" in text, name
        assert "dst: earlier" in text and "dst: later" in text
    # the same times as the reporting zone's own wall clock: no instant needed, nothing refused
    same = open_source(LOG, user="u", time="t", timezone=BERLIN, reporting_timezone=BERLIN)
    assert same.table.execute()["time"].tolist() == LOG["t"].tolist()


def test_declared_readings_agree_with_pep_495(tmp_path, request):
    for name, source in _sources(tmp_path, request):
        for policy, fold in (("earlier", 0), ("later", 1)):
            src = open_source(source, user="u", time="t", timezone=BERLIN, dst=policy)
            found = src.table.execute().sort_values("user")["time"].tolist()
            assert found == _oracle(fold), (name, policy)
            assert src.counts["dst_gap"] == 1 and src.counts["dst_fold"] == 1
    # outside the changes, pandas' own conversion agrees
    plain = LOG["t"].dt.tz_localize(BERLIN, ambiguous="NaT", nonexistent="NaT")
    expected = plain.dt.tz_convert("UTC").dt.tz_localize(None)
    assert _oracle(0)[::2] == expected.iloc[::2].tolist()


def test_data_check_lists_them_and_notes_a_declared_reading(tmp_path, capsys):
    path = tmp_path / "log.csv"
    LOG.to_csv(path, index=False)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  user: u\n  time: t\ntimezone: Europe/Berlin\n")
    assert main(["data", "check", str(path), "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert "row 2: u='b', t='2024-03-31 02:30:00'" in err
    assert "row 4: u='d', t='2024-10-27 02:30:00'" in err
    mapping.write_text(mapping.read_text() + "dst: later\n")
    assert main(["data", "check", str(path), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert (
        "2 times in a clock change of Europe/Berlin (1 skipped, 1 repeated) read as dst: later"
        in out
    )
    with pytest.raises(InputError, match="unknown policy 'first'"):
        open_source(LOG, user="u", time="t", timezone=BERLIN, dst="first")
