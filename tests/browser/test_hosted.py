"""The hosted case: dist/ served with vercel.json's headers (its strict Content-Security-Policy),
the playground trains frame after frame, and nothing is blocked by the policy or fetched from
another host."""
from __future__ import annotations

import math
from urllib.parse import urlsplit

import numpy as np
import pytest

from pagekit import pause, state, wait_state

pytestmark = pytest.mark.browser

SPEED = 10  # epochs per frame
LOOKS = 5   # times the test looks at the page while it trains, each after the epoch rose again
COMPARED = 60  # looks up to this epoch are compared with CPython's numbers


def test_trains_frame_after_frame_under_the_hosted_csp_without_leaving_127_0_0_1(page, server,
                                                                                 wait_ready):
    response = page.goto(server)
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, f"not served with vercel.json's CSP: {csp!r}"
    wait_ready(page)
    start = state(page)
    page.get_by_role("combobox", name="Speed (epochs per frame)").select_option(str(SPEED))
    page.get_by_role("button", name="Play", exact=True).click()

    # The counter rises and the loss moves, seen at several moments: not one frame, then still.
    seen = [start]
    for _ in range(LOOKS):
        seen.append(wait_state(page, f"s.epoch > {seen[-1]['epoch']}", timeout=30_000))
    end = pause(page)  # (the spiral may have converged, and stopped, by now)
    epochs = [s["epoch"] for s in seen]
    losses = [s["trainLoss"] for s in seen]
    assert epochs[0] == 0 and all(b > a for a, b in zip(epochs, epochs[1:])), epochs
    assert all(isinstance(x, float) and math.isfinite(x) for x in losses), losses
    assert len(set(losses)) == len(losses), f"the loss stood still while training: {losses}"
    assert end["trainLoss"] < start["trainLoss"], f"it did not learn: {losses} -> {end['trainLoss']}"

    # Every frame trained SPEED epochs (the last may stop short at convergence), and together
    # they make the counter: frames() is the page's own account, one entry per trained frame.
    trained = [f["epochs"] for f in page.evaluate("() => window.playground.frames()")]
    assert len(trained) >= LOOKS and sum(trained) == end["epoch"], (trained, end["epoch"])
    assert all(n == SPEED for n in trained[:-1]), trained

    # The page shows the state's numbers, and they are the engine's: CPython trains the same
    # config (same seed, same data, same steps) through the epochs seen. numpy in the browser
    # may round a sum differently; training amplifies that (3e-14 at epoch 50, 6e-10 at 75, 1e-8
    # at 100 on the spiral), so only the looks up to epoch COMPARED are held to it.
    assert page.locator("#epoch").inner_text() == f"{end['epoch']:,}"
    assert page.locator("#train-loss").inner_text() == f"{end['trainLoss']:.4g}"
    from nn import Session

    ref = Session(end["config"])
    compared = [s for s in seen[1:] if s["epoch"] <= COMPARED]
    assert compared, f"no look before epoch {COMPARED}: {epochs}"
    for s in compared:
        ref.step(s["epoch"] - ref.epoch)
        m = ref.metrics()
        np.testing.assert_allclose([s["trainLoss"], s["testLoss"]], [m["train_loss"], m["test_loss"]],
                                   rtol=1e-9, err_msg=f"page vs CPython at epoch {s['epoch']}")

    assert page.watch.csp_violations() == [], "the Content-Security-Policy blocked something"
    foreign = [u for u in page.watch.requests
               if not u.startswith(("data:", "blob:")) and urlsplit(u).hostname != "127.0.0.1"]
    assert not foreign, f"requests leaving 127.0.0.1: {foreign}"
