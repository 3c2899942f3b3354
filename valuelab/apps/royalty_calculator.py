"""The royalty calculator app: what an artist earns per stream and per month.

The pure part, :func:`artist_income`, computes what the app shows from
:mod:`valuelab.royalties.payouts`; :func:`build_app` only wires widgets to it.

How the payout rule enters: under pro-rata every stream earns the market
rate. Under user-centric a listener's money is split over *that listener's*
streams, so an artist whose fans stream ``fan_intensity`` times as much as the
average user earns ``1 / fan_intensity`` times the market rate per stream (a
fan base of light listeners earns more per stream). The threshold rule pays
nothing for tracks under 1,000 streams a year and slightly more to the rest
(the 0.5 % of streams below the bar are redistributed).
"""

from __future__ import annotations

import ipywidgets as w

from valuelab import royalties as r
from valuelab.apps import kit
from valuelab.core import InputError, check_number
from valuelab.plots import euro_flow

__all__ = ["APP_RULES", "artist_income", "build_app"]

#: Payout rules offered by the app: key -> label.
APP_RULES = {
    "pro_rata": "Pro-rata (Spotify today)",
    "user_centric": "User-centric",
    "blend_50": "Blend 50/50",
    "threshold": "Pro-rata + 1,000-stream threshold",
}

#: Typical Spotify rate paid to rights holders per stream (USD): "most estimates range from
#: around $0.003 to $0.005 per stream" (Seattle Times, 2021; FACTS.md topic 3).
DEFAULT_RATE_USD = 0.003


def _rule_factor(rule: str, fan_intensity: float, yearly_track_streams: float) -> float:
    if rule not in APP_RULES:
        raise InputError(
            f"unknown payout rule '{rule}'", source="rule", expected=", ".join(APP_RULES)
        )
    uc = 1.0 / fan_intensity
    if rule == "user_centric":
        return uc
    if rule == "blend_50":
        return 0.5 + 0.5 * uc
    if rule == "threshold":
        if yearly_track_streams < 1000:
            return 0.0
        return 100.0 / r.SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT
    return 1.0


def _check_terms(
    monthly_streams: int, deal: str, rate: float, fan_intensity: float, tracks: int
) -> None:
    """Raise :class:`InputError` for a value :func:`artist_income` cannot use."""
    check_number(monthly_streams, "monthly_streams", min=0, integer=True)
    check_number(rate, "rate", min=1e-9, max=1)
    check_number(fan_intensity, "fan_intensity", min=0.01, max=100)
    check_number(tracks, "tracks", min=1, integer=True)
    if deal not in r.DEALS:
        raise InputError(f"unknown deal '{deal}'", source="deal", expected=", ".join(r.DEALS))


def _artist_share(deal: str, writes_songs: bool) -> float:
    """The artist's share 0-1 of what rights holders get: royalty, plus songwriting if theirs."""
    parts = r.split_payout(1.0, artist_royalty_rate=r.DEALS[deal])
    return float(parts["artist"] + (parts["songwriter"] if writes_songs else 0.0))


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
        A key of :data:`valuelab.royalties.payouts.DEALS` (sets the artist royalty rate).
    rule : str
        A key of :data:`APP_RULES`.
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
    _check_terms(monthly_streams, deal, rate, fan_intensity, tracks)
    yearly_per_track = monthly_streams * 12 / tracks
    pool_rate = rate * _rule_factor(rule, fan_intensity, yearly_per_track)
    share = _artist_share(deal, writes_songs)
    # streams needed: at that volume the threshold no longer bites
    needed_rate = rate * _rule_factor(rule, fan_intensity, float("inf"))
    return {
        "per_stream": pool_rate * share,
        "monthly": monthly_streams * pool_rate * share,
        "needed": float(r.streams_needed(target_income, needed_rate, share)),
        "pool_rate": pool_rate,
        "artist_share": share,
    }


