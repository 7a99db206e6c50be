"""Session.grid's quick forward pass (nn/fast/picture.py) equals the plain one, MLP.layers, on the grid."""
import importlib
import inspect

import numpy as np
import pytest

from nn import Session, activations, picture
from nn.core.mlp import forward_layers

CASES = [
    ({"dataset": "spiral"}, "separable"),                                          # the page's default
    ({"dataset": "spiral", "features": ["x1", "x2", "x1^2", "sin(x2)"]}, "separable"),
    ({"dataset": "circle", "features": ["x2^2"]}, "separable"),                     # x2 only
    ({"dataset": "circle", "features": ["x1", "x1*x2"]}, "plain"),                  # x1x2: both
    ({"dataset": "moons", "activation": "relu"}, "separable"),                     # relu: plain layers
    ({"dataset": "moons", "activation": ["sigmoid", "tanh"]}, "separable"),
    ({"dataset": "quadrants"}, "separable"),                                       # softmax head
    ({"dataset": "plane"}, "separable"),                                           # linear head
    ({"dataset": "sine"}, "1-D"),
]


@pytest.mark.parametrize("config, kind", CASES)
@pytest.mark.parametrize("trained", [0, 60])
def test_the_grid_equals_the_plain_forward_pass(config, kind, trained):
    s = Session(config)
    s.step(trained, until_stop=False)
    x1, x2, F, inputs, shape, columns = s._grid_inputs(80)
    assert (columns is not None) == (kind == "separable")
    grid = s.grid(80)
    _, A, _ = s.net.layers(F)
    got = [inputs, *grid.hidden, grid.output]
    for l, (a, g) in enumerate(zip(A, got)):
        want = a if l == len(A) - 1 else np.moveaxis(a.reshape(*shape, -1), -1, 0)
        want = want.reshape(g.shape)
        np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-14, err_msg=f"layer {l}")


def test_huge_first_layer_weights_take_the_plain_way():
    s = Session({"dataset": "spiral"})
    s.net.params[0][...] = 200.0  # 2u reaches 2·200·3·... far past the separable limit
    x1, x2, F, inputs, shape, columns = s._grid_inputs(80)
    assert picture._exp_2z_separable(inputs, columns, s.net.params[0], s.net.params[1]) is None
    _, A, _ = s.net.layers(F)
    np.testing.assert_allclose(s.grid(80).hidden[0], np.moveaxis(A[1].reshape(*shape, -1), -1, 0), rtol=1e-12, atol=1e-14)


def test_saturated_tanh_is_exactly_one_without_warnings():
    s = Session({"dataset": "spiral"})
    s.net.params[2][...] = 0.0
    s.net.params[3][:4], s.net.params[3][4:] = 1e3, -1e3  # layer 2's z = ±1000: e^{2z} is inf or 0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        g = s.grid(80)
    assert np.all(g.hidden[1][:4] == 1.0) and np.all(g.hidden[1][4:] == -1.0)


@pytest.mark.parametrize("config", [{"dataset": "spiral"}, {"dataset": "circle", "features": ["x2^2", "sin(x1)"]}])
def test_the_separable_first_layer_equals_the_plain_one(config):
    s = Session(config)
    s.step(30, until_stop=False)
    x1, x2, F, inputs, shape, columns = s._grid_inputs(80)
    assert columns is not None
    got = picture._exp_2z_separable(inputs, columns, s.net.params[0], s.net.params[1])
    Z, _, _ = forward_layers(F, s.net.params[:2], [], None)  # the first layer alone
    np.testing.assert_allclose(got, np.exp(2.0 * Z[0]).T, rtol=1e-12, atol=0)


def test_tanh_from_exp_2z_equals_tanh():
    z = np.linspace(-30.0, 30.0, 6401)  # past TANH_VIA_EXP_FROM, and below it
    for part in (z, z[:100]):
        want = activations.tanh(part)
        np.testing.assert_allclose(picture._tanh_from_exp_2z(np.exp(2.0 * part)), want, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(want, np.tanh(part), rtol=1e-12, atol=1e-15)


def test_every_quick_function_names_the_readable_one_it_mirrors():
    quick = {name for name, f in vars(picture).items()
             if inspect.isfunction(f) and f.__module__ == picture.__name__ and name != "separable_columns"}
    assert set(picture.MIRRORS) == quick  # separable_columns only inspects the grid: it mirrors nothing
    for name, where in picture.MIRRORS.items():
        file, qualname = where.split(":")
        target = importlib.import_module("nn." + file.removesuffix(".py").replace("/", "."))
        for part in qualname.split("."):
            target = getattr(target, part)
        assert callable(target), where
