"""Gradient check: backpropagation against the definition of a derivative. Live, the two-point
central difference [L(w+ε) − L(w−ε)] / 2ε (nn.gradcheck.two_point) for the weight with the
largest |∂L/∂w|; on demand, nn.gradcheck's four-point check of every parameter."""
from js import performance, window

from nn import explain

from ..logic import code_edit, explain_text
from .common import Refresh, el, header, show_blocks

RUNNING_EVERY_MS = 700


class Panel:
    name = "gradcheck"

    def __init__(self, app, section):
        self.app, self.section = app, section
        self._refresh, self._full_key = Refresh(RUNNING_EVERY_MS), None
        header(app, section, "grad", lambda: ("core/gradcheck.py", "two_point", "the central difference"),
               "Is backpropagation right? Check it against the definition of a derivative: nudge one weight by ±ε, "
           "measure the loss on the whole training split, and compare the slope with backprop's ∂L/∂w. "
           "Live, for the weight with the largest |∂L/∂w| (dropout off).")
        self.live = el("div", section, "teach-body")
        bar = el("div", section, "teach-controls")
        self.button = el("button", bar, "teach-primary", "Check every parameter", type="button")
        self.status = el("span", bar, "teach-small")
        self.full = el("div", section, "teach-body teach-full", aria_live="polite")
        app.proxies.listen(self.button, "click", lambda e: self._start_full())
        self._run_full = app.proxies.hold(lambda *args: self._full())
        self._update()

    def render(self, session, grid):
        if self._refresh.due(self.app, self.section, session.version):
            self._update()

    def reset(self, session):
        self.full.replaceChildren()
        self.status.textContent = ""
        self._update()

    def _update(self):
        s = self.app.session
        self._refresh.done(s.version)
        c = explain.live_check(s)
        lines = explain_text.live_check_lines(c, s.net.sizes, s.features)
        self.live.replaceChildren()
        for line in lines[:-1]:
            el("div", self.live, "teach-eq", line)
        verdict = "" if c["too_large"] else ("ok" if c["relative_error"] <= 1e-6 else "bad")  # no verdict when it cannot tell
        el("div", self.live, f"teach-eq teach-verdict {verdict}", lines[-1])
        if verdict == "bad" and code_edit.check_note(c["relative_error"]):  # the learner's edit: point at it
            el("p", self.live, "teach-p teach-edited", code_edit.check_note(c["relative_error"]))
        if self._full_key is not None and self._full_key != self._refresh.key:
            self.status.textContent = "The weights changed since the full check below: check again."

    def _start_full(self):
        s = self.app.session
        self.button.disabled = True
        self.status.textContent = (f"Checking {explain.check_parameters(s):,} of {s.net.n_params:,} parameters on "
                                   f"{explain.check_points(s)} points: "
                                   f"4 loss evaluations each…")
        window.setTimeout(self._run_full, 30)   # let the message show first

    def _full(self):
        s = self.app.session
        t0 = performance.now()
        try:
            r = explain.full_check(s)
        finally:
            self.button.disabled = False
        self._full_key = s.version
        show_blocks(self.full, explain_text.full_check_blocks(r, s.net.sizes, s.net.activation, s.features))
        verdict = self.full.querySelectorAll(".teach-eq")[1]
        if not r["too_large"]:  # no verdict when finite differences cannot tell
            verdict.classList.add("teach-verdict", "ok" if r["largest"] <= explain_text.TOLERANCE else "bad")
        ms = performance.now() - t0
        took = f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
        self.status.textContent = f"Checked at epoch {s.epoch}, in {took}."
