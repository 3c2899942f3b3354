"""The sources of lesson 02's payout figures: each value, its kind and where it comes from.

:func:`payout_sources` returns the rows of the sources table lesson 02 ends
with for its sections on the money flow and the payout rules
(:func:`valuelab.core.sources_table` draws the table). Sourced constants come
from the modules that use them; every figure computed from the synthetic
listening log is computed here by the same functions the lesson calls, with
the lesson's parameters, so the table and the lesson's text cannot disagree.

Examples
--------
>>> rows = payout_sources(log_rows=2_000)
>>> farm = next(v for v in rows if v.figure.startswith("Stream farm under user-centric"))
>>> farm.value, farm.kind
(9.38, 'derived')
"""

from __future__ import annotations

from valuelab.core import SourcedValue
from valuelab.data import datasets
from valuelab.royalties.annual import MUSIC_AD_SHARE, annual_value, pool_estimate
from valuelab.royalties.calculator import DEFAULT_RATE_USD, RATE_SIDE
from valuelab.royalties.listeners import PRICES
from valuelab.royalties.moneyflow import (
    DEFAULT_ARTIST_ROYALTY_RATE,
    DEFAULT_PAYOUT_SHARE,
    DEFAULT_RECORDING_SHARE,
    DEFAULT_SONGWRITER_SHARE,
    euro_path,
    royalty_pool,
)
from valuelab.royalties.payouts import (
    CNM_TOP10_CHANGE_PCT,
    SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT,
    by_tier,
    compare,
    farm_effect,
    log_revenue,
    threshold_effect,
)
from valuelab.royalties.rules import payout_rule

__all__ = ["PAID_BY_MID_2015", "lifetime_sources", "payout_sources"]

#: Spotify's lifetime payouts by June 2015 (USD bn): Spotify's figure read in a secondary
#: report, so ``estimated`` by the kit's rule (see :mod:`valuelab.royalties.annual`).
PAID_BY_MID_2015 = SourcedValue(
    "Spotify royalties paid since 2008, by June 2015",
    3.0,
    "USD bn",
    "estimated",
    "Music Ally, 'Spotify hits $3bn rightsholder payments, with $300m in Q1 2015' (5 June 2015), "
    "https://musically.com/2015/06/05/spotify-hits-3bn-rightsholder-payments-300m-q1/",
    "Spotify's announcement as Music Ally reported it (Spotify's own post not retrieved)",
    precision=0,
)

_KIT_LOG = "the kit's synthetic listening log"
_DIMA = "Digital Media Association (DiMA), 'Who gets paid and how much', 2021 US data"
_CMA = (
    "UK Competition and Markets Authority, 'Music and streaming market study: final report', 2022"
)
_SEATTLE = (
    "The Seattle Times, 'A Seattle musician's Spotify Wrapped numbers shed light on how "
    "streaming services upended music's business models', 2021"
)


def _shares(payout_share: float) -> list[SourcedValue]:
    """The money-flow shares and what reaches the artist of one euro."""
    artist = float(euro_path(payout_share).set_index("recipient").loc["artist", "eur"]) * 100
    return [
        SourcedValue(
            "Recording share of the payout",
            DEFAULT_RECORDING_SHARE * 100,
            "%",
            "derived",
            _DIMA,
            "58.6 / (58.6 + 15.1) = 79.5 %, rounded to 80 %",
        ),
        SourcedValue(
            "Artist royalty in a major-label deal (new artists, 2021)",
            DEFAULT_ARTIST_ROYALTY_RATE * 100,
            "%",
            "reported",
            _CMA,
            precision=1,
        ),
        SourcedValue(
            "Songwriter share of the publishing money",
            DEFAULT_SONGWRITER_SHARE * 100,
            "%",
            "estimated",
            "SCMR LLC blog (low authority, undated)",
            "the writer's half paid through the collecting society, the publisher's half to the "
            "publisher; deals vary",
        ),
        SourcedValue(
            "Cents of a euro of revenue reaching the performing artist (major deal)",
            artist,
            "cents",
            "derived",
            f"{_DIMA}; {_CMA}",
            f"100 x payout share {payout_share:.4g} x recording share x artist royalty",
            precision=1,
        ),
        SourcedValue(
            f"Spotify rate per stream, {RATE_SIDE} side only (labels and distributors)",
            DEFAULT_RATE_USD,
            "USD per stream",
            "estimated",
            _SEATTLE,
            "low end of press estimates of USD 0.003-0.005, which come from label and "
            "distributor statements (recording side); the publishing side is paid separately",
            precision=3,
        ),
    ]


def _tiers(log, pool: float, rule: str) -> list[SourcedValue]:
    """The tier changes of the lesson's rule vs pro-rata, and the CNM figure beside them."""
    tiers = by_tier(compare(log, pool, rules=["pro_rata", rule]))
    change = tiers.set_index(["rule", "tier"])["change_pct"]
    label = payout_rule(rule).label
    basis = (
        "each artist's payout under both rules, by popularity tier; pool = log revenue x "
        f"payout share; rule: {label}"
    )
    return [
        SourcedValue(
            f"Top-10 artists' payout change, {label} vs pro-rata",
            float(change[rule, "top 10"]),
            "%",
            "derived",
            _KIT_LOG,
            basis,
            precision=1,
        ),
        SourcedValue(
            f"Long-tail artists' payout change, {label} vs pro-rata",
            float(change[rule, "long tail"]),
            "%",
            "derived",
            _KIT_LOG,
            basis,
            precision=1,
        ),
        SourcedValue(
            "Top-10 artists' change under user-centric, France 2019",
            CNM_TOP10_CHANGE_PCT,
            "%",
            "reported",
            "Centre national de la musique (CNM) with Deloitte, 'Impact of online "
            "music streaming services adopting the UCPS', January 2021",
            precision=1,
        ),
    ]


