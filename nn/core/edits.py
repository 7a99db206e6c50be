"""Edited engine code: a learner's own version of one of the engine's functions, run in its place.

    edits.replace("core/activations.py", "_tanh_prime", text)   # from now on every caller runs `text`
    edits.back("core/activations.py", "_tanh_prime")            # the version before it runs again
    edits.restore()                                             # the code as written, everywhere

The function object stays where it is; only its code is swapped (`__code__`). So every holder of
it runs the new code at once: the activation records, a bound method, `FlatStep` calling the
optimizer's `_update`, a network built before. Nothing is reloaded, nothing is written to a file:
the edit lives in this Python process only (a page's tab), and `restore` puts the original back.

The edited text is compiled with its lines numbered as in the file, so an error in it names the
line the learner sees in the editor. While any edit runs, `marks()` says so in words: a Session
built meanwhile lists them in `by_hand` (its config alone no longer replays it).
"""
import ast
import importlib
import textwrap
import types

_ORIGINAL = {}   # (file, qualname) -> (code, defaults, kwdefaults) as written
_APPLIED = {}    # (file, qualname) -> [(text, code, defaults, kwdefaults), ...], the last one running


class EditError(ValueError):
    """Edited code that could not be put in place: what was wrong, and on which line of the file
    (None when it is not one line's fault)."""

    def __init__(self, message, line=None):
        super().__init__(message if line is None else f"{message} (line {line})")
        self.message, self.line = message, line


def filename(file):
    """The name edited code of nn/<file> is compiled under: tracebacks through it say so."""
    return f"<edited nn/{file}>"


def function(file, qualname):
    """The live function `qualname` (a method as "Class.method") of the engine module nn/<file>."""
    module = importlib.import_module("nn." + file.removesuffix(".py").replace("/", "."))
    owner, *path, name = [module, *qualname.split(".")]
    for part in path:
        owner = getattr(owner, part)
    found = vars(owner).get(name)
    found = getattr(found, "__func__", found)  # a staticmethod's function
    if not isinstance(found, types.FunctionType):
        raise ValueError(f"nn/{file} defines no function {qualname!r}")
    return found


def _compiled(file, qualname, text, first):
    """The function that `text` (the whole definition, as indented in the file, starting on line
    `first`) defines, compiled in the module's namespace; EditError naming the line if it cannot be."""
    original = function(file, qualname)
    name, is_method = qualname.rsplit(".", 1)[-1], "." in qualname
    text = textwrap.dedent(text) if not is_method else text
    # blank lines before it, so that the compiled lines carry the file's numbers; a method is
    # compiled inside a stand-in class (its indentation as in the file)
    source = "\n" * (first - 2) + "class _Edited:\n" + text if is_method else "\n" * (first - 1) + text
    try:
        tree = ast.parse(source, filename(file))
    except SyntaxError as e:
        raise EditError(f"{type(e).__name__}: {e.msg}", e.lineno) from None
    defined = [n for n in (tree.body[0].body if is_method else tree.body)
               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if [n.name for n in defined] != [name] or (is_method and len(tree.body) != 1):
        raise EditError(f"the text must define one function, def {name}(...), and nothing beside it")
    scope = {}
    try:
        exec(compile(tree, filename(file), "exec"), original.__globals__, scope)  # noqa: S102 - the learner's own code
    except Exception as e:  # a decorator or a default value that fails as it is defined
        raise EditError(f"{type(e).__name__}: {e}", where(e, file)) from None
    made = vars(scope["_Edited"])[name] if is_method else scope[name]
    made = getattr(made, "__func__", made)
    if made.__code__.co_freevars != original.__code__.co_freevars:
        raise EditError(f"{name} must not use super() or names of an enclosing function")
    return made


def replace(file, qualname, text, first):
    """Run `text`, the learner's version of the function (its definition, starting on line `first`
    of nn/<file>), in place of the one running now. EditError (with the line) if it does not
    compile: then nothing changes."""
    made = _compiled(file, qualname, text, first)
    live = function(file, qualname)
    key = (file, qualname)
    _ORIGINAL.setdefault(key, (live.__code__, live.__defaults__, live.__kwdefaults__))
    _APPLIED.setdefault(key, []).append((text, made.__code__, made.__defaults__, made.__kwdefaults__))
    _install(live, made.__code__, made.__defaults__, made.__kwdefaults__)


def back(file, qualname):
    """Undo the last `replace` of this function: the version before it runs again (the last one
    that worked, or the original). Returns the edited text now running, or None for the original."""
    key = (file, qualname)
    applied = _APPLIED.get(key)
    if not applied:
        return None
    applied.pop()
    if applied:
        _install(function(file, qualname), *applied[-1][1:])
        return applied[-1][0]
    _restore_one(key)
    return None


def restore():
    """The engine's code as written, for every edited function."""
    for key in list(_APPLIED):
        _restore_one(key)


def _restore_one(key):
    _install(function(*key), *_ORIGINAL[key])
    del _APPLIED[key]


def _install(live, code, defaults, kwdefaults):
    live.__code__, live.__defaults__, live.__kwdefaults__ = code, defaults, kwdefaults


def edited():
    """{(file, qualname): the edited text running} for every function that runs edited code."""
    return {key: versions[-1][0] for key, versions in _APPLIED.items()}


def marks():
    """Edited code running, in words, one entry per function (a Session built now lists them in by_hand)."""
    return [f"edited code running: {qualname} in nn/{file} (the edit itself is kept nowhere: the engine as "
            "written, training on, gives other numbers than this run's)" for file, qualname in _APPLIED]


def where(exc, file=None):
    """The line of edited code (of nn/<file>, or of any edited file) where `exc` was raised, or None."""
    line, tb = None, exc.__traceback__
    names = {filename(f) for f, _ in _APPLIED} if file is None else {filename(file)}
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in names:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def culprit(exc):
    """(file, qualname, line) of the edited function `exc` was raised in (its innermost), or None."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        for (file, qualname), versions in _APPLIED.items():
            if code is versions[-1][1]:
                found = (file, qualname, tb.tb_lineno)
        tb = tb.tb_next
    return found
