"""Subscription (contractual) retention: Kaplan–Meier survival and lifetime value from it.

In a *contractual* business (subscriptions, SaaS seats, phone plans) a
customer's leaving is observed: a cancellation, a contract not renewed. Some
customers have not left yet when the data is pulled; their tenure is
*right-censored* (we know they stayed at least that long). Dropping them, or
counting them as churned, biases retention; the Kaplan–Meier product-limit
estimator [1]_ uses them for as long as they were observed. Its pointwise
confidence band uses Greenwood's variance on the log(-log) scale (the
"exponential Greenwood" interval [2]_). The estimate and Greenwood's
standard error come from statsmodels [3]_; the band is formed from them here.

The lifetime value of a newly acquired subscriber is then the margin of
each period weighted by the probability of still being a subscriber then,
discounted [4]_, with that probability read off the survival curve rather
than from one constant retention rate [5]_::

    LTV = sum over t = 0 .. H-1 of  S(t) * m / (1 + d) ** t

with ``S(t)`` the survival after ``t`` periods read off the curve, ``S(0)``
included: it is 1 when nobody leaves at tenure 0 (the first period is paid at
sign-up); customers recorded as leaving at tenure 0 (cancelled before their
first period was paid, e.g. in a trial) make ``S(0) < 1`` and bring no
margin, ``m`` the margin per customer per period and
``d`` the discount rate per period. The sum stops at the horizon ``H``,
which cannot pass the last tenure observed: Kaplan–Meier does not
extrapolate, so the result is the value over the observed horizon, a floor
of the whole lifetime's.

References
----------
.. [1] E. L. Kaplan and P. Meier, "Nonparametric estimation from incomplete
   observations", Journal of the American Statistical Association 53(282),
   457-481, 1958.
.. [2] J. D. Kalbfleisch and R. L. Prentice, *The Statistical Analysis of
   Failure Time Data*, 2nd ed., Wiley, 2002, section 1.4 (Greenwood's
   formula; the log(-log) interval).
.. [3] S. Seabold and J. Perktold, "statsmodels: econometric and statistical
   modeling with Python", Proceedings of the 9th Python in Science Conference,
   2010; ``statsmodels.duration.survfunc.SurvfuncRight``.
   https://www.statsmodels.org
.. [4] S. Gupta and D. R. Lehmann, "Customers as assets", Journal of
   Interactive Marketing 17(1), 9-24, 2003: a customer's lifetime value as
   the discounted margins weighted by the chance the customer is still there.
.. [5] P. S. Fader and B. G. S. Hardie, "Customer-base valuation in a
   contractual setting: the perils of ignoring heterogeneity", Marketing
   Science 29(1), 85-93, 2010: a cohort's retention rises with tenure, so a
   single retention rate biases the value of a customer base downwards; use
   survival by tenure.

Examples
--------
>>> customers = pd.DataFrame({"tenure": [1, 2, 2, 3], "churned": [True, True, False, False]})
>>> curve = kaplan_meier(customers)
>>> curve.table["survival"].round(3).tolist()
[1.0, 0.75, 0.5, 0.5]
>>> survival_ltv(curve, margin_per_period=10.0)
22.5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuelab.core import Column, InputError, check_number, validate_frame

__all__ = [
    "SurvivalCurve",
    "kaplan_meier",
    "survival_ltv",
    "tenure_from_dates",
    "tenure_from_panel",
]

#: Days in an average Gregorian month: tenure in months from dates.
DAYS_PER_MONTH = 365.2425 / 12
_LIFE_TABLE = ["at_risk", "churned", "censored", "survival", "lower", "upper"]


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan–Meier survival curve and its life table.

    Attributes
    ----------
    table : pandas.DataFrame
        The life table, index ``tenure`` (0 and each tenure at which a customer
        churned or was censored, in ``unit``), columns ``at_risk`` (customers
        observed up to that tenure), ``churned``, ``censored`` (counts at that
        tenure), ``survival`` (share 0-1 still a customer after that tenure)
        and ``lower``/``upper`` (the pointwise band, shares 0-1).
    unit : str
        The unit of tenure (``"months"``).
    level : float
        Confidence level of the band (0.95).
    """

    table: pd.DataFrame
    unit: str
    level: float

    @property
    def last_tenure(self) -> float:
        """The longest tenure observed: the curve is unknown beyond it."""
        return float(self.table.index.max())

    @property
    def median(self) -> float:
        """Median lifetime (``unit``): first tenure where survival <= 0.5; inf if never."""
        below = self.table.index[self.table["survival"] <= 0.5]
        return float(below.min()) if len(below) else float("inf")

    def at(self, tenures: Any) -> pd.DataFrame:
        """Survival and band at the given tenures (a step function, right-continuous).

        Raises
        ------
        InputError
            For a negative tenure or one past :attr:`last_tenure`.
        """
        t = np.atleast_1d(np.asarray(tenures, dtype=float))
        if np.any(t < 0) or np.any(t > self.last_tenure):
            raise InputError(
                f"tenures outside the observed 0-{self.last_tenure:g} {self.unit}",
                source="tenures",
                expected="tenures Kaplan-Meier has observed (it does not extrapolate)",
            )
        rows = np.searchsorted(self.table.index.to_numpy(), t, side="right") - 1
        out = self.table.iloc[rows][["survival", "lower", "upper"]]
        return out.set_axis(pd.Index(t, name="tenure"))


