"""Op-to-device allocation of an ONNX model and its cut into single-device subgraphs.

`layer_nodes` finds the ONNX node of every MAC node of the op graph the cost model lowered (Conv,
ConvTranspose, Gemm, MatMul, Einsum, Attention, LSTM, GRU, RNN nodes, constant inputs or not, matched in
graph order; a recurrent node is several layers, a linear layer's bias Add goes with its MatMul).
`allocate` puts those nodes on the accelerator (``ACCEL:0``) unless a target refuses one of their layers,
every other node on the host (``X64:0`` by default), then applies a user's per-node overrides.

`split` orders the nodes topologically, preferring at each step a ready node of the current device (a
greedy order: a run ends only when no node of its device is ready), and cuts the order into maximal
single-device runs; each run becomes a model with `onnx.utils.Extractor` (what `onnx.utils.extract_model`
uses), fed by the tensors earlier runs (or the graph inputs) produce. `run_chain` runs them in order with
onnxruntime.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping, Optional, Sequence

import numpy as np

from diffhw.errors import InputError

__all__ = ["ACCELERATOR", "DEFAULT_HOST", "DEVICE_RE", "layer_nodes", "allocate", "read_allocation", "split",
           "run_chain"]

ACCELERATOR = "ACCEL:0"
DEFAULT_HOST = "X64:0"
#: A device as allocation.json writes it: NAME:index.
DEVICE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*:[0-9]+")
_MAC_OPS = ("Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum", "Attention", "LSTM", "GRU", "RNN")


def _constants(model) -> set[str]:
    """Tensors that do not depend on the graph inputs (initializers, Constant nodes and what only they feed),
    except MAC ops' outputs (layers that run at every inference, as the frontends lower them)."""
    const = {t.name for t in model.graph.initializer}
    for node in model.graph.node:
        ins = [i for i in node.input if i]
        if node.op_type == "Constant" or (node.op_type not in _MAC_OPS and ins and all(i in const for i in ins)):
            const.update(o for o in node.output if o)
    return const


def _bias_add(model, node, const: set[str]):
    """The ``Add`` of a constant that is the only consumer of `node`'s output (a linear layer's bias, part
    of the layer as the frontends count it), or None."""
    out = node.output[0]
    users = [n for n in model.graph.node if out in n.input]
    if len(users) != 1 or users[0].op_type != "Add" or out in {o.name for o in model.graph.output}:
        return None
    others = [i for i in users[0].input if i != out]
    return users[0] if len(others) == 1 and others[0] in const else None


def _mac_kinds(node, shapes: Mapping[str, tuple]) -> Optional[tuple[str, ...]]:
    """The graph kinds of the MAC nodes the frontends lower ONNX `node` to, in order (None: any one MAC
    kind; () for none): LSTM / GRU / RNN -> per direction a ``linear`` (input projection) and a ``matmul``
    (recurrence), Attention -> two ``matmul`` (Q K^T, P V), a one-operand Einsum -> none."""
    if node.op_type in ("LSTM", "GRU", "RNN"):
        w = shapes.get(node.input[1], ())
        directions = w[0] if w else 2 if any(a.name == "direction" and a.s == b"bidirectional"
                                             for a in node.attribute) else 1
        return ("linear", "matmul") * directions
    if node.op_type == "Attention":
        return ("matmul", "matmul")
    if node.op_type == "Einsum" and len([i for i in node.input if i]) != 2:
        return ()
    return None


def _same_shape(onnx_shape, graph_shape) -> bool:
    """Whether an ONNX tensor shape (0 where a dimension is symbolic, e.g. a dynamic batch) fits the shape
    the op graph gives for the input shape of the export."""
    return (onnx_shape is not None and len(onnx_shape) == len(graph_shape)
            and all(a in (0, b) for a, b in zip(onnx_shape, graph_shape)))


def layer_nodes(model, graph) -> dict[str, list[str]]:
    """{ONNX node name: [graph MAC node names]} for every MAC node of `graph` (the op graph of `model`), in
    order: one name for Conv / ConvTranspose / Gemm / MatMul / Einsum, 2 per direction for LSTM / GRU /
    RNN, 2 for Attention; a linear layer's MatMul is followed by its bias ``Add`` (with the same name) when
    it has one. ONNX MAC nodes are matched to the graph's in order, by output shape (by kinds where one
    node is several layers); one the frontend could not lower is skipped. Raises `InputError` if a MAC node
    of the graph has no ONNX node."""
    import onnx

    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {v.name: tuple(d.dim_value for d in v.type.tensor_type.shape.dim)
              for v in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input)}
    shapes.update({t.name: tuple(t.dims) for t in model.graph.initializer})
    const = _constants(model)
    macs = [n for n in graph.nodes if n.is_mac]
    pairs, j = {}, 0
    for node in model.graph.node:
        if j == len(macs):
            break
        if node.op_type not in _MAC_OPS:
            continue
        kinds = _mac_kinds(node, shapes)
        if kinds is None:
            if node.op_type != "Einsum" and not _same_shape(shapes.get(node.output[0]), macs[j].shape):
                continue
            pairs[node.name] = [macs[j].name]
            bias = _bias_add(model, node, const) if macs[j].kind == "linear" else None
            if bias is not None:
                pairs[bias.name] = [macs[j].name]
            j += 1
        elif kinds and tuple(m.kind for m in macs[j:j + len(kinds)]) == kinds:
            pairs[node.name] = [m.name for m in macs[j:j + len(kinds)]]
            j += len(kinds)
    if j < len(macs):
        raise InputError(file="model.onnx", layer=macs[j].name,
                         message=f"no ONNX node computes this layer (a {macs[j].kind} of output {macs[j].shape})",
                         fix="pass --allocation FILE naming the accelerator's nodes")
    return pairs


