"""Validation, in one place and before anything is traced: a layer's type, dimensions and strides, a dataflow
against a layer (MAESTRO's parser rules: `check_dataflow`, its structure: `structure_errors`), a hardware
config, and a (layer, hardware, dataflow) item (`check_pair`: the cases where MAESTRO crashes or returns
garbage). Each check returns errors (`diffhw.errors.InputError`: file, line, layer, cause, fix) instead of
raising, so one bad item never stops the valid ones. The MAESTRO file parser (`diffhw.frontends.maestro`),
`evaluate`, `sweep` and `optimize` call these; the cost model assumes them.
"""

from __future__ import annotations

import functools
from typing import Mapping, Optional, Sequence

from diffhw.dataflow import Cluster, Dataflow, Map, Sz
from diffhw.errors import InputError
from diffhw.hardware import HardwareSpec
from diffhw.layers import OP_CODES, LayerSpec

#: Layer types diffhw evaluates (a TRCONV is read as the CONV MAESTRO makes of it).
LAYER_TYPES = ("CONV", "DSCONV", "GEMM", "NGCONV")
#: Dimension names a dataflow may use (any layer type).
KNOWN_DIMS = ("N", "K", "C", "R", "S", "Y", "X", "Y'", "X'", "M", "G")

_CONV_DIMS = ("N", "K", "C", "R", "S", "Y", "X", "Y'", "X'")
_GEMM_DIMS = ("M", "N", "K")
_MAX_CLUSTERS = 3


# ---------------------------------------------------------------------------------------------- layers


def _where(where: Optional[Mapping], key, default: int) -> int:
    if where is None:
        return default
    return int(where.get(key, default))


def _dims_of_layer_type(op: str) -> tuple[str, ...]:
    if op == "NGCONV":
        return ("G",) + _CONV_DIMS
    return _GEMM_DIMS if op == "GEMM" else _CONV_DIMS


def _top_level_dims(spec: LayerSpec) -> set[str]:
    """Dimensions MAESTRO knows at the top cluster level: declared ones plus derived Y/X/Y'/X'."""
    dims = set(spec.dims)
    if spec.op != "GEMM":
        for i, o in (("Y", "Y'"), ("X", "X'")):
            if i in dims or o in dims:
                dims |= {i, o}
    return dims


def _lower_level_dims(spec: LayerSpec) -> tuple[str, ...]:
    """Dimensions of the input tensors (MAESTRO builds lower cluster levels from these only)."""
    if spec.op == "GEMM":
        return ("K", "M", "N")
    n = ("N",) if "N" in spec.dims else ()
    if spec.op == "DSCONV":
        return n + ("C", "R", "S", "X", "Y")
    if spec.op == "NGCONV":
        return n + ("C", "G", "K", "R", "S", "X", "Y")
    return n + ("C", "K", "R", "S", "X", "Y")


