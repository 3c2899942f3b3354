"""The datasets shipped with valuelab, loaded by name.

Files are read through :mod:`importlib.resources`, so the kit works from an
installed wheel as well as from a source checkout. Every dataset has a
datasheet entry in ``datasets/README.md`` (origin, columns with units and, for
synthetic data, the generator and seed).

Examples
--------
>>> "spotify_annual" in list_datasets()
True
>>> load("spotify_annual").loc[0, "year"]
np.int64(2015)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from valuelab.core import InputError
from valuelab.data.synthetic import accounts as _accounts
from valuelab.data.synthetic import analyst_logs as _analyst_logs
from valuelab.data.synthetic import listening_log as _listening_log
from valuelab.data.synthetic import product_events
from valuelab.data.synthetic import purchase_reasons as _purchase_reasons
from valuelab.data.synthetic import shop_events as _shop_events

__all__ = [
    "DatasetSpec",
    "data_dir",
    "data_file",
    "generate",
    "info",
    "list_datasets",
    "load",
    "load_spotify_annual",
    "path",
    "regenerate",
]


@dataclass(frozen=True)
class DatasetSpec:
    """One shipped dataset.

    Parameters
    ----------
    name : str
        The name :func:`load` takes.
    filename : str
        File name inside ``datasets/``.
    description : str
        One line: what it is.
    dtypes : dict
        Column name to pandas dtype; ``"datetime"`` columns are parsed as dates.
    generator : callable, optional
        For synthetic data: ``generator(seed=..., **kwargs)`` returns the table.
    seed : int, optional
        The seed the shipped file was generated with.
    kwargs : dict
        Extra arguments the shipped file was generated with.
    """

    name: str
    filename: str
    description: str
    dtypes: dict[str, str]
    generator: Callable[..., pd.DataFrame] | None = None
    seed: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Whether the file is made by a generator."""
        return self.generator is not None


_F = "Float64"  # nullable: a figure no source gives stays empty
_REGISTRY: dict[str, DatasetSpec] = {}


def _register(spec: DatasetSpec) -> None:
    _REGISTRY[spec.name] = spec


_register(
    DatasetSpec(
        name="spotify_annual",
        filename="spotify_annual.csv",
        description="Spotify by fiscal year 2015-2024: revenue, users, ARPU, royalties (sourced).",
        dtypes={
            "year": "int64",
            "total_revenue_eur_m": _F,
            "premium_revenue_eur_m": _F,
            "ad_revenue_eur_m": _F,
            "gross_profit_eur_m": _F,
            "gross_margin_pct": _F,
            "mau_m": _F,
            "premium_subs_m": _F,
            "ad_mau_m": _F,
            "premium_arpu_eur_month": _F,
            "operating_income_eur_m": _F,
            "royalties_paid_usd_bn": _F,
            "royalties_paid_eur_bn": _F,
            "cumulative_royalties_usd_bn": _F,
            "cumulative_royalties_eur_bn": _F,
        },
    )
)
_register(
    DatasetSpec(
        name="spotify_annual_sources",
        filename="spotify_annual_sources.csv",
        description="Each figure of spotify_annual: its kind, source documents, formula or basis.",
        dtypes={
            "year": "int64",
            "column": "string",
            "kind": "string",
            "sources": "string",
            "formula": "string",
            "basis": "string",
        },
    )
)
_register(
    DatasetSpec(
        name="spotify_documents",
        filename="spotify_documents.csv",
        description="The documents spotify_annual_sources cites: title, URL, primary or not.",
        dtypes={"id": "string", "document": "string", "url": "string", "primary": "boolean"},
    )
)
_register(
    DatasetSpec(
        name="product_events",
        filename="product_events.csv",
        description="Synthetic SaaS event log 2024: sign-ups, daily activity, first value.",
        dtypes={"user_id": "string", "date": "datetime", "event": "category", "plan": "category"},
        generator=product_events.generate,
        seed=product_events.SEED,
        kwargs={"n_users": 400},
    )
)

_register(
    DatasetSpec(
        name="listening_log",
        filename="listening_log.csv",
        description="Synthetic month of streams: heavy/light users, Zipf-like artists.",
        dtypes={
            "user_id": "category",
            "artist_id": "category",
            "track_id": "category",
            "streams": "int64",
            "tier": "category",
            "market": "category",
            "month": "category",
        },
        generator=_listening_log.generate,
        seed=_listening_log.SEED,
        kwargs={"n_rows": 30_000},
    )
)

