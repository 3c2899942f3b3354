"""How fast the event-log metrics run where the data lives: a 10,000,000-event Parquet log.

Measures, in one run, on a seeded log of ``--events`` events (default 10 M; 500,000 users with
string ids; sign-ups, visits, purchases and value events over 2024) stored as Parquet:

- each metric of ``valuelab.kpis.events`` on the Parquet file (DuckDB scans it: read included);
- a straightforward pandas version of the same metric (``pd.read_parquet`` + group-bys; the read
  time is added to each metric, as a script computing one metric pays it);
- hand-written DuckDB SQL on the same file;

and prints, per metric, the seconds and the ratios (pandas / valuelab, valuelab / SQL). Every
result is checked against the pandas one (same counts) before it is timed.

``--big`` generates a 100 M-event log instead (in 10 M-event chunks, not committed) and reports
the peak resident memory of computing every metric on it, in a child process.

Targets (issue 20, item 9): at least 3x faster than pandas, within 1.5x of the hand-written SQL,
for every metric; 100 M events under 4 GB peak RSS.

Run: ``.venv/bin/python benchmarks/bench_events.py [--events 10000000] [--big] [--dir DIR]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

SECONDS_2024 = 366 * 86400
KINDS = np.array(["signup", "visit", "purchase", "value"])


def write_log(path: Path, events: int, users: int, seed: int = 20, chunk: int = 10_000_000) -> None:
    """A seeded log as Parquet: a sign-up per user, then activity at exponential delays."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    signup = rng.integers(0, 300 * 86400, users)
    ids = np.array([f"u{i:07d}" for i in range(users)], dtype=object)
    schema = pa.schema(
        [("user", pa.string()), ("time", pa.timestamp("us")), ("event", pa.string())]
    )
    t0 = np.datetime64("2024-01-01T00:00:00", "s")
    with pq.ParquetWriter(path, schema) as writer:
        done = 0
        while done < events:
            n = min(chunk, events - done)
            who = rng.integers(0, users, n)
            second = signup[who] + rng.exponential(40 * 86400, n).astype(np.int64)
            kind = rng.choice(3, n, p=[0.9, 0.05, 0.05]) + 1
            if done == 0:  # the sign-ups lead the first chunk
                who[:users], second[:users], kind[:users] = np.arange(users), signup, 0
            keep = second < SECONDS_2024
            table = pa.table(
                {
                    "user": pa.array(ids[who[keep]], pa.string()),
                    "time": pa.array((t0 + second[keep]).astype("datetime64[us]")),
                    "event": pa.array(KINDS[kind[keep]], pa.string()),
                },
                schema=schema,
            )
            writer.write_table(table, row_group_size=1_000_000)
            done += n


def valuelab_metrics(path: Path, **config: str) -> dict[str, Callable[[], object]]:
    import ibis

    from valuelab.kpis import events as m

    t = ibis.duckdb.connect(**config).read_parquet(path)
    return {
        "cohort retention (month)": lambda: m.cohort_retention(t, "month", include_incomplete=True),
        "DAU": lambda: m.actives(t, "day"),
        "MAU": lambda: m.actives(t, "month"),
        "rolling 28-day actives": lambda: m.rolling_actives(t, 28),
        "stickiness": lambda: m.stickiness(t),
        "time to value (month)": lambda: m.time_to_value(t, "value"),
        "activity churn (month)": lambda: m.activity_churn(t, "month"),
        "repeat purchase (month)": lambda: m.repeat_purchase(t, "month"),
    }


# -- pandas: what an analyst writes with group-bys --------------------------------------------


def pd_retention(df: pd.DataFrame) -> pd.DataFrame:
    month = df["time"].dt.to_period("M")
    first = month.groupby(df["user"]).min()
    signup = month[df["event"] == "signup"].groupby(df["user"]).min()
    cohort = signup.reindex(first.index).fillna(first)
    seen = pd.DataFrame({"user": df["user"], "month": month}).drop_duplicates()
    seen["cohort"] = seen["user"].map(cohort)
    seen["k"] = (seen["month"] - seen["cohort"]).map(lambda o: o.n)
    counts = seen[seen["k"] >= 0].groupby(["cohort", "k"]).size().unstack(fill_value=0)
    return counts.div(cohort.value_counts(), axis=0)


def pd_dau(df: pd.DataFrame) -> pd.Series:
    return df.groupby(df["time"].dt.floor("D"))["user"].nunique()


def pd_mau(df: pd.DataFrame) -> pd.Series:
    return df.groupby(df["time"].dt.to_period("M"))["user"].nunique()


