"""The data: the datasets, the handwritten digits, and the input features computed from x1, x2."""
