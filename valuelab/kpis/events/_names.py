"""Event names a metric is given, checked against the log: a typo is refused, not counted as zero.

Every event metric that takes an event name (``signup_event``, ``value_event``,
``purchase_event``, ``active_events``, ...) refuses one the log never records, with the
log's own event names and a did-you-mean. The check costs a query over the event column,
so the metrics run it only when their result says a name matched nothing (no reached
users, no customers, no actives): the normal path pays nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from valuelab.core import InputError
from valuelab.kpis.events import _frame

__all__ = ["check_active", "check_events", "source_name"]

#: Event names listed in a message (a log may hold thousands).
_SHOWN = 20


def source_name(provenance: dict) -> str:
    """The source's display name in a metric's provenance (``events`` when it has none)."""
    return str(provenance.get("source", "events"))


def _wanted(named: dict[str, str | Iterable[str] | None]) -> dict[str, list[str]]:
    """Parameter -> its event names (one name, or a list's), parameters without names left out."""
    out = {}
    for parameter, value in named.items():
        if value is None:
            continue
        out[parameter] = [value] if isinstance(value, str) else sorted(set(value), key=str)
    return {p: names for p, names in out.items() if names}


def check_events(table: Any, named: dict[str, str | Iterable[str] | None], source: str) -> None:
    """Refuse event names the log never records: an InputError per parameter.

    Parameters
    ----------
    table : ibis.Table
        The log, with an ``event`` column.
    named : dict
        Parameter name -> the event name given for it, or an iterable of names
        (``active_events``); ``None`` (every event) is not checked.
    source : str
        The source's display name, for the message.

    Raises
    ------
    InputError
        One per unknown name (several at once), each with ``parameter`` and
        ``value``; the message lists the log's event names (first 20, sorted) and a
        did-you-mean; its ``plain`` words name none (for a web visitor: the names
        are the data's).
    """
    wanted = _wanted(named)
    names = sorted({n for v in wanted.values() for n in v}, key=str)
    if not names:
        return
    t = table
    seen = set(_frame.run(t.filter(t.event.isin(names)).select("event").distinct())["event"])
    missing = [(p, n) for p, v in wanted.items() for n in v if n not in seen]
    if not missing:
        return
    found = _frame.run(t.filter(t.event.notnull()).select("event").distinct().limit(1000))
    known = sorted(found["event"].astype(str))
    more = ", ..." if len(known) > _SHOWN else ""
    problems = []
    for parameter, name in missing:
        near = difflib.get_close_matches(str(name), known, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        problems.append(
            InputError(
                f"{parameter}: no events named '{name}' in the source{hint}",
                source=source,
                column="event",
                expected=("one of " + ", ".join(known[:_SHOWN]) + more)
                if known
                else "events with names (the log's event column is empty)",
                parameter=parameter,
                value=name,
                plain="no events named {value} in the source",  # a visitor's words: no names
            )
        )
    raise problems[0] if len(problems) == 1 else InputError(source=source, problems=problems)


def check_active(table: Any, active_events: Iterable[str] | None, any_active: bool, where) -> None:
    """Refuse ``active_events`` the log never records when nobody was active (a typo?).

    Only when the result is empty of actives: the normal path runs no extra query.
    """
    if active_events is not None and not any_active:
        names = list(active_events)
        check_events(table, {"active_events": names}, source_name(where))
