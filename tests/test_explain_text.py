"""The teaching panels' words, formulas and pictures, in CPython: the numbers written out in each
formula are the engine's, and they add up (to the digits shown) to the result the line states."""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from nn import Session, explain, optim

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from playground.logic import explain_text as et, source_map, teach_draw as td  # noqa: E402

NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")
_SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def value(text):
    """A number as num() writes it, back to a float."""
    text = text.replace("−", "-")
    if "×10" in text:
        mantissa, exp = text.split("×10")
        return float(mantissa) * 10.0 ** int(exp.translate(_SUP))
    return float(text)


def close(shown, exact, digits=4):
    """True if `shown` is `exact` to the digits displayed (half a unit in the last place)."""
    return abs(value(shown) - exact) <= 0.51 * 10 ** (np.floor(np.log10(abs(exact))) - digits + 1) if exact else value(shown) == 0


def step(config=None, sample=("train", 3)):
    s = Session({"dataset": "xor", **(config or {})})
    s.step(3)
    rec = explain.explain_step(s)
    return s, rec, explain.sample_trace(rec, sample)


@pytest.mark.parametrize("v, text", [(0.0001234, "0.0001234"), (-1.5e-7, "−1.5×10⁻⁷"), (0, "0"), (12345.6, "1.235×10⁴"),
                                     (0.5, "0.5"), (float("nan"), "NaN"), (float("-inf"), "−∞"), (None, "–")])
def test_num_writes_four_significant_digits(v, text):
    assert et.num(v) == text


def test_factor_brackets_negatives():
    assert et.factor(-0.25) == "(−0.25)" and et.factor(0.25) == "0.25"


def test_the_forward_line_adds_up_to_the_engines_z():
    s, rec, t = step({"dataset": "moons"})
    for l in range(len(rec.sizes) - 1):
        for j in range(rec.sizes[l + 1]):
            line = et.z_line(l, j, rec.params_before, t.a[l], t.z[l][j], rec.sizes, s.features)
            numeric = line.split(" = ")[-2]   # "w·a + w·a + ... + b"
            terms = [[value(x) for x in NUMBER.findall(term)] for term in numeric.split(" + ")]
            total = sum(np.prod(t_) for t_ in terms)
            assert abs(total - t.z[l][j]) <= 2e-3 * (1 + abs(t.z[l][j])), line
            assert line.endswith(" = " + et.num(t.z[l][j]))


def test_long_sums_show_the_largest_terms_and_the_rest():
    terms = [(0.1 * k, 1.0) for k in range(20)]
    text = et._sum_terms(terms)
    assert "[14 smaller terms: " in text and "1.9·1" in text and text.count("·") == 6


def test_stage_blocks_show_the_records_numbers():
    s, rec, t = step()
    w = explain.largest_weight_gradient(rec.grads)
    q = explain.update_detail(rec, *w)
    lines = {stage: [line for b in et.stage_blocks(stage, rec, t, (0, 1), w, q, kind=s.kind, n_classes=s.n_classes,
                                                   feats=s.features) for line in b.lines()]
             for stage in et.STAGES}
    fwd = "\n".join(lines["forward"])
    assert f"2: z {et.num(t.z[0][1])} → a {et.num(t.a[1][1])}" in fwd
    assert f"training point #4 (one of the n = {rec.n} in this batch)" in fwd
    loss = "\n".join(lines["loss"])
    assert f"= {et.num(t.loss)}" in loss and f"= {et.num(rec.trace.data_loss)}" in loss
    back = "\n".join(lines["backward"])
    assert f"∂L/∂w = (1/n)·Σᵢ aᵢ·δᵢ over the batch = {et.num(rec.grads[w[0]][w[1]])}" in back
    for j, d in enumerate(t.delta[0]):
        assert f"{j + 1}: {et.num(d)}" in back
    upd = "\n".join(lines["update"])
    assert f"= {et.num(rec.params_after[w[0]][w[1]])}" in upd
    assert f"from {et.num(rec.loss_before_eval)} to {et.num(rec.loss_after)}" in upd
    taken = rec.steps - 1  # the session's count of optimizer steps before this one (it counts this one too)
    assert f"before this step: {taken:,} steps taken" in upd and f"after it: {taken + 1:,} steps taken" in upd


