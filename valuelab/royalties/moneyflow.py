"""Money flow of a streaming service: revenue -> royalty pool -> rights holders.

Follows one euro from a listener to a label, an artist, a publisher and a
songwriter: :func:`royalty_pool`, :func:`split_payout`, :func:`euro_path`,
:func:`per_stream_rate` and :func:`streams_needed`. Defaults are sourced: the
payout share [1]_, the recording share [2]_, the artist royalty rate [3]_ and
the songwriter share [4]_ (the source is also given beside each constant).
The payout rules that split a pool between artists are in
:mod:`valuelab.royalties.payouts`.

References
----------
.. [1] Spotify, "Loud & Clear" (launched March 2021): "roughly two-thirds of every
   dollar we make from music" goes to rights holders (a share of music revenue, not
   of total revenue including podcasts and audiobooks).
   https://loudandclear.byspotify.com/
.. [2] Digital Media Association (DiMA), "Who gets paid and how much" (2021 US
   data): of every 100 dollars, 58.60 to recording and 15.10 to song rights
   holders. https://dima.org/news-and-resources/who-gets-paid-and-how-much
.. [3] UK Competition and Markets Authority, "Music and streaming market study:
   final report", 29 November 2022.
   https://www.gov.uk/government/publications/music-and-streaming-market-study-final-report/executive-summary
.. [4] SCMR LLC blog (low authority, undated): the songwriter's half of the
   publishing money, paid through a performing rights organization.

Examples
--------
>>> royalty_pool(300.0)
200.0
"""

from __future__ import annotations

import math

import pandas as pd

from valuelab.core import Column, check_number, validate_frame

__all__ = [
    "DEALS",
    "DEFAULT_ARTIST_ROYALTY_RATE",
    "DEFAULT_PAYOUT_SHARE",
    "DEFAULT_RECORDING_SHARE",
    "DEFAULT_SONGWRITER_SHARE",
    "euro_path",
    "per_stream_rate",
    "royalty_pool",
    "split_payout",
    "streams_needed",
]

#: Share of music revenue paid to rights holders (0-1). Spotify: "roughly two-thirds of
#: every dollar we make from music" (Loud & Clear, 2021).
DEFAULT_PAYOUT_SHARE = 2 / 3
#: Share of the payout for the recording (master) rights (0-1); the rest is publishing.
#: DiMA's 2021 US split ("Who gets paid and how much") gives 58.6 / (58.6 + 15.1) = 79.5 %,
#: rounded to 0.80.
DEFAULT_RECORDING_SHARE = 0.80
#: Artist royalty rate on the label's receipts (0-1): "Average royalty rates in major deals
#: for new artists have increased ... to 23.3% in 2021" (UK CMA, final report, 2022).
DEFAULT_ARTIST_ROYALTY_RATE = 0.233
#: Songwriter share of the publishing money (0-1): writer 50 % via the collecting society,
#: publisher 50 % (SCMR LLC blog, low authority).
DEFAULT_SONGWRITER_SHARE = 0.5

#: Deal type -> artist royalty rate (share 0-1 of the recording money).
#: ``major`` is the CMA 2021 average; ``independent 50/50`` and ``self-released`` are
#: illustrative assumptions (a profit-split deal; an artist owning the masters and
#: ignoring the distributor's fee), not sourced averages.
DEALS = {
    "major label (CMA 2021 average)": DEFAULT_ARTIST_ROYALTY_RATE,
    "independent 50/50 (assumption)": 0.5,
    "self-released (assumption)": 1.0,
}


def royalty_pool(revenue: float, payout_share: float = DEFAULT_PAYOUT_SHARE) -> float:
    """The royalty pool: ``revenue`` x ``payout_share``.

    Parameters
    ----------
    revenue : float
        Revenue (EUR, any scale; the pool comes out in the same unit).
    payout_share : float
        Share paid to rights holders (0-1); default two-thirds (Spotify, see
        :data:`DEFAULT_PAYOUT_SHARE`).

    Examples
    --------
    >>> royalty_pool(12.0)
    8.0
    """
    check_number(revenue, "revenue", min=0)
    check_number(payout_share, "payout_share", min=0, max=1)
    return float(revenue) * float(payout_share)