def check_layer_dims(spec: LayerSpec, file: str, where: Optional[Mapping] = None) -> list[InputError]:
    """Type, dimensions and strides of one layer."""
    line0 = spec.loc.line

    def err(msg: str, fix: str, key=None) -> InputError:
        return InputError(file=file, line=_where(where, key, line0), layer=spec.name, message=msg, fix=fix)

    if spec.op not in LAYER_TYPES:
        return [err(f"layer type {spec.op!r} is not supported", "use Type: CONV, DSCONV, NGCONV or GEMM",
                    "type")]
    errors: list[InputError] = []
    d = spec.dims
    allowed = _dims_of_layer_type(spec.op)
    if not d:
        return [err("the layer has no Dimensions", "add Dimensions { K: .., C: .., R: .., S: .., Y: .., X: .. }")]
    for name, size in d.items():
        if name not in allowed:
            errors.append(err(f"unknown dimension {name!r} for a {spec.op} layer",
                              f"use only {', '.join(allowed)}", ("dim", name)))
        elif not isinstance(size, int) or isinstance(size, bool) or size < 1:
            errors.append(err(f"dimension {name} must be a positive integer (got {size!r})",
                              f"write a size >= 1 for {name}", ("dim", name)))
    if errors:
        return errors
    if spec.op == "GEMM":
        missing = [k for k in _GEMM_DIMS if k not in d]
        if missing:
            errors.append(err(f"GEMM layer is missing dimension(s) {', '.join(missing)}",
                              "write Dimensions { K: .., M: .., N: .. } for (M x K) * (K x N)", "dims"))
    else:
        need = ["C", "R", "S"] + (["K"] if spec.op != "DSCONV" else []) + (["G"] if spec.op == "NGCONV" else [])
        missing = [k for k in need if k not in d]
        for i, o in (("Y", "Y'"), ("X", "X'")):
            if i in d and o in d:
                errors.append(err(f"both {i} and {o} are given (MAESTRO stops: 'Both input- and "
                                  "output-centric dimension definition is used')",
                                  f"give either {i} (input size) or {o} (output size)", ("dim", o)))
            elif i not in d and o not in d:
                missing.append(i)
        if missing:
            g = "G: .., " if spec.op == "NGCONV" else ""
            errors.append(err(f"{spec.op} layer is missing dimension(s) {', '.join(missing)}",
                              f"write Dimensions {{ {g}K: .., C: .., R: .., S: .., Y: .., X: .. }}", "dims"))
    for key, value in spec.stride.items():
        if key not in ("Y", "X"):
            errors.append(err(f"Stride on {key!r} is not supported (only Y and X have strides)",
                              "write Stride { X: sx, Y: sy }", ("stride", key)))
        elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(err(f"Stride {key} must be a positive integer (got {value!r})",
                              f"write a stride >= 1 for {key}", ("stride", key)))
        elif value != 1 and key not in d:
            if spec.op == "GEMM":
                msg, fix = f"a GEMM layer has no {key}: Stride {key}: {value} has no effect", "remove the Stride line"
            else:
                msg = (f"Stride {key}: {value} has no effect because the layer gives {key}' (output size); "
                       "MAESTRO ignores it")
                fix = f"give the input size {key} instead of {key}', or remove the stride"
            errors.append(err(msg, fix, ("stride", key)))
    return errors


def _levels(directives: Sequence) -> list[list[tuple[int, Map]]]:
    levels: list[list[tuple[int, Map]]] = [[]]
    for i, d in enumerate(directives):
        if isinstance(d, Cluster):
            levels.append([])
        else:
            levels[-1].append((i, d))
    return levels


def structure_errors(df: Dataflow) -> list[tuple[Optional[int], str, str]]:
    """Layer-independent problems of a directive program: (directive index or None, message, fix)."""
    out: list[tuple[Optional[int], str, str]] = []
    n_clusters = sum(isinstance(d, Cluster) for d in df.directives)
    if n_clusters > _MAX_CLUSTERS:
        idx = [i for i, d in enumerate(df.directives) if isinstance(d, Cluster)][_MAX_CLUSTERS]
        out.append((idx, f"{n_clusters} Cluster levels; MAESTRO supports at most {_MAX_CLUSTERS}",
                    "merge Cluster levels"))
    for li, level in enumerate(_levels(df.directives)):
        spatial = [i for i, m in level if m.kind == "spatial"]
        first = level[0][0] if level else None
        if li > 0 and first is None:
            cl = [i for i, d in enumerate(df.directives) if isinstance(d, Cluster)][li - 1]
            first = cl
        if not spatial:
            out.append((first, f"cluster level {li} has no SpatialMap (MAESTRO stops: 'No spatial map in a "
                               "cluster')", "put one SpatialMap in every cluster level"))
        elif len(spatial) > 2:
            out.append((spatial[2], f"cluster level {li} has {len(spatial)} SpatialMaps; MAESTRO allows "
                                    "at most 2", "turn the extra SpatialMaps into TemporalMaps"))
        names = {m.dim for _, m in level}
        for i, m in level:
            if m.dim in ("Y'", "X'") and m.dim[0] not in names:
                filt = "R" if m.dim == "Y'" else "S"
                if filt not in names:
                    out.append((i, f"a {m.dim} map needs a map on {filt} in the same cluster level (MAESTRO "
                                   f"converts {m.dim} to {m.dim[0]} with that level's {filt} tile)",
                                f"add TemporalMap(Sz({filt}),Sz({filt})) {filt}; to this level"))
        if out:
            break
    return out


