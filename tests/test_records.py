"""One record per idea: each activation, output head, loss and dataset is one record in nn/, each
limit one line of nn/limits.py, and everything the page shows of them is made from those. These
tests hold the records true (f′ against a difference quotient, the bounds and kinks against f
itself, the speed path against the readable function) and the page's menus equal to them."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn import MLP, Session, activations, config, datasets, explain, limits, losses
from nn.fast import tanh as fast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from playground.logic import colors, explain_text as et, menus, source_map  # noqa: E402

SLOPES = (0.01, 0.2)
WIDE = np.concatenate([np.linspace(-50.0, 50.0, 20001), [-1e308, -700.0, -350.5, 350.5, 700.0, 1e308]])


def _records():
    """Every activation record, leaky_relu at each slope."""
    return [activations.get(name, s) for name in activations.NAMES for s in SLOPES
            if name == "leaky_relu" or s == SLOPES[0]]


def _id(act):
    return act.name if act.name != "leaky_relu" else f"leaky_relu({act.derivative.split()[-1]})"


# -- activations ------------------------------------------------------------------------------------
@pytest.mark.parametrize("act", _records(), ids=_id)
def test_the_derivative_is_the_slope_of_f(act):
    z = np.linspace(-30.0, 30.0, 1201) + 0.0031  # misses 0, where kinked ones have no slope
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    analytic = act.df(z, act.f(z))
    worst = np.argmax(np.abs(numeric - analytic))
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-7), \
        f"{act.name} at z = {z[worst]}: ours {analytic[worst]} vs difference quotient {numeric[worst]}"


@pytest.mark.parametrize("act", _records(), ids=_id)
def test_bounds_hold_f_and_are_reached(act):
    with np.errstate(over="ignore", invalid="ignore"):  # f at ±1e308 may be inf for unbounded ones
        a = act.f(WIDE)
    if act.bounds is None:  # unbounded: f runs past any fixed colour range on at least one side
        assert np.nanmax(np.abs(a[np.isfinite(a)])) > 10, act.name
        return
    lo, hi = act.bounds
    assert lo < hi and np.all((lo <= a) & (a <= hi)), f"{act.name} leaves [{lo}, {hi}]: {a.min()} .. {a.max()}"
    assert a.min() - lo < 1e-6 and hi - a.max() < 1e-6, f"{act.name} does not reach its bounds"


@pytest.mark.parametrize("act", _records(), ids=_id)
def test_kinked_ones_have_a_slope_that_jumps_at_zero(act):
    z = np.array([-1e-9, 1e-9])
    left, right = act.df(z, act.f(z))
    assert (abs(right - left) > 1e-3) == act.kinked, f"{act.name}: f′(0−) = {left}, f′(0+) = {right}"


def test_the_menu_order_is_a_field_of_each_record():
    menu = [activations.ACTIVATIONS[name].menu for name in activations.NAMES]
    assert sorted(menu) == list(range(len(menu))), "menu places must be 0, 1, 2, ... once each"
    assert activations.get("leaky_relu", 0.3).menu == activations.ACTIVATIONS["leaky_relu"].menu
    assert activations.MENU[0] == "tanh"  # the page opens on tanh


def test_the_explained_step_writes_every_activation_from_its_record():
    for act in _records():
        s = float(act.derivative.split()[-1]) if act.name == "leaky_relu" else 0.01
        assert et.act_formula(act.name, s) == act.symbol
        assert et.derivative_formula(act.name, s) == act.derivative
        for z in (-1.5, 0.0, 2.25):
            text = et.act_applied(act.name, z, s)
            assert "{" not in text and et.num(z).replace("−", "") in text.replace("−", "")
    # as the page has always written them
    assert et.act_applied("leaky_relu", -1.5) == "max((−1.5), 0.01·(−1.5))"
    assert et.act_applied("silu", -1.5) == "(−1.5)·σ((−1.5))"
    assert et.act_applied("softplus", -1.5) == "log(1 + e^−1.5)"
    assert et.act_formula("leaky_relu", 0.2) == "max(z, 0.2·z)"
    assert activations.get("sigmoid").formula == "f(z) = 1 / (1 + e^−z) ;  f'(z) = f(z)·(1 − f(z))"


@pytest.mark.parametrize("name", activations.NAMES)
def test_the_explained_step_works_for_every_activation(name):
    s = Session({"dataset": "xor", "hidden": [3], "activation": name})
    s.step(2)
    rec = explain.explain_step(s)
    t = explain.sample_trace(rec, ("train", 0))
    line = et.delta_line(0, 0, rec.params_before, t, name, rec.negative_slope)
    assert line.startswith("δ = f′(z)·Σₖ wₖ·δₖ = " + activations.get(name).derivative)


def test_tile_colour_ranges_come_from_the_bounds():
    values = np.linspace(-7.0, 7.0, 30).reshape(2, 15)
    for name in activations.NAMES:
        lo, hi = colors.neuron_ranges(name, values)
        bounds = activations.ACTIVATIONS[name].bounds
        assert (lo[0], hi[0]) == (bounds if bounds is not None else (-7.0, 7.0)), name


def test_full_checks_kink_count_follows_the_records():
    assert et.KINKED == tuple(n for n in activations.NAMES if activations.ACTIVATIONS[n].kinked)
    assert set(et.KINKED) == {"relu", "leaky_relu"}
    smooth = explain.full_check(Session({"dataset": "xor", "hidden": [4], "activation": "elu"}), points=8)
    kinked = explain.full_check(Session({"dataset": "xor", "hidden": [4], "activation": "relu"}), points=8)
    assert smooth["kink_inputs"] == 0 and kinked["kink_inputs"] == 8 * 4


# -- the speed path ----------------------------------------------------------------------------------
SPECIAL = np.array([0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-12, 1e-8, 0.5, -0.5, 19.0, -19.0, 20.0, 349.9,
                    -350.0, -350.1, 700.0, -700.0, 710.0, -710.0, 1e6, -1e6, 1e300, -1e300,
                    np.finfo(float).max, -np.finfo(float).max])


@pytest.mark.parametrize("size", [len(SPECIAL), fast.TANH_VIA_EXP_FROM - 1, fast.TANH_VIA_EXP_FROM, 6400 * 8])
def test_fast_tanh_equals_the_readable_tanh(size):
    """Below the switch and above it, over ±700 and the largest finite floats."""
    rng = np.random.default_rng(size)
    k = (size - len(SPECIAL)) // 3
    z = np.concatenate([SPECIAL, rng.normal(0.0, 3.0, k), rng.uniform(-800.0, 800.0, k),
                        10.0 ** rng.uniform(-20, 3, size - len(SPECIAL) - 2 * k) * rng.choice([-1.0, 1.0])])
    assert z.size == size
    for shaped in (z, z.reshape(-1, 8) if size % 8 == 0 else z[None]):
        with np.errstate(over="ignore"):  # −2z overflows to −inf past 9e307 (and e^−inf = 0: still exact)
            ours = fast.tanh(shaped)
        ref = activations.tanh(shaped)
        worst = np.argmax(np.abs(ours - ref))
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-15,
                                   err_msg=f"fast vs readable at z = {shaped.flat[worst]}")
        assert ours.shape == ref.shape and ours is not shaped


def test_the_speed_path_is_mirrored_and_used():
    for qualname, ref in fast.MIRRORS.items():
        file, ref_name = ref.split(":")
        source_map.locate((ROOT / "nn" / "fast/tanh.py").read_text(encoding="utf-8"), qualname)
        source_map.locate((ROOT / "nn" / file).read_text(encoding="utf-8"), ref_name)
    assert activations.ACTIVATIONS["tanh"].fast_f is fast.tanh and activations.tanh(np.array([0.3])) == np.tanh(0.3)
    # MLP's forward pass takes the speed path where a record has one
    net = MLP([2, 8, 1], "tanh")
    calls = []
    net.acts[0] = net.acts[0]._replace(fast_f=lambda z: calls.append(z.shape) or np.tanh(z))
    net.forward(np.zeros((200, 2)))
    assert calls == [(200, 8)]
    # and so does the loss landscape's batched forward pass
    calls.clear()
    X, Y = np.zeros((5, 2)), np.zeros(5)
    d = [np.ones_like(q) for q in net.params]
    explain.loss_surface(net, X, Y, "bce", d, d, 1.0, res=3)
    assert calls == [(3, 5, 8)] * 3


# -- heads and losses ----------------------------------------------------------------------------------
def test_heads_and_losses_are_made_from_their_records():
    assert losses.HEADS == ("sigmoid", "softmax", "linear") and losses.LOSSES == ("mse", "bce", "cross_entropy")
    assert losses.DEFAULT_LOSS == {"sigmoid": "bce", "softmax": "cross_entropy", "linear": "mse"}
    assert losses.ALLOWED_LOSSES == {"sigmoid": ("bce", "mse"), "softmax": ("cross_entropy", "mse"),
                                     "linear": ("mse",)}
    assert et.HEAD == {"sigmoid": "σ(z)", "softmax": "e^zₖ / Σⱼ e^zⱼ", "linear": "z"}
    z = np.array([[0.3, -1.2, 2.0]])
    for name, head in losses.HEAD.items():
        assert head.name == name and set(head.losses) <= set(losses.LOSSES)
        np.testing.assert_array_equal(losses.head(name, z), head.f(z))
    for name, loss in losses.LOSS.items():
        assert loss.name == name and loss.formula.startswith("mean(") and loss.torch.startswith("torch.nn.")


def test_the_output_menu_is_every_head_with_its_losses():
    assert menus.OUTPUTS == {
        "sigmoid/bce": "sigmoid · binary cross-entropy", "sigmoid/mse": "sigmoid · mean squared error",
        "softmax/cross_entropy": "softmax · cross-entropy", "softmax/mse": "softmax · mean squared error",
        "linear/mse": "linear · mean squared error",
    }
    for key in menus.OUTPUTS:
        head, loss = key.split("/")
        assert losses.check_pair(head, loss) == loss
    assert len(menus.OUTPUTS) == sum(len(head.losses) for head in losses.HEAD.values())


def test_the_activation_menu_is_the_records_menu_order():
    assert menus.ACTIVATIONS == list(activations.MENU)
    assert menus.ACTIVATIONS == ["tanh", "relu", "leaky_relu", "sigmoid", "linear", "elu", "softplus", "silu",
                                 "gelu", "sine"]


# -- datasets --------------------------------------------------------------------------------------
def test_datasets_are_made_from_their_records():
    assert list(datasets.LABELS) == list(datasets.NAMES)
    assert datasets.LABELS == {name: spec.label for name, spec in datasets.SPECS.items()}
    assert datasets.LABELS["digits"] == "Handwritten digits (8x8)"
    assert datasets.REGRESSION == ("sine", "plane", "gaussians")
    assert all(datasets.DEFAULTS[name] is spec.defaults for name, spec in datasets.SPECS.items())
    assert menus.DATASET_LABELS == datasets.LABELS and list(menus.DATASET_LABELS) == list(datasets.NAMES)


# -- limits ----------------------------------------------------------------------------------------
def test_config_datasets_and_mlp_read_the_limits():
    hidden = config.BY_NAME["hidden"]
    assert hidden.max_len == limits.MAX_HIDDEN_LAYERS and hidden.hi == limits.MAX_CONFIG_WIDTH
    config.resolve({"hidden": [4] * limits.MAX_HIDDEN_LAYERS})
    with pytest.raises(ValueError, match=f"0 to {limits.MAX_HIDDEN_LAYERS} whole numbers"):
        config.resolve({"hidden": [4] * (limits.MAX_HIDDEN_LAYERS + 1)})
    assert (config.BY_NAME["n"].lo, config.BY_NAME["n"].hi) == (limits.MIN_POINTS, limits.MAX_POINTS)
    assert config.BY_NAME["n"].hi == datasets.max_n("spiral") == config.BY_NAME["batch_size"].hi
    assert config.BY_NAME["noise"].hi == datasets.MAX_NOISE == limits.MAX_NOISE
    assert (config.BY_NAME["train_fraction"].lo, config.BY_NAME["train_fraction"].hi) == limits.TRAIN_FRACTION
    assert config.BY_NAME["seed"].hi == limits.MAX_SEED
    for name, preset in config.PRESETS.items():  # the good runs fit the page
        assert len(preset["hidden"]) <= limits.MAX_HIDDEN_LAYERS
        assert max(preset["hidden"], default=1) <= limits.max_width(name)
    # the engine's hard limits, for API users, are at least the config's
    assert limits.ENGINE_MAX_HIDDEN_LAYERS >= limits.MAX_HIDDEN_LAYERS
    assert limits.ENGINE_MAX_HIDDEN_WIDTH >= limits.MAX_CONFIG_WIDTH
    MLP([2] + [1] * limits.ENGINE_MAX_HIDDEN_LAYERS + [1])
    with pytest.raises(ValueError, match=f"allowed: 0 to {limits.ENGINE_MAX_HIDDEN_LAYERS}"):
        MLP([2] + [1] * (limits.ENGINE_MAX_HIDDEN_LAYERS + 1) + [1])


def test_the_page_reads_the_same_limits_as_the_config():
    assert menus.MAX_LAYERS == config.BY_NAME["hidden"].max_len
    assert config.BY_NAME["hidden"].hi == max(menus.width_limit(name) for name in datasets.NAMES)
    assert menus.width_limit("digits") == 64 and menus.width_limit("spiral") == 8
    ranges = menus.input_ranges("spiral")
    assert ranges["n"][1] == config.BY_NAME["n"].hi and ranges["n"][0] >= 2 * 10  # valid for the digits too
    assert menus.input_ranges("digits")["n"][1] == datasets.max_n("digits") == 1797
    assert ranges["noise"][:2] == (0.0, config.BY_NAME["noise"].hi)
    assert ranges["train_fraction"][:2] == (config.BY_NAME["train_fraction"].lo, config.BY_NAME["train_fraction"].hi)
    assert config.BY_NAME["seed"].hi == limits.MAX_SEED and menus.next_seed(limits.MAX_SEED) == 0
    assert menus.FULL_BATCH == config.BY_NAME["batch_size"].hi


def test_width_buttons_never_trap_a_layer():
    assert menus.width_allowed(8, +1, 8) and not menus.width_allowed(9, +1, 8)
    assert menus.width_allowed(31, -1, 8)  # from a wider layer the config allows, − still works
    assert not menus.width_allowed(0, -1, 8)


def test_a_limit_changed_in_nn_limits_changes_the_config_and_the_page():
    code = """
import importlib, sys
sys.path.insert(0, "site")
from nn import limits, config, datasets
limits.MAX_HIDDEN_LAYERS, limits.MAX_WIDTH, limits.MAX_POINTS, limits.MAX_NOISE = 3, 5, 700, 0.4
importlib.reload(datasets)  # as after editing nn/limits.py and starting again
config = importlib.reload(config)
from playground.logic import menus
try:
    config.resolve({"hidden": [4, 4, 4, 4]})
    print("accepted")
except ValueError as e:
    print("refused", "0 to 3" in str(e))
print(config.resolve({"hidden": [4, 4, 4]})["hidden"], config.BY_NAME["n"].hi, config.BY_NAME["noise"].hi)
print(menus.MAX_LAYERS, menus.width_limit("spiral"), menus.input_ranges("xor")["n"][1],
      menus.input_ranges("xor")["noise"][1], menus.FULL_BATCH)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["refused True", "[4, 4, 4] 700 0.4", "3 5 700 0.4 700"], \
        out.stdout + out.stderr
