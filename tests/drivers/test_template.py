"""The Value Drivers Template: the shipped templates, validation, gaps and the pages."""

import copy

import numpy as np
import pytest
import yaml

from valuelab.core.errors import InputError
from valuelab.drivers import ValueDriverTemplate


def test_shipped_templates_validate_and_the_spotify_tree_matches_fy2024():
    spotify = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    assert {a.id for a in spotify.actors} == {
        "listeners_free",
        "listeners_premium",
        "advertisers",
        "artists",
        "labels_publishers",
        "platform",
    }
    assert spotify.gaps() == []
    values = spotify.tree.evaluate()
    from valuelab.data.datasets import load_spotify_annual

    fy = load_spotify_annual().set_index("year").loc[2024]
    assert values["revenue"] * 12 == pytest.approx(fy["total_revenue_eur_m"], rel=0.02)
    assert values["ad_revenue"] * 12 == pytest.approx(fy["ad_revenue_eur_m"], rel=0.01)
    gm = values["gross_profit"] / values["revenue"] * 100
    assert gm == pytest.approx(fy["gross_margin_pct"], abs=0.05)
    market = ValueDriverTemplate.load("marketplace_value_drivers.yaml")
    assert market.tree.evaluate()["projects_delivered"] == pytest.approx(11_160)
    flows = market.flow_table()
    assert flows.loc[0, "amount"] == pytest.approx(21.0924)


def test_template_validation_reports_every_problem_at_once():
    doc = yaml.safe_load(ValueDriverTemplate.load("marketplace_value_drivers.yaml").to_yaml())
    del doc["north_star"]["metric"]
    doc["actors"][0]["role"] = "customer"
    del doc["actors"][1]["gives"]
    doc["value_drivers"][0]["actor"] = "buyers"
    del doc["value_drivers"][1]["owner"]
    doc["value_drivers"][2]["input"] = "fill"
    doc["value_drivers"][3]["link"] = "profit"
    doc["flows"][0]["target"] = "bank"
    doc["flows"][1]["node"] = "nowhere"
    with pytest.raises(InputError) as info:
        ValueDriverTemplate.from_dict(doc, source="gigwise.yaml")
    msg = str(info.value)
    for part in [
        "gigwise.yaml: 9 problems",
        "north_star: missing 'metric'",
        "actors[0].role: unknown role 'customer'",
        "actors[1]: missing 'gives'",
        "value_drivers[0] (Active clients).actor: no actor 'buyers'",
        "value_drivers[1]: missing 'owner'",
        "value_drivers[2] (Fill rate).input: the tree has no input 'fill'",
        "value_drivers[3] (Project value).link: 'profit'",
        "flows[0].target: no actor 'bank'",
        "flows[1].node: the tree has no node 'nowhere'",
    ]:
        assert part in msg, part
    doc = yaml.safe_load(ValueDriverTemplate.load("marketplace_value_drivers.yaml").to_yaml())
    doc["tree"]["nodes"]["gmv"] = "projects_delivered * avg_project_value.real"
    doc["tree"]["nodes"]["fees"] = "gmv * rate"
    with pytest.raises(InputError) as info:
        ValueDriverTemplate.from_dict(doc, source="gigwise.yaml")
    assert str(info.value) == (
        "gigwise.yaml: 2 problems: node 'gmv': attributes are not allowed in formula "
        "'projects_delivered * avg_project_value.real' (expected numbers, names, + - * / **, "
        "parentheses, comparisons, min, max, abs, round, if); node 'fees': unknown name 'rate' "
        "in formula 'gmv * rate' (expected a node or a declared input)"
    )


def test_gaps_flag_an_actor_with_no_value_driver():
    doc = ValueDriverTemplate.load("spotify_value_drivers.yaml").to_dict()
    doc["value_drivers"] = [d for d in doc["value_drivers"] if d["actor"] != "advertisers"]
    template = ValueDriverTemplate.from_dict(doc)
    assert template.gaps() == ["Advertisers has no value driver"]
    assert "- Advertisers has no value driver" in template.to_markdown()


def test_markdown_and_html_pages_carry_every_actor_and_driver():
    template = ValueDriverTemplate.load("spotify_value_drivers.yaml")
    md, page = template.to_markdown(), template.to_html()
    assert md.startswith("# Value Drivers: Spotify-like music streaming")
    assert "**North Star Metric:** Time spent listening" in md
    assert "| Premium listeners | The platform | subscriptions | money | 1,170 EUR m/month |" in md
    for item in [*template.actors, *template.drivers]:
        assert item.name in md and item.name in page
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "Labels and publishers" in page and "&amp;" not in template.platform


