"""Synthetic event logs in an analyst's own shapes: other column names, dates, currencies.

Lesson 03 and its exercise map these to valuelab's roles with
:func:`valuelab.data.sources.open_source`. Both come from one simulation: customers sign up
on a day drawn uniformly over the log's span, visit on a day with a propensity that decays
with tenure (a base drawn from Beta(2, 6)) until an exponentially distributed last day (mean
75 days), and a visit turns into a purchase with probability 0.25 (a log-normal amount around
40). The logs end where their span ends, mid-month or not, as an export taken on some day does.

- :func:`generate_orders`: a shop's order export, ``CustomerNo`` (integer), ``Day`` (integer
  ``yyyymmdd``, what a CSV or an INTEGER database column gives), ``Action`` and ``Amount``
  (USD; refunds negative). The default span ends on 2025-06-03: June is covered in part.
- :func:`generate_studio`: a fitness studio's sign-in log, ``Member`` (text), ``Date`` (text,
  day/month/year), ``Type`` and ``Fee`` (GBP). The default span starts on 2024-09-16: September
  is covered in part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate_orders", "generate_studio"]

#: The seed each shipped file was made with.
SEED_ORDERS = 20250603
SEED_STUDIO = 20240916


def _customer(rng: np.random.Generator, s: int, days: int) -> list[tuple[int, str, float]]:
    """(day, action, amount) of one customer who signs up on day ``s`` of ``days``."""
    base = rng.beta(2.0, 6.0)
    last = min(days - 1, s + int(rng.exponential(75.0)) + 1)
    tenure = np.arange(1, last - s + 1)
    p = np.clip(base * (0.3 + 0.7 * np.exp(-tenure / 25.0)), 0, 1)
    rows = [(s, "signup", np.nan)]
    for t in tenure[rng.random(tenure.size) < p]:
        rows.append((s + int(t), "visit", np.nan))
        if rng.random() < 0.25:
            amount = round(float(rng.lognormal(np.log(40.0), 0.5)), 2)
            rows.append((s + int(t), "purchase", amount))
            back = s + int(t) + int(rng.integers(1, 15))
            if rng.random() < 0.06 and back <= last:
                rows.append((back, "refund", -amount))
    return rows


def _simulate(n: int, seed: int, start: str, end: str) -> pd.DataFrame:
    """Columns ``customer`` (1..n), ``date``, ``action``, ``amount``; sorted by date, customer."""
    rng = np.random.default_rng(seed)
    first, days = pd.Timestamp(start), (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    signup = np.sort(rng.integers(0, days, size=n))
    signup[0] = 0  # the export starts with its first customer's sign-up
    rows = [(i + 1, *r) for i, s in enumerate(signup) for r in _customer(rng, int(s), days)]
    df = pd.DataFrame(rows, columns=["customer", "day", "action", "amount"])
    df["date"] = first + pd.to_timedelta(df.pop("day"), unit="D")
    order = df["action"].map({"signup": 0, "visit": 1, "purchase": 2, "refund": 3})
    df = df.assign(_o=order).sort_values(["date", "customer", "_o"], kind="stable")
    return df.drop(columns="_o")[["customer", "date", "action", "amount"]].reset_index(drop=True)


def generate_orders(
    n_customers: int = 300,
    seed: int = SEED_ORDERS,
    start: str = "2025-01-01",
    end: str = "2025-06-03",
) -> pd.DataFrame:
    """A shop's order export with integer ``yyyymmdd`` days and USD amounts.

    Parameters
    ----------
    n_customers : int
        Customers who sign up between ``start`` and ``end`` (count).
    seed : int
        Seed of the random generator; the same seed gives the same rows.
    start, end : str
        First and last day of the export (ISO dates, both included).

    Returns
    -------
    pandas.DataFrame
        ``CustomerNo`` (int64, 10001…), ``Day`` (int64 ``yyyymmdd``), ``Action`` (``signup``,
        ``visit``, ``purchase``, ``refund``) and ``Amount`` (USD; purchases positive, refunds
        negative, empty otherwise).

    Examples
    --------
    >>> df = generate_orders(n_customers=20, seed=1)
    >>> list(df.columns), int(df["Day"].min()) >= 20250101
    (['CustomerNo', 'Day', 'Action', 'Amount'], True)
    """
    df = _simulate(n_customers, seed, start, end)
    return pd.DataFrame(
        {
            "CustomerNo": df["customer"] + 10000,
            "Day": df["date"].dt.strftime("%Y%m%d").astype("int64"),
            "Action": df["action"],
            "Amount": df["amount"],
        }
    )


def generate_studio(
    n_members: int = 250,
    seed: int = SEED_STUDIO,
    start: str = "2024-09-16",
    end: str = "2025-02-28",
) -> pd.DataFrame:
    """A fitness studio's sign-in log with day/month/year text dates and GBP fees.

    Parameters
    ----------
    n_members : int
        Members who join between ``start`` and ``end`` (count).
    seed : int
        Seed of the random generator; the same seed gives the same rows.
    start, end : str
        First and last day of the log (ISO dates, both included).

    Returns
    -------
    pandas.DataFrame
        ``Member`` (text, ``M0001``…), ``Date`` (text ``dd/mm/yyyy``), ``Type`` (``join``,
        ``class``, ``shop``) and ``Fee`` (GBP: a shop purchase's amount, empty otherwise).

    Examples
    --------
    >>> df = generate_studio(n_members=10, seed=1)
    >>> list(df.columns), df["Date"].iloc[0], df["Type"].iloc[0]
    (['Member', 'Date', 'Type', 'Fee'], '16/09/2024', 'join')
    """
    df = _simulate(n_members, seed, start, end)
    df = df[df["action"] != "refund"]
    kinds = {"signup": "join", "visit": "class", "purchase": "shop"}
    return pd.DataFrame(
        {
            "Member": df["customer"].map("M{:04d}".format),
            "Date": df["date"].dt.strftime("%d/%m/%Y"),
            "Type": df["action"].map(kinds),
            "Fee": df["amount"],
        }
    ).reset_index(drop=True)
