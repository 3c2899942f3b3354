"""The KPIs a product team uses, each a small documented function with checked inputs.

Scalars or arrays (NumPy, pandas) are accepted wherever a formula is
element-wise; pandas Series are matched by label, as pandas does, and Series
whose labels differ are refused (:func:`~valuelab.core.validation.aligned`),
never paired by position. Inputs are checked (:func:`~valuelab.core.validation.check_numbers`):
text, NaN where a value is needed, negative counts, rates outside 0-1 and NPS
answers outside 0-10 raise :class:`~valuelab.core.errors.InputError` naming the
argument (and the positions).
The event-log KPIs (cohort retention, DAU/MAU, time to value) are in
:mod:`valuelab.kpis.event_log`. Sources: the product KPIs of [1]_, the Net
Promoter Score of [2]_, lifetime value and CAC payback of [3]_; the
assumptions of the simple lifetime value formula are those of [4]_.

CAC, revenue per customer, margin per customer and lifetime value are all
per *paying* (acquired) customer: dividing a cost per acquired customer by a
revenue per active visitor mixes two populations.

References
----------
.. [1] Antonio (STRTGY), "Action Plan for 2022 (2 of 4)", STRTGY notes, 2022:
   the product KPIs (daily active users, time to value, Net Promoter Score,
   retention rate, lifetime value, margin per customer) and the 20 % of
   features that drive 80 % of purchase decisions.
   https://strtgy.design/en/strtgy-notes-en/action-plan-for-2022-2-of-4/
.. [2] F. F. Reichheld, "The One Number You Need to Grow", Harvard Business
   Review 81(12), December 2003: the Net Promoter Score.
   https://hbr.org/2003/12/the-one-number-you-need-to-grow
.. [3] D. Skok, "SaaS Metrics 2.0", For Entrepreneurs: lifetime value as ARPA ×
   gross margin / churn rate, and the months to recover the cost of acquiring
   a customer. https://www.forentrepreneurs.com/saas-metrics-2/
.. [4] S. Gupta and D. R. Lehmann, "Customers as assets", Journal of
   Interactive Marketing 17(1), 9-24, 2003: lifetime value from a margin and a
   retention rate that stay constant over an infinite life. With the first
   margin at sign-up and no discounting, sum over t >= 0 of m (1 - churn)^t
   = m / churn, Skok's ARPA × margin / churn. It presumes contractual
   customers (a departure is observed, as a cancelled subscription);
   P. S. Fader and B. G. S. Hardie, "Customer-base valuation in a
   contractual setting: the perils of ignoring heterogeneity", Marketing
   Science 29(1), 85-93, 2010, show that one constant churn rate undervalues
   a customer base whose retention rises with tenure.

Examples
--------
>>> nps([10, 10, 9, 3])
50.0
>>> ltv(arpa=100, gross_margin=0.8, churn_rate=0.02)
4000.0
>>> cac_payback_months(cac=1200, arpa=100, gross_margin=0.8)
15.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from valuelab.core import InputError, aligned, check_number, check_numbers, shaped_like

__all__ = [
    "ActivityChurn",
    "average_order_value",
    "cac_payback_months",
    "churn_rate",
    "contribution_margin",
    "conversion_rate",
    "gross_margin",
    "ltv",
    "ltv_cohort",
    "margin_per_customer",
    "nps",
    "retention_rate",
    "revenue",
]


@dataclass(frozen=True)
class ActivityChurn:
    """Share 0-1 of a period's active users who are not active the next period.

    A value object, not a number: it says what it measures — *activity* churn
    from an event log, not contractual churn. A quiet month is not a departure
    (in a shop, a customer who skips a month often buys again), so
    ``1 / activity churn`` is not a lifetime and :func:`ltv` refuses it. It does
    no arithmetic, so it cannot pass silently as a number (``round(c, 3)`` or
    ``c * 1`` raise ``TypeError``); ``float(c)`` or ``c.value`` takes the share
    explicitly, and format specs apply to the share (``f"{c:.1%}"``).
    Made by :func:`valuelab.kpis.event_log.activity_churn`.

    Attributes
    ----------
    value : float
        The share 0-1.
    period : str
        The period of activity (``"month"``).
    population : str
        Whose activity (``"active users"``, ``"paying customers"``).
    kind : str
        ``"activity"`` (class attribute).

    Examples
    --------
    >>> c = ActivityChurn(0.25, population="paying customers")
    >>> f"{c:.0%}", c.kind, c.population, float(c)
    ('25%', 'activity', 'paying customers', 0.25)
    """

    value: float
    period: str = "month"
    population: str = "active users"
    kind: ClassVar[str] = "activity"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_number(self.value, "activity churn", min=0, max=1))

    def __float__(self) -> float:
        return float(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.value, spec) if spec else repr(self)


def _is_activity_churn(value: Any) -> bool:
    """Whether ``value`` is, or holds, an :class:`ActivityChurn`."""
    if isinstance(value, ActivityChurn):
        return True
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        return False
    items = value.ravel() if isinstance(value, np.ndarray) else list(value)
    return any(isinstance(v, ActivityChurn) for v in items)


def conversion_rate(orders: Any, visitors: Any) -> Any:
    """Orders per visitor, share 0-1.

    Parameters
    ----------
    orders, visitors : int or array-like
        Counts (>= 0); visitors > 0.

    Examples
    --------
    >>> conversion_rate(40, 2000)
    0.02
    """
    orders, visitors = aligned(orders=orders, visitors=visitors)
    o = check_numbers(orders, "orders", min=0, expected="a count >= 0")
    v = check_numbers(visitors, "visitors", positive=True, expected="a count > 0")
    if np.any(o > v):
        raise InputError(
            "more orders than visitors", source="orders", expected="orders <= visitors"
        )
    return shaped_like(o / v, orders, visitors)


def average_order_value(revenue: Any, orders: Any) -> Any:
    """Revenue per order (revenue's currency per order; orders > 0).

    Examples
    --------
    >>> average_order_value(12_000, 200)
    60.0
    """
    revenue, orders = aligned(revenue=revenue, orders=orders)
    r = check_numbers(revenue, "revenue", min=0, expected="an amount >= 0")
    o = check_numbers(orders, "orders", positive=True, expected="a count > 0")
    return shaped_like(r / o, revenue, orders)


def revenue(visitors: Any, conversion: Any, aov: Any) -> Any:
    """Visitors × conversion (share 0-1) × average order value = revenue (one currency).

    Examples
    --------
    >>> revenue(10_000, 0.02, 60)
    12000.0
    """
    visitors, conversion, aov = aligned(visitors=visitors, conversion=conversion, aov=aov)
    v = check_numbers(visitors, "visitors", min=0, expected="a count >= 0")
    c = check_numbers(conversion, "conversion", min=0, max=1, expected="a share 0-1")
    a = check_numbers(aov, "aov", min=0, expected="an amount >= 0")
    return shaped_like(v * c * a, visitors, conversion, aov)


def gross_margin(revenue: Any, cogs: Any) -> Any:
    """(Revenue - cost of goods sold) / revenue, share of revenue (can be negative).

    Examples
    --------
    >>> gross_margin(1000, 550)
    0.45
    """
    revenue, cogs = aligned(revenue=revenue, cogs=cogs)
    r = check_numbers(revenue, "revenue", positive=True, expected="an amount > 0")
    c = check_numbers(cogs, "cogs", min=0, expected="an amount >= 0")
    return shaped_like((r - c) / r, revenue, cogs)


def contribution_margin(revenue: Any, cogs: Any, variable_costs: Any) -> Any:
    """(Revenue - COGS - other variable costs) / revenue, share of revenue.

    Variable costs are those that grow with each order: shipping, payment
    fees, support per order (the revenue's currency).

    Examples
    --------
    >>> contribution_margin(1000, 550, 100)
    0.35
    """
    revenue, cogs, variable_costs = aligned(
        revenue=revenue, cogs=cogs, variable_costs=variable_costs
    )
    r = check_numbers(revenue, "revenue", positive=True, expected="an amount > 0")
    c = check_numbers(cogs, "cogs", min=0, expected="an amount >= 0")
    v = check_numbers(variable_costs, "variable_costs", min=0, expected="an amount >= 0")
    return shaped_like((r - c - v) / r, revenue, cogs, variable_costs)


def margin_per_customer(revenue: Any, costs: Any, customers: Any) -> Any:
    """(Revenue - costs to serve) / customers, per customer over the period of the inputs.

    Revenue and costs of one period (a month, a year) give the margin per
    customer in that period: say which. Source: a product KPI of STRTGY's
    "Action Plan for 2022" (see the module's References).

    Examples
    --------
    >>> margin_per_customer(50_000, 30_000, 400)
    50.0
    """
    revenue, costs, customers = aligned(revenue=revenue, costs=costs, customers=customers)
    r = check_numbers(revenue, "revenue", min=0, expected="an amount >= 0")
    c = check_numbers(costs, "costs", min=0, expected="an amount >= 0")
    n = check_numbers(customers, "customers", positive=True, expected="a count > 0")
    return shaped_like((r - c) / n, revenue, costs, customers)


def churn_rate(lost: Any, start_customers: Any) -> Any:
    """Customers lost in the period / customers at its start, share 0-1.

    Examples
    --------
    >>> churn_rate(30, 1000)
    0.03
    """
    lost, start_customers = aligned(lost=lost, start_customers=start_customers)
    lost_ = check_numbers(lost, "lost", min=0, expected="a count >= 0")
    start = check_numbers(start_customers, "start_customers", positive=True, expected="a count > 0")
    if np.any(lost_ > start):
        raise InputError(
            "lost more customers than there were", source="lost", expected="lost <= start_customers"
        )
    return shaped_like(lost_ / start, lost, start_customers)


def retention_rate(lost: Any, start_customers: Any) -> Any:
    """1 - churn rate: the share 0-1 of the period's starting customers still there.

    Examples
    --------
    >>> retention_rate(30, 1000)
    0.97
    """
    lost, start_customers = aligned(lost=lost, start_customers=start_customers)
    return shaped_like(1 - np.asarray(churn_rate(lost, start_customers)), lost, start_customers)


def ltv(arpa: Any, gross_margin: Any, churn_rate: Any) -> Any:
    """Simple lifetime value: ``arpa * gross_margin / churn_rate`` (in the currency of ``arpa``).

    Holds only under its assumptions ([4]_ in the module's References):
    *contractual* customers (a departure is observed: a cancelled
    subscription), a churn rate that is the same every period and for every
    customer, and no discounting. When churn falls with tenure, as it usually
    does, this understates the value of a new customer; for subscriptions
    estimate survival instead (:mod:`valuelab.kpis.survival`), and for repeat
    purchases, where leaving is never observed, use a BG/NBD model
    (:mod:`valuelab.kpis.repeat_purchase`). Source: Skok, "SaaS Metrics 2.0" [3]_.

    Parameters
    ----------
    arpa : float
        Revenue per paying customer (account) per period (USD per month, say).
    gross_margin : float
        Share 0-1 of revenue kept after the cost of serving it.
    churn_rate : float
        Share 0-1 of paying customers who cancel per period (> 0), a
        contractual churn rate; 1 / churn is the expected lifetime in periods.

    Raises
    ------
    InputError
        Bad numbers, or an :class:`ActivityChurn` (activity churn from an
        event log is not a departure rate; the formula refuses it).

    Examples
    --------
    >>> ltv(100, 0.8, 0.02)
    4000.0
    """
    if _is_activity_churn(churn_rate):
        raise InputError(
            "activity churn (not active the next period) is not a departure rate: quiet "
            "periods are not departures, so ARPA x margin / churn would understate lifetime value",
            source="churn_rate",
            expected="a contractual churn rate (cancellations / subscribers); for an event "
            "log use `valuelab.kpis.survival` (subscriptions) or `valuelab.kpis.repeat_purchase` "
            "(BG/NBD, repeat purchases)",
        )
    arpa, gross_margin, churn_rate = aligned(
        arpa=arpa, gross_margin=gross_margin, churn_rate=churn_rate
    )
    a = check_numbers(arpa, "arpa", min=0, expected="an amount >= 0")
    m = check_numbers(gross_margin, "gross_margin", min=0, max=1, expected="a share 0-1")
    c = check_numbers(
        churn_rate, "churn_rate", min=0, max=1, positive=True, expected="a share 0-1, > 0"
    )
    return shaped_like(a * m / c, arpa, gross_margin, churn_rate)


def ltv_cohort(
    retention: Any, arpa: float, gross_margin: float, discount_rate: float = 0.0
) -> float:
    """Cohort-based lifetime value: margin of each period weighted by the share still there.

    ``sum_t retention[t] * arpa * gross_margin / (1 + r) ** t`` over the
    observed periods (retention[0] is normally 1), plus nothing beyond the
    last observed period — a floor, not an extrapolation.

    Parameters
    ----------
    retention : array-like
        Share 0-1 of a cohort active in period 0, 1, 2, ... (e.g. a row of
        :func:`valuelab.kpis.event_log.cohort_retention`, or its mean).
    arpa : float
        Revenue per active account per period (any currency).
    gross_margin : float
        Share 0-1.
    discount_rate : float
        Per-period discount rate, share 0-1.

    Examples
    --------
    >>> ltv_cohort([1.0, 0.5, 0.25], arpa=100, gross_margin=0.8)
    140.0
    """
    ret = check_numbers(retention, "retention", min=0, max=1, expected="shares 0-1")
    a = float(check_numbers(arpa, "arpa", min=0, expected="an amount >= 0"))
    m = float(check_numbers(gross_margin, "gross_margin", min=0, max=1, expected="a share 0-1"))
    r = float(check_numbers(discount_rate, "discount_rate", min=0, max=1, expected="a share 0-1"))
    t = np.arange(np.atleast_1d(ret).size)
    return float(np.sum(np.atleast_1d(ret) * a * m / (1 + r) ** t))


def cac_payback_months(cac: Any, arpa: Any, gross_margin: Any) -> Any:
    """Months of gross margin needed to earn back the cost of acquiring a customer.

    ``cac / (arpa * gross_margin)``: ``cac`` per acquired (paying)
    customer and ``arpa`` per paying customer per month, in one currency — the same
    population. Source: Skok, "SaaS Metrics 2.0" (see the module's References).

    Examples
    --------
    >>> cac_payback_months(1200, 100, 0.8)
    15.0
    """
    cac, arpa, gross_margin = aligned(cac=cac, arpa=arpa, gross_margin=gross_margin)
    c = check_numbers(cac, "cac", min=0, expected="an amount >= 0")
    a = check_numbers(arpa, "arpa", positive=True, expected="an amount per month > 0")
    m = check_numbers(
        gross_margin, "gross_margin", min=0, max=1, positive=True, expected="a share 0-1, > 0"
    )
    return shaped_like(c / (a * m), cac, arpa, gross_margin)


def _flag_rows(answers: pd.Series) -> list:
    """Labels of the answers that are True or False (pandas would read them as 1 and 0)."""
    if pd.api.types.is_bool_dtype(answers.dtype):
        mask = answers.notna()
    elif answers.dtype == object:
        mask = answers.map(lambda v: isinstance(v, bool | np.bool_))
    else:
        return []
    return list(answers.index[mask.to_numpy(dtype=bool)])


def nps(responses: Any) -> float:
    """Net Promoter Score from 0-10 answers: % promoters (9-10) - % detractors (0-6).

    Passives (7-8) count in the total only. The result is in -100..100.
    Source: Reichheld (2003), see the module's References.

    Raises
    ------
    InputError
        For an answer that is not a whole number 0-10 — text, True/False
        (not a 1 and a 0) — naming its rows, or when there is no answer.

    Examples
    --------
    >>> nps([10, 10, 9, 3])
    50.0
    >>> nps([7, 8])
    0.0
    """
    answers = (
        pd.Series(responses, dtype="object") if not isinstance(responses, pd.Series) else responses
    )
    flags = _flag_rows(answers)
    if flags:
        raise InputError(
            "True/False is not an answer",
            source="responses",
            rows=flags,
            expected="whole numbers 0-10 (a yes/no answer is not a score)",
        )
    values = pd.to_numeric(answers, errors="coerce")
    bad = values.isna() & answers.notna()
    if bad.any():
        raise InputError(
            "not a number",
            source="responses",
            rows=list(answers.index[bad]),
            expected="answers 0-10",
        )
    values = values.dropna()
    if values.empty:
        raise InputError("no answers", source="responses", expected="at least one 0-10 answer")
    arr = values.to_numpy(dtype=float)
    out = (arr < 0) | (arr > 10) | (arr != np.floor(arr))
    if out.any():
        raise InputError(
            f"{arr[out][0]:g} is not an answer",
            source="responses",
            rows=list(values.index[out]),
            expected="whole numbers 0-10",
        )
    return float(((arr >= 9).mean() - (arr <= 6).mean()) * 100)
