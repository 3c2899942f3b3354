"""Where a number comes from: reported, derived from reported figures, or estimated.

Every figure a lesson teaches, a chart draws or a report states is one of
three kinds (the convention of the sources tables at the end of each lesson):

- ``reported``: published as such by its source (a filing, a study, a dataset);
- ``derived``: computed from reported figures; :attr:`SourcedValue.basis`
  gives the formula;
- ``estimated``: rests on an assumption of ours or the source's;
  :attr:`SourcedValue.basis` states the assumption.

:func:`sources_table` lists such values as the table a lesson ends with.

Examples
--------
>>> v = SourcedValue(
...     "Premium subscribers, Q4 2024",
...     263,
...     "million",
...     "reported",
...     "Spotify Q4 2024 shareholder update (2025)",
... )
>>> v.text
'263 million'
>>> sources_table([v]).loc[0, "kind"]
'reported'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from valuelab.core.display import WholeFrame
from valuelab.core.errors import InputError

__all__ = ["FIGURE_KINDS", "SourcedValue", "sources_table"]

#: The kinds of figure, in the order the sources tables explain them.
FIGURE_KINDS = ("reported", "derived", "estimated")


@dataclass(frozen=True)
class SourcedValue:
    """One figure with its kind and source.

    Parameters
    ----------
    figure : str
        What the number is, in words a reader understands ("Spotify revenue, 2024").
    value : float, int or str
        The number (or a short text such as ``"0.6-0.7"``).
    unit : str
        Unit and currency (``"EUR m"``, ``"%"``, ``"customers"``); ``""`` for none.
    kind : {"reported", "derived", "estimated"}
        See the module docstring.
    source : str
        The published source: author or organisation, title, year, page or URL.
        For a figure computed by the kit from a dataset, the dataset in words
        ("the kit's synthetic shop event log"): a reader's text, never a file
        name, a dataset key or a function name.
    basis : str, optional
        The formula (``derived``) or the assumption (``estimated``), in words; required
        for those kinds.
    precision : int, optional
        Decimals shown by :attr:`text` for a number (default 0).

    Raises
    ------
    InputError
        On an unknown kind, an empty source, or a derived/estimated value without its basis.
    """

    figure: str
    value: float | int | str
    unit: str
    kind: str
    source: str
    basis: str = ""
    precision: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FIGURE_KINDS:
            raise InputError(
                f"kind {self.kind!r} of {self.figure!r}",
                source="sources",
                expected=", ".join(FIGURE_KINDS),
            )
        if not self.source.strip():
            raise InputError(f"{self.figure!r} has no source", source="sources")
        if self.kind != "reported" and not self.basis.strip():
            raise InputError(
                f"{self.kind} figure {self.figure!r} has no basis",
                source="sources",
                expected="the formula (derived) or the assumption (estimated)",
            )

    @property
    def text(self) -> str:
        """The value with its unit, as a reader sees it: a share 0-1 in percent.

        A share (unit ``"share 0-1"``) reads as the apps show it, in percent
        with two decimals fewer than its ``precision`` (at most one).

        Examples
        --------
        >>> SourcedValue("Conversion", 0.3908, "share 0-1", "derived", "s", "a / b", 4).text
        '39.1 %'
        >>> SourcedValue("Revenue", 15896.39, "EUR m", "derived", "s", "a + b").text
        '15,896 EUR m'
        """
        if isinstance(self.value, str):
            return f"{self.value} {self.unit}".strip()
        if self.unit.startswith("share"):
            decimals = min(1, max(0, self.precision - 2))
            return f"{self.value * 100:,.{decimals}f} %"
        return f"{self.value:,.{self.precision}f} {self.unit}".strip()


def sources_table(values: Iterable[SourcedValue]) -> pd.DataFrame:
    """The sources table a lesson ends with.

    Parameters
    ----------
    values : iterable of SourcedValue

    Returns
    -------
    WholeFrame
        One row per figure, columns ``figure``, ``value`` (text with unit),
        ``kind``, ``source`` and ``basis`` (formula or assumption; ``""`` for
        reported figures), in the order given; a DataFrame a notebook shows
        whole (no cell cut with "…", no row left out).
    """
    rows = [
        {
            "figure": v.figure,
            "value": v.text,
            "kind": v.kind,
            "source": v.source,
            "basis": v.basis,
        }
        for v in values
    ]
    return WholeFrame(rows, columns=["figure", "value", "kind", "source", "basis"])
