"""Synthetic product event log: sign-ups, daily activity and first value.

A SaaS-style product in 2024. Users sign up between January and June, are
active on some days with a propensity that decays with tenure (so cohorts
retain like real ones: steep early drop, then a plateau), and some reach a
"value" moment (the first report shared, say) a few days after signing up.
Used to teach DAU/MAU stickiness, cohort retention and time to value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate"]

#: The seed the shipped file was made with.
SEED = 20240101


def generate(n_users: int = 400, seed: int = SEED) -> pd.DataFrame:
    """Generate the event log.

    Parameters
    ----------
    n_users : int
        Number of users who sign up (count).
    seed : int
        Seed of the random generator; the same seed gives the same rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``user_id`` (str), ``date`` (day, 2024), ``event``
        (``"signup"``, ``"active"`` or ``"value"``) and ``plan``
        (``"free"``, ``"pro"``), sorted by date then user.

    Examples
    --------
    >>> df = generate(n_users=20, seed=1)
    >>> sorted(df["event"].unique())
    ['active', 'signup', 'value']
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    end = pd.Timestamp("2024-12-31")
    days_in_year = (end - start).days + 1
    users = [f"U{i:04d}" for i in range(1, n_users + 1)]
    signup_day = np.sort(rng.integers(0, 182, size=n_users))
    plan = np.where(rng.random(n_users) < 0.3, "pro", "free")
    # Engagement: a Beta-distributed base propensity, higher for pro users.
    base = rng.beta(2.0, 5.0, size=n_users) + np.where(plan == "pro", 0.15, 0.0)
    # Some users leave for good: churn day after signup, exponential (mean 60 days).
    lifetime = rng.exponential(60.0, size=n_users).astype(int) + 1
    rows: list[tuple[str, int, str, str]] = []
    for i, user in enumerate(users):
        s = int(signup_day[i])
        rows.append((user, s, "signup", plan[i]))
        last = min(days_in_year - 1, s + int(lifetime[i]) * (3 if base[i] > 0.45 else 1))
        tenure = np.arange(0, last - s + 1)
        p = np.clip(base[i] * (0.35 + 0.65 * np.exp(-tenure / 20.0)) + 0.05 * (tenure < 3), 0, 1)
        active = tenure[rng.random(tenure.size) < p]
        rows.extend((user, s + int(t), "active", plan[i]) for t in active)
        # First value moment: only for engaged users, a few days in.
        if rng.random() < min(0.95, 0.25 + base[i]):
            delay = int(rng.gamma(2.0, 3.0 if plan[i] == "pro" else 6.0))
            day = s + delay
            if day <= last:
                rows.append((user, day, "value", plan[i]))
    df = pd.DataFrame(rows, columns=["user_id", "day", "event", "plan"])
    df["date"] = start + pd.to_timedelta(df.pop("day"), unit="D")
    order = {"signup": 0, "active": 1, "value": 2}
    df = df.assign(_o=df["event"].map(order)).sort_values(["date", "user_id", "_o"])
    return df.drop(columns="_o")[["user_id", "date", "event", "plan"]].reset_index(drop=True)