def pd_rolling(df: pd.DataFrame, window: int = 28) -> pd.Series:
    days = pd.DataFrame({"user": df["user"], "day": df["time"].dt.floor("D")}).drop_duplicates()
    days = days.sort_values("day")
    stamps = days["day"].to_numpy()
    out = {}
    for d in pd.date_range(stamps[0], stamps[-1], freq="D"):
        lo = np.searchsorted(stamps, np.datetime64(d - pd.Timedelta(days=window - 1)), "left")
        hi = np.searchsorted(stamps, np.datetime64(d), "right")
        out[d] = days["user"].iloc[lo:hi].nunique()
    return pd.Series(out)


def pd_stickiness(df: pd.DataFrame) -> pd.Series:
    days = pd.DataFrame({"user": df["user"], "day": df["time"].dt.floor("D")}).drop_duplicates()
    month = days["day"].dt.to_period("M")
    per = days.groupby(month).agg(user_days=("user", "size"), mau=("user", "nunique"))
    observed = days.groupby(month)["day"].agg(lambda s: (s.max() - s.min()).days + 1)
    return per["user_days"] / observed / per["mau"]


def pd_ttv(df: pd.DataFrame) -> pd.DataFrame:
    start = df[df["event"] == "signup"].groupby("user")["time"].min()
    value = df[df["event"] == "value"].groupby("user")["time"].min().reindex(start.index)
    days = (value.dt.floor("D") - start.dt.floor("D")).dt.days
    grouped = days.groupby(start.dt.to_period("M"))
    return pd.DataFrame(
        {
            "users": grouped.size(),
            "reached": grouped.count(),
            "median": grouped.median(),
            "p90": grouped.quantile(0.9),
        }
    )


def pd_churn(df: pd.DataFrame) -> pd.DataFrame:
    seen = pd.DataFrame({"user": df["user"], "m": df["time"].dt.to_period("M")}).drop_duplicates()
    nxt = seen.assign(m=seen["m"] - 1, back=True)
    both = seen.merge(nxt, on=["user", "m"], how="left")
    gone = both["back"].isna().groupby(both["m"]).agg(["size", "sum"])
    return gone.assign(rate=gone["sum"] / gone["size"])


def pd_repeat(df: pd.DataFrame) -> pd.DataFrame:
    bought = df[df["event"] == "purchase"]
    per = bought.groupby([bought["time"].dt.to_period("M"), "user"]).size()
    out = per.groupby(level=0).agg(customers="size", repeat=lambda s: int((s >= 2).sum()))
    return out.assign(rate=out["repeat"] / out["customers"])


PANDAS = [pd_retention, pd_dau, pd_mau, pd_rolling, pd_stickiness, pd_ttv, pd_churn, pd_repeat]


# -- hand-written DuckDB SQL on the Parquet file ----------------------------------------------

SQL = [
    """WITH c AS (SELECT "user", date_trunc('month', coalesce(min(time) FILTER (event = 'signup'),
                  min(time))) AS cohort FROM {e} GROUP BY "user"),
         a AS (SELECT DISTINCT "user", date_trunc('month', time) AS m FROM {e}),
         s AS (SELECT cohort, count(*) AS n FROM c GROUP BY cohort)
       SELECT c.cohort, datediff('month', c.cohort, a.m) AS k, count(*) / any_value(s.n) AS share
       FROM a JOIN c USING ("user") JOIN s USING (cohort) WHERE a.m >= c.cohort GROUP BY 1, 2""",
    """SELECT date_trunc('day', time) AS d, count(DISTINCT "user") FROM {e} GROUP BY 1""",
    """SELECT date_trunc('month', time) AS m, count(DISTINCT "user") FROM {e} GROUP BY 1""",
    """WITH u AS (SELECT DISTINCT "user", date_trunc('day', time) AS day FROM {e}),
         d AS (SELECT DISTINCT day FROM u)
       SELECT d.day, count(DISTINCT u."user") FROM d JOIN u
         ON u.day > d.day - INTERVAL 28 DAY AND u.day <= d.day GROUP BY 1""",
    """WITH d AS (SELECT DISTINCT "user", date_trunc('day', time) AS day FROM {e})
       SELECT date_trunc('month', day) AS m, count(*) / (datediff('day', min(day), max(day)) + 1)
              / count(DISTINCT "user") FROM d GROUP BY 1""",
    """WITH u AS (SELECT "user", min(time) FILTER (event = 'signup') AS s,
                  min(time) FILTER (event = 'value') AS v FROM {e} GROUP BY "user")
       SELECT date_trunc('month', s) AS m, count(*), count(v),
              quantile_cont(datediff('day', s::date, v::date), 0.5),
              quantile_cont(datediff('day', s::date, v::date), 0.9)
       FROM u WHERE s IS NOT NULL GROUP BY 1""",
    """WITH a AS (SELECT DISTINCT "user", date_trunc('month', time) AS m FROM {e})
       SELECT a.m, count(*), count(*) FILTER (b."user" IS NULL) FROM a LEFT JOIN a AS b
         ON a."user" = b."user" AND b.m = a.m + INTERVAL 1 MONTH GROUP BY 1""",
    """WITH p AS (SELECT date_trunc('month', time) AS m, "user", count(*) AS n FROM {e}
                  WHERE event = 'purchase' GROUP BY 1, 2)
       SELECT m, count(*), count(*) FILTER (n >= 2) FROM p GROUP BY 1""",
]