@pytest.mark.parametrize("config", [{"optimizer": "sgd"}, {"optimizer": "sgd", "momentum": 0.9, "nesterov": True},
                                    {"optimizer": "rmsprop", "centered": True, "momentum": 0.3},
                                    {"optimizer": "adam", "amsgrad": True}, {"optimizer": "adamw"},
                                    {"optimizer": "adagrad", "lr_decay": 0.01}, {"optimizer": "nadam"},
                                    {"optimizer": "nadam", "weight_decay": 0.1, "decoupled_weight_decay": True}])
def test_optimizer_lines_end_at_the_new_weight(config):
    s, rec, t = step(config)
    for i in range(0, len(rec.params_after), 2):
        q = explain.update_detail(rec, i, (0, 0))
        lines = et.optimizer_lines(q, rec.hyper)
        assert lines[0] == f"g = ∂L/∂w = {et.num(q['grad'])}"
        assert lines[-1].startswith("w ← ") and lines[-1].endswith(f"= {et.num(rec.params_after[i][0, 0])}")


def test_the_delta_line_is_the_chain_rule_to_the_digits_shown():
    s, rec, t = step({"dataset": "quadrants"})
    line = et.delta_line(0, 2, rec.params_before, t, "tanh")
    fprime = 1 - t.a[1][2] ** 2
    assert f"→ {et.num(fprime)}·[" in line and line.endswith(f"= {et.num(t.delta[0][2])}")
    inner = line.split("·[")[1].split("]")[0]
    products = [np.prod([value(x) for x in NUMBER.findall(term)]) for term in inner.split(" + ")]
    # each factor is shown to 4 digits (relative error ≤ 5e-4), so each product to within 1e-3
    bound = 1.5e-3 * fprime * sum(abs(p) for p in products)
    assert abs(fprime * sum(products) - t.delta[0][2]) <= bound


@pytest.mark.parametrize("config", [{}, {"dataset": "quadrants"}, {"dataset": "sine"},
                                    {"output": "sigmoid", "loss": "mse"}, {"dataset": "quadrants", "loss": "mse"}])
def test_loss_lines_for_every_loss(config):
    s, rec, t = step(config)
    lines = et.loss_lines(t, rec.loss_name, rec.output)
    assert lines[0].startswith("ℓ = ") or lines[0].startswith("ŷ = softmax")
    assert any(line.endswith(f"= {et.num(t.loss)}") for line in lines)
    d = np.ravel(t.delta[-1])
    assert lines[-1].startswith("δ = ∂ℓ/∂z") and (et.num(d[0]) in lines[-1])


def test_a_dropped_neuron_says_so():
    s, rec, t = step({"dropout": 0.5})
    line = et.a_line(0, t.z[0][0], t.a[1][0], "tanh", 2, mask=t.masks[0][0])
    assert "·m" in line and line.split("   ")[0].endswith(et.num(t.a[1][0]))


def test_audit_layers_cover_every_neuron():
    s = Session({"dataset": "quadrants"})
    a = explain.audit(s, ("test", 2))
    layers = et.audit_layers(list(s.net.params), a, s.net.sizes, s.net.activation, s.net.output, feats=s.features)
    assert [len(neurons) for _, neurons in layers] == s.net.sizes[1:]
    summary, lines = layers[0][1][0]
    assert summary == f"neuron 1: z = {et.num(a.z[0][0])}, a = {et.num(a.a[1][0])}, δ = {et.num(a.delta[0][0])}"
    assert lines[0].startswith("z = ") and lines[1].startswith("a = f(z)") and lines[2].startswith("δ = f′(z)")
    assert "Test point #3" in et.audit_intro(a, s.kind, s.n_classes, s.features)


def test_live_check_lines_show_the_two_point_formula():
    s = Session({"dataset": "xor"})
    c = explain.live_check(s)
    lines = et.live_check_lines(c, s.net.sizes, s.features)
    assert lines[3].startswith("[L(w + ε) − L(w − ε)] / 2ε = (") and lines[3].endswith(et.num(c["numeric"], 10))
    assert lines[4] == f"backprop: ∂L/∂w = {et.num(c['analytic'], 10)}"


@pytest.mark.parametrize("name, words", [("sigmoid", "z < −4.6 and z > 4.6"), ("tanh", "z < −3 and z > 3"),
                                         ("relu", "saturates for z < 0"), ("leaky_relu", "never saturates"),
                                         ("linear", "never saturates"), ("sine", "never saturates")])
def test_saturation_sentences_come_from_the_derivative(name, words):
    assert words in et.saturation(name)