def tenure_from_dates(
    customers: pd.DataFrame,
    as_of: Any,
    start: str = "start_date",
    end: str = "end_date",
    source: str = "customers",
) -> pd.DataFrame:
    """Tenure in months and a churn flag from start and end dates.

    A missing end date means the customer is still subscribed on ``as_of``:
    their tenure runs to ``as_of`` and is censored (``churned`` False).
    Months are average Gregorian months (30.44 days).

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per subscription, with ``start`` and ``end`` date columns.
    as_of : date-like
        The day the data was pulled; no date may be after it.

    Returns
    -------
    pandas.DataFrame
        Same index: ``tenure`` (months, float) and ``churned`` (bool).

    Raises
    ------
    InputError
        Missing columns, unparseable dates, an end before its start, dates
        after ``as_of`` (naming the rows).

    Examples
    --------
    >>> subs = pd.DataFrame(
    ...     {"start_date": ["2024-01-01", "2024-03-01"], "end_date": ["2024-02-01", None]}
    ... )
    >>> tenure_from_dates(subs, as_of="2024-04-01").round(2).values.tolist()
    [[1.02, True], [1.02, False]]
    """
    cols = [Column(start, kind="datetime"), Column(end, kind="datetime", nullable=True)]
    validate_frame(customers, cols, source=source)
    cutoff = pd.Timestamp(as_of)
    began = pd.to_datetime(customers[start])
    ended = pd.to_datetime(customers[end])
    _refuse_rows(ended < began, f"{end} before {start}", source, end, customers)
    _refuse_rows(began > cutoff, f"{start} after as_of {cutoff:%Y-%m-%d}", source, start, customers)
    _refuse_rows(ended > cutoff, f"{end} after as_of {cutoff:%Y-%m-%d}", source, end, customers)
    stop = ended.fillna(cutoff)
    days = (stop - began).dt.total_seconds() / 86_400
    return pd.DataFrame(
        {"tenure": days / DAYS_PER_MONTH, "churned": ended.notna()}, index=customers.index
    )


def tenure_from_panel(
    history: pd.DataFrame,
    customer: str = "account_id",
    churned: str = "churned",
    keep: tuple[str, ...] = (),
    source: str = "history",
) -> pd.DataFrame:
    """Tenure in periods and a churn flag from a panel of one row per customer and period.

    The panel lists each customer in every period they were a customer, from
    the first period observed, rows in period order; ``churned`` is True on
    the row of the period at whose end they left. Tenure counts the
    customer's rows; a customer whose last row does not churn is censored
    (still a customer when the panel ends).

    Parameters
    ----------
    keep : tuple of str
        Columns whose value in the customer's first row is kept (a segment,
        the revenue at the start).

    Returns
    -------
    pandas.DataFrame
        Index ``customer``: ``tenure`` (periods, int), ``churned`` (bool), and
        the ``keep`` columns.

    Raises
    ------
    InputError
        Missing columns, missing or non-boolean churn flags, a customer with
        a row after the one where they churned.

    Examples
    --------
    >>> panel = pd.DataFrame({"account_id": ["a", "a", "b"], "churned": [False, True, False]})
    >>> tenure_from_panel(panel).values.tolist()
    [[2, True], [1, False]]
    """
    cols = [Column(customer), Column(churned, kind="bool"), *(Column(c) for c in keep)]
    validate_frame(history, cols, source=source)
    flags = history[churned].astype(bool)
    per = history.assign(_churned=flags).groupby(customer, observed=True, sort=True)
    out = pd.DataFrame({"tenure": per.size(), "churned": per["_churned"].any()})
    after = (per["_churned"].cumsum() - flags) > 0  # a churn flag on an earlier row
    if after.any():
        raise InputError(
            "rows after the period the customer churned",
            source=source,
            column=customer,
            rows=list(history.index[after.to_numpy()]),
        )
    for col in keep:
        out[col] = per[col].first()
    return out


def _refuse_rows(bad: pd.Series, problem: str, source: str, column: str, frame: pd.DataFrame):
    if bad.any():
        raise InputError(problem, source=source, column=column, rows=list(frame.index[bad]))


