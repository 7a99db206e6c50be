"""A speed path of `Optimizer.step`: one call of the rule on the vector an MLP's parameters view.

Every update rule in nn.optim is elementwise, so when the parameters are consecutive views of one
vector (an MLP's are: `net.flat`) the same `_update` can run once on that vector instead of once
per array: the same arithmetic in the same order, so bit-identical (tests/test_optim_flat.py holds
it so), and one call instead of one per array, which matters in the browser where each call costs.

    fast = FlatStep(opt, net.flat, grad_vector)   # grads of net.views(grad_vector) land in the vector
    fast()                                        # = opt.step(net.views(grad_vector))

The optimizer stays the record of its state: each `opt.state[i]` holds views into the vector-sized
buffers kept here, so `opt.to_dict()`, the explained step and a readable `opt.step` see the same
numbers. After a readable `opt.step` (which may create a buffer), call `adopt()` again.
"""
import numpy as np

from ..core.optim import SCALAR_STATE, _ignore

MIRRORS = {"FlatStep.__call__": "core/optim.py:Optimizer.step"}  # speed path -> the readable reference


class FlatStep:
    """`opt.step` for params that are, in order, views covering `vector`; gradients in `grads`."""

    def __init__(self, opt, vector, grads):
        offset = 0
        for p in opt.params:
            if p.base is not vector or not np.shares_memory(p, vector[offset:offset + p.size]):
                raise ValueError("FlatStep needs the optimizer's params to be consecutive views of the vector")
            offset += p.size
        if offset != vector.size or grads.shape != vector.shape:
            raise ValueError(f"FlatStep: the params cover {offset} of {vector.size} entries, "
                             f"the gradient vector has shape {grads.shape}")
        self.opt, self.vector, self.grads = opt, vector, grads
        self._checked = None
        self.adopt()

    def adopt(self):
        """Gather the optimizer's per-parameter state into vector-sized buffers, and view them back."""
        states = self.opt.state
        self.state = {k: v for k, v in states[0].items() if k in SCALAR_STATE}
        for key in states[0]:
            if key not in SCALAR_STATE and all(key in s for s in states):
                self.state[key] = np.concatenate([s[key].reshape(-1) for s in states])
        self._link()

    def _link(self):
        """Each parameter's state holds views of the vector-sized buffers (and the same scalars)."""
        self._linked = len(self.state)
        for key, value in self.state.items():
            offset = 0
            for p, s in zip(self.opt.params, self.opt.state):
                s[key] = value if key in SCALAR_STATE else value[offset:offset + p.size].reshape(p.shape)
                offset += p.size

    def __call__(self):
        opt = self.opt
        hyper = tuple(getattr(opt, k) for k in opt.HYPERPARAMETERS)
        if hyper != self._checked:  # checked again only when a hyperparameter was set anew
            opt._validate()
            self._checked = tuple(getattr(opt, k) for k in opt.HYPERPARAMETERS)
        g = -self.grads if opt.maximize else self.grads
        state = self.state
        state["step"] += 1
        opt._update(self.vector, g, state, _ignore)
        if len(state) != self._linked:  # the rule made a buffer: view it per parameter
            self._link()
        else:
            for key in SCALAR_STATE:
                if key in state:
                    for s in opt.state:
                        s[key] = state[key]
