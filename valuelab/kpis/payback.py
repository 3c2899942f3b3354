"""CAC payback from a purchase log: cumulative margin per *acquired* customer, by month.

The cohort CAC payback is the first month since acquisition in which the
cumulative gross margin per customer acquired reaches the cost of acquiring one
[1]_ [2]_. Every acquired customer counts in the average, buyers and quiet ones
alike, so churn and pauses are in the curve; the flat formula
``CAC / (ARPA x gross margin)`` (:func:`valuelab.kpis.definitions.cac_payback_months`)
assumes a constant margin a month instead.

- :func:`tenure_months` counts, for each customer, the months from the month of
  the first order through the log's last month (quiet months included): the
  customer-months over which revenue per customer per month is averaged.
- :func:`cohort_margin_curve` gives the cumulative margin per acquired customer
  by month since acquisition, censored at the end of the log (a customer counts
  in month ``k`` only if the log covers their ``k``-th month).
- :func:`cohort_payback_month` reads the payback month off that curve.

Amounts are ``revenue`` and ``cogs`` in the log's currency
(``attrs["currency"]``; ``None``: not declared); the shipped ``shop_events``
log's ``revenue_eur`` and ``cogs_eur`` are read as those, in EUR
(:func:`shop_money`).

References
----------
.. [1] SaaSGrid, "CAC Payback Period" (documentation page, undated; read 2026):
   the months it takes a cohort of customers to produce enough gross profit to
   pay back what it cost to acquire them.
   https://www.saasgrid.com/docs/cac-payback-period
.. [2] dnoise, "CAC Payback Period" (unit-economics glossary, undated; read
   2026): cohort payback = the first month T in which the cumulative margin per
   original customer reaches CAC; static payback = CAC / (ARPA x gross margin).
   https://dnoise.online/en/metrics/cac-payback-period

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame(
...     {
...         "user_id": ["a", "a", "b"],
...         "date": pd.to_datetime(["2024-01-05", "2024-02-03", "2024-02-10"]),
...         "event": ["purchase", "purchase", "purchase"],
...         "revenue": [30.0, 20.0, 10.0],
...         "cogs": [10.0, 10.0, 5.0],
...     }
... )
>>> log.attrs["currency"] = "USD"
>>> curve = cohort_margin_curve(log)
>>> curve["cumulative_margin"].tolist(), curve.attrs["currency"]
([12.5, 30.0], 'USD')
>>> cohort_payback_month(cohort_margin_curve(log), cac=20.0)
1
"""

from __future__ import annotations

import pandas as pd

from valuelab.core.errors import InputError
from valuelab.core.validation import check_number

__all__ = ["cohort_margin_curve", "cohort_payback_month", "shop_money", "tenure_months"]

_COLUMNS = ("user_id", "date", "event", "revenue", "cogs")
#: The shipped shop log's money columns (EUR) -> the currency-free names.
_SHIPPED = {"revenue_eur": "revenue", "cogs_eur": "cogs"}


def shop_money(log: pd.DataFrame) -> pd.DataFrame:
    """The log with ``revenue`` and ``cogs`` and ``attrs["currency"]`` set.

    The shipped layout's ``revenue_eur`` and ``cogs_eur`` become ``revenue``
    and ``cogs`` in EUR; a log that has ``revenue`` keeps its own
    ``attrs["currency"]`` (``None`` when it carries none: not declared).

    Examples
    --------
    >>> shop_money(pd.DataFrame({"revenue_eur": [1.0], "cogs_eur": [0.5]})).attrs["currency"]
    'EUR'
    """
    if "revenue" not in log.columns and set(_SHIPPED) & set(log.columns):
        out = log.rename(columns=_SHIPPED)
        out.attrs["currency"] = "EUR"
        return out
    out = log.copy(deep=False)
    out.attrs["currency"] = log.attrs.get("currency")
    return out


