"""What a bundle exports: a network's op graph, its MAC layers with their dataflows, the hardware, and the
exact evaluation of exactly that (`Exported`, `from_run`, `from_model`, `from_graph`, `evaluate`).

`from_run(RUN_DIR)` reads a `diffhw codesign` run directory: design.json (written last, so its presence
means the run finished), the MAESTRO mapping.m and hw.m the run wrote (the layers and dataflows, tile sizes
included, exactly as searched), cross-checked against design.json. The op graph is the zoo network's when
the run's network is a zoo name (its MAC layers must be the run's layers), else the mapping's layers as a
graph of independent layers (`Graph.from_network`). `from_model(MODEL, HW.m, DATAFLOW)` takes any MODEL
the frontends take (`diffhw.frontends.models.load_model`) under a dataflow on given hardware; `from_graph`
an op graph built in Python (e.g. a NAS space's decoded network).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from diffhw.errors import InputError, raise_if_any
from diffhw.frontends.graph import Graph
from diffhw.hardware import HardwareSpec
from diffhw.layers import Network

__all__ = ["Exported", "Evaluation", "from_run", "from_model", "from_graph", "evaluate", "HW_KEYS"]

#: Hardware parameters a design fixes (design.json's `hardware`).
HW_KEYS = ("num_pes", "l1_size", "l2_size", "noc_bw", "offchip_bw")


@dataclass(frozen=True)
class Exported:
    """A design to export. `network`: the graph's MAC layers (`Graph.to_network()`, repeats expanded) with
    their dataflows; `layer_nodes[i]`: the graph node of network layer i; `model`: the MODEL argument for
    ONNX files and PyTorch factories (their own ONNX export is used), else None; `descriptors[i]`: what
    design.json says about layer i's dataflow (template name, tiles)."""

    name: str
    graph: Graph
    network: Network
    hw: HardwareSpec
    source: dict
    layer_nodes: tuple[str, ...]
    descriptors: tuple[dict, ...]
    model: Optional[str] = None
    input_shape: Optional[tuple[int, ...]] = None
    run_dir: Optional[Path] = None
    run_doc: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """Exact per-layer rows (`diffhw.cost.model.OUTPUTS` plus name/type/node) and network totals: latency,
    energy, edp, area and power (MAESTRO's area/power model at the PROVISIONED l1/l2 sizes, as co-design
    scores them), max L1/L2 requirements, feasibility and the reasons it fails."""

    rows: list[dict]
    totals: dict


def _err(path, message: str, fix: str) -> InputError:
    return InputError(file=str(path), message=message, fix=fix)


def _layer_nodes(graph: Graph, network: Network) -> tuple[str, ...]:
    """Graph node name of every layer of `network` (= graph.to_network(): each MAC node's `repeat` layers)."""
    out = []
    for node, _, rep in graph.mac_layers():
        out.extend([node.name] * rep)
    if len(out) != len(network.layers):
        raise ValueError(f"graph {graph.name!r}: {len(out)} MAC layers, network has {len(network.layers)}")
    return tuple(out)


