"""An op graph (`diffhw.frontends.graph.Graph`) as an ONNX model, for networks that come without one (builder,
zoo, NAS and MAESTRO-file graphs).

Every node kind of the graph has an ONNX form (opset 17, float32): conv -> Conv, conv_transpose ->
ConvTranspose (1-, 2- or 3-D), linear -> MatMul (+ Add for the bias), matmul -> MatMul,
pool -> MaxPool / AveragePool, global_pool -> GlobalAveragePool / GlobalMaxPool (or a pool of the exact
window), act -> the ONNX activation (relu6 -> Clip, silu/swish -> x * Sigmoid, gelu -> the Erf form,
hardsigmoid / hsigmoid -> HardSigmoid with torch's constants), add / mul / concat / softmax, norm ->
BatchNormalization / LayerNormalization / InstanceNormalization, reshape / flatten -> Reshape, permute ->
Transpose, select -> Gather, embedding -> Gather (int64 ids), parameter -> an initializer, an ``other``
"slice" with attrs ``starts`` / ``ends`` / ``axes`` (optional ``steps``) -> Slice, an input-less ``other``
"constant" -> a zero initializer. Any other ``other`` op (e.g. a slice known only by its note) raises
`InputError` naming the node.

A graph node's output tensor and its main ONNX node are both named after the node; helper nodes are named
``<node>/<role>``. Graph inputs are graph inputs (int64 when they feed embeddings), nodes nobody consumes are
graph outputs. Weights come from `Weights`: a run's trained weights where it has them, else deterministic
random ones (PyTorch's default initialization, seeded by the tensor's name).
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path
from typing import Callable, Mapping, Optional

import numpy as np

from diffhw.errors import InputError
from diffhw.frontends.graph import Graph, Node

__all__ = ["OPSET", "Weights", "graph_to_onnx", "load_weights"]

#: ONNX opset of built models (LayerNormalization needs 17).
OPSET = 17
#: IR version of built models (what onnxruntime releases of the last years all read).
IR_VERSION = 9

#: Graph activation op -> ONNX op of the same semantics with default attributes.
_UNARY = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "hardswish": "HardSwish", "elu": "Elu",
          "selu": "Selu", "celu": "Celu", "softplus": "Softplus", "softsign": "Softsign", "mish": "Mish",
          "exp": "Exp", "log": "Log", "sqrt": "Sqrt", "reciprocal": "Reciprocal", "neg": "Neg", "abs": "Abs",
          "sin": "Sin", "cos": "Cos", "floor": "Floor", "ceil": "Ceil", "round": "Round", "sign": "Sign",
          "erf": "Erf"}


class Weights:
    """Parameter tensors by torch-style key (``<node>.weight``, ``<node>.bias``, ``<node>.running_mean``,
    ``<node>.running_var``, ``<node>`` for a parameter node), in torch layouts (conv [out, in/groups, kh, kw],
    conv_transpose [in, out/groups, kh, kw], linear [out, in], embedding [num, dim]). `trained` (e.g. a run's
    weights.npz) is used where it has the key; the rest is drawn deterministically from `seed` and the key.
    `used_trained` / `used_random` count what was taken from where."""

    def __init__(self, trained: Optional[Mapping[str, np.ndarray]] = None, seed: int = 0,
                 source: str = "weights.npz"):
        self.trained, self.seed, self.source = dict(trained or {}), seed, source
        self.used_trained = self.used_random = 0

    def get(self, key: str, shape, init: str = "uniform", fan_in: int = 1) -> np.ndarray:
        """float32 array of `shape`: trained, else random. `init`: ``uniform`` is PyTorch's default for conv
        and linear weights and biases (U(-1/sqrt(fan_in), 1/sqrt(fan_in))); ``one`` / ``zero`` / ``var`` are
        norm scales, shifts and running statistics near PyTorch's 1 / 0 / 1; ``normal`` N(0, 0.02) tables."""
        shape = tuple(int(s) for s in shape)
        if key in self.trained:
            a = np.asarray(self.trained[key], np.float32)
            if a.shape != shape:
                raise InputError(file=self.source, layer=key, message=f"weight {key!r} has shape {a.shape}, "
                                 f"the network needs {shape}", fix="save weights of this network")
            self.used_trained += 1
            return a
        self.used_random += 1
        rng = np.random.default_rng([self.seed, zlib.crc32(key.encode())])
        if init == "uniform":
            bound = 1.0 / math.sqrt(max(fan_in, 1))
            return rng.uniform(-bound, bound, shape).astype(np.float32)
        z = rng.standard_normal(shape).astype(np.float32)
        if init == "one":
            return (1.0 + 0.1 * z).astype(np.float32)
        if init == "var":
            return (1.0 + 0.1 * np.abs(z)).astype(np.float32)
        return ((0.1 if init == "zero" else 0.02) * z).astype(np.float32)


