"""The one registry of quantities shown to people, and how values and changes read."""

import importlib
import math

import pytest

from valuelab.core import QUANTITIES, InputError, Quantity, format_change, format_value, quantity
from valuelab.core.quantities import KINDS


def test_every_quantity_is_well_formed():
    for key, q in QUANTITIES.items():
        assert q.kind in KINDS, key
        assert q.label and q.label[0].isupper(), key
        assert 0 <= q.precision <= 6, key
        if q.kind == "money":
            assert q.currency in ("EUR", "USD") and q.unit.startswith(q.currency), key
        else:
            assert q.currency is None, key
        if q.kind == "share":
            assert q.unit == "share 0-1", key
        if q.kind == "percent":
            assert q.unit.startswith("%"), key


def test_one_name_per_quantity():
    """Two quantities never read the same: label and unit together are unique."""
    titles = [q.title for q in QUANTITIES.values()]
    assert len(titles) == len(set(titles))


def test_a_quantity_refuses_a_currency_it_does_not_name_or_an_unknown_kind():
    with pytest.raises(ValueError, match="must name USD"):
        Quantity("Revenue", "EUR", "money", 0, currency="USD")
    with pytest.raises(ValueError, match="money and only for money"):
        Quantity("Orders", "orders", "count", 0, currency="EUR")
    with pytest.raises(ValueError, match="kind must be one of"):
        Quantity("Revenue", "EUR", "cash", 0)


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("revenue", 266_666.67, "266,667 EUR/month"),
        ("aov", 57.5, "57.50 EUR"),
        ("artist_income_per_stream", 0.000559, "0.00056 USD"),
        ("total_revenue_eur_m", 15_673.0, "15,673 EUR m"),
        ("conversion", 0.0247, "2.47 %"),
        ("confidence", 0.8, "80 %"),
        ("gross_margin_pct", 30.09, "30.1 % of revenue"),
        ("orders", 4938.27, "4,938 orders/month"),
        ("rbo", 64.6, "65 /100"),
        ("change_pct", 12.34, "+12.3 %"),
        ("change_pct", -3.0, "-3.0 %"),
        ("change_pp", 1.25, "+1.2 pp"),
        ("price_elasticity", -2.0, "-2.0"),
        ("revenue", None, "–"),
        ("revenue", math.nan, "–"),
    ],
)
def test_values_read_with_their_unit_and_precision(key, value, text):
    assert format_value(key, value) == text


@pytest.mark.parametrize(
    ("key", "value", "base", "text"),
    [
        ("conversion", 0.0247, 0.02, "+0.47 pp"),  # a share: percentage points
        ("gross_margin_pct", 25.0, 30.1, "-5.1 pp"),  # a percent: percentage points
        ("cagr_pct", 12.0, 10.0, "+2.0 pp"),  # a growth rate: percentage points
        ("contribution", 56_250, 84_000, "-33.0 %"),  # money: percent of the base
        ("orders", 110, 100, "+10.0 %"),
        ("orders", 5, 0, "+5 orders/month"),  # no base to divide by: its own unit
        ("revenue", 100, 100, "+0.0 %"),
        # across zero a relative change means nothing: the change in the unit
        ("contribution", -590, 640, "-1,230 EUR/month"),
        ("contribution", 300, -200, "+500 EUR/month"),  # negative base
        ("contribution", -300, -200, "-100 EUR/month"),
        ("operating_income_eur_m", -12, 40, "-52 EUR m"),
    ],
)
def test_a_change_of_a_share_is_in_points_others_in_percent(key, value, base, text):
    assert format_change(key, value, base) == text


def test_change_returns_the_number_and_how_to_show_it():
    diff, shown = quantity("conversion").change(0.03, 0.02)
    assert diff == pytest.approx(1.0) and shown.unit == "pp" and shown.precision == 2
    diff, shown = quantity("revenue").change(110.0, 100.0)
    assert diff == pytest.approx(10.0) and shown is QUANTITIES["change_pct"]


def test_lookup_relabel_and_title():
    assert quantity("aov").title == "Average order value (EUR)"
    assert quantity("price_elasticity").title == "Price elasticity of conversion"
    q = quantity("revenue").relabel("Revenue in 2024")
    assert q.label == "Revenue in 2024" and q.unit == "EUR/month"
    assert QUANTITIES["revenue"].label == "Revenue", "relabel makes a copy"
    assert quantity(q) is q
    with pytest.raises(InputError, match="unknown quantity 'revenu'"):
        quantity("revenu")


