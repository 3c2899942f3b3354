"""Synthetic e-commerce event log: sign-ups, visits, purchases and NPS answers.

An online shop in 2024, for the product KPIs of [1]_. Customers sign up between
January and October through a channel (organic, paid, referral); each week
they stay with a probability that depends on the channel and on whether they
have bought yet (a first purchase is the "value" moment that makes people
stay); while they stay they visit on some days, and a visit converts to an
order with a few percent probability. Orders carry revenue and cost of goods
(EUR); about a third of customers answer an NPS survey four weeks after
signing up, happier when they bought. Used to teach conversion, AOV, margin,
retention cohorts, DAU/MAU, time to value, NPS and LTV from one log.

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022.
   https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CHANNELS", "generate"]

#: The seed the shipped file was made with.
SEED = 20240301
#: Channel -> (share of sign-ups, weekly stay probability before / after a first purchase).
CHANNELS = {
    "organic": (0.5, 0.86, 0.95),
    "paid": (0.3, 0.78, 0.93),
    "referral": (0.2, 0.90, 0.97),
}
_LAST_DAY = 365  # 2024 is a leap year: days 0-365


def _journey(rng: np.random.Generator, user: str, ch: str, s: int, rows: list[tuple]) -> bool:
    """Append a sign-up on day ``s``, then weekly visits and purchases; True if they bought."""
    _, stay, stay_bought = CHANNELS[ch]
    appetite = rng.gamma(2.0, 0.5)  # visits per week, per customer
    rows.append((user, s, "signup", ch, np.nan, np.nan, np.nan))
    bought, day = False, s
    while day <= _LAST_DAY:
        visits = rng.poisson(appetite)
        for d in np.unique(rng.integers(0, 7, size=visits)):
            when = day + int(d)
            if when > _LAST_DAY:
                continue
            rows.append((user, when, "visit", ch, np.nan, np.nan, np.nan))
            if rng.random() < 0.06 + 0.04 * bought:
                value = round(float(rng.lognormal(np.log(55.0), 0.45)), 2)
                cogs = round(value * float(rng.uniform(0.5, 0.62)), 2)
                rows.append((user, when, "purchase", ch, value, cogs, np.nan))
                bought = True
        if rng.random() > (stay_bought if bought else stay):
            break
        day += 7
    return bought


def _nps_answer(
    rng: np.random.Generator, user: str, ch: str, s: int, bought: bool, rows: list[tuple]
) -> None:
    """Maybe append the customer's NPS answer (0-10) four weeks after sign-up."""
    if rng.random() < 0.35 and s + 28 <= _LAST_DAY:
        p = [0.05, 0.15, 0.35, 0.45] if bought else [0.2, 0.3, 0.35, 0.15]
        band = rng.choice(4, p=p)  # 0-4, 5-6, 7-8, 9-10
        score = int(rng.integers([0, 5, 7, 9][band], [5, 7, 9, 11][band]))
        rows.append((user, s + 28, "nps", ch, np.nan, np.nan, float(score)))


def _event_frame(rows: list[tuple]) -> pd.DataFrame:
    """The rows as a frame with dates, sorted by date, user and event."""
    df = pd.DataFrame(
        rows,
        columns=["user_id", "day", "event", "channel", "revenue_eur", "cogs_eur", "nps_score"],
    )
    df["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(df.pop("day"), unit="D")
    order = {"signup": 0, "visit": 1, "purchase": 2, "nps": 3}
    df = df.assign(_o=df["event"].map(order)).sort_values(["date", "user_id", "_o"], kind="stable")
    cols = ["user_id", "date", "event", "channel", "revenue_eur", "cogs_eur", "nps_score"]
    return df.drop(columns="_o")[cols].reset_index(drop=True)


def generate(n_customers: int = 1500, seed: int = SEED) -> pd.DataFrame:
    """Generate the event log.

    Parameters
    ----------
    n_customers : int
        Customers who sign up (count).
    seed : int
        Seed of the random generator; the same seed gives the same rows.

    Returns
    -------
    pandas.DataFrame
        ``user_id`` (str), ``date`` (day in 2024), ``event`` (``signup``,
        ``visit``, ``purchase``, ``nps``), ``channel``, ``revenue_eur`` and
        ``cogs_eur`` (EUR, purchases only), ``nps_score`` (0-10, NPS answers
        only); sorted by date, user and event.

    Examples
    --------
    >>> df = generate(n_customers=30, seed=1)
    >>> sorted(df["event"].unique())
    ['nps', 'purchase', 'signup', 'visit']
    """
    rng = np.random.default_rng(seed)
    names = list(CHANNELS)
    shares = np.array([CHANNELS[c][0] for c in names])
    channel = rng.choice(len(names), size=n_customers, p=shares / shares.sum())
    signup = np.sort(rng.integers(0, 305, size=n_customers))
    rows: list[tuple] = []
    for i in range(n_customers):
        user, ch, s = f"C{i + 1:05d}", names[channel[i]], int(signup[i])
        bought = _journey(rng, user, ch, s, rows)
        _nps_answer(rng, user, ch, s, bought, rows)
    return _event_frame(rows)
