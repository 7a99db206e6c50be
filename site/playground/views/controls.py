"""The controls: every input on the page, bound to one `apply(changes)` and kept in sync with
the session's config. What each control offers comes from tables here and in nn.config."""
import re
from js import document

from nn import config, datasets, features, optim

from ..logic import menus, own_data, typed
from .dom import by_id

LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, menus.FULL_BATCH]
PENALTY_RATES = [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
DROPOUTS = [0.0, 0.1, 0.2, 0.3, 0.5]
# the activation, dataset and output menus, made from the engine's records (see menus.py)
ACTIVATIONS, DATASET_LABELS, OUTPUTS = menus.ACTIVATIONS, menus.DATASET_LABELS, menus.OUTPUTS
MAX_LAYERS = menus.MAX_LAYERS  # nn.limits; the widest layer is menus.width_limit(dataset)


def _append_label(parent, text):
    """A label's text as one span, its Greek letters in inner spans the labels' capitals leave alone
    (β₁, not Β₁)."""
    words = document.createElement("span")
    for part in re.split(r"([\u0370-\u03ff]+)", text):
        if not part:
            continue
        if re.fullmatch(r"[\u0370-\u03ff]+", part):
            span = document.createElement("span")
            span.className = "greek"
            span.textContent = part
            words.append(span)
        else:
            words.append(document.createTextNode(part))
    parent.append(words)


def _options(select, items, selected):
    """Fill a <select> with (value, label) items; the selected value is added if missing."""
    values = [str(v) for v, _ in items]
    if str(selected) not in values:
        items = sorted([*items, (selected, _fmt(selected))], key=lambda it: _sort_key(it[0]))
    select.replaceChildren()
    for value, label in items:
        opt = document.createElement("option")
        opt.value, opt.textContent = str(value), label
        select.append(opt)
    select.value = str(selected)


def _sort_key(v):
    try:
        return (0, float(v))
    except (TypeError, ValueError):
        return (1, str(v))


def _sentence(help_text):
    """A config key's help as a sentence on the page: "digits only: each ..." -> "Each ...". (The
    control is shown only where its key applies, so the scope goes without saying.)"""
    _, sep, text = help_text.partition(": ")
    text = text if sep else help_text
    return f"{text[:1].upper()}{text[1:]}."


def _fmt(v):
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def optimizer_menu(select, selected):
    """The optimizer menu, from the optimizers' records (nn.optim): the playground's and each race lane's."""
    _options(select, [(n, cls.name) for n, cls in optim.OPTIMIZERS.items()], selected)


def rate_menu(select, selected):
    """The learning-rate menu (a rate not in it, from a link, is added)."""
    _options(select, [(v, _fmt(v)) for v in LEARNING_RATES], selected)


def optimizer_settings(box, name, values, hidden=frozenset(), prefix=""):
    """Fill `box` with a control for each setting optimizer `name` offers (its SETTINGS record), showing
    `values` (keyed as the config keys them; None: the optimizer's own). Each control carries its key in
    data-key; `prefix` goes before each accessible name ("Lane 2 " names a race lane's). Settings whose key
    is in `hidden` (a class link's hide=) are left out."""
    box.replaceChildren()
    for setting in optim.lookup(name).SETTINGS:  # the optimizer's own record
        if not setting.shown or setting.key in hidden:
            continue
        key, label = setting.key, setting.label
        value = values.get(key)
        if setting.kind == "bool":
            wrap = document.createElement("label")
            wrap.className = "check"
            box_ = document.createElement("input")
            box_.type = "checkbox"
            box_.dataset.key = key
            box_.checked = bool(value)
            box_.setAttribute("aria-label", prefix + label)
            wrap.append(box_, document.createTextNode(" " + label))
            box.append(wrap)
            continue
        wrap = document.createElement("label")
        wrap.className = "field"
        _append_label(wrap, label)
        sel = document.createElement("select")
        sel.dataset.key = key
        sel.setAttribute("aria-label", prefix + label)
        items = [("" if v is None else v, "default" if v is None else _fmt(v)) for v in setting.offered]
        _options(sel, items, "" if value is None else value)
        wrap.append(sel)
        box.append(wrap)


class Controls:
    def __init__(self, proxies, apply, on_reset, on_play, on_step, on_speed):
        self.apply = apply
        self.config = None
        self.hidden = frozenset()  # the controls a class link hides (their settings still apply)
        self.width_limit = menus.width_limit("spiral")
        listen = proxies.listen
        listen(by_id("play"), "click", lambda e: on_play())
        listen(by_id("step"), "click", lambda e: on_step())
        listen(by_id("reset"), "click", lambda e: on_reset())
        listen(by_id("speed"), "change", lambda e: on_speed(int(e.target.value)))
        _options(by_id("dataset"), [(n, DATASET_LABELS[n]) for n in datasets.NAMES], "spiral")
        optimizer_menu(by_id("optimizer"), "adam")
        for key, cast in (("dataset", str), ("lr", float), ("optimizer", str), ("batch_size", int),
                          ("dropout", float), ("schedule", str)):
            listen(by_id(key), "change", self._setter(key, cast))
        listen(by_id("penalty"), "change", lambda e: self._penalty())
        listen(by_id("penalty_rate"), "change", lambda e: self._penalty())
        listen(by_id("output"), "change", self._output)
        for key, label_id, cast, fmt in (("noise", "noise-value", float, "{:.2f}"),
                                         ("n", "n-value", int, "{}"),
                                         ("train_fraction", "train-value", float, "{:.0%}")):
            listen(by_id(key), "input", self._live_label(label_id, cast, fmt))
            listen(by_id(key), "change", self._setter(key, cast))
        listen(by_id("augment"), "change", lambda e: self.apply({"augment": bool(e.target.checked)}))
        by_id("augment-help").textContent = _sentence(config.BY_NAME["augment"].help)
        listen(by_id("seed"), "change", self._seed)
        listen(by_id("regenerate"), "click", lambda e: self.apply({"seed": menus.next_seed(self.config["seed"])}))
        listen(by_id("add-layer"), "click", lambda e: self._layers(+1))
        listen(by_id("remove-layer"), "click", lambda e: self._layers(-1))
        self._layer_box = by_id("layer-controls")
        self._feature_box = by_id("features")
        listen(self._layer_box, "click", self._layer_click)
        listen(self._layer_box, "change", self._layer_change)
        listen(self._feature_box, "change", self._feature_change)
        self._optimizer_box = by_id("optimizer-options")
        listen(self._optimizer_box, "change", self._optimizer_setting)

    # -- from the page to the session --------------------------------------------------------------
    def _setter(self, key, cast):
        return lambda event: self.apply({key: cast(event.target.value)})

    def _live_label(self, label_id, cast, fmt):
        def show(event):
            by_id(label_id).textContent = fmt.format(cast(event.target.value))
        return show

    def _seed(self, event):
        # digits become a number; anything else stays text, refused by the config check by name
        self.apply({"seed": typed.whole_number(event.target.value)})

    def _penalty(self):
        kind, rate = by_id("penalty").value, float(by_id("penalty_rate").value)
        self.apply({"l1": rate if kind == "l1" else 0.0, "l2": rate if kind == "l2" else 0.0})

    def _output(self, event):
        output, loss = event.target.value.split("/")
        self.apply({"output": output, "loss": loss})

    def _layers(self, delta):
        hidden = list(self.config["hidden"])
        if delta > 0 and len(hidden) < MAX_LAYERS:
            hidden.append(hidden[-1] if hidden else 4)
        elif delta < 0 and hidden:
            hidden.pop()
        else:
            return
        acts = self.config["activation"]
        change = {"hidden": hidden}
        if isinstance(acts, list):
            change["activation"] = (acts + [acts[-1] if acts else "tanh"])[:len(hidden)]
        self.apply(change)

    def _layer_click(self, event):
        button = event.target.closest("button")
        if button is None:
            return
        l, delta = int(button.dataset.layer), int(button.dataset.delta)
        hidden = list(self.config["hidden"])
        width = hidden[l] + delta
        if menus.width_allowed(width, delta, self.width_limit):
            hidden[l] = width
            self.apply({"hidden": hidden})

    def _layer_change(self, event):
        if event.target.tagName != "SELECT":
            return
        l = int(event.target.dataset.layer)
        acts = self.config["activation"]
        acts = list(acts) if isinstance(acts, list) else [acts] * len(self.config["hidden"])
        acts[l] = event.target.value
        self.apply({"activation": acts[0] if len(set(acts)) == 1 else acts})

    def _optimizer_setting(self, event):
        target = event.target
        key = target.dataset.key
        if target.type == "checkbox":
            self.apply({key: bool(target.checked)})
        else:
            self.apply({key: None if target.value == "" else float(target.value)})

    def _feature_change(self, event):
        chosen = [box.value for box in self._feature_box.querySelectorAll("input:checked")]
        self.apply({"features": chosen})

    def hide(self, names):
        """Hide the controls and page areas named (a class link's hide=): those marked
        data-control in the page now, and those built at each sync (optimizer settings, layer
        buttons and menus) as they are built. Their values stay and still apply."""
        self.hidden = frozenset(names)
        for el in document.querySelectorAll("[data-control]"):
            el.classList.toggle("link-hidden", el.dataset.control in self.hidden)

    # -- from the session to the page ----------------------------------------------------------------
    def adopt(self, session):
        """The controls as the build filled them (scripts/first_paint.py ran sync for this very
        config over a stand-in DOM): what sync would show, kept without building it all again
        while the page starts (tests/browser/test_first_paint.py holds the two equal)."""
        self.config = session.config
        self.width_limit = menus.width_limit(session.config["dataset"])

    def sync(self, session):
        """Show the session's config in every control (after any change, or a refused one)."""
        c = session.config
        self.config = c
        self.width_limit = menus.width_limit(c["dataset"])
        by_id("dataset").value = c["dataset"]
        rate_menu(by_id("lr"), c["lr"])
        by_id("optimizer").value = c["optimizer"]
        by_id("schedule").value = c["schedule"]
        self._sync_optimizer_settings(c)
        _options(by_id("batch_size"), [(v, "all" if v == menus.FULL_BATCH else str(v)) for v in BATCH_SIZES],
                 c["batch_size"])
        _options(by_id("dropout"), [(v, "none" if v == 0 else f"{v:.0%}") for v in DROPOUTS], c["dropout"])
        kind = "l1" if c["l1"] else ("l2" if c["l2"] else "none")
        by_id("penalty").value = kind
        rate = c["l1"] or c["l2"] or 0.001
        _options(by_id("penalty_rate"), [(v, _fmt(v)) for v in PENALTY_RATES], rate)
        by_id("penalty_rate").disabled = kind == "none"
        self._sync_output(session)
        for key, (lo, hi, step) in menus.input_ranges(c["dataset"]).items():  # before the values they bound
            box = by_id(key)
            box.min, box.max, box.step = str(lo), str(hi), str(step)
        data = session.data.params
        for key, label_id, fmt, value in (("noise", "noise-value", "{:.2f}", data["noise"]),
                                          ("n", "n-value", "{}", data["n"]),
                                          ("train_fraction", "train-value", "{:.0%}", data["train_fraction"])):
            by_id(key).value = str(value)
            by_id(label_id).textContent = fmt.format(value)
        by_id("seed").value = str(c["seed"])
        own = c["dataset"] == "custom"
        for key in ("noise", "n"):  # your own points are as many as you put, where you put them
            by_id(key).closest("label").hidden = own
        by_id("regenerate").textContent = "New split" if own else "New data"
        self.sync_count(session)
        by_id("augment").checked = c["augment"]
        self._sync_features(session)
        self._sync_layers(session)

    def sync_count(self, session):
        """How many points and inputs (after your own points changed, or any change)."""
        inputs = session.X_train.shape[1]
        if session.data.name == "custom":
            text = own_data.count_text(session.data, inputs)
        else:
            text = (f"{len(session.y_train)} training and {len(session.y_test)} test "
                    f"points, {inputs} input{'s' if inputs != 1 else ''} to the network")
        by_id("data-count").textContent = text

    def _sync_optimizer_settings(self, c):
        optimizer_settings(self._optimizer_box, c["optimizer"], c, self.hidden)

    def _sync_output(self, session):
        if session.kind == "regression":
            keys = ["linear/mse"]
        elif session.n_classes == 2:
            keys = ["sigmoid/bce", "sigmoid/mse", "softmax/cross_entropy", "softmax/mse"]
        else:
            keys = ["softmax/cross_entropy", "softmax/mse"]
        _options(by_id("output"), [(k, OUTPUTS[k]) for k in keys], f"{session.net.output}/{session.loss}")

    def _sync_features(self, session):
        box = self._feature_box
        box.replaceChildren()
        if session.features is None:
            box.textContent = ("The 64 pixels of each 8x8 image." if session.data.name == "digits" else
                               f"The {session.X_train.shape[1]} columns you chose, standardized.")
            return
        for name in features.available(session.X_train_raw.shape[1]):
            label = document.createElement("label")
            label.className = "chip"
            box_ = document.createElement("input")
            box_.type, box_.value = "checkbox", name
            box_.checked = name in session.features
            box_.setAttribute("aria-label", f"Feature {name}")
            label.append(box_, document.createTextNode(" " + features.LABELS[name]))
            box.append(label)

    def _sync_layers(self, session):
        hidden = session.config["hidden"]
        by_id("layer-count").textContent = f"{len(hidden)} hidden layer{'s' if len(hidden) != 1 else ''}"
        by_id("add-layer").disabled = len(hidden) >= MAX_LAYERS
        by_id("remove-layer").disabled = not hidden
        box = self._layer_box
        box.replaceChildren()
        for l, width in enumerate(hidden):
            col = document.createElement("div")
            col.className = "layer-col"
            count = document.createElement("span")
            count.className = "width"
            count.textContent = str(width)
            buttons = [] if "hidden" in self.hidden else [self._width_button(l, width, delta, text, name) for
                                                          delta, text, name in ((-1, "−", "Remove a neuron"),
                                                                                (+1, "+", "Add a neuron"))]
            col.append(*buttons[:1], count, *buttons[1:])
            if "activation" not in self.hidden:
                sel = document.createElement("select")
                sel.dataset.layer = str(l)
                sel.setAttribute("aria-label", f"Activation of layer {l + 1}")
                _options(sel, [(a, a) for a in ACTIVATIONS], session.net.activation[l])
                col.append(sel)
            box.append(col)

    def _width_button(self, l, width, delta, text, name):
        b = document.createElement("button")
        b.type, b.textContent = "button", text
        b.dataset.layer, b.dataset.delta = str(l), str(delta)
        b.setAttribute("aria-label", f"{name} in layer {l + 1}")
        b.disabled = not menus.width_allowed(width + delta, delta, self.width_limit)
        return b