def test_what_people_see_is_registered():
    """KPIs, Spotify's metrics, the scorecard, the funnel sliders and every app card."""
    from valuelab.kpis import KPIS
    from valuelab.royalties import ANNUAL_METRICS
    from valuelab.scoring import SCORECARD

    assert set(KPIS) | set(ANNUAL_METRICS) | set(SCORECARD) <= set(QUANTITIES)
    explorer = importlib.import_module("valuelab.apps.kpi_tradeoff_explorer")
    calculator = importlib.import_module("valuelab.apps.royalty_calculator")
    assert set(explorer.SLIDERS) | set(explorer.CARDS) <= set(QUANTITIES)
    assert set(calculator.CARDS.values()) <= set(QUANTITIES)


def test_kpi_axis_titles_come_from_the_registry():
    from valuelab.kpis import funnel, tradeoff
    from valuelab.plots import tradeoff_chart

    fig = tradeoff_chart(tradeoff(funnel()), "conversion", "contribution")
    assert fig.layout.yaxis.title.text == quantity("conversion").display_title  # in %
    assert fig.layout.yaxis2.title.text == "Contribution (EUR/month)"


def test_a_gross_margin_change_reads_in_percentage_points():
    """The Spotify year report's 2023 -> 2024 row: 25.6 % -> 30.1 % is +4.5 pp, not +17.6 %."""
    from valuelab.data import datasets

    assert QUANTITIES["gross_margin_pct"].kind == "percent"
    assert format_change("gross_margin_pct", 30.1, 25.6) == "+4.5 pp"
    assert (30.1 / 25.6 - 1) * 100 == pytest.approx(17.58, abs=0.01)  # the relative % it is not
    columns = set(datasets.info("spotify_annual").dtypes) - {"year"}
    assert columns <= set(QUANTITIES), "every Spotify figure has a label and a unit"
    assert QUANTITIES["royalties_paid_usd_bn"].currency == "USD"
    assert QUANTITIES["royalties_paid_eur_bn"].currency == "EUR"


def test_a_named_value_takes_the_registry_name_and_its_own_unit():
    from valuelab.core.quantities import named_quantity

    # registered with this unit: the entry itself
    assert named_quantity("revenue", "EUR/month") is QUANTITIES["revenue"]
    assert named_quantity("revenue") is QUANTITIES["revenue"]
    # registered in another unit (a driver tree's EUR m/month): the name, the tree's unit
    spotify = named_quantity("revenue", "EUR m/month", typical=1324.7)
    assert (spotify.title, spotify.kind, spotify.currency) == (
        "Revenue (EUR m/month)",
        "money",
        "EUR",
    )
    assert spotify.format(1324.7) == "1,325 EUR m/month"  # three significant digits
    small = named_quantity("operating_profit", "EUR m/month", typical=0.64)
    assert small.format(0.6396) == "0.64 EUR m/month"  # not 0.6
    assert named_quantity("fill_rate", "share 0-1", label="Fill rate").format(0.62) == "62.0 %"
    assert named_quantity("free_users", "million", typical=389.0).title == "Free users (million)"
    assert named_quantity("x", "users", typical=12_000).format(12_000) == "12,000 users"


def test_plotly_formats_and_hover_text_follow_the_quantity():
    assert quantity("discount").d3_format == ".0%" and quantity("aov").d3_format == ",.2f"
    assert quantity("change_pp").d3_format == "+,.1f"
    assert quantity("conversion").hover() == "%{y:.2%}"
    assert quantity("revenue").hover("x") == "%{x:,.0f} EUR/month"
    assert quantity("change_pp").hover() == "%{y:+,.1f} pp"
    assert quantity("cagr_pct").hover() == "%{y:+,.1f} %"
    assert quantity("discount").display_title == "Discount (%)"
    assert quantity("orders").display_title == "Orders (orders/month)"
    # python's format writes what d3 writes for these: 12,000 never 1.2e+04
    assert format(12_000.0, quantity("revenue").d3_format) == "12,000"
    assert format(0.0391, quantity("base_conversion").d3_format) == "3.9%"


