"""The words and formulas of the teaching panels: symbolic, then with the numbers, as plain text.

Pure Python (no browser): every line a panel shows is made here from the engine's own numbers
(nn.explain), so a CPython test can make the same lines and compare them with the page's.

A panel shows a list of Blocks: a heading, a sentence, an equation, or a row of labelled values.
Numbers have 4 significant digits (`num`), negative factors are bracketed, minus is "−".
"""
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from nn import activations, features, losses, optim

DIGITS = 4
MAX_TERMS = 8            # a sum of more terms shows its largest ones and the rest as one number
STAGES = ("forward", "loss", "backward", "update")
STAGE_TITLES = {"forward": "Forward", "loss": "Loss", "backward": "Backward", "update": "Update"}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Block:
    """kind: "h" heading, "p" sentence, "eq" equation, "chips" labelled values (items)."""

    kind: str
    text: str = ""
    items: tuple = ()   # for "chips": (label, text) pairs

    def lines(self):
        """What a reader sees, one string per line (what tests compare)."""
        if self.kind == "chips":
            return [f"{label} {text}" for label, text in self.items]
        return [self.text]


# -- numbers ------------------------------------------------------------------------------------
def num(v, digits=DIGITS):
    """v with `digits` significant digits: 0.0001234 -> "0.0001234", 1.5e-7 -> "1.5×10⁻⁷"."""
    if v is None:
        return "–"
    v = float(v)
    if not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == 0:
        return "0"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = f"{mantissa}×10{str(int(exp)).translate(_SUP)}"
    return s.replace("-", "−")


def factor(v, digits=DIGITS):
    """A number as a factor in a product: negatives in brackets."""
    s = num(v, digits)
    return f"({s})" if s.startswith("−") else s


def sub(i):
    return str(i).translate(_SUB)


def _vector(values, digits=DIGITS):
    return "(" + ", ".join(num(v, digits) for v in np.ravel(values)) + ")"


def _sum_terms(terms, names=None):
    """ "a·b + c·d + …" for (a, b) pairs; over MAX_TERMS, the largest |a·b| and the rest summed."""
    terms = list(terms)
    shown, rest = list(range(len(terms))), []
    if len(terms) > MAX_TERMS:
        order = sorted(range(len(terms)), key=lambda k: -abs(terms[k][0] * terms[k][1]))
        shown, rest = sorted(order[:MAX_TERMS - 2]), order[MAX_TERMS - 2:]
    parts = [f"{factor(w)}·{factor(a)}" for w, a in (terms[k] for k in shown)]
    if rest:
        parts.append(f"[{len(rest)} smaller terms: {factor(sum(terms[k][0] * terms[k][1] for k in rest))}]")
    return " + ".join(parts)


# -- names of things ---------------------------------------------------------------------------------
def layer_name(l, n_layers):
    """Layer l of the weights (0-based) feeds layer l+1 of neurons: "layer 2" or "the output"."""
    return "the output layer" if l == n_layers - 1 else f"hidden layer {l + 1}"


def is_class_output(l, sizes):
    """Whether weight layer l feeds the outputs of several classes: then output neuron j stands for
    class j (0, 1, ...), and is named by it; a network's one output (sigmoid, linear) is just ŷ."""
    return l == len(sizes) - 2 and sizes[-1] > 1


def neuron_number(l, j, sizes):
    """Neuron j of weight layer l's outputs as the panels number it: hidden neurons from 1, the
    outputs of several classes by their class (digits mode's outputs are 0 to 9)."""
    return str(j) if is_class_output(l, sizes) else str(j + 1)


def neuron_name(l, j, sizes):
    """Neuron j of weight layer l's outputs, in words."""
    if is_class_output(l, sizes):
        return f"the output for class {j}"
    return f"neuron {j + 1} of {layer_name(l, len(sizes) - 1)}"


def input_names(l, sizes, feats=None):
    """The names of the inputs of weight layer l: the features, or the previous layer's a's."""
    if l == 0:
        if feats:
            return [features.LABELS.get(f, f) for f in feats]
        return [f"x{sub(i + 1)}" for i in range(sizes[0])]
    return [f"a{sub(i + 1)}" for i in range(sizes[l])]


