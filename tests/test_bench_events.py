"""The event-metrics benchmark's pieces on a 10,000-event log: the pandas baselines and the
hand-written SQL compute what valuelab computes (so the timed comparison is like for like)."""

import importlib.util

import pytest
from support import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_events", ROOT / "benchmarks" / "bench_events.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def log_path(bench, tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "events.parquet"
    bench.write_log(path, 10_000, 400)
    return path


@pytest.fixture(scope="module")
def ours(bench, log_path):
    return {name: metric() for name, metric in bench.valuelab_metrics(log_path).items()}


def test_pandas_baselines_agree_with_valuelab_on_every_metric(bench, log_path, ours):
    assert len(ours) == len(bench.PANDAS) == len(bench.SQL) == 11
    for i, (name, result) in enumerate(ours.items()):
        assert bench.agree(name, result, bench.PANDAS[i](log_path)), name


@pytest.mark.parametrize("name", ["DAU", "rolling 28-day actives"])
def test_hand_sql_counts_what_valuelab_counts(bench, log_path, ours, name):
    import duckdb

    query = bench.SQL[list(ours).index(name)].format(e=f"read_parquet('{log_path}')")
    sql = duckdb.connect().sql(query).fetchall()
    actives = ours[name]["actives"]
    assert [n for _, n in sorted(sql)] == actives[actives > 0].tolist()
