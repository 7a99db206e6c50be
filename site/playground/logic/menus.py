"""What the page's controls offer and how far they go, made from the engine's records (nn.activations,
nn.losses, nn.datasets) and nn.limits. Pure Python, so a CPython test holds every menu to the
records it comes from; controls.py puts them on the page.
"""
from nn import activations, datasets, limits, losses

ACTIVATIONS = list(activations.MENU)          # each layer's menu, in the records' menu order
DATASET_LABELS = dict(datasets.LABELS)        # the dataset menu: name -> label
OUTPUTS = {f"{name}/{loss}": f"{name} · {losses.LOSS[loss].label}"  # "head/loss" -> label
           for name, head in losses.HEAD.items() for loss in head.losses}
MAX_LAYERS = limits.MAX_HIDDEN_LAYERS
FULL_BATCH = limits.MAX_POINTS                # a batch this large is always the whole training set
POINTS_STEP = 10
POINTS_FROM = 20                              # the points slider's low end: enough for every dataset


def width_limit(dataset):
    """The most neurons a hidden layer can have on the page for `dataset`."""
    return limits.max_width(dataset)


def width_allowed(width, delta, limit):
    """May a layer's + or − (delta) make it `width` wide? Down always to 1, even from above the
    page's limit (a link may carry any width the config allows); up only to the limit."""
    return width >= 1 and (delta < 0 or width <= limit)


def next_seed(seed):
    """The seed after `seed` ("New data"), wrapping round within the allowed seeds."""
    return (seed + 1) % (limits.MAX_SEED + 1)


def input_ranges(dataset):
    """The min, max and step of each range input, by element id, for `dataset`. (The seed box is
    text, read by typed.whole_number and checked by the config, whose refusal names what was typed.)"""
    lo, hi = limits.TRAIN_FRACTION
    return {"noise": (0.0, limits.MAX_NOISE, 0.01),
            "n": (POINTS_FROM, datasets.max_n(dataset), POINTS_STEP),
            "train_fraction": (lo, hi, 0.05)}