def size_value(s, dims: Mapping[str, int]) -> Optional[int]:
    if isinstance(s, Sz):
        return dims.get(s.dim)
    return s


def rs_tile_error(m: Map, size: Optional[int], offset: Optional[int], dim_size: Optional[int]):
    """MAESTRO's check on TemporalMap R/S: (message, fix) or None."""
    if m.kind != "temporal" or m.dim not in ("R", "S"):
        return None
    fix = f"write TemporalMap(Sz({m.dim}),Sz({m.dim})) {m.dim};"
    if size is not None and offset is not None and size != offset:
        return (f"TemporalMap on {m.dim} must have size == offset == Sz({m.dim}) (got {size}, {offset})", fix)
    if size is not None and dim_size is not None and size != dim_size:
        return (f"TemporalMap on {m.dim} must have size == offset == Sz({m.dim}) (got {size}, {offset}; "
                f"{m.dim} is {dim_size})", fix)
    return None


def check_dataflow(
    spec: LayerSpec,
    dataflow: Optional[Dataflow] = None,
    *,
    file: Optional[str] = None,
    where: Optional[Mapping] = None,
    check_sizes: bool = True,
    inherited_from: Optional[str] = None,
) -> list[InputError]:
    """Problems of `dataflow` (default: `spec.dataflow`) on the layer `spec`; [] when it is valid.

    `check_sizes` also checks what MAESTRO checks while reading a mapping file (``Sz(D)`` of declared
    dimensions only, positive sizes, the R/S tile rule); the parser does those as it reads.
    """
    df = spec.dataflow if dataflow is None else dataflow
    file = spec.loc.file if file is None else file
    if df is None:
        return []
    line0 = spec.loc.line
    note = f" (dataflow inherited from layer '{inherited_from}')" if inherited_from is not None else ""

    def err(idx: Optional[int], msg: str, fix: str) -> InputError:
        line = line0 if (idx is None or inherited_from is not None) else _where(where, ("directive", idx), line0)
        return InputError(file=file, line=line, layer=spec.name, message=msg + note, fix=fix)

    if check_sizes:
        for i, d in enumerate(df.directives):
            slots = (d.size,) if isinstance(d, Cluster) else (d.size, d.offset)
            for s in slots:
                if isinstance(s, Sz) and s.dim not in spec.dims:
                    return [err(i, f"Sz({s.dim}): the layer has no dimension {s.dim} (MAESTRO: 'Cannot find "
                                   "the dimension')", f"use Sz() of one of {', '.join(spec.dims)}")]
                v = size_value(s, spec.dims)
                if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                    return [err(i, f"{d} has a size or offset that is not a positive integer ({v!r})",
                                "use sizes and offsets >= 1")]
            if isinstance(d, Map):
                e = rs_tile_error(d, size_value(d.size, spec.dims), size_value(d.offset, spec.dims), spec.dims.get(d.dim))
                if e:
                    return [err(i, *e)]
    top = _top_level_dims(spec)
    lower = _lower_level_dims(spec)
    upper: dict[str, int] = {}  # dims mapped at upper levels (input-centric) -> directive index
    for li, level in enumerate(_levels(df.directives)):
        names = {m.dim for _, m in level}
        here: dict[str, int] = {}
        for i, m in level:
            dim = m.dim
            if dim in ("Y'", "X'") and dim[0] not in names:
                dim = dim[0]  # MAESTRO's ConvertToInputCentric
            ok = top if li == 0 else lower
            if m.dim not in KNOWN_DIMS or dim not in ok:
                if spec.op == "DSCONV" and dim == "K" and li > 0:
                    return [err(i, "a DSCONV layer has no K in its tensors, so K cannot be mapped inside a "
                                   "Cluster (MAESTRO stops: 'Dimension K not found')",
                                "use the dpt (or ws) dataflow for DSCONV layers")]
                if spec.op == "DSCONV" and dim == "K":
                    return [err(i, "the dataflow maps K but this DSCONV layer does not declare K "
                                   "(MAESTRO stops: 'Dimension K not found')",
                                "add K: 1 to Dimensions or use the dpt dataflow")]
                where_txt = "at the top cluster level" if li == 0 else f"at cluster level {li}"
                return [err(i, f"the dataflow maps dimension {m.dim} {where_txt}, which this {spec.op} layer "
                               f"does not have there (MAESTRO stops: 'Dimension {dim} not found')",
                            f"map only {', '.join(sorted(ok))}" + (" below a Cluster" if li else ""))]
            here.setdefault(dim, i)
        if li > 0:
            for dim, i in upper.items():
                if dim not in here and dim not in lower:
                    if spec.op == "DSCONV" and dim == "K":
                        return [err(i, "a DSCONV layer has no K in its tensors, but this dataflow maps K above "
                                       "a Cluster, so lower levels inherit it (MAESTRO stops: 'Dimension K "
                                       "not found')", "use the dpt (or ws) dataflow for DSCONV layers")]
                    return [err(i, f"dimension {dim} is mapped above a Cluster and inherited by cluster level "
                                   f"{li}, where this {spec.op} layer does not have it (MAESTRO stops: "
                                   f"'Dimension {dim} not found')",
                                f"map only {', '.join(lower)} in dataflows with Cluster levels")]
        for dim, i in here.items():
            upper.setdefault(dim, i)
    return [err(i, msg, fix) for i, msg, fix in structure_errors(df)]


