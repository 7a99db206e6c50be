"""nn: a small neural network written from scratch in numpy, readable in one sitting.

    from nn import MLP, optim, gradcheck
    net = MLP([2, 8, 8, 1], activation="tanh", output="sigmoid", seed=0)
    loss, grads = net.loss_and_grads(X, Y)        # every intermediate stays in net.trace
    opt = optim.Adam(net.params, lr=1e-3)          # PyTorch's definitions and defaults
    opt.step(grads)                                # the only thing that changes weights
    gradcheck(net, X, Y)                           # backprop vs central differences
"""
from . import activations, losses
from .gradcheck import gradcheck
from .mlp import MLP

__all__ = ["MLP", "gradcheck", "activations", "losses"]
from . import datasets, digits, features, optim, schedules
from .session import Session

__all__ += ["Session", "datasets", "digits", "features", "optim", "schedules"]
