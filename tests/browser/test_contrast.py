"""Contrast in both themes, read from the browser's computed colours (contrast.js): every text at
least 4.5:1 against what is behind it, every menu, field and button's edge at least 3:1 against
the card around it (WCAG 2.2, 1.4.3 and 1.4.11). The ratios are computed in the page from the
colours the browser resolved, not from the stylesheet's values."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

READ = (Path(__file__).parent / "contrast.js").read_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_contrast(new_page, server, wait_ready, scheme):
    page = new_page(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
    page.goto(server)
    wait_ready(page)
    page.evaluate("scrollTo(0, document.scrollingElement.scrollHeight)")  # build the panels
    page.wait_for_function("() => document.querySelectorAll('#panels > section').length >= 6", timeout=60_000)
    page.evaluate("scrollTo(0, 0)")
    bad = page.evaluate(READ)
    assert not bad, f"{scheme}: {len(bad)} below the contrast floor: " + "; ".join(
        f"{b['what']} {b['el']} '{b['text']}' {b['ratio']}:1" for b in bad[:25])
    page.context.close()
