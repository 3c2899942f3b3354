"""Spotify's annual figures: the headline, its growth, each figure's kind and source, the pool.

The worked example of lesson 02 (and the first look at data in lesson 00).

- :func:`annual_summary` reads one metric of ``spotify_annual`` in two years and
  says how much it changed, in total and a year.
- :func:`provenance` gives every figure of ``spotify_annual`` its kind
  (reported, derived, estimated), its source documents and its formula or
  assumption, from the companion files ``spotify_annual_sources`` (one row per
  figure) and ``spotify_documents`` (one row per document); :func:`annual_sources`
  returns them as :class:`~valuelab.core.SourcedValue` objects.
- :func:`pool_estimate` estimates the royalty pool from *music* revenue and puts
  it beside the payouts Spotify reported (in the currency it reported them).

Labels and units of the metrics are in :data:`valuelab.core.quantities.QUANTITIES`.

The rule for a kind: a figure is ``reported`` only when a primary document
(Spotify's own filing, letter, Update or statement, or a verbatim copy) gives it;
``derived`` figures carry the formula (checked against the data by
:func:`recompute`) and rest only on primary documents and on reported or derived
inputs; a figure read only in a secondary source (an aggregator, a blog), or
computed from any secondary or estimated input, is ``estimated``, its basis
naming the secondary transcription or keeping the formula and saying which input
is secondary.

References
----------
.. [1] Spotify, "Loud & Clear" (2021): Spotify pays rights holders "roughly
   two-thirds" of the revenue it gets from subscriptions and advertising.
   https://loudandclear.byspotify.com/
.. [2] Billboard (2023), Spotify "pays out nearly 70% of every dollar it generates
   from music back to the industry"; Spotify, Loud & Clear 2024 (March 2025):
   "more than two-thirds" of its music revenue goes to rights holders.
   https://loudandclear.byspotify.com/
.. [3] Spotify, Form 20-F for 2024, segment note: the Ad-Supported segment's
   revenue is advertising on music *and podcasts*; no music-only revenue line is
   reported. https://www.sec.gov/Archives/edgar/data/1639920/000163992025000003/R30.htm

Examples
--------
>>> from valuelab.data import load_spotify_annual
>>> s = annual_summary(load_spotify_annual(), "premium_subs_m", 2015, 2024)
>>> round(s["change_pct"]), round(s["cagr_pct"], 1)
(839, 28.3)
>>> annual_value(2023, "ad_mau_m").text
'379 million'
"""

from __future__ import annotations

import pandas as pd

from valuelab.core import (
    FIGURE_KINDS,
    InputError,
    SourcedValue,
    check_number,
    in_words,
    quantity,
)
from valuelab.data import datasets
from valuelab.drivers.formula import Formula
from valuelab.royalties.moneyflow import DEFAULT_PAYOUT_SHARE

__all__ = [
    "ANNUAL_METRICS",
    "MUSIC_AD_SHARE",
    "MUSIC_AD_SHARE_RANGE",
    "PAYOUT_SHARE_RANGE",
    "annual_sources",
    "annual_summary",
    "annual_value",
    "check_provenance",
    "pool_estimate",
    "pool_sources",
    "provenance",
    "recompute",
]

#: Columns of ``spotify_annual`` summarised by :func:`annual_summary` (and offered by the
#: "Spotify at a glance" app and the Spotify year report).
ANNUAL_METRICS = (
    "total_revenue_eur_m",
    "premium_subs_m",
    "mau_m",
    "ad_mau_m",
    "premium_arpu_eur_month",
    "gross_margin_pct",
)

#: The kit's assumption (0-1): share of Spotify's advertising revenue that comes from
#: music rather than podcasts. Spotify reports no split [3]_; 0.8 is the kit's middle guess.
MUSIC_AD_SHARE = 0.8
#: The range of that assumption explored by :func:`pool_estimate` (low, high).
MUSIC_AD_SHARE_RANGE = (0.6, 1.0)
#: The range of the payout share in Spotify's own words [1]_ [2]_: "roughly two-thirds"
#: (about 0.65) to "nearly 70%" (0.70) of music revenue.
PAYOUT_SHARE_RANGE = (0.65, 0.70)


