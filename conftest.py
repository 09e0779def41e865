"""pytest bootstrap: make `diffhw.frontends` / `diffhw.exporters` importable from a source checkout, and give
the session its own cache root.

With `pip install -e .` the setuptools package-dir mapping does this; without an install (or with an install
of another checkout, e.g. a git worktree), the repository root goes first on sys.path and this maps the two
top-level folders of *this* checkout onto the package names.
"""

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def _alias(name: str, folder: str) -> None:
    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and Path(spec.origin).resolve().is_relative_to(_ROOT):
            return
    except ModuleNotFoundError:
        pass
    init = _ROOT / folder / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    setattr(sys.modules["diffhw"], name.rsplit(".", 1)[1], module)


if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))
import diffhw  # noqa: E402

_alias("diffhw.frontends", "frontends")
_alias("diffhw.exporters", "exporters")

# The CLI keeps compiled programs under $DIFFHW_CACHE_DIR (default ~/.cache/diffhw). The tests run the CLI in
# process and in subprocesses: they get a fresh root of their own (every session starts cold, as CI does, and
# never reads or fills the user's cache); within the session the subprocesses reuse what earlier tests stored.
# A root set by the caller (e.g. DIFFHW_CACHE_DIR=off) is kept.
if "DIFFHW_CACHE_DIR" not in os.environ:
    os.environ["DIFFHW_CACHE_DIR"] = _CACHE = tempfile.mkdtemp(prefix="diffhw-tests-cache-")
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
