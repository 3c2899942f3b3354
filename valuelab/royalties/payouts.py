"""Streaming royalties: from a listening log and a royalty pool to each artist.

A streaming service pays a *royalty pool* (a share of its revenue) to rights
holders. How the pool is split depends on the *payout rule*:

* :func:`pro_rata` (market-centric, what Spotify does): each artist gets its
  share of the streams of each market and month, pool by pool [1]_ [6]_;
* :func:`user_centric`: each listener's own payment goes only to what that
  listener played (Deezer's user-centric payment system [3]_; compared with
  pro-rata in [1]_ and [2]_); ``weights="equal"`` gives every listener the
  same share instead, for teaching the contrast;
* :func:`blend`, :func:`apply_threshold` (Spotify's 2024 1,000-stream rule
  [4]_) and :func:`artist_centric_boost` (the Deezer/UMG 2023 model [5]_) are
  variations.

Every rule returns a Series of EUR amounts indexed by ``artist_id`` that sums
*exactly* to the pool: amounts are rounded to cents with the largest-remainder
method (:func:`~valuelab.core.rounding.largest_remainder`): every artist first gets its exact amount
rounded down to a cent, then the cents left over go, one each, to the artists
with the largest rounded-off fractions (ties go to the first artist in
``artist_id`` order). The sum in cents therefore equals the pool in cents.

What each listener pays (tier and market) and the pools per market and month
are in :mod:`valuelab.royalties.listeners`. The money flow before the split
(the royalty pool, one euro from a listener to a label, an artist, a publisher
and a songwriter) is in :mod:`valuelab.royalties.moneyflow`.

References
----------
.. [1] Centre national de la musique (CNM) with Deloitte, "Impact of online music
   streaming services adopting the UCPS", 27 January 2021 (France; 2019 Spotify
   and Deezer data): the market-centric (MCPS) and user-centric (UCPS) payment
   systems. https://cnm.fr/en/studies/impact-of-online-music-streaming-services-adopting-the-ucps/
   Its top-line figure as reported by Music Ally, "French study offers new data on
   impact of user-centric payouts", 28 January 2021: the top-10 artists' royalties
   -17.2 % (9.3 % -> 7.7 % of payouts); artists outside the top 10,000 +5.2 %.
   https://musically.com/2021/01/28/french-study-offers-new-data-on-impact-of-user-centric-payouts/
.. [2] J. Muikku, "Pro Rata and User Centric Distribution Models: A Comparative
   Study", Digital Media Finland, 30 November 2017 (Spotify data, Finland).
   https://www.digitalmedia.fi/pro-rata-user-centric-distribution-models-comparative-study/
.. [3] Music Business Worldwide, "Deezer plans 2020 User-Centric Payment System
   pilot launch", September 2019.
   https://www.musicbusinessworldwide.com/deezer-plans-2020-user-centric-payment-system-pilot-launch/
.. [4] Music Business Worldwide, "Changes to Spotify's royalty model, including the
   1,000 annual streams royalty policy, are officially live as of April 1", 2024.
   https://www.musicbusinessworldwide.com/changes-to-spotifys-royalty-model-including-the-1000-annual-streams-royalty-policy-are-officially-live/
.. [5] Music Week, "UMG and Deezer to launch 'double boost' artist-centric streaming
   model in Q4", 2023.
   https://www.musicweek.com/digital/read/umg-and-deezer-to-launch-double-boost-artist-centric-streaming-model-in-q4/088464
.. [6] Spotify, Loud & Clear, "How is streamshare calculated?", 2 March 2023: every
   month, in each country, streamshare of that market's streams; each country's
   pool from the subscription and music advertising revenues in that market.
   https://loudandclear.byspotify.com/faqs/how-is-streamshare-calculated/

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"user_id": ["a", "b"], "artist_id": ["X", "Y"], "streams": [90, 10]})
>>> pro_rata(log, 20).to_dict()
{'X': 18.0, 'Y': 2.0}
>>> user_centric(log, 20, weights="equal").to_dict()
{'X': 10.0, 'Y': 10.0}
>>> paying = log.assign(tier=["premium", "free"])
>>> user_centric(paying, 20).to_dict()
{'X': 18.5, 'Y': 1.5}
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from valuelab.core import (
    Column,
    InputError,
    WholeFrame,
    check_number,
    integer_codes,
    largest_remainder,
    validate_frame,
)
from valuelab.royalties.listeners import LISTENER_TIERS, listener_payments, row_payments
from valuelab.royalties.moneyflow import royalty_pool
from valuelab.royalties.rules import PAYOUT_RULES

__all__ = [
    "CNM_TOP10_CHANGE_PCT",
    "LOG_COLUMNS",
    "RULES",
    "SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT",
    "USER_WEIGHTS",
    "apply_threshold",
    "artist_centric_boost",
    "blend",
    "by_tier",
    "compare",
    "farm_effect",
    "farm_table",
    "largest_remainder",
    "log_revenue",
    "pro_rata",
    "threshold_effect",
    "user_centric",
    "validate_log",
]

#: CNM/Deloitte 2021 (France, 2019 Spotify and Deezer data): change in the top-10 artists'
#: royalties under user-centric, percent (reported by Music Ally, 28 January 2021; see [1]_).
CNM_TOP10_CHANGE_PCT = -17.2
#: Spotify, 2023: "99.5% of all streams" are of tracks with at least 1,000 annual streams
#: (Music Business Worldwide, 2024), percent.
SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT = 99.5

#: The columns of a listening log (optional ones may be absent).
LOG_COLUMNS = (
    Column("user_id"),
    Column("artist_id"),
    Column("streams", kind="int", min=0, unit="streams"),
    Column("track_id", required=False),
    Column("user_revenue", kind="number", required=False, min=0, unit="EUR a month"),
    Column("tier", required=False, choices=LISTENER_TIERS),
    Column("market", required=False),
    Column("month", required=False),
)


def validate_log(streams: pd.DataFrame, *, source: str = "streams") -> pd.DataFrame:
    """Check a listening log; raise one :class:`InputError` naming every bad row.

    Parameters
    ----------
    streams : pandas.DataFrame
        Columns ``user_id``, ``artist_id``, ``streams`` (whole number >= 0);
        optional ``track_id``, ``tier`` (``premium`` or ``free``), ``market``,
        ``month`` and ``user_revenue`` (EUR a month >= 0; see
        :mod:`valuelab.royalties.listeners`).
    source : str
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        ``streams`` unchanged.

    Examples
    --------
    >>> bad = pd.DataFrame({"user_id": ["a"], "artist_id": ["X"], "streams": [-1]})
    >>> try:
    ...     validate_log(bad)
    ... except InputError as err:
    ...     print(err.column, err.rows)
    streams [0]
    """
    return validate_frame(streams, LOG_COLUMNS, source=source)


@dataclass(frozen=True)
class _Log:
    """A validated log as integer codes (fast group-bys with ``np.bincount``).

    ``payer`` codes a listener in a month (the unit of user-centric), ``pool``
    a market in a month (the unit of pro-rata); ``payment`` is what each payer
    paid (EUR a month), None when the log does not say.
    """

    user: np.ndarray
    artist: np.ndarray
    streams: np.ndarray
    users: pd.Index
    artists: pd.Index
    frame: pd.DataFrame
    payer: np.ndarray
    payer_user: np.ndarray
    pool: np.ndarray
    payer_pool: np.ndarray
    payment: np.ndarray | None


def _codes(*columns: np.ndarray, rows: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Codes of the tuples of integer columns, and each code's first row (-1: no row;
    None unless ``rows``).

    Dense keys are their own codes (codes without rows are allowed: their first
    row is -1); sparse ones are factorized.
    """
    key = columns[0].astype(np.int64, copy=False)
    for col in columns[1:]:
        width = int(col.max(initial=0)) + 1
        key = key * width + col if width > 1 else key
    size = int(key.max(initial=-1)) + 1
    if size > 4 * len(key) + 1024:
        key, uniques = pd.factorize(key, sort=True)
        size = len(uniques)
    if not rows:
        return key.astype(np.int64, copy=False), None
    first = np.full(size, -1, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)  # the last write is the first row
    return key.astype(np.int64, copy=False), first