def check_year(df: pd.DataFrame, year: int, parameter: str = "year") -> int:
    """``year`` when ``df`` holds it and the year before (a year compared with the last).

    Parameters
    ----------
    df : pandas.DataFrame
        Yearly figures with an integer ``year`` column (``spotify_annual`` layout).
    year : int
        The year asked for (a report's parameter).
    parameter : str
        The name the asker knows the year by, for the error.

    Raises
    ------
    InputError
        Naming ``parameter``, the value given and the valid range (the years
        that have a year before them), e.g. ``year 2031`` expected 2016-2024.

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> check_year(load_spotify_annual(), 2024)
    2024
    """
    years = sorted(int(y) for y in df["year"].dropna().unique())
    valid = [y for y in years if y - 1 in years]
    if year not in valid:
        expected = f"a year from {valid[0]} to {valid[-1]}" if valid else "two years of figures"
        raise InputError(
            f"{parameter} {year}: no figures",
            column=parameter,
            expected=expected,
            parameter=parameter,
            value=year,
            plain="no figures for {value}",  # a visitor's words: the years are the table's
        )
    return int(year)


def annual_summary(df: pd.DataFrame, metric: str, start: int, end: int) -> dict[str, float]:
    """Value of ``metric`` in ``start`` and ``end`` years and the change between.

    Parameters
    ----------
    df : pandas.DataFrame
        ``spotify_annual``-shaped table.
    metric : str
        One of :data:`ANNUAL_METRICS`.
    start, end : int
        Years (inclusive), ``start < end``.

    Returns
    -------
    dict
        ``start_value``, ``end_value`` (metric units), ``change_pct`` (percent)
        and ``cagr_pct`` (compound annual growth, percent per year).

    Raises
    ------
    InputError
        For an unknown metric, ``start >= end`` or a year without the figure.

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> s = annual_summary(load_spotify_annual(), "total_revenue_eur_m", 2015, 2024)
    >>> round(s["end_value"] / s["start_value"], 2)
    8.08
    """
    if metric not in ANNUAL_METRICS:
        raise InputError(
            f"unknown metric '{metric}'", source="summary", expected=", ".join(ANNUAL_METRICS)
        )
    if not start < end:
        raise InputError(f"years {start}-{end}", source="summary", expected="start < end")
    by_year = df.set_index("year")[metric].astype(float)
    missing = [y for y in (start, end) if y not in by_year.index or pd.isna(by_year[y])]
    if missing:
        known = by_year.dropna().index
        raise InputError(
            f"no {metric} for " + ", ".join(map(str, missing)),
            source="summary",
            column="year",
            expected=f"years {known.min()}-{known.max()} with a figure",
        )
    a, b = float(by_year[start]), float(by_year[end])
    return {
        "start_value": a,
        "end_value": b,
        "change_pct": (b / a - 1) * 100,
        "cagr_pct": ((b / a) ** (1 / (end - start)) - 1) * 100,
    }


def _cells(annual: pd.DataFrame) -> pd.DataFrame:
    """The figures of ``annual`` in long form: ``year``, ``column``, ``value`` (non-empty only)."""
    long = annual.melt(id_vars="year", var_name="column", value_name="value")
    long = long[long["value"].notna()].astype({"value": float})
    return long.reset_index(drop=True)


def _citation(ids: str, documents: dict[str, tuple[str, str, bool]]) -> tuple[str, bool]:
    """The documents named by ``ids`` (``"F1;L19Q4"``) as one citation; whether one is primary."""
    parts = [documents[i.strip()] for i in str(ids).split(";") if i.strip()]
    return "; ".join(f"{doc}, {url}" for doc, url, _ in parts), any(p for _, _, p in parts)


def check_provenance(annual: pd.DataFrame, sources: pd.DataFrame, documents: pd.DataFrame) -> None:
    """Check that every figure has exactly one sources row and every row is complete.

    Parameters
    ----------
    annual, sources, documents : pandas.DataFrame
        ``spotify_annual``, ``spotify_annual_sources`` and ``spotify_documents``
        (see ``datasets/README.md``).

    Raises
    ------
    InputError
        Naming the file, the rows (year and column) and what was expected: a
        figure without a sources row or a row without a figure, a duplicate, an
        unknown kind or document id, a ``reported`` figure without a primary
        document, a ``derived`` figure without a formula, an ``estimated`` one
        without its assumption.
    """
    src = "spotify_annual_sources.csv"
    key = ["year", "column"]
    dup = sources[sources.duplicated(key, keep=False)]
    if len(dup):
        raise InputError("duplicate rows", source=src, rows=_keys(dup), expected="one per figure")
    both = _cells(annual).merge(sources, on=key, how="outer", indicator=True)
    for side, problem in (
        ("left_only", "figures without a sources row"),
        ("right_only", "rows without a figure"),
    ):
        bad = both[both["_merge"] == side]
        if len(bad):
            raise InputError(problem, source=src, rows=_keys(bad), expected="one row per figure")
    _check_rows(sources, documents, src)


