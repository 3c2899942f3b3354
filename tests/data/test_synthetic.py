"""The seeded generators of the synthetic datasets (valuelab.data.synthetic)."""

import itertools

import numpy as np
import pandas as pd

from valuelab import royalties as r
from valuelab.data import datasets
from valuelab.data.synthetic import listening_log


def test_generator_is_reproducible_and_shaped():
    a = listening_log.generate(n_rows=2_000, seed=3)
    b = listening_log.generate(n_rows=2_000, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 2_000 and (a["streams"] >= 1).all()
    r.validate_log(a)
    assert not listening_log.generate(n_rows=2_000, seed=4).equals(a)


def test_heavy_listeners_play_less_popular_artists():
    log = listening_log.generate(n_rows=20_000, seed=1)
    rank = log["artist_id"].cat.codes
    volume = log.groupby("user_id", observed=True)["streams"].sum()
    depth = rank.groupby(log["user_id"], observed=True).median()
    assert np.corrcoef(volume.rank(), depth.reindex(volume.index).rank())[0, 1] > 0.2


def test_shipped_listening_log_is_small_and_matches_generator():
    path = datasets.path("listening_log")
    assert path.stat().st_size < 2_000_000
    assert path.read_bytes() == datasets.to_csv_bytes(datasets.generate("listening_log"))
    assert "listening_log" in datasets.list_datasets()


def test_account_inputs_are_consistent_funnels():
    inputs = datasets.load("account_inputs")
    stages = ["meetings_booked", "pain_quantified", "demos", "proposals", "deals_won"]
    for before, after in itertools.pairwise(stages):
        assert (inputs[after] <= inputs[before]).all()
    accounts = datasets.load("accounts").set_index("account_id")
    assert (accounts.loc[inputs["account_id"], "goal_metric"] == "revenue growth %").all()
