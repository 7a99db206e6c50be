"""Links in a real browser (issue 13 §1-2): Copy link puts the address on the clipboard (over http
and file://, and where the browser refuses, the link is shown selected); a link gives the same run,
epoch by epoch; a bad link never breaks the page; a class link hides what it names, keeps the
hidden settings, and shows its note as text; the dialog that makes one is usable by keyboard."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from pagekit import offline_page, state, step_epochs, wait_state

from nn import Session, optim

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
from playground.logic import link  # noqa: E402
from playground.panels import PANELS  # noqa: E402

pytestmark = pytest.mark.browser

CLIPBOARD = ["clipboard-read", "clipboard-write"]
# every part of the page a test should find where it was: a status must not push anything aside
# (not the teaching panels': they are built a few idle seconds after the page is ready, whenever that
# comes, once between two readings on a busy machine; they sit below the rest, whose boxes show a shift)
BOXES = """() => Array.from(document.querySelectorAll('#app button, #app select, #app canvas, #app input'))
    .filter(e => !e.closest('#panels'))
    .map(e => { const r = e.getBoundingClientRect(); return [e.id, r.x, r.y, r.width, r.height]; })"""
# a field to paste into: what Ctrl+V gives is what the clipboard holds, whatever the page's API allows
PASTE = """() => { const t = document.createElement('textarea'); t.id = 'paste-here';
    document.body.append(t); t.focus(); }"""


def pasted(page):
    page.evaluate(PASTE)
    page.keyboard.press("Control+V")
    text = page.evaluate("() => { const t = document.getElementById('paste-here'); const v = t.value; t.remove(); "
                         "return v; }")
    return text


def done(page):
    """The page saw no error (pages from new_page are not watched by the fixtures), then closes."""
    errors = page.watch.errors
    page.context.close()
    assert errors == [], errors


def select(page, name, value):
    page.get_by_role("combobox", name=name, exact=True).select_option(str(value))


# -- Copy link ------------------------------------------------------------------------------------------
def test_copy_link_copies_the_address_and_nothing_moves(new_page, server, wait_ready):
    page = new_page(permissions=CLIPBOARD, viewport={"width": 1440, "height": 900})
    page.goto(server + "#dataset=moons")
    wait_ready(page)
    select(page, "Learning rate", "0.1")
    page.wait_for_function("() => location.hash.includes('lr=0.1')")
    before = page.evaluate(BOXES)
    page.get_by_role("button", name="Copy link", exact=True).click()
    page.wait_for_function("() => document.getElementById('carry-status').textContent === 'Copied'")
    assert page.evaluate(BOXES) == before  # "Copied" sits in the room kept for it
    href = page.evaluate("location.href")
    assert href.endswith("#dataset=moons&lr=0.1")
    assert page.evaluate("navigator.clipboard.readText()") == href
    page.wait_for_function("() => document.getElementById('carry-status').textContent === ''", timeout=5000)
    assert page.evaluate(BOXES) == before
    done(page)


def test_copy_link_works_from_the_usb_copy(dist, new_page, wait_ready):
    page = offline_page(new_page, permissions=CLIPBOARD)
    page.goto((dist / "index.html").as_uri() + "#dataset=xor&lr=0.3")
    wait_ready(page)
    assert page.evaluate("window.boot.mode") == "file"
    page.get_by_role("button", name="Copy link", exact=True).click()
    page.wait_for_function("() => document.getElementById('carry-status').textContent === 'Copied'")
    expected = (dist / "index.html").as_uri() + "#dataset=xor&lr=0.3"
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert pasted(page) == expected
    assert page.blocked == []
    done(page)


def test_without_the_clipboard_api_the_old_copy_command_copies(dist, new_page, wait_ready):
    """A browser without navigator.clipboard (or one that keeps it from file://): the page copies
    with a selected field and the copy command."""
    page = new_page()
    page.context.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});")
    page.goto((dist / "index.html").as_uri() + "#lr=0.3&note=hello")
    wait_ready(page)
    assert page.evaluate("navigator.clipboard") is None
    page.get_by_role("button", name="Copy link", exact=True).click()
    page.wait_for_function("() => document.getElementById('carry-status').textContent === 'Copied'")
    assert page.evaluate("document.activeElement.id") == "copy-link"  # focus came back from the field
    assert pasted(page) == (dist / "index.html").as_uri() + "#lr=0.3&note=hello"
    done(page)


def test_where_the_browser_refuses_to_copy_the_link_is_shown_selected(server, new_page, wait_ready):
    page = new_page()
    page.context.add_init_script("""
        Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => ({
            writeText: () => Promise.reject(new DOMException('refused', 'NotAllowedError'))})});
        document.execCommand = () => false;""")
    page.goto(server + "#lr=0.3")
    wait_ready(page)
    page.get_by_role("button", name="Copy link", exact=True).click()
    dialog = page.get_by_role("dialog", name="Copy the link")
    dialog.wait_for()
    assert "press Ctrl+C" in " ".join(dialog.inner_text().split())
    field = page.locator("#copy-dialog-link")
    href = page.evaluate("location.href")
    assert field.input_value() == href
    assert page.evaluate("""() => { const a = document.activeElement;
        return [a.id, a.selectionStart, a.selectionEnd]; }""") == ["copy-dialog-link", 0, len(href)]
    assert page.inner_text("#carry-status") == ""  # nothing claims it was copied
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "copy-link"
    done(page)


# -- the same run from the same link -------------------------------------------------------------------
def test_a_link_gives_the_same_losses_for_100_epochs(new_page, server, wait_ready):
    page = new_page()
    page.goto(server)
    wait_ready(page)
    select(page, "Dataset", "moons")
    select(page, "Optimizer", "sgd")
    select(page, "Learning rate", "0.1")
    page.get_by_role("button", name="Remove a neuron in layer 2").click()
    page.wait_for_function("() => location.hash.includes('hidden=8,7')")
    first = step_epochs(page, 100)
    assert (first["config"]["dataset"], first["config"]["optimizer"], first["config"]["lr"],
            first["config"]["hidden"]) == ("moons", "sgd", 0.1, [8, 7])
    url = page.url
    done(page)

    again = new_page()  # a fresh context: nothing carried over but the address
    again.goto(url)
    wait_ready(again)
    assert state(again)["config"] == first["config"] and state(again)["epoch"] == 0
    second = step_epochs(again, 100)
    history_a, history_b = first["history"], second["history"]
    assert history_a["epoch"] == history_b["epoch"] and history_a["epoch"][-1] == 100
    assert len(history_a["epoch"]) == 101  # every epoch from 0 to 100 is compared
    for name in ("train_loss", "test_loss"):
        mismatched = [(e, a, b) for e, a, b in zip(history_a["epoch"], history_a[name], history_b[name]) if a != b]
        assert mismatched == [], f"{name}: first epochs that differ (epoch, first page, second page): {mismatched[:3]}"
    done(again)


# -- bad links ------------------------------------------------------------------------------------------
def test_every_kind_of_bad_link_is_named_and_the_rest_applies(new_page, server, wait_ready):
    markup = '<img src=x onerror="window.__ran = 1"><b>bold</b> <script>window.__ran = 2</script>'
    note = markup + " " + "x" * 400
    text = ("#dataset=xor&bogus=1&lr=abc&hidden=8,999&seed=-3&nesterov=maybe&momentum=2"
            "&hide=lr,optimiser,<i>x</i>&note=" + quote(note, safe=""))
    page = new_page()
    page.goto(server + text)
    wait_ready(page)
    s = state(page)
    assert s["config"]["dataset"] == "xor" and s["config"]["lr"] == 0.01 and s["sizes"] == [2, 4, 1]  # defaults fill the gaps
    message = page.locator("#message")
    assert message.is_visible()
    words = message.inner_text()
    for part in ("Part of the link was not used",
                 "'bogus' is not a setting",                                                  # an unknown key
                 "lr = 'abc' is not allowed; allowed: a number from 0 to 100",               # the wrong type
                 "hidden = [8, 999] is not allowed",                                           # out of range
                 "seed = -3 is not allowed; allowed: a whole number from 0 to 4294967295",
                 "nesterov = 'maybe' is not allowed; allowed: true or false",
                 "momentum = 2.0 is not allowed",
                 "hide= names '<i>x</i>', 'optimiser', which the page does not have to hide",  # a bad hide name
                 "it can hide: dataset, noise",
                 f"note is {len(note)} characters long; a note holds at most 300",             # a long note
                 "The rest of the link applies"):
        assert part in words, f"{part!r} is not in the message: {words}"
    assert not page.locator("#lr").is_visible()  # the good hide= name applied
    shown = note[:300]  # the first 300 characters, as text: the markup is not made into elements
    assert page.locator("#class-note-text").inner_text() == shown
    assert page.evaluate("document.querySelectorAll('#class-note *').length") == 1  # the <p> alone
    assert page.evaluate("window.__ran === undefined && document.querySelector('#class-note img') === null")
    done(page)


def test_a_garbled_link_does_not_break_the_page(new_page, server, wait_ready):
    page = new_page()
    page.goto(server + "#%E0%A4%A&&==&lr&=%%%zz&hide=%FF%FE,&note=%C0%AF&&dataset=circle&x=%")
    wait_ready(page)
    assert state(page)["config"]["dataset"] == "circle"
    words = page.locator("#message").inner_text()
    assert "Part of the link was not used" in words and "lr = '' is not allowed" in words
    assert "which the page does not have to hide" in words
    assert page.locator("#class-note-text").inner_text() == "\ufffd\ufffd"  # bytes that are no text, shown as such
    assert step_epochs(page, 2)["epoch"] == 2  # and the page goes on working
    done(page)


# -- class links ------------------------------------------------------------------------------------------
def test_each_name_a_class_link_hides_is_a_part_of_the_page(new_page, server, wait_ready):
    """Each name hideable() offers marks something on the page, and hiding it removes it."""
    page = new_page()
    page.goto(server)
    wait_ready(page)
    marked = set(page.evaluate("Array.from(document.querySelectorAll('[data-control]'), e => e.dataset.control)"))
    assert page.evaluate("Array.from(document.querySelectorAll('[data-control]')).every(e => e.checkVisibility())")
    settings = {s.key for o in optim.OPTIMIZERS.values() for s in o.SETTINGS if s.shown}  # built per optimizer
    assert marked | settings | {"activation"} | set(PANELS) == set(link.hideable(PANELS))
    done(page)

    everything_but_the_optimizer = [n for n in link.hideable(PANELS) if n != "optimizer"]
    page = new_page()
    page.goto(server + "#hide=" + ",".join(everything_but_the_optimizer))
    wait_ready(page)
    assert not page.locator("#message").is_visible()
    assert page.evaluate("Array.from(document.querySelectorAll('[data-control]'))"
                         ".filter(e => e.checkVisibility()).map(e => e.dataset.control)") == ["optimizer"]
    assert page.evaluate("document.querySelectorAll('#layer-controls select, #layer-controls button').length") == 0
    for name in optim.OPTIMIZERS:  # no optimizer shows a setting
        select(page, "Optimizer", name)
        assert page.evaluate("document.querySelectorAll('#optimizer-options [data-key]').length") == 0, name
    page.locator("#panels").scroll_into_view_if_needed()
    page.locator("footer").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert page.evaluate("document.querySelectorAll('#panels > section').length") == 0
    assert page.get_by_role("button", name="Play", exact=True).is_visible()  # training itself is never hidden
    done(page)


def test_hidden_controls_keep_their_values(new_page, server, wait_ready):
    setup = {"dataset": "moons", "optimizer": "sgd", "lr": 0.3, "momentum": 0.9, "hidden": [6, 3],
             "activation": "relu", "features": ["x1", "x2", "x1*x2"], "batch_size": 16}
    hide = ("dataset", "features", "hidden", "activation", "optimizer", "lr", "momentum", "step", "landscape")
    text = "#dataset=moons&optimizer=sgd&lr=0.3&momentum=0.9&hidden=6,3&activation=relu&features=x1,x2,x1%2Ax2" \
           "&batch_size=16&hide=" + ",".join(hide) + "&note=Watch%20momentum%20at%20work"
    page = new_page()
    page.goto(server + text)
    wait_ready(page)
    s = state(page)
    assert {k: s["config"][k] for k in setup} == setup and s["sizes"] == [3, 6, 3, 1]
    for id_ in ("dataset", "features", "optimizer", "lr", "add-layer"):
        assert not page.locator(f"#{id_}").is_visible(), id_
    assert page.locator("#batch_size").is_visible() and page.locator("#noise").is_visible()
    assert page.evaluate("document.querySelectorAll('#optimizer-options [data-key=momentum]').length") == 0
    assert page.evaluate("document.querySelectorAll('#optimizer-options [data-key=nesterov]').length") == 1
    assert page.locator("#class-note-text").inner_text() == "Watch momentum at work"
    ref = Session(setup)  # the same setup in CPython: the hidden settings are what trains
    losses = []
    for _ in range(5):
        ref.step(1, until_stop=False)
        losses.append(ref.metrics()["train_loss"])
    got = step_epochs(page, 5)["history"]["train_loss"][1:]
    assert got == pytest.approx(losses, rel=1e-12)
    select(page, "Batch size", "8")  # a shown control changes; the hidden ones keep their values
    s = wait_state(page, "s.config.batch_size === 8")
    assert {k: s["config"][k] for k in setup if k != "batch_size"} == {k: v for k, v in setup.items() if k != "batch_size"}
    address = page.evaluate("location.hash")
    assert address.endswith("&batch_size=8&hide=" + ",".join(n for n in link.hideable(PANELS) if n in hide)
                            + "&note=Watch%20momentum%20at%20work"), address
    done(page)


def test_the_class_link_dialog_makes_a_class_link(new_page, server, wait_ready):
    page = new_page(permissions=CLIPBOARD)
    page.goto(server + "#dataset=xor&lr=0.03")
    wait_ready(page)
    page.locator("#copy-link").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "class-link"  # reached by keyboard
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Make a class link")
    dialog.wait_for()
    boxes = dialog.get_by_role("checkbox")
    assert boxes.count() == len(link.hideable(PANELS))
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))  # nothing hidden yet
    for label in ("Learning rate", "Optimizer", "Gradient check"):
        dialog.get_by_role("checkbox", name=label, exact=True).uncheck()
    note = "Find a learning rate that works. <b>Not bold</b> & not a tag"
    dialog.get_by_role("textbox", name="Note at the top of the page").fill(note)
    preview = page.locator("#class-link-preview").input_value()
    assert preview.startswith(server) and "#dataset=xor&lr=0.03&hide=optimizer,lr,gradcheck&note=Find" in preview
    dialog.get_by_role("button", name="Copy link", exact=True).click()
    page.wait_for_function("() => document.getElementById('class-status').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == preview
    assert page.evaluate("document.activeElement.id") == "class-copy"
    page.keyboard.press("s")  # the page's own keys wait while the dialog is open
    page.wait_for_timeout(200)
    assert state(page)["epoch"] == 0
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "class-link"  # focus is back where it was
    done(page)

    student = new_page()
    student.goto(preview)
    wait_ready(student)
    s = state(student)
    assert (s["config"]["dataset"], s["config"]["lr"]) == ("xor", 0.03)
    assert student.locator("#class-note-text").inner_text() == note
    assert student.evaluate("document.querySelector('#class-note b')") is None
    assert not student.locator("#lr").is_visible() and not student.locator("#optimizer").is_visible()
    assert student.locator("#dataset").is_visible()
    student.locator("footer").scroll_into_view_if_needed()
    student.wait_for_function(f"() => document.querySelectorAll('#panels > section').length === {len(PANELS) - 1}")
    titles = student.evaluate("Array.from(document.querySelectorAll('#panels > section h2'), h => h.textContent)")
    assert titles == [t for n, t in PANELS.items() if n != "gradcheck"]  # the dialog's names are the panels' own
    done(student)


def test_a_class_link_opens_from_the_usb_copy(dist, new_page, wait_ready):
    page = offline_page(new_page, permissions=CLIPBOARD)
    url = (dist / "index.html").as_uri() + "#dataset=circle&optimizer=sgd&hide=features,optimizer,lr,step" \
                                           "&note=Circle%20day%3A%20%3Ci%3Eread%3C%2Fi%3E%20the%20boundary."
    page.goto(url)
    wait_ready(page)
    assert page.evaluate("window.boot.mode") == "file"
    s = state(page)
    assert (s["config"]["dataset"], s["config"]["optimizer"]) == ("circle", "sgd")
    assert page.locator("#class-note-text").inner_text() == "Circle day: <i>read</i> the boundary."
    for id_ in ("optimizer", "lr", "features"):
        assert not page.locator(f"#{id_}").is_visible(), id_
    assert not page.locator("#message").is_visible()
    page.get_by_role("button", name="Copy link", exact=True).click()  # a student passes it on: the same link
    page.wait_for_function("() => document.getElementById('carry-status').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.blocked == []
    done(page)