def _keys(rows: pd.DataFrame) -> list[str]:
    return [f"{y} {c}" for y, c in zip(rows["year"], rows["column"], strict=True)]


def _check_rows(sources: pd.DataFrame, documents: pd.DataFrame, src: str) -> None:
    known = set(documents["id"])
    primary = set(documents.loc[documents["primary"].astype(bool), "id"])
    ids = sources["sources"].fillna("").str.split(";")
    text = {c: sources[c].fillna("").str.strip() for c in ("formula", "basis")}
    checks = [
        (~sources["kind"].isin(FIGURE_KINDS), "unknown kind", ", ".join(FIGURE_KINDS)),
        (
            ids.map(lambda s: not s or not set(map(str.strip, s)) <= known),
            "unknown document id",
            "ids of spotify_documents.csv",
        ),
        (
            (sources["kind"] == "reported")
            & ~ids.map(lambda s: bool(set(map(str.strip, s)) & primary)),
            "reported without a primary document",
            "a primary document (Spotify's own)",
        ),
        (
            (sources["kind"] == "derived") & (text["formula"] == ""),
            "derived without a formula",
            "the formula",
        ),
        (
            (sources["kind"] == "estimated") & (text["basis"] == ""),
            "estimated without a basis",
            "the assumption",
        ),
    ]
    for bad, problem, expected in checks:
        if bad.any():
            raise InputError(problem, source=src, rows=_keys(sources[bad]), expected=expected)


