"""Questions of ``exercises/02_royalties``: payout rules and the money flow."""

from __future__ import annotations

import pandas as pd

from valuelab import royalties as r
from valuelab.course.registry import close, question
from valuelab.data import load, load_spotify_annual

#: The two-listener log of the exercise (the same as the hand-computed test case): two
#: Premium listeners, so user-centric gives each the same share.
TWO_LISTENERS = pd.DataFrame(
    {"user_id": ["u1", "u2"], "artist_id": ["X", "Y"], "streams": [90, 10], "tier": "premium"}
)


@question(
    "royalties.q1",
    variable="x_pro_rata",
    hint="Pro-rata: X's share of all streams times the pool of EUR 20.",
)
def _q1(answer) -> bool:
    return close(answer, float(r.pro_rata(TWO_LISTENERS, 20)["X"]))


@question(
    "royalties.q2",
    variable="y_user_centric",
    hint="User-centric: each listener's own payment (here the same, so half the pool each) goes "
    "to what that listener played.",
)
def _q2(answer) -> bool:
    return close(answer, float(r.user_centric(TWO_LISTENERS, 20)["Y"]))


@question(
    "royalties.q3",
    variable="pool_2024_eur_bn",
    hint="pool_estimate(spotify_annual) with its defaults, the 2024 row's pool_eur_bn: two-thirds "
    "of music revenue (Premium + 80 % of ad revenue), not of total revenue.",
)
def _q3(answer) -> bool:
    pools = r.pool_estimate(load_spotify_annual()).set_index("year")
    return close(answer, float(pools.loc[2024, "pool_eur_bn"]))


@question(
    "royalties.q4",
    variable="artist_cents",
    hint="euro_path() with the default shares: the artist's row, in cents.",
)
def _q4(answer) -> bool:
    path = r.euro_path().set_index("recipient")["eur"]
    return close(answer, float(path["artist"]) * 100)


@question(
    "royalties.q5",
    variable="streams_for_1000",
    hint="streams_needed() with the recording-side rate 0.003 and the artist's royalty on the "
    "label's receipts (the rate already excludes the publishing side).",
)
def _q5(answer) -> bool:
    return int(answer) == r.streams_needed(1000, 0.003, r.DEFAULT_ARTIST_ROYALTY_RATE)


@question(
    "royalties.q6",
    variable="top10_change_pct",
    hint="compare() then by_tier() on the shipped listening log; the pool is two-thirds of "
    "log_revenue(). Read the user_centric row of the top 10 (percent).",
)
def _q6(answer) -> bool:
    log = load("listening_log")
    tiers = r.by_tier(r.compare(log, r.royalty_pool(r.log_revenue(log))))
    return close(
        answer,
        float(tiers.set_index(["rule", "tier"]).loc[("user_centric", "top 10"), "change_pct"]),
    )


@question(
    "royalties.q7",
    variable="y_free_user_centric",
    hint="Give u2 tier 'free'; the pool is royalty_pool(log_revenue(...)); user-centric pays each "
    "listener's own payment times the payout share to what they played.",
)
def _q7(answer) -> bool:
    free_u2 = TWO_LISTENERS.assign(tier=["premium", "free"])
    return close(
        answer, float(r.user_centric(free_u2, r.royalty_pool(r.log_revenue(free_u2)))["Y"])
    )