#: Label columns coded once per call: sorted ones (the output's and the users' order), others
#: in order of first appearance.
_SORTED_LABELS = ("user_id", "artist_id")
_LABELS = (*_SORTED_LABELS, "tier", "market", "month")


def _categorized(
    streams: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, pd.Index]]]:
    """``streams`` with each label column factorized once, and the ids' codes and labels.

    ``tier``, ``market`` and ``month`` become categoricals (same index), so the
    checks of :func:`validate_log` (tiers among the choices) and the prices run
    over codes and a few categories instead of millions of strings; ``user_id``
    and ``artist_id`` stay as they are (their one check, missing values, is cheap)
    and their sorted codes are returned. Categorical columns are kept as they are.
    """
    coded, ids = {}, {}
    for name in _LABELS:
        if name in streams.columns and not isinstance(streams[name].dtype, pd.CategoricalDtype):
            codes, uniques = _factorize(
                streams[name], sort=name in _SORTED_LABELS, one_value=name == "month"
            )
            if name in _SORTED_LABELS:
                ids[name] = (codes, uniques)
                continue
            dtype = pd.CategoricalDtype(uniques)
            coded[name] = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    return (streams.assign(**coded) if coded else streams), ids


def _factorize(labels: pd.Series, sort: bool, one_value: bool) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize``; with ``one_value``, first a cheap test for a column of one value
    (a monthly log's ``month``); with ``sort``, the distinct labels sorted and the codes
    renumbered (cheaper than sorting inside ``pd.factorize``)."""
    if one_value and len(labels) and pd.notna(first := labels.iloc[0]):
        if bool((labels == first).all()):
            return np.zeros(len(labels), dtype=np.int64), pd.Index([first], dtype=labels.dtype)
    codes, uniques = pd.factorize(labels)
    if not sort:
        return codes, uniques
    try:
        order = uniques.argsort()
    except TypeError:  # labels of mixed types: pandas' own order
        return pd.factorize(labels, sort=True)
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order], rank[-1] = np.arange(len(order)), -1  # code -1 (missing) stays -1
    return rank[codes], uniques[order]


#: :data:`LOG_COLUMNS` for a log whose ``streams`` are integers >= 0 by dtype and minimum:
#: the per-value number checks have nothing left to find (only missing values).
_COUNTED_COLUMNS = tuple(Column("streams") if c.name == "streams" else c for c in LOG_COLUMNS)


def _validated(streams: pd.DataFrame, source: str) -> pd.DataFrame:
    """:func:`validate_log`, skipping the number checks of an integer ``streams`` >= 0."""
    counts = streams["streams"] if "streams" in streams.columns else None
    whole = counts is not None and counts.dtype.kind in "iu" and len(counts) > 0
    if whole and counts.min() >= 0:
        return validate_frame(streams, _COUNTED_COLUMNS, source=source)
    return validate_log(streams, source=source)


def _prepare(streams: pd.DataFrame | _Log, source: str = "streams") -> _Log:
    if isinstance(streams, _Log):
        return streams
    if not isinstance(streams, pd.DataFrame):
        validate_log(streams, source=source)  # raises: not a DataFrame
    streams, ids = _categorized(streams)
    streams = _validated(streams, source)
    user, users = ids.get("user_id") or integer_codes(streams["user_id"], sort=True)
    artist, artists = ids.get("artist_id") or integer_codes(streams["artist_id"], sort=True)
    counts = streams["streams"].to_numpy()
    counts = counts.astype(np.int64) if counts.dtype.kind != "i" else counts
    month = streams["month"].cat.codes.to_numpy() if "month" in streams.columns else None
    market = streams["market"].cat.codes.to_numpy() if "market" in streams.columns else None
    payer, first = _codes(user, *([] if month is None else [month]))
    zeros = np.zeros(len(user), dtype=np.int64)
    pool, _ = _codes(
        zeros if market is None else market, *([] if month is None else [month]), rows=False
    )
    row = np.maximum(first, 0)  # payers without rows: weight 0 (payment 0, no streams)
    paid = row_payments(streams, rows=row)  # each payer's first row
    payment = None if paid is None else np.where(first >= 0, paid.to_numpy(dtype=float), 0.0)
    return _Log(
        user, artist, counts, users, artists, streams, payer, user[row], pool, pool[row], payment
    )


def _pool_cents(pool: float) -> int:
    check_number(pool, "pool", min=0)
    return round(float(pool) * 100)


def _payout(weights: np.ndarray, pool: float, log: _Log) -> pd.Series:
    """Round artist weights to cents and label them; only artists in the log."""
    present = np.bincount(log.artist, minlength=len(log.artists)) > 0
    cents = largest_remainder(weights[present], _pool_cents(pool))
    index = pd.Index(log.artists[present], name="artist_id")
    return pd.Series(cents / 100, index=index, name="payout_eur")


def _pool_shares(log: _Log, counted: np.ndarray) -> np.ndarray:
    """Money per counted stream in each market-month pool: its revenue over its streams.

    With no payments in the log (or none at all) there is one pool: 1 per stream.
    """
    if log.payment is None:
        return np.ones(int(log.pool.max(initial=0)) + 1)
    n_pools = int(log.pool.max(initial=0)) + 1
    revenue = np.bincount(log.payer_pool, weights=log.payment, minlength=n_pools)
    played = np.bincount(log.pool, weights=counted, minlength=len(revenue))
    if not (revenue * (played > 0)).sum() > 0:
        return np.ones(len(revenue))
    return np.divide(revenue, played, out=np.zeros_like(revenue), where=played > 0)


def _pro_rata_weights(log: _Log, factor: np.ndarray | None = None) -> np.ndarray:
    """Each artist's money: its streams in each market-month pool times that pool's rate."""
    counted = log.streams if factor is None else log.streams * factor[log.artist]
    rate = _pool_shares(log, counted)
    return np.bincount(log.artist, weights=counted * rate[log.pool], minlength=len(log.artists))


#: Choices of ``weights`` in :func:`user_centric` and :func:`blend`.
USER_WEIGHTS = ("payment", "equal")


def _no_payments() -> InputError:
    return InputError(
        "user-centric with weights='payment' needs what each listener pays",
        source="streams",
        expected="a 'tier' column (premium or free; with 'market') or a 'user_revenue' column "
        "(EUR a month); or weights='equal' for equal shares",
    )


def _payer_weights(log: _Log, weights: object) -> np.ndarray:
    """Each listener-month's weight: its payment, 1, a log column or a mapping by user_id."""
    n = len(log.payer_user)
    if isinstance(weights, str) and weights == "payment":
        if log.payment is None:
            raise _no_payments()
        return log.payment
    if isinstance(weights, str) and weights == "equal":
        return np.ones(n)
    if isinstance(weights, str):
        if weights not in log.frame.columns:
            raise InputError(
                f"no column '{weights}' in the log",
                source="weights",
                expected="'payment', 'equal', a column of the log, or a Series by user_id",
            )
        w = np.zeros(n)
        w[log.payer] = log.frame[weights].to_numpy(dtype=float)  # one value per listener-month
        return w
    return _mapped_weights(log, weights)


def _mapped_weights(log: _Log, weights: object) -> np.ndarray:
    ws = pd.Series(weights, dtype=float)
    bad = ws.index[ws.isna() | (ws < 0)]
    missing = log.users.difference(ws.index)
    if len(bad) or len(missing):
        raise InputError(
            "missing or negative weights",
            source="weights",
            rows=list(bad) + list(missing),
            expected="a weight >= 0 for every user_id in the log",
        )
    return ws.reindex(log.users).to_numpy()[log.payer_user]


def _user_centric_weights(log: _Log, weights: object = "payment") -> np.ndarray:
    per_payer = np.bincount(log.payer, weights=log.streams, minlength=len(log.payer_user))
    w = _payer_weights(log, weights) * (per_payer > 0)
    if w.sum() <= 0:
        return _pro_rata_weights(log)
    money = np.divide(w / w.sum(), per_payer, out=np.zeros_like(w), where=per_payer > 0)
    return np.bincount(
        log.artist, weights=log.streams * money[log.payer], minlength=len(log.artists)
    )


def pro_rata(streams: pd.DataFrame, pool: float) -> pd.Series:
    """Pro-rata (market-centric) payout: each artist's share of the streams of each pool.

    Spotify computes streamshare "every month, in each country" and pays each
    country's pool, "based on the subscription and music advertising revenues
    in that market", by it (Spotify, Loud & Clear, 2023 [6]_); the CNM study
    calls this the market-centric payment system [1]_. When the log says what
    each listener pays (``tier``/``market`` or ``user_revenue``,
    :mod:`valuelab.royalties.listeners`), ``pool`` is split into one pool per
    ``market`` and ``month`` in proportion to their listeners' payments
    (:func:`~valuelab.royalties.listeners.market_pools`), and each of those by
    the artists' shares of that market-month's streams. Otherwise the log is
    one pool. A market-month without streams pays nobody: its share goes to
    the other pools.

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log (see :func:`validate_log`).
    pool : float
        The royalty pool of the whole log (EUR >= 0).

    Returns
    -------
    pandas.Series
        EUR per ``artist_id`` (sorted), rounded to cents, summing exactly to
        ``pool`` (largest-remainder rounding, see the module docstring).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {"user_id": ["a", "a", "b"], "artist_id": ["X", "Y", "Z"], "streams": [1, 1, 1]}
    ... )
    >>> pro_rata(log, 1).tolist()
    [0.34, 0.33, 0.33]
    >>> pro_rata(log.assign(market=["world", "world", "low"], tier="premium"), 14.08).tolist()
    [4.69, 4.69, 4.7]
    """
    log = _prepare(streams)
    return _payout(_pro_rata_weights(log), pool, log)


def user_centric(streams: pd.DataFrame, pool: float, weights: object = "payment") -> pd.Series:
    """User-centric payout: each listener's own payment goes to the artists that listener played.

    Source: the user-centric payment system (UCPS) as the CNM/Deloitte study
    defines it, "distributing the tax-free amount of each subscription
    according to the user's actual listening" [1]_, and Deezer's UCPS [3]_.

    Each listener in each month holds a share of the pool in proportion to
    ``weights``: by default what that listener paid that month (a Premium
    subscription, the ad revenue of a free listener: ``tier`` and ``market``
    through :data:`~valuelab.royalties.listeners.PRICES`, or ``user_revenue``).
    When ``pool`` is the log's revenue times the payout share, each listener's
    payment times the payout share goes to what that listener played, so the
    market-month pools need no separate step. ``weights="equal"`` gives every
    listener-month the same share: not a published rule, kept for teaching the
    contrast (a free listener then steers as much as a paying one). A share is
    split over the listener's artists by streams; listeners without streams
    leave theirs to the others, in proportion to their weights.

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log (see :func:`validate_log`).
    pool : float
        The royalty pool (EUR >= 0).
    weights : {"payment", "equal"}, str or mapping
        ``"payment"`` (default), ``"equal"``, the name of a log column with one
        value per listener and month, or a Series/dict from ``user_id`` to a
        weight >= 0.

    Returns
    -------
    pandas.Series
        EUR per ``artist_id``, rounded to cents, summing exactly to ``pool``.

    Raises
    ------
    InputError
        With ``weights="payment"`` on a log that says nothing of payments
        (neither ``tier`` nor ``user_revenue``); for a missing column or a
        missing or negative weight.

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "b", "b"],
    ...         "artist_id": ["X", "X", "Y"],
    ...         "streams": [5, 1, 1],
    ...         "tier": ["free", "premium", "premium"],
    ...     }
    ... )
    >>> user_centric(log, (0.38 + 4.69) * 2).to_dict()
    {'X': 5.45, 'Y': 4.69}
    >>> user_centric(log, 8, weights="equal").to_dict()
    {'X': 6.0, 'Y': 2.0}
    """
    log = _prepare(streams)
    return _payout(_user_centric_weights(log, weights), pool, log)


def blend(
    streams: pd.DataFrame, pool: float, alpha: float, weights: object = "payment"
) -> pd.Series:
    """``alpha`` x user-centric + (1 - ``alpha``) x pro-rata, rounded once to cents.

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log.
    pool : float
        The royalty pool (EUR >= 0).
    alpha : float
        Weight of the user-centric rule (share 0-1).
    weights : optional
        As in :func:`user_centric`.

    Examples
    --------
    >>> log = pd.DataFrame({"user_id": ["a", "b"], "artist_id": ["X", "Y"], "streams": [90, 10]})
    >>> blend(log, 20, 0.5, weights="equal").to_dict()
    {'X': 14.0, 'Y': 6.0}
    """
    check_number(alpha, "alpha", min=0, max=1)
    log = _prepare(streams)
    pr = _pro_rata_weights(log)
    uc = _user_centric_weights(log, weights)
    mix = alpha * uc / uc.sum() + (1 - alpha) * pr / pr.sum() if pr.sum() > 0 else pr
    return _payout(mix, pool, log)


def apply_threshold(
    streams: pd.DataFrame, min_streams: int = 1000, level: str = "track"
) -> pd.DataFrame:
    """Zero the streams of tracks (or artists) below a minimum, Spotify's 2024 rule.

    Since April 2024 a track needs at least 1,000 streams in the previous 12
    months to earn recorded royalties (Music Business Worldwide, 2024). Its streams then
    no longer count, so its share goes to the rest under any rule applied to
    the returned log (under user-centric, a user who only played such items
    contributes nothing and that user's share goes to the other users).

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log; ``level="track"`` needs ``track_id``.
    min_streams : int
        The minimum total streams over the log's period (streams >= 0).
    level : {"track", "artist"}
        Whether the minimum applies per track or per artist.

    Returns
    -------
    pandas.DataFrame
        A copy of the log with the streams of items below the minimum set to 0
        (rows kept, so those artists show a payout of 0).

    Examples
    --------
    >>> log = pd.DataFrame({"user_id": ["a", "b"], "artist_id": ["X", "Y"], "streams": [90, 10]})
    >>> pro_rata(apply_threshold(log, 50, level="artist"), 20).to_dict()
    {'X': 20.0, 'Y': 0.0}
    """
    check_number(min_streams, "min_streams", min=0, integer=True)
    if level not in ("track", "artist"):
        raise InputError(f"unknown level '{level}'", source="level", expected="'track' or 'artist'")
    validate_log(streams)
    key = "track_id" if level == "track" else "artist_id"
    if key not in streams.columns:
        raise InputError(
            "missing column track_id",
            source="streams",
            expected="a track_id column for level='track' (or use level='artist')",
        )
    codes, _ = integer_codes(streams[key], sort=True)
    totals = np.bincount(codes, weights=streams["streams"].to_numpy(dtype=float))
    out = streams.copy()
    keep = totals[codes] >= min_streams
    out["streams"] = np.where(keep, streams["streams"].to_numpy(), 0)
    return out


def artist_centric_boost(
    streams: pd.DataFrame,
    pool: float,
    factor: float = 2.0,
    min_streams: int = 1000,
    min_listeners: int = 500,
) -> pd.Series:
    """Pro-rata with the streams of "professional" artists weighted by ``factor``.

    The Deezer/UMG artist-centric model (launched Q4 2023) gives a "double
    boost" to artists with at least 1,000 streams a month from at least 500
    unique listeners (Music Week, 2023). Here both minimums apply
    to the log's whole period.

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log.
    pool : float
        The royalty pool (EUR >= 0).
    factor : float
        Weight of a boosted artist's stream (> 0; 2.0 = double boost).
    min_streams, min_listeners : int
        Minimum total streams and distinct users with streams for the boost.

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {"user_id": ["a", "b", "c"], "artist_id": ["X", "X", "Y"], "streams": [1, 1, 2]}
    ... )
    >>> artist_centric_boost(log, 6, min_streams=2, min_listeners=2).to_dict()
    {'X': 4.0, 'Y': 2.0}
    """
    check_number(factor, "factor", min=0)
    check_number(min_streams, "min_streams", min=0, integer=True)
    check_number(min_listeners, "min_listeners", min=0, integer=True)
    log = _prepare(streams)
    n_art = len(log.artists)
    totals = np.bincount(log.artist, weights=log.streams, minlength=n_art)
    played = log.streams > 0
    pairs = pd.unique(log.user[played] * n_art + log.artist[played])
    listeners = np.bincount(pairs % n_art, minlength=n_art)
    boosted = (totals >= min_streams) & (listeners >= min_listeners)
    return _payout(_pro_rata_weights(log, np.where(boosted, factor, 1.0)), pool, log)


def threshold_effect(
    streams: pd.DataFrame, pool: float, min_streams: int = 1000, level: str = "track"
) -> dict[str, float]:
    """What a minimum-streams rule removes and moves under pro-rata.

    Returns
    -------
    dict
        ``items_below_pct`` (percent of tracks or artists below the minimum),
        ``streams_below_pct`` (percent of streams), ``moved_eur`` (EUR the
        items below lose and the rest gain) and ``artists_losing`` (count).

    Examples
    --------
    >>> log = pd.DataFrame({"user_id": ["a", "b"], "artist_id": ["X", "Y"], "streams": [90, 10]})
    >>> threshold_effect(log, 20, 50, level="artist")["moved_eur"]
    2.0
    """
    after = apply_threshold(streams, min_streams, level)
    key = "track_id" if level == "track" else "artist_id"
    below = after["streams"].to_numpy() == 0
    before, now = pro_rata(streams, pool), pro_rata(after, pool)
    lost = (before - now).clip(lower=0)
    items = streams[key].nunique()
    return {
        "items_below_pct": 100 * (items - after.loc[~below, key].nunique()) / items,
        "streams_below_pct": 100
        * float(streams["streams"][below].sum() / streams["streams"].sum()),
        "moved_eur": round(float(lost.sum()), 2),
        "artists_losing": int((lost > 0).sum()),
    }


def log_revenue(streams: pd.DataFrame) -> float:
    """Revenue of the listeners in a log (EUR): each listener's payment in each month, summed.

    Payments come from ``tier`` and ``market`` (:data:`~valuelab.royalties.listeners.PRICES`)
    or from ``user_revenue`` (:func:`~valuelab.royalties.listeners.listener_payments`).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "a", "b"],
    ...         "artist_id": ["X", "Y", "X"],
    ...         "streams": [1, 2, 3],
    ...         "tier": ["premium", "premium", "free"],
    ...     }
    ... )
    >>> log_revenue(log)
    5.07
    """
    validate_log(streams)
    return round(float(listener_payments(streams)["payment_eur"].sum()), 2)


def farm_effect(
    streams: pd.DataFrame,
    payout_share: float,
    artist: str = "FARM",
    rules: Sequence[str] = ("pro_rata", "user_centric", "user_centric_equal"),
) -> dict[str, float]:
    """What a stream farm (accounts that play only ``artist``) takes under each rule.

    The pool is the log's revenue times ``payout_share``. Under payment-weighted
    user-centric the farm gets exactly what its own accounts paid times the
    payout share; under pro-rata its share of its market's streams.

    Returns
    -------
    dict
        ``accounts`` (listeners who play only ``artist``), ``paid_eur`` (what
        they pay a month), ``own_share_eur`` (``paid_eur`` x ``payout_share``),
        ``pool_eur`` and, for each rule, ``<rule>_eur`` (the artist's payout).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "b", "bot"],
    ...         "artist_id": ["X", "Y", "FARM"],
    ...         "streams": [10, 10, 1000],
    ...         "tier": ["premium", "free", "premium"],
    ...     }
    ... )
    >>> farm_effect(log, 2 / 3)["user_centric_eur"]
    3.13
    """
    check_number(payout_share, "payout_share", min=0, max=1)
    validate_log(streams)
    played = streams[streams["streams"] > 0]
    only = played.groupby("user_id", observed=True)["artist_id"].agg(
        lambda a: bool((a.astype(str) == artist).all())
    )
    farm = streams[streams["user_id"].isin(only.index[only])]
    paid = log_revenue(farm) if len(farm) else 0.0
    pool = royalty_pool(log_revenue(streams), payout_share)
    out = {
        "accounts": float(only.sum()),
        "paid_eur": paid,
        "own_share_eur": round(paid * payout_share, 2),
        "pool_eur": pool,
    }
    for name, rule in _resolve_rules(list(rules)).items():
        out[f"{name}_eur"] = float(rule(streams, pool).get(artist, 0.0))
    return out


#: :func:`farm_effect`'s keys in words (a rule's payout is named after the rule's label).
_FARM_WORDS = {
    "accounts": ("Farm accounts (they play only the farm)", "accounts"),
    "paid_eur": ("What the farm's accounts pay", "EUR a month"),
    "own_share_eur": ("Their payment times the payout share", "EUR a month"),
    "pool_eur": ("Royalty pool of the log", "EUR a month"),
}


def farm_table(farm: Mapping[str, float]) -> pd.DataFrame:
    """A :func:`farm_effect` result to show a person: one row per figure, in words.

    Returns
    -------
    WholeFrame
        Indexed by ``Figure`` (words; a rule's payout as "Farm's payout, <rule label>"),
        columns ``Value`` (rounded to cents) and ``Unit``.

    Examples
    --------
    >>> farm_table({"accounts": 3.0, "paid_eur": 14.07, "pro_rata_eur": 902.671}).loc[
    ...     "Farm's payout, Pro-rata (Spotify today)", "Value"
    ... ]
    np.float64(902.67)
    """
    rows = []
    for key, value in farm.items():
        rule = PAYOUT_RULES.get(key.removesuffix("_eur"))
        figure, unit = _FARM_WORDS.get(key, (f"Farm's payout, {rule.label}" if rule else key, ""))
        rows.append(
            {"Figure": figure, "Value": round(float(value), 2), "Unit": unit or "EUR a month"}
        )
    return WholeFrame(rows).set_index("Figure")


def _threshold(
    streams: pd.DataFrame, pool: float, min_streams: int = 1000, level: str = "track"
) -> pd.Series:
    """Pro-rata after :func:`apply_threshold`."""
    return pro_rata(apply_threshold(streams, min_streams, level=level), pool)


#: Payout method of :data:`~valuelab.royalties.rules.METHODS` -> its function.
_METHODS: dict[str, Callable[..., pd.Series]] = {
    "pro_rata": pro_rata,
    "user_centric": user_centric,
    "blend": blend,
    "threshold": _threshold,
    "artist_centric": artist_centric_boost,
}
#: Rule name -> function(streams, pool) used by :func:`compare`, one per rule of
#: :data:`~valuelab.royalties.rules.PAYOUT_RULES` (its method with its options).
RULES: dict[str, Callable[[pd.DataFrame, float], pd.Series]] = {
    name: functools.partial(_METHODS[rule.method], **rule.options)
    for name, rule in PAYOUT_RULES.items()
}


def compare(
    streams: pd.DataFrame,
    pool: float,
    rules: Sequence[str] | Mapping[str, Callable[[pd.DataFrame, float], pd.Series]] = (
        "pro_rata",
        "user_centric",
    ),
) -> pd.DataFrame:
    """A tidy table: each artist's payout under each rule and the change vs pro-rata.

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log.
    pool : float
        The royalty pool (EUR >= 0).
    rules : sequence of str or mapping
        Names from :data:`RULES`, or a mapping name -> ``function(streams, pool)``.

    Returns
    -------
    pandas.DataFrame
        One row per artist and rule: ``artist_id``, ``rule``, ``streams``,
        ``rank`` (1 = most streamed), ``payout_eur``, ``pro_rata_eur``,
        ``change_eur`` and ``change_pct`` (percent; NaN when pro-rata pays 0).

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {"user_id": ["a", "b"], "artist_id": ["X", "Y"], "streams": [90, 10], "tier": "premium"}
    ... )
    >>> compare(log, 20).query("rule == 'user_centric'")["change_pct"].round(1).tolist()
    [-44.4, 400.0]
    """
    rules = _resolve_rules(rules)
    validate_log(streams)
    out = _payouts(streams, pool, rules)
    out["change_eur"] = (out["payout_eur"] - out["pro_rata_eur"]).round(2)
    ratio = out["payout_eur"] / out["pro_rata_eur"].where(out["pro_rata_eur"] > 0)
    out["change_pct"] = (ratio - 1) * 100
    return out


def _resolve_rules(
    rules: Sequence[str] | Mapping[str, Callable[[pd.DataFrame, float], pd.Series]],
) -> Mapping[str, Callable[[pd.DataFrame, float], pd.Series]]:
    """Rule names looked up in :data:`RULES` (unknown names raise); a mapping as it is."""
    if isinstance(rules, Mapping):
        return rules
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise InputError(
            "unknown rule " + ", ".join(map(str, unknown)),
            source="rules",
            expected="names from " + ", ".join(RULES),
        )
    return {r: RULES[r] for r in rules}


def _payouts(
    streams: pd.DataFrame,
    pool: float,
    rules: Mapping[str, Callable[[pd.DataFrame, float], pd.Series]],
) -> pd.DataFrame:
    """Each artist's streams, rank, payout (EUR) under each rule and pro-rata payout (EUR)."""
    totals = streams.groupby("artist_id", observed=True, sort=True)["streams"].sum()
    base = pro_rata(streams, pool)
    rank = totals.rank(ascending=False, method="first").astype(int)
    frames = []
    for name, rule in rules.items():
        pay = rule(streams, pool).reindex(base.index, fill_value=0.0)
        frames.append(
            pd.DataFrame(
                {
                    "artist_id": base.index,
                    "rule": name,
                    "streams": totals.reindex(base.index).to_numpy(),
                    "rank": rank.reindex(base.index).to_numpy(),
                    "payout_eur": pay.to_numpy(),
                    "pro_rata_eur": base.to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _tier_labels(rank: pd.Series, n: int) -> pd.Series:
    bounds = [(10, "top 10"), (math.ceil(0.01 * n), "top 1 %"), (math.ceil(0.1 * n), "top 10 %")]
    labels = pd.Series("long tail", index=rank.index)
    for limit, label in reversed(bounds):
        labels[rank <= limit] = label
    return labels


#: Tier order for tables and charts.
TIERS = ("top 10", "top 1 %", "top 10 %", "long tail")


def by_tier(table: pd.DataFrame) -> pd.DataFrame:
    """Group a :func:`compare` table by popularity tier.

    Tiers by stream rank: the top 10 artists; the rest of the top 1 %; the
    rest of the top 10 %; the long tail (everyone else). A tier is empty when
    a higher one already covers it (e.g. the top 1 % of 500 artists is 5).

    Returns
    -------
    pandas.DataFrame
        One row per rule and tier: ``rule``, ``tier``, ``artists``,
        ``streams``, ``payout_eur``, ``pro_rata_eur``, ``change_eur`` and
        ``change_pct`` (percent); ``attrs["values"]`` holds each rule's label, so
        :func:`~valuelab.core.labelled` shows the rules in words.

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {"user_id": ["a", "b"], "artist_id": ["X", "Y"], "streams": [90, 10], "tier": "premium"}
    ... )
    >>> by_tier(compare(log, 20))["tier"].unique().tolist()
    ['top 10']
    """
    n = table["artist_id"].nunique()
    t = table.assign(tier=pd.Categorical(_tier_labels(table["rank"], n), categories=TIERS))
    out = (
        t.groupby(["rule", "tier"], observed=True, sort=False)
        .agg(
            artists=("artist_id", "size"),
            streams=("streams", "sum"),
            payout_eur=("payout_eur", "sum"),
            pro_rata_eur=("pro_rata_eur", "sum"),
        )
        .reset_index()
    )
    out["change_eur"] = (out["payout_eur"] - out["pro_rata_eur"]).round(2)
    out["change_pct"] = (out["payout_eur"] / out["pro_rata_eur"] - 1) * 100
    out["tier"] = out["tier"].astype(str)
    out.attrs["values"] = {"rule": {k: r.label for k, r in PAYOUT_RULES.items()}}  # labelled()
    return out
