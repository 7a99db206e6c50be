"""Keyboard choice of a neuron or a weight: any keys, on any network, keep the cursor on a neuron
or an edge that exists, and the arrows reach every neuron and every weight."""
import sys
from pathlib import Path

from hypothesis import given, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
from playground.logic.keynav import ARROWS, move, start  # noqa: E402

SIZES = st.lists(st.integers(1, 8), min_size=2, max_size=8)
KEYS = st.lists(st.sampled_from(ARROWS + ("Enter", "Escape", "x")), max_size=60)


@given(SIZES, KEYS)
def test_the_cursor_stays_on_the_network(sizes, keys):
    cursor = start(sizes)
    for key in keys:
        cursor, _ = move(sizes, cursor, key)
        if cursor[0] == "node":
            assert 0 <= cursor[1] < len(sizes) and 0 <= cursor[2] < sizes[cursor[1]]
        else:
            _, l, i, j, _end = cursor
            assert 0 <= l < len(sizes) - 1 and 0 <= i < sizes[l] and 0 <= j < sizes[l + 1]


@given(SIZES)
def test_every_neuron_and_weight_is_reached(sizes):
    nodes, edges = set(), set()
    for l in range(len(sizes)):
        for i in range(sizes[l]):
            cursor = ("node", 0, 0)
            for _ in range(l):
                cursor, _ = move(sizes, cursor, "ArrowRight")
            cursor = ("node", l, 0)
            for _ in range(i):
                cursor, _ = move(sizes, cursor, "ArrowDown")
            nodes.add(cursor)
            entered, _ = move(sizes, cursor, "Enter")
            for _ in range(max(sizes)):
                edges.add(entered[1:4])
                entered, _ = move(sizes, entered, "ArrowDown")
            assert move(sizes, entered, "Enter")[1] == "edit"
            assert move(sizes, entered, "Escape")[0] == cursor  # back to the neuron it came from
    assert nodes == {("node", l, i) for l in range(len(sizes)) for i in range(sizes[l])}
    assert edges == {(l, i, j) for l in range(len(sizes) - 1) for i in range(sizes[l]) for j in range(sizes[l + 1])}