KPIS = {
    "per_stream": ("Artist income per stream", "USD", ",.5f"),
    "monthly": ("Artist income per month", "USD", ",.2f"),
    "needed": ("Streams a month for the target", "streams", ",.0f"),
}


def build_app(
    monthly_streams: int = 100_000,
    deal: str = "major label (CMA 2021 average)",
    rule: str = "pro_rata",
    target_income: float = 1_500.0,
    fan_intensity: float = 1.0,
) -> w.Widget:
    """The calculator: artist, deal and rule in; income and where each euro goes out.

    Invalid starting values (e.g. from the page URL) fall back to defaults.
    Deltas on the cards compare with pro-rata.
    """
    streams = w.BoundedIntText(
        value=monthly_streams if 0 <= monthly_streams <= 10**10 else 100_000,
        min=0,
        max=10**10,
        step=10_000,
        description="Monthly streams",
    )
    deal_box = w.Dropdown(
        options=list(r.DEALS),
        value=deal if deal in r.DEALS else next(iter(r.DEALS)),
        description="Deal",
    )
    rule_box = w.Dropdown(
        options=[(label, key) for key, label in APP_RULES.items()],
        value=rule if rule in APP_RULES else "pro_rata",
        description="Payout rule",
    )
    target = w.FloatText(value=target_income, description="Target (USD/month)")
    fans = w.FloatSlider(
        value=fan_intensity if 0.25 <= fan_intensity <= 4 else 1.0,
        min=0.25,
        max=4.0,
        step=0.25,
        description="Fans' listening (x average)",
        continuous_update=False,
    )
    rate = w.FloatText(value=DEFAULT_RATE_USD, step=0.0005, description="Rate per stream (USD)")
    tracks = w.BoundedIntText(value=10, min=1, max=10_000, description="Tracks")
    writes = w.Checkbox(value=False, description="Writes own songs")
    for box in (streams, deal_box, rule_box, target, fans, rate, tracks, writes):
        box.style.description_width = "170px"
    note = w.HTML(
        "<small>Rate: typical Spotify payout to rights holders, USD 0.003-0.005 a stream "
        "(press estimates, 2021). Deal: artist royalty on the label's share; the major "
        "figure is the UK CMA's 2021 average for new artists.</small>"
    )
    cards = kit.KpiCards(KPIS)
    errors = kit.ErrorPanel()
    chart = kit.FigureBox()
    controls = [streams, deal_box, rule_box, fans, target, rate, tracks, writes, note]

    def args(rule_key: str) -> dict:
        return {
            "monthly_streams": streams.value,
            "deal": deal_box.value,
            "rule": rule_key,
            "target_income": target.value,
            "rate": rate.value,
            "fan_intensity": fans.value,
            "tracks": tracks.value,
            "writes_songs": writes.value,
        }

    @kit.debounced()
    def refresh(*_: object) -> None:
        with errors.guard():
            now = artist_income(**args(rule_box.value))
            base = artist_income(**args("pro_rata")) if rule_box.value != "pro_rata" else None
            cards.update(now, baseline=base)
            path = r.euro_path(artist_royalty_rate=r.DEALS[deal_box.value])
            chart.show(euro_flow(path, title="Where each euro of revenue goes"))

    def state() -> tuple:
        params = {
            "monthly_streams": streams.value,
            "deal": deal_box.value,
            "rule": rule_box.value,
            "target_income": target.value,
            "fan_intensity": fans.value,
        }
        return params, cards, [chart.figure]

    save = kit.SaveReport("Royalty calculator", state, app="royalty_calculator.ipynb")
    for box in (streams, deal_box, rule_box, target, fans, rate, tracks, writes):
        box.observe(refresh, names="value")
    refresh()
    return kit.page(
        "Royalty calculator",
        "An artist's streams, deal and payout rule in; income per stream and per month out.",
        [*controls, save],
        [errors, cards, chart],
    )
