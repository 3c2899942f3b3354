"""Every quantity shown to a person: one label, unit, currency and display format each.

:data:`QUANTITIES` is the one registry the package, the apps, the lessons and
the reports read labels from, so a figure has the same name on a card, an
axis, a slider and in a report table. Each :class:`Quantity` says how its
values are stored and shown:

- ``money``: an amount in :attr:`~Quantity.currency` (the unit names it, e.g.
  ``"EUR/month"``); its change is relative (``"+10.0 %"``);
- ``count`` and ``number``: whole things and other numbers; change relative;
- ``score``: a 0-100 score (unit ``"/100"``); change relative;
- ``share``: stored as a share 0-1, shown in percent (``"2.47 %"``); its
  change is in percentage points (``"+0.47 pp"``);
- ``percent``: stored in percent 0-100 (unit ``"%"`` or ``"% of revenue"``);
  change in percentage points;
- ``growth``: a percent change, shown with its sign (``"+12.3 %"``); change in
  percentage points;
- ``points``: a change in percentage points (``"+1.5 pp"``).

:func:`format_value` and :func:`format_change` turn numbers into that text;
:func:`labelled` heads a result frame with names and units, and :func:`formatted`
also writes every value in its column's format (a table a person reads).

Examples
--------
>>> format_value("revenue", 266_666.67)
'266,667 EUR/month'
>>> format_value("conversion", 0.0247)
'2.47 %'
>>> format_change("conversion", 0.0247, 0.02)
'+0.47 pp'
>>> format_change("revenue", 266_666.67, 240_000)
'+11.1 %'

A money quantity is shown in the currency of the data it describes: the
registry's currency is the teaching models' (EUR), and results on an analyst's
data carry theirs (``df.attrs["currency"]``; ``None`` when the mapping did not
declare one)::

>>> format_value("revenue", 266_666.67, currency="USD")
'266,667 USD/month'
>>> quantity("aov", currency=None).title
'Average order value (currency not declared)'
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from valuelab.core.errors import InputError

__all__ = [
    "KINDS",
    "QUANTITIES",
    "UNDECLARED",
    "Quantity",
    "common_currency",
    "format_change",
    "format_value",
    "formatted",
    "in_words",
    "labelled",
    "named_quantity",
    "quantity",
]

#: How a quantity is stored and shown (see the module docstring).
KINDS = ("money", "count", "number", "score", "share", "percent", "growth", "points")
#: How an amount whose currency the data did not declare is labelled.
UNDECLARED = "currency not declared"
#: ``currency=`` left out: the registered currency.
_REGISTERED = "registered"
#: Kinds whose change is a difference in percentage points: kind -> pp per stored unit.
_POINTS_PER_UNIT = {"share": 100.0, "percent": 1.0, "growth": 1.0, "points": 1.0}


@dataclass(frozen=True)
class Quantity:
    """A quantity as people see it.

    Parameters
    ----------
    label : str
        Its name on cards, axes, sliders and in tables (``"Revenue"``).
    unit : str
        The unit of the stored values (``"EUR/month"``, ``"share 0-1"``,
        ``"% of revenue"``, ``"/100"``); empty for a pure number.
    kind : str
        One of :data:`KINDS`.
    precision : int
        Decimals shown (of the percent, for a share).
    currency : str, optional
        ISO code of a ``money`` quantity (``"EUR"``, ``"USD"``), which its
        unit names; ``None`` for every other kind.

    Examples
    --------
    >>> q = Quantity("Average order value", "EUR", "money", 2, currency="EUR")
    >>> q.title, q.format(57.5)
    ('Average order value (EUR)', '57.50 EUR')
    """

    label: str
    unit: str = ""
    kind: str = "number"
    precision: int = 2
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if (self.kind == "money") != (self.currency is not None):
            raise ValueError(f"{self.label}: a currency for money and only for money")
        if self.currency is not None and self.currency not in self.unit:
            raise ValueError(f"{self.label}: the unit {self.unit!r} must name {self.currency}")

    @property
    def title(self) -> str:
        """Label and unit, for an axis, a dropdown or a slider: ``"Revenue (EUR/month)"``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def display_title(self) -> str:
        """Label and the unit values are shown in: a share reads in % (``"Discount (%)"``).

        For a slider or an axis whose numbers are formatted with :attr:`d3_format`.

        Examples
        --------
        >>> quantity("discount").display_title, quantity("aov").display_title
        ('Discount (%)', 'Average order value (EUR)')
        """
        return f"{self.label} (%)" if self.kind == "share" else self.title

    @property
    def d3_format(self) -> str:
        """The d3 format plotly uses to show a value like :meth:`format` (no unit, never ``e+``).

        Examples
        --------
        >>> quantity("conversion").d3_format, quantity("revenue").d3_format
        ('.2%', ',.0f')
        """
        if self.kind == "share":
            return f".{self.precision}%"
        sign = "+" if self.kind in ("growth", "points") else ""
        return f"{sign},.{self.precision}f"

    def hover(self, axis: str = "y") -> str:
        """A plotly hover fragment showing ``axis``'s value with its unit (``"%{y:,.0f} EUR"``).

        Examples
        --------
        >>> quantity("aov").hover("x")
        '%{x:,.2f} EUR'
        """
        text = f"%{{{axis}:{self.d3_format}}}"
        if self.kind in ("share", "growth"):
            return text if self.kind == "share" else f"{text} %"
        if self.kind == "points":
            return f"{text} pp"
        return f"{text} {self.unit}" if self.unit else text

    def in_currency(self, currency: str | None) -> Quantity:
        """The same money quantity in ``currency`` (ISO 4217; ``None``: not declared).

        The unit's currency code is replaced (``"EUR/month"`` -> ``"USD/month"``);
        with no currency the unit says so (``"per month, currency not declared"``).
        Any other kind is returned as it is.

        Examples
        --------
        >>> QUANTITIES["revenue"].in_currency("USD").title
        'Revenue (USD/month)'
        >>> QUANTITIES["revenue"].in_currency(None).format(1500)
        '1,500 per month, currency not declared'
        """
        if self.kind != "money" or currency == self.currency:
            return self
        if currency is None:
            rest = self.unit.replace(self.currency or "", "", 1).strip()
            rest = {"m": "million", "bn": "billion"}.get(rest, rest)
            rest = "per " + rest[1:] if rest.startswith("/") else rest
            unit = f"{rest}, {UNDECLARED}" if rest else UNDECLARED
            return dataclasses.replace(self, unit=unit, currency=UNDECLARED)
        code = str(currency).upper()
        return dataclasses.replace(
            self, unit=self.unit.replace(self.currency, code, 1), currency=code
        )

    def relabel(self, label: str) -> Quantity:
        """The same quantity under another label (``"Revenue in 2024"``)."""
        return dataclasses.replace(self, label=label)

    def number(self, value: float | None, signed: bool = False) -> str:
        """``value`` as a number in the unit of :attr:`display_title`, without the unit.

        For a table whose heading carries the unit: a share in percent, every
        kind with its precision and thousands separators, never ``e+``; ``"–"``
        for None or NaN.

        Examples
        --------
        >>> quantity("conversion").number(0.0247), quantity("revenue").number(266_666.67)
        ('2.47', '266,667')
        """
        if value is None or value != value:
            return "–"
        sign = "+" if signed or self.kind in ("growth", "points") else ""
        shown = value * 100 if self.kind == "share" else value
        return f"{shown:{sign},.{self.precision}f}"

    def format(self, value: float | None, signed: bool = False) -> str:
        """``value`` as text with its unit; ``"–"`` for None or NaN."""
        text = self.number(value, signed)
        if text == "–":
            return text
        if self.kind in ("share", "growth"):
            return f"{text} %"
        if self.kind == "points":
            return f"{text} pp"
        return f"{text} {self.unit}" if self.unit else text

    def change(self, value: float, base: float) -> tuple[float, Quantity]:
        """The change from ``base`` to ``value`` and the quantity that shows it.

        Shares, percents and growth rates change in percentage points; other
        quantities in percent of ``base``, or in their own unit when ``base``
        is 0 or negative or the sign flips (a relative change across zero
        means nothing: -0.59 from 0.64 is not "-192 %").

        Examples
        --------
        >>> QUANTITIES["gross_margin_pct"].change(30.0, 25.0)[0]
        5.0
        >>> QUANTITIES["orders"].change(110.0, 100.0)[1].label
        'Change'
        """
        diff = value - base
        if self.kind in _POINTS_PER_UNIT:
            shown = dataclasses.replace(QUANTITIES["change_pp"], precision=self.precision)
            return diff * _POINTS_PER_UNIT[self.kind], shown
        if base <= 0 or value < 0:
            return diff, self
        return diff / abs(base) * 100, QUANTITIES["change_pct"]

    def format_change(self, value: float, base: float) -> str:
        """The change from ``base`` to ``value`` as text (``"+10.0 %"``, ``"+1.5 pp"``)."""
        diff, shown = self.change(value, base)
        return shown.format(diff, signed=True)


