"""Audit a point: click any data point to follow it through the network, layer by layer, with the
current weights: every neuron's z = Σ wᵢaᵢ + b and a = f(z) written out, its δ, its gradients,
and the point's loss. Every number is nn.explain.audit's."""

from nn import explain

from ..logic import explain_text
from .common import Refresh, el, header

RUNNING_EVERY_MS = 1000   # while training, refresh at most this often (and only when on screen)


class Panel:
    name = "audit"

    def __init__(self, app, section):
        self.app, self.section = app, section
        self.point, self._refresh = None, Refresh(RUNNING_EVERY_MS)
        header(app, section, "audit",
               lambda: ("core/mlp.py", "MLP.backprop", "one point's forward and backward pass"), "Click any point on the output to follow it through the network with the "
                                       "current weights: each neuron's sum, activation, δ and gradients, symbolically "
                                       "and with the numbers. Open a neuron to see its arithmetic.")
        self.intro = el("p", section, "teach-p teach-audit-intro")
        self.body = el("div", section, "teach-audit teach-scroll")
        self._update()

    def select(self, point):
        self.point = point
        self._update()

    def render(self, session, grid):
        if self._refresh.due(self.app, self.section, self._key()):
            self._update()

    def reset(self, session):
        self.point = self.app.selected
        self._update()

    def _key(self):
        s = self.app.session
        return s.version, self.point

    def _update(self):
        s = self.app.session
        self._refresh.done(self._key())
        point = self.point or ("train", 0)
        a = explain.audit(s, point)
        net = s.net
        opened = {str(d.dataset.key) for d in self.body.querySelectorAll("details[open]")} if self.body.firstChild \
            else {"0-0"}
        self.intro.textContent = explain_text.audit_intro(a, s.kind, s.n_classes, s.features) + (
            "" if self.point else " (Click a point on the output to pick another.)")
        self.body.replaceChildren()
        layers = explain_text.audit_layers(list(net.params), a, net.sizes, net.activation, net.output,
                                           net.negative_slope, s.features)
        for l, (title, neurons) in enumerate(layers):
            el("h4", self.body, "teach-h", title)
            for j, (summary, lines) in enumerate(neurons):
                key = f"{l}-{j}"
                d = el("details", self.body, None, data_key=key)
                if key in opened:
                    d.open = True
                el("summary", d, None, summary)
                for line in lines:
                    el("div", d, "teach-eq", line)
        el("h4", self.body, "teach-h", f"The loss of this point ({s.loss})")
        for line in explain_text.loss_lines(a, s.loss, net.output):
            el("div", self.body, "teach-eq", line)
