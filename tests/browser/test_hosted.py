"""The hosted case: dist/ served with vercel.json's headers (its strict Content-Security-Policy),
the playground plays, and nothing is blocked by the policy or fetched from another host."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

PLAY_SECONDS = 3


def test_plays_under_the_hosted_csp_without_leaving_127_0_0_1(page, server, wait_ready):
    response = page.goto(server)
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, f"not served with vercel.json's CSP: {csp!r}"
    wait_ready(page)
    page.get_by_role("combobox", name="Speed (epochs per frame)").select_option("10")
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    s = page.evaluate("() => window.playground.state()")
    assert s["epoch"] >= 10, f"it hardly trained in {PLAY_SECONDS} s: epoch {s['epoch']}"
    # every frame drew: the charts (uPlot) and the canvases ran under the policy too
    assert len(page.evaluate("() => window.playground.frames()")) >= 2

    assert page.watch.csp_violations() == [], "the Content-Security-Policy blocked something"
    foreign = [u for u in page.watch.requests
               if not u.startswith(("data:", "blob:")) and urlsplit(u).hostname != "127.0.0.1"]
    assert not foreign, f"requests leaving 127.0.0.1: {foreign}"