def _money(label: str, unit: str, precision: int) -> Quantity:
    return Quantity(label, unit, "money", precision, currency=unit.split()[0].split("/")[0])


#: Key (the column, result or input name) -> :class:`Quantity`.
QUANTITIES: dict[str, Quantity] = {
    # Spotify's annual figures (spotify_annual; lessons 00 and 02)
    "total_revenue_eur_m": _money("Total revenue", "EUR m", 0),
    "premium_revenue_eur_m": _money("Premium revenue", "EUR m", 0),
    "ad_revenue_eur_m": _money("Ad-supported revenue", "EUR m", 0),
    "gross_profit_eur_m": _money("Gross profit", "EUR m", 0),
    "operating_income_eur_m": _money("Operating income", "EUR m", 0),
    "premium_subs_m": Quantity("Premium subscribers", "million", "count", 0),
    "mau_m": Quantity("Monthly active users", "million", "count", 0),
    "ad_mau_m": Quantity("Ad-supported monthly active users", "million", "count", 0),
    "royalties_paid_usd_bn": _money("Royalties paid in the year", "USD bn", 1),
    "royalties_paid_eur_bn": _money("Royalties paid in the year", "EUR bn", 1),
    "cumulative_royalties_usd_bn": _money("Royalties paid since launch", "USD bn", 0),
    "cumulative_royalties_eur_bn": _money("Royalties paid since launch", "EUR bn", 0),
    "premium_arpu_eur_month": _money("Premium ARPU", "EUR/month", 2),
    "gross_margin_pct": Quantity("Gross margin", "% of revenue", "percent", 1),
    # changes over time
    "change_pct": Quantity("Change", "%", "growth", 1),
    "change_pp": Quantity("Change", "pp", "points", 1),
    "cagr_pct": Quantity("Growth a year (CAGR)", "%", "growth", 1),
    # an artist's income (the royalty calculator, lesson 02)
    "artist_income_per_stream": _money("Artist income per stream", "USD", 5),
    "artist_income_month": _money("Artist income per month", "USD", 2),
    "streams_needed_month": Quantity("Streams a month for the target", "streams", "count", 0),
    "monthly_streams": Quantity("Monthly streams", "streams/month", "count", 0),
    "target_income": _money("Target income", "USD/month", 0),
    "rate_per_stream": _money("Rate per stream, recording side", "USD", 4),
    "tracks": Quantity("Tracks", "tracks", "count", 0),
    # the shop funnel's KPIs (lesson 03)
    "conversion": Quantity("Conversion rate", "share 0-1", "share", 2),
    "orders": Quantity("Orders", "orders/month", "count", 0),
    "aov": _money("Average order value", "EUR", 2),
    "revenue": _money("Revenue", "EUR/month", 0),
    "gross_margin": _money("Gross profit", "EUR/month", 0),
    "contribution": _money("Contribution", "EUR/month", 0),
    "contribution_margin_pct": Quantity("Contribution margin", "% of revenue", "percent", 1),
    "margin_per_order": _money("Contribution per order", "EUR", 2),
    # the shop funnel's inputs
    "traffic": Quantity("Traffic", "visitors/month", "count", 0),
    "base_conversion": Quantity("Base conversion", "share 0-1", "share", 1),
    "price_elasticity": Quantity("Price elasticity of conversion", "", "number", 1),
    "list_price": _money("List price", "EUR/item", 2),
    "discount": Quantity("Discount", "share 0-1", "share", 0),
    "basket_size": Quantity("Basket size", "items/order", "number", 1),
    "unit_cost": _money("Unit cost", "EUR/item", 2),
    "cost_per_order": _money("Cost per order", "EUR", 2),
    # the value scores (lesson 05)
    "score": Quantity("Score", "/100", "score", 0),
    "rbo": Quantity("Realized Business Outcome", "/100", "score", 0),
    "value_perceived": Quantity("Value Perceived", "/100", "score", 0),
    "value_expansion": Quantity("Value Expansion", "/100", "score", 0),
    "value_unknown": Quantity("Value Unknown", "/100", "score", 0),
    "value_realized": Quantity("Value Realized", "/100", "score", 0),
    "confidence": Quantity("Confidence", "share 0-1", "share", 0),
    "goal_attainment": Quantity("Goal attainment", "share 0-1", "share", 0),
    "health_score": Quantity("Health score", "/100", "score", 0),
    "nps_answer": Quantity("Likelihood to recommend (NPS answer)", "0-10", "number", 0),
    # the shipped driver trees' nodes a template does not name (datasets/*_value_drivers.yaml)
    "gmv": _money("Gross merchandise value", "EUR m/month", 2),
    "mau": Quantity("Monthly active users", "million users", "count", 1),
    "other_cost_share": Quantity("Other cost of revenue", "share 0-1", "share", 1),
    # the apps' own settings
    "tornado_swing": Quantity("Swing of each input in the tornado", "share 0-1", "share", 0),
    "fan_intensity": Quantity("Fans' listening", "x the average listener", "number", 2),
    "fan_payment": Quantity("Fans' payment", "x the average listener", "number", 2),
    # an account's money (lesson 05; in the accounts' declared currency, EUR in the sample)
    "arr": _money("ARR", "EUR/year", 0),
    # an account's and a portfolio's words and counts (lesson 05's portfolio and reports)
    "account_id": Quantity("Account"),
    "band": Quantity("Band"),
    "goal_status": Quantity("Goal status"),
    "impact_area": Quantity("Area of impact"),
    "accounts": Quantity("Accounts", "accounts", "count", 0),
    "arr_pct": Quantity("Share of the ARR", "% of ARR", "percent", 1),
    "at_risk_pct": Quantity("Accounts at churn risk", "% of accounts", "percent", 1),
    # the product KPI table's columns per period (valuelab.kpis.events.table.COLUMNS maps each
    # column to its key here; its money in the event log's currency, EUR in the shipped sample).
    # Its money columns are keyed "period_*": "revenue" and "gross_margin" above are the shop
    # funnel's (EUR/month; gross profit in EUR), while the table's are per period of any length
    # and its gross margin a share 0-1 - same column names, other quantities.
    "segment": Quantity("Segment"),
    "active_users": Quantity("Active users in the period", "users", "count", 0),
    "dau": Quantity("Daily active users (average)", "users", "count", 1),
    "stickiness": Quantity("Stickiness DAU/MAU", "share 0-1", "share", 1),
    "retention_rate": Quantity("Retention rate (active again)", "share 0-1", "share", 1),
    "ttv_users": Quantity("Users who started", "users", "count", 0),
    "ttv_reached_share": Quantity("Reached value", "share 0-1", "share", 1),
    "ttv_median_days": Quantity("Time to value (median)", "days", "number", 1),
    "nps": Quantity("Net Promoter Score (-100 to 100)", "", "number", 0),
    "nps_answers": Quantity("NPS answers", "answers", "count", 0),
    "period_revenue": _money("Revenue", "EUR", 0),
    "period_cost": _money("Cost", "EUR", 0),
    "period_refunds": _money("Refunds kept apart (negative)", "EUR", 0),
    "period_net_revenue": _money("Net revenue (revenue + refunds)", "EUR", 0),
    "customers": Quantity("Paying customers", "customers", "count", 0),
    "period_gross_margin": Quantity("Gross margin", "share 0-1", "share", 1),
    "margin_per_customer": _money("Margin per customer", "EUR per customer", 2),
    "ltv_customers": Quantity("Customers acquired", "customers", "count", 0),
    "ltv_to_date": _money("Lifetime value to date", "EUR per customer", 2),
    "period_complete": Quantity("The log covers the whole period"),
}

