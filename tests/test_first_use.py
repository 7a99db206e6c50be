"""What nn loads only when first asked for (nn/__init__._ON_FIRST_USE): `import nn`, and the
page's start (playground.logic), leave the teaching math and the exports unloaded; asking for
them by any spelling gives the very objects their modules define."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LATER = ["nn.teaching.explain", "nn.export", "nn.export.notebook", "nn.export.pytorch"]


def _loaded_after(code):
    """The modules of LATER loaded after running `code` in a fresh interpreter (our checkout's nn)."""
    probe = f"import json, sys\n{code}\nprint(json.dumps([m for m in {LATER!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": f"{ROOT}:{ROOT / 'site'}", "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_nn_and_the_page_logic_load_neither_the_teaching_math_nor_the_exports():
    assert _loaded_after("import nn") == []
    # the page's pure modules that start with it (the code editor's checks use nn.explain when applied)
    assert _loaded_after("import nn, playground.logic.code_edit, playground.logic.link, playground.logic.menus") == []


def test_asking_loads_them_and_gives_their_modules_objects():
    assert _loaded_after("from nn import explain") == ["nn.teaching.explain"]
    assert set(_loaded_after("import nn; nn.to_pytorch")) == {"nn.export", "nn.export.notebook", "nn.export.pytorch"}
    import nn
    import nn.export
    import nn.teaching.explain
    assert nn.explain is nn.teaching.explain
    assert (nn.to_pytorch, nn.to_notebook) == (nn.export.to_pytorch, nn.export.to_notebook)
    star = {}
    exec("from nn import *", star)  # __all__ names every one, loaded or not
    assert star["explain"] is nn.teaching.explain and star["to_notebook"] is nn.export.to_notebook


def test_a_name_nn_does_not_have_is_still_an_attribute_error():
    import nn
    with pytest.raises(AttributeError, match="no attribute 'explained'"):
        nn.explained  # noqa: B018
    assert not hasattr(nn, "to_torch")