def split_payout(
    payout: float | pd.Series,
    recording_share: float = DEFAULT_RECORDING_SHARE,
    artist_royalty_rate: float = DEFAULT_ARTIST_ROYALTY_RATE,
    songwriter_share: float = DEFAULT_SONGWRITER_SHARE,
) -> pd.Series | pd.DataFrame:
    """Split a payout into recording vs publishing, label vs artist, publisher vs writer.

    Defaults and sources (see the module's References): ``recording_share``
    0.80 (DiMA, 2021 US data: 58.6 vs 15.1 of every 100 dollars, 79.5 % to the
    recording), ``artist_royalty_rate`` 0.233 (UK CMA: average royalty rate in
    major deals for new artists, 2021), ``songwriter_share`` 0.5 (writer half
    via the collecting society; a low-authority blog). Each pair of parts sums
    exactly to its whole (the second part is computed as the remainder).

    Parameters
    ----------
    payout : float or pandas.Series
        Amounts paid for the music (EUR).
    recording_share, artist_royalty_rate, songwriter_share : float
        Shares 0-1 as described above.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``recording``, ``publishing``, ``label``, ``artist``, ``publisher`` and
        ``songwriter`` (EUR): a Series for a number, columns for a Series.

    Examples
    --------
    >>> split_payout(100.0).round(2).tolist()
    [80.0, 20.0, 61.36, 18.64, 10.0, 10.0]
    """
    for name, value in (
        ("recording_share", recording_share),
        ("artist_royalty_rate", artist_royalty_rate),
        ("songwriter_share", songwriter_share),
    ):
        check_number(value, name, min=0, max=1)
    if isinstance(payout, pd.Series):
        validate_frame(
            payout.to_frame("payout"), [Column("payout", kind="number", min=0)], source="payout"
        )
    else:
        check_number(payout, "payout", min=0)
    recording = payout * recording_share
    artist = recording * artist_royalty_rate
    writer = (payout - recording) * songwriter_share
    parts = {
        "recording": recording,
        "publishing": payout - recording,
        "label": recording - artist,
        "artist": artist,
        "publisher": payout - recording - writer,
        "songwriter": writer,
    }
    if isinstance(payout, pd.Series):
        return pd.DataFrame(parts)
    return pd.Series({k: float(v) for k, v in parts.items()}, name="eur")


def euro_path(
    payout_share: float = DEFAULT_PAYOUT_SHARE,
    recording_share: float = DEFAULT_RECORDING_SHARE,
    artist_royalty_rate: float = DEFAULT_ARTIST_ROYALTY_RATE,
    songwriter_share: float = DEFAULT_SONGWRITER_SHARE,
    amount: float = 1.0,
) -> pd.DataFrame:
    """Where ``amount`` euros of subscription or advertising revenue end up.

    Returns
    -------
    pandas.DataFrame
        ``recipient`` (service, label, artist, publisher, songwriter), ``eur``
        and ``share`` (0-1); ``eur`` sums to ``amount``.

    Examples
    --------
    >>> euro_path()["eur"].round(3).tolist()
    [0.333, 0.409, 0.124, 0.067, 0.067]
    """
    pool = royalty_pool(amount, payout_share)
    parts = split_payout(pool, recording_share, artist_royalty_rate, songwriter_share)
    eur = [amount - pool, parts["label"], parts["artist"], parts["publisher"], parts["songwriter"]]
    out = pd.DataFrame(
        {"recipient": ["service", "label", "artist", "publisher", "songwriter"], "eur": eur}
    )
    out["share"] = out["eur"] / amount if amount else 0.0
    return out


def per_stream_rate(pool: float, total_streams: float) -> float:
    """Average pool paid per stream (EUR per stream): ``pool / total_streams``.

    The pool pays both sides, recording and publishing, so this rate covers
    both; rates quoted from label or distributor statements (such as
    :data:`valuelab.royalties.calculator.DEFAULT_RATE_USD`) cover the recording
    side only, about 80 % of it (:data:`DEFAULT_RECORDING_SHARE`, DiMA 2021).

    Examples
    --------
    >>> per_stream_rate(3_000.0, 1_000_000)
    0.003
    """
    check_number(pool, "pool", min=0)
    check_number(total_streams, "total_streams", min=1)
    return float(pool) / float(total_streams)


def streams_needed(target_income: float, per_stream_rate: float, artist_share: float) -> int:
    """Streams an artist needs to take home ``target_income`` (rounded up).

    Parameters
    ----------
    target_income : float
        What the artist should receive (EUR).
    per_stream_rate : float
        What rights holders get per stream (EUR per stream, > 0).
    artist_share : float
        Share of that money that reaches the artist (0-1, > 0), e.g.
        ``recording_share * artist_royalty_rate``.

    Examples
    --------
    >>> streams_needed(1_000, 0.003, 0.2)
    1666667
    """
    check_number(target_income, "target_income", min=0)
    check_number(per_stream_rate, "per_stream_rate", min=1e-12)
    check_number(artist_share, "artist_share", min=1e-12, max=1)
    return math.ceil(round(float(target_income) / (per_stream_rate * artist_share), 6))
