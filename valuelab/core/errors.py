"""The valuelab error hierarchy.

Every error the kit raises on purpose derives from :class:`ValueLabError`.
Bad input raises :class:`InputError`, which names *where* the input came from
(a file or an argument), the column, the offending rows and what was expected,
so that a learner, an analyst or an app can show one readable line.

Examples
--------
>>> err = InputError(
...     "streams", source="log.csv", column="streams", rows=[3, 7], expected="a whole number >= 0"
... )
>>> print(err)
log.csv: column 'streams', rows 3, 7: streams (expected a whole number >= 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["InputError", "ValueLabError", "format_rows"]

#: How many offending rows a message lists before it says "and N more".
MAX_ROWS_SHOWN = 5


class ValueLabError(Exception):
    """Root of every error valuelab raises on purpose."""


def format_rows(rows: Iterable[object], limit: int = MAX_ROWS_SHOWN) -> str:
    """Render row labels as ``"3, 7, 9 and 12 more"``.

    Examples
    --------
    >>> format_rows(range(8), limit=3)
    '0, 1, 2 and 5 more'
    """
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    extra = len(rows) - limit
    return f"{shown} and {extra} more" if extra > 0 else shown


class InputError(ValueLabError, ValueError):
    """Input that valuelab cannot use, with where and what was expected.

    Parameters
    ----------
    problem : str
        What is wrong, in a few words.
    source : str, optional
        The file name or argument the input came from.
    column : str, optional
        The offending column or field.
    rows : sequence, optional
        Labels of the offending rows (the first few are shown).
    expected : str, optional
        What a valid value looks like.
    problems : sequence of InputError, optional
        Several problems reported at once; the message lists them all.
    """

    def __init__(
        self,
        problem: str = "",
        *,
        source: str | None = None,
        column: str | None = None,
        rows: Sequence[object] | None = None,
        expected: str | None = None,
        problems: Sequence[InputError] | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.column = column
        self.rows = list(rows) if rows is not None else []
        self.expected = expected
        self.problems = list(problems or [])
        super().__init__(self._message())

    def _message(self) -> str:
        if self.problems:
            head = f"{self.source}: " if self.source else ""
            n = len(self.problems)
            lead = self.problem or f"{n} problem{'s' if n > 1 else ''}"
            return head + lead + ": " + "; ".join(p._located(self.source) for p in self.problems)
        return self._located(None)

    def _located(self, outer_source: str | None) -> str:
        where = []
        if self.source and self.source != outer_source:
            where.append(self.source)
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.rows:
            label = "row" if len(self.rows) == 1 else "rows"
            where.append(f"{label} {format_rows(self.rows)}")
        text = self.problem
        if self.expected:
            text += f" (expected {self.expected})"
        if not where:
            return text
        # "log.csv: column 'x', rows 1, 2: ..." reads as one line.
        src = where[0] + ": " if self.source and self.source != outer_source else ""
        rest = where[1:] if src else where
        return src + (", ".join(rest) + ": " if rest else "") + text
