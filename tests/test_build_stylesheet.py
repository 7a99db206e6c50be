"""The page's stylesheets reach the browser as one file (scripts/build.py, one_stylesheet): the
page is shown only once every stylesheet is in, and each file is a request of its own. Checked
against the source files themselves: each one, whole and in index.html's order, and nothing else."""
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402

LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
names = st.lists(st.from_regex(r"[a-z][a-z_-]{0,8}", fullmatch=True), min_size=0, max_size=5, unique=True)
css = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(lambda t: "a { b: c }\n" + t)


def page(links):
    return ("<!doctype html>\n<head>\n<meta charset=\"utf-8\">\n"
            + "".join(f'<link rel="stylesheet" href="{n}">\n' for n in links)
            + '<script src="boot.js" defer></script>\n</head>\n<body></body>\n')


@settings(max_examples=40, deadline=None)
@given(others=names.filter(lambda ns: "style" not in ns), data=st.data())
def test_the_stylesheets_become_one_in_their_order(others, data):
    links = ["style.css"] + [f"{n}.css" for n in others]
    texts = {n: data.draw(css) for n in links}
    o = build.Output(Path("unused"))
    o.files = {"index.html": page(links).encode(), "other.txt": b"x", **{n: t.encode() for n, t in texts.items()}}
    build.one_stylesheet(o)
    html = o.files["index.html"].decode()
    assert LINK.findall(html) == ["style.css"]
    assert html == page(["style.css"])  # nothing else of the page changed
    assert sorted(o.files) == ["index.html", "other.txt", "style.css"]
    joined, at = o.files["style.css"].decode(), 0
    for n in links:  # each, whole, after the one before
        at = joined.index(texts[n].rstrip(), joined.index(f"site/{n}", at))


def test_a_page_that_does_not_link_style_css_first_or_links_a_missing_file_stops_the_build():
    for links, files in ((["app.css", "style.css"], ["app.css", "style.css"]), ([], []),
                         (["style.css", "gone.css"], ["style.css"])):
        o = build.Output(Path("unused"))
        o.files = {"index.html": page(links).encode(), **{n: b"a{}" for n in files}}
        with pytest.raises(build.BuildError, match="style.css|gone.css"):
            build.one_stylesheet(o)


def test_the_built_page_links_one_stylesheet_made_of_the_sources():
    dist = ROOT / "dist"
    if not (dist / "index.html").exists():
        pytest.skip("dist/ is not built: run `python scripts/build.py`")
    sources = LINK.findall((ROOT / "site" / "index.html").read_text("utf-8"))
    assert len(sources) > 1 and sources[0] == "style.css"
    assert LINK.findall((dist / "index.html").read_text("utf-8")) == ["style.css"]
    built, at = (dist / "style.css").read_text("utf-8"), 0
    for name in sources:
        at = built.index((ROOT / "site" / name).read_text("utf-8").strip(), at)
    for name in sources[1:]:
        assert not (dist / name).exists(), f"dist/{name} is served on its own as well"