def provenance(
    annual: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every figure of ``spotify_annual`` with its kind, source and formula or assumption.

    Parameters
    ----------
    annual, sources, documents : pandas.DataFrame, optional
        The three shipped tables by default (``spotify_annual``,
        ``spotify_annual_sources``, ``spotify_documents``).

    Returns
    -------
    pandas.DataFrame
        One row per non-empty figure: ``year``, ``column``, ``value`` (in the
        column's unit and currency), ``kind``, ``source`` (the documents, with
        URLs), ``primary`` (a primary document is among them), ``formula``
        (derived figures) and ``basis`` (words: the formula, the assumption or a
        note), sorted by year and column order.

    Raises
    ------
    InputError
        See :func:`check_provenance`.
    """
    annual = datasets.load("spotify_annual") if annual is None else annual
    sources = datasets.load("spotify_annual_sources") if sources is None else sources
    documents = datasets.load("spotify_documents") if documents is None else documents
    check_provenance(annual, sources, documents)
    out = _cells(annual).merge(sources, on=["year", "column"])
    docs = {
        i: (d, u, bool(p))
        for i, d, u, p in documents[["id", "document", "url", "primary"]].itertuples(index=False)
    }
    cited = [_citation(ids, docs) for ids in out["sources"]]
    out["source"] = [c[0] for c in cited]
    out["primary"] = [c[1] for c in cited]
    order = {c: i for i, c in enumerate(annual.columns)}
    out = out.sort_values(
        ["year", "column"], key=lambda s: s.map(order) if s.name == "column" else s
    )
    cols = ["year", "column", "value", "kind", "source", "primary", "formula", "basis"]
    return out[cols].fillna({"formula": "", "basis": ""}).reset_index(drop=True)


def recompute(formula: str, year: int, annual: pd.DataFrame) -> float:
    """Evaluate a derived figure's ``formula`` on ``annual``.

    Names are the columns of ``annual`` in ``year`` (``gross_profit_eur_m``) or in
    another year with the year appended (``cumulative_royalties_eur_bn_2021``).
    The formula language is :class:`valuelab.drivers.formula.Formula` (parsed
    with :mod:`ast`, never ``eval``).

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> round(
    ...     recompute(
    ...         "gross_profit_eur_m / total_revenue_eur_m * 100", 2024, load_spotify_annual()
    ...     ),
    ...     2,
    ... )
    30.14
    """
    f = Formula.parse(formula, node=f"{year}")
    by_year = annual.set_index("year")
    values = {}
    for name in f.names:
        col, _, other = name.rpartition("_")
        if other.isdigit() and col in by_year.columns:
            values[name] = float(by_year.loc[int(other), col])
        else:
            values[name] = float(by_year.loc[year, name])
    return float(f.evaluate(values))


def _figure(column: str, year: int) -> tuple[str, str, int]:
    shown = quantity(column)
    return f"Spotify {shown.label[0].lower()}{shown.label[1:]}, {year}", shown.unit, shown.precision


def annual_value(year: int, column: str) -> SourcedValue:
    """One figure of ``spotify_annual`` as a :class:`~valuelab.core.SourcedValue`.

    Raises
    ------
    InputError
        When ``spotify_annual`` has no such figure.
    """
    table = provenance()
    row = table[(table["year"] == year) & (table["column"] == column)]
    if row.empty:
        raise InputError(
            f"no figure {column} for {year}",
            source="spotify_annual",
            column=column,
            expected="a non-empty cell of spotify_annual",
        )
    return _sourced(row.iloc[0])


def _sourced(row: pd.Series) -> SourcedValue:
    label, unit, precision = _figure(row["column"], int(row["year"]))
    basis = in_words(row["basis"])  # the dataset's columns as their labels: words to read
    if row["formula"]:  # derived, or estimated from a formula with a secondary input
        formula = in_words(row["formula"])
        basis = f"{formula} ({basis})" if basis else formula
    return SourcedValue(
        label, float(row["value"]), unit, row["kind"], row["source"], basis, precision
    )


def annual_sources(
    year: int | None = None, columns: list[str] | tuple[str, ...] | None = None, pool: bool = True
) -> list[SourcedValue]:
    """The annual figures (of one year, or all) as :class:`~valuelab.core.SourcedValue` objects.

    Parameters
    ----------
    year : int, optional
        A fiscal year 2015-2024; all years by default.
    columns : sequence of str, optional
        Columns of ``spotify_annual`` to include (default: all).
    pool : bool
        With a ``year``, also the royalty-pool estimate of that year and its
        assumptions (:func:`pool_sources`, default arguments).

    Returns
    -------
    list of SourcedValue
        In year and column order; what a lesson's sources table
        (:func:`valuelab.core.sources_table`) lists for the annual figures.

    Examples
    --------
    >>> [v.kind for v in annual_sources(2024, ["gross_margin_pct", "mau_m"], pool=False)]
    ['estimated', 'reported']
    """
    table = provenance()
    if year is not None:
        table = table[table["year"] == year]
    if columns is not None:
        table = table[table["column"].isin(columns)]
    values = [_sourced(row) for _, row in table.iterrows()]
    if pool and year is not None:
        listed = {v.figure for v in values}  # the reported payout may be listed already
        values += [v for v in pool_sources(year) if v.figure not in listed]
    return values


def pool_estimate(
    annual: pd.DataFrame,
    payout_share: float = DEFAULT_PAYOUT_SHARE,
    music_ad_share: float = MUSIC_AD_SHARE,
) -> pd.DataFrame:
    """Estimated royalty pool per year beside the payouts Spotify reported.

    Spotify pays a share of its *music* revenue [1]_ [2]_ but reports no
    music-revenue line (its ad revenue includes podcasts [3]_), so the pool rests
    on two assumptions: music revenue = Premium + ``music_ad_share`` x
    ad-supported revenue (all Premium revenue counted as music, though it has
    included audiobooks in some markets since late 2023), and pool =
    ``payout_share`` x music revenue. Low and high use :data:`PAYOUT_SHARE_RANGE`
    and :data:`MUSIC_AD_SHARE_RANGE`. Payouts stay in the currency reported
    (USD; EUR for the derived 2022 figure): nothing is converted.

    Parameters
    ----------
    annual : pandas.DataFrame
        ``spotify_annual`` (:func:`valuelab.data.datasets.load_spotify_annual`).
    payout_share, music_ad_share : float
        Shares (0-1) of music revenue paid out (default two-thirds) and of
        advertising revenue from music (default :data:`MUSIC_AD_SHARE`).

    Returns
    -------
    pandas.DataFrame
        Per year: ``year``, ``music_revenue_eur_bn`` (estimated),
        ``pool_eur_bn``, ``pool_low_eur_bn``, ``pool_high_eur_bn`` (estimated,
        EUR bn), ``reported_usd_bn`` (payout Spotify reported, USD bn, NaN when
        none), ``derived_eur_bn`` (the 2022 EUR payout derived from two
        lifetime totals of the 20-F, NaN otherwise) and ``pool_share_of_revenue``
        (central pool / total revenue, 0-1). An ``InputError`` for a share outside 0-1.

    Examples
    --------
    >>> from valuelab.data import load_spotify_annual
    >>> t = pool_estimate(load_spotify_annual()).set_index("year")
    >>> round(float(t.loc[2024, "pool_eur_bn"]), 2), float(t.loc[2024, "reported_usd_bn"])
    (10.2, 10.0)
    """
    check_number(payout_share, "payout_share", min=0, max=1)
    check_number(music_ad_share, "music_ad_share", min=0, max=1)
    a = annual.sort_values("year")
    premium, ads = (
        a[c].astype(float).to_numpy() / 1000 for c in ("premium_revenue_eur_m", "ad_revenue_eur_m")
    )
    (p_lo, p_hi), (m_lo, m_hi) = PAYOUT_SHARE_RANGE, MUSIC_AD_SHARE_RANGE
    out = pd.DataFrame({"year": a["year"].astype(int).to_numpy()})
    out["music_revenue_eur_bn"] = premium + music_ad_share * ads
    out["pool_eur_bn"] = payout_share * out["music_revenue_eur_bn"]
    out["pool_low_eur_bn"] = p_lo * (premium + m_lo * ads)
    out["pool_high_eur_bn"] = p_hi * (premium + m_hi * ads)
    out["reported_usd_bn"] = a["royalties_paid_usd_bn"].astype(float).to_numpy()
    out["derived_eur_bn"] = a["royalties_paid_eur_bn"].astype(float).to_numpy()
    revenue = a["total_revenue_eur_m"].astype(float).to_numpy() / 1000
    out["pool_share_of_revenue"] = out["pool_eur_bn"] / revenue
    return out


_POOL_SOURCE = (
    "Spotify, Loud & Clear (2021-2025): the payout share of music revenue; "
    "revenue from Spotify's annual figures (see their sources)"
)


def pool_sources(
    year: int,
    payout_share: float = DEFAULT_PAYOUT_SHARE,
    music_ad_share: float = MUSIC_AD_SHARE,
) -> list[SourcedValue]:
    """The pool estimate of ``year`` and what it is compared with, as SourcedValues.

    Returns
    -------
    list of SourcedValue
        The estimated music revenue and pool (EUR bn, with the assumptions and
        the low-high range) and the payout Spotify reported that year (USD bn)
        or the derived EUR figure (2022), when there is one.

    Raises
    ------
    InputError
        For a year not in ``spotify_annual``.

    Examples
    --------
    >>> [v.kind for v in pool_sources(2024)]
    ['estimated', 'estimated', 'reported']
    """
    annual = datasets.load("spotify_annual")
    table = pool_estimate(annual, payout_share, music_ad_share).set_index("year")
    if year not in table.index:
        raise InputError(f"no year {year}", source="spotify_annual", column="year")
    row = table.loc[year]
    mix = f"Premium revenue + {music_ad_share:.0%} of ad-supported revenue (the kit's assumption)"
    pool = (
        f"{payout_share:.1%} of music revenue ({mix}); range EUR {row['pool_low_eur_bn']:.1f}-"
        f"{row['pool_high_eur_bn']:.1f} bn for 65-70 % paid out and 60-100 % of ads from music"
    )
    values = [
        SourcedValue(
            f"Spotify music revenue, {year}",
            row["music_revenue_eur_bn"],
            "EUR bn",
            "estimated",
            _POOL_SOURCE,
            mix,
            1,
        ),
        SourcedValue(
            f"Royalty pool, {year}",
            row["pool_eur_bn"],
            "EUR bn",
            "estimated",
            _POOL_SOURCE,
            pool,
            1,
        ),
    ]
    paid = [
        c
        for c in ("royalties_paid_usd_bn", "royalties_paid_eur_bn")
        if pd.notna(annual.set_index("year").loc[year, c])
    ]
    return values + [annual_value(year, c) for c in paid]
