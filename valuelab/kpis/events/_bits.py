"""Each user's active periods as the bits of one integer: distinct counts without distinct pairs.

Counting distinct users per period the textbook way (``DISTINCT user, period`` and a count, or
``count(DISTINCT user)``) makes the engine hash every (user, period) pair: millions of entries
for a year of weeks. One ``GROUP BY user`` with ``bit_or(1 << period number)`` keeps one integer
per user per 62 periods instead, and the counts per period are sums of single bits over those
users: the same numbers, with one small hash table. On a 10 M-event log with 500,000 string ids,
DuckDB spends 1.4-1.7 CPU s on WAU and MAU this way against 2.6-3.1 s for the pairs, and 3.7 s
on rolling 28-day actives against 6.8 s for the pairs and their next-day window. Bit positions
0-61 of a BIGINT are used, so no shift reaches the sign bit in any engine; PostgreSQL and DuckDB
have ``bit_or``. Another engine (SQLite), or a longer span, takes the textbook query; so
does a calendar count over more than one mask (DAU over a year) outside this process, whose
bit sums are counted here (:func:`calendar_counts`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from valuelab.kpis.events import _frame

#: Periods one BIGINT mask holds (bits 0-61: never the sign bit, never an overflowing shift).
BITS = 62
#: Masks per user at most (744 periods: two years of days); a longer span takes the textbook query.
BLOCKS = 12
#: The widest rolling window the masks compute (a window's reach into the next block must fit).
WIDEST = 31
_FULL = (1 << BITS) - 1
_ENGINES = ("duckdb", "postgres")
_EPOCH = pd.Timestamp("1970-01-01")


def usable(table: Any, periods: int) -> bool:
    """Whether ``table``'s engine has ``bit_or`` and ``periods`` fit in :data:`BLOCKS` masks."""
    return 0 < periods <= BITS * BLOCKS and _engine(table) in _ENGINES


def _engine(table: Any) -> str:
    """The name of ``table``'s engine; a DataFrame's in-memory table runs in DuckDB."""
    from ibis.common.exceptions import IbisError

    try:
        return table._find_backend(use_default=False).name
    except IbisError:  # a DataFrame's in-memory table: the in-process DuckDB
        return "duckdb"


def number_of(day: pd.Timestamp, period: str) -> int:
    """``_frame.period_number`` of the period holding ``day``, computed in Python."""
    if period == "month":
        return day.year * 12 + day.month
    if period == "quarter":
        return day.year * 4 + day.quarter
    days = (day.normalize() - _EPOCH).days
    return (days + 3) // 7 if period == "week" else days


def masks(table: Any, position: Any, **keys: Any) -> Any:
    """One row per user (and ``keys``): ``mask``, bit ``position`` set for each period active.

    ``position`` is an Ibis integer expression on ``table`` between 0 and ``BITS - 1``;
    ``keys`` are further Ibis expressions on ``table`` to group by beside the user.
    """
    import ibis

    one = ibis.literal(1).cast("int64")
    kept = table.filter(table.time.notnull())
    rows = kept.select(user=kept.user, p=position.cast("int32"), **keys)
    return rows.group_by("user", *keys).aggregate(mask=(one << rows.p).bit_or())


