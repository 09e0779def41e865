"""pytest bootstrap: make `diffhw.frontends` / `diffhw.exporters` importable from a source checkout.

With `pip install -e .` the setuptools package-dir mapping does this; without an install, the repository
root is on sys.path (pytest rootdir) and this maps the two top-level folders onto the package names.
"""

import importlib.util
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def _alias(name: str, folder: str) -> None:
    try:
        if importlib.util.find_spec(name) is not None:
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
