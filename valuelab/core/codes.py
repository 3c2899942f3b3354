"""Integer codes for labels: the fast path of every group-by over ids (users, artists, tracks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["integer_codes"]


def integer_codes(labels: pd.Series, *, sort: bool = False) -> tuple[np.ndarray, pd.Index]:
    """Each label's integer code and the labels in code order.

    A categorical Series keeps its own codes and categories (no work, and
    categories that do not occur keep their code); other labels are factorized,
    in order of first appearance or, with ``sort=True``, sorted. The codes
    feed ``np.bincount`` group-bys.

    Parameters
    ----------
    labels : pandas.Series
        Ids such as ``user_id`` or ``artist_id``.
    sort : bool
        Sort the labels of a non-categorical Series.

    Returns
    -------
    tuple of (numpy.ndarray, pandas.Index)
        ``int64`` codes (one per row) and the labels they stand for.

    Examples
    --------
    >>> codes, labels = integer_codes(pd.Series(["b", "a", "b"]), sort=True)
    >>> codes.tolist(), labels.tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    if isinstance(labels.dtype, pd.CategoricalDtype):
        return labels.cat.codes.to_numpy(np.int64), pd.Index(labels.cat.categories)
    codes, uniques = pd.factorize(labels, sort=sort)
    return codes.astype(np.int64), pd.Index(uniques)
