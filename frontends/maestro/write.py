"""Writing MAESTRO's files: model / mapping files (`write_model`, which MAESTRO reads back as written),
dataflow blocks (`write_dataflow`), hardware files (`write_hw`), and attaching dataflows to a model's
layers (`apply_dataflow`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional, Union

from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, Map, Sz
from diffhw.errors import InputError
from diffhw.frontends.maestro.parse import load_dataflow
from diffhw.frontends.maestro.tokens import SEPARATORS, _LAYER_NAME_RE, _NAME_RE
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec, Network
from diffhw.validation import LAYER_TYPES, check_dataflow, validate_layer

def _check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or _NAME_RE.fullmatch(name) is None or name.startswith("//"):
        raise ValueError(f"{what} {name!r} cannot be written to a MAESTRO file: it must be one token without "
                         f"{SEPARATORS!r}, braces or newlines")


def _check_layer_name(name: str) -> None:
    if not isinstance(name, str) or _LAYER_NAME_RE.fullmatch(name) is None or "//" in name:
        raise ValueError(f"layer name {name!r} cannot be written to a MAESTRO file: it must not start or end "
                         f"with one of {SEPARATORS!r} nor hold braces, newlines or '//'")


def write_dataflow(dataflow: Dataflow, indent: str = "    ") -> str:
    """A ``Dataflow { ... }`` block (a dataflow template file's text without the final newline)."""
    for d in dataflow.directives:
        if isinstance(d, Map):
            _check_name(d.dim, "dimension")
        for s in (d.size,) if isinstance(d, Cluster) else (d.size, d.offset):
            if isinstance(s, Sz):
                _check_name(s.dim, "dimension")
    return dataflow.to_text(indent)


def _needs_inheritance(prev: LayerSpec, layer: LayerSpec) -> bool:
    """True when `layer`'s dataflow is the one it would inherit from `prev` and writing it explicitly would
    fail MAESTRO's read-time checks (e.g. TemporalMap(3,3) R inherited by a layer with R = 1): the parser
    produced it from a layer without a Dataflow block, and only that form reads back the same."""
    if prev.dataflow is None or any(
        isinstance(s, Sz) and s.dim not in prev.dims for s in prev.dataflow.numbers()
    ):
        return False
    if layer.dataflow != prev.dataflow.resolve(prev.dims):
        return False
    return bool(check_dataflow(layer, check_sizes=True)) and not check_dataflow(layer, check_sizes=False)


def write_model(network: Network, with_dataflow: bool) -> str:
    """Text of a MAESTRO model file (`with_dataflow=False`) or mapping file (`with_dataflow=True`: each
    layer's Dataflow block after its Dimensions, `Sz(D)` written as is). Stride lines only where the layer
    has strides. A layer whose dataflow is the previous layer's (resolved) one and is valid only as an
    inherited dataflow is written without a Dataflow block, as MAESTRO's inheritance requires.
    Raises ValueError for names that cannot be written or, with `with_dataflow`, a layer without one."""
    if network.name:
        _check_name(network.name, "network name")
    lines = [f"Network {network.name} {{" if network.name else "Network {"]
    prev: Optional[LayerSpec] = None
    for layer in network.layers:
        _check_layer_name(layer.name)
        _check_name(layer.op, "layer type")
        lines.append(f"Layer {layer.name} {{")
        lines.append(f"Type: {layer.op}")
        if layer.stride:
            for k in layer.stride:
                _check_name(k, "stride dimension")
            lines.append("Stride { " + ", ".join(f"{k}: {int(v)}" for k, v in layer.stride.items()) + " }")
        for k in layer.dims:
            _check_name(k, "dimension")
        lines.append("Dimensions { " + ", ".join(f"{k}: {int(v)}" for k, v in layer.dims.items()) + " }")
        if with_dataflow:
            if layer.dataflow is None:
                raise ValueError(f"layer {layer.name!r} has no dataflow; attach one with apply_dataflow()")
            if not (prev is not None and _needs_inheritance(prev, layer)):
                lines.append(write_dataflow(layer.dataflow))
        lines.append("}")
        prev = layer
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_hw(spec: HardwareSpec) -> str:
    """Text of a MAESTRO hardware file (all six keys). MAESTRO's hardware file has no SIMD width: a
    `simd_lanes` other than 1 is written as a comment (pass ``--num_simd_lanes`` to MAESTRO)."""
    lines = [
        f"num_pes: {int(spec.num_pes)}",
        f"l1_size_cstr: {int(spec.l1_size)}",
        f"l2_size_cstr: {int(spec.l2_size)}",
        f"noc_bw_cstr: {int(spec.noc_bw)}",
        f"offchip_bw_cstr: {int(spec.offchip_bw)}",
        f"NoC_NumHops: {int(spec.noc_hops)}",
    ]
    if int(spec.simd_lanes) != 1:
        lines.append(f"// simd_lanes {int(spec.simd_lanes)}: not a hardware-file key; run MAESTRO with "
                     f"--num_simd_lanes={int(spec.simd_lanes)}")
    return "\n".join(lines) + "\n"




def apply_dataflow(
    network: Network,
    dataflow_by_type: Union[Mapping[str, Union[Dataflow, str]], Dataflow, str],
    *,
    dsconv_dpt: bool = True,
    check: bool = True,
) -> Network:
    """Attach a dataflow to every layer, like MAESTRO's ``modelfile_to_mapping.py``.

    `dataflow_by_type` maps a layer type (CONV, DSCONV, GEMM) to a Dataflow or a template name; a single
    Dataflow / name applies to every layer. With `dsconv_dpt` (the script's rule) DSCONV layers get the
    `dpt` template whatever is asked; pass False to honour `dataflow_by_type["DSCONV"]` (e.g. the dataset's
    ws mappings). The dataflow is attached as is (``Sz`` symbolic). With `check`, every layer is validated
    as MAESTRO would validate the resulting mapping file and an `ErrorReport` (or the single `InputError`)
    lists the invalid layers (e.g. the original ykp_os template on a layer with R != 7).
    """
    from diffhw.errors import raise_if_any

    if isinstance(dataflow_by_type, (Dataflow, str)):
        table = {op: dataflow_by_type for op in LAYER_TYPES}
    else:
        table = dict(dataflow_by_type)
    resolved: dict[str, Dataflow] = {}
    for op, df in table.items():
        resolved[op] = load_dataflow(df) if isinstance(df, str) else df
    layers = []
    errors: list[InputError] = []
    for layer in network.layers:
        if layer.op == "DSCONV" and dsconv_dpt:
            df = TEMPLATES["dpt"]
        elif layer.op in resolved:
            df = resolved[layer.op]
        else:
            errors.append(InputError(
                file=layer.loc.file, line=layer.loc.line, layer=layer.name,
                message=f"no dataflow given for layer type {layer.op}",
                fix=f"add a {layer.op!r} entry to the dataflow table"))
            continue
        new = replace(layer, dataflow=df)
        if check:
            errs = validate_layer(new)
            if errs:
                errors.extend(errs)
                continue
        layers.append(new)
    if check or errors:
        raise_if_any(errors)
    return Network(network.name, tuple(layers), network.source)
