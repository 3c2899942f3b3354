"""Clock changes: wall-clock times a zone skipped or lived twice, refused or resolved as declared.

When clocks go forward (Europe/Berlin, 2024-03-31 02:00 -> 03:00) the wall-clock times in
between never happened; when they go back (2024-10-27 03:00 -> 02:00) the hour in between
happened twice. A naive time in such a window names no instant, or two. valuelab refuses
them by default (``dst: refuse``), with the rows, and resolves them only when the mapping
says how, with the two readings of PEP 495's ``fold`` (A. Belopolsky and T. Peters,
"PEP 495 - Local Time Disambiguation", Python Software Foundation, 2015):

- ``dst: earlier`` (``fold=0``): a repeated time is its first occurrence (the offset before
  the change); a skipped time is read with the offset before the change, so it moves forward
  by the gap (02:30 reads as 03:30 summer time). This is iCalendar's rule (B. Desruisseaux,
  RFC 5545, "Internet Calendaring and Scheduling Core Object Specification", IETF, 2009,
  section 3.3.5).
- ``dst: later`` (``fold=1``): a repeated time is its second occurrence (the offset after the
  change); a skipped time is read with the offset after the change (02:30 reads as 01:30
  winter time).

The windows come from the zone database (:mod:`zoneinfo`) for the years the data covers, so
the engine only compares times with a few constants: the check costs no zone conversion.

Examples
--------
>>> import datetime as dt
>>> [(c.kind, str(c.start), str(c.end)) for c in clock_changes(
...     "Europe/Berlin", dt.datetime(2024, 1, 1), dt.datetime(2024, 12, 31))]
[('gap', '2024-03-31 02:00:00', '2024-03-31 03:00:00'), \
('fold', '2024-10-27 02:00:00', '2024-10-27 03:00:00')]
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

__all__ = ["POLICIES", "ClockChange", "Localized", "clock_changes", "localized"]

#: The ``dst:`` policies of a mapping; the first is the default.
POLICIES = ("refuse", "earlier", "later")
_DAY = _dt.timedelta(days=1)


@dataclass(frozen=True)
class ClockChange:
    """One clock change as a window of wall-clock times ``[start, end)``.

    ``kind`` is ``"gap"`` (clocks went forward: the window never happened) or ``"fold"``
    (clocks went back: it happened twice); ``delta`` is the change (positive).
    """

    kind: str
    start: _dt.datetime
    end: _dt.datetime
    delta: _dt.timedelta


@dataclass(frozen=True)
class Localized:
    """A naive wall-clock time as an instant, with flags for the rows in a clock change."""

    instant: Any
    gap: Any = None
    fold: Any = None


def _offset(zone: zoneinfo.ZoneInfo, seconds: int) -> _dt.timedelta:
    return _dt.datetime.fromtimestamp(seconds, _dt.UTC).astimezone(zone).utcoffset()


def _change_at(zone: zoneinfo.ZoneInfo, lo: int, hi: int) -> int:
    """The first second (epoch) in ``(lo, hi]`` with ``hi``'s offset, ``lo``'s differing."""
    before = _offset(zone, lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _offset(zone, mid) == before else (lo, mid)
    return hi


def clock_changes(zone: str, first: _dt.datetime, last: _dt.datetime) -> list[ClockChange]:
    """The clock changes of ``zone`` between two wall-clock times, oldest first.

    Parameters
    ----------
    zone : str
        An IANA time zone.
    first, last : datetime
        Naive wall-clock times in ``zone`` (the data's first and last).

    Returns
    -------
    list of ClockChange
        Empty for a zone without changes in that span (UTC, Asia/Tokyo).
    """
    z = zoneinfo.ZoneInfo(zone)
    day = int(_DAY.total_seconds())
    t = int((first - _DAY).replace(tzinfo=_dt.UTC).timestamp())
    stop = int((last + _DAY).replace(tzinfo=_dt.UTC).timestamp())
    found, before = [], _offset(z, t)
    while t < stop:
        after = _offset(z, t + day)
        if after != before:
            at = _dt.datetime.fromtimestamp(_change_at(z, t, t + day), _dt.UTC).replace(tzinfo=None)
            lo, hi = sorted([at + before, at + after])
            found.append(ClockChange("gap" if after > before else "fold", lo, hi, hi - lo))
        before, t = after, t + day
    return found


def _inside(wall: Any, change: ClockChange) -> Any:
    """Ibis boolean: ``wall`` falls in ``change``'s window ``[start, end)``."""
    import ibis

    return (wall >= ibis.literal(change.start)) & (wall < ibis.literal(change.end))


def _within(wall: Any, changes: list[ClockChange], kind: str) -> Any:
    """Ibis boolean: ``wall`` falls in one of the ``kind`` windows (None: there are none)."""
    flag = None
    for c in (c for c in changes if c.kind == kind):
        flag = _inside(wall, c) if flag is None else flag | _inside(wall, c)
    return flag


def _resolved(wall: Any, change: ClockChange, policy: str, localize: Any) -> Any:
    """The instant ``policy`` names for a wall time in ``change`` (see the module's text)."""
    import ibis

    step = ibis.interval(seconds=int(change.delta.total_seconds()))
    if change.kind == "gap":
        return localize(wall + step) if policy == "earlier" else localize(wall - step)
    if policy == "earlier":  # the first occurrence: an hour before is unique, then move on
        return localize(wall - step) + step
    return localize(wall + step) - step


def localized(table: Any, wall: Any, zone: str, policy: str, localize: Any) -> Localized:
    """The instant of naive ``wall`` times written in ``zone``, clock changes as ``policy`` says.

    Parameters
    ----------
    table : ibis.Table
        The source (one query: the first and last wall time, for the zone's changes).
    wall : ibis timestamp expression
        The times as written (no zone).
    zone : str
        The IANA zone they were written in.
    policy : {"refuse", "earlier", "later"}
        ``refuse``: the flags mark the rows (the caller refuses them); otherwise
        :data:`POLICIES`' readings decide the instant.
    localize : callable
        ``localize(wall) -> instant`` of the backend (its reading outside changes).

    Returns
    -------
    Localized
        The instant expression and the ``gap``/``fold`` flags (``None``: no change in span).
    """
    import ibis

    row = table.aggregate(lo=wall.min(), hi=wall.max()).to_pyarrow().to_pylist()[0]
    if row["lo"] is None:
        return Localized(localize(wall))
    changes = clock_changes(zone, _naive(row["lo"]), _naive(row["hi"]))
    gap, fold = _within(wall, changes, "gap"), _within(wall, changes, "fold")
    if policy == "refuse" or not changes:
        return Localized(localize(wall), gap, fold)
    branches = [(_inside(wall, c), _resolved(wall, c, policy, localize)) for c in changes]
    return Localized(ibis.cases(*branches, else_=localize(wall)), gap, fold)


def _naive(value: Any) -> _dt.datetime:
    """A backend's first or last time as a naive datetime (a date at midnight)."""
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None)
    return _dt.datetime.combine(value, _dt.time())
