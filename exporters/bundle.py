"""An export bundle: every artifact of a design in one folder, written into a temporary folder and renamed at
the end (`diffhw.outputs.new_dir` / `finish_dir`), so a failure never leaves a half-written bundle.

    BUNDLE/design.json            hardware, per-layer dataflow/tiles/device/bound and exact latency, energy, edp,
                                  MACs, buffer and bandwidth requirements, area and power (MAESTRO's per-layer
                                  figures at the layer's requirements); network totals (area and power at the
                                  provisioned buffers)
    BUNDLE/maestro/{model,mapping,hw}.m
    BUNDLE/model.onnx, model.int8.onnx
    BUNDLE/allocation.json        {"<onnx node>": "DEVICE:index"}
    BUNDLE/subgraphs/             NNN_<device>.onnx + manifest.json
    BUNDLE/timeloop/arch.yaml, timeloop/problems/<layer>.yaml
    BUNDLE/report.md (+ layers.png, convergence.png)
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from diffhw.errors import InputError
from diffhw.exporters import allocation as alloc
from diffhw.exporters import onnx as onnx_export
from diffhw.exporters import report, timeloop
from diffhw.exporters.design import Exported, evaluate
from diffhw.exporters.maestro import maestro_texts
from diffhw.outputs import finish_dir, new_dir

__all__ = ["ExportOptions", "export_bundle"]


@dataclass(frozen=True)
class ExportOptions:
    """host: the host device of non-accelerator nodes; allocation: a JSON file of per-node overrides;
    calibration: a .npy file or folder (else a run's calibration data, else seeded random inputs); labels: a
    .npy of one class per calibration input (the int8 accuracy drop is reported); calibration_method: minmax or entropy;
    target: a device target (`diffhw.exporters.targets.TARGETS`); seed: random inputs' seed;
    calibration_samples / heldout_samples: how many random inputs calibrate / measure int8."""

    host: str = alloc.DEFAULT_HOST
    allocation: Optional[str] = None
    calibration: Optional[str] = None
    labels: Optional[str] = None
    calibration_method: str = "minmax"
    target: Optional[str] = None
    seed: int = 0
    calibration_samples: int = 16
    heldout_samples: int = 8


def _check_options(opts: ExportOptions) -> None:
    from diffhw.exporters.targets import TARGETS

    if not alloc.DEVICE_RE.fullmatch(opts.host):
        raise InputError(file="--host", message=f"{opts.host!r} is not a device NAME:index", fix="e.g. --host X64:0")
    if opts.calibration_method not in onnx_export.CALIBRATION_METHODS:
        raise InputError(file="--calibration-method", message=f"unknown method {opts.calibration_method!r}",
                         fix=f"use one of {', '.join(onnx_export.CALIBRATION_METHODS)}")
    if opts.target is not None and opts.target not in TARGETS:
        raise InputError(file="--target", message=f"unknown target {opts.target!r}",
                         fix=f"use one of {', '.join(TARGETS)}")
    for path, flag in ((opts.allocation, "--allocation"), (opts.calibration, "--calibration"),
                       (opts.labels, "--labels")):
        if path is not None and not Path(path).exists():
            raise InputError(file=str(path), message=f"{flag}: no such file or folder", fix="check the path")


def _feeds(proto, design: Exported, opts: ExportOptions):
    """(calibration feeds, their source, held-out feeds, their source, held-out labels or None). Calibration
    data: --calibration, else a run's calibration.npy (or calibration/ folder), else seeded random inputs;
    with two or more calibration feeds the last quarter is held out. Labels (one class per calibration
    sample): --labels, else a run's calibration_labels.npy."""
    specs = onnx_export.input_specs(proto, design.input_shape)
    path, labels_path = opts.calibration, opts.labels
    if design.run_dir is not None:
        path = path or next((str(design.run_dir / f) for f in ("calibration.npy", "calibration")
                             if (design.run_dir / f).exists()), None)
        if path is not None and labels_path is None and (design.run_dir / "calibration_labels.npy").is_file():
            labels_path = str(design.run_dir / "calibration_labels.npy")
    if path is None:
        if labels_path is not None:
            raise InputError(file=labels_path, message="labels without calibration inputs",
                             fix="pass --calibration with the inputs the labels belong to")
        cal = onnx_export.random_inputs(specs, opts.calibration_samples, opts.seed)
        held = onnx_export.random_inputs(specs, opts.heldout_samples, opts.seed + 1)
        return cal, f"seeded random inputs (seed {opts.seed}): no calibration data given", held, \
            f"seeded random inputs, seed {opts.seed + 1}", None
    feeds = onnx_export.calibration_inputs(path, specs)
    batch = specs[0][1][0]
    labels = onnx_export.calibration_labels(labels_path, len(feeds) * batch) if labels_path else None
    if len(feeds) < 2:
        if labels is not None:
            raise InputError(file=labels_path, message="labels need at least 2 calibration inputs (the last "
                             "quarter is held out)", fix="give more calibration inputs")
        held = onnx_export.random_inputs(specs, opts.heldout_samples, opts.seed + 1)
        return feeds, f"calibration data {path}", held, f"seeded random inputs, seed {opts.seed + 1}", None
    k = max(1, len(feeds) // 4)
    return feeds[:-k], f"calibration data {path}", feeds[-k:], f"the last {k} of calibration data {path}", \
        None if labels is None else labels[-k * batch:]


def _write(folder: Path, files: dict) -> None:
    for name, data in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.write_bytes if isinstance(data, bytes) else p.write_text)(data)


def export_bundle(design: Exported, out, options: ExportOptions = ExportOptions()) -> dict:
    """Write the bundle of `design` to the new folder `out`; returns its design.json document. Raises
    `InputError` (bad options, a node without an ONNX form, bad calibration or allocation files) or
    `diffhw.outputs.OutputError` (`out` exists or cannot be written), leaving nothing at `out`."""
    import onnx

    _check_options(options)
    tmp = new_dir(out)
    try:
        doc = _fill(tmp, design, options, onnx)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finish_dir(tmp, out)
    return doc


def _allocation(tmp: Path, proto, design: Exported, opts: ExportOptions, refused: dict) -> tuple[dict, dict, int]:
    """Write allocation.json and subgraphs/; returns (allocation, graph MAC node -> its ONNX node, subgraphs)."""
    import onnx

    pairs = alloc.layer_nodes(proto, design.graph)
    node_of = {}
    for o, gs in pairs.items():
        for g in gs:
            node_of.setdefault(g, o)
    overrides = alloc.read_allocation(opts.allocation, proto) if opts.allocation else {}
    accel = [o for o, gs in pairs.items() if not any(g in refused for g in gs)]  # a node runs on one device
    allocation = alloc.allocate(proto, accel, opts.host, overrides)
    _write(tmp, {"allocation.json": json.dumps(allocation, indent=1) + "\n"})
    try:
        parts = alloc.split(proto, allocation)
    except Exception as e:  # noqa: BLE001 - onnx's extractor / checker on a graph it cannot cut
        first = next((t for t in str(e).splitlines() if t.strip()), "")
        raise InputError(file=design.name, message=f"cannot cut model.onnx into single-device subgraphs: "
                         f"{type(e).__name__}: {first}", fix="give the model fixed input shapes (--input-shape) "
                         "so that ONNX shape inference knows every tensor") from None
    (tmp / "subgraphs").mkdir()
    manifest = {"model": "model.onnx", "subgraphs": []}
    for k, part in enumerate(parts):
        fname = f"{k:03d}_{part['device'].replace(':', '')}.onnx"
        onnx.save(part.pop("model"), tmp / "subgraphs" / fname)
        manifest["subgraphs"].append({"index": k, "file": fname, **part})
    _write(tmp, {"subgraphs/manifest.json": json.dumps(manifest, indent=1) + "\n"})
    return allocation, node_of, len(parts)


def _int8(tmp: Path, proto, design: Exported, opts: ExportOptions) -> tuple[dict, float]:
    """Write model.int8.onnx; returns (its design.json entry, max abs difference of the chained subgraphs
    from model.onnx on the first held-out input)."""
    cal, cal_src, held, held_src, labels = _feeds(proto, design, opts)
    try:
        float_out = onnx_export.run_model(tmp / "model.onnx", held)
        onnx_export.quantize_int8(tmp / "model.onnx", tmp / "model.int8.onnx", cal, opts.calibration_method)
        int8_out = onnx_export.run_model(tmp / "model.int8.onnx", held)
        env = alloc.run_chain(tmp / "subgraphs", held[0])
    except Exception as e:  # noqa: BLE001 - onnxruntime's own errors (an op it cannot run or quantize)
        first = next((t for t in str(e).splitlines() if t.strip()), "")
        raise InputError(file=design.name, message=f"onnxruntime cannot run or quantize the model: "
                         f"{type(e).__name__}: {first}", fix="check that onnxruntime runs model.onnx (ops and "
                         "input types it supports), or try --calibration-method minmax") from None
    err = onnx_export.int8_error(float_out, int8_out, labels)
    chain = max(float(abs(env[o.name] - f).max()) for o, f in zip(proto.graph.output, float_out[0]))
    return {"method": opts.calibration_method, "format": "QDQ int8 (activations and weights)",
            "calibration_inputs": len(cal), "calibration_source": cal_src, "heldout_inputs": len(held),
            "heldout_source": held_src, **err}, chain


def _fill(tmp: Path, design: Exported, opts: ExportOptions, onnx) -> dict:
    from diffhw.exporters.targets import TARGETS

    ev = evaluate(design)
    refused = TARGETS[opts.target].refusals(design.graph) if opts.target else {}
    proto, note = onnx_export.float_model(design)
    if proto.ByteSize() >= onnx.checker.MAXIMUM_PROTOBUF:
        raise InputError(file=design.name, message="the ONNX model is over 2 GB (protobuf's limit)",
                         fix="export a smaller network")
    onnx.save(proto, tmp / "model.onnx")
    allocation, node_of, subgraphs = _allocation(tmp, proto, design, opts, refused)
    int8, chain = _int8(tmp, proto, design, opts)
    _write(tmp, {f"maestro/{k}": v for k, v in maestro_texts(design.network, design.hw).items()})
    _write(tmp, {"timeloop/arch.yaml": timeloop.arch_yaml(design.hw, design.name),
                 **{f"timeloop/{k}": v for k, v in timeloop.problem_files(design.network.layers).items()}})

    layers = []
    for r in ev.rows:
        onnx_node = node_of.get(r["node"])
        layers.append({"name": r["name"], "node": r["node"], "onnx_node": onnx_node, "type": r["type"],
                       **{k: r[k] for k in ("dataflow", "tiles") if k in r},
                       "device": allocation.get(onnx_node, opts.host), "bound": report.bound(r, design.hw),
                       "latency_cycles": r["runtime_cycles"], "energy": r["energy_total"],
                       "edp": r["runtime_cycles"] * r["energy_total"],
                       **{k: r[k] for k in ("num_macs", "total_l1_size_req", "total_l2_size_req",
                                            "peak_noc_bw_req", "offchip_bw_req", "area", "power")}})
    hw = {k: int(getattr(design.hw, k)) for k in ("num_pes", "l1_size", "l2_size", "noc_bw", "offchip_bw",
                                                  "simd_lanes", "noc_hops")}
    doc = {"network": design.name, "source": design.source, "hardware": hw, "totals": ev.totals,
           "layers": layers,
           "onnx": {"note": note, "nodes": len(proto.graph.node),
                    "inputs": [i.name for i in proto.graph.input if i.name not in
                               {t.name for t in proto.graph.initializer}],
                    "outputs": [o.name for o in proto.graph.output]},
           "int8": int8,
           "allocation": {"accelerator": alloc.ACCELERATOR, "host": opts.host,
                          "nodes_per_device": dict(Counter(allocation.values())), "overrides": opts.allocation,
                          "subgraphs": subgraphs, "chain_max_abs_diff": chain}}
    m = design.run_doc.get("metrics") if design.run_doc else None
    if m:
        doc["run"] = {"latency_cycles": m.get("latency_cycles"), "energy": m.get("energy"),
                      "agrees": m.get("latency_cycles") == ev.totals["latency_cycles"]
                      and abs(m.get("energy", 0) - ev.totals["energy"]) <= 1e-9 * abs(ev.totals["energy"])}
    if opts.target:
        doc["target"] = {"name": opts.target, "description": TARGETS[opts.target].DESCRIPTION,
                         "host_layers": refused}
    objective = (design.run_doc.get("problem") or {}).get("objective") if design.run_doc else None
    figures = report.write_figures(tmp, layers, design.run_doc or {},
                                   {"latency": ev.totals["latency_cycles"], "energy": ev.totals["energy"],
                                    "edp": ev.totals["edp"]}.get(objective))
    _write(tmp, {"design.json": json.dumps(doc, indent=1) + "\n", "report.md": report.report_markdown(doc, figures)})
    return doc
