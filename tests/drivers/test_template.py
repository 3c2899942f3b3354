"""The Value Drivers Template: the shipped templates, validation, gaps and the pages."""

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
