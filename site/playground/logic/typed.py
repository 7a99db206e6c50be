"""What the learner types into the page's text boxes: the number it means, or a refusal that says
what was typed and what is allowed. The boxes are type=text (a type=number box hands over '' for
anything it cannot read, so a message could not say what was typed); these functions read them."""
import math
import re

from nn import limits

SHOWN = 40  # characters of what was typed that a message repeats
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")  # longer digit strings are refused as text, not parsed
_INFINITE = re.compile(r"[+-]?(inf|infinity)", re.IGNORECASE)


def shown(text):
    """`text` as a message repeats it: at most SHOWN characters."""
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def weight(text, limit=limits.MAX_EDITED_WEIGHT):
    """The weight `text` means, a number from −limit to limit; else ValueError naming the text.
    The minus sign the page writes (−) may be typed back."""
    t = text.strip()
    allowed = f"a weight is a number from −{limit:g} to {limit:g}"
    if not t:
        raise ValueError(f"nothing was typed; {allowed}")
    try:
        w = float(t.replace("−", "-"))
    except ValueError:
        raise ValueError(f'"{shown(t)}" is not a number; {allowed}') from None
    if math.isnan(w):
        raise ValueError(f"{shown(t)} is not a number; {allowed}")
    if math.isinf(w) and _INFINITE.fullmatch(t.replace("−", "-")):
        raise ValueError(f"{shown(t)} is not finite; {allowed}")
    if abs(w) > limit:  # (1e400 reads as infinity: it is too large, not "infinite")
        raise ValueError(f"{shown(t)} is too {'large' if w > 0 else 'small'}; {allowed}")
    return w


def whole_number(text):
    """The int `text` writes in digits (an optional sign, then 0-9), or else the text itself
    (stripped), for the config check to refuse by name: "seed = 'abc' is not allowed; ..."."""
    t = text.strip()
    return int(t) if _WHOLE.fullmatch(t) else t