def test_source_map_finds_each_stage_in_the_engine():
    for stage in et.STAGES:
        for opt in (cls.name for cls in optim.OPTIMIZERS.values()):  # every optimizer defined
            file, name = source_map.code_for_stage(stage, opt)
            text = (ROOT / "nn" / file).read_text(encoding="utf-8")
            first, last = source_map.locate(text, name)
            line = text.splitlines()[first - 1].strip()
            assert line.startswith(("def ", "@")) and name.split(".")[-1] in line and last > first
    text = (ROOT / "nn" / "core/activations.py").read_text(encoding="utf-8")
    assert source_map.locate(text, "ACTIVATIONS")[0] > 1
    with pytest.raises(ValueError):
        source_map.locate(text, "MLP.nothing")


def test_step_layout_fits_the_canvas():
    for sizes in ([2, 4, 1], [2, 8, 8, 8, 8, 1], [64, 32, 10]):
        h = td.step_height(sizes)
        lay = td.step_layout(sizes, 900, h)
        ys = [y for col in lay.nodes for _, y in col]
        assert min(ys) - lay.node / 2 >= 0 and max(ys) + lay.node / 2 <= h
        assert len(td.edge_segments(lay)) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


@pytest.mark.parametrize("sizes", [[64, 64, 64, 10], [64, 32, 10], [2, 8, 8, 3]])
def test_labelled_neurons_have_room_for_their_two_lines(sizes):
    """The digits' ten outputs beside columns of 64: spread out so that each one's numbers
    (two lines of 13 px) clear its neighbours', and still inside the canvas."""
    h = td.step_height(sizes)
    lay = td.step_layout(sizes, 900, h)
    for column in lay.nodes:
        if len(column) <= td.LABELLED and len(column) > 1:
            gaps = np.diff([y for _, y in column])
            assert gaps.min() >= min(26, (h - td.MARGIN_TOP - td.MARGIN_BOTTOM) / (len(column) - 1)) - 1e-9
        ys = [y for _, y in column]
        assert min(ys) >= 0 and max(ys) <= h


def test_the_pulse_travels_and_reaches_columns():
    lay = td.step_layout([2, 3, 1], 600, 240)
    seg, layers = td.edge_segments(lay), td.edge_layers(lay)
    dots, reached = td.pulse(lay, seg, layers, 0.25)
    assert list(reached) == [True, False, False] and len(dots) == 6
    dots, reached = td.pulse(lay, seg, layers, 0.25, backward=True)
    assert list(reached) == [False, False, True] and len(dots) == 3


def test_landscape_image_has_contours_and_the_low_end_is_pale():
    a = np.linspace(-1, 1, 41)
    L = 0.1 + a[None, :] ** 2 + 2 * a[:, None] ** 2
    img, (lo, hi) = td.landscape_rgba(L)
    assert img.shape == (201, 201, 4) and lo == pytest.approx(0.1) and hi == pytest.approx(3.1)
    centre, corner = img[100, 100, :3].astype(int), img[0, 0, :3].astype(int)
    assert centre.sum() > corner.sum()          # low loss pale, high loss dark
    assert len(np.unique(img.reshape(-1, 4), axis=0)) > 50
    np.testing.assert_allclose(td.plane_to_canvas([[0, 0], [-1, 1]], 1.0, 200), [[100, 100], [0, 0]])


def test_loss_curve_is_lowest_at_the_target():
    x, y, at, _ = td.loss_curve("bce", "sigmoid", np.array([1.0]), np.array([0.3]))
    assert y[-1] < y[0] and at == 0.3
    x, y, at, _ = td.loss_curve("mse", "linear", np.array([0.5]), np.array([0.1]))
    assert x[np.argmin(y)] == pytest.approx(0.5, abs=0.02)
    assert td.loss_curve("mse", "softmax", np.eye(3)[1], np.ones(3) / 3) is None


def test_full_check_blocks_state_the_verdict():
    s = Session({"dataset": "xor"})
    r = explain.full_check(s)
    lines = [line for b in et.full_check_blocks(r, s.net.sizes, s.net.activation, s.features) for line in b.lines()]
    assert f"over all {s.net.n_params} parameters on {r['points']} training points" in lines[0]
    assert lines[1].endswith(et.num(r["relative_error"], 2))
    assert any(line.startswith("largest relative error") and line.endswith("≤ 10⁻⁸") for line in lines)
    assert lines[2:2 + len(s.net.params)] == [f"{n}: {et.num(e, 2)}" for n, e in
                                               zip(et.array_names(len(s.net.params)), r["per_param"])]
    bad = {**r, "largest": 1e-3, "near_kink": 3, "kink_inputs": 320}
    text = " ".join(b.text for b in et.full_check_blocks(bad, s.net.sizes, ["relu"]))
    assert "> 10⁻⁸" in text and "3 of the 320 relu inputs" in text