def test_registered_keys_in_a_text_become_names():
    from valuelab.core.quantities import in_words

    basis = "gross_profit_eur_m / total_revenue_eur_m * 100; see not_registered"
    assert in_words(basis) == "Gross profit / Total revenue * 100; see not_registered"


def test_money_is_shown_in_the_datas_currency():
    from valuelab.core import common_currency
    from valuelab.core.quantities import UNDECLARED

    assert format_value("revenue", 266_666.67, currency="usd") == "266,667 USD/month"
    assert quantity("arr", currency="USD").title == "ARR (USD/year)"
    assert quantity("arr").title == "ARR (EUR/year)"  # the registry's: the sample's currency
    assert format_value("premium_revenue_eur_m", 1234, currency="EUR") == "1,234 EUR m"
    bare = quantity("arr", currency=None)
    assert bare.title == "ARR (per year, currency not declared)" and "EUR" not in bare.title
    assert bare.currency == UNDECLARED
    assert format_value("aov", 57.5, currency=None) == "57.50 currency not declared"
    assert quantity("total_revenue_eur_m", currency=None).title == (
        "Total revenue (million, currency not declared)"
    )
    assert format_value("conversion", 0.0247, currency="USD") == "2.47 %"  # not money: as is
    assert common_currency("USD", "usd") == "USD"
    assert common_currency() is None and common_currency(None, None) is None
    with pytest.raises(InputError, match="amounts in EUR and USD cannot be added"):
        common_currency("EUR", "USD")
    with pytest.raises(InputError, match="USD and currency not declared"):
        common_currency("USD", None)


def test_labelled_heads_a_result_with_names_and_units_and_keeps_its_values():
    import pandas as pd

    from valuelab.core import labelled

    frame = pd.DataFrame(
        {"aov": [57.5, 60.0], "delta_pct": [2.0, -1.0], "conversion": [0.02, 0.03], "n": [1, 2]},
        index=pd.Index(["premium_share", "x"], name="input"),
    )
    frame.columns.name = "measure_name"
    shown = labelled(frame)
    assert list(shown.columns) == [
        "Average order value (EUR)",  # registered: label and unit
        "Delta (%)",  # a unit suffix read as its unit
        "Conversion rate (share 0-1)",  # the unit values are stored in
        "n",  # not a key: as it is
    ]
    assert list(shown.index) == ["Premium share", "x"] and shown.columns.name == "Measure name"
    assert shown.index.name == "Input" and (shown.to_numpy() == frame.to_numpy()).all()
    assert list(frame.columns) == ["aov", "delta_pct", "conversion", "n"]  # a copy
    # a tree node in its own unit, named by the caller; a result's own map and currency
    tree_revenue = Quantity("Revenue", "EUR m/month", "money", 1, currency="EUR")
    assert labelled(frame[["aov"]], {"aov": tree_revenue}).columns[0] == "Revenue (EUR m/month)"
    own = frame[["aov"]].copy()
    own.attrs = {"quantities": {"aov": "margin_per_order"}, "currency": "USD"}
    assert labelled(own).columns[0] == "Contribution per order (USD)"
    series = pd.Series([0.5], index=["rbo"], name="value_realized")
    assert labelled(series).name == "Value Realized (/100)"
    assert list(labelled(series).index) == ["Realized Business Outcome (/100)"]
    dates = pd.DataFrame({"dau": [1.0]}, index=pd.date_range("2024-01-01", periods=1, freq="MS"))
    assert labelled(dates).index.freq == dates.index.freq  # dates are not renamed


def test_a_number_reads_in_the_unit_of_the_display_title_without_it():
    assert quantity("conversion").number(0.0247) == "2.47"  # a share in %: "Conversion rate (%)"
    assert quantity("revenue").number(1.2e12) == "1,200,000,000,000"  # never 1.2e+12
    assert quantity("change_pp").number(1.25) == "+1.2" and quantity("orders").number(None) == "–"
    assert quantity("aov").number(57.5, signed=True) == "+57.50"
    assert format_value("conversion", 0.0247) == "2.47 %"  # format: the number and its unit


