"""nn: a small neural network written from scratch in numpy, readable in one sitting.

    from nn import MLP, optim, gradcheck
    net = MLP([2, 8, 8, 1], activation="tanh", output="sigmoid", seed=0)
    loss, grads = net.loss_and_grads(X, Y)        # every intermediate stays in net.trace
    opt = optim.Adam(net.params, lr=1e-3)          # PyTorch's definitions and defaults
    opt.step(grads)                                # the only thing that changes weights
    gradcheck(net, X, Y)                           # backprop vs central differences

The folders, by role (each imports only from the ones above it, and fast/ mirrors core/):

    core/      the network, activations, losses, init, optimizers, schedules, the gradient check
    data/      datasets, the handwritten digits, input features
    training/  Session (data + network + optimizer, run epoch by epoch) and its config table
    teaching/  the math of the teaching panels: one step explained, audits, checks, the landscape
    fast/      speed paths the page runs, each held equal to the readable function it mirrors
    export/    the run carried out: to_pytorch (a torch.nn file), to_notebook (a Jupyter notebook)
    limits.py  every size limit, once
"""
import importlib

from . import limits
from .core import activations, init, losses, optim, schedules
from .core.gradcheck import gradcheck
from .core.mlp import MLP
from .data import datasets, digits, features
from .fast import picture
from .training import config, saved
from .training.session import Session

# Loaded when first asked for (`from nn import explain`, `nn.to_pytorch`), not with nn: the page's
# first frame needs neither the teaching panels' math nor the exports. name -> (module, its attribute).
_ON_FIRST_USE = {"explain": ("nn.teaching.explain", None),
                 "to_notebook": ("nn.export", "to_notebook"),
                 "to_pytorch": ("nn.export", "to_pytorch")}


def __getattr__(name):
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module 'nn' has no attribute {name!r}")
    module, attribute = _ON_FIRST_USE[name]
    value = importlib.import_module(module)
    value = getattr(value, attribute) if attribute else value
    globals()[name] = value  # the next lookup finds it without this function
    return value

__all__ = ["MLP", "Session", "gradcheck", "to_notebook", "to_pytorch", "activations", "config", "datasets", "digits",
           "explain", "features", "init", "limits", "losses", "optim", "picture", "saved", "schedules"]
