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


def test_an_error_goes_to_the_servers_log_under_an_id(capfd):
    try:
        raise KeyError("A0011 not in /srv/accounts.csv")
    except KeyError as err:
        error_id = served.log_error("report x failed", err)
    assert len(error_id) == 8 and int(error_id, 16) >= 0
    text = capfd.readouterr().err
    assert text.startswith(f"valuelab error {error_id}: report x failed\n")
    assert "Traceback" in text and "KeyError: 'A0011 not in /srv/accounts.csv'" in text
    assert served.log_error("plain") != error_id


class _KernelStderr(io.StringIO):
    """ipykernel's ``sys.stderr``: what is written to it goes to the page's connection;
    ``fileno()`` is the kernel's original standard error (the server's log)."""

    def __init__(self, fd):
        super().__init__()
        self.fd = fd

    def fileno(self):
        return self.fd


def _raised(make):
    try:
        make()
    except Exception as err:
        return err


def test_a_failure_is_logged_once_with_one_traceback(monkeypatch):
    """Not through the kernel's stream (``serve`` logs what reaches the page's connection
    again), and one traceback for a chain (the first error's), the cell's for a report."""
    import os

    from valuelab.reports import ReportError

    read, write = os.pipe()
    stream = _KernelStderr(write)
    monkeypatch.setattr(sys, "stderr", stream)

    def chained():
        try:
            raise KeyError("A0011")
        except KeyError as err:
            raise InputError("the report failed") from err

    first = served.log_error("app failed", _raised(chained))
    report = ReportError("t.ipynb", "x = f()", "InputError", "no account 'A0011'")
    report.traceback = "InputError    Traceback (most recent call last)\nCell In[2], line 1"

    def failed_report():
        raise InputError("t.ipynb: the report failed") from report

    second = served.log_error("report t.ipynb failed", _raised(failed_report))
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as log:
        text = log.read()
    assert stream.getvalue() == ""  # nothing sent towards the page
    entries = text.split("valuelab error ")[1:]
    assert [e.split(":")[0] for e in entries] == [first, second]
    assert [e.count("Traceback (most recent call last)") for e in entries] == [1, 1]
    assert "KeyError: 'A0011'" in entries[0] and "the report failed" not in entries[0]
    assert entries[1] == (
        f"{second}: report t.ipynb failed\n"
        "ReportError: t.ipynb: InputError: no account 'A0011'\nthe cell's traceback:\n"
        "InputError    Traceback (most recent call last)\nCell In[2], line 1\n"
    )


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