def test_descent_sentence_tells_overshooting_from_descending():
    up = et.descent_sentence([[0, 0], [1, 0], [-1.2, 0], [1.5, 0]], [0.5, 0.6, 0.7, 0.9], 3)
    assert "overshoots" in up and "from 0.5 to 0.9" in up
    zig = et.descent_sentence([[0, 0], [1, 0], [0.5, 0], [0.8, 0], [0.7, 0]], [0.5, 0.4, 0.35, 0.33, 0.32], 1)
    assert "zig-zagging" in zig and "3 turns back" in zig
    down = et.descent_sentence([[0, 0], [0.1, 0], [0.2, 0]], [0.5, 0.45, 0.41], 0.1)
    assert "steadily down" in down


def test_each_speed_path_names_the_readable_function_it_mirrors():
    """Every nn/fast module has a MIRRORS table whose functions exist in it and whose references
    exist in the readable file named; the source viewer writes them out."""
    for path in sorted((ROOT / "nn" / "fast").glob("[a-z]*.py")):
        text = path.read_text(encoding="utf-8")
        table = source_map.mirrors(text)
        assert table, f"{path.name} has no MIRRORS"
        for name, ref in table.items():
            source_map.locate(text, name)
            file, qualname = ref.split(":")
            source_map.locate((ROOT / "nn" / file).read_text(encoding="utf-8"), qualname)
            assert f"{name} mirrors nn/{file} {qualname}" in source_map.mirror_note(text, name)


@pytest.mark.parametrize("config, k", [({"dataset": "digits", "n": 200}, 10), ({"dataset": "quadrants"}, 4),
                                       ({"dataset": "spiral", "arms": 3}, 3)])
def test_the_outputs_of_several_classes_are_named_by_their_class(config, k):
    """Output neuron j stands for class j (digits: 0 to 9), so a point of class c is written with ŷ_c and
    the chips of the output layer are numbered from 0; hidden neurons still count from 1."""
    s = Session(config)
    s.step(2)
    rec = explain.explain_step(s)
    i = int(np.flatnonzero(s.y_train == k - 1)[0])  # a training point of the last class
    t = explain.sample_trace(rec, ("train", i))
    w = explain.largest_weight_gradient(rec.grads)
    out_layer = len(rec.sizes) - 2
    forward = [b for b in et.forward_blocks(rec, t, (out_layer, k - 1), kind=s.kind, n_classes=s.n_classes)]
    chips = [b for b in forward if b.kind == "chips"]
    assert [label for label, _ in chips[-1].items] == [f"{j}:" for j in range(k)]
    assert chips[-1].items[k - 1][1] == f"z {et.num(t.z[-1][k - 1])} → a {et.num(t.a[-1][k - 1])}"
    assert [label for label, _ in chips[0].items][:2] == ["1:", "2:"]  # the hidden layer
    text = "\n".join(line for b in forward for line in b.lines())
    assert f"The output for class {k - 1}, written out" in text
    assert f"ŷ{et.sub(k - 1)} = e^zₖ" in text
    loss = et.loss_lines(t, rec.loss_name, rec.output)
    assert f"−log ŷ{et.sub(k - 1)} = −log {et.num(t.a[-1][k - 1])}" in loss[1]
    back = [b for b in et.backward_blocks(rec, t, (0, 0), w) if b.kind == "chips"]
    assert [label for label, _ in back[0].items] == [f"{j}:" for j in range(k)]  # δ of the outputs first
    assert et.weight_name(out_layer, 0, k - 1, rec.sizes) == \
        f"the weight from a₁ of hidden layer {out_layer} to the output for class {k - 1}"
    assert et.param_name(2 * out_layer + 1, (k - 1,), rec.sizes) == f"the bias of the output for class {k - 1}"
    layers = et.audit_layers(list(s.net.params), explain.audit(s, ("train", i)), s.net.sizes, s.net.activation,
                             s.net.output)
    assert [summary.split(":")[0] for summary, _ in layers[-1][1]] == [f"class {j}" for j in range(k)]


def test_a_single_output_keeps_its_name():
    s, rec, t = step()
    forward = et.forward_blocks(rec, t, (len(rec.sizes) - 2, 0), kind=s.kind, n_classes=s.n_classes)
    text = "\n".join(line for b in forward for line in b.lines())
    assert "Neuron 1 of the output layer, written out" in text and "ŷ = σ(z)" in text