def kaplan_meier(
    customers: pd.DataFrame,
    tenure: str = "tenure",
    churned: str = "churned",
    level: float = 0.95,
    unit: str = "months",
    source: str = "customers",
) -> SurvivalCurve:
    """Kaplan–Meier survival of customers, with right-censoring and a confidence band.

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer: ``tenure`` (time as a customer so far, >= 0, in
        ``unit``) and ``churned`` (True: left at that tenure; False: still a
        customer, censored). :func:`tenure_from_dates` makes both from dates.
    level : float
        Confidence level of the pointwise band, share 0-1 (exponential Greenwood).

    Returns
    -------
    SurvivalCurve
        Its ``table`` is the life table (see :class:`SurvivalCurve`).

    Raises
    ------
    InputError
        No rows, missing columns, a negative or missing tenure, a churn flag
        that is not True/False (naming the rows).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    cols = [Column(tenure, kind="number", min=0), Column(churned, kind="bool")]
    validate_frame(customers, cols, source=source)
    lvl = float(check_number(level, "level", min=0.5, max=0.999))
    time = customers[tenure].to_numpy(dtype=float)
    left = customers[churned].to_numpy(dtype=bool)
    fit = SurvfuncRight(time, left.astype(float))
    table = _counts(time, left)
    at_events = pd.DataFrame(
        {"survival": fit.surv_prob, "se": fit.surv_prob_se},
        index=pd.Index(np.asarray(fit.surv_times, dtype=float), name="tenure"),
    )
    steps = at_events.reindex(table.index).ffill()
    table["survival"] = steps["survival"].fillna(1.0).to_numpy()
    table["lower"], table["upper"] = _log_log_band(
        table["survival"].to_numpy(), steps["se"].fillna(0.0).to_numpy(), lvl
    )
    return SurvivalCurve(table=table[_LIFE_TABLE], unit=unit, level=lvl)


def _counts(time: np.ndarray, left: np.ndarray) -> pd.DataFrame:
    """At risk, churned and censored at 0 and at every tenure observed (the life table's rows)."""
    frame = pd.DataFrame({"tenure": time, "churned": left, "censored": ~left})
    counts = frame.groupby("tenure")[["churned", "censored"]].sum().astype(np.int64)
    counts = counts.reindex(counts.index.union(pd.Index([0.0])), fill_value=0)
    leaving = (counts["churned"] + counts["censored"]).shift(fill_value=0).cumsum()
    counts.insert(0, "at_risk", (len(time) - leaving).astype(np.int64))
    counts.index = pd.Index(counts.index.to_numpy(dtype=float), name="tenure")
    return counts


def _log_log_band(
    survival: np.ndarray, se: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise band on the log(-log) scale from Greenwood's standard error [2]_.

    ``S ** exp(-/+ z * sigma / log S)`` with ``sigma = se / S``; where ``S``
    is 1 (no one has left) or 0 the band is the point itself.
    """
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    lower, upper = survival.copy(), survival.copy()
    inner = (survival > 0) & (survival < 1)
    s = survival[inner]
    c = z * (se[inner] / s) / np.log(s)
    lower[inner], upper[inner] = s ** np.exp(-c), s ** np.exp(c)
    return lower, upper


def survival_ltv(
    curve: SurvivalCurve,
    margin_per_period: float,
    discount_rate: float = 0.0,
    horizon: int | None = None,
) -> float:
    """Lifetime value over a horizon from a survival curve: sum of S(t) m / (1+d)^t.

    Parameters
    ----------
    curve : SurvivalCurve
        From :func:`kaplan_meier`; its unit is the period (months, quarters).
    margin_per_period : float
        Margin per customer per period (EUR per month if the curve is in
        months): revenue per subscriber per period × gross margin.
    discount_rate : float
        Per period, share 0-1 (an annual 10 % is 1.1 ** (1/12) - 1 a month).
    horizon : int, optional
        Periods summed, t = 0 .. horizon-1 (S(0) from the curve: below 1 when
        customers left at tenure 0); default (and at most) the periods
        the curve observed, ``ceil(last_tenure)`` (S(t) for t below the
        longest tenure).

    Returns
    -------
    float
        EUR per acquired customer over the horizon (a floor of the lifetime
        value when customers outlive the horizon).

    Raises
    ------
    InputError
        A negative margin, a rate outside 0-1, a horizon past the curve.
    """
    m = float(check_number(margin_per_period, "margin_per_period", min=0))
    d = float(check_number(discount_rate, "discount_rate", min=0, max=1))
    most = max(1, int(np.ceil(curve.last_tenure)))
    h = most if horizon is None else int(check_number(horizon, "horizon", min=1, integer=True))
    if h > most:
        raise InputError(
            f"horizon {h} is past the curve, observed for {curve.last_tenure:g} {curve.unit}",
            source="horizon",
            expected=f"at most {most} periods (Kaplan-Meier does not extrapolate)",
        )
    t = np.arange(h, dtype=float)
    return float(np.sum(curve.at(t)["survival"].to_numpy() * m / (1 + d) ** t))