#: A two-sided lemonade stand: small enough to check every number by hand.
STAND = {
    "platform": "Lemonade stand",
    "north_star": {"name": "Cups sold", "metric": "cups per month"},
    "revenue_model": "cups x price",
    "actors": [
        {
            "id": "kids",
            "name": "Kids",
            "role": "producer",
            "receives": ["cash"],
            "gives": ["cups"],
        },
        {
            "id": "buyers",
            "name": "Buyers",
            "role": "consumer",
            "receives": ["cups"],
            "gives": ["cash"],
        },
        {
            "id": "stand",
            "name": "The stand",
            "role": "platform",
            "receives": ["x"],
            "gives": ["y"],
        },
    ],
    "value_drivers": [
        {
            "name": "Price",
            "actor": "kids",
            "value": "cash",
            "metric": "EUR per cup",
            "unit": "EUR",
            "link": "revenue",
            "owner": "kids",
            "input": "price",
        },
        {
            "name": "Thirst",
            "actor": "buyers",
            "value": "a cold drink",
            "metric": "cups per buyer",
            "unit": "cups",
            "link": "nsm",
            "owner": "weather",
        },
    ],
    "flows": [
        {
            "source": "buyers",
            "target": "kids",
            "what": "sales",
            "node": "revenue",
            "unit": "EUR/month",
        },
        {"source": "kids", "target": "buyers", "what": "lemonade", "kind": "value"},
        {"source": "kids", "target": "stand", "what": "rent", "amount": 5, "unit": "EUR/month"},
    ],
    "tree": {
        "root": "revenue",
        "nsm": "cups",
        "nodes": {"cups": "buyers * cups_per_buyer", "revenue": "cups * price"},
        "inputs": {"buyers": 40, "cups_per_buyer": 2, "price": 1.5},
    },
    "checks": [{"node": "revenue", "reported": 1500, "times": 12, "source": "the ledger"}],
}


def _stand() -> dict:
    """A fresh copy of :data:`STAND` to edit."""
    return copy.deepcopy(STAND)


def test_flow_table_takes_amounts_from_the_tree_by_hand():
    template = ValueDriverTemplate.from_dict(_stand())
    flows = template.flow_table()
    assert flows.columns.tolist() == ["source", "target", "what", "kind", "amount", "unit"]
    assert flows["source"].tolist() == ["Buyers", "Kids", "Kids"]  # actor names, not ids
    # sales: 40 buyers x 2 cups x 1.5 EUR = 120 EUR/month; lemonade: a value flow, no amount
    assert flows.loc[0, "amount"] == 120.0 and np.isnan(flows.loc[1, "amount"])
    assert flows.loc[2, "amount"] == 5.0 and flows.loc[1, "kind"] == "value"
    assert template.flow_table({"price": 2.0}).loc[0, "amount"] == 160.0


def test_check_against_reported_by_hand():
    template = ValueDriverTemplate.from_dict(_stand())
    table = template.check_against_reported()
    # the model: 120 EUR a month x 12 = 1,440 a year against 1,500 reported: -4 %
    row = table.iloc[0]
    assert row["node"] == "revenue" and row["model"] == 1440.0 and row["reported"] == 1500.0
    assert row["diff_pct"] == pytest.approx(-4.0) and row["source"] == "the ledger"
    no_checks = ValueDriverTemplate.load("marketplace_value_drivers.yaml").check_against_reported()
    assert no_checks.empty and "diff_pct" in no_checks.columns


def test_check_table_and_driver_table_read_in_words():
    from valuelab.core import labelled

    template = ValueDriverTemplate.from_dict(_stand())
    shown = labelled(template.check_against_reported())
    assert list(shown.columns) == ["Figure", "Model", "Reported", "Diff (%)", "Unit", "Source"]
    assert shown.loc[0, "Figure"] == template.quantities()["revenue"].label == "Revenue"
    drivers = template.driver_table()
    assert drivers.columns.tolist() == ["actor", "name", "metric", "unit", "link", "owner"]
    assert drivers["actor"].tolist() == ["Kids", "Buyers"]  # actor names, not ids
    assert drivers.loc[0, ["name", "metric", "link"]].tolist() == [
        "Price",
        "EUR per cup",
        "revenue",
    ]


def test_actors_drivers_and_gaps_of_a_small_template():
    template = ValueDriverTemplate.from_dict(_stand())
    assert template.actor("buyers").receives == ("cups",)
    with pytest.raises(InputError, match="no actor 'parents'"):
        template.actor("parents")
    assert [d.input for d in template.drivers] == ["price", None]
    assert template.gaps() == []  # the platform itself needs no value driver
    doc = _stand()
    doc["flows"] = doc["flows"][:2]
    assert ValueDriverTemplate.from_dict(doc).gaps() == ["The stand has no money or value flow"]
    again = ValueDriverTemplate.from_dict(template.to_dict())
    assert again.to_dict() == template.to_dict()


def test_bad_flow_amounts_and_checks_are_named():
    doc = _stand()
    doc["flows"][2]["amount"] = -5
    doc["checks"][0]["node"] = "profit"
    with pytest.raises(InputError) as info:
        ValueDriverTemplate.from_dict(doc, source="stand.yaml")
    msg = str(info.value)
    assert "flows[2].amount: -5" in msg and "checks[0].node: the tree has no node 'profit'" in msg
    with pytest.raises(InputError, match="stand.yaml: not a mapping"):
        ValueDriverTemplate.from_dict(["not", "a", "template"], source="stand.yaml")


def test_the_templates_name_their_drivers_and_north_star_in_words():
    for name in ("spotify_value_drivers.yaml", "marketplace_value_drivers.yaml"):
        template = ValueDriverTemplate.load(name)
        shown = template.quantities()
        assert set(shown) == set(template.tree.evaluate().index)
        for key, q in shown.items():
            assert "_" not in q.title and q.label[0].isupper(), (name, key, q.title)
    spotify = ValueDriverTemplate.load("spotify_value_drivers.yaml").quantities()
    assert spotify["listening_hours"].label == "Time spent listening"  # the North Star's name
    assert spotify["premium_arpu"].title == "Premium ARPU (EUR/month)"  # the driver's name
    assert spotify["mau"].title == "Monthly active users (million users)"  # the registry's
    assert spotify["operating_income"].format(118.8) == "119 EUR m/month"
