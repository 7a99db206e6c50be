"""Exports: the page's run carried out of the page, as a PyTorch file or a notebook (text made
with the standard library and numpy alone, so the page makes them in the browser)."""
from .notebook import to_notebook
from .pytorch import to_pytorch

__all__ = ["to_notebook", "to_pytorch"]
