from pathlib import Path

import pandas as pd
import pytest
from support import ROOT

from valuelab.core.errors import InputError
from valuelab.data import datasets
from valuelab.drivers.formula import Formula
from valuelab.royalties.annual import recompute


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


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def test_every_spotify_figure_has_one_kind_and_a_source():
    df = datasets.load_spotify_annual()
    assert df["year"].tolist() == list(range(2015, 2025))
    src = datasets.load("spotify_annual_sources")
    docs = datasets.load("spotify_documents")
    # the oracle: every non-empty cell, in plain pandas
    cells = df.melt(id_vars="year", var_name="column").dropna(subset=["value"])
    figures = set(zip(cells["year"], cells["column"], strict=True))
    rows = list(zip(src["year"], src["column"], strict=True))
    assert len(rows) == len(set(rows)) == len(figures) == 112
    assert set(rows) == figures
    assert set(src["kind"]) == {"reported", "derived", "estimated"}
    primary = set(docs.loc[docs["primary"], "id"])
    ids = src["sources"].str.split(";")
    assert all(set(i) <= set(docs["id"]) for i in ids), "an unknown document id"
    reported = ids[src["kind"] == "reported"]
    assert all(set(i) & primary for i in reported), "a reported figure without a primary source"
    assert src.loc[src["kind"] == "derived", "formula"].notna().all()
    assert src.loc[src["kind"] == "estimated", "basis"].notna().all()
    assert docs["url"].str.startswith("http").all()


def _formula_inputs(row, kinds):
    """Kinds of the figures a formula reads (``col`` this year, ``col_2021`` another year)."""
    out = {}
    for name in Formula.parse(row["formula"], node="t").names:
        col, _, other = name.rpartition("_")
        key = (int(other), col) if other.isdigit() and col else (row["year"], name)
        out[name] = kinds.get(key)
    return out


def test_derived_spotify_figures_recompute_within_rounding():
    df = datasets.load_spotify_annual()
    text = pd.read_csv(datasets.path("spotify_annual"), dtype=str).set_index("year")
    src = datasets.load("spotify_annual_sources")
    docs = datasets.load("spotify_documents")
    primary = set(docs.loc[docs["primary"].astype(bool), "id"])
    kinds = {(y, c): k for y, c, k in src[["year", "column", "kind"]].itertuples(index=False)}
    with_formula = src[src["formula"].fillna("").str.strip() != ""]
    assert (with_formula["kind"] != "reported").all()
    assert len(src[src["kind"] == "derived"]) == 17
    for _, row in with_formula.iterrows():
        stated = text.loc[str(row["year"]), row["column"]]
        value = recompute(row["formula"], row["year"], df)
        tolerance = 0.5 * 10 ** -_decimals(stated) + 1e-9
        assert abs(value - float(stated)) <= tolerance, (row["year"], row["column"], value)
        # the rule: derived only from primary documents and reported or derived inputs;
        # any secondary or estimated input makes the figure estimated, its basis says which
        secondary = set(str(row["sources"]).split(";")) - primary
        estimated_in = [n for n, k in _formula_inputs(row, kinds).items() if k == "estimated"]
        if row["kind"] == "derived":
            assert not secondary and not estimated_in, (row["year"], row["column"])
        else:
            assert row["kind"] == "estimated" and (secondary or estimated_in)
            assert "estimated because it rests on" in row["basis"], (row["year"], row["column"])
    # by hand: 2024 gross margin 4,724 / 15,673 = 30.14 %, estimated (gross profit from a
    # secondary 20-F extract); 2022 EUR payout 34 - 26, estimated (both totals secondary)
    assert recompute("gross_profit_eur_m / total_revenue_eur_m * 100", 2024, df) == pytest.approx(
        4724 / 15673 * 100
    )
    assert kinds[(2024, "gross_margin_pct")] == "estimated"
    assert kinds[(2018, "gross_margin_pct")] == kinds[(2021, "ad_revenue_eur_m")] == "estimated"
    assert (
        kinds[(2018, "premium_arpu_eur_month")] == kinds[(2019, "ad_revenue_eur_m")] == "estimated"
    )
    assert kinds[(2023, "gross_margin_pct")] == kinds[(2024, "premium_revenue_eur_m")] == "derived"
    assert df.set_index("year").loc[2022, "royalties_paid_eur_bn"] == 34 - 26


