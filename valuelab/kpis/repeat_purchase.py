"""Repeat purchases in a non-contractual business: BG/NBD and Gamma-Gamma (lesson 03).

When customers may buy again at any time and never say that they are leaving
(a shop, a music store), nobody churns on a known date: a quiet month may be a
pause or the end. The BG/NBD model [1]_ describes each customer by a purchase
rate while active (Poisson purchases; rates gamma(r, alpha) across customers)
and a chance of becoming inactive after each purchase (geometric; chances
beta(a, b) across customers). The Gamma-Gamma model [2]_ [3]_ describes the
mean amount of a customer's purchases (spend per purchase gamma(p, nu),
nu gamma(q, gamma) across customers; pymc-marketing calls gamma ``v``).

Both are fitted with the CLV models of pymc-marketing [4]_ — the optional extra
``valuelab[clv]`` (``pip install 'valuelab[clv]'``), imported only inside the
functions that fit — by maximum a posteriori with flat (improper) priors, which
is the maximum-likelihood fit of the papers. The workflow: split a transaction
log at a calibration end (:func:`calibration_holdout`), fit
(:func:`fit_repeat_purchases`), compare predicted with actual holdout
purchases (:func:`holdout_by_frequency`, :func:`holdout_totals`) and value
customers over a horizon with discounting (:func:`customer_lifetime_value`).
Time is counted in periods of ``period_days`` days (weeks, as in [1]_);
money is in the currency of the log's amounts.

:func:`simple_formula_holdout_spend` puts the simple ``ARPA / churn``
recipe (:func:`valuelab.kpis.ltv`) on the same holdout, for the contrast.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "'Counting Your
   Customers' the Easy Way: An Alternative to the Pareto/NBD Model."
   Marketing Science 24(2), 275-284. https://doi.org/10.1287/mksc.1040.0098
.. [2] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "RFM and CLV: Using
   Iso-Value Curves for Customer Base Analysis." Journal of Marketing
   Research 42(4), 415-430. https://doi.org/10.1509/jmkr.2005.42.4.415
.. [3] Fader, P. S. & Hardie, B. G. S. (2013). "The Gamma-Gamma Model of
   Monetary Value." http://www.brucehardie.com/notes/025/gamma_gamma.pdf
.. [4] PyMC Labs, pymc-marketing: Customer Lifetime Value models
   (``BetaGeoModel``, ``GammaGammaModel``, ``rfm_train_test_split``).
   https://www.pymc-marketing.io/en/stable/api/generated/pymc_marketing.clv.html
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import Column, InputError, SourcedValue, validate_frame

__all__ = [
    "CLV_EXTRA",
    "PUBLISHED_BGNBD",
    "PUBLISHED_GAMMA_GAMMA",
    "RepeatPurchaseFit",
    "calibration_holdout",
    "customer_lifetime_value",
    "fit_repeat_purchases",
    "holdout_by_frequency",
    "holdout_totals",
    "published_vs_fit",
    "repeat_purchase_sources",
    "simple_formula_holdout_spend",
]

#: The optional extra that brings pymc-marketing.
CLV_EXTRA = "valuelab[clv]"
#: BG/NBD on the CDNOW sample, 39-week calibration: Fader, Hardie & Lee (2005), Marketing Science.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
#: Gamma-Gamma on the CDNOW sample, 39-week calibration: Fader & Hardie (2013), note 025.
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
_FHL_2005 = (
    "Fader, Hardie & Lee (2005), 'Counting Your Customers the Easy Way', "
    "Marketing Science 24(2), 275-284"
)
_FH_2013 = (
    "Fader & Hardie (2013), 'The Gamma-Gamma Model of Monetary Value', "
    "http://www.brucehardie.com/notes/025/gamma_gamma.pdf"
)
#: pymc-marketing's name for a period length (its CLV counts 4.345 weeks or 30 days a month).
_TIME_UNITS = {7: "W", 1: "D"}


def _clv() -> tuple[Any, Any]:
    """pymc-marketing's ``clv`` module and pymc-extras' ``Prior``, or a clear ImportError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # ArviZ announces its refactor
            from pymc_extras.prior import Prior
            from pymc_marketing import clv
    except ImportError as err:
        raise ImportError(
            "BG/NBD and Gamma-Gamma need pymc-marketing, the optional extra "
            f"{CLV_EXTRA}: pip install '{CLV_EXTRA}'"
        ) from err
    return clv, Prior


