"""Tables shown whole: what a lesson displays is never cut with "…" nor thinned to "74 rows".

pandas shortens what a notebook shows: a cell longer than ``display.max_colwidth``
(50 characters) ends in "…", and a frame longer than ``display.max_rows`` (60) shows
its head and tail only. A sources table or a labelled result is text a reader must
read whole, so :func:`~valuelab.core.provenance.sources_table` and
:func:`~valuelab.core.quantities.labelled` return a :class:`WholeFrame`: a DataFrame
whose display lifts those limits for itself, leaving the notebook's options alone
(pandas documents subclassing through ``_constructor``: "Extending pandas:
subclassing pandas data structures", pandas documentation, 2024,
https://pandas.pydata.org/docs/development/extending.html).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["MAX_WHOLE_ROWS", "WHOLE", "WholeFrame"]

#: The pandas display options a :class:`WholeFrame` is shown with: no cut cell, row or column.
WHOLE = {"display.max_colwidth": None, "display.max_rows": None, "display.max_columns": None}
#: Longer than this, a frame is data, not a table to read: pandas shows its head and tail
#: (and says how many rows there are); its cells are still whole.
MAX_WHOLE_ROWS = 1_000


def _whole(frame: pd.DataFrame) -> Any:
    options = dict(WHOLE)
    if len(frame) > MAX_WHOLE_ROWS:
        del options["display.max_rows"]
    return pd.option_context(*(item for pair in options.items() for item in pair))


class WholeFrame(pd.DataFrame):
    """A DataFrame that a notebook shows whole: every row, column and character.

    It is a DataFrame in every other way (operations on it return a WholeFrame). A frame
    of more than :data:`MAX_WHOLE_ROWS` rows shows pandas' head and tail, cells whole.

    Examples
    --------
    >>> long = WholeFrame({"source": ["x" * 80]})
    >>> "…" in long._repr_html_() or "..." in repr(long)
    False
    """

    @property
    def _constructor(self) -> type[WholeFrame]:
        return WholeFrame

    def _repr_html_(self) -> str | None:
        with _whole(self):
            return super()._repr_html_()

    def __repr__(self) -> str:
        with _whole(self):
            return super().__repr__()

    def to_string(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`pandas.DataFrame.to_string`, with no cell cut."""
        with _whole(self):
            return super().to_string(*args, **kwargs)
