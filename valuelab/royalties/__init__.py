"""Streaming royalties: revenue -> royalty pool -> payouts per artist (lesson 02).

Spotify's annual figures, the money flow from a subscription to an artist,
what each listener pays (tier and market) and the pools per market and month,
the payout rules (one registry: pro-rata, user-centric and variants), the
payouts of a listening log, what one artist earns, and the sources of lesson
02's payout figures.

Each module's docstring cites the published sources of the definitions it
implements (its References section).
"""

from valuelab.royalties.annual import ANNUAL_METRICS, annual_summary
from valuelab.royalties.calculator import (
    CALCULATOR_RULES,
    DEFAULT_RATE_USD,
    RATE_SIDE,
    artist_income,
    rule_factor,
)
from valuelab.royalties.listeners import (
    DEFAULT_MARKET,
    LISTENER_TIERS,
    MARKETS,
    PRICES,
    listener_payments,
    market_pools,
    price,
    row_payments,
)
from valuelab.royalties.moneyflow import (
    DEALS,
    DEFAULT_ARTIST_ROYALTY_RATE,
    DEFAULT_PAYOUT_SHARE,
    DEFAULT_RECORDING_SHARE,
    DEFAULT_SONGWRITER_SHARE,
    euro_path,
    per_stream_rate,
    pool_by_year,
    royalty_pool,
    split_payout,
    streams_needed,
)
from valuelab.royalties.payouts import (
    CNM_TOP10_CHANGE_PCT,
    LOG_COLUMNS,
    RULES,
    SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT,
    USER_WEIGHTS,
    apply_threshold,
    artist_centric_boost,
    blend,
    by_tier,
    compare,
    farm_effect,
    largest_remainder,
    log_revenue,
    pro_rata,
    threshold_effect,
    user_centric,
    validate_log,
)
from valuelab.royalties.rules import PAYOUT_RULES, PayoutRule, payout_rule, rule_table
from valuelab.royalties.sources import payout_sources

__all__ = [
    "ANNUAL_METRICS",
    "CALCULATOR_RULES",
    "CNM_TOP10_CHANGE_PCT",
    "DEALS",
    "DEFAULT_ARTIST_ROYALTY_RATE",
    "DEFAULT_MARKET",
    "DEFAULT_PAYOUT_SHARE",
    "DEFAULT_RATE_USD",
    "DEFAULT_RECORDING_SHARE",
    "DEFAULT_SONGWRITER_SHARE",
    "LISTENER_TIERS",
    "LOG_COLUMNS",
    "MARKETS",
    "PAYOUT_RULES",
    "PRICES",
    "RATE_SIDE",
    "RULES",
    "SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT",
    "USER_WEIGHTS",
    "PayoutRule",
    "annual_summary",
    "apply_threshold",
    "artist_centric_boost",
    "artist_income",
    "blend",
    "by_tier",
    "compare",
    "euro_path",
    "farm_effect",
    "largest_remainder",
    "listener_payments",
    "log_revenue",
    "market_pools",
    "payout_rule",
    "payout_sources",
    "per_stream_rate",
    "pool_by_year",
    "price",
    "pro_rata",
    "row_payments",
    "royalty_pool",
    "rule_factor",
    "rule_table",
    "split_payout",
    "streams_needed",
    "threshold_effect",
    "user_centric",
    "validate_log",
]