_register(
    DatasetSpec(
        name="shop_events",
        filename="shop_events.csv",
        description="Synthetic online shop 2024: sign-ups, visits, purchases (EUR), NPS answers.",
        dtypes={
            "user_id": "string",
            "date": "datetime",
            "event": "category",
            "channel": "category",
            "revenue_eur": _F,
            "cogs_eur": _F,
            "nps_score": _F,
        },
        generator=_shop_events.generate,
        seed=_shop_events.SEED,
        kwargs={"n_customers": 3000},
    )
)

_register(
    DatasetSpec(
        name="cdnow_sample",
        filename="cdnow_sample.csv",
        description="CDNOW purchases of 2,357 first-time buyers, 1997-01 to 1998-06 (public data).",
        dtypes={
            "customer_id": "int64",
            "master_id": "int64",
            "date": "datetime",
            "cds": "int64",
            "amount_usd": "float64",
        },
    )
)

_register(
    DatasetSpec(
        name="purchase_reasons",
        filename="purchase_reasons.csv",
        description="Synthetic won deals and the features each cites as a reason to buy.",
        dtypes={
            "deal_id": "string",
            "segment": "category",
            "arr_eur": "float64",
            "feature": "string",
        },
        generator=_purchase_reasons.generate,
        seed=_purchase_reasons.SEED,
        kwargs={"n_deals": 1200},
    )
)

_register(
    DatasetSpec(
        name="orders_export",
        filename="orders_export.csv",
        description="Synthetic shop export, own shape: integer yyyymmdd days, USD, ends 3 June.",
        dtypes={"CustomerNo": "int64", "Day": "int64", "Action": "string", "Amount": "float64"},
        generator=_analyst_logs.generate_orders,
        seed=_analyst_logs.SEED_ORDERS,
        kwargs={"n_customers": 300, "start": "2025-01-01", "end": "2025-06-03"},
    )
)
_register(
    DatasetSpec(
        name="studio_log",
        filename="studio_log.csv",
        description="Synthetic studio sign-ins: d/m/Y text dates, GBP, starts 16 September.",
        dtypes={"Member": "string", "Date": "string", "Type": "string", "Fee": "float64"},
        generator=_analyst_logs.generate_studio,
        seed=_analyst_logs.SEED_STUDIO,
        kwargs={"n_members": 250, "start": "2024-09-16", "end": "2025-02-28"},
    )
)


_ACCOUNT_DTYPES = {
    "account_id": "string",
    "segment": "category",
    "arr_eur": "float64",
    "goal_metric": "category",
    "goal_baseline": "float64",
    "goal_target": "float64",
    "goal_current": "float64",
    "months_elapsed": "int64",
    "horizon_months": "int64",
    "outcome_evidence": "Int64",
    "intended_value_realized": "Int64",
    "expansion_intent": "Int64",
    "open_to_buy": "boolean",
    "unknown_value_mentions": "Int64",
    "rbo_validated": "boolean",
    "perceived_validated": "boolean",
    "expansion_validated": "boolean",
    "unknown_validated": "boolean",
    "usage": "float64",
    "nps_answer": "Int64",
    "health_score": "float64",
    "impact_area": "category",
}
_register(
    DatasetSpec(
        name="accounts",
        filename="accounts.csv",
        description="Synthetic B2B portfolio, latest quarter: goals, value answers, usage, health.",
        dtypes=_ACCOUNT_DTYPES,
        generator=_accounts.generate_accounts,
        seed=_accounts.SEED,
        kwargs={"n_accounts": 600, "quarters": 8},
    )
)
_register(
    DatasetSpec(
        name="accounts_history",
        filename="accounts_history.csv",
        description="The same portfolio quarter by quarter 2023-2024, with churn and expansion.",
        dtypes={
            "quarter": "category",
            **_ACCOUNT_DTYPES,
            "churned": "boolean",
            "expanded": "boolean",
        },
        generator=_accounts.generate_history,
        seed=_accounts.SEED,
        kwargs={"n_accounts": 600, "quarters": 8},
    )
)

_register(
    DatasetSpec(
        name="account_inputs",
        filename="account_inputs.csv",
        description="Synthetic last-quarter sales funnel of the revenue-growth accounts.",
        dtypes={
            "account_id": "string",
            "meetings_booked": "int64",
            "pain_quantified": "int64",
            "demos": "int64",
            "proposals": "int64",
            "deals_won": "int64",
            "new_revenue_eur": "float64",
        },
        generator=_accounts.generate_inputs,
        seed=_accounts.SEED,
        kwargs={"n_accounts": 600, "quarters": 8},
    )
)


