"""Forward outputs, losses and gradients against PyTorch itself, float64, identical weights."""
import numpy as np
import pytest

from nn import MLP, activations
from tests.helpers import PAIRS, make_targets, outputs_for

torch = pytest.importorskip("torch", reason="PyTorch parity needs torch (pip install -e '.[parity]')")
F = torch.nn.functional
torch.set_num_threads(1)

TORCH_ACT = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": F.elu,
    "softplus": F.softplus,
    "silu": F.silu,
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
    "sine": torch.sin,
}


def torch_loss_and_grads(net, X, Y, output, loss, l1=0.0, l2=0.0):
    """The same network in torch, autograd doing the calculus."""
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in net.params]
    a = torch.tensor(X, dtype=torch.float64)
    n_layers = len(params) // 2
    for l in range(n_layers):
        z = a @ params[2 * l] + params[2 * l + 1]
        a = TORCH_ACT[net.activation[l]](z) if l < n_layers - 1 else z
    out = {"sigmoid": torch.sigmoid, "softmax": lambda t: torch.softmax(t, 1), "linear": lambda t: t}[output](z)
    if loss == "bce":
        value = torch.nn.BCEWithLogitsLoss()(z, torch.tensor(Y, dtype=torch.float64).reshape(z.shape))
    elif loss == "cross_entropy":
        value = torch.nn.CrossEntropyLoss()(z, torch.tensor(Y))
    else:
        value = torch.nn.MSELoss()(out, torch.tensor(Y, dtype=torch.float64).reshape(out.shape))
    for W in params[0::2]:
        value = value + l1 * W.abs().sum() + 0.5 * l2 * (W * W).sum()
    value.backward()
    return out.detach().numpy(), value.item(), [p.grad.numpy() for p in params]


@pytest.mark.parametrize("output,loss", PAIRS)
@pytest.mark.parametrize("activation", activations.NAMES)
def test_matches_torch(activation, output, loss):
    rng = np.random.default_rng(11)
    k = outputs_for(output)
    X = 2.0 * rng.normal(size=(40, 3))
    Y = make_targets(output, loss, 40, k, rng)
    net = MLP([3, 7, 5, k], activation=activation, output=output, init="xavier_normal", seed=2)
    ours, theirs = (net.loss_and_grads(X, Y, loss, l1=1e-3, l2=1e-2),
                    torch_loss_and_grads(net, X, Y, output, loss, l1=1e-3, l2=1e-2))
    np.testing.assert_allclose(net.forward(X), theirs[0], rtol=1e-12, atol=1e-15, err_msg="forward: ours vs torch")
    assert ours[0] == pytest.approx(theirs[1], rel=1e-12, abs=1e-15), "loss: ours vs torch"
    for i, (g, t) in enumerate(zip(ours[1], theirs[2])):
        np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-14, err_msg=f"gradient of params[{i}]: ours vs torch")


def test_softplus_threshold_and_extremes_match_torch():
    z = np.array([-800.0, -40.0, -1.0, 0.0, 19.9, 20.0, 20.1, 50.0, 800.0])
    t = torch.tensor(z, requires_grad=True)
    for name in ("sigmoid", "softplus", "silu", "gelu", "elu", "tanh"):
        act = activations.get(name)
        a = act.f(z)
        tz = t.detach().clone().requires_grad_(True)
        ta = TORCH_ACT[name](tz)
        ta.sum().backward()
        np.testing.assert_allclose(a, ta.detach().numpy(), rtol=1e-13, atol=1e-300, err_msg=f"{name}: ours vs torch")
        np.testing.assert_allclose(act.df(z, a), tz.grad.numpy(), rtol=1e-12, atol=1e-300, err_msg=f"{name}': ours vs torch")


def test_gains_match_torch():
    from nn import init
    for name in ("linear", "sigmoid", "tanh", "relu"):
        assert init.gain(name) == pytest.approx(torch.nn.init.calculate_gain(name), rel=1e-15)
    assert init.gain("leaky_relu", 0.2) == pytest.approx(torch.nn.init.calculate_gain("leaky_relu", 0.2), rel=1e-15)
