"""Customer-value scoring: five scores on 0-100, bands, goal progress.

Customer Value-Led Growth [1]_ (progress toward the customer's outcome) and
VCubed [2]_ (the five perceived-value scores) propose them as *leading*
indicators of churn and expansion but give no formulas; valuelab defines them
here, explicitly. Every score is on 0-100 (higher is better).

Input (one row per account, :data:`ACCOUNT_COLUMNS`): id, segment, ARR
(``arr``, a year's recurring revenue in the table's currency,
``attrs["currency"]``; the shipped sample's ``arr_eur`` is read as ``arr`` in
EUR, :func:`with_currency`); the
customer's goal (metric, baseline, target, current, months elapsed, horizon);
survey or validation answers per score; whether each answer was *validated*
with a customer persona or only *self-reported*; optionally usage, an NPS
answer and a vendor health score (kept for comparison: they are not scores).

Formulas (:func:`score_accounts`):

- goal attainment ``a`` = projected attainment of :func:`goal_progress`
  (linear), clipped to 0-1 (missing when no month has elapsed);
- ``rbo`` (Realized Business Outcome) = 100 × (0.6 ``a`` + 0.4 × outcome
  evidence / 5): tangible, explainable outcomes, measured and evidenced;
- ``value_perceived`` = 10 × intended-value-realized answer (0-10): the value
  intended at purchase has been realized;
- ``value_expansion`` = 10 × expansion intent (0-10) × (1 if open to buy,
  else 0.6): more value is available and the customer would pay for it;
- ``value_unknown`` = 100 × (1 − exp(−mentions / 2)): value the customer
  perceives that we did not know about (0 mentions → 0, 2 → 63, 5 → 92);
- ``value_realized`` = the weighted mean of the four (default weights
  :data:`DEFAULT_WEIGHTS` 0.4 / 0.3 / 0.15 / 0.15, any weights are
  normalised);
- ``confidence`` (0-1) = the same weighted mean of 1.0 for a validated score
  and :data:`SELF_REPORTED` (0.8) for a self-reported one. VCubed accepts
  either ("validated with a customer persona or a customer has provided");
  the lower factor for an unvalidated answer is the kit's choice, and it
  changes no score (whether validation changes what the scores predict is
  measured by :func:`valuelab.scoring.leads.validation_test`);
- ``band`` of ``value_realized``: ``green`` ≥ 70, ``amber`` ≥ 40, ``red``
  below (:data:`BANDS`, the kit's cut-offs in the style of customer-success
  health scores).

Every formula, weight, factor and cut-off here is the kit's; the sources
name the scores and what each should capture.

Missing answers follow an explicit policy: ``"neutral"`` (default: a missing
part counts as mid-scale, 50), ``"penalize"`` (counts as 0) or ``"exclude"``
(the part is left out and the weights of the rest are renormalised; a score
with nothing left is missing).

References
----------
.. [1] Markus, "The Principles of Customer Value-Led Growth, Part II", Customer
   Value-Led Growth newsletter: principles 10 (relevance), 11 (accuracy) and
   12 (context).
   https://customervalueledgrowth.beehiiv.com/p/principles-customer-valueled-growth-60d2
.. [2] VCubed, "Value perceived is the CS metric we need.", VCubed blog (written
   October 2022): Realized Business Outcome, Value Perceived, Value Expansion,
   Value Unknown and Value Realized; the areas that shape a customer's ability
   to realize value. https://vcubed.ca/blog/value-perceived-is-the-cs-metric-we-need

Examples
--------
>>> goal_progress(50, 3, 3, 12)["status"]
'off track'
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

from valuelab.core import (
    Column,
    InputError,
    aligned,
    check_numbers,
    parse_bool,
    validate_frame,
)

__all__ = [
    "ACCOUNT_COLUMNS",
    "BANDS",
    "DEFAULT_WEIGHTS",
    "ON_TRACK",
    "POLICIES",
    "SCORES",
    "SELF_REPORTED",
    "STATUS_THRESHOLDS",
    "accounts_frame",
    "band",
    "goal_progress",
    "read_accounts",
    "score_accounts",
    "validate_accounts",
    "with_currency",
]

#: Projected attainment (share 0-1 of the target) at or above which a goal is
#: ``on track``; at or above the second value it is ``at risk``; below it is
#: ``off track`` (the kit's cut-offs; the source gives none).
STATUS_THRESHOLDS = (0.9, 0.7)
ON_TRACK = "on track"


def _curve(t, curve):
    if curve == "linear":
        return t
    if curve == "s-curve":
        return 3 * t**2 - 2 * t**3
    raise InputError(f"unknown curve {curve!r}", source="curve", expected="'linear' or 's-curve'")


def goal_progress(target, achieved, elapsed, horizon, curve="linear"):
    """Expected progress to date, projected attainment, gap and status.

    Formulas (``t = elapsed / horizon`` clipped to 0-1):
    ``share(t) = t`` (linear) or ``3t² - 2t³`` (s-curve);
    ``expected = target * share(t)``; ``projected = achieved / share(t)``
    (``achieved`` when ``t = 1``); ``gap = target - projected``;
    status from ``attainment = projected / target``: ``on track`` if
    >= 0.9, ``at risk`` if >= 0.7, else ``off track``.
    Source: principle 11 of Customer Value-Led Growth, see the module's References.

    Parameters
    ----------
    target, achieved : float or array-like
        Goal and result so far, in the goal's unit (e.g. percent growth).
    elapsed, horizon : float or array-like
        Months elapsed and goal horizon in months (horizon > 0).
    curve : {"linear", "s-curve"}
        Shape of the expected progress over time.

    Returns
    -------
    dict
        ``expected``, ``projected``, ``gap``, ``attainment`` (share 0-1) and
        ``status`` (strings; arrays when the inputs are arrays).

    Examples
    --------
    >>> r = goal_progress(50, 3, 3, 12)
    >>> float(r["expected"]), float(r["projected"]), r["status"]
    (12.5, 12.0, 'off track')
    """
    progress = _progress(target, achieved, elapsed, horizon, curve)
    status = np.asarray(_STATUSES[:3])[_status_codes(progress["attainment"])]
    if status.ndim == 0:
        status = str(status)
    return {**progress, "status": status}


#: Goal statuses by code: :func:`_status_codes`, then "not started" (no month elapsed).
_STATUSES = (ON_TRACK, "at risk", "off track", "not started")


def _status_codes(attainment: np.ndarray) -> np.ndarray:
    """0 (on track), 1 (at risk) or 2 (off track) from projected attainment (share 0-1)."""
    hi, lo = STATUS_THRESHOLDS
    return np.where(attainment >= hi, 0, np.where(attainment >= lo, 1, 2))


def _progress(target, achieved, elapsed, horizon, curve) -> dict:
    """:func:`goal_progress` without the status: expected, projected, gap and attainment."""
    target, achieved, elapsed, horizon = aligned(
        target=target, achieved=achieved, elapsed=elapsed, horizon=horizon
    )
    target = check_numbers(target, "target", finite=True)
    achieved = check_numbers(achieved, "achieved", finite=True)
    elapsed = check_numbers(elapsed, "elapsed", positive=True, expected="months > 0")
    horizon = check_numbers(horizon, "horizon", positive=True, expected="months > 0")
    share = _curve(np.clip(elapsed / horizon, 0.0, 1.0), curve)
    expected = target * share
    projected = achieved / share
    gap = target - projected
    with np.errstate(divide="ignore", invalid="ignore"):
        attainment = np.where(target != 0, projected / target, 1.0)
    return {"expected": expected, "projected": projected, "gap": gap, "attainment": attainment}


# --- the five scores --------------------------------------------------------------------

#: The five scores, in the order they are added.
SCORES = ("rbo", "value_perceived", "value_expansion", "value_unknown", "value_realized")
#: Default weights of the four parts of ``value_realized`` (normalised to sum 1).
DEFAULT_WEIGHTS = {
    "rbo": 0.4,
    "value_perceived": 0.3,
    "value_expansion": 0.15,
    "value_unknown": 0.15,
}
#: Confidence factor of a self-reported (not validated) score, share 0-1.
SELF_REPORTED = 0.8
#: Band cut-offs on ``value_realized`` (0-100): at or above ``green``, at or above ``amber``.
BANDS = {"green": 70.0, "amber": 40.0}
#: Missing-value policies.
POLICIES = ("neutral", "penalize", "exclude")

_SEGMENTS = ("SMB", "Mid-market", "Enterprise")
#: The account table's columns (required unless ``required=False``).
ACCOUNT_COLUMNS = (
    Column("account_id", kind="str", unique=True),
    Column("segment", kind="str", choices=_SEGMENTS),
    Column("arr", kind="number", min=0, unit="currency per year (attrs currency)"),
    Column("goal_metric", kind="str", unit="text"),
    Column("goal_baseline", kind="number", unit="goal unit"),
    Column("goal_target", kind="number", unit="goal unit"),
    Column("goal_current", kind="number", unit="goal unit"),
    Column("months_elapsed", kind="number", min=0, unit="months"),
    Column("horizon_months", kind="number", min=1, unit="months"),
    Column("outcome_evidence", kind="int", nullable=True, min=0, max=5, unit="0-5"),
    Column("intended_value_realized", kind="int", nullable=True, min=0, max=10, unit="0-10"),
    Column("expansion_intent", kind="int", nullable=True, min=0, max=10, unit="0-10"),
    Column("open_to_buy", kind="bool"),
    Column("unknown_value_mentions", kind="int", nullable=True, min=0, unit="count"),
    Column("rbo_validated", kind="bool"),
    Column("perceived_validated", kind="bool"),
    Column("expansion_validated", kind="bool"),
    Column("unknown_validated", kind="bool"),
    Column("usage", kind="number", required=False, nullable=True, min=0, max=1, unit="share 0-1"),
    Column("nps_answer", kind="int", required=False, nullable=True, min=0, max=10, unit="0-10"),
    Column("health_score", kind="number", required=False, nullable=True, min=0, max=100),
)
_VALIDATED = {
    "rbo": "rbo_validated",
    "value_perceived": "perceived_validated",
    "value_expansion": "expansion_validated",
    "value_unknown": "unknown_validated",
}


#: The shipped sample's money column -> the role it plays; the sample is in EUR.
_SHIPPED_MONEY = {"arr_eur": "arr"}


def with_currency(
    df: pd.DataFrame, currency: str | None = None, source: str = "accounts"
) -> pd.DataFrame:
    """The account table with ``arr`` and ``attrs["currency"]`` set.

    A shipped-layout ``arr_eur`` column (the sample, an old file) becomes
    ``arr`` in EUR; otherwise the currency is ``currency``, else the table's
    own ``attrs["currency"]`` (a mapped source's :meth:`to_pandas` sets it),
    else ``None`` (not declared: labels say so).

    Raises
    ------
    InputError
        ``currency`` differing from the one the table carries (or EUR for
        ``arr_eur``): one amount in two currencies.

    Examples
    --------
    >>> t = with_currency(pd.DataFrame({"arr_eur": [1.0]}))
    >>> list(t.columns), t.attrs["currency"]
    (['arr'], 'EUR')
    """
    carried = df.attrs.get("currency")
    if "arr" not in df.columns and set(_SHIPPED_MONEY) & set(df.columns):
        df, carried = df.rename(columns=_SHIPPED_MONEY), "EUR"
    else:
        df = df.copy(deep=False)
    given = carried if currency is None else str(currency).upper()
    if carried is not None and given != carried:
        raise InputError(
            f"ARR is in {carried}, not {given}",
            source=source,
            column="arr",
            expected=f"one currency: {carried}",
        )
    df.attrs["currency"] = given
    return df


def validate_accounts(df: pd.DataFrame, source: str = "accounts") -> pd.DataFrame:
    """Check an account table against :data:`ACCOUNT_COLUMNS`; every problem at once.

    Rows are named by ``account_id`` when the column exists. A goal whose
    target equals its baseline, and months elapsed beyond the horizon, are
    errors too.

    Raises
    ------
    InputError
        Naming each bad column and the accounts (rows) concerned.
    """
    if isinstance(df, pd.DataFrame):
        df = with_currency(df, source=source)
    if isinstance(df, pd.DataFrame) and "account_id" in df.columns:
        df = df.set_index(pd.Index(df["account_id"].astype(str), name="account_id"))
    problems: list[InputError] = []
    try:
        validate_frame(df, ACCOUNT_COLUMNS, source=source)
    except InputError as err:
        problems += err.problems or [err]
    needed = {"goal_target", "goal_baseline", "months_elapsed", "horizon_months"}
    if not isinstance(df, pd.DataFrame) or not needed <= set(df.columns):
        raise InputError(source=source, problems=problems) if len(problems) > 1 else problems[0]
    same = df.index[np.asarray((df["goal_target"] == df["goal_baseline"]).array, dtype=bool)]
    if len(same):
        problems.append(
            InputError(
                "target equals baseline", source=source, column="goal_target", rows=list(same)
            )
        )
    late = df.index[np.asarray((df["months_elapsed"] > df["horizon_months"]).array, dtype=bool)]
    if len(late):
        problems.append(
            InputError(
                "months elapsed beyond the horizon",
                source=source,
                column="months_elapsed",
                rows=list(late),
                expected="0 to horizon_months",
            )
        )
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputError(source=source, problems=problems)
    return df


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(w) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise InputError(
            f"unknown scores {unknown}", source="weights", expected=", ".join(DEFAULT_WEIGHTS)
        )
    bad = [k for k, v in w.items() if not (isinstance(v, int | float) and v >= 0)]
    if bad or sum(w.values()) <= 0:
        raise InputError(f"weights {w}", source="weights", expected="numbers >= 0, not all 0")
    total = sum(w.values())
    return {k: float(w.get(k, 0.0)) / total for k in DEFAULT_WEIGHTS}


def _combine(parts: list[tuple[np.ndarray, float]], policy: str) -> np.ndarray:
    """Weighted mean of 0-1 parts with NaN handled by ``policy`` (0-100 out)."""
    fill = {"neutral": 0.5, "penalize": 0.0}.get(policy)
    missing = [np.isnan(values) for values, _ in parts]
    if fill is not None or not any(m.any() for m in missing):
        return _filled_mean(parts, missing, fill)
    num = np.zeros(len(parts[0][0]))
    den = np.zeros(len(parts[0][0]))
    for values, weight in parts:
        missing = np.isnan(values)
        if fill is None:
            num += np.where(missing, 0.0, values * weight)
            den += np.where(missing, 0.0, weight)
        else:
            num += np.where(missing, fill, values) * weight
            den += weight
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den * 100, np.nan)


def _filled_mean(
    parts: list[tuple[np.ndarray, float]], missing: list[np.ndarray], fill: float | None
) -> np.ndarray:
    """:func:`_combine` when every part counts in every row (the same sums, in the same order)."""
    num, den = None, 0.0
    for (values, weight), gaps in zip(parts, missing, strict=True):
        term = (values if fill is None else np.where(gaps, fill, values)) * weight
        num, den = (term if num is None else num + term), den + weight
    if den > 0:
        return num / den * 100
    return np.full(len(parts[0][0]), np.nan)


def _labels(names: tuple[str, ...], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A text column from codes into ``names``: pandas' own text dtype, one take, no parsing."""
    return pd.Series(list(names)).array.take(codes)


def _float(df: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(df[col], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def band(score) -> np.ndarray | str:
    """``green``, ``amber`` or ``red`` for scores 0-100 (:data:`BANDS`); ``unknown`` if missing.

    Examples
    --------
    >>> band(75.0), band(40.0), band(12.5), band(float("nan"))
    ('green', 'amber', 'red', 'unknown')
    """
    out = np.asarray(_BAND_NAMES)[_band_codes(np.asarray(score, dtype=float))]
    return str(out) if out.ndim == 0 else out


_BAND_NAMES = ("green", "amber", "red", "unknown")


def _band_codes(arr: np.ndarray) -> np.ndarray:
    """Codes into :data:`_BAND_NAMES` for scores 0-100 (NaN: unknown)."""
    by_score = np.where(arr >= BANDS["green"], 0, np.where(arr >= BANDS["amber"], 1, 2))
    return np.where(np.isnan(arr), 3, by_score)


def score_accounts(
    df: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
    source: str = "accounts",
) -> pd.DataFrame:
    """The five value scores (0-100), band, confidence and goal status of every account.

    Formulas, missing-value policies and sources (VCubed) are in the module docstring.
    Vectorized: a million accounts score in about a second.

    Parameters
    ----------
    df : pandas.DataFrame
        Accounts, see :data:`ACCOUNT_COLUMNS` (validated first).
    weights : mapping, optional
        Weights of ``rbo``, ``value_perceived``, ``value_expansion`` and
        ``value_unknown`` in ``value_realized``; normalised (default
        :data:`DEFAULT_WEIGHTS`).
    policy : {"neutral", "penalize", "exclude"}
        What a missing answer counts as.

    Returns
    -------
    pandas.DataFrame
        The input rows (same index) with ``goal_attainment`` (share 0-1,
        clipped), ``goal_status``, the five scores ``rbo``,
        ``value_perceived``, ``value_expansion``, ``value_unknown``,
        ``value_realized`` (0-100), ``confidence`` (0-1) and ``band`` added;
        ``arr`` in ``attrs["currency"]`` (:func:`with_currency`).

    Examples
    --------
    >>> from valuelab.data import load
    >>> scored = score_accounts(load("accounts"))
    >>> list(scored.columns[-9:])  # doctest: +NORMALIZE_WHITESPACE
    ['goal_attainment', 'goal_status', 'rbo', 'value_perceived', 'value_expansion',
     'value_unknown', 'value_realized', 'confidence', 'band']
    """
    if policy not in POLICIES:
        raise InputError(
            f"unknown policy {policy!r}", source="policy", expected=", ".join(POLICIES)
        )
    w = _weights(weights)
    df = with_currency(df, source=source)
    validate_accounts(df, source=source)
    out = df.copy(deep=False)  # copy-on-write: adding columns leaves df as it is
    attainment = _add_goal_progress(df, out)
    _add_value_scores(df, out, attainment, policy)
    parts = [(out[k].to_numpy(dtype=float) / 100, w[k]) for k in DEFAULT_WEIGHTS]
    out["value_realized"] = _combine(parts, "exclude")  # parts already follow the policy
    factors = [
        (np.where(np.asarray(df[col].array, dtype=bool), 1.0, SELF_REPORTED), w[k])
        for k, col in _VALIDATED.items()
    ]
    out["confidence"] = _combine(factors, "exclude") / 100
    out["band"] = _labels(_BAND_NAMES, _band_codes(out["value_realized"].to_numpy()))
    return out


def _add_goal_progress(df: pd.DataFrame, out: pd.DataFrame) -> np.ndarray:
    """Add ``goal_attainment`` (share 0-1, clipped; returned) and ``goal_status`` to ``out``."""
    base, target = _float(df, "goal_baseline"), _float(df, "goal_target")
    current, elapsed = _float(df, "goal_current"), _float(df, "months_elapsed")
    horizon = _float(df, "horizon_months")
    started = elapsed > 0
    progress = _progress(
        target - base, current - base, np.where(started, elapsed, 1.0), horizon, "linear"
    )
    attainment = np.where(started, np.clip(progress["attainment"], 0.0, 1.0), np.nan)
    out["goal_attainment"] = attainment
    codes = np.where(started, _status_codes(progress["attainment"]), 3)
    out["goal_status"] = _labels(_STATUSES, codes)
    return attainment


def _add_value_scores(
    df: pd.DataFrame, out: pd.DataFrame, attainment: np.ndarray, policy: str
) -> None:
    """Add ``rbo``, ``value_perceived``, ``value_expansion`` and ``value_unknown`` (0-100)."""
    evidence = _float(df, "outcome_evidence") / 5
    out["rbo"] = _combine([(attainment, 0.6), (evidence, 0.4)], policy)
    out["value_perceived"] = _combine([(_float(df, "intended_value_realized") / 10, 1.0)], policy)
    open_to_buy = np.asarray(df["open_to_buy"].array, dtype=bool)
    intent = _float(df, "expansion_intent") / 10 * np.where(open_to_buy, 1.0, 0.6)
    out["value_expansion"] = _combine([(intent, 1.0)], policy)
    mentions = _float(df, "unknown_value_mentions")
    out["value_unknown"] = _combine([(1 - np.exp(-mentions / 2), 1.0)], policy)


_INT_COLUMNS = ("outcome_evidence", "intended_value_realized", "expansion_intent")
_INT_COLUMNS += ("unknown_value_mentions", "nps_answer")
_BOOL_COLUMNS = ("open_to_buy", "rbo_validated", "perceived_validated")
_BOOL_COLUMNS += ("expansion_validated", "unknown_validated")


def read_accounts(source, name: str | None = None) -> pd.DataFrame:
    """Read an account table from a CSV file, path or bytes (an upload) and validate it.

    See :func:`accounts_frame` for how answers are read.

    Raises
    ------
    InputError
        Naming the file: unreadable, not CSV, or every bad column and account.
    """
    import io

    label = name or (str(source) if not isinstance(source, bytes | bytearray) else "upload")
    try:
        raw = io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray) else source
        df = pd.read_csv(raw, dtype={"account_id": "string"})
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputError(f"cannot read: {first}", source=label, expected="a CSV file") from None
    return accounts_frame(df, label)


def accounts_frame(
    df: pd.DataFrame, source: str = "accounts", currency: str | None = None
) -> pd.DataFrame:
    """An account table from any reader (a CSV, a mapped source's ``to_pandas()``), validated.

    Whole-number answers become nullable integers; words for true and false
    (:func:`~valuelab.core.validation.parse_bool`: ``true/false``, ``yes/no``,
    ``y/n``, ``on/off``, ``1/0``) become booleans (anything else is reported by
    the validation).

    Parameters
    ----------
    df : pandas.DataFrame
        Columns :data:`ACCOUNT_COLUMNS`, one row per account.
    source : str
        Where it came from, for messages.
    currency : str, optional
        ISO 4217 code of ``arr`` when the table does not carry it
        (:func:`with_currency`).

    Returns
    -------
    pandas.DataFrame
        Validated, ``arr`` in ``attrs["currency"]`` (``None``: not declared).

    Raises
    ------
    InputError
        Every bad column and account, naming ``source``; a currency other than
        the one the table carries.
    """
    df = with_currency(df, currency, source).copy()
    for col in _INT_COLUMNS:
        if col in df.columns:
            numbers = pd.to_numeric(df[col], errors="coerce")
            whole = numbers.isna() | (numbers == np.floor(numbers))
            if (numbers.notna() | df[col].isna()).all() and whole.all():
                df[col] = numbers.astype("Int64")
    for col in _BOOL_COLUMNS:
        if col in df.columns and not pd.api.types.is_bool_dtype(df[col]):
            with contextlib.suppress(InputError):  # left as it is: the validation names it
                df[col] = df[col].map(parse_bool).astype(bool)
    return validate_accounts(df, source=source).reset_index(drop=True)