class _Builder:
    """Collects nodes and initializers while walking a graph."""

    def __init__(self, graph: Graph, weights: Weights):
        from onnx import helper, numpy_helper

        self.g, self.w, self.helper, self.numpy_helper = graph, weights, helper, numpy_helper
        self.nodes, self.inits = [], []

    def init(self, name: str, value: np.ndarray) -> str:
        self.inits.append(self.numpy_helper.from_array(np.asarray(value), name))
        return name

    def const(self, node: Node, role: str, value) -> str:
        return self.init(f"{node.name}/{role}", np.asarray(value))

    def op(self, op_type: str, inputs, output: str, name: str, **attrs) -> str:
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [output], name=name, **attrs))
        return output

    def fail(self, node: Node, what: str) -> InputError:
        return InputError(file=f"<graph {self.g.name}>", layer=node.name, message=what,
                          fix="export the model from PyTorch or ONNX (diffhw export MODEL.onnx / pkg.mod:fn) "
                              "or build it from ops the graph exporter knows (see diffhw.exporters.onnx_build)")


def _pads(p, d: int) -> list[int]:
    """ONNX pads (begins..., ends...) of a graph padding attribute: d begins (= ends) or 2d values."""
    p = [int(v) for v in p]
    return p * 2 if len(p) == d else p


