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

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, Map

__all__ = ["KNOBS", "Knob", "TEMPLATE_KNOBS", "knob_slots", "knob_dims", "real_tiles", "tile_values",
           "unit_of_tiles", "units_of_tiles", "apply_tiles", "tiled_dataflow", "cluster_slots"]

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


@lru_cache(maxsize=None)
def knob_slots(template: str) -> tuple[tuple[int, ...], ...]:
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
    return tuple(out)


def cluster_slots(structure: tuple) -> list[int]:
    """Number slots of the cluster sizes of a dataflow structure (their product is the PEs it needs)."""
    out, k = [], 0
    for d in structure:
        if d[0] == "C":
            out.append(k)
        k += 1 if d[0] == "C" else 2
    return out


def knob_dims(template: str, dims: dict) -> np.ndarray:
    """The layer's size of each knob's dimension: int [n_knobs]."""
    return np.array([dims[kn.dim] for kn in TEMPLATE_KNOBS.get(template, ())], np.int64)


def real_tiles(template: str, kdims, u, num_pes, xp=np, minimum=np.minimum):
    """Continuous tiles dmax ** u [n, n_knobs] and their bounds dmax [n, n_knobs]: kdims [n, n_knobs] knob
    dimension sizes, u [n, >= n_knobs] unit coordinates, num_pes [n]. Cluster-tied knobs are bounded by the
    PEs with `minimum` (the relaxed model passes its soft min and xp=jax.numpy). `tile_values` rounds them."""
    df = TEMPLATES[template]
    tiles, bounds = [], []
    for k, kn in enumerate(TEMPLATE_KNOBS.get(template, ())):
        dm = xp.maximum(kdims[:, k].astype(np.float64), 1.0)
        if kn.tied_to_cluster(df):
            dm = xp.maximum(minimum(dm, num_pes), 1.0)
        tiles.append(xp.exp(u[:, k] * xp.log(dm)))
        bounds.append(dm)
    if not tiles:
        return xp.zeros((len(u), 0)), xp.zeros((len(u), 0))
    return xp.stack(tiles, 1), xp.stack(bounds, 1)


def tile_values(template: str, dims: dict, u: np.ndarray, num_pes) -> np.ndarray:
    """Integer tiles of one layer under `template`: u [B, KNOBS] unit coordinates, num_pes [B] ->
    int [B, n_knobs] with 1 <= tile <= dmax (see the module docstring)."""
    u = np.clip(np.asarray(u, np.float64), 0.0, 1.0)
    kd = np.broadcast_to(knob_dims(template, dims), (len(u), len(TEMPLATE_KNOBS.get(template, ()))))
    t, dm = real_tiles(template, kd, u, np.asarray(num_pes, np.float64))
    return np.clip(np.rint(t), 1, dm).astype(np.int64)


def units_of_tiles(template: str, dims: dict, tiles, num_pes) -> np.ndarray:
    """Inverse of `tile_values`: integer tiles [B, >= n_knobs] of one layer at num_pes [B] PEs -> unit
    coordinates [B, KNOBS]."""
    n = len(TEMPLATE_KNOBS.get(template, ()))
    tiles = np.asarray(tiles, np.float64).reshape(len(num_pes), -1)
    out = np.zeros((len(tiles), KNOBS))
    if n:
        _, dm = real_tiles(template, np.broadcast_to(knob_dims(template, dims), (len(tiles), n)),
                           np.zeros((len(tiles), KNOBS)), np.asarray(num_pes, np.float64))
        dm = np.rint(dm)
        t = np.maximum(tiles[:, :n], 1.0)
        out[:, :n] = np.where(dm > 1, np.log(t) / np.log(np.maximum(dm, 2.0)), 0.0)
    return out


def unit_of_tiles(template: str, dims: dict, tiles, num_pes: int) -> np.ndarray:
    """`units_of_tiles` of one design: integer tiles [<= n_knobs] (missing ones: 1) -> [KNOBS]."""
    row = np.ones(max(len(TEMPLATE_KNOBS.get(template, ())), len(tiles)))
    row[:len(tiles)] = tiles
    return units_of_tiles(template, dims, row[None], np.array([num_pes]))[0]


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