def _month_index(dates: pd.Series) -> pd.Series:
    """Calendar months as integers (year x 12 + month), for month arithmetic."""
    d = pd.to_datetime(dates)
    return d.dt.year * 12 + d.dt.month


def _orders(log: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """The orders with their month and margin, each buyer's first month, the log's last month."""
    log = shop_money(log)
    missing = [c for c in _COLUMNS if c not in log.columns]
    if missing:
        raise InputError(
            "missing columns " + ", ".join(missing), source=source, expected=", ".join(_COLUMNS)
        )
    month = _month_index(log["date"])
    is_order = log["event"].astype(str) == "purchase"
    if not is_order.any():
        raise InputError("no purchase events", source=source, column="event")
    orders = pd.DataFrame(
        {
            "user_id": log.loc[is_order, "user_id"].astype(str),
            "month": month[is_order],
            "margin": (log.loc[is_order, "revenue"] - log.loc[is_order, "cogs"]).astype(float),
        }
    )
    first = orders.groupby("user_id")["month"].min()
    return orders, first, int(month.max())


def tenure_months(log: pd.DataFrame, source: str = "events") -> pd.Series:
    """Months each buyer has been a customer: from the first order's month to the log's end.

    Returns
    -------
    pandas.Series
        Per ``user_id`` with an order: months (int, >= 1), the month of the first
        order and every later month of the log counted, with or without orders.

    Raises
    ------
    InputError
        For a log without the ``shop_events`` columns or without purchases.
    """
    _, first, last = _orders(log, source)
    return (last - first + 1).rename("tenure_months")


def cohort_margin_curve(log: pd.DataFrame, source: str = "events") -> pd.DataFrame:
    """Cumulative gross margin per acquired customer, by month since acquisition.

    Parameters
    ----------
    log : pandas.DataFrame
        A purchase log in the ``shop_events`` layout (``user_id``, ``date``,
        ``event``, ``revenue``, ``cogs`` in ``attrs["currency"]``, or the
        shipped ``revenue_eur``, ``cogs_eur``: :func:`shop_money`); a customer
        is acquired in the month of their first ``purchase``.

    Returns
    -------
    pandas.DataFrame
        One row per month since acquisition ``month`` (0 = the month of the first
        order): ``customers`` (acquired customers the log still covers that
        month: censored at its end) and ``cumulative_margin`` (per acquired
        customer, in the log's currency, ``attrs["currency"]``: orders of
        months 0..``month``, averaged over those customers, quiet ones included).

    Raises
    ------
    InputError
        For a log without the ``shop_events`` columns or without purchases.
    """
    orders, first, last = _orders(log, source)
    orders["k"] = orders["month"] - orders["user_id"].map(first)
    per_customer = orders.pivot_table(
        index="user_id", columns="k", values="margin", aggfunc="sum", fill_value=0.0
    )
    horizon = int(last - first.min())
    per_customer = per_customer.reindex(index=first.index, columns=range(horizon + 1)).fillna(0.0)
    cumulative = per_customer.cumsum(axis=1)
    covered = pd.DataFrame({k: (first + k) <= last for k in range(horizon + 1)}, index=first.index)
    curve = pd.DataFrame(
        {
            "month": range(horizon + 1),
            "customers": covered.sum().to_numpy(),
            "cumulative_margin": (cumulative.where(covered).mean()).to_numpy(),
        }
    )
    curve.attrs["currency"] = shop_money(log).attrs["currency"]
    return curve


def cohort_payback_month(curve: pd.DataFrame, cac: float) -> int | None:
    """First month since acquisition in which cumulative margin per customer reaches ``cac``.

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`cohort_margin_curve`.
    cac : float
        Cost to acquire one paying customer (>= 0), in the curve's currency.

    Returns
    -------
    int or None
        The month (0 = the month of the first order); None when the curve does
        not reach ``cac`` within the log.
    """
    check_number(cac, "cac", min=0)
    reached = curve.loc[curve["cumulative_margin"] >= cac, "month"]
    return int(reached.iloc[0]) if len(reached) else None
