"""The royalty calculator app: an artist's income by hand, and the page in a browser."""

import pytest
from support import NOTEBOOKS, find_widget

from valuelab.core.errors import InputError

APP = NOTEBOOKS / "apps" / "royalty_calculator.ipynb"


def test_artist_income_hand_case_and_errors():
    from valuelab.royalties import artist_income

    # rate 0.004 to the recording side, major deal 23.3 %: 0.004 * 0.233 per stream
    out = artist_income(100_000, rate=0.004)
    assert out["per_stream"] == pytest.approx(0.004 * 0.233)
    assert out["monthly"] == pytest.approx(100_000 * 0.004 * 0.233)
    uc = artist_income(100_000, rule="user_centric", fan_intensity=2, rate=0.004)
    assert uc["monthly"] == pytest.approx(out["monthly"] / 2)
    small = artist_income(50, rule="threshold_1000", tracks=1)
    assert small["monthly"] == 0.0 and small["needed"] > 0
    songs = artist_income(100_000, rate=0.004, writes_songs=True)
    # the publishing side, derived: 0.004 / 0.8 x 0.2, of which the writer's half
    assert songs["monthly"] - out["monthly"] == pytest.approx(100_000 * 0.004 / 0.8 * 0.2 * 0.5)
    for kwargs, named in [
        ({"rate": -1}, "rate"),
        ({"deal": "360"}, "deal"),
        ({"rule": "fair"}, "rule"),
        ({"monthly_streams": -5}, "monthly_streams"),
        ({"fan_intensity": 0}, "fan_intensity"),
        ({"fan_payment": -0.5}, "fan_payment"),
    ]:
        with pytest.raises(InputError, match=named):
            artist_income(**kwargs)


@pytest.mark.browser
def test_royalty_calculator_app(voila, page):
    from valuelab.apps.royalty_calculator import CARDS
    from valuelab.core import format_value
    from valuelab.royalties import artist_income

    def shown(key: str, **kwargs) -> str:
        return format_value(CARDS[key], artist_income(**kwargs)[key])

    server = voila(APP)
    page.goto(server.url, wait_until="domcontentloaded", timeout=120_000)  # plain Voila runs first
    value = page.locator("[data-kpi=monthly] .vl-kpi-value")
    value.wait_for(timeout=90_000)
    assert value.inner_text() == shown("monthly")
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)

    deal = "self-released (assumption)"
    page.locator("select").first.select_option(label=deal)
    page.wait_for_function(
        "t => document.querySelector('[data-kpi=monthly] .vl-kpi-value').innerText === t",
        arg=shown("monthly", deal=deal),
        timeout=30_000,
    )
    # the cards are separate widgets, updated one message at a time: wait for the second too
    page.wait_for_function(
        "t => document.querySelector('[data-kpi=needed] .vl-kpi-value').innerText === t",
        arg=shown("needed", deal=deal),
        timeout=30_000,
    )
    rate = page.locator(".widget-text:has-text('Rate per stream') input")
    rate.fill("-1")
    rate.press("Enter")
    alert = page.locator(".vl-error")
    alert.wait_for(timeout=30_000)
    assert "rate" in alert.inner_text()
    body = page.inner_text("body")
    assert "Traceback" not in body and "import" not in body and "build_app" not in body
    assert page.errors == []


