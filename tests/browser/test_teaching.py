"""The teaching panels in a real browser: the explained step's four stages, the audit, the gradient
check, the activation explorer, the loss landscape and the source viewer show the engine's own
numbers, compared with the same config and seed run in CPython (to the digits displayed); and
each panel, screenshotted as the learner sees it, has its heading and size, canvases that are not
blank and no text running out of its box (shot()).

TEACH_SCREENSHOTS=1 also writes those screenshots to docs/screenshots/teach-*.png (see the README).
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from pagekit import state, wait_state

from nn import Session, activations, explain, optim

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))

from playground.logic import explain_text as et  # noqa: E402
from playground.panels import PANELS  # noqa: E402

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots"
STEP_LINES = """() => Array.from(document.querySelectorAll('#panel-step .teach-body > *')).flatMap(
    e => e.classList.contains('teach-chips') ? Array.from(e.children, c => c.textContent) : [e.textContent])"""


@pytest.fixture(scope="module")
def app(open_app):
    page = open_app(viewport={"width": 1440, "height": 1000})
    show_panels(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    yield page
    page.context.close()




def show_panels(page):
    """Scroll to the panels, which are built when they come near the view; wait for all."""
    page.evaluate("() => document.getElementById('panels').scrollIntoView()")
    page.wait_for_function(f"() => document.querySelectorAll('#panels > section.teach').length === {len(PANELS)}")


def fresh(page, dataset, epochs):
    """A new session on `dataset` (seed 0), trained `epochs` epochs with the step key."""
    if state(page)["running"]:
        page.keyboard.press(" ")
    other = "and" if dataset != "and" else "or"
    page.get_by_role("combobox", name="Dataset").select_option(other)
    page.get_by_role("combobox", name="Dataset").select_option(dataset)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    wait_state(page, f"s.epoch === 0 && s.config.dataset === '{dataset}'")
    for _ in range(epochs):
        page.keyboard.press("s")
    return wait_state(page, f"s.epoch === {epochs}")


def reference(config, epochs):
    s = Session(config)
    s.step(epochs, until_stop=False)
    return s


def isolated_point(s):
    """The training point farthest from its nearest neighbour, so a click on it picks it alone."""
    X = np.vstack([s.X_train_raw, s.X_test_raw])
    gaps = []
    for i, x in enumerate(s.X_train_raw):
        d = np.hypot(*(X - x).T)
        d[i] = np.inf
        gaps.append(d.min())
    i = int(np.argmax(gaps))
    assert gaps[i] > 0.06, "no training point stands apart enough to be clicked alone"  # several pixels
    return i


def click_point(page, s, i):
    box = page.locator("#boundary").bounding_box()
    (x0, x1), (y0, y1) = s.data.extent
    x, y = s.X_train_raw[i]
    page.mouse.click(box["x"] + (x - x0) / (x1 - x0) * box["width"], box["y"] + (y1 - y) / (y1 - y0) * box["height"])
    wait_state(page, f"s.selected && s.selected[0] === 'train' && s.selected[1] === {i}")


TITLES = {"step": "One step, explained", "audit": "Audit a point", "gradcheck": "Gradient check",
          "landscape": "Loss landscape", "race": "Optimizer race", "activations": "Activation explorer", "source": "The code"}
CANVASES = {"step": 1, "landscape": 1, "activations": len(activations.NAMES)}  # at least, each with a size
# Read back from a screenshot of a section (the pixels the learner sees, as composited on screen):
# the distinct colours, and the share of the commonest one, in the section and in each canvas's box.
SEEN = """async ([png, boxes]) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const image = await createImageBitmap(new Blob([bytes], {type: "image/png"}));
    const ctx = new OffscreenCanvas(image.width, image.height).getContext("2d");
    ctx.drawImage(image, 0, 0);
    const seen = ([x, y, w, h]) => {
        const px = new Uint32Array(ctx.getImageData(x, y, w, h).data.buffer);
        const counts = new Map();
        for (const p of px) counts.set(p, (counts.get(p) || 0) + 1);
        return {colours: counts.size, commonest: Math.max(...counts.values()) / px.length};
    };
    return {width: image.width, height: image.height, all: seen([0, 0, image.width, image.height]),
            canvases: boxes.map(seen)};
}"""
# What can overflow a panel's box: its equations, sentences, chips, buttons and the panel itself.
OVERFLOWING = """(section) => [section, ...section.querySelectorAll(
    '.teach-eq, .teach-p, .teach-lead, .teach-h, .teach-chips, .teach-controls, .teach-head, .teach-vals')]
    .filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}: ${e.textContent.slice(0, 60)}`)"""


def shot(page, selector, name, pause_ms=0):
    """Look at a panel as the learner sees it, and fail on what a broken page shows: no heading,
    no height, a blank or missing canvas, text running out of its box. The screenshot is taken in
    memory; TEACH_SCREENSHOTS=1 also writes it to docs/screenshots/teach-<name>.png."""
    section = page.locator(selector)
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(pause_ms if os.environ.get("TEACH_SCREENSHOTS") else min(pause_ms, 200))
    panel = selector.removeprefix("#panel-")
    heading = section.locator("h2").first
    assert heading.is_visible() and heading.text_content() == TITLES[panel], heading.text_content()
    box = section.bounding_box()
    assert box["height"] >= 150 and box["width"] >= 400, f"{name}: the panel is {box['width']}x{box['height']}"
    assert len(section.inner_text()) >= 200, f"{name}: the panel shows almost no text"
    assert section.evaluate(OVERFLOWING) == [], f"{name}: text runs out of its box"
    canvases = section.evaluate("""(s) => { const r = s.getBoundingClientRect();
        return Array.from(s.querySelectorAll('canvas'), (c) => c.getBoundingClientRect())
            .filter((b) => b.width > 0 && b.height > 0)
            .map((b) => [Math.round(b.left - r.left) + 2, Math.round(b.top - r.top) + 2,
                         Math.round(b.width) - 4, Math.round(b.height) - 4]); }""")
    assert len(canvases) >= CANVASES.get(panel, 0), f"{name}: {len(canvases)} canvases on screen"
    png = section.screenshot()
    seen = page.evaluate(SEEN, [base64.b64encode(png).decode(), canvases])
    assert abs(seen["width"] - box["width"]) <= 3 and seen["height"] >= 150, seen  # the panel, not a sliver
    assert seen["all"]["colours"] >= 50, f"{name}: the screenshot is nearly blank: {seen['all']}"
    for k, c in enumerate(seen["canvases"]):
        assert c["colours"] >= 8 and c["commonest"] <= 0.98, f"{name}: canvas {k + 1} looks blank: {c}"
    if os.environ.get("TEACH_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"teach-{name}.png").write_bytes(png)
    return seen


def test_the_explained_step_shows_the_engines_numbers_stage_by_stage(app):
    s = fresh(app, "xor", 3)
    ref = reference(s["config"], 3)
    i = isolated_point(ref)
    click_point(app, ref, i)
    x = ref.X_train[i]
    W0, b0 = ref.net.params[0].copy(), ref.net.params[1].copy()
    rec = explain.explain_step(ref)
    point = explain.sample_trace(rec, ("train", i))
    weight = explain.largest_weight_gradient(rec.grads)
    detail = explain.update_detail(rec, *weight)

    app.get_by_role("button", name="Take one step").click()
    after = wait_state(app, "s.steps > 0 && document.querySelector('#panel-step').dataset.stage === 'forward'")
    assert after["steps"] == ref.steps and after["epoch"] == 3
    app.locator("#panel-step .teach-stage[data-stage='0']").click()  # stops auto-play
    for k, stage in enumerate(et.STAGES):
        if k:
            app.get_by_role("button", name="Next stage").click()
        app.wait_for_function(f"() => document.querySelector('#panel-step').dataset.stage === '{stage}'")
        shown = app.evaluate(STEP_LINES)
        expected = [line for b in et.stage_blocks(stage, rec, point, (0, 0), weight, detail, kind=ref.kind,
                                                  n_classes=ref.n_classes, feats=ref.features) for line in b.lines()]
        assert shown == expected, f"stage {stage}: page vs CPython"
        if stage == "forward":  # and independently of nn.explain: the sums written out by hand
            for j, z in enumerate(x @ W0 + b0):
                assert f"{j + 1}: z {et.num(z)} → a {et.num(np.tanh(z))}" in shown
        if stage == "update":
            assert f"= {et.num(ref.net.params[weight[0]][weight[1]])}" in shown[-4]  # the new weight, as CPython has it
    app.get_by_role("button", name="Previous stage").click()
    app.wait_for_function("() => document.querySelector('#panel-step').dataset.stage === 'backward'")


def test_the_update_stage_moves_the_edges(app):
    app.get_by_role("button", name="Next stage").click()
    app.wait_for_function("() => document.querySelector('#panel-step').dataset.stage === 'update'")
    app.evaluate("""() => { const c = document.querySelector('#panel-step canvas');
                            window.__early = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; }""")
    app.wait_for_timeout(1600)
    changed = app.evaluate("""() => { const c = document.querySelector('#panel-step canvas');
        const late = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let k = 0; k < late.length; k++) if (late[k] !== window.__early[k]) n++;
        return n / late.length; }""")
    assert changed > 0.005, f"only {changed:.2%} of the drawing changed while the weights moved"


def test_the_step_panel_picks_its_own_point_even_in_digits_mode(app):
    """The point to follow is chosen in the panel (digits have nothing to click on): the forward
    stage then follows that training point, as CPython's explained step does for it."""
    for dataset, k in (("moons", 7), ("digits", 12)):
        s = fresh(app, dataset, 1)
        picker = app.get_by_label("Training point to follow")
        picker.fill(str(k))
        picker.dispatch_event("change")
        wait_state(app, f"s.selected && s.selected[0] === 'train' && s.selected[1] === {k - 1}")
        app.get_by_role("button", name="Take one step").click()
        wait_state(app, "s.steps > 0 && document.querySelector('#panel-step').dataset.stage === 'forward'")
        app.locator("#panel-step .teach-stage[data-stage='0']").click()
        shown = "\n".join(app.evaluate(STEP_LINES))
        assert f"training point #{k} (one of the n = {s['trainCount']}" in shown, dataset
        picker.fill(str(s["trainCount"] + 5))  # outside: put back, and told the range
        picker.dispatch_event("change")
        app.wait_for_function("() => !document.querySelector('#panel-step .teach-note').hidden")
        assert f"numbered 1 to {s['trainCount']}" in app.locator("#panel-step .teach-note").inner_text()
        assert picker.input_value() == str(k) and state(app)["selected"] == ["train", k - 1]


def test_the_landscape_follows_an_explained_step(app):
    """After "Take one step" the plane goes through the new weights: its descent starts from the
    loss the page shows (it said "from 0.2258" while the page said 0.2152)."""
    s = fresh(app, "moons", 20)
    app.locator("#panel-landscape").scroll_into_view_if_needed()
    app.wait_for_function("() => document.querySelector('#panel-landscape .teach-small').textContent.includes('at epoch 20')",
                          timeout=30_000)
    # The panel makes its plane again through the stepped weights on one of its next ticks; the
    # descent must be asked for after that (making the plane clears it). Count the planes made
    # from now on: the panel's status names the losses once one is made.
    app.evaluate("""() => {
      const status = document.querySelector('#panel-landscape .teach-small');
      window.__planesMade = 0;
      new MutationObserver(() => { if (status.textContent.includes(' losses on ')) window.__planesMade += 1; })
        .observe(status, { childList: true, characterData: true, subtree: true });
    }""")
    app.get_by_role("button", name="Take one step").click()
    after = wait_state(app, f"s.steps > {s['steps']}")
    app.locator("#panel-landscape").scroll_into_view_if_needed()
    app.wait_for_function("() => window.__planesMade > 0 && !document.querySelector('#panel-landscape .teach-primary').disabled",
                          timeout=30_000)
    app.get_by_role("button", name="Take 15 steps").click()
    app.wait_for_function("() => document.querySelector('.teach-descent').textContent.length > 0")
    assert f"from {et.num(after['trainLoss'])} to" in app.locator(".teach-descent").text_content()


def test_the_audit_follows_a_clicked_point_with_the_current_weights(app):
    s = fresh(app, "quadrants", 4)
    ref = reference(s["config"], 4)
    i = isolated_point(ref)
    click_point(app, ref, i)
    a = explain.audit(ref, ("train", i))
    net = ref.net
    layers = et.audit_layers(list(net.params), a, net.sizes, net.activation, net.output, net.negative_slope,
                             ref.features)
    app.wait_for_function(f"() => document.querySelector('.teach-audit-intro').textContent.includes('#{i + 1}:')")
    intro = app.locator(".teach-audit-intro").text_content()
    assert intro.startswith(et.audit_intro(a, ref.kind, ref.n_classes, ref.features))
    summaries = app.evaluate("() => Array.from(document.querySelectorAll('.teach-audit summary'), e => e.textContent)")
    assert summaries == [summary for _, neurons in layers for summary, _ in neurons]
    first = app.evaluate("() => Array.from(document.querySelectorAll('.teach-audit details')[0]"
                         ".querySelectorAll('.teach-eq'), e => e.textContent)")
    assert first == layers[0][1][0][1]
    shot(app, "#panel-audit", "audit")


def test_the_gradient_check_agrees_to_1e_8(app):
    s = state(app)
    ref = reference(s["config"], s["epoch"])
    c = explain.live_check(ref)
    panel = app.locator("#panel-gradcheck")
    panel.scroll_into_view_if_needed()
    app.wait_for_function("() => document.querySelector('#panel-gradcheck .teach-eq')")
    live = app.evaluate("() => Array.from(document.querySelectorAll('#panel-gradcheck .teach-body:not(.teach-full) "
                        ".teach-eq'), e => e.textContent)")
    assert live[0] == et.live_check_lines(c, ref.net.sizes, ref.features)[0]   # the same weight, the same ε
    numbers = [float(et.num(v, 12).replace("−", "-")) for v in (c["loss_plus"], c["loss_minus"])]
    shown = [float(line.split(" = ")[1].replace("−", "-")) for line in live[1:3]]
    np.testing.assert_allclose(shown, numbers, rtol=1e-11)  # L(w ± ε), to the 12 digits shown
    assert "[L(w + ε) − L(w − ε)] / 2ε" in live[3]
    rel = float(live[-1].split(" = ")[-1].replace("×10", "e").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
    assert rel <= 1e-6
    app.get_by_role("button", name="Check every parameter").click()
    app.wait_for_function("() => document.querySelector('#panel-gradcheck .teach-full .teach-verdict')", timeout=30_000)
    verdict = app.locator("#panel-gradcheck .teach-full .teach-verdict").text_content()
    value = re.search(r": ([0-9.]+×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+|[0-9.]+) \(", verdict).group(1)
    largest = float(value.replace("×10", "e").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
    assert largest <= 1e-8 and "≤ 10⁻⁸" in verdict
    assert f"over all {ref.net.n_params} parameters" in app.locator("#panel-gradcheck .teach-full").text_content()
    shot(app, "#panel-gradcheck", "gradcheck")


def test_the_activation_explorer_shows_f_and_its_slope(app):
    panel = app.locator("#panel-activations")
    panel.scroll_into_view_if_needed()
    app.get_by_label("x, the input of every activation").fill("-2")
    for name in ("tanh", "relu", "sigmoid"):
        act = activations.get(name)
        f = act.f(np.array([-2.0]))
        expected = f"f(−2) = {et.num(f[0])} · f′(−2) = {et.num(act.df(np.array([-2.0]), f)[0])}"
        app.wait_for_function(f"() => document.querySelector('.teach-act[data-name={name}] .teach-vals')"
                              f".textContent === {expected!r}")
    box = app.locator(".teach-act[data-name=relu] canvas").bounding_box()  # drag to the far left
    app.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 20)
    app.mouse.down()
    app.mouse.move(box["x"] + 2, box["y"] + 20, steps=4)
    app.mouse.up()
    app.wait_for_function("() => /^f\\(−4\\.[6-9]\\d*\\) = 0 · f′\\(−4\\.[6-9]\\d*\\) = 0$/.test("
                          "document.querySelector('.teach-act[data-name=relu] .teach-vals').textContent)")
    assert "z < 0" in app.locator(".teach-act[data-name=relu]").text_content()
    app.get_by_label("x, the input of every activation").fill("1.5")
    shot(app, "#panel-activations", "activations", 300)


def test_the_loss_landscape_is_computed_with_a_path(app):
    panel = app.locator("#panel-landscape")
    panel.scroll_into_view_if_needed()
    app.wait_for_function("() => document.querySelector('#panel-landscape .teach-small').textContent.includes('1,681')",
                          timeout=30_000)
    app.select_option("#panel-landscape select >> nth=0", "random")
    app.wait_for_function("() => document.querySelector('#panel-landscape .teach-small').textContent.includes('1,681')"
                          " && !document.querySelector('#panel-landscape .teach-primary').disabled", timeout=30_000)
    colours = app.evaluate("""() => { const c = document.querySelector('#panel-landscape canvas');
        const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
        return new Set(d).size; }""")
    assert colours > 100
    app.select_option("#panel-landscape select >> nth=0", "largest")
    app.wait_for_function("() => !document.querySelector('#panel-landscape .teach-primary').disabled")
    app.get_by_role("button", name="Take 15 steps").click()
    app.wait_for_function("() => document.querySelector('.teach-descent').textContent.length > 0")
    s = state(app)  # the same plane and descent in CPython: the two weights with the largest gradient
    ref = reference(s["config"], s["epoch"])
    m = explain.surface_points(ref)
    X, Y = ref.X_train[:m], ref.Y_train[:m]
    _, grads = ref.net.loss_and_grads(X, Y, ref.loss, train=False)
    a = explain.largest_weight_gradient(grads)
    grads[a[0]][a[1]] = 0.0
    b = explain.largest_weight_gradient(grads)
    d1, d2 = explain.weight_direction(ref.net, *a), explain.weight_direction(ref.net, *b)
    good = float(f"{explain.teaching_rates(ref.net, X, Y, ref.loss, d1, d2, 1.0)['good']:.3g}")  # as the menu shows it
    assert app.locator("#panel-landscape select >> nth=4").input_value() == f"{good:.3g}"
    path, values = explain.plane_descent(ref.net, X, Y, ref.loss, d1, d2, good, 15, bound=1.0)
    assert app.locator(".teach-descent").text_content() == et.descent_sentence(path, values, good, 1.0)
    assert values[-1] < values[0]  # the rate offered as good does descend


def test_the_source_shown_is_the_source_loaded(app):
    app.get_by_role("button", name="Take one step").click()
    app.locator("#panel-step .teach-stage[data-stage='3']").click()
    app.locator("#panel-step .teach-code").click()
    app.wait_for_function("() => document.querySelector('#panel-source').dataset.file === 'core/optim.py'")
    section = app.locator("#panel-source")
    opt = state(app)["config"]["optimizer"]
    assert section.get_attribute("data-mark") == ("Adam._update" if opt in ("adam", "adamw") else f"{opt}._update")
    loaded = app.evaluate("() => pyodide.FS.readFile('/app/nn/core/optim.py', {encoding: 'utf8'})")
    shown = app.locator("#panel-source code").text_content()
    repo = (ROOT / "nn" / "core/optim.py").read_text(encoding="utf-8")
    assert shown == loaded == repo
    assert section.get_attribute("data-sha256") == hashlib.sha256(repo.encode()).hexdigest()
    # highlighted, by highlight.js (loaded once the page is up)
    app.wait_for_function("() => document.querySelectorAll('#panel-source code span.hljs-keyword').length > 20")
    first = int(re.search(r"lines (\d+)–", app.locator(".teach-src-focus").text_content()).group(1))
    assert repo.splitlines()[first - 1].lstrip().startswith("def _update")
    band = app.evaluate("() => [document.querySelector('.teach-src-band').getBoundingClientRect().top,"
                        " document.querySelector('.teach-src-code code').getBoundingClientRect().top]")
    assert abs(band[0] - band[1] - (first - 1) * 18) <= 1
    for name in sorted(p.relative_to(ROOT / "nn").as_posix() for p in (ROOT / "nn").rglob("*.py")):
        app.get_by_label("Source file").select_option(name)
        app.wait_for_function(f"() => document.querySelector('#panel-source').dataset.file === '{name}'")
        loaded = app.evaluate(f"() => pyodide.FS.readFile('/app/nn/{name}', {{encoding: 'utf8'}})")
        assert app.locator("#panel-source code").text_content() == loaded, name
    assert app.watch.csp_violations() == []


def test_resets_do_not_grow_the_proxies(app):
    before = state(app)["proxies"]
    fresh(app, "moons", 1)
    app.get_by_role("button", name="Take one step").click()
    app.keyboard.press("r")
    fresh(app, "xor", 1)
    wait_state(app, "s.epoch === 1")
    assert state(app)["proxies"] == before


def test_the_highlighter_loads_from_file_url(new_page, dist, wait_ready):
    page = new_page()
    page.goto((dist / "index.html").as_uri())
    wait_ready(page)
    show_panels(page)
    page.wait_for_function("() => document.querySelectorAll('#panel-source code span.hljs-keyword').length > 10")
    assert page.evaluate("() => typeof window.hljs.highlight") == "function"
    page.context.close()


def test_the_code_is_shown_before_the_highlighter_comes_and_coloured_when_it_does(new_page, server, wait_ready):
    """highlight.js loads once the page is up: a code panel opened before shows the file's text as
    it is, and colours it when highlight.js comes, as does the editor of "Break it"."""
    page = new_page()
    held = []
    page.route("**/highlight.min.js", lambda route: held.append(route))
    page.goto(server)
    wait_ready(page)
    show_panels(page)
    assert page.evaluate("() => window.hljs") is None and not page.evaluate("window.boot.laterLoaded")
    code = page.locator("#panel-source code")
    shown = page.locator("#panel-source").get_attribute("data-file")
    loaded = page.evaluate(f"() => pyodide.FS.readFile('/app/nn/{shown}', {{encoding: 'utf8'}})")
    assert code.text_content() == loaded and code.locator("span").count() == 0  # plain, all of it
    page.get_by_role("button", name="Edit code").click()
    editor = page.locator("#panel-source .code-edit-pre")
    typed = page.locator("#panel-source .code-edit-area").input_value()
    assert typed.strip() and editor.text_content().rstrip() == typed.rstrip() and editor.locator("span").count() == 0
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for highlight.js"
    held[0].continue_()
    page.wait_for_function("() => document.querySelectorAll('#panel-source code span.hljs-keyword').length > 20")
    shown = page.locator("#panel-source").get_attribute("data-file")  # (Edit code shows the function's file)
    loaded = page.evaluate(f"() => pyodide.FS.readFile('/app/nn/{shown}', {{encoding: 'utf8'}})")
    assert code.text_content() == loaded  # the same text, coloured
    page.wait_for_function("() => document.querySelectorAll('#panel-source .code-edit-pre span.hljs-keyword').length > 0")
    assert editor.text_content().rstrip() == typed.rstrip()
    assert page.evaluate("window.boot.laterLoaded")
    page.context.close()


def test_each_stage_the_landscape_and_the_source_look_right_on_screen(app):
    fresh(app, "spiral", 40)
    ref = reference(state(app)["config"], 40)
    click_point(app, ref, isolated_point(ref))
    app.get_by_role("button", name="Take one step").click()
    app.locator("#panel-step .teach-stage[data-stage='0']").click()
    for k, stage in enumerate(et.STAGES):
        app.locator(f"#panel-step .teach-stage[data-stage='{k}']").click()
        shot(app, "#panel-step", f"step-{k + 1}-{stage}", 2200)
    app.locator("#panel-step .teach-stage[data-stage='0']").click()
    shot(app, "#panel-step", "step-pulse", 600)
    app.locator("#panel-landscape").scroll_into_view_if_needed()
    app.wait_for_function("() => !document.querySelector('#panel-landscape .teach-primary').disabled", timeout=30_000)
    app.get_by_role("button", name="Take 15 steps").click()
    shot(app, "#panel-landscape", "landscape", 1500)
    app.locator("#panel-step .teach-stage[data-stage='2']").click()
    app.locator("#panel-step .teach-code").click()
    shot(app, "#panel-source", "source", 800)


def test_the_panels_are_built_only_when_the_learner_scrolls_near_them(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(server)
    wait_ready(page)
    page.wait_for_timeout(500)
    assert page.evaluate("() => document.querySelectorAll('#panels > section').length") == 0
    show_panels(page)
    page.context.close()


@pytest.mark.parametrize("name", optim.NAMES)
def test_every_optimizer_is_offered_with_its_settings_and_its_update_explained(app, name):
    """The menu, the settings and the update stage come from each optimizer's record: one defined
    in nn/optim.py is offered, set and explained with no edit to the page's code."""
    menu = app.evaluate("() => Array.from(document.querySelectorAll('#optimizer option'), o => [o.value, o.textContent])")
    assert menu == [[key, cls.name] for key, cls in optim.OPTIMIZERS.items()]
    app.get_by_role("combobox", name="Optimizer", exact=True).select_option(name)
    wait_state(app, f"s.config.optimizer === '{name}'")
    labels = app.evaluate("() => Array.from(document.querySelectorAll('#optimizer-options [data-key]'), e => e.dataset.key)")
    assert labels == [st.key for st in optim.lookup(name).SETTINGS if st.shown]
    s = fresh(app, "xor", 2)
    ref = reference(s["config"], 2)
    rec = explain.explain_step(ref)
    weight = explain.largest_weight_gradient(rec.grads)
    detail = explain.update_detail(rec, *weight)
    app.get_by_role("button", name="Take one step").click()
    wait_state(app, f"s.steps === {ref.steps}")
    app.locator("#panel-step .teach-stage[data-stage='3']").click()
    app.wait_for_function("() => document.querySelector('#panel-step').dataset.stage === 'update'")
    shown = app.evaluate(STEP_LINES)
    point = explain.sample_trace(rec, ("train", 0))
    expected = [line for b in et.stage_blocks("update", rec, point, (0, 0), weight, detail, kind=ref.kind,
                                              n_classes=ref.n_classes, feats=ref.features) for line in b.lines()]
    assert shown == expected, f"{name}: page vs CPython"
    assert shown[0].startswith(f"{optim.lookup(name).name}: ")
    assert any(line.startswith("w ← ") for line in shown)