def weight_name(l, i, j, sizes, feats=None):
    """Where weight W[l][i, j] goes, in words."""
    src = input_names(l, sizes, feats)[i]
    src = f"input {src}" if l == 0 else f"{src} of hidden layer {l}"
    return f"the weight from {src} to {neuron_name(l, j, sizes)}"


def cap(text):
    return text[:1].upper() + text[1:]


# -- activations and heads ----------------------------------------------------------------------------
HEAD = {name: head.formula for name, head in losses.HEAD.items()}  # what each output head computes


def act_formula(name, slope=0.01):
    """f(z), symbolic, as the explained step writes it (nn.activations' `symbol`)."""
    return activations.get(name, slope).symbol


def act_applied(name, z, slope=0.01):
    """f applied to the number z (nn.activations' `applied`)."""
    return activations.get(name, slope).applied.format(z=num(z), zf=factor(z))


def derivative_formula(name, slope=0.01):
    """f′ as nn.activations writes it (its `derivative`)."""
    return activations.get(name, slope).derivative


# -- one neuron, forward and backward ------------------------------------------------------------------
def z_line(l, j, params, a_prev, z, sizes, feats=None):
    """z = Σᵢ wᵢ·aᵢ + b, symbolic, with the numbers, and its value."""
    W, b = params[2 * l], params[2 * l + 1]
    names = input_names(l, sizes, feats)
    if len(names) <= 4:
        sym = " + ".join(f"w{sub(i + 1)}·{n}" for i, n in enumerate(names)) + " + b"
    else:
        sym = f"Σᵢ wᵢ·{'x' if l == 0 else 'a'}ᵢ + b  (i = 1…{len(names)})"
    terms = _sum_terms(zip(W[:, j], a_prev))
    return f"z = {sym} = {terms} + {factor(b[j])} = {num(z)}"


def a_line(l, z, a, act_name, n_layers, slope=0.01, output="sigmoid", mask=None, zs=None, j=0):
    """a = f(z) (or the output head), symbolic and with the numbers."""
    if l == n_layers - 1:
        if output == "softmax":
            return f"ŷ{sub(j)} = {HEAD['softmax']} = e^{factor(z)} / Σⱼ e^zⱼ = {num(a)}"  # ŷ of class j
        if output == "sigmoid":
            return f"ŷ = σ(z) = 1 / (1 + e^−z) = σ({num(z)}) = {num(a)}"
        return f"ŷ = z = {num(a)}"
    if mask is not None:
        return (f"a = f(z)·m = ({act_formula(act_name, slope)})·m = {act_applied(act_name, z, slope)}·{num(mask)} = "
                f"{num(a)}   (m: dropout's mask, 0 or 1/(1 − p))")
    return f"a = f(z) = {act_formula(act_name, slope)} = {act_applied(act_name, z, slope)} = {num(a)}"


def delta_line(l, j, params, s, act_name, slope=0.01):
    """δ of hidden neuron j of weight layer l: f′(z)·Σₖ wₖ·δₖ over the next layer."""
    W_next = params[2 * (l + 1)]
    z, a = s.z[l][j], s.a[l + 1][j]
    mask = s.masks[l][j] if s.masks[l] is not None else None
    f_of_z = activations.get(act_name, slope).f(np.array([z]))[0] if mask is not None else a
    df = float(activations.get(act_name, slope).df(np.array([z]), np.array([f_of_z]))[0])
    back = _sum_terms(zip(W_next[j], s.delta[l + 1]))
    m = "" if mask is None else f"·m"
    m_num = "" if mask is None else f"·{num(mask)}"
    return (f"δ = f′(z){m}·Σₖ wₖ·δₖ = {derivative_formula(act_name, slope)} at z = {num(z)} → "
            f"{num(df)}{m_num}·[{back}] = {num(s.delta[l][j])}")


# -- the loss of one point ------------------------------------------------------------------------
def target_text(s, kind, n_classes):
    if kind == "regression":
        return f"target y = {num(np.ravel(s.target)[0])}"
    label = int(s.target) if np.ndim(s.target) == 0 else (int(np.argmax(s.target)) if n_classes > 2 else int(round(float(np.ravel(s.target)[0]))))
    return f"class {label}"


