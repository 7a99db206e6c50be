"""Every size limit, once, with why: the config check, the datasets, the MLP and the page's
controls all read them here, so changing one number here changes all of them.

The config (and so the URL and the page) uses the limits at the top. The MLP class, which API
users may call directly, keeps larger hard limits of its own, named ENGINE_* below.
"""

# -- the network, as the config and the page allow it ---------------------------------------------
MAX_HIDDEN_LAYERS = 6    # the network drawing fits 6 hidden columns; no dataset here needs more
MAX_WIDTH = 8            # neurons per hidden layer on the 2-D data: a column of 8 neuron images fits
MAX_WIDTH_DIGITS = 64    # the digits' layers: as many neurons as the 64 pixels coming in
MAX_CONFIG_WIDTH = MAX_WIDTH_DIGITS  # the config checks widths against the widest the page offers

# -- the data ---------------------------------------------------------------------------------------
MIN_POINTS = 4           # two points per class of a two-class set (more classes need two each)
MAX_POINTS = 5000        # plenty for any set here; every epoch's cost grows with it
MAX_NOISE = 1.0          # a third of the plane's half-width: past it every set is a blur
TRAIN_FRACTION = (0.1, 0.9)  # both splits keep at least a tenth of the points
MAX_SEED = 2**32 - 1     # a 32-bit seed: short in a URL, and what the page's seed box accepts

# -- your own data: points drawn on the plane, or a table opened from a file ------------------------
MIN_OWN_POINTS = 2       # one to train on and one to test on
MAX_TABLE_BYTES = 1_000_000  # 1 MB: a table of 5,000 rows of 8 numbers is well under it
MAX_TABLE_COLUMNS = 50   # the preview lists every column; a wider file is not a table to learn from here
MAX_TABLE_INPUTS = 8     # the network drawing shows each input; 8 fit the plane's column
MAX_CLASSES = 10         # the class palette's colours; a target with more values is a regression
MAX_LINK_POINTS = 200    # own points carried in the link (each ~12 characters of the address)

# -- the weight editor --------------------------------------------------------------------------------
MAX_EDITED_WEIGHT = 100.0  # a weight typed by hand: larger ones only saturate every neuron

# -- the engine's hard limits, for API users of nn.MLP (the config never reaches them) -------------
ENGINE_MAX_HIDDEN_LAYERS = 8
ENGINE_MAX_HIDDEN_WIDTH = 256
ENGINE_MAX_IO_WIDTH = 4096  # inputs or outputs of one network


def max_width(dataset):
    """The widest hidden layer the page offers for `dataset`."""
    return MAX_WIDTH_DIGITS if dataset == "digits" else MAX_WIDTH
