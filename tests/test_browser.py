"""Smoke test of the browser harness: a real app in Voila, driven in headless Chromium."""

import pytest
from conftest import NOTEBOOKS

from valuelab.app_glance import summary
from valuelab.datasets import load_spotify_annual

APP = NOTEBOOKS / "apps" / "spotify_at_a_glance.ipynb"


@pytest.mark.browser
def test_spotify_at_a_glance_app_updates_and_shows_no_code(voila, page):
    server = voila(APP)
    page.goto(server.url, wait_until="domcontentloaded")
    kpi = page.locator(".vl-kpi")
    kpi.wait_for(timeout=90_000)
    assert kpi.inner_text() == "Total revenue: 15,673.00 EUR m in 2024"
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)

    page.locator("select").first.select_option(label="Premium subscribers")
    expected = summary(load_spotify_annual(), "premium_subs_m", 2015, 2024)
    page.wait_for_function(
        "t => document.querySelector('.vl-kpi').innerText === t",
        arg=f"Premium subscribers: {expected['end_value']:,.2f} million in 2024",
        timeout=30_000,
    )
    delta = page.locator(".vl-delta").inner_text()
    assert f"{expected['change_pct']:+,.1f} % since 2015" in delta

    body = page.inner_text("body")
    assert "build_app" not in body and "import" not in body, "the app must not show code"
    assert "Traceback" not in body
    assert page.errors == []


def _run_smoke_with(env_extra: dict[str, str]) -> tuple[int, str]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "VALUELAB_CHROMIUM": "/nonexistent/chromium", **env_extra}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--no-header",
            f"{__file__}::test_spotify_at_a_glance_app_updates_and_shows_no_code",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return out.returncode, out.stdout


def test_missing_browser_fails_under_ci_and_skips_locally():
    code, text = _run_smoke_with({"CI": "true"})
    assert code != 0 and "1 error" in text and "Chromium not found" in text
    code, text = _run_smoke_with({"CI": ""})
    assert code == 0 and "1 skipped" in text
