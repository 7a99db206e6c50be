"""Take the README's screenshots of the page (headless Chromium against a built dist/).

    python scripts/screenshots.py            # writes docs/screenshots/*.png
"""
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "site"))
from playground.logic.layout import layout  # noqa: E402  (the page's own geometry, to hover a neuron)
from playwright.sync_api import sync_playwright  # noqa: E402

from headless import launch  # noqa: E402
from serve import serve_in_thread  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
FOUR = [[(0.55, 0.15), (0.25, 0.6), (0.78, 0.6)], [(0.6, 0.35), (0.6, 0.88)]]


def ready(page, url):
    page.goto(url)
    page.wait_for_function("() => window.playground && window.playground.ready", timeout=90_000)


def play_until(page, predicate, speed="10"):
    page.get_by_role("combobox", name="Speed (epochs per frame)").select_option(speed)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => {{ const s = window.playground.state(); return {predicate}; }}", timeout=120_000)
    if page.get_by_role("button", name="Pause", exact=True).is_visible():
        page.get_by_role("button", name="Pause", exact=True).click()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    server, url = serve_in_thread(ROOT / "dist", port=0)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            ready(page, url)
            page.screenshot(path=str(OUT / "start.png"))
            play_until(page, "s.stop !== null || s.trainAccuracy >= 1")
            page.mouse.move(0, 0)
            page.screenshot(path=str(OUT / "trained.png"))
            box = page.locator("#network").bounding_box()
            sizes = page.evaluate("() => window.playground.state().sizes")
            x, y = layout(sizes, round(box["width"]), round(box["height"])).nodes[3][5]
            page.mouse.move(box["x"] + x, box["y"] + y)
            time.sleep(0.3)
            page.screenshot(path=str(OUT / "hover.png"))
            page.get_by_role("combobox", name="Dataset").select_option("quadrants")
            play_until(page, "s.stop !== null")
            page.screenshot(path=str(OUT / "quadrants.png"))
            page.get_by_role("combobox", name="Dataset").select_option("sine")
            play_until(page, "s.stop !== null || s.epoch > 400")
            page.screenshot(path=str(OUT / "sine.png"))
            page.set_viewport_size({"width": 1440, "height": 1200})
            page.get_by_role("combobox", name="Dataset").select_option("digits")
            play_until(page, "s.epoch >= 40", speed="3")
            pad = page.get_by_label("Drawing pad").bounding_box()
            for pts in FOUR:
                page.mouse.move(pad["x"] + pts[0][0] * pad["width"], pad["y"] + pts[0][1] * pad["height"])
                page.mouse.down()
                for x, y in pts[1:]:
                    page.mouse.move(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"], steps=5)
                page.mouse.up()
            page.screenshot(path=str(OUT / "digits.png"))
            browser.close()
    finally:
        server.shutdown()
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
