"""What a learner types into the page's text boxes (the weight editor, the seed) is read in pure
Python: a refusal says what was typed and what is allowed, never "nan" or ''."""
import sys
from pathlib import Path

import pytest

from nn import Session, limits
from nn.training import config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
from playground.logic import typed  # noqa: E402

WEIGHTS_ALLOWED = "a weight is a number from −100 to 100"


@pytest.mark.parametrize("text, value", [("0.5", 0.5), (" -2 ", -2.0), ("−1.5", -1.5), ("1e2", 100.0),
                                         ("-100", -100.0), ("3", 3.0), ("1e-400", 0.0)])
def test_a_typed_weight_in_range_is_its_number(text, value):
    assert typed.weight(text) == value


@pytest.mark.parametrize("text, said", [
    ("abc", '"abc" is not a number'),
    ("1,5", '"1,5" is not a number'),
    ("1e400", "1e400 is too large"),
    ("-1e400", "-1e400 is too small"),
    ("150", "150 is too large"),
    ("−100.5", "−100.5 is too small"),
    ("-inf", "-inf is not finite"),
    ("Infinity", "Infinity is not finite"),
    ("nan", "nan is not a number"),
    ("  ", "nothing was typed"),
    ("x" * 100, f'"{"x" * 39}…" is not a number'),
])
def test_a_refused_weight_names_what_was_typed_and_what_is_allowed(text, said):
    with pytest.raises(ValueError) as refused:
        typed.weight(text)
    assert str(refused.value) == f"{said}; {WEIGHTS_ALLOWED}"


def test_the_weight_editors_range_is_the_sessions():
    s = Session({"dataset": "xor"})
    s.set_weight(0, 0, 0, typed.weight(f"{limits.MAX_EDITED_WEIGHT:g}"))
    with pytest.raises(ValueError):
        s.set_weight(0, 0, 0, limits.MAX_EDITED_WEIGHT * 1.01)


@pytest.mark.parametrize("text, value", [("42", 42), (" 7 ", 7), ("+3", 3), ("-1", -1),
                                         ("99999999999", 99999999999), ("abc", "abc"), ("1.5", "1.5"),
                                         ("1e3", "1e3"), ("", ""),
                                         pytest.param("9" * 5000, "9" * 5000, id="5000 digits")])
def test_a_typed_seed_is_a_whole_number_or_the_text_itself(text, value):
    assert typed.whole_number(text) == value


@pytest.mark.parametrize("text, echoed", [("abc", "'abc'"), ("99999999999", "99999999999"), ("-1", "-1"),
                                          ("1.5", "'1.5'"), ("", "''"),
                                          pytest.param("9" * 5000, "'" + "9" * 13, id="5000 digits")])
def test_a_refused_seed_names_what_was_typed_and_the_exact_range(text, echoed):
    s = Session({"dataset": "moons", "seed": 3})
    with pytest.raises(ValueError) as refused:
        s.update({"seed": typed.whole_number(text)})
    assert str(refused.value).startswith(f"seed = {echoed}")
    assert str(refused.value).endswith("allowed: a whole number from 0 to 4294967295")
    assert s.config["seed"] == 3


def test_whole_number_ranges_print_in_full():
    for key in config.KEYS:
        if key.type in ("int", "ints"):
            with pytest.raises(ValueError) as refused:
                config.check_value(key, "x")
            assert f"from {int(key.lo)} to {int(key.hi)}" in str(refused.value) or \
                f"each {int(key.lo)} to {int(key.hi)}" in str(refused.value), str(refused.value)
