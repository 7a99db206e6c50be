"""Speed paths: faster twins of readable functions elsewhere in nn/.

Each function here computes the same thing as its readable reference (named in MIRRORS), only
quicker for the sizes the page meets, and a test holds the two equal to rounding error
(tests/test_records.py). Read the reference to learn the math; read this for why it is fast.
"""
import numpy as np

# qualified name here -> "file in nn/:qualified name" of the readable reference it mirrors
MIRRORS = {"tanh": "core/activations.py:tanh"}

TANH_VIA_EXP_FROM = 1024  # elements; below this np.tanh's single call is cheaper (see tanh)


def tanh(z):
    """tanh z, as activations.tanh (np.tanh), the fastest way for the array's size.

    Large arrays (the loss over all points, the 80x80 picture grid): 2σ(2z) − 1, because exp is
    vectorised where tanh is not (in the browser: 0.68 ms vs 1.5 ms on 6400x8). Small ones (a
    mini-batch): np.tanh, one call instead of six (in the browser: 6.5 µs vs 25 µs on 32x8).
    Past z = 9e307, −2z overflows to −inf with numpy's warning; the value is still exactly 1."""
    if z.size < TANH_VIA_EXP_FROM:
        return np.tanh(z)
    # z is clamped rather than exp's overflow silenced with np.errstate (~30 µs a use in the
    # browser); tanh(−350) is already exactly −1 in float64
    t = np.maximum(z, -350.0)  # the same ufuncs in place: one array instead of five
    t *= -2.0
    np.exp(t, out=t)
    t += 1.0
    np.divide(2.0, t, out=t)
    t -= 1.0
    return t