def data_dir() -> Path:
    """Folder holding the data files.

    Inside an installed wheel the files live in ``valuelab/_datasets``; in a
    source checkout (editable install) they are the repository's ``datasets/``.
    """
    packaged = resources.files("valuelab") / "_datasets"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "datasets"


def _spec(name: str) -> DatasetSpec:
    if name not in _REGISTRY:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(
            f"unknown dataset '{name}'{hint}",
            source="valuelab.data.datasets.load",
            expected="one of " + ", ".join(sorted(_REGISTRY)),
        )
    return _REGISTRY[name]


def list_datasets() -> list[str]:
    """Names of the shipped datasets, sorted.

    Examples
    --------
    >>> [n for n in list_datasets() if n in ("product_events", "spotify_annual")]
    ['product_events', 'spotify_annual']
    """
    return sorted(_REGISTRY)


def path(name: str) -> Path:
    """Path of a dataset's file."""
    return data_dir() / _spec(name).filename


def data_file(filename: str) -> Path:
    """Path of any shipped data file (e.g. a YAML template) by its file name.

    Raises
    ------
    InputError
        When no such file is shipped; the message lists the files that are.
    """
    target = data_dir() / filename
    if "/" in filename or "\\" in filename or not target.is_file():
        shipped = sorted(p.name for p in data_dir().iterdir() if p.is_file())
        raise InputError(
            f"no shipped data file '{filename}'",
            source="valuelab.data.datasets.data_file",
            expected="one of " + ", ".join(shipped),
        )
    return target


def info(name: str) -> DatasetSpec:
    """The :class:`DatasetSpec` of a dataset (description, dtypes, seed)."""
    return _spec(name)


def _read(spec: DatasetSpec, file: Path) -> pd.DataFrame:
    dates = [c for c, t in spec.dtypes.items() if t == "datetime"]
    dtypes = {c: t for c, t in spec.dtypes.items() if t != "datetime"}
    df = pd.read_csv(file, dtype=dtypes, parse_dates=dates or False, keep_default_na=True)
    missing = [c for c in spec.dtypes if c not in df.columns]
    if missing:
        raise InputError(
            "missing columns " + ", ".join(missing),
            source=str(file),
            expected="the columns in datasets/README.md",
        )
    return df[list(spec.dtypes)]


def load(name: str) -> pd.DataFrame:
    """Load a shipped dataset as a DataFrame with its documented dtypes.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.

    Returns
    -------
    pandas.DataFrame
        Columns and dtypes as in the datasheet (``datasets/README.md``);
        figures a source does not give are ``<NA>``.

    Raises
    ------
    InputError
        For an unknown name (with a did-you-mean) or a damaged file.

    Examples
    --------
    >>> df = load("spotify_annual")
    >>> int(df["total_revenue_eur_m"].iloc[-1])
    15673
    """
    spec = _spec(name)
    return _read(spec, data_dir() / spec.filename)


def load_spotify_annual() -> pd.DataFrame:
    """Spotify's sourced yearly figures 2015-2024 (see :func:`load`)."""
    return load("spotify_annual")


def generate(name: str, seed: int | None = None, **kwargs: Any) -> pd.DataFrame:
    """Make a synthetic dataset afresh (the shipped seed unless ``seed`` is given).

    Examples
    --------
    >>> generate("product_events", n_users=5).shape[1]
    4
    """
    spec = _spec(name)
    if spec.generator is None:
        raise InputError(
            f"'{name}' is sourced data, not generated",
            source="valuelab.data.datasets.generate",
            expected="one of " + ", ".join(n for n, s in sorted(_REGISTRY.items()) if s.synthetic),
        )
    args = {**spec.kwargs, **kwargs}
    return spec.generator(seed=spec.seed if seed is None else seed, **args)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The exact bytes valuelab writes for a table (``\\n`` line ends, ISO dates)."""
    return df.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode()


def regenerate(out_dir: str | Path | None = None) -> list[Path]:
    """Rewrite every synthetic dataset from its generator and seed.

    Parameters
    ----------
    out_dir : path, optional
        Where to write; the data folder by default.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir) if out_dir is not None else data_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in sorted(_REGISTRY.items()):
        if spec.synthetic:
            target = out / spec.filename
            target.write_bytes(to_csv_bytes(generate(name)))
            written.append(target)
    return written
