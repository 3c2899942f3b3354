from pathlib import Path

import pandas as pd
import pytest
from support import IN_CI, ROOT

from valuelab.core.errors import InputError
from valuelab.data import datasets

REFERENCE = ROOT.parent / "shared" / "reference" / "spotify"


def test_list_and_load_every_dataset_with_documented_dtypes():
    names = datasets.list_datasets()
    assert {"spotify_annual", "product_events"} <= set(names)
    assert names == sorted(names)
    for name in names:
        spec = datasets.info(name)
        df = datasets.load(name)
        assert list(df.columns) == list(spec.dtypes), name
        for col, dtype in spec.dtypes.items():
            if dtype == "datetime":
                assert pd.api.types.is_datetime64_any_dtype(df[col]), (name, col)
            else:
                assert str(df[col].dtype) == dtype, (name, col, df[col].dtype)


def test_every_dataset_has_a_datasheet_section():
    sheet = (ROOT / "datasets" / "README.md").read_text()
    for name in datasets.list_datasets():
        spec = datasets.info(name)
        assert f"`{spec.filename}`" in sheet, name
        section = sheet.split(f"`{spec.filename}`", 1)[1]
        for col in spec.dtypes:
            assert f"`{col}`" in section, (name, col)
        if spec.synthetic:
            assert str(spec.seed) in section, name


def test_unknown_dataset_suggests_a_name():
    with pytest.raises(
        InputError, match=r"unknown dataset 'spotify_anual'; did you mean 'spotify_annual'"
    ):
        datasets.load("spotify_anual")


def test_synthetic_data_regenerates_byte_for_byte(tmp_path: Path):
    written = datasets.regenerate(tmp_path)
    assert written, "no synthetic dataset registered"
    for path in written:
        shipped = datasets.data_dir() / path.name
        assert path.read_bytes() == shipped.read_bytes(), f"{path.name} differs from its generator"


def test_generator_is_deterministic_and_seeded():
    a = datasets.generate("product_events", n_users=30)
    b = datasets.generate("product_events", n_users=30)
    c = datasets.generate("product_events", n_users=30, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    with pytest.raises(InputError, match="sourced data, not generated"):
        datasets.generate("spotify_annual")


def test_product_events_story():
    ev = datasets.load("product_events")
    signups = ev[ev["event"] == "signup"]
    assert signups["user_id"].is_unique and len(signups) == 400
    assert ev["date"].between("2024-01-01", "2024-12-31").all()
    first = ev.groupby("user_id")["date"].min()
    assert (first == signups.set_index("user_id")["date"]).all(), "an event before sign-up"


def test_spotify_annual_is_sourced_and_matches_the_reference():
    df = datasets.load_spotify_annual()
    assert df["year"].tolist() == list(range(2015, 2025))
    assert df["source"].notna().all(), "every row keeps its source"
    # A figure no source gives stays empty, never invented.
    assert df["royalties_paid_usd_bn"].isna().sum() == 5
    assert df.loc[df["year"] == 2021, "cumulative_royalties_eur_bn"].item() == 26
    if not REFERENCE.exists():
        if IN_CI:
            pytest.fail(f"reference data missing at {REFERENCE}")
        pytest.skip("shared/reference not beside the checkout")
    ref = pd.read_csv(REFERENCE / "spotify_annual.csv").rename(
        columns={"premium_arpu_eur": "premium_arpu_eur_month"}
    )
    for col in ref.columns:
        left = df[col].astype(object).where(df[col].notna(), None).tolist()
        right = ref[col].astype(object).where(ref[col].notna(), None).tolist()
        assert left == right, col
    facts = (REFERENCE / "FACTS.md").read_text()
    for needle in ["€26bn", "$7bn", "$9B+", "$10 billion", "€34bn", "$48B+", "3.3 billion"]:
        assert needle in facts


def test_data_file_for_non_csv_files():
    assert datasets.data_file("spotify_annual.csv").is_file()
    with pytest.raises(InputError, match="no shipped data file 'nope.yaml'"):
        datasets.data_file("nope.yaml")
    with pytest.raises(InputError):
        datasets.data_file("../pyproject.toml")


# --- lesson 00: the numbers it states and its sources table ----------------------------


@pytest.mark.slow
def test_lesson_00_numbers_and_sources(run_notebook):
    _, rec = run_notebook(ROOT / "notebooks" / "00_start_here.ipynb")
    assert rec["revenue_eur_m"] == 15673  # Spotify revenue 2024, EUR m
    assert rec["premium_share"] == pytest.approx(13819 / 15673)  # 0.8817
    assert rec["cagr_pct"] == pytest.approx(((15673 / 1940) ** (1 / 9) - 1) * 100)  # 26.1 %
    sources = {figure: (value, kind) for figure, value, kind in rec["sources"]}
    assert sources == {
        "Revenue 2024": ("15,673 EUR m", "reported"),
        "Premium subscribers 2024": ("263 million", "reported"),
        "Premium ARPU 2024": ("4.69 EUR/month", "reported"),
        "Premium share of revenue 2024": ("88.2 %", "derived"),
        "Revenue growth a year since 2015": ("26.1 % a year", "derived"),
    }