def validate_layer(
    spec: LayerSpec, *, file: Optional[str] = None, where: Optional[Mapping] = None, check_sizes: bool = True
) -> list[InputError]:
    """All problems of one layer (type, dimensions, strides, and its dataflow if it has one); [] if valid.

    `check_sizes=False` skips the checks MAESTRO only makes while reading a layer's own Dataflow block
    (``Sz`` of declared dimensions, the R/S tile rule): an inherited dataflow is not subject to them."""
    file = spec.loc.file if file is None else file
    errors = check_layer_dims(spec, file, where)
    if errors:
        return errors
    return check_dataflow(spec, file=file, where=where, check_sizes=check_sizes)


# --------------------------------------------------------------------------- hardware and items


def hardware_problem(hw: HardwareSpec) -> Optional[tuple[str, str]]:
    """(what, fix) when a hardware config cannot be evaluated (MAESTRO crashes on zero PEs or bandwidth)."""
    for name in ("num_pes", "noc_bw", "offchip_bw", "simd_lanes"):
        if getattr(hw, name) <= 0:
            return (f"hardware '{hw.name}': {name} must be positive (MAESTRO crashes with SIGFPE)",
                    f"set {name} to at least 1")
    return None


def check_hardware(hardware: Sequence[HardwareSpec]) -> list[str]:
    """One line per hardware config that cannot be evaluated."""
    return [f"{what}; {fix}" for what, fix in filter(None, map(hardware_problem, hardware))]


