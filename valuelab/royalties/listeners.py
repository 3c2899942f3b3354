"""What each listener pays, and the royalty pools per market and month it makes.

Under the user-centric payment system each listener's own payment, net of
VAT and of the platform's share, goes to the artists that listener played
(the CNM/Deloitte study: "distributing the tax-free amount of each
subscription according to the user's actual listening" [1]_). Spotify's
pro-rata pools are likewise computed "every month, in each country", from
"the subscription and music advertising revenues in that market" [2]_. Both
therefore need what each listener pays in each month and market:

* :data:`PRICES`: the payment a month (EUR, net of VAT) by ``market`` and
  ``tier`` (``premium`` or ``free``), each a
  :class:`~valuelab.core.provenance.SourcedValue` with its kind and source.
  Market ``world`` holds Spotify's 2024 worldwide averages; market ``low`` is
  an illustrative lower-price market (an assumption of the kit, stated);
* :func:`row_payments`: the payment of the listener of each row of a log, from a
  ``user_revenue`` column (the analyst's own figures) or from ``tier`` and
  ``market`` through :data:`PRICES`;
* :func:`listener_payments` and :func:`market_pools`: one row per listener and
  month, and one row per market and month with its revenue and pool.

A log without a ``month`` column is one month; without ``market``, every
listener is in :data:`DEFAULT_MARKET`.

References
----------
.. [1] Centre national de la musique (CNM) with Deloitte, "Impact of online music
   streaming services adopting the UCPS" (French: "Étude des impacts du passage
   au user-centric"), 27 January 2021.
   https://cnm.fr/en/studies/impact-of-online-music-streaming-services-adopting-the-ucps/
.. [2] Spotify, Loud & Clear, "How is streamshare calculated?", 2 March 2023.
   https://loudandclear.byspotify.com/faqs/how-is-streamshare-calculated/

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame(
...     {
...         "user_id": ["a", "b"],
...         "artist_id": ["X", "Y"],
...         "streams": [3, 1],
...         "tier": ["premium", "free"],
...     }
... )
>>> listener_payments(log)["payment_eur"].tolist()
[4.69, 0.38]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuelab.core import InputError, SourcedValue, check_number, integer_codes

__all__ = [
    "DEFAULT_MARKET",
    "LISTENER_TIERS",
    "MARKETS",
    "PRICES",
    "listener_payments",
    "market_pools",
    "price",
    "row_payments",
]

#: The listener tiers of a log's ``tier`` column.
LISTENER_TIERS = ("premium", "free")
#: The markets of :data:`PRICES`; a log without a ``market`` column is in the first.
MARKETS = ("world", "low")
DEFAULT_MARKET = MARKETS[0]

_ARPU = (
    "obriedan/bi-spotify-investor-analysis, 20-F 2024 extract with page references "
    "(author unknown), https://github.com/obriedan/bi-spotify-investor-analysis"
)
_UPDATES = (
    "Spotify, Q1 2024 Update (SEC exhibit 99.1), Q2 2025 Update (its Q2 2024 column) and "
    "Q4 2024 Update (4 February 2025): ad-supported revenue EUR 389 + 456 + 472 + 537 m"
)
_AD_MAU = (
    "Spotify shareholder decks Q4 2023 (February 2024) and Q4 2024 (February 2025): "
    "ad-supported MAU 379 m and 425 m"
)
_LOW = "half of the worldwide average (illustrative lower-price market)"

#: (market, tier) -> payment a month per listener (EUR, net of VAT), with kind and source.
PRICES: dict[tuple[str, str], SourcedValue] = {
    ("world", "premium"): SourcedValue(
        "Premium payment per subscriber a month (Premium ARPU 2024)",
        4.69,
        "EUR a month",
        "estimated",
        _ARPU,
        "secondary transcription, Spotify's own document for this figure not retrieved: "
        "a 20-F extract citing p.43 (the 2024 Premium ARPU of the annual figures)",
        precision=2,
    ),
    ("world", "free"): SourcedValue(
        "Ad revenue per ad-supported listener a month, 2024",
        0.38,
        "EUR a month",
        "derived",
        f"{_UPDATES}; {_AD_MAU}",
        "ad-supported revenue EUR 1,854 m (sum of the four 2024 quarters) / 12 / 402 m "
        "ad-supported MAU (mean of 379 m at the end of 2023 and 425 m at the end of 2024) = "
        "0.384; Spotify's ad revenue includes podcast advertising, so this overstates what a "
        "free listener brings to music",
        precision=2,
    ),
    ("low", "premium"): SourcedValue(
        "Premium payment a month, illustrative low-price market",
        2.35,
        "EUR a month",
        "estimated",
        "the kit's assumption",
        _LOW + " of EUR 4.69",
        precision=2,
    ),
    ("low", "free"): SourcedValue(
        "Ad revenue per free listener a month, illustrative low-price market",
        0.19,
        "EUR a month",
        "estimated",
        "the kit's assumption",
        _LOW + " of EUR 0.38",
        precision=2,
    ),
}


def price(market: str, tier: str) -> float:
    """What one listener of ``tier`` in ``market`` pays a month (EUR, net of VAT).

    Raises
    ------
    InputError
        For a market or tier not in :data:`PRICES`.

    Examples
    --------
    >>> price("world", "premium"), price("low", "free")
    (4.69, 0.19)
    """
    if (market, tier) not in PRICES:
        raise InputError(
            f"no price for market {market!r}, tier {tier!r}",
            source="prices",
            expected=f"markets {', '.join(MARKETS)}; tiers {', '.join(LISTENER_TIERS)}",
        )
    return float(PRICES[market, tier].value)


def _priced(streams: pd.DataFrame, rows: np.ndarray | None = None) -> pd.Series:
    """Each row's payment from ``tier`` and ``market`` (EUR a month); unknown pairs raise.

    With ``rows`` (positions), only those rows are priced; every row is still
    checked, at the cost of one pass only when some market and tier of the log
    have no price.
    """
    if "market" in streams.columns:
        market, markets = integer_codes(streams["market"])  # categoricals: their own codes
    else:
        market, markets = np.zeros(len(streams), dtype=np.int64), [DEFAULT_MARKET]
    tier, tiers = integer_codes(streams["tier"])
    prices = {(m, t): float(v.value) for (m, t), v in PRICES.items()}
    # one price per (market, tier) code pair, row-major; the last entry: no price
    table = np.array(
        [prices.get((str(m), str(t)), np.nan) for m in markets for t in tiers] + [np.nan]
    )
    every = not np.isnan(table[:-1]).any() and market.min(initial=0) >= 0 and tier.min() >= 0
    if rows is not None and every:
        return pd.Series(table[market[rows] * len(tiers) + tier[rows]], index=streams.index[rows])
    flat = np.where((market < 0) | (tier < 0), len(table) - 1, market * len(tiers) + tier)
    pay = table[flat]
    bad = np.flatnonzero(np.isnan(pay))
    if len(bad):
        raise InputError(
            "market and tier without a price",
            source="streams",
            column="tier",
            rows=bad.tolist(),
            expected=f"tiers {', '.join(LISTENER_TIERS)} in markets {', '.join(MARKETS)}",
        )
    out = pd.Series(pay, index=streams.index, dtype=float)
    return out if rows is None else out.iloc[rows]


def row_payments(streams: pd.DataFrame, rows: np.ndarray | None = None) -> pd.Series | None:
    """The monthly payment (EUR) of each row's listener; None when the log says nothing of it.

    A ``user_revenue`` column (EUR a month, net of VAT) is used as it is;
    otherwise ``tier`` (and ``market``, default :data:`DEFAULT_MARKET`) are
    looked up in :data:`PRICES`.

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log (:func:`valuelab.royalties.payouts.validate_log`).
    rows : numpy.ndarray of int, optional
        Positions of the rows wanted (default: all). Every row of the log is
        still checked for a price.

    Returns
    -------
    pandas.Series or None
        EUR a month, aligned with the rows of ``streams`` (or ``rows``).

    Raises
    ------
    InputError
        Naming the rows whose market and tier have no price.

    Examples
    --------
    >>> log = pd.DataFrame({"user_id": ["a"], "artist_id": ["X"], "streams": [1]})
    >>> row_payments(log) is None
    True
    >>> row_payments(log.assign(tier=["free"]), rows=[0]).tolist()
    [0.38]
    """
    if "user_revenue" in streams.columns:
        paid = streams["user_revenue"].astype(float)
        return paid if rows is None else paid.iloc[rows]
    if "tier" in streams.columns:
        return _priced(streams, None if rows is None else np.asarray(rows, dtype=np.intp))
    return None


def _market(streams: pd.DataFrame) -> pd.Series:
    if "market" in streams.columns:
        return streams["market"].astype(str)
    return pd.Series(DEFAULT_MARKET, index=streams.index)


def _month(streams: pd.DataFrame) -> pd.Series:
    if "month" in streams.columns:
        return streams["month"].astype(str)
    return pd.Series("", index=streams.index)


def listener_payments(streams: pd.DataFrame) -> pd.DataFrame:
    """One row per listener and month: market, tier and what that listener paid (EUR).

    Returns
    -------
    pandas.DataFrame
        ``user_id``, ``month`` (``""`` for a log without months), ``market``,
        ``tier`` (``""`` when the log gives ``user_revenue`` only) and
        ``payment_eur``, sorted by user and month.

    Raises
    ------
    InputError
        When the log has neither ``user_revenue`` nor ``tier``.
    """
    pay = row_payments(streams)
    if pay is None:
        raise InputError(
            "the log does not say what each listener pays",
            source="streams",
            expected="a 'tier' column (premium or free; with 'market') or a 'user_revenue' "
            "column (EUR a month)",
        )
    frame = pd.DataFrame(
        {
            "user_id": streams["user_id"].astype(str).to_numpy(),
            "month": _month(streams).to_numpy(),
            "market": _market(streams).to_numpy(),
            "tier": streams.get("tier", pd.Series("", index=streams.index)).astype(str).to_numpy(),
            "payment_eur": pay.to_numpy(),
        }
    )
    return frame.groupby(["user_id", "month"], sort=True).first().reset_index()


def market_pools(streams: pd.DataFrame, payout_share: float = 2 / 3) -> pd.DataFrame:
    """The royalty pool of each market and month: its listeners' payments x ``payout_share``.

    Spotify computes streamshare "every month, in each country", and each
    country's pool "is based on the subscription and music advertising
    revenues in that market" (Loud & Clear, 2023; module References).

    Parameters
    ----------
    streams : pandas.DataFrame
        A listening log with ``tier`` (and ``market``, ``month``) or ``user_revenue``.
    payout_share : float
        Share of the revenue paid to rights holders (0-1).

    Returns
    -------
    pandas.DataFrame
        One row per ``market`` and ``month``: ``listeners``, ``premium`` and
        ``free`` (counts), ``streams``, ``revenue_eur`` and ``pool_eur``.

    Examples
    --------
    >>> log = pd.DataFrame(
    ...     {
    ...         "user_id": ["a", "b"],
    ...         "artist_id": ["X", "Y"],
    ...         "streams": [3, 1],
    ...         "tier": ["premium", "free"],
    ...         "market": ["world", "low"],
    ...     }
    ... )
    >>> market_pools(log, 0.5)[["market", "pool_eur"]].values.tolist()
    [['low', 0.095], ['world', 2.345]]
    """
    check_number(payout_share, "payout_share", min=0, max=1)
    people = listener_payments(streams)
    keys = ["market", "month"]
    out = people.groupby(keys, sort=True).agg(
        listeners=("user_id", "size"),
        premium=("tier", lambda t: int((t == "premium").sum())),
        free=("tier", lambda t: int((t == "free").sum())),
        revenue_eur=("payment_eur", "sum"),
    )
    rows = pd.DataFrame(
        {"market": _market(streams), "month": _month(streams), "streams": streams["streams"]}
    )
    out["streams"] = rows.groupby(keys, sort=True)["streams"].sum().reindex(out.index)
    out["pool_eur"] = out["revenue_eur"] * float(payout_share)
    return out.reset_index()
