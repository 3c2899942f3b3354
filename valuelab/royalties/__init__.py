"""Streaming royalties: revenue -> royalty pool -> payouts per artist (lesson 02).

Spotify's annual figures, the money flow from a subscription to an artist,
the payout rules (one registry: pro-rata, user-centric and variants), the
payouts of a listening log and what one artist earns.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.royalties.annual import (
    ANNUAL_METRICS,
    MUSIC_AD_SHARE,
    MUSIC_AD_SHARE_RANGE,
    PAYOUT_SHARE_RANGE,
    annual_sources,
    annual_summary,
    annual_value,
    pool_estimate,
    pool_sources,
    provenance,
)
from valuelab.royalties.calculator import (
    CALCULATOR_RULES,
    DEFAULT_RATE_USD,
    artist_income,
    rule_factor,
)
from valuelab.royalties.moneyflow import (
    DEALS,
    DEFAULT_ARTIST_ROYALTY_RATE,
    DEFAULT_PAYOUT_SHARE,
    DEFAULT_RECORDING_SHARE,
    DEFAULT_SONGWRITER_SHARE,
    euro_path,
    per_stream_rate,
    royalty_pool,
    split_payout,
    streams_needed,
)
from valuelab.royalties.payouts import (
    CNM_TOP10_CHANGE_PCT,
    LOG_COLUMNS,
    RULES,
    SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT,
    apply_threshold,
    artist_centric_boost,
    blend,
    by_tier,
    compare,
    largest_remainder,
    log_revenue,
    pro_rata,
    threshold_effect,
    user_centric,
    validate_log,
)
from valuelab.royalties.rules import PAYOUT_RULES, PayoutRule, payout_rule, rule_table

__all__ = [
    "ANNUAL_METRICS",
    "CALCULATOR_RULES",
    "CNM_TOP10_CHANGE_PCT",
    "DEALS",
    "DEFAULT_ARTIST_ROYALTY_RATE",
    "DEFAULT_PAYOUT_SHARE",
    "DEFAULT_RATE_USD",
    "DEFAULT_RECORDING_SHARE",
    "DEFAULT_SONGWRITER_SHARE",
    "LOG_COLUMNS",
    "MUSIC_AD_SHARE",
    "MUSIC_AD_SHARE_RANGE",
    "PAYOUT_RULES",
    "PAYOUT_SHARE_RANGE",
    "RULES",
    "SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT",
    "PayoutRule",
    "annual_sources",
    "annual_summary",
    "annual_value",
    "apply_threshold",
    "artist_centric_boost",
    "artist_income",
    "blend",
    "by_tier",
    "compare",
    "euro_path",
    "largest_remainder",
    "log_revenue",
    "payout_rule",
    "per_stream_rate",
    "pool_estimate",
    "pool_sources",
    "pro_rata",
    "provenance",
    "royalty_pool",
    "rule_factor",
    "rule_table",
    "split_payout",
    "streams_needed",
    "threshold_effect",
    "user_centric",
    "validate_log",
]
