"""Streaming royalties: revenue -> royalty pool -> payouts per artist (lesson 02).

Payout rules (pro-rata, user-centric and variants) and the money flow from a
subscription to an artist.
"""

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

__all__ = [
    "CNM_TOP10_CHANGE_PCT",
    "DEALS",
    "DEFAULT_ARTIST_ROYALTY_RATE",
    "DEFAULT_PAYOUT_SHARE",
    "DEFAULT_RECORDING_SHARE",
    "DEFAULT_SONGWRITER_SHARE",
    "LOG_COLUMNS",
    "RULES",
    "SPOTIFY_STREAMS_ABOVE_THRESHOLD_PCT",
    "apply_threshold",
    "artist_centric_boost",
    "blend",
    "by_tier",
    "compare",
    "euro_path",
    "largest_remainder",
    "log_revenue",
    "per_stream_rate",
    "pool_by_year",
    "pro_rata",
    "royalty_pool",
    "split_payout",
    "streams_needed",
    "threshold_effect",
    "user_centric",
    "validate_log",
]