def loss_lines(s, loss, output):
    """ℓ for this point, symbolic and with its numbers, and δ at the output."""
    yhat, z, d = np.ravel(s.a[-1]), np.ravel(s.z[-1]), np.ravel(s.delta[-1])
    if loss == "cross_entropy":
        c = int(s.target)
        return [f"ŷ = softmax(z) = {_vector(yhat)}",
                f"ℓ = −log ŷ_label = −log ŷ{sub(c)} = −log {num(yhat[c])} = {num(s.loss)}",
                f"δ = ∂ℓ/∂z = ŷ − onehot(label) = {_vector(d)}"]
    y = np.ravel(s.target)
    if loss == "bce":
        return [f"ℓ = −[y·log ŷ + (1 − y)·log(1 − ŷ)] = −[{num(y[0])}·log {num(yhat[0])} + "
                f"{factor(1 - y[0])}·log {num(1 - yhat[0])}] = {num(s.loss)}",
                f"computed from the logit z, which never takes log 0: ℓ = max(z, 0) − z·y + log(1 + e^−|z|) = "
                f"max({num(z[0])}, 0) − {factor(z[0])}·{num(y[0])} + log(1 + e^−{num(abs(z[0]))}) = {num(s.loss)}",
                f"δ = ∂ℓ/∂z = ŷ − y = {num(yhat[0])} − {num(y[0])} = {num(d[0])}"]
    k = len(y)
    if k == 1:
        sq = f"ℓ = (ŷ − y)² = ({num(yhat[0])} − {factor(y[0])})² = {num(s.loss)}"
        diff = f"2·({num(yhat[0])} − {factor(y[0])})"
        if output == "sigmoid":
            return [sq, f"δ = ∂ℓ/∂z = 2(ŷ − y)·ŷ(1 − ŷ) = {diff}·{num(yhat[0])}·(1 − {num(yhat[0])}) = {num(d[0])}"]
        return [sq, f"δ = ∂ℓ/∂z = 2(ŷ − y) = {diff} = {num(d[0])}"]
    sq = f"ℓ = (1/{k})·Σₖ (ŷₖ − yₖ)² = (1/{k})·[" + " + ".join(
        f"({num(p)} − {factor(t)})²" for p, t in zip(yhat, y)) + f"] = {num(s.loss)}"
    head = {"linear": "", "sigmoid": "·ŷ(1 − ŷ)", "softmax": ", then back through the softmax"}[output]
    return [sq, f"δ = ∂ℓ/∂z = 2(ŷ − y)/{k}{head} = {_vector(d)}"]


# -- the four stages of an explained step ----------------------------------------------------------
def _point_text(s, kind, n_classes, n, feats):
    where = f"training point #{s.index + 1} (one of the n = {n} in this batch)" if s.split == "train" \
        else f"test point #{s.index + 1} (not in the batch: it is only watched)"
    x = np.ravel(s.x)
    xs = _vector(x) if len(x) <= 8 else f"{len(x)} pixel values"
    names = ", ".join(input_names(0, [len(x)], feats)) if len(x) <= 8 else ""
    return f"The point: {where}, {('(' + names + ') = ') if names else ''}{xs}, {target_text(s, kind, n_classes)}."


def forward_blocks(rec, s, focus, *, kind, n_classes, feats=None):
    """Forward: each neuron's z and a for this point, then one neuron's sum written out."""
    sizes, n_layers = rec.sizes, len(rec.sizes) - 1
    out = [Block("p", _point_text(s, kind, n_classes, rec.n, feats))]
    for l in range(n_layers):
        title = f"{layer_name(l, n_layers).capitalize()} · {rec.activation[l] if l < n_layers - 1 else rec.output}"
        out.append(Block("h", title))
        items = tuple((f"{neuron_number(l, j, sizes)}:", f"z {num(s.z[l][j])} → a {num(s.a[l + 1][j])}")
                      for j in range(sizes[l + 1]))
        out.append(Block("chips", items=items))
    l, j = focus
    out.append(Block("h", f"{cap(neuron_name(l, j, sizes))}, written out"))
    out.append(Block("eq", z_line(l, j, rec.params_before, s.a[l], s.z[l][j], sizes, feats)))
    act = rec.activation[l] if l < n_layers - 1 else None
    mask = s.masks[l][j] if l < n_layers - 1 and s.masks[l] is not None else None
    out.append(Block("eq", a_line(l, s.z[l][j], s.a[l + 1][j], act, n_layers, rec.negative_slope, rec.output,
                                  mask, j=j)))
    return out


