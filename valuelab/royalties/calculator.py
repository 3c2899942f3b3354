"""What one artist earns per stream and per month under a deal and a payout rule.

The maths behind the royalty calculator app. How the payout rule enters
(:func:`rule_factor`, a factor on the market rate per stream): under pro-rata
every stream earns the market rate. Under user-centric a listener's own
payment is split over *that listener's* streams, so an artist whose fans pay
``fan_payment`` times the average payment and stream ``fan_intensity`` times as
much as the average listener earns ``fan_payment / fan_intensity`` times the
market rate per stream (a fan base of light, paying listeners earns more per
stream; one of free listeners less). With equal shares (the teaching contrast)
the factor is ``1 / fan_intensity``. A blend mixes user-centric and pro-rata.
The threshold rule pays nothing for tracks under its minimum of streams a year
and slightly more to the rest (the 0.5 % of streams below 1,000 are
redistributed, :data:`SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT`).

The rate per stream is the **recording side** only: what labels and
distributors receive (:data:`DEFAULT_RATE_USD`, :data:`RATE_SIDE`). The
publishing side (publisher and songwriter) is paid separately; the calculator
derives it from the recording rate with the recording share of
:mod:`valuelab.royalties.moneyflow` (DiMA 2021: 58.6 recording vs 15.1
publishing of every 100 dollars).

Examples
--------
>>> CALCULATOR_RULES
('pro_rata', 'user_centric', 'user_centric_equal', 'blend_50', 'threshold_1000')
>>> rule_factor("blend_50", fan_intensity=2.0, yearly_track_streams=5_000)
0.75
"""

from __future__ import annotations

from valuelab.core import InputError, check_number
from valuelab.royalties.moneyflow import DEALS, split_payout, streams_needed
from valuelab.royalties.payouts import SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT
from valuelab.royalties.rules import PAYOUT_RULES, payout_rule

__all__ = ["CALCULATOR_RULES", "DEFAULT_RATE_USD", "RATE_SIDE", "artist_income", "rule_factor"]

#: Typical Spotify rate per stream to the recording's rights holders (USD, recording side
#: only): "most estimates range from around $0.003 to $0.005 per stream" (The Seattle Times,
#: "A Seattle musician's Spotify Wrapped numbers shed light on how streaming services upended
#: music's business models", 2021); such estimates come from what labels and distributors
#: pay out, i.e. the recording (master) side, without the publishing side.
DEFAULT_RATE_USD = 0.003
#: Which rights :data:`DEFAULT_RATE_USD` covers: "recording", "publishing" or "both".
RATE_SIDE = "recording"
#: Payout methods with a per-artist model here (artist-centric needs listener counts).
_MODELLED = ("pro_rata", "user_centric", "blend", "threshold")
#: The rules of :data:`~valuelab.royalties.rules.PAYOUT_RULES` the calculator models.
CALCULATOR_RULES = tuple(n for n, rule in PAYOUT_RULES.items() if rule.method in _MODELLED)


def rule_factor(
    rule: str, fan_intensity: float, yearly_track_streams: float, fan_payment: float = 1.0
) -> float:
    """The rule's rate per stream as a multiple of the pro-rata market rate.

    Parameters
    ----------
    rule : str
        One of :data:`CALCULATOR_RULES`.
    fan_intensity : float
        How much the artist's listeners stream compared with the average listener (x, > 0).
    yearly_track_streams : float
        Streams of each of the artist's tracks a year (for a threshold).
    fan_payment : float
        What the artist's listeners pay compared with the average listener (x, >= 0;
        1 = average; Premium fans in a market of Premium and free listeners pay more).

    Examples
    --------
    >>> rule_factor("user_centric", 2.0, 5_000), rule_factor("threshold_1000", 1.0, 999)
    (0.5, 0.0)
    >>> rule_factor("user_centric", 1.0, 5_000, fan_payment=1.5)
    1.5
    >>> rule_factor("user_centric_equal", 1.0, 5_000, fan_payment=1.5)
    1.0
    """
    spec = payout_rule(rule, among=CALCULATOR_RULES)
    paid = fan_payment if spec.options.get("weights", "payment") == "payment" else 1.0
    user_centric = paid / fan_intensity
    if spec.method == "user_centric":
        return user_centric
    if spec.method == "blend":
        alpha = float(spec.options["alpha"])
        return alpha * fan_payment / fan_intensity + (1 - alpha)
    if spec.method == "threshold":
        if yearly_track_streams < float(spec.options["min_streams"]):
            return 0.0
        return 100.0 / SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT
    return 1.0


def _check_inputs(
    monthly_streams: int, deal: str, rate: float, fans: tuple[float, float], tracks: int
) -> None:
    check_number(monthly_streams, "monthly_streams", min=0, integer=True)
    check_number(rate, "rate", min=1e-9, max=1)
    check_number(fans[0], "fan_intensity", min=0.01, max=100)
    check_number(fans[1], "fan_payment", min=0, max=100)
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
    fan_payment: float = 1.0,
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
        Market rate per stream to the **recording** side under pro-rata (USD; labels and
        distributors; :data:`RATE_SIDE`). The publishing side is derived from it with
        :data:`~valuelab.royalties.moneyflow.DEFAULT_RECORDING_SHARE`.
    fan_intensity, fan_payment : float
        How much the artist's listeners stream and pay compared with the average (x).
    tracks : int
        Number of tracks sharing the streams (for the threshold rule).
    writes_songs : bool
        Whether the artist also receives the songwriter's share of publishing.

    Returns
    -------
    dict
        ``per_stream`` (USD to the artist per stream), ``monthly`` (USD a
        month), ``needed`` (streams a month for ``target_income``),
        ``recording_rate`` (USD per stream to the recording side under the rule),
        ``pool_rate`` (both sides: recording rate / recording share) and
        ``artist_share`` (0-1 of ``pool_rate``).

    Examples
    --------
    >>> out = artist_income(100_000, rate=0.004)
    >>> round(out["monthly"], 2), out["needed"]
    (93.2, 1609443.0)
    """
    _check_inputs(monthly_streams, deal, rate, (fan_intensity, fan_payment), tracks)
    fans = {"fan_intensity": fan_intensity, "fan_payment": fan_payment}
    factor = rule_factor(rule, yearly_track_streams=monthly_streams * 12 / tracks, **fans)
    # streams needed: at that volume the threshold no longer bites
    at_volume = rule_factor(rule, yearly_track_streams=float("inf"), **fans)
    return _income(monthly_streams, rate, factor, at_volume, (deal, writes_songs, target_income))


def _income(
    monthly_streams: int, rate: float, factor: float, at_volume: float, who: tuple
) -> dict[str, float]:
    """The result of :func:`artist_income` from the rule's factors on the recording rate."""
    deal, writes_songs, target_income = who
    parts = split_payout(1.0, artist_royalty_rate=DEALS[deal])
    recording = float(parts["recording"])
    pool_rate = rate * factor / recording
    share = float(parts["artist"] + (parts["songwriter"] if writes_songs else 0.0))
    return {
        "per_stream": pool_rate * share,
        "monthly": monthly_streams * pool_rate * share,
        "needed": float(streams_needed(target_income, rate * at_volume / recording, share)),
        "recording_rate": rate * factor,
        "pool_rate": pool_rate,
        "artist_share": share,
    }
