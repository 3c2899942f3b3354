"""What a source holds, in a few lines: roles, rows, date range, incomplete months, problems.

A month is *incomplete* when the log does not cover it whole: the first month
when the first event falls after its first day, the last month when the last
event falls before its last day (days on the reporting zone's clock). Results
over such a month count fewer days than a whole one, so metrics flag them.

A log whose every time falls on 1970-01-01 is noted too: that is what integer dates
(``20240105``) become when something upstream took them for nanoseconds since 1970, as
``pandas.to_datetime`` does with integers by default (pandas documentation,
"pandas.to_datetime", ``unit`` defaults to ``"ns"``, 2024).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from valuelab.data.sources.kinds import table_kind

__all__ = ["CheckReport", "check_source", "epoch_note", "incomplete_months"]


@dataclass(frozen=True)
class CheckReport:
    """A source's check: what ``valuelab data check`` prints.

    Attributes
    ----------
    source : str
        Display name (no credentials).
    roles : dict
        Role -> the source's column.
    rows : int
        Events in the canonical table (after the duplicates policy).
    first, last : datetime or None
        First and last event time, reporting wall clock.
    timezone, currency, time_format : str
        The reporting zone, the amounts' currency (or ``None``), how times were read.
    incomplete : list of str
        Months the log does not cover whole.
    problems : list of str
        What to know before using it (duplicates, refunds, undeclared currency), printed
        as ``note:`` lines; a source that cannot be used raises InputError instead.
    kind : str
        The mapping's kind: ``events`` or a shipped table's layout.
    freshness : str, optional
        The declared freshness value (:meth:`Source.provenance`).
    """

    source: str
    roles: dict[str, str]
    rows: int
    first: _dt.datetime | None
    last: _dt.datetime | None
    timezone: str
    currency: str | None
    time_format: str
    incomplete: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kind: str = "events"
    freshness: str | None = None

    def to_text(self) -> str:
        """The report as lines of text."""
        roles = ", ".join(f"{r} <- {c}" for r, c in self.roles.items())
        span = f"{self.first} to {self.last}" if self.first else "none"
        if self.kind != "events":  # a table in a shipped layout: no times, no periods
            lines = [f"source: {self.source}", f"kind: {self.kind}", f"roles: {roles}"]
            lines += [f"rows: {self.rows:,}", f"freshness: {self.freshness or 'not declared'}"]
            lines += [f"currency: {self.currency or 'not declared'}"]
            return "\n".join(lines + [f"note: {p}" for p in self.problems])
        lines = [
            f"source: {self.source}",
            f"roles: {roles}",
            f"rows: {self.rows:,}",
            f"date range: {span} ({self.timezone}; times read as {self.time_format})",
            f"currency: {self.currency or 'not declared'}",
            "incomplete periods: " + ("; ".join(self.incomplete) or "none"),
        ]
        lines += [f"note: {p}" for p in self.problems] or ["notes: none"]
        return "\n".join(lines)


def incomplete_months(first: _dt.datetime | None, last: _dt.datetime | None) -> list[str]:
    """The first and last months a log from ``first`` to ``last`` does not cover whole.

    Examples
    --------
    >>> from datetime import datetime
    >>> incomplete_months(datetime(2024, 1, 15), datetime(2024, 3, 31, 23))
    ['first month 2024-01 starts on 2024-01-15']
    >>> incomplete_months(datetime(2024, 1, 1), datetime(2024, 3, 1, 8))
    ['last month 2024-03 ends on 2024-03-01']
    """
    if first is None or last is None:
        return []
    found = []
    if first.day != 1:
        found.append(f"first month {first:%Y-%m} starts on {first:%Y-%m-%d}")
    if last.day != calendar.monthrange(last.year, last.month)[1]:
        found.append(f"last month {last:%Y-%m} ends on {last:%Y-%m-%d}")
    return found


def epoch_note(first: _dt.datetime | None, last: _dt.datetime | None) -> str | None:
    """A note when every time falls on 1970-01-01: numbers read as time since 1970.

    Examples
    --------
    >>> from datetime import datetime
    >>> note = epoch_note(
    ...     datetime(1970, 1, 1, 0, 0, 0, 20240), datetime(1970, 1, 1, 0, 0, 0, 20250)
    ... )
    >>> note.split(":")[0]
    'every time falls on 1970-01-01, within 0.02 s of midnight'
    >>> epoch_note(datetime(2024, 1, 1), datetime(2024, 1, 31)) is None
    True
    """
    day = _dt.date(1970, 1, 1)
    if first is None or last is None or first.date() != day or last.date() != day:
        return None
    seconds = (last - _dt.datetime(1970, 1, 1)).total_seconds()
    return (
        f"every time falls on 1970-01-01, within {seconds:.2g} s of midnight: numbers read as "
        "nano- or microseconds since 1970? Map the raw column (date_format: yyyymmdd)"
    )


def _notes(source: Any, first: Any = None, last: Any = None) -> list[str]:
    t, notes = source.table, []
    if (epoch := epoch_note(first, last)) is not None:
        notes.append(epoch)
    counts = source.counts
    money = {"amount", *table_kind(source.mapping.kind).shipped}  # arr, new_revenue
    if money & set(t.columns) and source.currency is None:
        notes.append("amounts carry no declared currency (currency: in the mapping)")
    if counts.get("negative_amount"):
        policy = source.mapping.refunds
        kept = "netted in amount" if policy == "net" else "kept apart in refund"
        notes.append(f"{counts['negative_amount']} negative amounts (refunds): {kept}")
    changed = counts.get("dst_gap", 0) + counts.get("dst_fold", 0)
    if changed and source.mapping.dst != "refuse":
        notes.append(
            f"{changed} times in a clock change of {source.mapping.source_timezone} "
            f"({counts.get('dst_gap', 0)} skipped, {counts.get('dst_fold', 0)} repeated) "
            f"read as dst: {source.mapping.dst}"
        )
    if source.mapping.duplicates == "keep":
        notes += _duplicates(source, counts.get("rows"))
    return notes


def _duplicates(source: Any, rows: int | None) -> list[str]:
    """Exact duplicates judged on whole source rows; mapped-column repeats only described."""
    t = source.table
    rows = rows if rows is not None else t.count().to_pyarrow().as_py()
    mapped = rows - t.distinct().count().to_pyarrow().as_py()
    if not mapped:
        return []
    raw = source.raw
    exact = rows - raw.distinct().count().to_pyarrow().as_py() if raw is not None else 0
    notes = []
    if exact:
        notes.append(
            f"{exact} exact duplicate rows (every one of the source's {len(raw.columns)} "
            "columns repeated) kept (duplicates: drop removes them)"
        )
    if mapped > exact:
        same = ", ".join(t.columns)
        notes.append(
            f"{mapped - exact} events repeat another's {same} but differ in other columns of "
            "the source: kept as separate events (not exact duplicates)"
        )
    return notes


def check_source(source: Any) -> CheckReport:
    """Check an opened :class:`~valuelab.data.sources.source.Source` (three small queries)."""
    first, last = source.time_range()
    rows = source.table.count().to_pyarrow().as_py()
    return CheckReport(
        source=source.name,
        roles=dict(source.roles),
        rows=int(rows),
        first=first,
        last=last,
        timezone=source.timezone,
        currency=source.currency,
        time_format=source.time_format,
        incomplete=incomplete_months(first, last),
        problems=_notes(source, first, last),
        kind=source.mapping.kind,
        freshness=source.freshness(),
    )
