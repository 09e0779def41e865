"""Cluster construction: a layer's directive program -> per-level directive lists (MAESTRO's ClusterAnalysis).

The dataflow is split at `Cluster` into levels (top first). Each level's list is completed the way MAESTRO
does it: `Y'`/`X'` maps become input-centric `Y`/`X` maps, directives missing at a lower level are inherited
from the level above (as temporal maps, put in front), input-tensor dimensions still missing are added as
`TemporalMap(dim, dim)`, and strided `Y`/`X` maps are rewritten. Names and order depend only on the static
structure; sizes, offsets and cluster sizes are traced scalars (one layer, one hardware; batch with vmap).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp

from diffhw.errors import InputError
from diffhw.numerics import Numerics


#: (reference dim, sliding dim) pairs of convolutions: output rows/cols slide over the filter.
CONV_OVERLAPS = (("X", "S"), ("Y", "R"))


@dataclass(frozen=True)
class Tensor:
    """A tensor of the layer and the dimensions it is indexed by (MAESTRO's coupled variables)."""

    name: str  # input | filter | output
    dims: tuple[str, ...]

    @property
    def is_output(self) -> bool:
        return self.name == "output"


def layer_tensors(op: str, has_batch: bool) -> tuple[Tensor, ...]:
    """MAESTRO's tensors per layer type (`API_user-interface-v2.hpp`), in its order input, filter, output."""
    n = ("N",) if has_batch else ()
    if op == "GEMM":
        return Tensor("input", ("M", "K")), Tensor("filter", ("K", "N")), Tensor("output", ("M", "N"))
    if op == "NGCONV":
        return (
            Tensor("input", n + ("G", "C", "Y", "X")),
            Tensor("filter", ("G", "K", "C", "R", "S")),
            Tensor("output", n + ("G", "K", "C", "Y", "X")),
        )
    if op == "DSCONV":
        return (
            Tensor("input", n + ("C", "Y", "X")),
            Tensor("filter", ("C", "R", "S")),
            Tensor("output", n + ("C", "Y", "X")),
        )
    return (
        Tensor("input", n + ("C", "Y", "X")),
        Tensor("filter", ("K", "C", "R", "S")),
        Tensor("output", n + ("K", "Y", "X")),
    )


def overlaps(op: str) -> tuple[tuple[str, str], ...]:
    return () if op == "GEMM" else CONV_OVERLAPS


def input_vars(tensors: tuple[Tensor, ...]) -> tuple[str, ...]:
    """Sorted unique dimensions of the input tensors (the dims every level must map)."""
    return tuple(sorted({d for t in tensors if not t.is_output for d in t.dims}))


@dataclass
class Directive:
    """One map of one level: kind 'T' or 'S', dimension name, traced size and offset."""

    kind: str
    var: str
    size: jnp.ndarray
    ofs: jnp.ndarray


@dataclass
class Level:
    """One cluster level after construction. `dims` are the level's static tile sizes (top: the layer),
    `nsub` its number of sub-clusters, `nedge` the sub-clusters active in a spatial edge iteration."""

    directives: list[Directive]
    dims: dict[str, jnp.ndarray]
    nsub: jnp.ndarray
    nedge: jnp.ndarray = None


def split_levels(structure: tuple, numbers) -> tuple[list[list[Directive]], list]:
    """Split a dataflow (structure + number slots) at its clusters: (maps per level, cluster sizes)."""
    levels: list[list[Directive]] = [[]]
    clusters = []
    j = 0
    for item in structure:
        if item[0] == "C":
            clusters.append(numbers[j])
            levels.append([])
            j += 1
        else:
            levels[-1].append(Directive(item[0], item[1], numbers[j], numbers[j + 1]))
            j += 2
    return levels, clusters


def _first(dirs: list[Directive], var: str):
    for d in dirs:
        if d.var == var:
            return d
    return None


def _last_size(dirs: list[Directive], var: str, default=None):
    out = default
    for d in dirs:
        if d.var == var:
            out = d.size
    return out


def _to_input_centric(dirs: list[Directive], where: str) -> None:
    """ClusterAnalysis::ConvertToInputCentric: the first Y'/X' map becomes Y/X when no Y/X map exists."""
    for out_var, in_var, filt in (("X'", "X", "S"), ("Y'", "Y", "R")):
        if _first(dirs, in_var) is None and _first(dirs, out_var) is not None:
            fsize = _last_size(dirs, filt)
            if fsize is None:
                raise InputError(
                    message=f"{where}: a {out_var} map needs a map on {filt} at the same cluster level",
                    fix=f"add TemporalMap(Sz({filt}),Sz({filt})) {filt}; to that level",
                )
            osize = _last_size(dirs, out_var)
            d = _first(dirs, out_var)
            d.var, d.size = in_var, osize + fsize - 1


def _table_to_input_centric(dirs: list[Directive]) -> None:
    """DirectiveTable::ConvertToInputCentric: any remaining Y'/X' map becomes Y/X (R/S from this level)."""
    size_r = _last_size(dirs, "R", 0)
    size_s = _last_size(dirs, "S", 0)
    for d in dirs:
        if d.var == "X'":
            d.var, d.size = "X", d.size + size_s - 1
        elif d.var == "Y'":
            d.var, d.size = "Y", d.size + size_r - 1


def _apply_outer_stride(dirs, stride, full_dims, ovl, is_top, nm) -> None:
    """ClusterAnalysis::ApplyOuterStride: strided Y/X maps covering the filter are rewritten."""
    refs = {r: s for r, s in ovl}
    for d in list(dirs):
        if d.var not in refs:
            continue
        st = stride[d.var]
        r = full_dims[refs[d.var]]
        target = _first(dirs, d.var)
        o = nm.div(d.size + st - r, st)
        size = o * nm.minimum(st, r) + nm.maximum(r - st, 0)
        ofs = o * st
        if not is_top:
            ofs = nm.where(nm.lt(r, st), o * r, ofs)
        apply = nm.and_(nm.not_(nm.eq(st, 1)), nm.le(r, d.size))
        target.size = nm.where(apply, size, target.size)
        target.ofs = nm.where(apply, ofs, target.ofs)


def spatial_edge_clusters(dirs: list[Directive], dims, nsub, nm: Numerics):
    """ClusterUnit::AnalyzeSpatialEdgeCase: sub-clusters active in the spatial edge iteration."""
    sp = next(d for d in dirs if d.kind == "S")
    dim, m, o = dims[sp.var], sp.size, sp.ofs
    full = o * (nsub - 1) + m
    steady = nm.div(nm.div(dim - m, o) + 1, nsub) - 1
    remaining = dim - (steady + 1) * o * nsub
    n_big = nm.where(nm.lt(remaining, m), 1, nm.div(remaining - m, o) + 1)
    n_small = nm.div(dim - m, o) + 1
    n_small = n_small + nm.count(nm.lt(o * (n_small - 1) + m, dim))
    n_small = nm.where(nm.lt(m, dim), n_small, 1)
    n = nm.where(nm.lt(full, dim), n_big, n_small)
    return nm.where(nm.le(dim, m), 1, n)


def build_levels(structure: tuple, numbers, op: str, has_batch: bool, layer_dims: dict, stride: dict,
                 num_pes, nm: Numerics, where: str = "dataflow") -> list[Level]:
    """Construct the cluster levels of one layer (top first). `numbers` are the dataflow's resolved number
    slots (traced int64 scalars), `layer_dims` the layer's input-centric dims, `stride` per dim (Y, X)."""
    tensors = layer_tensors(op, has_batch)
    ivars = input_vars(tensors)
    ovl = overlaps(op)
    written, cluster_sizes = split_levels(structure, numbers)
    if len(cluster_sizes) > 3:
        raise InputError(message=f"{where}: at most 3 Cluster levels are supported",
                         fix="remove Cluster directives")
    full_dims = dict(layer_dims)
    if op != "GEMM":
        full_dims["Y'"] = layer_dims["Y"] - layer_dims["R"] + 1
        full_dims["X'"] = layer_dims["X"] - layer_dims["S"] + 1
    pe_product = nm.num(1)
    for c in cluster_sizes:
        pe_product = pe_product * c
    dims = full_dims
    strides = {v: stride.get(v, nm.num(1)) for v in full_dims}
    levels: list[Level] = []
    prev: list[Directive] | None = None
    for li, maps in enumerate(written):
        is_top = li == 0
        dirs = [Directive(d.kind, d.var, d.size, d.ofs) for d in maps]
        _to_input_centric(dirs, where)
        if prev is not None:
            for up in prev:
                if _first(dirs, up.var) is None:
                    dirs.insert(0, Directive("T", up.var, up.size, up.ofs))
        for v in ivars:
            if _first(dirs, v) is None and v in dims:
                dirs.append(Directive("T", v, dims[v], dims[v]))
        for d in dirs:
            if d.var not in dims and d.var not in ("X'", "Y'"):
                raise InputError(
                    message=f"{where}: dimension {d.var} not found at cluster level {li} of a {op} layer "
                    f"(MAESTRO aborts: 'Dimension {d.var} not found')",
                    fix=f"map only dimensions of the layer type ({', '.join(ivars)})",
                )
        _apply_outer_stride(dirs, strides, full_dims, ovl, is_top, nm)
        _table_to_input_centric(dirs)
        n_spatial = sum(d.kind == "S" for d in dirs)
        if n_spatial == 0 or n_spatial > 2:
            raise InputError(
                message=f"{where}: cluster level {li} has {n_spatial} SpatialMaps; MAESTRO needs 1 or 2",
                fix="put one SpatialMap in every cluster level",
            )
        nsub = nm.div(num_pes, nm.maximum(pe_product, 1)) if is_top else cluster_sizes[li - 1]
        level = Level(dirs, dims, nsub)
        level.nedge = spatial_edge_clusters(dirs, dims, nsub, nm)
        levels.append(level)
        lower = {}
        for v in ivars:
            d = _first(dirs, v)
            lower[v] = nm.minimum(d.size, dims[v])
        dims = lower
        strides = {v: strides[v] for v in ivars}
        prev = dirs
    return levels