def allocate(model, accel_nodes: Sequence[str], host: str = DEFAULT_HOST,
             overrides: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """{node name: device} for every node of `model`: `accel_nodes` on ACCEL:0, the rest on `host`, then
    `overrides` (node name -> device)."""
    accel = set(accel_nodes)
    out = {n.name: ACCELERATOR if n.name in accel else host for n in model.graph.node}
    out.update(overrides or {})
    return out


def read_allocation(path, model) -> dict[str, str]:
    """Per-node overrides from a JSON file {"<node name>": "DEVICE:index"}: every name must be a node of
    `model`, every device NAME:index."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise InputError(file=str(path), message=f"cannot read the allocation: {e}",
                         fix='write a JSON object {"<node name>": "DEVICE:index"}') from None
    if not isinstance(doc, dict):
        raise InputError(file=str(path), message="the allocation is not a JSON object",
                         fix='write {"<node name>": "DEVICE:index", ...}')
    names = {n.name for n in model.graph.node}
    errors = [InputError(file=str(path), layer=str(k), message="no node of model.onnx has this name",
                         fix="use the node names of allocation.json") for k in doc if k not in names]
    errors += [InputError(file=str(path), layer=str(k), message=f"device {v!r} is not NAME:index",
                          fix='write e.g. "ACCEL:0" or "X64:1"') for k, v in doc.items()
               if k in names and not (isinstance(v, str) and DEVICE_RE.fullmatch(v))]
    if errors:
        from diffhw.errors import raise_if_any
        raise_if_any(errors)
    return dict(doc)


def _device_order(model, allocation: Mapping[str, str]) -> list:
    """The nodes in a topological order that keeps each device's nodes together where dependencies allow."""
    nodes = list(model.graph.node)
    producer = {o: i for i, n in enumerate(nodes) for o in n.output if o}
    deps = [{producer[t] for t in n.input if t in producer} for n in nodes]
    users = [[] for _ in nodes]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    waiting = [len(d) for d in deps]
    ready = [i for i, w in enumerate(waiting) if w == 0]
    order, device = [], None
    while ready:
        same = [i for i in ready if allocation[nodes[i].name] == device]
        i = min(same) if same else min(ready)
        ready.remove(i)
        device = allocation[nodes[i].name]
        order.append(i)
        for u in users[i]:
            waiting[u] -= 1
            if waiting[u] == 0:
                ready.append(u)
    return [nodes[i] for i in order]


def split(model, allocation: Mapping[str, str]) -> list[dict]:
    """The maximal single-device runs of `model` in execution order: [{"device", "nodes", "inputs", "outputs",
    "model": ModelProto}], each model checked with onnx.checker."""
    import onnx
    from onnx.utils import Extractor

    inits = {t.name for t in model.graph.initializer}
    graph_outputs = [o.name for o in model.graph.output]
    runs: list[list] = []
    for node in _device_order(model, allocation):
        if runs and allocation[runs[-1][0].name] == allocation[node.name]:
            runs[-1].append(node)
        else:
            runs.append([node])
    consumers: dict[str, set[int]] = {}
    for k, run in enumerate(runs):
        for n in run:
            for t in n.input:
                consumers.setdefault(t, set()).add(k)
    extractor = Extractor(onnx.shape_inference.infer_shapes(model))
    out = []
    for k, run in enumerate(runs):
        produced = [o for n in run for o in n.output if o]
        inside = set(produced)
        inputs = list(dict.fromkeys(t for n in run for t in n.input if t and t not in inside and t not in inits))
        outputs = [t for t in produced if consumers.get(t, set()) - {k} or t in graph_outputs]
        sub = extractor.extract_model(inputs, outputs)
        sub.graph.name = f"{model.graph.name}_part{k}"
        onnx.checker.check_model(sub)
        out.append({"device": allocation[run[0].name], "nodes": [n.name for n in run],
                    "inputs": [i.name for i in sub.graph.input if i.name not in inits],
                    "outputs": [o.name for o in sub.graph.output], "model": sub})
    return out


def run_chain(folder, feeds: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Run the subgraphs of `folder` (its manifest.json order) with onnxruntime, each fed the tensors it
    needs; returns every tensor produced (the full model's outputs among them)."""
    from diffhw.exporters.onnx import run_model

    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    env = dict(feeds)
    for part in manifest["subgraphs"]:
        outs = run_model(folder / part["file"], [{t: env[t] for t in part["inputs"]}])[0]
        env.update(zip(part["outputs"], outs))
    return env