#: Currencies a unit may start with (``"EUR m/month"`` is money in EUR).
_CURRENCY = re.compile(r"^(EUR|USD|GBP|SEK)\b")


_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def in_words(text: str) -> str:
    """``text`` with every registered key in it replaced by its quantity's label.

    For text written for analysts (a dataset's basis column) shown to a person.

    Examples
    --------
    >>> in_words("estimated input(s): gross_profit_eur_m, not_a_key")
    'estimated input(s): Gross profit, not_a_key'
    """
    return _KEY.sub(lambda m: QUANTITIES[m[0]].label if m[0] in QUANTITIES else m[0], text)


def _words(key: str) -> str:
    """A key as words: ``"free_users"`` -> ``"Free users"``."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _precision(typical: float | None) -> int:
    """Decimals for a number near ``typical``: three significant digits, at most two decimals."""
    if typical is None or typical != typical or typical == 0:
        return 1
    return max(0, min(2, 2 - math.floor(math.log10(abs(typical)))))


def named_quantity(
    key: str, unit: str | None = None, typical: float | None = None, label: str | None = None
) -> Quantity:
    """The quantity of a named value that brings its own unit (a driver tree's node or input).

    The registered quantity ``key`` when its unit is ``unit`` (or ``unit`` is None); else a
    quantity in ``unit`` named by the registry (the same name everywhere),
    else by ``label`` (a template's own name), else by ``key`` in words. A
    unit of ``"share 0-1"`` is a share (shown in %), a unit starting with a
    currency (``"EUR m/month"``) is money; the precision gives about three
    significant digits of ``typical`` (a default value), so a card and a
    chart showing the same node read alike.

    Examples
    --------
    >>> named_quantity("revenue", "EUR m/month", typical=1306.4).format(1306.4)
    '1,306 EUR m/month'
    >>> named_quantity("operating_profit", "EUR m/month", typical=0.64).title
    'Operating profit (EUR m/month)'
    >>> named_quantity("fill_rate", "share 0-1", label="Fill rate").format(0.62)
    '62.0 %'
    """
    known = QUANTITIES.get(key)
    if known is not None and unit in (None, known.unit):
        return known
    unit = unit or ""
    name = known.label if known is not None else (label or _words(key))
    if unit == "share 0-1":
        return Quantity(name, unit, "share", 1)
    found = _CURRENCY.match(unit)
    kind, currency = ("money", found.group(1)) if found else ("number", None)
    return Quantity(name, unit, kind, _precision(typical), currency=currency)


#: A key's unit suffix -> the unit it names (``"diff_pct"`` -> ``"Diff (%)"``).
_SUFFIXES = {
    "_pct": "%",
    "_pp": "pp",
    "_eur": "EUR",
    "_eur_m": "EUR m",
    "_eur_bn": "EUR bn",
    "_usd": "USD",
    "_usd_bn": "USD bn",
    "_days": "days",
    "_months": "months",
}


def _heading(key: Any, known: Mapping[str, Quantity | str], currency: str | None) -> Any:
    """The heading of a frame's column or row ``key``: its quantity's title, else words."""
    if not isinstance(key, str):
        return key
    if isinstance(known.get(key), str) and known[key] not in QUANTITIES:
        return known[key]  # a heading in words, e.g. {"node": "Figure"}
    if key in known or key in QUANTITIES:
        return quantity(known.get(key, key), currency).title
    if not _KEY.fullmatch(key):
        return key
    for suffix, unit in sorted(_SUFFIXES.items(), key=lambda item: -len(item[0])):
        if key.endswith(suffix) and len(key) > len(suffix):
            return f"{_words(key[: -len(suffix)])} ({unit})"
    return _words(key)


def _capital(heading: Any) -> Any:
    """A one-word lower-case heading with a capital ("tier" -> "Tier"), so it reads as the rest."""
    if isinstance(heading, str) and len(heading) > 1 and heading.isalpha() and heading.islower():
        return heading.capitalize()
    return heading


def _worded(value: Any, words: Mapping[str, str]) -> Any:
    """A cell's key (or comma-separated keys) in words; anything else as it is."""
    if not isinstance(value, str):
        return value
    if value in words:
        return words[value]
    parts = value.split(", ")
    return ", ".join(words.get(p, p) for p in parts) if len(parts) > 1 else value


def _word_values(frame: Any, values: Mapping[str, Mapping[str, str]]) -> Any:
    """``frame`` with the keys in the named columns (or a Series' own values) in words."""
    if not hasattr(frame, "columns"):
        words = values.get(frame.name, {}) if frame.name is not None else {}
        return frame.map(lambda v: _worded(v, words)) if words else frame
    cols = {c: w for c, w in values.items() if c in frame.columns}
    return frame.assign(**{c: frame[c].map(lambda v, w=w: _worded(v, w)) for c, w in cols.items()})


def labelled(
    frame: Any,
    quantities: Mapping[str, Quantity | str] | None = None,
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> Any:
    """A copy of a result ``frame`` to show a person: keys in its headings become words.

    Every column, row label and axis name that is a key becomes its quantity's
    :attr:`~Quantity.title` (label and the unit the values are stored in): the
    quantity named for it in ``quantities``, else in ``frame.attrs["quantities"]``
    (a result's own column -> key map, e.g. the KPI table's), else the
    registered one; money in ``frame.attrs["currency"]`` when the result carries
    one (an analyst's data); a plain text that is no registry key is the heading
    itself (``{"node": "Figure"}``). Any other ``snake_case`` key is written in
    words, a unit suffix as its unit (``"delta_pct"`` -> ``"Delta (%)"``). Values
    are untouched, except keys in a column named in ``values`` (or in
    ``frame.attrs["values"]``, where a result names its own, e.g. payout rules),
    which become their words; a cell listing keys ("a, b") lists their words.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        A result whose headings are keys.
    quantities : mapping of str to Quantity or str, optional
        Key -> its quantity (or registry key), for keys whose unit is not the
        registered one: a driver tree's nodes (:meth:`DriverTree.quantities`).
    values : mapping of str to mapping, optional
        Column -> {key: words} for columns whose cells hold keys, e.g.
        ``{"rule": {"pro_rata": "Pro-rata"}}``.

    Returns
    -------
    WholeFrame or pandas.Series
        The same values under human headings; keys stay in code, words in what is shown.
        A frame is a :class:`~valuelab.core.display.WholeFrame`: shown whole, no cell cut.

    Examples
    --------
    >>> import pandas as pd
    >>> shown = labelled(pd.DataFrame({"aov": [57.5], "delta_pct": [2.0]}, index=["shop"]))
    >>> list(shown.columns)
    ['Average order value (EUR)', 'Delta (%)']
    """
    known = {**frame.attrs.get("quantities", {}), **(quantities or {})}
    frame = _word_values(frame, {**frame.attrs.get("values", {}), **(values or {})})
    currency = frame.attrs.get("currency", _REGISTERED)
    return _relabel(frame, lambda key: _heading(key, known, currency))


def _relabel(frame: Any, head: Any) -> Any:
    """A copy of ``frame`` whose column, row and axis names went through ``head``, shown whole."""
    title = lambda key: _capital(head(key))  # noqa: E731 - a heading starts with a capital
    worded = frame.index.nlevels > 1 or frame.index.inferred_type in ("string", "mixed")
    out = frame.rename(index=head) if worded else frame.copy()  # dates keep their frequency
    out.index = out.index.set_names([title(n) for n in out.index.names])
    if hasattr(out, "columns"):
        out = out.rename(columns=title)
        out.columns = out.columns.set_names([title(n) for n in out.columns.names])
    else:
        out.name = title(out.name)
    return _whole(out)


def _whole(out: Any) -> Any:
    """A frame as a :class:`~valuelab.core.display.WholeFrame` (its attrs kept); a Series as is."""
    if not hasattr(out, "columns"):
        return out
    from valuelab.core.display import WholeFrame  # pandas: loaded with the frame, not before

    whole = WholeFrame(out)
    whole.attrs.update(out.attrs)
    return whole


def _known(key: Any, known: Mapping[str, Quantity | str], currency: str | None) -> Any:
    """The quantity named for ``key`` (in ``known``, else registered); None for any other key.

    A heading in words (``{"node": "Figure"}``, no registry key) names no quantity.
    """
    if not isinstance(key, str) or not (key in known or key in QUANTITIES):
        return None
    named = known.get(key, key)
    if isinstance(named, str) and named not in QUANTITIES:
        return None
    return quantity(named, currency)


def _display_heading(key: Any, known: Mapping[str, Quantity | str], currency: str | None) -> Any:
    """A heading whose unit is the one :meth:`Quantity.number` shows (a share in %)."""
    found = _known(key, known, currency)
    return found.display_title if found is not None else _heading(key, known, currency)


def _number_format(key: Any, values: Any) -> Quantity | None:
    """How to show a numeric column no quantity is named for: three significant digits."""
    if values.dtype.kind not in "iuf":
        return None
    if values.dtype.kind in "iu":
        return Quantity("Number", precision=0)
    present = values.abs().dropna()
    return Quantity("Number", precision=_precision(float(present.median()) if len(present) else 0))


_INTS = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}


def _cell(value: Any, shown: Quantity | None) -> str:
    """One table cell as text: a number by ``shown``, a truth as yes/no, missing as "–"."""
    import pandas as pd

    if pd.api.types.is_scalar(value) and pd.isna(value):
        return "–"
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
    if shown is None and (isinstance(value, int) or str(getattr(value, "dtype", "")) in _INTS):
        return f"{value:,}"
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        return (shown or Quantity("Number", precision=_precision(float(value)))).number(value)
    return str(value)


def formatted(
    frame: Any, quantities: Mapping[str, Quantity | str] | None = None, by_row: Any = ()
) -> Any:
    """A result ``frame`` as a table for a person: words for keys, every value as text.

    The headings are :func:`labelled`'s, with the unit the values are shown in
    (a share in %: :attr:`Quantity.display_title`); each cell is its column's
    quantity's :meth:`Quantity.number` (counts whole, money with its
    precision in ``frame.attrs["currency"]``, shares in percent), a column no
    quantity is named for with about three significant digits; a truth reads
    yes/no, a missing value "–". Text is kept as it is (pandas escapes it in HTML),
    except keys in the columns ``frame.attrs["values"]`` names, which become their
    words as in :func:`labelled`.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        A result whose headings are keys.
    quantities : mapping of str to Quantity or str, optional
        Key -> its quantity (or registry key), as for :func:`labelled`.
    by_row : sequence of str
        Columns whose rows differ in unit (a tree's inputs: plan and actual):
        each cell takes its row's quantity, whose unit is in the row's heading.

    Returns
    -------
    pandas.DataFrame
        Text only, for display; compute on ``frame``.

    Examples
    --------
    >>> import pandas as pd
    >>> shown = formatted(pd.DataFrame({"conversion": [0.0247, None], "orders": [4938.3, 12]}))
    >>> shown.to_dict("list")
    {'Conversion rate (%)': ['2.47', '–'], 'Orders (orders/month)': ['4,938', '12']}
    """
    table = frame if hasattr(frame, "columns") else frame.to_frame()
    table = _word_values(table, table.attrs.get("values", {}))
    known = {**table.attrs.get("quantities", {}), **(quantities or {})}
    currency = table.attrs.get("currency", _REGISTERED)
    out = table.astype(object)
    rows = [_known(key, known, currency) for key in table.index]
    for i, key in enumerate(table.columns):
        values = table.iloc[:, i]
        column = _known(key, known, currency) or _number_format(key, values)
        shown = rows if key in by_row else [column] * len(values)
        out.iloc[:, i] = [_cell(v, q or column) for v, q in zip(values, shown, strict=True)]
    return _relabel(out, lambda key: _display_heading(key, known, currency))


def quantity(key: str | Quantity, currency: str | None = _REGISTERED) -> Quantity:
    """The registered quantity ``key`` (a :class:`Quantity` is returned as is).

    ``currency`` (ISO 4217, or ``None`` for not declared) shows a money
    quantity in that currency (:meth:`Quantity.in_currency`); left out, the
    registered one.

    Raises
    ------
    InputError
        For a key that is not in :data:`QUANTITIES`.

    Examples
    --------
    >>> quantity("aov").title
    'Average order value (EUR)'
    """
    if isinstance(key, Quantity):
        found = key
    elif key not in QUANTITIES:
        raise InputError(
            f"unknown quantity '{key}'", source="quantity", expected="a key of QUANTITIES"
        )
    else:
        found = QUANTITIES[key]
    return found if currency == _REGISTERED else found.in_currency(currency)


def format_value(
    key: str | Quantity, value: float | None, currency: str | None = _REGISTERED
) -> str:
    """``value`` of the quantity ``key`` as text with its unit and precision.

    ``currency``: as :func:`quantity` takes it (money in the data's currency).

    Examples
    --------
    >>> format_value("premium_arpu_eur_month", 4.69), format_value("rbo", None)
    ('4.69 EUR/month', '–')
    """
    return quantity(key, currency).format(value)


def format_change(key: str | Quantity, value: float, base: float) -> str:
    """The change of the quantity ``key`` from ``base`` to ``value`` as text.

    A share, a percent or a growth rate changes in percentage points; any
    other quantity in percent of ``base``, in its own unit when ``base`` is 0
    or negative or the change crosses zero.

    Examples
    --------
    >>> format_change("gross_margin_pct", 30.1, 25.7)
    '+4.4 pp'
    >>> format_change("contribution", 56_250, 84_000), format_change("orders", 5, 0)
    ('-33.0 %', '+5 orders/month')
    """
    return quantity(key).format_change(value, base)


def common_currency(*items: object) -> str | None:
    """The one currency of several amounts' sources; refused when they differ.

    Parameters
    ----------
    *items : str, None, or an object with ``attrs["currency"]`` or ``.currency``
        ISO 4217 codes (``None``: not declared), DataFrames or sources.

    Returns
    -------
    str or None
        The common code (``None``: none declared anywhere).

    Raises
    ------
    InputError
        Two currencies, or a declared and an undeclared one, naming both.

    Examples
    --------
    >>> common_currency("EUR", "eur")
    'EUR'
    >>> try:
    ...     common_currency("EUR", "USD")
    ... except InputError as err:
    ...     print(err.problem)
    amounts in EUR and USD cannot be added
    """
    found = []
    for item in items:
        if hasattr(item, "attrs"):
            item = item.attrs.get("currency")
        elif hasattr(item, "currency"):
            item = item.currency
        found.append(None if item is None else str(item).upper())
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1:
        names = " and ".join(UNDECLARED if c is None else c for c in distinct)
        raise InputError(
            f"amounts in {names} cannot be added",
            source="currency",
            expected="one currency: convert first, at a stated rate",
        )
    return distinct[0] if distinct else None
