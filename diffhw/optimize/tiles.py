"""Tile-size knobs of the built-in templates: the dataflow numbers a co-design search changes per layer.

A knob is one tile size of a template: the (size, offset) of one `TemporalMap(t,t) D` and, for the
cluster-tied knobs, also the size of the `Cluster(t, P)` below it (os: the K tile is split over a cluster
of t PEs, one K each; dla: the C tile likewise; gemm: the K tile). Each layer has up to `KNOBS` knobs
(their meaning follows the layer's template; templates without a constant tile, such as dpt, have none).

Searches hold tiles as unit coordinates u in [0, 1] per (layer, knob), so every method samples, mutates
and relaxes them the same way: the tile is t = dmax ** u (log scale from 1 to dmax), with dmax the
layer's size of the knob's dimension, and for a cluster-tied knob at most the PE count (a cluster cannot
hold more PEs than the array; a cluster size that does not divide the PE count leaves the remainder idle,
as in MAESTRO). The exact model takes t rounded to an integer in [1, dmax]; the relaxed model takes t
itself (`relaxed_tiles`), so a discretized design is the rounding of the relaxed one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, Map

__all__ = ["KNOBS", "Knob", "TEMPLATE_KNOBS", "knob_slots", "tile_values", "unit_of_tiles", "apply_tiles",
           "tiled_dataflow", "cluster_slots"]

#: Knobs per layer (the most any template has).
KNOBS = 2


@dataclass(frozen=True)
class Knob:
    """A tile of dimension `dim`, set in the directives at `directives` (indices into the template)."""

    dim: str
    directives: tuple[int, ...]

    def tied_to_cluster(self, dataflow: Dataflow) -> bool:
        return any(isinstance(dataflow.directives[j], Cluster) for j in self.directives)


#: Searched tile knobs per built-in template (directive indices as in `diffhw.dataflow.TEMPLATES`).
TEMPLATE_KNOBS: dict[str, tuple[Knob, ...]] = {
    "os": (Knob("K", (0, 4)), Knob("C", (3,))),
    "ws": (Knob("K", (0,)), Knob("C", (1,))),
    "rs": (Knob("K", (3,)), Knob("C", (2,))),
    "dla": (Knob("C", (1, 6)),),
    "gemm": (Knob("K", (2, 3)),),
    "dpt": (),
}


def _slot_starts(dataflow: Dataflow) -> list[int]:
    """First number slot of each directive (maps have two: size, offset; clusters one)."""
    out, k = [], 0
    for d in dataflow.directives:
        out.append(k)
        k += 1 if isinstance(d, Cluster) else 2
    return out


def knob_slots(template: str) -> list[tuple[int, ...]]:
    """Number slots (`Dataflow.numbers()` order) each knob of `template` sets."""
    df = TEMPLATES[template]
    start = _slot_starts(df)
    out = []
    for kn in TEMPLATE_KNOBS.get(template, ()):
        slots: list[int] = []
        for j in kn.directives:
            d = df.directives[j]
            assert isinstance(d, Map) and d.dim == kn.dim or isinstance(d, Cluster), (template, j)
            slots.extend((start[j],) if isinstance(d, Cluster) else (start[j], start[j] + 1))
        out.append(tuple(slots))
    return out


def cluster_slots(structure: tuple) -> list[int]:
    """Number slots of the cluster sizes of a dataflow structure (their product is the PEs it needs)."""
    out, k = [], 0
    for d in structure:
        if d[0] == "C":
            out.append(k)
        k += 1 if d[0] == "C" else 2
    return out


def _dmax(template: str, dims: dict, num_pes):
    """Upper bound of each knob's tile for a layer: its dimension (and the PE count if cluster-tied)."""
    df = TEMPLATES[template]
    return [np.minimum(dims[kn.dim], num_pes) if kn.tied_to_cluster(df) else np.asarray(dims[kn.dim])
            for kn in TEMPLATE_KNOBS.get(template, ())]


def tile_values(template: str, dims: dict, u: np.ndarray, num_pes) -> np.ndarray:
    """Integer tiles of one layer under `template`: u [B, KNOBS] unit coordinates, num_pes [B] ->
    int [B, n_knobs] with 1 <= tile <= dmax (see the module docstring)."""
    u = np.clip(np.asarray(u, np.float64), 0.0, 1.0)
    cols = []
    for k, dm in enumerate(_dmax(template, dims, np.asarray(num_pes, np.int64))):
        dm = np.maximum(np.broadcast_to(dm, u.shape[:1]), 1)
        cols.append(np.clip(np.rint(np.exp(u[:, k] * np.log(dm))), 1, dm).astype(np.int64))
    return np.stack(cols, 1) if cols else np.zeros((len(u), 0), np.int64)


def unit_of_tiles(template: str, dims: dict, tiles, num_pes: int) -> np.ndarray:
    """Inverse of `tile_values` for one design: integer tiles [n_knobs] -> unit coordinates [KNOBS]."""
    u = np.zeros(KNOBS)
    for k, (t, dm) in enumerate(zip(tiles, _dmax(template, dims, num_pes))):
        dm = int(dm)
        u[k] = math.log(t) / math.log(dm) if dm > 1 else 0.0
    return u


def apply_tiles(template: str, numbers, tiles):
    """Resolved number slots [..., slots] with the knobs set to `tiles` [..., n_knobs] (numpy or jax)."""
    for k, slots in enumerate(knob_slots(template)):
        for s in slots:
            numbers = _set(numbers, s, tiles[..., k])
    return numbers


def _set(a, s: int, v):
    """a with a[..., s] = v, functionally (jax arrays have `.at`, numpy arrays are copied)."""
    if hasattr(a, "at"):
        return a.at[..., s].set(v)
    a = np.array(a, copy=True)
    a[..., s] = v
    return a


def tiled_dataflow(template: str, tiles) -> Dataflow:
    """The template with its knobs set to `tiles` (constants), e.g. for a MAESTRO mapping file."""
    df = TEMPLATES[template]
    dirs = list(df.directives)
    for kn, t in zip(TEMPLATE_KNOBS.get(template, ()), tiles):
        for j in kn.directives:
            d = dirs[j]
            dirs[j] = Cluster(int(t), d.kind) if isinstance(d, Cluster) else Map(d.kind, int(t), int(t), d.dim)
    return Dataflow(tuple(dirs), df.name)
