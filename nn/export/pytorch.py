"""The page's network as a standalone PyTorch file: the same layers as torch.nn modules in
float64, the page's weights, a check that its outputs equal the page's, and training on with the
matching torch.optim optimizer, loss, schedule, batch size and shuffling.

    text = to_pytorch(session)          # the text of a .py file; run it with `python file.py`

The file is written for a learner to read: the code first, in the order it runs, and the page's
numbers (weights, data, the optimizer's state) at the end. It continues training exactly where
the page is: the optimizer's buffers, the schedule's epoch and the page's shuffling (numpy's
generator, in the state the page's has) are carried over, so with no dropout its losses are the
page's own next epochs, to rounding. Anything this module cannot map to torch (an activation, an
optimizer or a schedule added to the engine later) becomes a line in the file that stops with a
clear error saying what is missing.

Imports neither torch nor js: the page makes the file in the browser.
"""
from string import Template

import numpy as np

from ..core import activations, losses, optim
from . import text as words

TOLERANCE = 1e-10  # the file's outputs may differ from the page's by rounding only

# Each activation of nn/core/activations.py as a torch.nn module (their definitions match torch's:
# tests/test_parity_torch.py). {slope} is the network's leaky_relu slope.
TORCH_ACTIVATIONS = {
    "linear": "torch.nn.Identity()",
    "sigmoid": "torch.nn.Sigmoid()",
    "tanh": "torch.nn.Tanh()",
    "relu": "torch.nn.ReLU()",
    "leaky_relu": "torch.nn.LeakyReLU(negative_slope={slope})",
    "elu": f"torch.nn.ELU(alpha={activations.ELU_ALPHA!r})",
    "softplus": f"torch.nn.Softplus(beta=1.0, threshold={activations.SOFTPLUS_THRESHOLD!r})",
    "silu": "torch.nn.SiLU()",
    "gelu": 'torch.nn.GELU(approximate="tanh")',
    "sine": "Sine()",
}
# modules torch does not have, written into the file when the network uses them
MODULE_CLASSES = {
    "Sine": '''
class Sine(torch.nn.Module):
    """sin z, the page's "sine" activation (torch has the function torch.sin, but no module)."""

    def forward(self, z):
        return torch.sin(z)
''',
    "Unmapped": '''
class Unmapped(torch.nn.Module):
    """An activation of the page's that this file does not know in torch: it stops with why."""

    def __init__(self, name, formula):
        super().__init__()
        raise NotImplementedError(
            f"the page's activation {name!r}, f(z) = {formula}, has no torch module in this file: "
            "write one (a torch.nn.Module whose forward computes f) and use it in build_model")
''',
}
# each output head: its module, and what its output means
TORCH_HEADS = {
    "sigmoid": ("torch.nn.Sigmoid()", "the probability of class 1"),
    "softmax": ("torch.nn.Softmax(dim=1)", "each class's probability"),
    "linear": ("torch.nn.Identity()", "the predicted value"),
}
READS_LOGITS = {"bce", "cross_entropy"}  # losses computed from z itself (stable), not from the head's output
# nn/core/optim.py's optimizers are torch's, under the same class names (tests/test_optim_parity.py)
TORCH_OPTIMIZERS = {"SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "NAdam"}
NO_STEP_COUNT = {"SGD"}  # torch's SGD keeps no step count in its state
TORCH_SCHEDULES = {"step": "StepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR",
                   "linear": "LinearLR"}


def to_pytorch(session):
    """The text of a standalone .py file that rebuilds `session`'s network in torch, checks it
    against the page's outputs and trains on from where the session is."""
    net = session.net
    state = _torch_state(session.optimizer)
    return Template(_FILE).substitute(
        header=_header(session),
        module_classes=_module_classes(net),
        layers=_layers(net),
        head=TORCH_HEADS[net.output][0],
        head_means=TORCH_HEADS[net.output][1],
        loss=_loss(session.loss),
        objective=_objective(session.config),
        optimizer=_optimizer(session.optimizer, state),
        schedule=_schedule(session.schedule),
        data=_data(session, state),
        tolerance=words.number(TOLERANCE),
    )


# -- the parts of the file ----------------------------------------------------------------------------
def _header(session):
    c, net, opt = session.config, session.net, session.optimizer
    lines = [
        f"The page's network at epoch {session.epoch} ({session.steps:,} optimizer steps), carried to PyTorch.",
        "",
        f"Network: {words.network_text(session)}. Optimizer: {opt.name}, batch size {c['batch_size']}, "
        f"loss: {losses.LOSS[session.loss].label}.",
        "",
        "The page's setup, the settings that differ from the defaults (CONFIG at the end of this file",
        "holds them: with the page's engine, nn.Session(CONFIG) builds the same run again):",
        "",
        *words.setup_lines(c),
    ]
    hand = words.by_hand(session)
    if hand:
        lines += ["", "Changed by hand on the page (the weights here are the page's, whatever made them):",
                  *(f"    - {h}" for h in hand)]
    lines += [
        "",
        "Run it:  python this_file.py [--epochs N]        (needs torch and numpy)",
        "",
        "  1. builds the same network from torch.nn modules, in float64, as the page computes;",
        "  2. loads the page's weights into it;",
        f"  3. checks that its outputs equal the page's on every training and test point (to {TOLERANCE:g}),",
        "     and stops with an error if they do not;",
        f"  4. trains on with torch.optim.{opt.name}, the page's loss and batch size, from the optimizer's",
        "     state, schedule and shuffling as the page has them, printing the losses each epoch:",
        "     the numbers the page would show next.",
    ]
    if net.dropout:
        lines += [f"     The network drops hidden neurons in training (dropout {net.dropout:g}): torch draws",
                  "     its own random masks, so from the first epoch on its losses differ from the page's."]
    if session.config.get("augment"):
        lines += ["     The page varies its training digits each epoch (augment); this file trains on them as",
                  "     written, so from the first epoch on its losses differ from the page's."]
    # the header is a docstring: a backslash or three quotes in a text must not end or bend it
    return "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _module_classes(net):
    used = {"Unmapped" if a not in TORCH_ACTIVATIONS else TORCH_ACTIVATIONS[a].split("(")[0]
            for a in net.activation}
    return "".join("\n\n\n" + MODULE_CLASSES[name].strip("\n") for name in MODULE_CLASSES if name in used)


def _activation_module(act, slope):
    if act.name not in TORCH_ACTIVATIONS:
        return f"Unmapped({act.name!r}, {act.definition!r})"
    return TORCH_ACTIVATIONS[act.name].format(slope=repr(slope))


def _layers(net):
    """The lines inside torch.nn.Sequential(...): a Linear and its activation per layer."""
    lines, last = [], len(net.sizes) - 2
    for l, (fan_in, fan_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
        if l == last:
            lines.append(f"torch.nn.Linear({fan_in}, {fan_out}),  # the output layer: its outputs z are the logits")
            break
        lines.append(f"torch.nn.Linear({fan_in}, {fan_out}),  # hidden layer {l + 1}")
        lines.append(_activation_module(net.acts[l], net.negative_slope) + ",")
        if net.dropout:
            lines.append(f"torch.nn.Dropout(p={net.dropout!r}),  # drops neurons in training only (model.train())")
    return "\n".join(" " * 8 + line for line in lines)


def _loss(name):
    record = losses.LOSS[name]
    reads = "logits" if name in READS_LOGITS else "head(logits)"
    why = ("from the logits directly, which is stable" if name in READS_LOGITS
           else "from the head's outputs")
    return (f"# the page's {record.label}: {record.formula},\n# computed {why}\n"
            f"loss_fn = {record.torch}()\n\n\n"
            f"def data_loss(logits, Y):\n"
            f'    """The page\'s loss: the mean over the batch, as its charts show it."""\n'
            f"    return loss_fn({reads}, Y)")


def _objective(config):
    l1, l2 = config["l1"], config["l2"]
    if not (l1 or l2):
        return "    return data_loss(model(X), Y)  # (the page adds no penalty: l1 = l2 = 0)"
    return (f"    # the page's penalties on the weights (not the biases): l1·Σ|w| + ½·l2·Σw²\n"
            f"    l1, l2 = {l1!r}, {l2!r}\n"
            f"    loss = data_loss(model(X), Y)\n"
            f"    for layer in linear_layers(model):\n"
            f"        loss = loss + l1 * layer.weight.abs().sum() + 0.5 * l2 * (layer.weight ** 2).sum()\n"
            f"    return loss")


def _optimizer(opt, state):
    """The lines that make the optimizer, with its hyperparameters and (when it has stepped) its state."""
    if opt.name not in TORCH_OPTIMIZERS:
        return (f"    raise NotImplementedError(\"the page's optimizer {opt.name} has no torch.optim counterpart in this "
                f"file: make one here with its settings {opt.hyperparameters()}\")")
    hyper = ", ".join(f"{k}={_value(v)}" for k, v in opt.hyperparameters().items())
    lines = [f"    optimizer = torch.optim.{opt.name}(\n        model.parameters(), {hyper})"]
    if state is not None:
        lines += ["    # the state its rule keeps (momentum, running averages, step counts) as the page has it,",
                  "    # in the form of torch's state_dict: {parameter index: {buffer: tensor}}, in model.parameters() order",
                  '    optimizer.load_state_dict({"state": optimizer_state(), '
                  '"param_groups": optimizer.state_dict()["param_groups"]})']
    else:
        lines.append("    # (the page's optimizer has not stepped yet: it starts afresh, as this one does)")
    return "\n".join(lines)


def _value(v):
    if isinstance(v, list):
        return "(" + ", ".join(words.number(x) for x in v) + ")"
    return words.number(v)


def _torch_state(opt):
    """Per parameter, the optimizer's buffers as torch's optimizer needs them to continue exactly
    (in the engine's layout), or None before the first step (torch then starts the same way)."""
    saved = opt.to_dict()["state"]
    if all(s["step"] == 0 for s in saved):
        return None
    # A setting turned on mid-run (amsgrad, centered, momentum) makes a buffer on the next step
    # that the state lacks now: the engine starts it from zeros (Πμ from 1), while torch expects
    # it present in a loaded state. One step on a copy says which buffers the rule uses.
    copies = [p.copy() for p in opt.params]
    trial = optim.from_dict(opt.to_dict(), copies)
    trial.step([np.zeros_like(p) for p in copies])
    out = []
    for s, used, p in zip(saved, trial.state, opt.params):
        entry = {k: v for k, v in s.items() if not (k == "step" and opt.name in NO_STEP_COUNT)}
        if opt.name != "SGD":  # SGD's first momentum buffer is the gradient itself: torch makes it so from none
            for key in used:
                if key not in entry:
                    entry[key] = 1.0 if key == "mu_product" else np.zeros_like(p)
        out.append(entry)
    return out


def _schedule(schedule):
    """The lines that make the schedule (or say there is none), resumed at the page's epoch."""
    if schedule.name == "constant":
        return "    scheduler = None  # the page's schedule is constant: the rate stays lr"
    if schedule.name not in TORCH_SCHEDULES:
        return (f"    raise NotImplementedError(\"the page's schedule {schedule.name!r} has no "
                f"torch.optim.lr_scheduler counterpart in this file\")")
    d = schedule.to_dict()
    args = ", ".join(f"{k}={words.number(v)}" for k, v in d["arguments"].items())
    base, epoch, lr = words.number(d["base_lr"]), d["last_epoch"], words.number(d["last_lr"])
    return (f"    scheduler = torch.optim.lr_scheduler.{TORCH_SCHEDULES[schedule.name]}(optimizer, {args})\n"
            f"    # resumed where the page's is: {epoch} epochs in, from a first rate of {base}, at the rate {lr} now\n"
            f'    scheduler.load_state_dict({{**scheduler.state_dict(), "base_lrs": [{base}], "last_epoch": {epoch}, '
            f'"_last_lr": [{lr}]}})\n'
            f"    for group in optimizer.param_groups:\n"
            f'        group["lr"], group["initial_lr"] = {lr}, {base}')


def _data(session, state):
    """The numbers, as Python literals: config, weights, data, the page's outputs, optimizer state."""
    net = session.net
    parts = [f"CONFIG = {words.config_literal(session.config)}",
             f"EPOCH = {session.epoch}  # the page's epoch when this file was made",
             f"BATCH_SIZE = {session.config['batch_size']}",
             "",
             "# the page's weights, per layer: W (inputs, outputs) and b (outputs,)",
             "WEIGHTS = ["]
    for l, (W, b) in enumerate(zip(net.W, net.b)):
        parts.append(f"    (  # layer {l + 1}: W {W.shape}, b {b.shape}")
        parts.append(f"        {words.literal(W, ' ' * 8)},")
        parts.append(f"        {words.literal(b)},")
        parts.append("    ),")
    parts.append("]")
    inputs = "64 pixels (0 to 1)" if session.features is None else ", ".join(session.features)
    target = {"cross_entropy": "class labels", "bce": "0/1 labels, one column"}.get(session.loss, "")
    if not target:
        target = "one-hot rows" if net.output == "softmax" else "values, one column"
    for split, X, Y in (("train", session.X_train, session.Y_train), ("test", session.X_test, session.Y_test)):
        name = split.upper()
        parts += ["", f"# the {split}ing points as the network reads them (inputs: {inputs}), and their targets "
                      f"({target})",
                  _assign(f"X_{name}", X),
                  _assign(f"Y_{name}", Y),
                  f"# the page's outputs for them ({TORCH_HEADS[net.output][1]})",
                  _assign(f"OUTPUTS_{name}", net.forward(X))]
    parts += ["", "# the page's optimizer state, per parameter (W, b, W, b, ...), in the page's layout"]
    if state is None:
        parts.append("OPTIMIZER_STATE = []")
    else:
        parts.append("OPTIMIZER_STATE = [")
        for i, entry in enumerate(state):
            what = f"W of layer {i // 2 + 1}" if i % 2 == 0 else f"b of layer {i // 2 + 1}"
            parts.append(f"    {{  # params[{i}]: {what}")
            for key, value in entry.items():
                lead = f"        {key!r}: "
                parts.append(f"{lead}{words.literal(value, ' ' * len(lead))},")
            parts.append("    },")
        parts.append("]")
    # the generator the session shuffles with (its own, private: read here only to carry it on)
    parts += ["", "# numpy's random generator as the page's shuffling has it now: the next epochs draw the",
              "# same mini-batches the page would",
              f"SHUFFLE_STATE = {session._shuffle.bit_generator.state!r}"]
    return "\n".join(parts)


def _assign(name, array):
    """`NAME = [...]`, the literal's later lines lined up under its first."""
    return f"{name} = {words.literal(array, ' ' * (len(name) + 3))}"


_FILE = '''"""$header
"""
import argparse
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)  # the page computes in float64: so does this file
TOLERANCE = $tolerance


# -- 1. The network --------------------------------------------------------------------------------
# The page writes a layer as Z = A @ W + b with W of shape (inputs, outputs), then A' = f(Z).
# torch.nn.Linear computes the same Z (as x @ weight.T + bias, keeping weight as (outputs, inputs)).$module_classes


def build_model():
    """The page's network, from its inputs to the logits z of the last layer."""
    return torch.nn.Sequential(
$layers
    )


head = $head  # the output head: logits -> $head_means, what the page shows


def linear_layers(model):
    return [m for m in model if isinstance(m, torch.nn.Linear)]


# -- 2. The page's weights -------------------------------------------------------------------------
def load_weights(model):
    """Copy the page's weights (WEIGHTS, at the end of this file) into the model."""
    with torch.no_grad():
        for layer, (W, b) in zip(linear_layers(model), WEIGHTS, strict=True):
            layer.weight.copy_(torch.tensor(W).T)  # the page's (inputs, outputs) is torch's (outputs, inputs), transposed
            layer.bias.copy_(torch.tensor(b))


# -- 3. The check: the same outputs as the page ----------------------------------------------------
def check_outputs(model):
    """The largest difference between this model's outputs and the page's, on every point."""
    model.eval()  # (no dropout when measuring, as on the page)
    largest = 0.0
    with torch.no_grad():
        for X, page in ((X_TRAIN, OUTPUTS_TRAIN), (X_TEST, OUTPUTS_TEST)):
            ours = head(model(torch.tensor(X)))
            largest = max(largest, (ours - torch.tensor(page)).abs().max().item())
    print(f"largest difference from the page's outputs: {largest:.3g} (allowed: {TOLERANCE:g})")
    return largest


# -- 4. Training on ----------------------------------------------------------------------------------
$loss


def objective(model, X, Y):
    """What the optimizer minimises on a mini-batch."""
$objective


def make_optimizer(model):
    """The page's optimizer with its settings, state and schedule, as torch.optim objects."""
$optimizer
$schedule
    return optimizer, scheduler


def optimizer_state():
    """OPTIMIZER_STATE in torch's form: each buffer a tensor shaped like its parameter."""
    def torch_layout(value):
        t = torch.tensor(value, dtype=torch.float64)
        return t.T.contiguous() if t.dim() == 2 else t  # W-shaped buffers transposed, as the weights

    return {i: {key: torch_layout(value) for key, value in buffers.items()}
            for i, buffers in enumerate(OPTIMIZER_STATE) if buffers}


def measure(model, X, Y):
    """The loss on a whole split, as the page measures it: no dropout, no penalties."""
    model.eval()
    with torch.no_grad():
        return data_loss(model(X), Y).item()


def train_on(model, optimizer, scheduler, epochs):
    """Train `epochs` more epochs the way the page does; print and return (epoch, train, test loss)."""
    X, Y = torch.tensor(X_TRAIN), torch.tensor(Y_TRAIN)
    X_test, Y_test = torch.tensor(X_TEST), torch.tensor(Y_TEST)
    n = len(X)
    batch = min(BATCH_SIZE, n)
    shuffle = np.random.default_rng()
    shuffle.bit_generator.state = SHUFFLE_STATE  # the page's shuffling, carried on
    rows = []
    for epoch in range(EPOCH + 1, EPOCH + epochs + 1):
        model.train()
        Xe, Ye = X, Y
        if batch < n:  # mini-batches: the split shuffled once, then taken in slices
            order = torch.from_numpy(shuffle.permutation(n))
            Xe, Ye = X[order], Y[order]
        for start in range(0, n, batch):
            optimizer.zero_grad()
            loss = objective(model, Xe[start:start + batch], Ye[start:start + batch])
            loss.backward()
            optimizer.step()
        if scheduler is not None:
            scheduler.step()  # once an epoch, as the page's schedule
        train_loss, test_loss = measure(model, X, Y), measure(model, X_test, Y_test)
        print(f"epoch {epoch:6d}   train loss {train_loss:.12f}   test loss {test_loss:.12f}")
        rows.append((epoch, train_loss, test_loss))
    return rows


def main():
    parser = argparse.ArgumentParser(description="The page's network in PyTorch: check it, then train on.")
    parser.add_argument("--epochs", type=int, default=20, help="epochs to train on (default 20)")
    args = parser.parse_args()
    model = build_model()
    load_weights(model)
    if not check_outputs(model) <= TOLERANCE:
        print("The outputs differ from the page's: this is not the page's network.", file=sys.stderr)
        return 1
    optimizer, scheduler = make_optimizer(model)
    train_on(model, optimizer, scheduler, args.epochs)
    return 0


# -- The page's numbers ------------------------------------------------------------------------------
$data


if __name__ == "__main__":
    sys.exit(main())
'''