def loss_blocks(rec, s):
    """Loss: this point's term ℓ, and the batch's mean L that the step differentiates."""
    out = [Block("h", f"This point's loss ({rec.loss_name})")]
    out += [Block("eq", line) for line in loss_lines(s, rec.loss_name, rec.output)[:-1]]
    out.append(Block("h", "The batch's loss"))
    t = rec.trace
    line = f"L = (1/n)·Σᵢ ℓᵢ over the n = {rec.n} training points = {num(t.data_loss)}"
    out.append(Block("eq", line))
    if t.penalty:
        out.append(Block("eq", f"L = {num(t.data_loss)} + penalty {num(t.penalty)} = {num(t.loss)}"))
    out.append(Block("p", "Lower is better. The step asks: which way should every weight move to make L smaller?"))
    return out


def backward_blocks(rec, s, focus, weight, feats=None):
    """Backward: δ from the output back to the first layer, and one weight's gradient."""
    sizes, n_layers = rec.sizes, len(rec.sizes) - 1
    out = [Block("eq", loss_lines(s, rec.loss_name, rec.output)[-1])]
    for l in reversed(range(n_layers)):
        out.append(Block("h", f"δ in {layer_name(l, n_layers)}"))
        out.append(Block("chips", items=tuple((f"{neuron_number(l, j, sizes)}:", num(s.delta[l][j]))
                                              for j in range(sizes[l + 1]))))
    l, j = focus
    if l < n_layers - 1:
        out.append(Block("h", f"{cap(neuron_name(l, j, sizes))}, written out"))
        out.append(Block("eq", delta_line(l, j, rec.params_before, s, rec.activation[l], rec.negative_slope)))
    pl, (i, jj) = weight
    g = rec.grads[pl][i, jj]
    out.append(Block("h", cap(weight_name(pl // 2, i, jj, sizes, feats))))
    out.append(Block("eq", f"∂ℓ/∂w for this point = a·δ = {factor(s.a[pl // 2][i])}·{factor(s.delta[pl // 2][jj])} = "
                           f"{num(s.a[pl // 2][i] * s.delta[pl // 2][jj])}"))
    extra = " + penalty's ∂/∂w" if rec.trace.penalty else ""
    out.append(Block("eq", f"∂L/∂w = (1/n)·Σᵢ aᵢ·δᵢ over the batch{extra} = {num(g)}"))
    out.append(Block("p", "Edges glow by |∂L/∂w|: the brighter, the more the loss cares about that weight."))
    return out


def update_blocks(rec, weight, q, feats=None):
    """Update: how the optimizer turned the gradient into a change of one weight, with its state."""
    pl, (i, j) = weight
    out = [Block("h", f"{rec.optimizer}: " + weight_name(pl // 2, i, j, rec.sizes, feats))]
    out += [Block("eq", line) for line in optimizer_lines(q, rec.hyper)]
    dw = q["w_after"] - q["w"]
    out.append(Block("eq", f"Δw = {num(q['w_after'])} − {factor(q['w'])} = {num(dw)}"))
    before = _state_text(rec.state_before[pl], (i, j), rec.optimizer)
    after = _state_text(rec.state_after[pl], (i, j), rec.optimizer)
    out.append(Block("p", f"Its optimizer state before this step: {before}; after it: {after}."))
    changes = [np.abs(a - b).max() for a, b in zip(rec.params_after, rec.params_before)]
    dropout = any(m is not None for m in rec.trace.masks)
    out.append(Block("p", f"Every one of the {sum(p.size for p in rec.params_before)} parameters took such a step "
                          f"(the largest change was {num(max(changes))}). The training loss went from "
                          f"{num(rec.loss_before_eval)} to {num(rec.loss_after)}"
                          f"{' (both without dropout)' if dropout else ''}."))
    return out


def stage_blocks(stage, rec, s, focus, weight, detail, *, kind, n_classes, feats=None):
    if stage == "forward":
        return forward_blocks(rec, s, focus, kind=kind, n_classes=n_classes, feats=feats)
    if stage == "loss":
        return loss_blocks(rec, s)
    if stage == "backward":
        return backward_blocks(rec, s, focus, weight, feats)
    if stage == "update":
        return update_blocks(rec, weight, detail, feats)
    raise ValueError(f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}")


def _state_text(state, idx, optimizer):
    """An optimizer's state for one weight, in the words its record gives each buffer."""
    n = state["step"]  # the steps taken so far: before step k the count is k − 1, after it k
    parts = [f"{n:,} step{'' if n == 1 else 's'} taken"]
    for key, buffer in optim.lookup(optimizer).STATE.items():
        if key in state:
            value = state[key]
            parts.append(f"{buffer.shown} = {num(value[idx] if np.ndim(value) else value)}")
    if len(parts) == 1:
        parts.append("no buffers yet")
    return ", ".join(parts)


NOTATION = SimpleNamespace(num=num, factor=factor, sup=lambda t: str(t).translate(_SUP))


def optimizer_lines(q, h):
    """One weight's update, each rule symbolic and then with its numbers (q: nn.explain.update_detail),
    written by the optimizer's own record (its `formula_lines`)."""
    lines = [f"g = ∂L/∂w = {num(q['grad'])}"]
    wd = h.get("weight_decay", 0.0)
    if wd and "w_decayed" not in q:  # L2: λ·w joins the gradient (decoupled decay shrinks w instead)
        lines.append(f"g = ∂L/∂w + λ·w = {num(q['grad'])} + {num(wd)}·{factor(q['w'])} = {num(q['g'])}")
    return lines + optim.lookup(q["optimizer"]).formula_lines(q, h, NOTATION)


# -- the gradient check ----------------------------------------------------------------------------------
def live_check_lines(c, sizes, feats=None):
    """The two-point estimate beside backprop's value (c: nn.explain.live_check)."""
    l, (i, j) = c["param"] // 2, c["index"]
    return [
        f"{cap(weight_name(l, i, j, sizes, feats))}: w = {num(c['w'], 8)}, ε = {num(c['eps'])}",
        f"L(w + ε) = {num(c['loss_plus'], 12)}",
        f"L(w − ε) = {num(c['loss_minus'], 12)}",
        f"[L(w + ε) − L(w − ε)] / 2ε = ({num(c['loss_plus'], 12)} − {num(c['loss_minus'], 12)}) / "
        f"{num(2 * c['eps'])} = {num(c['numeric'], 10)}",
        f"backprop: ∂L/∂w = {num(c['analytic'], 10)}",
        *([f"the loss is so large that rounding alone blurs the estimate by about {num(c['rounding'], 2)}: "
           "finite differences cannot check backprop here"] if c.get("too_large") else []),
        f"relative error = |a − n| / (|a| + |n|) = {num(c['relative_error'], 2)}",
    ]


TOLERANCE = 1e-8
KINKED = tuple(name for name in activations.NAMES if activations.ACTIVATIONS[name].kinked)


def param_name(i, idx, sizes, feats=None):
    """Parameter array i (W₁, b₁, W₂, ...) entry idx, in words."""
    l = i // 2
    if i % 2 == 0:
        return weight_name(l, idx[0], idx[1], sizes, feats)
    return f"the bias of {neuron_name(l, idx[0], sizes)}"


def array_names(n_params):
    return [f"{'W' if i % 2 == 0 else 'b'}{sub(i // 2 + 1)}" for i in range(n_params)]


def full_check_blocks(r, sizes, activation=(), feats=None):
    """The full check's verdict (r: nn.explain.full_check), in words and numbers."""
    ok = r["largest"] <= TOLERANCE
    checked = r.get("checked", r["n_params"])
    which = (f"all {r['n_params']} parameters" if checked >= r["n_params"] else
             f"{checked:,} of the {r['n_params']:,} parameters (a random sample, with the one of largest |∂L/∂w|: "
             f"all of them would take minutes)")
    out = [Block("p", f"nn.gradcheck over {which} on {r['points']} training points "
                      f"(four-point central differences, ε = 10⁻⁴, dropout off):"),
           Block("eq", f"relative error of the whole gradient = ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) = {num(r['relative_error'], 2)}"),
           Block("chips", items=tuple((f"{name}:", num(e, 2) if e is not None else "not sampled") for name, e in
                                      zip(array_names(len(r["per_param"])), r["per_param"]))),
           Block("eq", f"largest relative error, over the parameter arrays: {num(r['largest'], 2)} "
                       f"({array_names(len(r['per_param']))[r['largest_param']]}) "
                       f"{'≤' if ok else '>'} 10⁻⁸"),
           Block("p", f"Where backprop and the estimate differ most: {param_name(r['param'], r['index'], sizes, feats)}, "
                      f"backprop {num(r['analytic'], 10)}, numeric {num(r['numeric'], 10)}.")]
    if r.get("too_large"):
        out.append(Block("p", f"The loss here is {num(r['loss'])}: rounding alone makes each difference quotient "
                              f"uncertain by about {num(r['rounding'], 2)}, as much as the gradients themselves, so "
                              "finite differences cannot check backprop at these weights. That is the check's limit, "
                              "not an error in backprop: lower the learning rate, or reset."))
    elif ok:
        out.append(Block("p", "Backpropagation agrees with the definition of the derivative, to rounding error."))
    elif any(a in KINKED for a in activation):
        out.append(Block("p", f"Larger than 10⁻⁸: your network uses relu, whose slope jumps at z = 0. When some point's "
                              f"z lies within a nudge of 0, the difference quotient straddles the jump and cannot "
                              f"match the derivative; that is the check's limit there, not an error in backprop. Here "
                              f"{r.get('near_kink', 0)} of the {r.get('kink_inputs', 0):,} relu inputs z lie within "
                              f"10⁻³ of 0."))
    else:
        out.append(Block("p", "Larger than 10⁻⁸: backprop and the estimate disagree more than rounding explains."))
    return out


# -- activation explorer --------------------------------------------------------------------------------
SATURATION_SLOPE = 0.01
_NOTES = {
    "linear": "Its slope is 1 everywhere, but linear layers stacked are still one linear map: they cannot bend a boundary.",
    "sigmoid": "Its slope is at most 0.25 (at z = 0), so every sigmoid layer shrinks a gradient passing back by 4× or more.",
    "tanh": "Steepest at z = 0 (slope 1) and centred on 0, which is why it trains faster than the sigmoid.",
    "relu": "For every z < 0 the slope is exactly 0: a neuron whose z is negative for all points is dead and learns no more.",
    "leaky_relu": "Below 0 the slope is small but never 0, so a neuron cannot die.",
    "elu": "Smooth at 0, and its output can be negative (down to −1), which keeps the mean activation near 0.",
    "softplus": "A smooth relu: its slope is σ(z), never exactly 0 but tiny far below 0.",
    "silu": "Like relu above 0, but it dips below 0 (to about −0.28) before fading out.",
    "gelu": "Close to silu: a soft relu that weights z by how likely it is to be positive.",
    "sine": "Its slope, cos z, keeps changing sign: it is periodic rather than flat.",
}


def saturation(name, slope=0.01, lo=-10.0, hi=10.0):
    """Where activation `name` saturates (|f′| < 0.01 from there on), in one sentence, plus a note."""
    act = activations.get(name, slope)
    z = np.linspace(lo, hi, 2001)
    small = np.abs(act.df(z, act.f(z))) < SATURATION_SLOPE
    left = z[np.argmin(small)] if small[0] else None      # first z where the slope is large again
    right = z[len(z) - 1 - np.argmin(small[::-1])] if small[-1] else None
    r = lambda v: num(round(float(v), 1) + 0.0, 3)  # noqa: E731
    if left is not None and right is not None:
        where = f"It saturates on both sides: for z < {r(left)} and z > {r(right)}, |f′(z)| < {SATURATION_SLOPE:g}."
    elif left is not None:
        where = f"It saturates for z < {r(left)}: there |f′(z)| < {SATURATION_SLOPE:g}, so almost no gradient flows back."
    elif right is not None:
        where = f"It saturates for z > {r(right)}: there |f′(z)| < {SATURATION_SLOPE:g}."
    else:
        where = f"It never saturates: however far z goes, |f′(z)| does not stay below {SATURATION_SLOPE:g}."
    return f"{where} {_NOTES.get(name, '')}".strip()


# -- the audit of one point ------------------------------------------------------------------------------
def audit_intro(s, kind, n_classes, feats=None):
    where = "Training" if s.split == "train" else "Test"
    x = np.ravel(s.x)
    xs = f"({', '.join(input_names(0, [len(x)], feats))}) = {_vector(x)}" if len(x) <= 8 else f"{len(x)} pixel values"
    return (f"{where} point #{s.index + 1}: {xs}, {target_text(s, kind, n_classes)}. Through the current weights, "
            f"dropout off, the network says ŷ = {_vector(s.a[-1]) if np.size(s.a[-1]) > 1 else num(np.ravel(s.a[-1])[0])}.")


def audit_layers(params, s, sizes, activation, output, slope=0.01, feats=None):
    """Per layer (title, [(summary, [equation lines])]): every neuron's z, a, δ and gradients."""
    n_layers = len(sizes) - 1
    out = []
    for l in range(n_layers):
        last = l == n_layers - 1
        names = input_names(l, sizes, feats)
        neurons = []
        for j in range(sizes[l + 1]):
            z, a, d = s.z[l][j], s.a[l + 1][j], s.delta[l][j]
            lines = [z_line(l, j, params, s.a[l], z, sizes, feats),
                     a_line(l, z, a, None if last else activation[l], n_layers, slope, output, j=j)]
            lines.append(f"δ = ∂ℓ/∂z = {num(d)}   (from the loss, below)" if last
                         else delta_line(l, j, params, s, activation[l], slope))
            lines.append(f"∂ℓ/∂b = δ = {num(d)}")
            terms = sorted(range(len(names)), key=lambda i: -abs(s.a[l][i] * d))
            shown = sorted(terms[:MAX_TERMS])
            grads = "; ".join(f"w{sub(i + 1)} ({names[i]}): {factor(s.a[l][i])}·{factor(d)} = {num(s.a[l][i] * d)}"
                              for i in shown)
            more = f"; and {len(names) - len(shown)} smaller" if len(names) > len(shown) else ""
            lines.append(f"∂ℓ/∂wᵢ = aᵢ·δ: {grads}{more}")
            who = f"class {j}" if is_class_output(l, sizes) else f"{'ŷ' if last else 'neuron'} {j + 1}"
            summary = f"{who}: z = {num(z)}, a = {num(a)}, δ = {num(d)}"
            neurons.append((summary, lines))
        out.append((f"{cap(layer_name(l, n_layers))} · {output if last else activation[l]}", neurons))
    return out


# -- the loss landscape --------------------------------------------------------------------------------
def descent_sentence(path, values, lr, span=None):
    """What plain gradient descent with rate lr did on the plane (of half-width span), in one sentence."""
    steps = np.diff(np.asarray(path), axis=0)
    turns = int(np.sum(np.sum(steps[1:] * steps[:-1], axis=1) < 0)) if len(steps) > 1 else 0
    start, end = num(values[0]), num(values[-1])
    n = len(values) - 1
    if not np.isfinite(values[-1]):
        return f"{n} steps with learning rate {lr:g}: the loss became infinite. The steps are far too big."
    if span is not None and np.abs(np.asarray(path)[-1]).max() > span:
        return (f"With learning rate {lr:g} the path left the plotted area at step {n} (the loss went from {start} "
                f"to {end}): the steps are far too big for this valley and throw it out.")
    if values[-1] > values[0]:
        return (f"{n} steps with learning rate {lr:g}: the loss went up, from {start} to {end}. It overshoots: "
                f"each step jumps across the valley and lands higher on the other side.")
    if turns >= 2:
        return (f"{n} steps with learning rate {lr:g}: the loss went from {start} to {end}, zig-zagging "
                f"across the valley ({turns} turns back). A little smaller would be smoother.")
    return f"{n} steps with learning rate {lr:g}: the loss went steadily down, from {start} to {end}."