def layer_warnings(layer: LayerSpec) -> list[InputError]:
    """What is odd about a layer that MAESTRO evaluates anyway: its frontend notes (e.g. a TRCONV read as
    CONV) and a filter larger than its input (Y < R or X < S: MAESTRO's numbers count only part of it)."""
    where = dict(file=layer.loc.file, line=layer.loc.line or None, layer=layer.name)
    out = [InputError(message=note, **where) for note in layer.notes]
    if layer.op != "GEMM":
        d = layer.input_dims()
        for big, small in (("Y", "R"), ("X", "S")):
            if big in d and small in d and d[big] < d[small]:
                out.append(InputError(
                    message=f"input {big}={d[big]} is smaller than the filter {small}={d[small]}: these are "
                            "MAESTRO's numbers for a filter that does not fit its input",
                    fix=f"give the padded input size ({big} >= {small}) for a real layer's cost", **where))
    return out


def check_pair(layer: LayerSpec, hw: HardwareSpec, dataflow: Optional[Dataflow],
               filter_larger_than_input: bool = False) -> Optional[InputError]:
    """The checks MAESTRO lacks (it crashes or returns garbage on these): None when the pair is valid.
    A filter larger than its input (Y < R, X < S) is an error unless `filter_larger_than_input` (MAESTRO's
    numbers for it, which `evaluate` gives with a warning: see `layer_warnings`)."""
    where = dict(file=layer.loc.file, line=layer.loc.line or None, layer=layer.name)
    if dataflow is None:
        return InputError(message="layer has no Dataflow block and no dataflow was given",
                          fix="add a Dataflow { ... } block or pass --dataflow", **where)
    if layer.op not in OP_CODES:
        return InputError(message=f"layer type {layer.op} is not supported",
                          fix=f"use one of {', '.join(OP_CODES)}", **where)
    d = layer.input_dims()
    if layer.op != "GEMM" and not filter_larger_than_input:
        for big, small in (("Y", "R"), ("X", "S")):
            if d[big] < d[small]:
                return InputError(message=f"input {big}={d[big]} is smaller than the filter {small}={d[small]} "
                                  "(MAESTRO counts only the part of the filter inside the input)",
                                  fix=f"give the padded input size ({big} >= {small})", **where)
    bad = hardware_problem(hw)
    if bad is not None:
        return InputError(message=bad[0], fix=bad[1], **where)
    problems = _dataflow_problems(layer.op, tuple(sorted(layer.dims)), dataflow)
    if problems:  # its structure on this layer type (else the cost model could not build its cluster levels)
        return InputError(message=problems[0][0], fix=problems[0][1], **where)
    try:
        resolved = dataflow.resolve(d)
    except KeyError as e:
        return InputError(message=f"dataflow uses Sz({e.args[0]}), not a dimension of this {layer.op} layer",
                          fix="use dimensions of the layer in Sz()", **where)
    pes = 1
    for x in resolved.directives:
        if isinstance(x, Cluster):
            pes *= x.size
        values = (x.size,) if isinstance(x, Cluster) else (x.size, x.offset)
        if any(v <= 0 for v in values):
            return InputError(message=f"directive '{x}' has a non-positive size", fix="use sizes >= 1", **where)
    if pes > hw.num_pes:
        return InputError(message=f"the dataflow's clusters need {pes} PEs but hardware '{hw.name}' has "
                          f"{hw.num_pes} (MAESTRO crashes with SIGFPE)",
                          fix=f"use at least {pes} PEs or smaller Cluster sizes", **where)
    return None


@functools.lru_cache(maxsize=4096)
def _dataflow_problems(op: str, dims: tuple[str, ...], dataflow: Dataflow) -> tuple[tuple[str, str], ...]:
    """(what, fix) of `check_dataflow` for a layer type with these dimension names, without the size checks
    (they depend on no sizes, so one check serves every layer and hardware of a batch)."""
    spec = LayerSpec(name="", op=op, dims={d: 1 for d in dims})
    return tuple((e.message, e.fix) for e in check_dataflow(spec, dataflow, check_sizes=False))