def _threshold(log, pool: float, min_track_streams: int) -> list[SourcedValue]:
    effect = threshold_effect(log, pool, min_track_streams, level="track")
    return [
        SourcedValue(
            "Share of Spotify streams of tracks with at least 1,000 streams a year, 2023",
            SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT,
            "%",
            "reported",
            "Music Business Worldwide, 'Changes to Spotify's royalty model ... officially live "
            "as of April 1', 2024",
            precision=1,
        ),
        SourcedValue(
            f"Streams below a {min_track_streams}-stream track minimum in the log",
            effect["streams_below_pct"],
            "%",
            "derived",
            _KIT_LOG,
            "streams of tracks under the minimum / all streams",
            precision=2,
        ),
    ]


def _farm(payout_share: float, bots: int, log_rows: int) -> list[SourcedValue]:
    farm = datasets.generate("listening_log", n_rows=log_rows, stream_farm=bots)
    got = farm_effect(farm, payout_share)
    premium = float(PRICES["world", "premium"].value)
    kit = f"{_KIT_LOG} with a farm of {bots} bot accounts"
    return [
        SourcedValue(
            "Stream farm under user-centric (payment-weighted)",
            got["user_centric_eur"],
            "EUR a month",
            "derived",
            kit,
            f"{bots} Premium accounts x EUR {premium:.2f} x payout share {payout_share:.4g}",
            precision=2,
        ),
        SourcedValue(
            "Stream farm under pro-rata",
            got["pro_rata_eur"],
            "EUR a month",
            "derived",
            kit,
            "the farm's share of its market's streams x that market's pool",
            precision=2,
        ),
        SourcedValue(
            "Stream farm under user-centric with equal shares (teaching contrast)",
            got["user_centric_equal_eur"],
            "EUR a month",
            "derived",
            kit,
            f"{bots} accounts / all listeners x the pool",
            precision=2,
        ),
    ]


def payout_sources(
    payout_share: float = 2 / 3,
    rule: str = "user_centric",
    min_track_streams: int = 3,
    bots: int = 3,
    log_rows: int = 30_000,
) -> list[SourcedValue]:
    """The sources-table rows of lesson 02's money-flow and payout sections.

    Parameters
    ----------
    payout_share : float
        Share of revenue paid to rights holders (0-1), as in the lesson.
    rule : str
        The payout rule the lesson compares with pro-rata.
    min_track_streams : int
        The lesson's minimum of streams per track (streams).
    bots : int
        Accounts of the lesson's stream farm.
    log_rows : int
        Rows of the listening log (30,000 is the shipped file).

    Returns
    -------
    list of SourcedValue
        The listener payments of :data:`~valuelab.royalties.listeners.PRICES`,
        the money-flow shares, the per-stream rate (recording side), the tier
        changes, the threshold and the stream farm.
    """
    log = (
        datasets.load("listening_log")
        if log_rows == 30_000
        else datasets.generate("listening_log", n_rows=log_rows)
    )
    pool = royalty_pool(log_revenue(log), payout_share)
    return [
        *PRICES.values(),
        *_shares(payout_share),
        *_tiers(log, pool, rule),
        *_threshold(log, pool, min_track_streams),
        *_farm(payout_share, bots, log_rows),
    ]


def lifetime_sources(
    payout_share: float = DEFAULT_PAYOUT_SHARE, music_ad_share: float = MUSIC_AD_SHARE
) -> list[SourcedValue]:
    """The figures of lesson 02's check of the pool against Spotify's lifetime payouts.

    Returns
    -------
    list of SourcedValue
        The lifetime EUR payouts at end-2021 (EUR bn, estimated: a secondary report
        of the 20-F), the estimated pool summed over 2015-2021 (EUR bn, the
        assumptions of :func:`valuelab.royalties.annual.pool_estimate`) and
        :data:`PAID_BY_MID_2015` (USD bn).

    Examples
    --------
    >>> [v.kind for v in lifetime_sources()]
    ['estimated', 'estimated', 'estimated']
    """
    pools = pool_estimate(datasets.load("spotify_annual"), payout_share, music_ad_share)
    summed = pools.set_index("year").loc[2015:2021, "pool_eur_bn"].sum()
    pool = SourcedValue(
        "Royalty pool summed over 2015-2021",
        float(summed),
        "EUR bn",
        "estimated",
        "Spotify, Loud & Clear (2021-2025): the payout share of music revenue; revenue from "
        "Spotify's annual figures (see their sources)",
        f"sum of the yearly pools: {payout_share:.1%} of Premium revenue + "
        f"{music_ad_share:.0%} of ad-supported revenue (the kit's assumption)",
        1,
    )
    return [annual_value(2021, "cumulative_royalties_eur_bn"), pool, PAID_BY_MID_2015]
