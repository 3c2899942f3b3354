"""Plain pandas reference implementations of the event-log metrics: the tests' oracle.

Written the straightforward way (group-bys and Python sets, nothing shared with the package), on
a log with columns ``user``, ``time`` (naive wall clock) and ``event``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

FREQ = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}


def period_start(time: pd.Series, period: str) -> pd.Series:
    return time.dt.to_period(FREQ[period]).dt.start_time.astype("datetime64[ns]")


def all_starts(log: pd.DataFrame, period: str) -> pd.DatetimeIndex:
    first, last = period_start(log["time"], period).agg(["min", "max"])
    return pd.period_range(first, last, freq=FREQ[period]).start_time.astype("datetime64[ns]")


def covered(start: pd.Timestamp, period: str, log: pd.DataFrame) -> bool:
    end = pd.Period(start, FREQ[period]).end_time.floor("D")
    return start >= log["time"].min().floor("D") and end <= log["time"].max().floor("D")


def actives(log: pd.DataFrame, period: str) -> pd.Series:
    counts = log.groupby(period_start(log["time"], period))["user"].nunique()
    return counts.reindex(all_starts(log, period), fill_value=0)


def rolling(log: pd.DataFrame, window: int) -> pd.Series:
    day = log["time"].dt.floor("D")
    days = pd.date_range(day.min(), day.max(), freq="D")
    return pd.Series(
        [
            log.loc[(day > d - pd.Timedelta(days=window)) & (day <= d), "user"].nunique()
            for d in days
        ],
        index=days,
    )


def stickiness(log: pd.DataFrame) -> pd.Series:
    day = log["time"].dt.floor("D")
    month = period_start(log["time"], "month")
    first, last = day.min(), day.max()
    out = {}
    for m, rows in log.groupby(month):
        end = min(m + pd.offsets.MonthEnd(0), last)
        observed = (end - max(m, first)).days + 1
        user_days = len(set(zip(rows["user"], day[rows.index], strict=True)))
        out[m] = user_days / observed / rows["user"].nunique()
    return pd.Series(out)


def _number(start: pd.Timestamp, period: str) -> int:
    return pd.Period(start, FREQ[period]).ordinal


def _numbers(starts: pd.Series, period: str) -> pd.Series:
    return starts.dt.to_period(FREQ[period]).map(lambda p: p.ordinal).astype("int64")


def cohort_retention(log: pd.DataFrame, period: str, keep_partial: bool) -> pd.DataFrame:
    p = log.assign(p=period_start(log["time"], period))
    signup = p[p["event"] == "signup"].groupby("user")["p"].min()
    cohort = p.groupby("user")["p"].min()
    cohort.loc[signup.index] = signup
    seen = p[["user", "p"]].drop_duplicates().assign(c=lambda d: d["user"].map(cohort))
    seen["k"] = _numbers(seen["p"], period) - _numbers(seen["c"], period)
    counts = seen[seen["k"] >= 0].groupby(["c", "k"])["user"].nunique().unstack(fill_value=0)
    width = _number(p["p"].max(), period) - _number(cohort.min(), period) + 1
    counts = counts.reindex(columns=range(width), fill_value=0)
    table = counts.div(cohort.value_counts(), axis=0).astype(float)
    first, last = p["time"].min(), p["p"].max()
    shown = {}  # period ordinal -> is a share shown for it
    for start in pd.period_range(cohort.min(), periods=width, freq=FREQ[period]).start_time:
        whole = covered(start, period, p) or start < first
        shown[_number(start, period)] = start <= last and (keep_partial or whole)
    for c in table.index:
        mask = [not shown.get(_number(c, period) + k, False) for k in range(width)]
        table.loc[c, mask] = np.nan
    return table


def activity_churn(log: pd.DataFrame, period: str) -> pd.DataFrame:
    p = log.assign(n=[pd.Period(t, FREQ[period]).ordinal for t in log["time"]])
    periods = p.groupby("user")["n"].agg(set)
    starts = all_starts(log, period)
    numbers = [_number(s, period) for s in starts]
    rows = []
    for n in numbers:
        act = [u for u, s in periods.items() if n in s]
        new = sum(min(periods[u]) == n for u in act)
        back = sum(n - 1 not in periods[u] and min(periods[u]) < n for u in act)
        gone = sum(n + 1 not in periods[u] for u in act)
        rows.append((len(act), new, back, gone))
    out = pd.DataFrame(
        rows, index=starts, columns=["actives", "new", "reactivated", "inactive_next"]
    )
    out["churn_rate"] = out["inactive_next"] / out["actives"].replace(0, np.nan)
    out.iloc[-1, out.columns.get_loc("churn_rate")] = np.nan
    out["inactive_next"] = out["inactive_next"].astype("Int64")
    out.iloc[-1, out.columns.get_loc("inactive_next")] = pd.NA  # no next period seen yet
    return out


def time_to_value(log: pd.DataFrame, value_event: str, start_event: str) -> pd.DataFrame:
    start = log[log["event"] == start_event].groupby("user")["time"].min()
    value = log[log["event"] == value_event].groupby("user")["time"].min().reindex(start.index)
    days = (value.dt.floor("D") - start.dt.floor("D")).dt.days
    cohort = period_start(start, "month")
    grouped = days.groupby(cohort)
    return pd.DataFrame(
        {
            "users": grouped.size(),
            "reached": grouped.count(),
            "median_days": grouped.quantile(0.5),
            "p90_days": grouped.quantile(0.9),
        }
    )


def repeat_purchase(log: pd.DataFrame, period: str) -> pd.DataFrame:
    bought = log[log["event"] == "purchase"]
    per = bought.groupby([period_start(bought["time"], period), "user"]).size()
    out = pd.DataFrame(
        {
            "customers": per.groupby(level=0).size(),
            "repeat_customers": (per >= 2).groupby(level=0).sum(),
        }
    )
    return out.reindex(all_starts(log, period), fill_value=0)


@functools.cache
def expected(metric: str, *args: object) -> object:
    """The oracle's ``metric`` on ``shaped_log()``, computed once for every backend's test."""
    return globals()[metric](shaped_log(), *args)


def shaped_log(seed: int = 7, users: int = 120, events: int = 2500) -> pd.DataFrame:
    """A log unlike valuelab's own: e-mail ids, times of day, starting and ending mid-month."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"user-{i:04d}@example.org" for i in range(users)])
    begin = pd.Timestamp("2024-01-17 08:30")
    signup = begin + pd.to_timedelta(rng.integers(0, 100 * 24 * 60, users), unit="min")
    who = rng.integers(0, users, events)
    later = pd.to_timedelta(rng.exponential(25 * 24 * 60, events).astype(int), unit="min")
    time = signup[who] + later
    kind = rng.choice(["visit", "visit", "purchase", "value"], events)
    log = pd.DataFrame(
        {
            "user": np.concatenate([ids[who], ids[: users - 10]]),
            "time": np.concatenate([time, signup[: users - 10]]),
            "event": np.concatenate([kind, ["signup"] * (users - 10)]),
        }
    )
    log = log[log["time"] <= pd.Timestamp("2024-06-12 23:00")]
    return log.sample(frac=1, random_state=seed).reset_index(drop=True)
