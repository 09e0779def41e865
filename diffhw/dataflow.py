"""Dataflows: MAESTRO directive programs.

A dataflow is an ordered tuple of directives (outermost loop first). Its *structure* (directive kinds, the
dimension each map names, where the clusters are) is static and hashable, so it can be a `jit` static
argument. Its *numbers* (map sizes, offsets, cluster sizes) are expressions over the layer's dimensions
(`Sz(R)`) and integer constants; `resolve_numbers` turns them into an int array per layer, so that
tile sizes can be batched, relaxed and optimized.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Sequence, Union

import numpy as np


@dataclass(frozen=True)
class Sz:
    """`Sz(D)`: the full size of dimension D of the layer the dataflow is applied to."""

    dim: str

    def __str__(self) -> str:
        return f"Sz({self.dim})"


Size = Union[int, Sz]


@dataclass(frozen=True)
class Map:
    """`TemporalMap(size, offset) dim` or `SpatialMap(size, offset) dim`."""

    kind: Literal["temporal", "spatial"]
    size: Size
    offset: Size
    dim: str

    def __str__(self) -> str:
        name = "TemporalMap" if self.kind == "temporal" else "SpatialMap"
        return f"{name}({self.size},{self.offset}) {self.dim};"


@dataclass(frozen=True)
class Cluster:
    """`Cluster(size, P|L)`: groups `size` PEs into one sub-cluster; later directives map inside it."""

    size: Size
    kind: Literal["P", "L"] = "P"

    def __str__(self) -> str:
        return f"Cluster({self.size},{self.kind});"


Directive = Union[Map, Cluster]


@dataclass(frozen=True)
class Dataflow:
    """A directive program. `name` is informational (template or file stem)."""

    directives: tuple[Directive, ...]
    name: str = ""

    @property
    def structure(self) -> tuple:
        """Static, hashable skeleton: ('T'|'S', dim) per map, ('C',) per cluster."""
        return tuple(
            ("C",) if isinstance(d, Cluster) else ("T" if d.kind == "temporal" else "S", d.dim)
            for d in self.directives
        )

    def numbers(self) -> tuple[Size, ...]:
        """The number slots in directive order: size, offset per map; size per cluster."""
        out: list[Size] = []
        for d in self.directives:
            if isinstance(d, Cluster):
                out.append(d.size)
            else:
                out.extend((d.size, d.offset))
        return tuple(out)

    def resolve(self, dims: Mapping[str, int]) -> "Dataflow":
        """Replace every `Sz(D)` by the layer's size of D (as MAESTRO does at parse time)."""

        def value(s: Size) -> int:
            if isinstance(s, Sz):
                if s.dim not in dims:
                    raise KeyError(s.dim)
                return int(dims[s.dim])
            return int(s)

        out = []
        for d in self.directives:
            if isinstance(d, Cluster):
                out.append(Cluster(value(d.size), d.kind))
            else:
                out.append(Map(d.kind, value(d.size), value(d.offset), d.dim))
        return Dataflow(tuple(out), self.name)

    def to_text(self, indent: str = "    ") -> str:
        """MAESTRO `Dataflow { ... }` block."""
        body = "\n".join(indent + str(d) for d in self.directives)
        return "Dataflow {\n" + body + "\n}"


def resolve_numbers(dataflow: Dataflow, dims: Sequence[Mapping[str, int]]) -> np.ndarray:
    """Number slots of `dataflow` resolved for each layer: int64 array [L, n_numbers]."""
    slots = dataflow.numbers()
    out = np.zeros((len(dims), len(slots)), dtype=np.int64)
    for i, d in enumerate(dims):
        for j, s in enumerate(slots):
            out[i, j] = d[s.dim] if isinstance(s, Sz) else s
    return out


def _t(size: Size, offset: Size, dim: str) -> Map:
    return Map("temporal", size, offset, dim)


def _s(size: Size, offset: Size, dim: str) -> Map:
    return Map("spatial", size, offset, dim)


R, S = Sz("R"), Sz("S")

#: Built-in templates, equal to MAESTRO's `tools/frontend/dataflow/` files (os with the R/S offset fix).
TEMPLATES: dict[str, Dataflow] = {
    "os": Dataflow(
        (
            _t(16, 16, "K"), _s(R, 1, "Y"), _t(S, 1, "X"), _t(1, 1, "C"), Cluster(16, "P"),
            _s(1, 1, "K"), _t(R, 1, "Y"), _t(S, 1, "X"), _t(R, R, "R"), _t(S, S, "S"),
        ),
        "os",
    ),
    "ws": Dataflow(
        (_t(1, 1, "K"), _t(1, 1, "C"), _t(R, 1, "Y"), _s(S, 1, "X"), _t(R, R, "R"), _t(S, S, "S")),
        "ws",
    ),
    "rs": Dataflow(
        (
            _s(1, 1, "Y'"), _t(1, 1, "X'"), _t(1, 1, "C"), _t(16, 16, "K"), _t(R, R, "R"), _t(S, S, "S"),
            Cluster(R, "P"), _s(1, 1, "Y"), _s(1, 1, "R"), _t(S, S, "S"),
        ),
        "rs",
    ),
    "dla": Dataflow(
        (
            _s(1, 1, "K"), _t(64, 64, "C"), _t(R, R, "R"), _t(S, S, "S"), _t(R, 1, "Y"), _t(S, 1, "X"),
            Cluster(64, "P"),
            _s(1, 1, "C"), _t(R, 1, "Y"), _t(S, 1, "X"), _t(R, R, "R"), _t(S, S, "S"),
        ),
        "dla",
    ),
    "dpt": Dataflow(
        (_s(1, 1, "C"), _t(R, 1, "Y"), _t(S, 1, "X"), _t(R, R, "R"), _t(S, S, "S")),
        "dpt",
    ),
    "gemm": Dataflow(
        (
            _t(1, 1, "N"), _s(1, 1, "M"), _t(32, 32, "K"), Cluster(32, "P"),
            _t(1, 1, "N"), _t(1, 1, "M"), _s(1, 1, "K"),
        ),
        "gemm",
    ),
}

#: Other names of the built-in templates: the dataset's and MAESTRO's repository names.
DATAFLOW_ALIASES = {"gemm_nmk": "gemm", "kcp_ws": "dla", "xp_ws": "ws"}


def template(name: str) -> Dataflow | None:
    """The built-in template `name` (or one of its `DATAFLOW_ALIASES`), None if there is none."""
    return TEMPLATES.get(DATAFLOW_ALIASES.get(name, name))
