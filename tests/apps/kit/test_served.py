"""What an app's kernel knows of ``valuelab serve``: sources, limits, the visitor, the log."""

import io
import sys

import pytest

from valuelab.apps.kit import served
from valuelab.core.errors import InputError


def test_sources_and_limits_come_from_the_server(monkeypatch):
    monkeypatch.delenv(served.SOURCES_ENV, raising=False)
    monkeypatch.delenv(served.LIMITS_ENV, raising=False)
    assert served.operator_sources() == {} and served.report_limits() == {}
    monkeypatch.setenv(served.SOURCES_ENV, '{"B accounts": "/srv/b.csv", "A": "@warehouse"}')
    monkeypatch.setenv(served.LIMITS_ENV, '{"max_memory_mb": 1500}')
    assert list(served.operator_sources().items()) == [
        ("B accounts", "/srv/b.csv"),
        ("A", "@warehouse"),
    ]  # in the operator's order
    assert served.report_limits() == {"max_memory_mb": 1500}


def test_an_error_goes_to_the_servers_log_under_an_id(monkeypatch):
    log = io.StringIO()
    monkeypatch.setattr(sys, "__stderr__", log)
    try:
        raise KeyError("A0011 not in /srv/accounts.csv")
    except KeyError as err:
        error_id = served.log_error("report x failed", err)
    assert len(error_id) == 8 and int(error_id, 16) >= 0
    text = log.getvalue()
    assert text.startswith(f"valuelab error {error_id}: report x failed\n")
    assert "Traceback" in text and "KeyError: 'A0011 not in /srv/accounts.csv'" in text
    assert served.log_error("plain") != error_id


def test_one_report_at_a_time_per_visitor(monkeypatch, tmp_path):
    monkeypatch.setenv(served.RUNTIME_ENV, str(tmp_path))
    monkeypatch.setenv(served.CLIENT_ENV, "0123456789abcdef")
    with served.one_at_a_time("report"):
        assert (tmp_path / "0123456789abcdef.report.lock").exists()
        with pytest.raises(InputError, match="your previous report is still being made"):
            with served.one_at_a_time("report"):
                pass  # pragma: no cover
        with served.one_at_a_time("export"):  # another job is not blocked
            pass
        monkeypatch.setenv(served.CLIENT_ENV, "fedcba9876543210")
        with served.one_at_a_time("report"):  # another visitor is not blocked
            pass
        monkeypatch.setenv(served.CLIENT_ENV, "0123456789abcdef")
    with served.one_at_a_time("report"):  # released
        pass
    monkeypatch.setenv(served.CLIENT_ENV, "../../etc/passwd")  # not an id: the process's own
    with served.one_at_a_time("report"):
        assert not (tmp_path / "../../etc/passwd.report.lock").exists()