def test_spotify_figures_as_reported_in_their_currency():
    df = datasets.load_spotify_annual().set_index("year")
    src = datasets.load("spotify_annual_sources").set_index(["year", "column"])
    # ad-supported MAU as Spotify reported them, not MAU - subscribers (366 and 412)
    assert df.loc[2023, "ad_mau_m"] == 379 and df.loc[2024, "ad_mau_m"] == 425
    assert df.loc[2023, "mau_m"] - df.loc[2023, "premium_subs_m"] == 366
    assert src.loc[(2024, "ad_mau_m"), "kind"] == "reported"
    assert pd.isna(df.loc[2020, "ad_mau_m"])  # not retrieved: left empty, never invented
    # payouts in USD as reported; no EUR payout for 2021 (26 - "21" was a currency slip)
    assert df["royalties_paid_usd_bn"].dropna().to_dict() == {
        2017: 3.3,
        2020: 5.0,
        2021: 7.0,
        2023: 9.0,
        2024: 10.0,
    }
    assert df["royalties_paid_eur_bn"].dropna().to_dict() == {2022: 8.0}
    assert src.loc[(2022, "royalties_paid_eur_bn"), "kind"] == "estimated"  # secondary totals
    assert "+/- 1 bn" in src.loc[(2022, "royalties_paid_eur_bn"), "basis"]
    assert src.loc[(2021, "cumulative_royalties_eur_bn"), "kind"] == "estimated"
    assert pd.isna(df.loc[2020, "cumulative_royalties_eur_bn"])
    kinds = src["kind"].xs(2024, level="year")
    assert kinds["royalties_paid_usd_bn"] == "reported"
    assert kinds["total_revenue_eur_m"] == "derived"  # the sum of four quarterly Updates
    assert kinds["gross_profit_eur_m"] == "estimated"  # only a secondary 20-F extract


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
        "Spotify total revenue, 2024": ("15,673 EUR m", "derived"),  # sum of four quarters
        "Spotify premium subscribers, 2024": ("263 million", "reported"),
        "Spotify premium ARPU, 2024": ("4.69 EUR/month", "estimated"),  # secondary source only
        "Premium share of revenue, 2024": ("88.2 %", "derived"),
        "Revenue growth a year since 2015": ("26.1 % a year", "derived"),
    }


def test_spotify_figures_keep_the_currency_spotify_reported():
    """EUR financials (Spotify reports in euros) and USD payouts where Spotify said them in USD."""
    from valuelab.core import QUANTITIES

    sources = pd.read_csv(datasets.path("spotify_annual_sources"))
    documents = pd.read_csv(datasets.path("spotify_documents")).set_index("id")["document"]
    money = [c for c in datasets.info("spotify_annual").dtypes if "_eur" in c or "_usd" in c]
    for column in money:  # the column's name, its label's currency and its unit agree
        code = "USD" if "_usd" in column else "EUR"
        assert QUANTITIES[column].currency == code and code in QUANTITIES[column].unit, column
    usd = sources[sources["column"].str.contains("_usd_")]
    assert len(usd) == 10 and set(usd["kind"]) == {"reported"}  # never converted from EUR
    for row in usd.itertuples():
        quoted = [documents[s] for s in row.sources.split(";")] + [row.basis]
        assert any("$" in text for text in quoted), (row.year, row.column)
    eur = sources[sources["column"].str.contains("_eur_")]
    derived = eur[eur["kind"] == "derived"]
    # a derived EUR figure sums EUR figures of the same filing: no exchange rate anywhere
    assert derived["formula"].str.fullmatch(r"[\d .+-]+").all()
    assert not sources["basis"].fillna("").str.contains("exchange rate|USD/EUR|EUR/USD").any()