def _dates(transactions: pd.DataFrame, customer: str, date: str, amount: str | None, source: str):
    columns = [Column(customer), Column(date, kind="datetime")]
    if amount is not None:
        columns.append(Column(amount, kind="number", min=0, unit="money"))
    validate_frame(transactions, columns, source=source)
    keep = [customer, date] + ([amount] if amount is not None else [])
    return transactions[keep].assign(**{date: pd.to_datetime(transactions[date])})


def _split_dates(
    log: pd.DataFrame, date: str, calibration_end: Any, holdout_end: Any, source: str, *, ahead=True
):
    """Both ends as timestamps; ``ahead``: the log must have purchases after calibration."""
    cal, first, last = pd.Timestamp(calibration_end), log[date].min(), log[date].max()
    hold = last.normalize() if holdout_end is None else pd.Timestamp(holdout_end)
    if not first <= cal < (last if ahead else pd.Timestamp.max):
        raise InputError(
            f"calibration_end {cal.date()} outside the log's dates",
            source=source,
            column=date,
            expected=f"a day from {first.date()} to before {last.date()}",
        )
    if hold <= cal:
        raise InputError(
            f"holdout_end {hold.date()} is not after calibration_end {cal.date()}",
            source=source,
            expected="a later day",
        )
    return cal, hold


def calibration_holdout(
    transactions: pd.DataFrame,
    calibration_end: Any,
    holdout_end: Any = None,
    *,
    customer: str = "user_id",
    date: str = "date",
    amount: str | None = "amount",
    period_days: float = 7,
    source: str = "transactions",
) -> pd.DataFrame:
    """Each customer's calibration summary and holdout purchases, from a transaction log.

    The split of [1]_ (pymc-marketing's ``rfm_train_test_split`` [4]_): purchases
    up to ``calibration_end`` summarise a customer (the first starts them, later
    ones are repeats); those up to ``holdout_end`` are the holdout to predict.
    Same-day purchases count as one; customers new in the holdout are left out.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase: ``customer`` (id), ``date`` (day) and, unless
        ``amount`` is None, ``amount`` (money >= 0, any currency).
    calibration_end, holdout_end : date-like
        Last day of each period; ``holdout_end`` defaults to the log's last day.
    customer, date, amount, source : str
        Column names; the table's name in error messages.
    period_days : float
        Length of one time period in days (7: weeks).

    Returns
    -------
    pandas.DataFrame
        One row per customer, index ``customer_id``, columns ``frequency``
        (repeat purchases in calibration), ``recency`` (periods from first to
        last purchase), ``T`` (periods from first purchase to calibration end),
        ``holdout_T`` (periods in the holdout), ``holdout_purchases`` and, with
        amounts, ``monetary_value`` (mean amount of the calibration repeat
        purchases; 0 without any) and ``holdout_spend`` (money in the holdout).

    Raises
    ------
    InputError
        Missing or bad columns (named with rows), dates outside the log.
    ImportError
        Without the extra ``valuelab[clv]``.
    """
    log = _dates(transactions, customer, date, amount, source)
    cal, hold = _split_dates(log, date, calibration_end, holdout_end, source)
    return _rfm_split(log, customer, date, amount, (cal, hold), period_days)


def _rfm_split(log, customer, date, amount, ends, period_days) -> pd.DataFrame:
    clv, _ = _clv()
    split = clv.rfm_train_test_split(
        log,
        customer,
        date,
        train_period_end=ends[0],
        test_period_end=ends[1],
        time_unit="D",
        time_scaler=period_days,
        monetary_value_col=amount,
    )
    out = split.rename(columns={"test_frequency": "holdout_purchases", "test_T": "holdout_T"})
    if amount is not None:  # mean over holdout days x days = the holdout's total
        out["holdout_spend"] = out.pop("test_monetary_value") * out["holdout_purchases"]
    return out.set_index("customer_id")


@dataclass(frozen=True)
class RepeatPurchaseFit:
    """BG/NBD (and Gamma-Gamma) fitted on a calibration period, with holdout predictions.

    Attributes
    ----------
    customers : pandas.DataFrame
        :func:`calibration_holdout`'s table plus ``p_alive`` (probability 0-1
        that the customer is still active at calibration end),
        ``predicted_purchases`` (expected purchases over ``holdout_T``) and, with
        amounts, ``expected_spend`` (expected amount per purchase, Gamma-Gamma)
        and ``predicted_spend`` (their product: money over the holdout).
    bgnbd : pandas.Series
        ``r``, ``alpha`` (periods), ``a``, ``b``.
    gamma_gamma : pandas.Series or None
        ``p``, ``q``, ``v`` (money); None without amounts.
    period_days : float
        Length of one period in days.
    """

    customers: pd.DataFrame
    bgnbd: pd.Series
    gamma_gamma: pd.Series | None
    period_days: float
    models: tuple[Any, Any] = field(repr=False, compare=False)