def test_formatted_shows_each_column_in_its_quantitys_format():
    import pandas as pd

    from valuelab.core import formatted

    frame = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "arr": [1_234_567.891, 2.5e9, None],  # money, precision 0, in the frame's currency
            "conversion": [0.02471, 0.5, float("nan")],  # a share, shown in %
            "orders": pd.array([4938, None, 12], dtype="Int64"),  # a count
            "at_risk_pct": [18.75, 0.0, 100.0],  # a percent, one decimal
            "lift_ratio": [26.19444, 1234.5, 0.5],  # no quantity: three significant digits
            "complete": [True, False, True],
        }
    ).set_index("account_id")
    frame.attrs["currency"] = "USD"
    shown = formatted(frame)
    assert list(shown.columns) == [
        "ARR (USD/year)",
        "Conversion rate (%)",
        "Orders (orders/month)",
        "Accounts at churn risk (% of accounts)",
        "Lift ratio",
        "Complete",  # not a key: a capital, as labelled does
    ]
    assert shown.index.name == "Account" and list(shown.index) == ["A1", "A2", "A3"]
    assert shown.loc["A1"].tolist() == ["1,234,568", "2.47", "4,938", "18.8", "26.2", "yes"]
    assert shown.loc["A2"].tolist() == ["2,500,000,000", "50.00", "–", "0.0", "1,234.5", "no"]
    assert shown.loc["A3"].tolist() == ["–", "–", "12", "100.0", "0.5", "yes"]
    assert frame.loc["A1", "arr"] == 1_234_567.891  # the result itself is untouched
    # the median (26.19) gives one decimal to the whole column, as pandas' 3-significant rule
    assert pd.DataFrame({"x": [0.5]}).pipe(formatted)["x"].tolist() == ["0.50"]


def test_formatted_takes_units_by_row_for_a_table_of_inputs():
    import pandas as pd

    from valuelab.core import formatted

    behind = pd.DataFrame(
        {"plan": [0.3, 25_000.0], "actual": [0.25, 17_900.0], "attainment": [0.8333, 0.716]},
        index=pd.Index(["win_rate", "deal_size"], name="input"),
    )
    units = {
        "win_rate": Quantity("Win rate", "share 0-1", "share", 1),
        "deal_size": Quantity("Deal size", "EUR", "money", 0, currency="EUR"),
        "attainment": Quantity("Attainment", "share 0-1", "share", 0),
        "input": Quantity("Input metric"),
    }
    shown = formatted(behind, units, by_row=("plan", "actual"))
    assert shown.index.name == "Input metric"
    assert list(shown.index) == ["Win rate (%)", "Deal size (EUR)"]  # each row's unit
    assert list(shown.columns) == ["Plan", "Actual", "Attainment (%)"]
    assert shown.to_numpy().tolist() == [["30.0", "25.0", "83"], ["25,000", "17,900", "72"]]
    series = formatted(pd.Series([0.5, None], name="confidence"))
    assert series.columns.tolist() == ["Confidence (%)"] and series.iloc[:, 0].tolist() == [
        "50",
        "–",
    ]


def test_labelled_writes_keys_in_cells_as_words_and_headings_alike():
    import pandas as pd

    from valuelab.core import labelled

    frame = pd.DataFrame(
        {
            "rule": ["pro_rata", "user_centric", "other"],
            "aligned_with": ["moves_vision, helps_okr", "", "helps_okr"],
            "tier": ["top 10", "long tail", "top 10"],
            "change_pct": [1.5, -2.0, 0.0],
        }
    )
    frame.attrs["values"] = {"rule": {"pro_rata": "Pro-rata", "user_centric": "User-centric"}}
    words = {"moves_vision": "moves the vision", "helps_okr": "helps an OKR"}
    shown = labelled(frame, {"tier": "Popularity"}, values={"aligned_with": words})
    assert list(shown.columns) == ["Rule", "Aligned with", "Popularity", "Change (%)"]
    assert shown["Rule"].tolist() == ["Pro-rata", "User-centric", "other"]  # unknown: as it is
    assert shown["Aligned with"].tolist() == ["moves the vision, helps an OKR", "", "helps an OKR"]
    assert shown["Change (%)"].tolist() == [1.5, -2.0, 0.0] and frame["rule"][0] == "pro_rata"
    series = pd.Series(["pro_rata"], name="rule")
    assert labelled(series, values={"rule": {"pro_rata": "Pro-rata"}}).tolist() == ["Pro-rata"]
