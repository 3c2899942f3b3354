"""What one artist earns per stream and per month under a deal and a payout rule.

The maths behind the royalty calculator app. How the payout rule enters
(:func:`rule_factor`, a factor on the market rate per stream): under pro-rata
every stream earns the market rate. Under user-centric a listener's money is
split over *that listener's* streams, so an artist whose fans stream
``fan_intensity`` times as much as the average user earns ``1 / fan_intensity``
times the market rate per stream (a fan base of light listeners earns more per
stream). A blend mixes the two. The threshold rule pays nothing for tracks
under its minimum of streams a year and slightly more to the rest (the 0.5 %
of streams below 1,000 are redistributed, :data:`SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT`).

Examples
--------
>>> CALCULATOR_RULES
('pro_rata', 'user_centric', 'blend_50', 'threshold_1000')
>>> rule_factor("blend_50", fan_intensity=2.0, yearly_track_streams=5_000)
0.75
"""

from __future__ import annotations

from valuelab.core import InputError, check_number
from valuelab.royalties.moneyflow import DEALS, split_payout, streams_needed
from valuelab.royalties.payouts import SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT
from valuelab.royalties.rules import PAYOUT_RULES, payout_rule

__all__ = ["CALCULATOR_RULES", "DEFAULT_RATE_USD", "artist_income", "rule_factor"]

#: Typical Spotify rate paid to rights holders per stream (USD): "most estimates range from
#: around $0.003 to $0.005 per stream" (The Seattle Times, "A Seattle musician's Spotify
#: Wrapped numbers shed light on how streaming services upended music's business models", 2021).
DEFAULT_RATE_USD = 0.003
#: Payout methods with a per-artist model here (artist-centric needs listener counts).
_MODELLED = ("pro_rata", "user_centric", "blend", "threshold")
#: The rules of :data:`~valuelab.royalties.rules.PAYOUT_RULES` the calculator models.
CALCULATOR_RULES = tuple(n for n, rule in PAYOUT_RULES.items() if rule.method in _MODELLED)


def rule_factor(rule: str, fan_intensity: float, yearly_track_streams: float) -> float:
    """The rule's rate per stream as a multiple of the pro-rata market rate.

    Parameters
    ----------
    rule : str
        One of :data:`CALCULATOR_RULES`.
    fan_intensity : float
        How much the artist's listeners stream compared with the average user (x, > 0).
    yearly_track_streams : float
        Streams of each of the artist's tracks a year (for a threshold).

    Examples
    --------
    >>> rule_factor("user_centric", 2.0, 5_000), rule_factor("threshold_1000", 1.0, 999)
    (0.5, 0.0)
    """
    spec = payout_rule(rule, among=CALCULATOR_RULES)
    user_centric = 1.0 / fan_intensity
    if spec.method == "user_centric":
        return user_centric
    if spec.method == "blend":
        alpha = float(spec.options["alpha"])
        return alpha * user_centric + (1 - alpha)
    if spec.method == "threshold":
        if yearly_track_streams < float(spec.options["min_streams"]):
            return 0.0
        return 100.0 / SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT
    return 1.0


def _check_inputs(
    monthly_streams: int, deal: str, rate: float, fan_intensity: float, tracks: int
) -> None:
    check_number(monthly_streams, "monthly_streams", min=0, integer=True)
    check_number(rate, "rate", min=1e-9, max=1)
    check_number(fan_intensity, "fan_intensity", min=0.01, max=100)
    check_number(tracks, "tracks", min=1, integer=True)
    if deal not in DEALS:
        raise InputError(f"unknown deal '{deal}'", source="deal", expected=", ".join(DEALS))


def artist_income(
    monthly_streams: int = 100_000,
    deal: str = "major label (CMA 2021 average)",
    rule: str = "pro_rata",
    target_income: float = 1_500.0,
    rate: float = DEFAULT_RATE_USD,
    fan_intensity: float = 1.0,
    tracks: int = 10,
    writes_songs: bool = False,
) -> dict[str, float]:
    """What an artist takes home under a deal and a payout rule.

    Parameters
    ----------
    monthly_streams : int
        The artist's streams a month (all tracks).
    deal : str
        A key of :data:`valuelab.royalties.moneyflow.DEALS` (sets the artist royalty rate).
    rule : str
        One of :data:`CALCULATOR_RULES`.
    target_income : float
        Monthly income the artist wants (USD).
    rate : float
        Market rate paid to rights holders per stream under pro-rata (USD).
    fan_intensity : float
        How much the artist's listeners stream compared with the average user (x, > 0).
    tracks : int
        Number of tracks sharing the streams (for the threshold rule).
    writes_songs : bool
        Whether the artist also receives the songwriter's share of publishing.

    Returns
    -------
    dict
        ``per_stream`` (USD to the artist per stream), ``monthly`` (USD a
        month), ``needed`` (streams a month for ``target_income``), ``pool_rate``
        (USD to all rights holders per stream under the rule) and
        ``artist_share`` (0-1 of that).

    Examples
    --------
    >>> out = artist_income(100_000, rate=0.004)
    >>> round(out["monthly"], 2), out["needed"]
    (74.56, 2011803.0)
    """
    _check_inputs(monthly_streams, deal, rate, fan_intensity, tracks)
    yearly_per_track = monthly_streams * 12 / tracks
    pool_rate = rate * rule_factor(rule, fan_intensity, yearly_per_track)
    parts = split_payout(1.0, artist_royalty_rate=DEALS[deal])
    share = float(parts["artist"] + (parts["songwriter"] if writes_songs else 0.0))
    # streams needed: at that volume the threshold no longer bites
    needed_rate = rate * rule_factor(rule, fan_intensity, float("inf"))
    return {
        "per_stream": pool_rate * share,
        "monthly": monthly_streams * pool_rate * share,
        "needed": float(streams_needed(target_income, needed_rate, share)),
        "pool_rate": pool_rate,
        "artist_share": share,
    }