def _map(model: Any, data: pd.DataFrame) -> pd.Series:
    import pytensor

    # PyTensor's default mode compiles the likelihood and its gradient to C: about 60 s on
    # a cold cache (2 shared cores), for a few milliseconds saved per optimiser step on
    # CDNOW's 2,357 customers. FAST_COMPILE runs them as NumPy: the same optimum in ~10 s.
    with pytensor.config.change_flags(mode="FAST_COMPILE"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymc's notes on the flat priors and the optimiser
        model.fit(data=data, method="map", progressbar=False)
    posterior = model.fit_result
    return pd.Series({k: float(posterior[k].values.squeeze()) for k in posterior.data_vars})


def _squeezed(values: Any) -> np.ndarray:
    return np.asarray(values.squeeze()).reshape(-1)


def _spend_model(clv: Any, Prior: Any, rfm: pd.DataFrame) -> tuple[Any, pd.Series, np.ndarray]:
    repeaters = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
    if len(repeaters) < 2:
        raise InputError(
            f"{len(repeaters)} customers with a paid repeat purchase",
            source="fit_repeat_purchases",
            expected="two or more to fit Gamma-Gamma",
        )
    gg = clv.GammaGammaModel(model_config={k: Prior("HalfFlat") for k in ("p", "q", "v")})
    params = _map(gg, repeaters[["customer_id", "frequency", "monetary_value"]])
    spend = gg.expected_customer_spend(rfm[["customer_id", "frequency", "monetary_value"]])
    return gg, params, _squeezed(spend)


def fit_repeat_purchases(summary: pd.DataFrame, period_days: float = 7) -> RepeatPurchaseFit:
    """Fit BG/NBD [1]_ and Gamma-Gamma [3]_ by MAP with flat priors, and predict the holdout.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`calibration_holdout`'s table (its ``monetary_value`` column,
        when present, adds the Gamma-Gamma spend model, fitted on customers
        with a paid repeat purchase as in [3]_).
    period_days : float
        The period length the summary was made with.

    Returns
    -------
    RepeatPurchaseFit

    Raises
    ------
    InputError
        A summary without the columns of :func:`calibration_holdout`.
    ImportError
        Without the extra ``valuelab[clv]``.

    Notes
    -----
    On the CDNOW sample (39-week calibration) the fit gives r = 0.243,
    alpha = 4.414, a = 0.793, b = 2.426 as published in [1]_.
    """
    need = [Column(c, kind="number", min=0) for c in ("frequency", "recency", "T", "holdout_T")]
    validate_frame(summary, need, source="summary")
    clv, Prior = _clv()
    rfm = summary.rename_axis("customer_id").reset_index()
    bg = clv.BetaGeoModel(model_config={k: Prior("HalfFlat") for k in ("r", "alpha", "a", "b")})
    params = _map(bg, rfm[["customer_id", "frequency", "recency", "T"]])
    out = summary.copy()
    out["p_alive"] = _squeezed(bg.expected_probability_alive(rfm))
    out["predicted_purchases"] = _squeezed(bg.expected_purchases(rfm, future_t=rfm["holdout_T"]))
    gg, spend_params = None, None
    if "monetary_value" in summary.columns:
        gg, spend_params, spend = _spend_model(clv, Prior, rfm)
        out["expected_spend"] = spend
        out["predicted_spend"] = out["predicted_purchases"] * spend
    return RepeatPurchaseFit(
        out, params[["r", "alpha", "a", "b"]], spend_params, period_days, (bg, gg)
    )


def published_vs_fit(fit: RepeatPurchaseFit) -> pd.DataFrame:
    """The published CDNOW parameters ([1]_, [3]_) beside a fit's estimates.

    Returns
    -------
    pandas.DataFrame
        Index ``r``, ``alpha``, ``a``, ``b`` (BG/NBD) and ``p``, ``q``, ``v``
        (Gamma-Gamma, when fitted); columns ``published (reported)``, ``our fit
        (estimated)`` and ``difference %`` (estimate / published - 1, in %).
    """
    published = pd.Series({**PUBLISHED_BGNBD, **PUBLISHED_GAMMA_GAMMA})
    ours = pd.concat([fit.bgnbd, fit.gamma_gamma]) if fit.gamma_gamma is not None else fit.bgnbd
    published = published[ours.index]
    return pd.DataFrame(
        {
            "published (reported)": published,
            "our fit (estimated)": ours,
            "difference %": (ours / published - 1) * 100,
        }
    )


def holdout_by_frequency(fit: RepeatPurchaseFit, max_purchases: int = 7) -> pd.DataFrame:
    """Mean actual vs predicted holdout purchases by calibration repeat purchases.

    The conditional-expectations check of [1]_ (its Figure 4): customers are
    grouped by their repeat purchases in calibration (``0`` .. ``max_purchases``,
    the last group ``"7+"``), and each group's mean holdout purchases are set
    beside the model's mean prediction for it.

    Returns
    -------
    pandas.DataFrame
        Index ``calibration_purchases`` (labels ``"0"`` .. ``"7+"``); columns
        ``customers``, ``actual`` and ``predicted`` (purchases per customer in
        the holdout).
    """
    c = fit.customers
    group = c["frequency"].clip(upper=max_purchases).astype(int)
    labels = [str(k) for k in range(max_purchases)] + [f"{max_purchases}+"]
    table = c.groupby(group).agg(
        customers=("frequency", "size"),
        actual=("holdout_purchases", "mean"),
        predicted=("predicted_purchases", "mean"),
    )
    table = table.reindex(range(max_purchases + 1))
    table.index = pd.Index(labels, name="calibration_purchases")
    return table.assign(customers=table["customers"].fillna(0).astype(int))


def holdout_totals(fit: RepeatPurchaseFit) -> pd.Series:
    """Actual vs predicted holdout purchases (and spend) over all customers.

    Returns
    -------
    pandas.Series
        ``customers``, ``actual_purchases``, ``predicted_purchases`` and, with
        amounts, ``actual_spend_per_customer`` and ``predicted_spend_per_customer``
        (money per customer over the holdout).
    """
    c = fit.customers
    out = {
        "customers": float(len(c)),
        "actual_purchases": float(c["holdout_purchases"].sum()),
        "predicted_purchases": float(c["predicted_purchases"].sum()),
    }
    if "predicted_spend" in c.columns:
        out["actual_spend_per_customer"] = float(c["holdout_spend"].mean())
        out["predicted_spend_per_customer"] = float(c["predicted_spend"].mean())
    return pd.Series(out)


def customer_lifetime_value(
    fit: RepeatPurchaseFit, months: int = 12, monthly_discount_rate: float = 0.01
) -> pd.Series:
    """Each customer's expected spend over the next ``months``, discounted monthly.

    ``sum_k spend x (E[purchases by month k] - E[purchases by month k-1]) /
    (1 + monthly_discount_rate) ** k`` from calibration end, with the BG/NBD
    expectations [1]_ and the Gamma-Gamma spend per purchase [2]_, as
    pymc-marketing's ``expected_customer_lifetime_value`` computes it (a month
    is 4.345 weeks or 30 days). Revenue, not margin: multiply by a margin for
    a profit CLV.

    Parameters
    ----------
    fit : RepeatPurchaseFit
        Fitted with amounts, with weekly (7) or daily (1) periods.
    months : int
        Horizon in months (>= 1).
    monthly_discount_rate : float
        Share 0-1 per month (0.01 = 1 %).

    Returns
    -------
    pandas.Series
        Money per customer, indexed by ``customer_id``.

    Raises
    ------
    InputError
        A fit without amounts, another period length, or bad horizon/rate.
    """
    bg, gg = fit.models
    unit = _TIME_UNITS.get(int(fit.period_days)) if fit.period_days in (1, 7) else None
    if gg is None or unit is None:
        raise InputError(
            "fit without amounts or with periods other than days or weeks",
            source="customer_lifetime_value",
            expected="fit_repeat_purchases on a summary with amounts and period_days 7 or 1",
        )
    if int(months) != months or months < 1 or not 0 <= monthly_discount_rate < 1:
        raise InputError(
            f"months={months}, monthly_discount_rate={monthly_discount_rate}",
            source="customer_lifetime_value",
            expected="whole months >= 1 and a rate 0-1",
        )
    rfm = fit.customers.rename_axis("customer_id").reset_index()
    data = rfm[["customer_id", "frequency", "recency", "T", "monetary_value"]].copy()
    value = gg.expected_customer_lifetime_value(
        bg, data, future_t=int(months), discount_rate=monthly_discount_rate, time_unit=unit
    )
    return pd.Series(_squeezed(value), index=fit.customers.index, name="clv")


def simple_formula_holdout_spend(
    transactions: pd.DataFrame,
    calibration_end: Any,
    holdout_end: Any,
    *,
    customer: str = "user_id",
    date: str = "date",
    amount: str = "amount",
    source: str = "transactions",
) -> pd.Series:
    """What the simple ``ARPA / churn`` recipe implies for the holdout, per customer.

    The recipe of :func:`valuelab.kpis.ltv` read on a purchase log:
    ``ARPA`` = calibration revenue per active customer-month, ``churn`` = the
    activity churn of :func:`valuelab.kpis.activity_churn` (buyers of a month
    who do not buy the month after), and the customers active in the last
    calibration month as the base that survives at ``1 - churn`` a month.
    Over ``n`` holdout months it implies
    ``active x ARPA x sum_{k=1..n} (1 - churn) ** k`` per all customers.
    It assumes a quiet month is a permanent loss — the contractual reading
    the BG/NBD model [1]_ drops.

    Returns
    -------
    pandas.Series
        ``arpa`` (money per active customer-month), ``activity_churn`` (share
        0-1), ``active_last_month``, ``customers``, ``holdout_months`` and
        ``spend_per_customer`` (money per customer over the holdout).
    """
    from valuelab.kpis.event_log import activity_churn, mau

    log = _dates(transactions, customer, date, amount, source)
    cal, hold = _split_dates(log, date, calibration_end, holdout_end, source, ahead=False)
    calib = log[log[date] <= cal]
    events = pd.DataFrame({"user_id": calib[customer], "date": calib[date], "event": "purchase"})
    active = mau(events)
    arpa = float(calib[amount].sum()) / float(active.sum())
    churn = float(activity_churn(events, source=source, include_incomplete=True))  # as stated
    months = (hold.year - cal.year) * 12 + hold.month - cal.month
    survival = sum((1 - churn) ** k for k in range(1, months + 1))
    customers = calib[customer].nunique()
    spend = float(active.iloc[-1]) * arpa * survival / customers
    return pd.Series(
        {
            "arpa": arpa,
            "activity_churn": churn,
            "active_last_month": float(active.iloc[-1]),
            "customers": float(customers),
            "holdout_months": float(months),
            "spend_per_customer": spend,
        }
    )


def _published_rows() -> list[SourcedValue]:
    rows = [
        SourcedValue(f"BG/NBD {k}, CDNOW, 39-week calibration", v, "", "reported", _FHL_2005, "", 3)
        for k, v in PUBLISHED_BGNBD.items()
    ]
    for k, v in PUBLISHED_GAMMA_GAMMA.items():
        unit = "USD" if k == "v" else ""
        rows.append(SourcedValue(f"Gamma-Gamma {k}, CDNOW", v, unit, "reported", _FH_2013, "", 2))
    return rows


def repeat_purchase_sources(fit: RepeatPurchaseFit | None = None) -> list[SourcedValue]:
    """The lesson's BG/NBD and Gamma-Gamma figures, published and (with ``fit``) estimated.

    Returns
    -------
    list of SourcedValue
        The published parameters (reported, [1]_ and [3]_) and, given a fit on
        the CDNOW sample, its estimates and holdout totals (estimated: MAP with
        flat priors on the 39-week calibration; the actual holdout figures are
        derived from the log).
    """
    rows = _published_rows()
    if fit is None:
        return rows
    how = "MAP with flat priors (pymc-marketing) on the calibration period"
    data = "CDNOW sample (Fader & Hardie), fitted by the kit"
    for k, v in fit.bgnbd.items():
        rows.append(SourcedValue(f"BG/NBD {k}, our fit", float(v), "", "estimated", data, how, 3))
    for k, v in (fit.gamma_gamma if fit.gamma_gamma is not None else {}).items():
        rows.append(
            SourcedValue(f"Gamma-Gamma {k}, our fit", float(v), "", "estimated", data, how, 2)
        )
    return rows + _holdout_rows(fit, how, data)


def _holdout_rows(fit: RepeatPurchaseFit, how: str, data: str) -> list[SourcedValue]:
    t, n = holdout_totals(fit), len(fit.customers)
    rows = [
        SourcedValue(
            "Holdout repeat purchases, actual",
            t["actual_purchases"],
            "purchases",
            "derived",
            data,
            "customer-days with a purchase after calibration end, summed over customers",
        ),
        SourcedValue(
            "Holdout repeat purchases, predicted",
            t["predicted_purchases"],
            "purchases",
            "estimated",
            data,
            how,
        ),
    ]
    if "actual_spend_per_customer" in t:
        rows += [
            SourcedValue(
                "Holdout spend per customer, actual",
                t["actual_spend_per_customer"],
                "USD",
                "derived",
                data,
                f"holdout spend / {n:,} customers",
                2,
            ),
            SourcedValue(
                "Holdout spend per customer, predicted",
                t["predicted_spend_per_customer"],
                "USD",
                "estimated",
                data,
                how + "; spend per purchase from Gamma-Gamma",
                2,
            ),
        ]
    return rows
