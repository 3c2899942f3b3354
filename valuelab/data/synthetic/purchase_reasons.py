"""Synthetic purchase reasons: the features each won deal cites.

Sales and Customer Success already know which ~20 % of features drive ~80 % of
purchase decisions [1]_. Each won deal cites one to three features
as reasons to buy; feature popularity follows a steep power law (a handful
of features carry most decisions), with segments leaning on different
features (enterprise deals cite security and admin features more).

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022.
   https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["FEATURES", "generate"]

#: The seed the shipped file was made with.
SEED = 20240303
#: 30 features of a B2B analytics product, most cited first (by design).
FEATURES = [
    "dashboards",
    "scheduled reports",
    "CRM integration",
    "self-serve data import",
    "single sign-on",
    "role-based access",
    "mobile app",
    "alerts",
    "API access",
    "custom metrics",
    "data export",
    "audit log",
    "templates gallery",
    "Slack integration",
    "forecasting",
    "annotations",
    "white-labelling",
    "multi-currency",
    "sandbox workspace",
    "embedded analytics",
    "dark mode",
    "spreadsheet add-in",
    "usage analytics",
    "data lineage",
    "custom themes",
    "offline mode",
    "localisation",
    "keyboard shortcuts",
    "public sharing links",
    "version history",
]
_SEGMENTS = {"SMB": (0.55, 8_000.0), "Mid-market": (0.3, 30_000.0), "Enterprise": (0.15, 120_000.0)}
_ENTERPRISE = {"single sign-on", "role-based access", "audit log", "data lineage"}


def generate(n_deals: int = 1200, seed: int = SEED) -> pd.DataFrame:
    """Generate the table: one row per (won deal, cited feature).

    Parameters
    ----------
    n_deals : int
        Won deals (count).
    seed : int
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        ``deal_id`` (str), ``segment`` (SMB, Mid-market, Enterprise),
        ``arr_eur`` (the deal's annual recurring revenue, EUR) and ``feature``
        (a cited reason to buy).

    Examples
    --------
    >>> df = generate(n_deals=50, seed=1)
    >>> df.groupby("deal_id").size().between(1, 3).all()
    np.True_
    """
    rng = np.random.default_rng(seed)
    segments = list(_SEGMENTS)
    seg_p = np.array([_SEGMENTS[s][0] for s in segments])
    base = 1.0 / np.arange(1, len(FEATURES) + 1) ** 1.6
    rows = []
    for i in range(n_deals):
        seg = segments[rng.choice(len(segments), p=seg_p)]
        arr = round(float(rng.lognormal(np.log(_SEGMENTS[seg][1]), 0.5)), -2)
        weights = base * np.array(
            [3.0 if seg == "Enterprise" and f in _ENTERPRISE else 1.0 for f in FEATURES]
        )
        k = int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15]))
        cited = rng.choice(len(FEATURES), size=k, replace=False, p=weights / weights.sum())
        rows.extend((f"D{i + 1:05d}", seg, arr, FEATURES[j]) for j in sorted(cited))
    return pd.DataFrame(rows, columns=["deal_id", "segment", "arr_eur", "feature"])