def test_each_rule_by_hand():
    from valuelab.royalties import CALCULATOR_RULES, artist_income

    assert CALCULATOR_RULES == (
        "pro_rata",
        "user_centric",
        "user_centric_equal",
        "blend_50",
        "threshold_1000",
    )
    base = artist_income(100_000, rate=0.004, fan_intensity=4)
    assert base["recording_rate"] == 0.004  # pro-rata: the market rate, whatever the fans do
    assert base["pool_rate"] == pytest.approx(0.004 / 0.8)  # both sides
    assert base["artist_share"] == pytest.approx(0.8 * 0.233)
    # user-centric: fans streaming 4x the average earn a quarter of the rate per stream
    uc = artist_income(100_000, rule="user_centric", rate=0.004, fan_intensity=4)
    assert uc["recording_rate"] == pytest.approx(0.001)
    # ... and fans paying twice the average (all Premium) twice that
    rich = artist_income(100_000, rule="user_centric", rate=0.004, fan_intensity=4, fan_payment=2)
    assert rich["recording_rate"] == pytest.approx(0.002)
    equal = artist_income(
        100_000, rule="user_centric_equal", rate=0.004, fan_intensity=4, fan_payment=2
    )
    assert equal["recording_rate"] == pytest.approx(0.001)  # equal shares: payment ignored
    # blend 50/50: half at the market rate, half user-centric: 0.5 x 0.004 + 0.5 x 0.001
    blend = artist_income(100_000, rule="blend_50", rate=0.004, fan_intensity=4)
    assert blend["recording_rate"] == pytest.approx(0.0025)
    # threshold: 1,000 streams a month over 10 tracks = 1,200 a track a year: paid, a bit more
    paid = artist_income(1_000, rule="threshold_1000", rate=0.004, tracks=10)
    assert paid["recording_rate"] == pytest.approx(0.004 * 100 / 99.5)
    unpaid = artist_income(
        1_000, rule="threshold_1000", rate=0.004, tracks=20
    )  # 600 a track a year
    assert unpaid["recording_rate"] == 0.0 and unpaid["needed"] == paid["needed"]


def test_streams_needed_and_the_deal_by_hand():
    from valuelab.royalties import artist_income

    # self-released: the artist keeps the whole recording side, 0.004 USD a stream
    own = artist_income(10_000, deal="self-released (assumption)", rate=0.004, target_income=40)
    assert own["per_stream"] == pytest.approx(0.004) and own["monthly"] == pytest.approx(40.0)
    assert own["needed"] == 10_000  # 40 USD / 0.004 USD a stream
    writer = artist_income(10_000, deal="independent 50/50 (assumption)", writes_songs=True)
    assert writer["artist_share"] == pytest.approx(0.8 * 0.5 + 0.2 * 0.5)  # + the writer's half


def test_the_built_app_shows_the_income_of_its_starting_values():
    from valuelab.apps import kit
    from valuelab.apps.royalty_calculator import CARDS, build_app
    from valuelab.royalties import artist_income

    app = build_app(monthly_streams=250_000, rule="user_centric")
    cards = find_widget(app, kit.KpiCards)
    expected = artist_income(250_000, rule="user_centric")
    assert set(cards.values) == set(CARDS)
    assert cards.values["monthly"] == pytest.approx(expected["monthly"])
    assert cards.values["needed"] == expected["needed"]


@pytest.mark.parametrize(
    ("initial", "deltas"),
    [
        ({}, ["&nbsp;"] * 3),  # pro-rata itself: nothing to compare with
        ({"rule": "user_centric"}, ["same as pro-rata"] * 3),  # average fans: no change
        # fans streaming twice the average: half the income per stream and a month, twice the
        # streams needed (user-centric: rate / fan intensity)
        (
            {"rule": "user_centric", "fan_intensity": 2.0},
            ["-50.0 % vs pro-rata", "-50.0 % vs pro-rata", "+100.0 % vs pro-rata"],
        ),
    ],
)
def test_the_saved_report_shows_the_cards_as_the_app_does(monkeypatch, initial, deltas):
    import re
    import time

    from valuelab.apps import kit
    from valuelab.apps.royalty_calculator import build_app

    monkeypatch.delenv(kit.PUBLIC_URL_ENV, raising=False)
    app = build_app(**initial)
    cards = find_widget(app, kit.KpiCards)
    for _ in range(100):  # the first draw is debounced
        if all(c.value for c in cards.cards.values()):
            break
        time.sleep(0.05)
    shown = [c.value for c in cards.cards.values()]
    delta = re.compile(r'<div class="vl-kpi-delta [a-z-]+">(.*?)</div>')
    assert [delta.search(card)[1] for card in shown] == deltas
    save = find_widget(app, kit.SaveReport)
    save.button.click()
    assert delta.findall(save.html) == deltas  # what the app shows, no "+0.0 % vs baseline"
    assert all(card in save.html for card in shown)