def from_run(run_dir) -> Exported:
    """The design of a finished, feasible `diffhw codesign` run directory. Raises `InputError` naming the
    file and the fix for a missing or unfinished run, an infeasible design or edited files."""
    from diffhw.frontends import zoo
    from diffhw.frontends.maestro import parse_hw, parse_model

    run = Path(run_dir)
    if not run.is_dir():
        raise _err(run, "no such run directory", "give the --out folder of a finished `diffhw codesign` run")
    doc_path = run / "design.json"
    if not doc_path.is_file():
        raise _err(run, "not a finished codesign run: it has no design.json (codesign writes it last)",
                   "run `diffhw codesign ... --out RUN_DIR` to the end, or give another folder")
    try:
        doc = json.loads(doc_path.read_text())
    except (OSError, ValueError) as e:
        raise _err(doc_path, f"cannot read design.json: {e}", "run the co-design again") from None
    if not isinstance(doc, dict) or doc.get("hardware") is None or not (doc.get("metrics") or {}).get("feasible"):
        why = (doc.get("metrics") or {}).get("error") if isinstance(doc, dict) else None
        raise _err(doc_path, "the run found no feasible design" + (f" ({why})" if why else ""),
                   "co-design again with larger budgets or --budget-evals, then export that run")
    nets = doc.get("layers") or []
    if len(nets) != 1:
        raise _err(doc_path, f"the run co-designed {len(nets)} networks; export takes one",
                   "export a single-network run")
    name, listed = nets[0]["network"], nets[0]["layers"]
    for f in ("mapping.m", "hw.m"):
        if not (run / f).is_file():
            raise _err(run, f"unfinished run: {f} is missing", "run the co-design again into a new folder")
    mapped, errors = parse_model(run / "mapping.m")
    raise_if_any(errors)
    hw = parse_hw(run / "hw.m")
    for k in HW_KEYS:
        if int(getattr(hw, k)) != int(doc["hardware"][k]):
            raise _err(run / "hw.m", f"{k} is {getattr(hw, k)} but design.json says {doc['hardware'][k]}",
                       "restore the files the run wrote (they were edited)")
    names = [x["name"] for x in listed]
    if [s.name for s in mapped.layers] != names or [s.op for s in mapped.layers] != [x["type"] for x in listed]:
        raise _err(run / "mapping.m", "its layers are not design.json's", "restore the files the run wrote")
    graph = zoo.get(name) if zoo.canonical(name) is not None else None
    if graph is not None and [s.name for s in graph.to_network().layers] != names:
        graph = None  # a run of another version of the zoo network: fall back to its layers
    if graph is None:
        graph = _searched_graph(run, names)
    if graph is None:
        graph = Graph.from_network(Network(name, tuple(replace(s, dataflow=None) for s in mapped.layers)))
    net = graph.to_network()
    network = Network(net.name, tuple(replace(s, dataflow=m.dataflow) for s, m in zip(net.layers, mapped.layers)),
                      str(run / "mapping.m"))
    descriptors = tuple({k: x[k] for k in ("dataflow", "tiles") if k in x} for x in listed)
    return Exported(name, graph, network, replace(hw, name="design"),
                    {"kind": "codesign run", "run_dir": str(run), "network": name}, _layer_nodes(graph, network),
                    descriptors, run_dir=run, run_doc=doc)


