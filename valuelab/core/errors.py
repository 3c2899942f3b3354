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

An error about a value someone typed also names the parameter it came in and
says what is wrong in plain words *without the data* (``plain``, where
``{value}`` stands for their value), so an app can tell a visitor which field
and which of their values was refused, and nothing else
(:meth:`InputError.public_message`):

>>> err = InputError(
...     "no account 'ZZZ9'; did you mean 'A0019'?",
...     parameter="customer_id",
...     value="ZZZ9",
...     plain="no account {value}",
... )
>>> err.public_message({"customer_id": "Account"})
'Account: no account “ZZZ9”. Check the value and try again.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = ["InputError", "ValueLabError", "format_rows", "public_value"]

#: How many offending rows a message lists before it says "and N more".
MAX_ROWS_SHOWN = 5
#: How many characters of a person's value a public message quotes before it cuts it with "…".
MAX_VALUE_SHOWN = 40
#: ``value`` not given (``None`` is a value a person can give).
_UNSET = object()


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
    parameter : str, optional
        The parameter (argument, report parameter, form field) the value came in.
    value : object, optional
        The value given for ``parameter``, as the person gave it.
    plain : str, optional
        What is wrong with that value in a person's words, built from the
        code's own words only (never from the data: no ids, rows or file
        names); ``{value}`` marks where the value is quoted, e.g.
        ``"no account {value}"``; words with ``{label}`` place the field's
        label themselves (``"{label} is required"``), others follow it after
        a colon. See :meth:`public_message`.
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
        parameter: str | None = None,
        value: object = _UNSET,
        plain: str | None = None,
    ) -> None:
        self.parameter, self.value, self.plain = parameter, value, plain
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

    def public_message(
        self,
        labels: Mapping[str, str] | None = None,
        values: Mapping[str, object] | None = None,
    ) -> str | None:
        """The error for a visitor: each field's label, their value and ``plain``, nothing else.

        Parameters
        ----------
        labels : mapping, optional
            Parameter name -> the label the visitor knows the field by (default: the name).
        values : mapping, optional
            Parameter name -> the value the visitor gave, quoted instead of
            :attr:`value` (an app passes its own copy of what was typed).

        Returns
        -------
        str or None
            ``"Account: no account “ZZZ9”. Check the value and try again."``
            (several problems joined by "; "); values are cut to
            :data:`MAX_VALUE_SHOWN` characters (:func:`public_value`), not
            escaped (escape the text where it goes into HTML). ``None`` when
            a problem names no parameter: only a generic message is safe then.
        """
        parts = self.problems or [self]
        if any(p.parameter is None for p in parts):
            return None
        labels, values = labels or {}, values or {}
        said = [p._public(labels.get(p.parameter, p.parameter), values) for p in parts]
        value_s = "value" if len(said) == 1 else "values"
        return f"{'; '.join(said)}. Check the {value_s} and try again."

    def refusals(self) -> list[tuple[str | None, str | None]]:
        """``(parameter, plain)`` of each problem: what may cross to a visitor, and no value.

        A report's kernel answers this after a cell failed, so the app that
        asked for the report can say which field was refused (with the value
        it sent itself) without the message, which may quote the data.

        Examples
        --------
        >>> err = InputError("no account 'Z'", parameter="customer_id", plain="no account {value}")
        >>> err.refusals()
        [('customer_id', 'no account {value}')]
        """
        return [(p.parameter, p.plain) for p in (self.problems or [self])]

    def _public(self, label: str, values: Mapping[str, object]) -> str:
        value = values.get(self.parameter, self.value) if self.parameter else self.value
        plain = self.plain or ("{value} cannot be used" if value is not _UNSET else "not usable")
        quoted = public_value(value) if value is not _UNSET else "the value"
        if "{label}" in plain:  # the words place the label themselves: "{label} is required"
            return plain.format(label=label, value=quoted)
        return f"{label}: {plain.format(value=quoted)}"


def public_value(value: object, limit: int = MAX_VALUE_SHOWN) -> str:
    """A person's value quoted for a message: one line, cut at ``limit`` characters.

    Examples
    --------
    >>> public_value("ZZZ9")
    '“ZZZ9”'
    >>> public_value("x" * 50, limit=5)
    '“xxxx…”'
    """
    text = " ".join(str(value).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"
