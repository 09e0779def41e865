"""Public names of a package resolved on first use (PEP 562), so importing the package imports nothing heavy
(`import diffhw` and the CLI's --help load no JAX)."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Callable, Optional


def lazy_getattr(package: str, exports: dict[str, tuple[str, Optional[str]]]) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: `exports` maps a public name to (module, attribute in it), or to
    (module, None) for the module itself; a resolved name is kept in the package's namespace."""

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attr = exports[name]
        value = import_module(module) if attr is None else getattr(import_module(module), attr)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
