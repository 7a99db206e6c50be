"""The page's pure logic (colours, layout of the network drawing), tested without a browser."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
from playground.logic import colors, layout as layout_mod  # noqa: E402


def test_diverging_ends_and_middle():
    rgba = colors.diverging(np.array([-1.0, 0.0, 1.0, -5.0, 5.0]))
    np.testing.assert_array_equal(rgba[0, :3], colors.PALETTE[0])   # −1: orange
    np.testing.assert_array_equal(rgba[2, :3], colors.PALETTE[1])   # +1: blue
    assert np.abs(rgba[1, :3].astype(int) - colors.NEUTRAL).max() <= 3  # 0: the neutral grey
    np.testing.assert_array_equal(rgba[3], rgba[0])                # clipped beyond the range
    assert np.all(rgba[:, 3] == 255)


def test_binary_probabilities_shade_by_confidence():
    P = np.array([[0.0], [0.5], [1.0], [0.75]])
    rgba = colors.probabilities_rgba(P)
    np.testing.assert_array_equal(rgba[0, :3], colors.PALETTE[0])
    np.testing.assert_array_equal(rgba[2, :3], colors.PALETTE[1])
    unsure, half_sure = rgba[1, :3].astype(int), rgba[3, :3].astype(int)
    assert np.abs(unsure - colors.NEUTRAL).max() <= 3
    # 75% blue sits halfway between grey and blue
    np.testing.assert_allclose(half_sure, (colors.NEUTRAL + colors.PALETTE[1]) / 2, atol=3)
    crisp = colors.probabilities_rgba(np.array([[0.51], [0.49]]), discretize=True)
    assert crisp[0, 2] > crisp[0, 0] and crisp[1, 0] > crisp[1, 2]  # blue side, orange side


def test_multiclass_mix_and_discretize():
    P = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]])
    rgba = colors.probabilities_rgba(P)
    np.testing.assert_array_equal(rgba[0, :3], colors.PALETTE[0])
    np.testing.assert_array_equal(rgba[2, :3], colors.PALETTE[2])
    np.testing.assert_array_equal(rgba[1, :3], colors.NEUTRAL)  # chance level: no colour at all
    out = np.zeros((3, 4), np.uint8)
    assert colors.probabilities_rgba(P, discretize=True, out=out) is out


def test_one_class_map():
    rgba = colors.one_class_rgba(np.array([0.0, 1.0]), 2)
    np.testing.assert_array_equal(rgba[0, :3], colors.NEUTRAL)
    np.testing.assert_array_equal(rgba[1, :3], colors.PALETTE[2])


def test_network_tiles_for_every_kind_of_output():
    """The atlas has one 20x20 tile per neuron, for sigmoid, softmax, regression and 1-D data."""
    from nn import Session
    from playground.logic.tiles import TILE, tile_images
    for config in ({"dataset": "xor"}, {"dataset": "quadrants"}, {"dataset": "plane"}, {"dataset": "sine"}):
        s = Session(config)
        atlas = tile_images(s, s.grid(80))
        assert atlas.shape == (TILE, TILE * sum(s.net.sizes), 4) and atlas.dtype == np.uint8, config


def test_each_tile_is_its_neurons_own_map():
    """Tile by tile, the atlas equals each neuron's grid, sampled every 4th cell and coloured on
    its own range, the output tile as the output view paints it (also after the kept ranges)."""
    from nn import Session
    from playground.logic.tiles import STEP, TILE, tile_images
    for config in ({"dataset": "spiral"}, {"dataset": "moons", "activation": "relu"}, {"dataset": "plane"}):
        s = Session(config)
        for _ in range(2):
            s.step(5, until_stop=False)
            g = s.grid(80)
            atlas = tile_images(s, g)
            images = [(v, "linear") for v in g.inputs]
            images += [(v, act) for act, layer in zip(s.net.activation, g.hidden) for v in layer]
            for k, (v, act) in enumerate(images):
                small = v[STEP // 2::STEP, STEP // 2::STEP]
                want = colors.diverging(small, *colors.neuron_range(act, v))  # range over the whole grid
                assert np.array_equal(atlas[:, k * TILE:(k + 1) * TILE], want), (config, k)
            small_out = g.output[STEP // 2::STEP, STEP // 2::STEP, 0]
            want_out = (colors.diverging(small_out) if s.kind == "regression"
                        else colors.probabilities_rgba(small_out[..., None]))
            assert np.array_equal(atlas[:, -TILE:], want_out), config


def test_edge_style_grows_with_the_weight():
    from playground.logic.tiles import edge_style
    width, alpha = edge_style(np.array([0.0, 0.5, -0.5, 3.0, 50.0]))
    assert width[0] < width[1] == width[2] < width[3] == width[4]  # by |w|, saturating at 3
    assert 0 < alpha[0] < alpha[1] < alpha[3] == alpha[4] == pytest.approx(1.0)


def test_neuron_ranges():
    assert colors.neuron_range("tanh", np.array([5.0])) == (-1.0, 1.0)
    assert colors.neuron_range("relu", np.array([0.0, 4.0])) == (-4.0, 4.0)
    assert colors.neuron_range("relu", np.zeros(3)) == (-1.0, 1.0)


def test_layout_columns_and_hits():
    lay = layout_mod.layout([2, 8, 8, 1], width=600, height=500)
    assert len(lay.nodes) == 4 and [len(c) for c in lay.nodes] == [2, 8, 8, 1]
    xs = [c[0][0] for c in lay.nodes]
    assert xs == sorted(xs) and xs[0] > 0 and xs[-1] < 600
    for column in lay.nodes:
        ys = [y for _, y in column]
        assert all(b - a >= lay.node for a, b in zip(ys, ys[1:]))  # squares never overlap
        assert min(ys) - lay.node / 2 >= 0 and max(ys) + lay.node / 2 <= 500
    x, y = lay.nodes[1][3]
    assert lay.node_at(x, y) == (1, 3)
    assert lay.node_at(5, 5) is None
    x0, y0, x1, y1 = lay.edge(1, 2, 5)
    # near its source (further along, edges of a fully connected layer cross each other)
    assert lay.edge_at(x0 + (x1 - x0) / 10, y0 + (y1 - y0) / 10) == (1, 2, 5)


def test_layout_refuses_empty_layers():
    with pytest.raises(ValueError):
        layout_mod.layout([2], 100, 100)


def test_the_activation_explorer_draws_every_curve_whole():
    """The plot's y range holds each activation over the explorer's z range (linear was cut flat at
    −2, so it looked like a ReLU)."""
    from nn import activations
    from playground.logic import teach_draw
    z = np.linspace(-teach_draw.ACTIVATION_Z, teach_draw.ACTIVATION_Z, 201)
    for name in activations.NAMES:
        act = activations.get(name, 0.01)
        f = act.f(z)
        lo, hi = teach_draw.plot_range(f, act.df(z, f))
        assert lo <= f.min() and f.max() <= hi, name
        assert lo <= 0 and hi >= 1