def _conv_like(b: _Builder, n: Node, x: list[str], op_type: str) -> None:
    """Conv (weights [out, in/g, *k]) or ConvTranspose (weights [in, out/g, *k]) of any spatial rank."""
    a = n.attrs
    c, g, k = a["in_channels"], a["groups"], tuple(a["kernel"])
    shape = (a["out_channels"], c // g, *k) if op_type == "Conv" else (c, a["out_channels"] // g, *k)
    fan_in = shape[1] * math.prod(k)  # torch's: weight dim 1 times the kernel (out/g for a transpose)
    w = b.init(f"{n.name}.weight", b.w.get(f"{n.name}.weight", shape, fan_in=fan_in))
    ins = [x[0], w] + ([b.init(f"{n.name}.bias", b.w.get(f"{n.name}.bias", (a["out_channels"],), fan_in=fan_in))]
                       if a["bias"] else [])
    extra = {"output_padding": list(a["output_padding"])} if op_type == "ConvTranspose" else {}
    b.op(op_type, ins, n.name, n.name, kernel_shape=list(k), strides=list(a["stride"]),
         dilations=list(a["dilation"]), group=g, pads=_pads(a["padding"], len(k)), **extra)


def _linear(b: _Builder, n: Node, x: list[str]) -> None:
    f, o = n.attrs["in_features"], n.attrs["out_features"]
    w = b.w.get(f"{n.name}.weight", (o, f), fan_in=f)
    wt = b.init(f"{n.name}.weight", np.ascontiguousarray(w.T))
    if not n.attrs.get("bias", True):
        b.op("MatMul", [x[0], wt], n.name, n.name)
        return
    y = b.op("MatMul", [x[0], wt], f"{n.name}/matmul", n.name)
    bias = b.init(f"{n.name}.bias", b.w.get(f"{n.name}.bias", (o,), fan_in=f))
    b.op("Add", [y, bias], n.name, f"{n.name}/bias")


def _pool(b: _Builder, n: Node, x: list[str]) -> None:
    a = n.attrs
    attrs = dict(kernel_shape=list(a["kernel"]), strides=list(a["stride"]), pads=_pads(a["padding"], 2),
                 ceil_mode=int(bool(a.get("ceil_mode"))))
    if a.get("op", "max") == "max":
        b.op("MaxPool", x, n.name, n.name, **attrs)
    else:
        b.op("AveragePool", x, n.name, n.name, count_include_pad=1, **attrs)


def _global_pool(b: _Builder, n: Node, x: list[str]) -> None:
    op = n.attrs.get("op", "avg")
    if op not in ("avg", "max"):
        raise b.fail(n, f"global pooling {op!r} has no ONNX form here (avg, max)")
    h, w = b.g.shape(n.inputs[0])[2:]
    oh, ow = n.attrs.get("output_size", (1, 1))
    if (oh, ow) == (1, 1):
        b.op("GlobalAveragePool" if op == "avg" else "GlobalMaxPool", x, n.name, n.name)
        return
    if h % oh or w % ow:
        raise b.fail(n, f"adaptive pooling {h}x{w} -> {oh}x{ow} has uneven windows (no single ONNX pool)")
    k = [h // oh, w // ow]
    b.op("AveragePool" if op == "avg" else "MaxPool", x, n.name, n.name, kernel_shape=k, strides=k)


def _act(b: _Builder, n: Node, x: list[str]) -> None:
    op = n.attrs.get("op", "relu")
    if op in _UNARY:
        b.op(_UNARY[op], x, n.name, n.name)
    elif op == "relu6":
        b.op("Clip", [x[0], b.const(n, "min", np.float32(0)), b.const(n, "max", np.float32(6))], n.name, n.name)
    elif op in ("hardsigmoid", "hsigmoid"):
        b.op("HardSigmoid", x, n.name, n.name, alpha=1.0 / 6, beta=0.5)
    elif op == "leaky_relu":
        b.op("LeakyRelu", x, n.name, n.name, alpha=0.01)
    elif op in ("silu", "swish"):
        s = b.op("Sigmoid", x, f"{n.name}/sigmoid", f"{n.name}/sigmoid")
        b.op("Mul", [x[0], s], n.name, n.name)
    elif op == "gelu":  # x * 0.5 * (1 + erf(x / sqrt(2)))
        t = b.op("Div", [x[0], b.const(n, "sqrt2", np.float32(math.sqrt(2)))], f"{n.name}/div", f"{n.name}/div")
        t = b.op("Erf", [t], f"{n.name}/erf", f"{n.name}/erf")
        t = b.op("Add", [t, b.const(n, "one", np.float32(1))], f"{n.name}/add", f"{n.name}/add")
        t = b.op("Mul", [x[0], t], f"{n.name}/mul", f"{n.name}/mul")
        b.op("Mul", [t, b.const(n, "half", np.float32(0.5))], n.name, n.name)
    else:
        raise b.fail(n, f"activation {op!r} has no ONNX form here")


def _norm(b: _Builder, n: Node, x: list[str]) -> None:
    op, shape = n.attrs.get("op", "batch"), n.shape
    width = shape[-1] if op == "layer" or len(shape) < 2 else shape[1]
    affine = n.attrs.get("affine", True)
    scale = b.w.get(f"{n.name}.weight", (width,), "one") if affine else np.ones(width, np.float32)
    bias = b.w.get(f"{n.name}.bias", (width,), "zero") if affine else np.zeros(width, np.float32)
    ins = [x[0], b.init(f"{n.name}.weight", scale), b.init(f"{n.name}.bias", bias)]
    if op == "batch":
        mean = b.w.get(f"{n.name}.running_mean", (width,), "zero")
        var = b.w.get(f"{n.name}.running_var", (width,), "var")
        b.op("BatchNormalization", ins + [b.init(f"{n.name}.running_mean", mean),
                                          b.init(f"{n.name}.running_var", var)], n.name, n.name, epsilon=1e-5)
    elif op == "layer":
        b.op("LayerNormalization", ins, n.name, n.name, axis=-1, epsilon=1e-5)
    elif op == "instance":
        b.op("InstanceNormalization", ins, n.name, n.name, epsilon=1e-5)
    else:
        raise b.fail(n, f"{op} normalization has no ONNX form here (its group count is not in the graph)")


def _reshape(b: _Builder, n: Node, x: list[str]) -> None:
    op = n.attrs.get("op", "reshape")
    if op == "permute":
        b.op("Transpose", x, n.name, n.name, perm=list(n.attrs["dims"]))
    elif op == "select":
        idx = b.const(n, "index", np.int64(n.attrs["index"]))
        b.op("Gather", [x[0], idx], n.name, n.name, axis=int(n.attrs["axis"]))
    else:
        b.op("Reshape", [x[0], b.const(n, "shape", np.array(n.shape, np.int64))], n.name, n.name)


def _embedding(b: _Builder, n: Node, x: list[str]) -> None:
    num, dim = n.attrs["num_embeddings"], n.attrs["dim"]
    table = b.init(f"{n.name}.weight", b.w.get(f"{n.name}.weight", (num, dim), "normal"))
    b.op("Gather", [table, x[0]], n.name, n.name, axis=0)


def _parameter(b: _Builder, n: Node, x: list[str]) -> None:
    b.init(n.name, b.w.get(n.name, n.shape, "normal"))


def _other(b: _Builder, n: Node, x: list[str]) -> None:
    op, a = n.attrs.get("op"), n.attrs
    if op == "constant" and not x:
        b.init(n.name, np.zeros(n.shape, np.float32))
    elif op == "slice" and len(x) == 1 and all(k in a for k in ("starts", "ends", "axes")):
        ins = [x[0]] + [b.const(n, k, np.array(a[k], np.int64)) for k in ("starts", "ends", "axes", "steps")
                        if k in a]
        b.op("Slice", ins, n.name, n.name)
    else:
        note = n.attrs.get("note")
        need = (" (a slice needs attrs starts / ends / axes: Graph.other(..., attrs={'starts': ..., 'ends': ..., "
                "'axes': ...}))" if op == "slice" else "")
        raise b.fail(n, f"op {op!r}{f' ({note})' if note else ''} has no ONNX form in the graph exporter{need}")


_KINDS: dict[str, Callable] = {
    "conv": lambda b, n, x: _conv_like(b, n, x, "Conv"),
    "conv_transpose": lambda b, n, x: _conv_like(b, n, x, "ConvTranspose"), "linear": _linear, "pool": _pool,
    "global_pool": _global_pool, "act": _act, "norm": _norm, "reshape": _reshape, "embedding": _embedding,
    "parameter": _parameter, "other": _other,
    "matmul": lambda b, n, x: b.op("MatMul", x, n.name, n.name),
    "add": lambda b, n, x: b.op("Add", x, n.name, n.name),
    "mul": lambda b, n, x: b.op("Mul", x, n.name, n.name),
    "concat": lambda b, n, x: b.op("Concat", x, n.name, n.name, axis=int(n.attrs["axis"])),
    "softmax": lambda b, n, x: b.op("Softmax", x, n.name, n.name, axis=int(n.attrs.get("axis", -1))),
}


def graph_to_onnx(graph: Graph, weights: Optional[Weights] = None):
    """`graph` as a checked ONNX ModelProto (shapes inferred and equal to the graph's). Raises `InputError`
    for a node without an ONNX form."""
    import onnx
    from onnx import TensorProto, helper

    b = _Builder(graph, weights or Weights())
    consumed = {i for n in graph.nodes for i in n.inputs}
    int_inputs = {n.inputs[0] for n in graph.nodes if n.kind == "embedding"}
    inputs, outputs = [], []
    for n in graph.nodes:
        if n.kind == "input":
            dtype = TensorProto.INT64 if n.name in int_inputs else TensorProto.FLOAT
            inputs.append(helper.make_tensor_value_info(n.name, dtype, list(n.shape)))
            continue
        if n.kind not in _KINDS:
            raise b.fail(n, f"node kind {n.kind!r} has no ONNX form in the graph exporter")
        _KINDS[n.kind](b, n, list(n.inputs))
        if n.name not in consumed and n.kind != "parameter":
            outputs.append(helper.make_tensor_value_info(n.name, TensorProto.FLOAT, list(n.shape)))
    g = helper.make_graph(b.nodes, graph.name, inputs, outputs, b.inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="diffhw",
                              ir_version=IR_VERSION)
    onnx.checker.check_model(model)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    shapes = {v.name: tuple(d.dim_value for d in v.type.tensor_type.shape.dim)
              for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for n in graph.nodes:
        if n.name in shapes and shapes[n.name] != tuple(n.shape):
            raise b.fail(n, f"the ONNX form has shape {shapes[n.name]}, the graph {n.shape} (an exporter bug)")
    return model


def load_weights(path) -> Optional[dict]:
    """A weights.npz as {key: array}, or None if there is no such file."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise InputError(file=str(path), message=f"cannot read the weights: {e}",
                         fix="save them with numpy.savez(path, **{'<node>.weight': array, ...})") from None