def block_masks(table: Any, position: Any, periods: int) -> tuple[Any, int]:
    """(One row per user with masks ``m0`` ... ``m{k-1}``, ``k``): block ``j`` holds positions
    ``62 j`` to ``62 j + 61`` of ``position`` (an Ibis integer on ``table``, 0 to ``periods - 1``).
    A mask is NULL where the user has no position in its block.
    """
    import ibis

    one = ibis.literal(1).cast("int64")
    kept = table.filter(table.time.notnull())
    rows = kept.select(user=kept.user, p=position.cast("int32"))
    shift = one << (rows.p % BITS)  # always 0-61, however the engine orders the filter
    k = -(-periods // BITS)
    if k == 1:
        return rows.group_by("user").aggregate(m0=shift.bit_or()), 1
    where = {j: (rows.p >= BITS * j) & (rows.p < BITS * (j + 1)) for j in range(k)}
    aggs = {f"m{j}": shift.bit_or(where=where[j]) for j in range(k)}
    return rows.group_by("user").aggregate(**aggs), k


def _dilated(masks: Any, width: int) -> Any:
    """``masks`` (an Ibis table of mask columns) with each set bit also setting the ``width - 1``
    bits above it (within 62), by doubling: one projection per step, so that no engine sees an
    expression repeated inside another."""
    done = 1
    while done < width:
        step = min(done, width - done)
        masks = masks.select(
            **{c: masks[c] | ((masks[c] & (_FULL >> step)) << step) for c in masks.columns}
        )
        done += step
    return masks


def position_counts(m: Any, periods: int, window: int = 1) -> Any:
    """One row: ``c0`` ... users covered at each position (an Ibis table expression).

    Position ``p`` of a user is covered when the user is active at one of the positions
    ``p - window + 1`` to ``p``: block ``j``'s own bits dilated by ``window``, and the last
    ``window - 1`` bits of block ``j - 1`` reaching into it (``window`` at most :data:`WIDEST`).
    Each block is computed once per user, then summed bit by bit in one aggregate.
    """
    k = -(-periods // BITS)
    cols = {f"b{j}": m[f"m{j}"].fill_null(0) for j in range(k)}
    if window > 1:  # the positions of block j - 1 that reach into block j
        cols |= {f"t{j}": cols[f"b{j - 1}"] >> (BITS + 1 - window) for j in range(1, k)}
    per_user = _dilated(m.select(**cols), window)
    if window > 1 and k > 1:
        reach = {
            f"b{j}": per_user[f"b{j}"] | (per_user[f"t{j}"] >> (window - 1)) for j in range(1, k)
        }
        per_user = per_user.select(b0=per_user.b0, **reach)
    sums = {f"c{p}": bit(per_user[f"b{p // BITS}"], p % BITS).sum() for p in range(periods)}
    return per_user.aggregate(**sums)


def counts(table: Any, position: Any, periods: int, window: int = 1) -> Any:
    """Users active at (or, with ``window``, within ``window`` positions before) each position.

    Returns a numpy int64 array of length ``periods``, computed by the table's engine.
    """
    import numpy as np

    m, _ = block_masks(table, position, periods)
    row = _frame.run(position_counts(m, periods, window)).iloc[0]
    return np.asarray(row.fillna(0).to_numpy(dtype="int64"))


def calendar_counts(table: Any, position: Any, periods: int) -> Any:
    """Users active at each position (0 to ``periods - 1``): a numpy int64 array.

    Up to 62 positions, :func:`counts` (one mask per user, bit sums by the engine). Over more
    (DAU over a year: 366 days in 6 masks), the engine still builds every user's masks, one
    row per user, and the 62 bit sums per mask are counted here from byte histograms: 366 sums
    over every user in SQL cost more than the (user, day) pairs they replace. Only for an
    in-process engine (:func:`local`): the masks are a few bytes per user, never the events.
    """
    import numpy as np

    if periods <= BITS:
        return counts(table, position, periods)
    m, k = block_masks(table, position, periods)
    masks = _frame.run(m.select(**{f"m{j}": m[f"m{j}"].fill_null(0) for j in range(k)}))
    sums = [_bit_sums(masks[f"m{j}"].to_numpy(dtype="int64"))[:BITS] for j in range(k)]
    return np.concatenate(sums)[:periods]


def _bit_sums(values: Any) -> Any:
    """How many of ``values`` (int64) have each of bits 0-63 set: one histogram per byte."""
    import numpy as np

    lut = (np.arange(256)[:, None] >> np.arange(8)) & 1  # byte value -> its 8 bits, lowest first
    little = np.ascontiguousarray(values, dtype="<i8").view(np.uint8).reshape(-1, 8)
    return np.concatenate([np.bincount(little[:, j], minlength=256) @ lut for j in range(8)])


def local(table: Any) -> bool:
    """Whether ``table`` is computed in this process (DuckDB, or a DataFrame through it)."""
    return _engine(table) == "duckdb"


def bit(mask: Any, position: int) -> Any:
    """1 where ``mask`` has bit ``position`` set, else 0 (an Ibis integer)."""
    return (mask >> position) & 1


def below(mask: Any, position: int) -> Any:
    """``mask`` with only its bits under ``position`` kept (the periods before it)."""
    return mask & ((1 << position) - 1)


def popcount(mask: Any, width: int) -> Any:
    """The number of bits set among the ``width`` lowest of ``mask``."""
    return sum((bit(mask, b) for b in range(1, width)), bit(mask, 0))
