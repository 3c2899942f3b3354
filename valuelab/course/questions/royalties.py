"""Questions of ``exercises/02_royalties``: payout rules and the money flow."""

from __future__ import annotations

import pandas as pd

from valuelab import royalties as r
from valuelab.course.registry import expect
from valuelab.data import load, load_spotify_annual

#: The exercise's title, as its notebook's first heading says it (feedback pages use it).
TITLE = "Exercise 2: streaming royalties"

#: The two-listener log of the exercise (the same as the hand-computed test case): two
#: Premium listeners, so user-centric gives each the same share.
TWO_LISTENERS = pd.DataFrame(
    {"user_id": ["u1", "u2"], "artist_id": ["X", "Y"], "streams": [90, 10], "tier": "premium"}
)


@expect(
    "royalties.q1",
    variable="x_pro_rata",
    hint="Pro-rata: X's share of all streams times the pool of EUR 20.",
    tol=0.005,
)
def _q1() -> float:
    return float(r.pro_rata(TWO_LISTENERS, 20)["X"])


@expect(
    "royalties.q2",
    variable="y_user_centric",
    hint="User-centric: each listener's own payment (here the same, so half the pool each) goes "
    "to what that listener played.",
    tol=0.005,
)
def _q2() -> float:
    return float(r.user_centric(TWO_LISTENERS, 20)["Y"])


@expect(
    "royalties.q3",
    variable="pool_2024_eur_bn",
    hint="`pool_estimate(spotify_annual)` with its defaults, the 2024 row's "
    "`pool_eur_bn`: two-thirds of music revenue (Premium + 80 % of ad revenue), "
    "not of total revenue.",
    tol=0.005,
)
def _q3() -> float:
    pools = r.pool_estimate(load_spotify_annual()).set_index("year")
    return float(pools.loc[2024, "pool_eur_bn"])


@expect(
    "royalties.q4",
    variable="artist_cents",
    hint="`euro_path()` with the default shares: the artist's row, in cents.",
    tol=0.05,
)
def _q4() -> float:
    path = r.euro_path().set_index("recipient")["eur"]
    return float(path["artist"]) * 100


@expect(
    "royalties.q5",
    variable="streams_for_1000",
    hint="`streams_needed()` with the recording-side rate 0.003 and the artist's royalty on the "
    "label's receipts (the rate already excludes the publishing side).",
    kind="integer",
)
def _q5() -> int:
    return int(r.streams_needed(1000, 0.003, r.DEFAULT_ARTIST_ROYALTY_RATE))


@expect(
    "royalties.q6",
    variable="top10_change_pct",
    hint="`compare()` then `by_tier()` on the shipped listening log; the pool is two-thirds of "
    "`log_revenue()`. Read the `user_centric` row of the top 10 (percent).",
    tol=0.05,
)
def _q6() -> float:
    log = load("listening_log")
    tiers = r.by_tier(r.compare(log, r.royalty_pool(r.log_revenue(log))))
    return float(tiers.set_index(["rule", "tier"]).loc[("user_centric", "top 10"), "change_pct"])


@expect(
    "royalties.q7",
    variable="y_free_user_centric",
    hint="Give u2 tier 'free'; the pool is `royalty_pool(log_revenue(...))`; user-centric pays "
    "each listener's own payment times the payout share to what they played.",
    tol=0.005,
)
def _q7() -> float:
    free_u2 = TWO_LISTENERS.assign(tier=["premium", "free"])
    return float(r.user_centric(free_u2, r.royalty_pool(r.log_revenue(free_u2)))["Y"])