def _searched_graph(run: Path, names: list) -> Optional[Graph]:
    """The op graph of a `diffhw cosearch` run's network (its architecture.json names the NAS space and the
    encoding; its weights.npz is keyed by this graph's node names), if its layers are the design's."""
    path = run / "architecture.json"
    if not path.is_file():
        return None
    from diffhw.frontends.nas import digits

    try:
        arch = json.loads(path.read_text())
        if arch.get("space") != "digits":
            return None
        graph = digits.decode(arch["encoding"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise _err(path, f"cannot read the searched architecture: {e}", "restore the files the run wrote") from None
    return graph if [s.name for s in graph.to_network().layers] == names else None


def from_model(model: str, hw_file, dataflow: str, input_shape: Optional[Sequence[int]] = None) -> Exported:
    """`model` (zoo name, .onnx, MAESTRO .m, PyTorch factory) under `dataflow` (a template name or a dataflow
    file; DSCONV layers take dpt and GEMM layers gemm, as MAESTRO's frontend) on the hardware file `hw_file`.
    Raises `InputError` / `ErrorReport` for a bad model, dataflow, hardware file or a layer the dataflow
    cannot map."""
    from diffhw.frontends.models import load_model

    try:
        graph = load_model(model, input_shape)
    except (ValueError, ImportError, OSError) as e:  # a bad MODEL name or file (InputErrors pass through)
        raise InputError(file=model, message=str(e), fix="give a zoo name, an .onnx or .m file or a PyTorch "
                                                          "factory package.module:function") from None
    kind = ("onnx file" if model.lower().endswith(".onnx") else "maestro file" if model.lower().endswith(".m")
            else "pytorch factory" if ":" in model else "zoo network")
    shape = tuple(input_shape) if input_shape is not None else None
    return _design(graph, model, kind, hw_file, dataflow,
                   model=model if kind in ("onnx file", "pytorch factory") else None, input_shape=shape)


def from_graph(graph: Graph, hw_file, dataflow: str) -> Exported:
    """An op graph built in Python (the graph builder, `diffhw.frontends.nas` decodes such as
    ``darts.decode(encoding)``) under `dataflow` on `hw_file`, as `from_model`; model.onnx is built from the
    graph's ops (`onnx_build`)."""
    return _design(graph, f"<graph {graph.name}>", "op graph", hw_file, dataflow)


def _design(graph: Graph, label: str, kind: str, hw_file, dataflow: str, **extra) -> Exported:
    """`graph`'s MAC layers under `dataflow` (DSCONV: dpt, GEMM: gemm) on `hw_file`, checked."""
    from diffhw.frontends.maestro import apply_dataflow, load_dataflow, parse_hw, validate_layer

    df = load_dataflow(dataflow)
    hw = parse_hw(Path(hw_file))
    net = graph.to_network()
    if not net.layers:
        raise InputError(file=label, message="the model has no CONV, DSCONV or GEMM layer to map",
                         fix="export a model with convolutions or matrix products")
    network = apply_dataflow(net, {"CONV": df, "GEMM": "gemm"}, check=False)
    raise_if_any([e for layer in network.layers for e in validate_layer(layer, file=label)])
    descriptors = tuple({"dataflow": s.dataflow.name or Path(dataflow).stem} for s in network.layers)
    return Exported(graph.name, graph, network, replace(hw, name="design"),
                    {"kind": kind, "model": label, "hw": str(hw_file), "dataflow": dataflow},
                    _layer_nodes(graph, network), descriptors, **extra)


def evaluate(design: Exported) -> Evaluation:
    """Exact evaluation of every layer of `design.network` on `design.hw` (what maestro/mapping.m and hw.m
    say; MAESTRO gives the same numbers) and the network totals."""
    from diffhw.cost.model import hardware_cost
    from diffhw.results import OUTPUTS
    from diffhw.evaluate import evaluate as evaluate_layers

    layers = design.network.layers
    ev = evaluate_layers(list(layers), [design.hw])
    raise_if_any(ev.errors)
    rows = [{"name": s.name, "node": n, "type": s.op, **d, **{k: r[k] for k in OUTPUTS}}
            for s, n, d, r in zip(layers, design.layer_nodes, design.descriptors, ev.rows)]
    hw = design.hw
    lat = int(sum(r["runtime_cycles"] for r in rows))
    energy = float(np.sum(np.array([r["energy_total"] for r in rows], np.float64)))
    cost = hardware_cost(np.int64(hw.num_pes), np.int64(hw.noc_bw), np.int64(hw.simd_lanes), np.int64(hw.l1_size),
                         np.int64(hw.l2_size))
    l1 = max(r["total_l1_size_req"] for r in rows)
    l2 = max(r["total_l2_size_req"] for r in rows)
    problems = []
    if l1 > hw.l1_size:
        worst = max(rows, key=lambda r: r["total_l1_size_req"])["name"]
        problems.append(f"L1 requirement {l1} > l1_size {hw.l1_size} (layer {worst})")
    if l2 > hw.l2_size:
        worst = max(rows, key=lambda r: r["total_l2_size_req"])["name"]
        problems.append(f"L2 requirement {l2} > l2_size {hw.l2_size} (layer {worst})")
    budget = (design.run_doc.get("problem") or {})
    area, power = float(cost["area"]), float(cost["power"])
    if budget.get("area_budget") is not None and area > budget["area_budget"]:
        problems.append(f"area {area:.6g} > budget {budget['area_budget']:.6g}")
    if budget.get("power_budget") is not None and power > budget["power_budget"]:
        problems.append(f"power {power:.6g} > budget {budget['power_budget']:.6g}")
    totals = {"latency_cycles": lat, "energy": energy, "edp": lat * energy, "area": area, "power": power,
              "num_macs": int(sum(r["num_macs"] for r in rows)), "max_l1_req": int(l1), "max_l2_req": int(l2),
              "peak_noc_bw_req": int(max(r["peak_noc_bw_req"] for r in rows)),
              "offchip_bw_req": int(max(r["offchip_bw_req"] for r in rows)),
              "feasible": not problems, "problems": problems}
    return Evaluation(rows, totals)
