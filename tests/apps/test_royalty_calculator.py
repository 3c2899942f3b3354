"""The royalty calculator app: an artist's income by hand, and the page in a browser."""

import pytest
from support import NOTEBOOKS

from valuelab.core.errors import InputError

APP = NOTEBOOKS / "apps" / "royalty_calculator.ipynb"


def test_artist_income_hand_case_and_errors():
    from valuelab.apps.royalty_calculator import artist_income

    # rate 0.004, recording 80 %, major deal 23.3 %: 0.004 * 0.8 * 0.233 per stream
    out = artist_income(100_000, rate=0.004)
    assert out["per_stream"] == pytest.approx(0.004 * 0.8 * 0.233)
    assert out["monthly"] == pytest.approx(100_000 * 0.004 * 0.8 * 0.233)
    uc = artist_income(100_000, rule="user_centric", fan_intensity=2, rate=0.004)
    assert uc["monthly"] == pytest.approx(out["monthly"] / 2)
    small = artist_income(50, rule="threshold", tracks=1)
    assert small["monthly"] == 0.0 and small["needed"] > 0
    songs = artist_income(100_000, rate=0.004, writes_songs=True)
    assert songs["monthly"] - out["monthly"] == pytest.approx(100_000 * 0.004 * 0.2 * 0.5)
    for kwargs, named in [
        ({"rate": -1}, "rate"),
        ({"deal": "360"}, "deal"),
        ({"rule": "fair"}, "rule"),
        ({"monthly_streams": -5}, "monthly_streams"),
        ({"fan_intensity": 0}, "fan_intensity"),
    ]:
        with pytest.raises(InputError, match=named):
            artist_income(**kwargs)


@pytest.mark.browser
def test_royalty_calculator_app(voila, page):
    from valuelab.apps.kit import format_value
    from valuelab.apps.royalty_calculator import KPIS, artist_income

    def shown(key: str, **kwargs) -> str:
        _, unit, fmt = KPIS[key]
        return format_value(artist_income(**kwargs)[key], unit, fmt)

    server = voila(APP)
    page.goto(server.url, wait_until="domcontentloaded")
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
    assert page.locator("[data-kpi=needed] .vl-kpi-value").inner_text() == shown(
        "needed", deal=deal
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