def agree(i: int, ours: pd.DataFrame, theirs) -> bool:
    """The valuelab result holds the pandas result's counts (shares to 1e-9)."""
    if i == 0:
        got = ours.stack().dropna()
        want = theirs.stack().reindex(
            [(pd.Period(c, "M"), k) for c, k in got.index], fill_value=0.0
        )
        return np.allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9)
    if i in (1, 2):
        return ours["actives"][ours["actives"] > 0].tolist() == theirs.tolist()
    if i == 3:
        return ours["actives"].tolist() == theirs.tolist()
    if i == 4:
        return np.allclose(ours["stickiness"].to_numpy(), theirs.to_numpy(), rtol=1e-9)
    if i == 5:
        same = ours[["users", "reached"]].to_numpy() == theirs[["users", "reached"]].to_numpy()
        return bool(same.all()) and np.allclose(ours["median_days"], theirs["median"])
    if i == 6:
        return ours["inactive_next"].tolist() == theirs["sum"].tolist()
    return ours["repeat_customers"].tolist() == theirs["repeat"].tolist()


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def compare(path: Path, repeat: int) -> None:
    import duckdb

    start = time.perf_counter()
    df = pd.read_parquet(path)
    read = time.perf_counter() - start
    print(f"pandas read_parquet: {read:.2f} s (added to every pandas metric)")
    print(f"{'metric':<26}{'valuelab':>10}{'pandas':>10}{'SQL':>9}{'pandas/vl':>11}{'vl/SQL':>8}")
    worst_pd, worst_sql = float("inf"), 0.0
    for i, (name, ours) in enumerate(valuelab_metrics(path).items()):
        start = time.perf_counter()
        theirs = PANDAS[i](df)
        t_pd = time.perf_counter() - start + read
        assert agree(i, ours(), theirs), f"{name}: valuelab and pandas disagree"
        t_vl = best(ours, repeat)
        query = SQL[i].format(e=f"read_parquet('{path}')")
        t_sql = best(lambda q=query: duckdb.connect().sql(q).df(), repeat)
        worst_pd, worst_sql = min(worst_pd, t_pd / t_vl), max(worst_sql, t_vl / t_sql)
        print(
            f"{name:<26}{t_vl:>9.2f}s{t_pd:>9.2f}s{t_sql:>8.2f}s{t_pd / t_vl:>10.1f}x"
            f"{t_vl / t_sql:>7.2f}x"
        )
    print(
        f"worst: {worst_pd:.1f}x faster than pandas (target >= 3x), "
        f"{worst_sql:.2f}x the hand-written SQL (target <= 1.5x)"
    )


def _compute_all(path: Path) -> None:
    # DuckDB spills to disk past its memory limit (default: 80 % of the machine's memory)
    for name, fn in valuelab_metrics(path, memory_limit="3GB").items():
        start = time.perf_counter()
        fn()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        print(
            f"  {name:<26}{time.perf_counter() - start:>8.2f} s; peak RSS so far {rss:.2f} GB",
            flush=True,
        )


def big(path: Path) -> None:
    """Every metric on the 100 M-event log in a child process; its peak RSS."""
    child = multiprocessing.get_context("spawn").Process(target=_compute_all, args=(path,))
    start = time.perf_counter()
    child.start()
    child.join()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    print(
        f"all metrics: {time.perf_counter() - start:.1f} s; peak RSS {peak:.2f} GB (target < 4 GB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--users", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--big", action="store_true", help="100 M events, peak RSS only")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "valuelab-bench")
    args = parser.parse_args()
    events = 100_000_000 if args.big else args.events
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"events_{events}_{args.users}.parquet"
    if not path.exists():
        start = time.perf_counter()
        write_log(path, events, args.users)
        print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    rows = __import__("pyarrow.parquet").parquet.ParquetFile(path).metadata.num_rows
    size = path.stat().st_size / 1024**2
    print(f"log: {rows:,} events, {args.users:,} users (string ids), {size:,.0f} MB Parquet")
    big(path) if args.big else compare(path, args.repeat)


if __name__ == "__main__":
    main()
