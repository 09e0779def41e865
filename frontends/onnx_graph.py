"""ONNX frontend: an ``.onnx`` file (or ``onnx.ModelProto``) -> op graph (`diffhw.frontends.graph.Graph`).

    g = from_onnx("resnet18.onnx")                          # fixed input shapes
    g = from_onnx("bert.onnx", input_shape=(1, 128))        # sets a dynamic (named) input dimension

The model is checked (``onnx.checker``), shapes are inferred (``onnx.shape_inference`` with data
propagation, so ``Reshape`` targets computed from ``Shape`` resolve), then nodes are mapped in order:

* MAC ops: ``Conv`` (1-, 2-, 3-D; groups, depthwise, dilation, asymmetric and ``auto_pad`` padding) ->
  ``conv``; ``ConvTranspose`` (any stride, ``output_shape``, ``auto_pad``) -> ``conv_transpose``; ``Gemm``,
  and ``MatMul`` by a constant 2-D matrix -> ``linear`` (a following ``Add`` of an N-element constant is its
  bias); ``MatMul`` of two activations (batched, with broadcasting) -> ``matmul``; ``Einsum`` -> reshapes +
  ``matmul`` (`diffhw.frontends.composite_ops.einsum`); ``LSTM`` / ``GRU`` / ``RNN`` -> per direction a
  ``linear`` and a per-step ``matmul`` (`composite_ops.recurrent_layer`). MAC ops on constants only are lowered
  too (they run at every inference). Inputs that contradict the weights are an `InputError` naming the node.
* Non-MAC ops, with their shapes: activations (``Relu``, ``Gelu``, ``Erf``, ``Clip``, ...) -> ``act``;
  ``Add`` / ``Sub`` -> ``add``, ``Mul`` / ``Div`` -> ``mul`` (with a scalar constant: ``act``);
  ``MaxPool`` / ``AveragePool`` -> ``pool``; ``GlobalAveragePool`` / ``GlobalMaxPool`` and a spatial
  ``ReduceMean`` -> ``global_pool``; ``BatchNormalization`` / ``LayerNormalization`` /
  ``InstanceNormalization`` / ``GroupNormalization`` -> ``norm``; ``Flatten`` / ``Reshape`` / ``Squeeze``
  / ``Unsqueeze`` / ``Transpose`` / ``Gather`` of one index -> ``reshape`` kind; ``Softmax``; ``Concat``;
  ``Gather`` from a constant table -> ``embedding``.
* Anything else -> ``other`` with a note (a warning for unknown ops); ops on constants only (shape
  arithmetic, weight transposes) produce no nodes. A constant-only subgraph whose output shape inference
  leaves unknown (TorchScript's ``class_token.expand(n, -1, -1)``: Shape -> ConstantOfShape -> Mul -> Equal
  -> Where -> Expand) is evaluated (``onnx.reference``, tensors of at most 16M elements) and shapes are
  inferred again with its shape; if it cannot be evaluated, using it raises an `InputError` naming the node.
* Shapes still unknown (computed at run time from the input size: TF-style "same" pads, window padding,
  exports with dynamic axes) come from one onnxruntime run on zeros of the input shape (`_run_shapes`); a
  failed run is reported with the first unknown shape the import needs.

Initializers give the parameters: a conv / linear layer's weights and bias are counted by its node;
a constant of more than one element used as an activation (a position embedding, say) becomes a
``parameter`` node (ONNX cannot tell parameters from buffers). Names follow the PyTorch frontend (the module
path from TorchScript's ``/a/b/Op`` node names or the dynamo exporter's name scopes), so a module and its
``torch.onnx.export`` give the same layer table; other files keep their node names. Exporters fold
eval-mode batch norms into the preceding convs by default (TorchScript's constant folding, the dynamo
exporter's optimizer): such a file has biased convs and no norms, so its parameter counts differ from the
unfolded module's (``do_constant_folding=False`` / ``optimize=False`` keep the norms).
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from diffhw.errors import InputError
from diffhw.frontends import composite_ops
from diffhw.frontends.graph import Graph

__all__ = ["from_onnx"]

_ACTS = {"Relu": "relu", "LeakyRelu": "leaky_relu", "PRelu": "prelu", "Sigmoid": "sigmoid",
         "HardSigmoid": "hardsigmoid", "HardSwish": "hardswish", "Tanh": "tanh", "Gelu": "gelu", "Erf": "erf",
         "Elu": "elu", "Selu": "selu", "Celu": "celu", "Mish": "mish", "Softplus": "softplus",
         "Softsign": "softsign", "Clip": "clip", "Exp": "exp", "Log": "log", "Sqrt": "sqrt",
         "Reciprocal": "reciprocal", "Neg": "neg", "Abs": "abs", "Sin": "sin", "Cos": "cos", "Floor": "floor",
         "Ceil": "ceil", "Round": "round", "Sign": "sign", "Not": "not"}
_NORMS = {"BatchNormalization": "batch", "LayerNormalization": "layer", "InstanceNormalization": "instance",
          "GroupNormalization": "group"}
_RESHAPE = {"Reshape", "Squeeze", "Unsqueeze"}
_IDENTITY = {"Identity", "Dropout", "Cast", "CastLike"}
#: Ops whose outputs are metadata or constants however their inputs are computed.
_CONST_OPS = {"Shape", "Size", "Constant", "ConstantOfShape", "Range", "EyeLike"}
#: Ops with MACs: lowered even when all their inputs are constants (they run at every inference, e.g. Swin
#: V2's position-bias MLP on its fixed coordinate table).
_MAC_OPS = {"Conv", "ConvTranspose", "MatMul", "Gemm", "Einsum", "Attention", "LSTM", "GRU", "RNN"}
#: Recognised ops with no MACs and no graph kind of their own (``other`` without a warning).
_NO_MAC = {"Slice", "Split", "Pad", "Resize", "Upsample", "Expand", "Tile", "Where", "Equal", "Less", "Greater",
           "And", "Or", "Pow", "Max", "Min", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceL2",
           "ArgMax", "TopK", "CumSum", "ScatterND", "GatherElements", "GatherND", "DepthToSpace",
           "SpaceToDepth", "Trilu", "Gather", "IsNaN", "Mod"}


#: Constant subgraphs are evaluated (for shapes ONNX inference leaves unknown, and values) only up to this
#: many elements per tensor.
_EVAL_LIMIT = 1 << 24


class _Const:
    """A tensor that does not depend on the inputs. `value` is kept for small initializers/constants and
    filled in on demand (`_Importer.value`). An unknown shape (`shape` None) raises `error` when it is used."""

    def __init__(self, shape: Optional[Sequence[int]], name: str, value: Optional[np.ndarray] = None,
                 error: Optional[InputError] = None):
        self._shape = None if shape is None else tuple(int(d) for d in shape)
        self.name, self.value, self.error = name, value, error

    @property
    def shape(self) -> tuple[int, ...]:
        if self._shape is None:
            raise self.error
        return self._shape


def _import_onnx():
    try:
        import onnx
    except ImportError as e:
        raise InputError(message="the ONNX frontend needs onnx", fix="pip install 'diffhw[onnx]'") from e
    return onnx


def _load(onnx, path_or_model, source: str):
    if isinstance(path_or_model, onnx.ModelProto):
        return path_or_model
    try:
        return onnx.load(str(path_or_model))
    except OSError as e:
        raise InputError(file=source, message=f"cannot read the ONNX file: {e.strerror or e}",
                         fix="check the path") from e
    except Exception as e:  # protobuf DecodeError and friends: the file is not an ONNX model
        raise InputError(file=source, message=f"not a valid ONNX model ({type(e).__name__}: {e})",
                         fix="export the model again (torch.onnx.export) or check the file") from e


def _set_inputs(onnx, model, input_shape, source: str):
    """A copy of `model` with graph input dims replaced: `input_shape` is one shape (the single input) or
    a mapping input name -> shape."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    inits = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    shapes = dict(input_shape) if isinstance(input_shape, Mapping) else None
    if shapes is None:
        if len(inputs) != 1:
            raise InputError(file=source, message=f"the model has {len(inputs)} inputs "
                                                  f"({', '.join(i.name for i in inputs)}); one input shape given",
                             fix="pass a mapping input name -> shape")
        shapes = {inputs[0].name: input_shape}
    for inp in inputs:
        if inp.name in shapes:
            dims = inp.type.tensor_type.shape.dim
            del dims[:]
            for d in shapes[inp.name]:
                dims.add().dim_value = int(d)
    del model.graph.value_info[:]
    return model


def _tensor_shape(value_info) -> Optional[tuple]:
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    return tuple(d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in t.shape.dim)


class _Importer:
    """Walks an ONNX graph (shapes inferred) and appends builder calls to a `Graph`."""

    def __init__(self, onnx, model, graph: Graph, source: str):
        self.onnx, self.model, self.g, self.source = onnx, model, graph, source
        self.names = composite_ops.Namer()
        self.env: dict[str, Any] = {}
        self.absorbed: set[str] = set()
        gr = model.graph
        self.shapes = {vi.name: _tensor_shape(vi) for vi in list(gr.value_info) + list(gr.input) + list(gr.output)}
        self.consumers: dict[str, list] = {}
        for node in gr.node:
            for i in node.input:
                self.consumers.setdefault(i, []).append(node)
        self.outputs = {o.name for o in gr.output}
        self.producer = {o: node for node in gr.node for o in node.output if o}
        self.initializers = {t.name: t for t in gr.initializer}
        self.no_value: dict[str, str] = {}  # constant tensor -> why its value is not available
        self.evaluated: dict[str, np.ndarray] = {}  # constant tensor with no inferred shape -> its value

    # ------------------------------------------------------------------------------- plumbing

    def error(self, node, message: str, fix: str) -> InputError:
        return InputError(file=self.source, layer=node.name or node.op_type, message=message, fix=fix)

    def out_shape(self, node, i: int = 0) -> tuple[int, ...]:
        name = node.output[i]
        shape = self.shapes.get(name)
        if shape is None or not all(isinstance(d, int) and d > 0 for d in shape):
            raise self.error(node, f"output {name!r} of {node.op_type} node {node.name!r} has an unknown shape "
                                   f"{'(no shape inferred)' if shape is None else shape}",
                             "give the model fixed input shapes (input_shape=..., --input-shape) or simplify it "
                             "so that ONNX shape inference resolves every tensor")
        return shape

    def scope(self, node) -> Optional[str]:
        for prop in node.metadata_props:
            if prop.key == "pkg.torch.onnx.name_scopes":
                scopes = ast.literal_eval(prop.value)
                return scopes[-2] if len(scopes) >= 2 else ""
        return composite_ops.torchscript_scope(node.name) if node.name.startswith("/") else None

    def name(self, node, op: str, weighted: bool = False) -> str:
        scope = self.scope(node)
        if scope is None:
            return self.names.reserve(node.name or op)
        return self.names(scope, op, weighted)

    @staticmethod
    def attrs(node) -> dict[str, Any]:
        from onnx import helper
        return {a.name: helper.get_attribute_value(a) for a in node.attribute}

    def is_const(self, name: str) -> bool:
        return isinstance(self.env.get(name), _Const)

    def handle(self, node, name: str) -> str:
        """Graph handle of tensor `name`; a constant becomes a ``parameter`` node (an ``other`` constant if
        it has one element)."""
        v = self.env.get(name)
        if isinstance(v, str):
            return v
        if v is None:
            raise self.error(node, f"input {name!r} of {node.op_type} node {node.name!r} is not produced by the "
                                   "graph (or is an output this frontend does not model)",
                             "check the model (onnx.checker) or report it")
        n = math.prod(v.shape)
        if n > 1:
            h = self.g.parameter(v.shape, name=self.names.reserve(v.name))
        else:
            h = self.g.other([], v.shape or (1,), "constant", note="scalar constant",
                             name=self.names.reserve(v.name))
        self.env[name] = h
        return h

    def inputs(self, node) -> list[str]:
        return [i for i in node.input if i]

    def const(self, name: str) -> Optional[_Const]:
        v = self.env.get(name)
        return v if isinstance(v, _Const) else None

    # ------------------------------------------------------------------------------------ walk

    def run(self) -> Graph:
        gr = self.model.graph
        self.add_initializers()
        for inp in gr.input:
            if inp.name in self.env:
                continue
            shape = self.shapes.get(inp.name)
            if shape is None or not all(isinstance(d, int) and d > 0 for d in shape):
                raise InputError(file=self.source, layer=inp.name,
                                 message=f"graph input {inp.name!r} has an unknown or dynamic shape {shape}",
                                 fix="pass input_shape=... (--input-shape) with concrete sizes")
            self.env[inp.name] = self.g.input(shape, name=self.names.reserve(inp.name))
        for node in gr.node:
            if not node.output or node.output[0] not in self.absorbed:
                self.visit(node)
        return self.g

    def add_initializers(self) -> None:
        for t in self.model.graph.initializer:
            n = math.prod(t.dims)
            self.env[t.name] = _Const(tuple(t.dims), t.name,
                                      self.onnx.numpy_helper.to_array(t) if n <= 64 else None)

    def constant_values(self) -> dict[str, np.ndarray]:
        """Walks the constant nodes only (before `run`): the values of the constant tensors whose shapes ONNX
        shape inference leaves unknown and that evaluate (`resolve_shape`)."""
        self.add_initializers()
        for node in self.model.graph.node:
            self.add_constant(node)
        return self.evaluated

    def add_constant(self, node) -> bool:
        """If `node` computes constants only (from initializers / ``Constant`` s, or metadata such as
        ``Shape``), records its outputs as constants and returns True."""
        if not (node.op_type in _CONST_OPS or all(self.is_const(i) for i in self.inputs(node))):
            return False
        value = self.constant_value(node) if node.op_type == "Constant" else None
        for o in node.output:
            if not o:
                continue
            shape = self.shapes.get(o)
            if value is not None:
                shape = value.shape
            known = shape is not None and all(isinstance(d, int) for d in shape)
            self.env[o] = _Const(shape if known else None, o, value)
        for o in node.output:
            if o and self.env[o]._shape is None:
                self.resolve_shape(node, o)
        return True

    def visit(self, node) -> None:
        if node.op_type not in _MAC_OPS and self.add_constant(node):
            return
        ins = self.inputs(node)
        for i in ins:
            if i not in self.env:
                raise self.error(node, f"input {i!r} is used before it is produced", "check the model "
                                                                                      "(onnx.checker)")
        handler = _HANDLERS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
        try:
            if handler is not None:
                out = handler(self, node)
            elif node.op_type in _ACTS and node.domain in ("", "ai.onnx"):
                out = self.g.act(self.handle(node, ins[0]), _ACTS[node.op_type],
                                 name=self.name(node, _ACTS[node.op_type]))
            elif node.op_type in _NO_MAC:
                out = self.other(node, "no MACs (data movement / elementwise / reduction)")
            else:
                warnings.warn(f"{self.source}: {node.domain + '::' if node.domain else ''}{node.op_type} node "
                              f"{node.name!r} is not modelled: recorded as an 'other' node without MACs",
                              stacklevel=3)
                out = self.other(node, f"{node.op_type} is not modelled: no MACs counted")
        except composite_ops.Unsupported as e:
            if e.mac:
                warnings.warn(f"{self.source}: {node.op_type} node {node.name!r}: {e}; recorded as an 'other' "
                              "node, its MACs are not counted", stacklevel=3)
            out = self.other(node, f"{e}; MACs not counted" if e.mac else str(e))
        except ValueError as e:
            raise self.error(node, f"{node.op_type}: {e}", "report this model (the graph builder rejected the "
                                                           "op)") from e
        outs = out if isinstance(out, list) else [out]
        for o, h in zip(node.output, outs):
            if h is not None and o:
                self.env[o] = h
        if isinstance(outs[0], str) and node.output[0] in self.shapes:
            if self.g.shape(outs[0]) != self.out_shape(node):
                raise self.error(node, f"{node.op_type}: the graph gives shape {self.g.shape(outs[0])}, ONNX "
                                       f"{self.out_shape(node)}", "report this model")

    # ------------------------------------------------------------------- constant subgraphs

    def resolve_shape(self, node, name: str) -> None:
        """Shape of constant `name` (output of `node`) that shape inference left unknown, from its value
        (the constant subgraph evaluated); if that cannot be had, an error for when the shape is used."""
        c = self.env[name]
        v = self.value(name)
        if v is not None:
            c._shape = tuple(int(d) for d in v.shape)
            self.evaluated[name] = v
            return
        inferred = self.shapes.get(name)
        inferred = "no shape inferred" if inferred is None else f"inferred {inferred}"
        c.error = self.error(node, f"output {name!r} of {node.op_type} node {node.name!r} depends on constants "
                                   f"only but has an unknown shape ({inferred}) and cannot be evaluated: "
                                   f"{self.no_value.get(name, 'no value')}",
                             "fold the constants (onnxsim, or torch.onnx.export(do_constant_folding=True)) or "
                             "give the model fixed input shapes (input_shape=..., --input-shape)")

    def value(self, name: str) -> Optional[np.ndarray]:
        """Value of constant tensor `name`: an initializer or `Constant`, or computed from its constant
        subgraph (each node once, `onnx.reference`), tensors of at most `_EVAL_LIMIT` elements. None if it
        cannot be had (the reason in ``self.no_value``)."""
        stack = [name]
        while stack:
            t = stack[-1]
            c = self.env.get(t)
            if not isinstance(c, _Const):
                self.no_value.setdefault(t, f"{t!r} depends on the model inputs")
            if t in self.no_value or c.value is not None:
                stack.pop()
                continue
            init = self.initializers.get(t)
            if init is not None:
                stack.pop()
                n = math.prod(init.dims)
                if n > _EVAL_LIMIT:
                    self.no_value[t] = f"initializer {t!r} has {n} elements (more than {_EVAL_LIMIT} are not read)"
                else:
                    c.value = self.onnx.numpy_helper.to_array(init)
                continue
            node = self.producer.get(t)
            if node is None:
                stack.pop()
                self.no_value[t] = f"{t!r} is not produced by a node"
                continue
            if node.op_type not in ("Shape", "Size"):
                todo = [i for i in self.inputs(node) if i not in self.no_value
                        and isinstance(self.env.get(i), _Const) and self.env[i].value is None]
                if todo:
                    stack.extend(todo)
                    continue
            stack.pop()
            self.evaluate(node)
            if c.value is None:
                self.no_value.setdefault(t, f"{node.op_type} node {node.name!r} was not evaluated")
        return self.env[name].value if isinstance(self.env.get(name), _Const) else None

    def known_shape(self, name: str) -> Optional[tuple[int, ...]]:
        v = self.env.get(name)
        if isinstance(v, _Const):
            return v._shape
        if isinstance(v, str):
            return self.g.shape(v)
        shape = self.shapes.get(name)  # an activation not visited yet (`constant_values`)
        return shape if shape is not None and all(isinstance(d, int) for d in shape) else None

    def evaluate(self, node) -> None:
        """Sets the values of `node`'s outputs from its (constant) inputs' values, or their ``no_value``."""
        outs = [o for o in node.output if o]

        def fail(reason):
            for o in outs:
                self.no_value.setdefault(o, reason)

        if node.op_type in ("Shape", "Size"):  # of the input's shape, whatever computes the input
            shape = self.known_shape(node.input[0])
            if shape is None:
                return fail(f"the shape of {node.input[0]!r} is unknown")
            if node.op_type == "Size":
                self.env[outs[0]].value = np.array(math.prod(shape), dtype=np.int64)
            else:
                a = self.attrs(node)
                self.env[outs[0]].value = np.array(shape[a.get("start", 0):a.get("end", len(shape))], np.int64)
            return
        ins = self.inputs(node)
        for i in ins:
            if not isinstance(self.env.get(i), _Const):
                return fail(f"{i!r} depends on the model inputs")
            if self.env[i].value is None:
                return fail(self.no_value.get(i, f"{i!r} has no value"))
        if node.domain not in ("", "ai.onnx"):
            return fail(f"{node.domain}::{node.op_type} nodes are not evaluated")
        vals = {i: self.env[i].value for i in ins}
        size = self.output_size(node, [vals.get(i) if i else None for i in node.input])
        if size is not None and size > _EVAL_LIMIT:
            return fail(f"{node.op_type} node {node.name!r} would make {size} elements (more than {_EVAL_LIMIT} "
                        "are not evaluated)")
        try:
            from onnx.reference import ReferenceEvaluator
            opsets = {op.domain: op.version for op in self.model.opset_import}
            results = ReferenceEvaluator(node, opsets=opsets).run(None, vals)
        except Exception as e:  # noqa: BLE001 - any failure of the reference implementation: no value
            return fail(f"{node.op_type} node {node.name!r} failed to evaluate ({type(e).__name__}: {e})")
        for o, r in zip(node.output, results):
            if not o:
                continue
            r = np.asarray(r)
            if r.size > _EVAL_LIMIT:
                self.no_value[o] = f"{o!r} has {r.size} elements (more than {_EVAL_LIMIT} are not kept)"
            else:
                self.env[o].value = r

    @staticmethod
    def output_size(node, vals: list) -> Optional[int]:
        """Number of elements `node` would make from input values `vals`, for the ops that make tensors
        larger than their inputs (None: not estimated)."""
        try:
            if node.op_type == "ConstantOfShape":
                return math.prod(int(d) for d in np.ravel(vals[0]))
            if node.op_type == "Expand":
                return math.prod(np.broadcast_shapes(vals[0].shape, tuple(int(d) for d in np.ravel(vals[1]))))
            if node.op_type == "Tile":
                return math.prod(int(d) * int(r) for d, r in zip(vals[0].shape, np.ravel(vals[1])))
            if node.op_type == "Range":
                start, limit, delta = (np.ravel(v)[0] for v in vals[:3])
                return max(int(math.ceil((limit - start) / delta)), 0)
        except Exception:  # noqa: BLE001 - malformed inputs: the evaluation reports them
            return None
        return None

    def constant_value(self, node) -> Optional[np.ndarray]:
        for a in node.attribute:
            if a.name == "value":
                return self.onnx.numpy_helper.to_array(a.t)
            if a.name in ("value_float", "value_int", "value_floats", "value_ints"):
                return np.array(self.onnx.helper.get_attribute_value(a))
        return None

    def other(self, node, note: str, op: Optional[str] = None):
        ins = [self.handle(node, i) for i in self.inputs(node) if not self.is_const(i)]
        op = op or node.op_type
        outs = [self.g.other(ins, self.out_shape(node, i), op, note=note, name=self.name(node, op.lower()))
                for i, o in enumerate(node.output) if o]
        return outs if len(outs) > 1 else outs[0]

    # -------------------------------------------------------------------------------- MAC ops

    def conv(self, node):
        ins = self.inputs(node)
        a = self.attrs(node)
        w = self.const(ins[1])
        if w is None:
            raise composite_ops.Unsupported(f"{node.op_type} with a computed (non-initializer) weight is not lowered")
        x = self.handle(node, ins[0])
        shape, groups, bias = self.g.shape(x), int(a.get("group", 1)), len(ins) > 2
        d = len(w.shape) - 2
        transposed = node.op_type == "ConvTranspose"
        weight_in = w.shape[0] if transposed else w.shape[1] * groups
        if len(shape) != d + 2 or shape[1] != weight_in:
            raise self.weight_error(node, shape, f"{weight_in} input channels ((N, C, ...) of rank {d + 2})")
        k = tuple(a.get("kernel_shape", w.shape[2:]))
        s, dil = tuple(a.get("strides", (1,) * d)), tuple(a.get("dilations", (1,) * d))
        pads = tuple(a.get("pads", (0,) * 2 * d))
        auto = a.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if transposed:
            op = list(a.get("output_padding", (0,) * d))
            if auto != "NOTSET" or "output_shape" in a:  # pads from the output shape
                out = self.out_shape(node)[2:]
                total = [(shape[2 + i] - 1) * s[i] + dil[i] * (k[i] - 1) + op[i] + 1 - out[i] for i in range(d)]
                op = [o - min(t, 0) for o, t in zip(op, total)]
                total = [max(t, 0) for t in total]
                big = [t - t // 2 for t in total]
                pads = tuple(big + [t // 2 for t in total]) if auto == "SAME_LOWER" else \
                    tuple([t // 2 for t in total] + big)
            return self.g.conv_transpose(x, w.shape[1] * groups, k, s, pads, op, groups, bias, dil,
                                         name=self.name(node, "conv_transpose", True))
        if auto in ("SAME_UPPER", "SAME_LOWER"):
            total = [max((-(-h // si) - 1) * si + di * (ki - 1) + 1 - h, 0)
                     for h, si, di, ki in zip(shape[2:], s, dil, k)]
            small = [t // 2 for t in total]
            big = [t - t // 2 for t in total]
            pads = tuple(small + big) if auto == "SAME_UPPER" else tuple(big + small)
        elif auto == "VALID":
            pads = (0,) * 2 * d
        return self.g.conv(x, w.shape[0], k, s, pads, groups, dil, bias, name=self.name(node, "conv", True))

    def weight_error(self, node, shape, expected: str) -> InputError:
        """The input of weighted node `node` (shape `shape`) does not fit its weights."""
        fix = "give an input shape that fits the model's first layer"
        if self.g.nodes and self.g.nodes[0].kind == "input" and self.g.nodes[0].shape == tuple(shape) \
                and node.op_type in ("Conv", "ConvTranspose"):
            good = list(shape)
            good[1] = int(expected.split()[0])
            fix = f"pass --input-shape {','.join(map(str, good))} (input_shape=...) with C = {good[1]}"
        return self.error(node, f"{node.op_type} gets an input of shape {tuple(shape)}, its weights expect "
                                f"{expected}", fix)

    def recurrent(self, node):
        """ONNX LSTM / GRU / RNN (one layer, forward / reverse / bidirectional, layout 0 or 1) ->
        `composite_ops.recurrent_layer`; Y is (T, D, B, H) (layout 1: (B, T, D, H))."""
        ins, a = list(node.input), self.attrs(node)
        w = self.const(ins[1])
        if w is None or (len(ins) > 2 and ins[2] and not self.is_const(ins[2])):
            raise composite_ops.Unsupported(f"{node.op_type} with computed weights is not lowered")
        x = self.handle(node, ins[0])
        shape, layout = self.g.shape(x), int(a.get("layout", 0))
        directions, gates_h, features = w.shape
        hidden = int(a.get("hidden_size", gates_h // {"LSTM": 4, "GRU": 3, "RNN": 1}[node.op_type]))
        if len(shape) != 3 or shape[-1] != features:
            raise self.weight_error(node, shape, f"a (T, B, {features}) input ((B, T, {features}) with layout=1)")
        acts = [v.decode().lower() if isinstance(v, bytes) else str(v).lower() for v in a.get("activations", [])]
        cell = {"LSTM": "lstm", "GRU": "gru"}.get(node.op_type, "rnn_relu" if acts[:1] == ["relu"] else "rnn_tanh")
        if layout:
            x = self.g.permute(x, [1, 0, 2], name=self.name(node, "permute"))
        scope = self.scope(node)
        y = composite_ops.recurrent_layer(self.g, x, cell, hidden, directions, len(ins) > 3 and bool(ins[3]),
                                      lambda role: self.names(scope or "", role) if scope is not None
                                      else self.names.reserve(f"{node.name or node.op_type}.{role}"))
        steps, batch, _ = self.g.shape(y)
        y = self.g.reshape(y, (steps, batch, directions, hidden), name=self.name(node, "reshape"))
        y = self.g.permute(y, [1, 0, 2, 3] if layout else [0, 2, 1, 3], name=self.name(node, "permute"))
        states = [self.g.other([y], self.out_shape(node, i), f"{cell}_state", note="final hidden / cell state; "
                               "no MACs", name=self.name(node, f"{cell}_state")) if node.output[i] else None
                  for i in range(1, len(node.output))]
        return [y if node.output[0] else None] + states

    def bias_add(self, node, n_out: int):
        """The single consumer ``Add`` of `node`'s output whose other input is an `n_out`-element constant."""
        users = self.consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != "Add" or node.output[0] in self.outputs:
            return None
        others = [i for i in users[0].input if i != node.output[0]]
        c = self.const(others[0]) if len(others) == 1 else None
        return users[0] if c is not None and math.prod(c.shape) == n_out else None

    def linear(self, node, x: str, n_out: int, bias: Optional[bool]) -> str:
        """A weighted linear layer; `bias` None looks for a following bias ``Add`` (absorbed)."""
        add = self.bias_add(node, n_out) if bias is None else None
        h = self.g.linear(self.handle(node, x), n_out, bias=bool(bias) or add is not None,
                          name=self.name(node, "linear", True))
        if add is not None:
            self.env[add.output[0]] = h
            self.absorbed.add(add.output[0])
        return h

    def matmul(self, node):
        a, b = self.inputs(node)
        wb = self.const(b)
        if wb is not None and len(wb.shape) == 2:
            shape = self.g.shape(self.handle(node, a))
            if shape[-1] != wb.shape[0]:
                raise self.weight_error(node, shape, f"{wb.shape[0]} input features")
            return self.linear(node, a, wb.shape[1], None)
        return self.g.matmul(self.handle(node, a), self.handle(node, b), name=self.name(node, "matmul"))

    def gemm(self, node):
        ins = self.inputs(node)
        at = self.attrs(node)
        x = self.handle(node, ins[0])
        if at.get("transA", 0):
            x = self.g.permute(x, [1, 0], name=self.name(node, "permute"))
        wb, c = self.const(ins[1]), ins[2] if len(ins) > 2 else None
        if wb is not None:
            n = wb.shape[0] if at.get("transB", 0) else wb.shape[1]
            h = self.g.linear(x, n, bias=c is not None and self.is_const(c), name=self.name(node, "linear", True))
        else:
            y = self.handle(node, ins[1])
            if at.get("transB", 0):
                y = self.g.permute(y, [1, 0], name=self.name(node, "permute"))
            h = self.g.matmul(x, y, name=self.name(node, "matmul"))
            if c is not None and self.is_const(c):
                h = self.g.add(h, self.handle(node, c), name=self.name(node, "add"))
        if c is not None and not self.is_const(c):
            h = self.g.add(h, self.handle(node, c), name=self.name(node, "add"))
        return h

    def einsum(self, node):
        ops = [self.handle(node, i) for i in self.inputs(node)]
        return composite_ops.einsum(self.g, self.attrs(node)["equation"].decode(), ops, self.out_shape(node),
                                lambda o: self.name(node, o))

    def attention(self, node):
        """ONNX ``Attention`` (opset 23+): 4-D (B, heads, L, E) or 3-D (B, L, heads * E) Q, K, V with
        ``q_num_heads`` / ``kv_num_heads``, an optional mask and past key / value (concatenated on the
        sequence) -> `composite_ops.attention`."""
        ins, a = list(node.input) + [""] * 6, self.attrs(node)
        name = lambda o: self.name(node, o)  # noqa: E731
        q, k, v = (self.handle(node, i) for i in ins[:3])
        three_d = len(self.g.shape(q)) == 3
        if three_d:
            heads = {q: a.get("q_num_heads"), k: a.get("kv_num_heads"), v: a.get("kv_num_heads")}
            if None in heads.values():
                raise composite_ops.Unsupported("3-D Attention without q_num_heads / kv_num_heads")
            q, k, v = (self.g.permute(self.g.reshape(t, self.g.shape(t)[:2] + (heads[t], -1), name=name("reshape")),
                                      [0, 2, 1, 3], name=name("permute")) for t in (q, k, v))
        for i, past in ((4, k), (5, v)):
            if ins[i]:
                merged = self.g.concat([self.handle(node, ins[i]), past], axis=-2, name=name("concat"))
                k, v = (merged, v) if i == 4 else (k, merged)
        mask = self.handle(node, ins[3]) if ins[3] and not self.is_const(ins[3]) else None
        y = composite_ops.attention(self.g, q, k, v, mask, name)
        if three_d:
            b, h, length, e = self.g.shape(y)
            y = self.g.reshape(self.g.permute(y, [0, 2, 1, 3], name=name("permute")), (b, length, h * e),
                               name=name("reshape"))
        extra = [self.g.other([y], self.out_shape(node, i), "attention_state", note="present key / value or "
                              "scores output; no MACs", name=name("attention_state")) if node.output[i] else None
                 for i in range(1, len(node.output))]
        return [y] + extra

    # ---------------------------------------------------------------------------- non-MAC ops

    def binary(self, node):
        ins = self.inputs(node)
        kind = {"Add": "add", "Sub": "add", "Mul": "mul", "Div": "mul"}[node.op_type]
        tensors = [i for i in ins if not self.is_const(i) or math.prod(self.env[i].shape) > 1]
        if len(tensors) == 2:
            return getattr(self.g, kind)(self.handle(node, ins[0]), self.handle(node, ins[1]),
                                         name=self.name(node, kind))
        op = node.op_type.lower()
        h = self.handle(node, tensors[0])
        if self.g.shape(h) != self.out_shape(node):
            return self.g.other([h], self.out_shape(node), op, note="elementwise with a broadcast constant",
                                name=self.name(node, op))
        return self.g.act(h, op, name=self.name(node, op))

    def norm(self, node):
        ins = self.inputs(node)
        h = self.g.norm(self.handle(node, ins[0]), _NORMS[node.op_type], affine=len(ins) > 1,
                        name=self.name(node, "norm"))
        return [h] + [None] * (len(node.output) - 1)

    def pool(self, node):
        a = self.attrs(node)
        x = self.handle(node, self.inputs(node)[0])
        pads = tuple(a.get("pads", (0, 0, 0, 0)))
        auto = a.get("auto_pad", b"NOTSET")
        if (len(self.g.shape(x)) != 4 or pads[:2] != pads[2:] or tuple(a.get("dilations", (1, 1))) != (1, 1)
                or auto not in (b"NOTSET", "NOTSET")):
            return self.other(node, "pooling with asymmetric/auto padding, dilation or a non-4-D input; no MACs")
        h = self.g.pool(x, tuple(a["kernel_shape"]), tuple(a.get("strides", (1, 1))), pads[:2],
                        "max" if node.op_type == "MaxPool" else "avg", bool(a.get("ceil_mode", 0)),
                        name=self.name(node, "pool"))
        return [h] + [None] * (len(node.output) - 1)

    def global_pool(self, node):
        if len(self.g.shape(self.handle(node, node.input[0]))) != 4:
            return self.other(node, "global pooling of a non-4-D input; no MACs")
        return self.g.global_pool(self.handle(node, node.input[0]), "max" if "Max" in node.op_type else "avg",
                                  name=self.name(node, "global_pool"))

    def reduce_mean(self, node):
        ins = self.inputs(node)
        a = self.attrs(node)
        axes = a.get("axes")
        if axes is None and len(ins) > 1 and self.is_const(ins[1]):
            axes = self.value(ins[1])
        x = self.handle(node, ins[0])
        shape = self.g.shape(x)
        if axes is None or len(shape) != 4 or sorted(int(i) % 4 for i in np.ravel(axes)) != [2, 3]:
            return self.other(node, "reduction; no MACs")
        h = self.g.global_pool(x, "avg", name=self.name(node, "global_pool"))
        return h if a.get("keepdims", 1) else self.g.reshape(h, shape[:2], name=self.name(node, "reshape"))

    def reshape(self, node):
        op = "flatten" if node.op_type == "Flatten" else "reshape"
        return self.g.reshape(self.handle(node, node.input[0]), self.out_shape(node), name=self.name(node, op))

    def flatten(self, node):
        x = self.handle(node, node.input[0])
        axis = self.attrs(node).get("axis", 1) % max(len(self.g.shape(x)), 1)
        if axis == 1:
            return self.g.flatten(x, 1, name=self.name(node, "flatten"))
        return self.reshape(node)

    def transpose(self, node):
        x = self.handle(node, node.input[0])
        perm = self.attrs(node).get("perm", list(range(len(self.g.shape(x))))[::-1])
        return self.g.permute(x, list(perm), name=self.name(node, "permute"))

    def identity(self, node):
        return [self.handle(node, node.input[0])] + [None] * (len(node.output) - 1)

    def softmax(self, node):
        return self.g.softmax(self.handle(node, node.input[0]), self.attrs(node).get("axis", -1),
                              name=self.name(node, "softmax"))

    def concat(self, node):
        return self.g.concat([self.handle(node, i) for i in self.inputs(node)], self.attrs(node)["axis"],
                             name=self.name(node, "concat"))

    def gather(self, node):
        data, ind = self.inputs(node)
        axis = self.attrs(node).get("axis", 0)
        table, index = self.const(data), self.const(ind)
        if table is not None and len(table.shape) == 2 and axis == 0:
            return self.g.embedding(self.handle(node, ind), table.shape[0], table.shape[1],
                                    name=self.name(node, "embedding", True))
        value = self.value(ind) if index is not None else None
        if table is None and value is not None and value.ndim == 0:
            return self.g.select(self.handle(node, data), axis, int(value), name=self.name(node, "select"))
        return self.other(node, "gather; no MACs")


_HANDLERS = {
    "Conv": _Importer.conv, "ConvTranspose": _Importer.conv, "MatMul": _Importer.matmul, "Gemm": _Importer.gemm,
    "Einsum": _Importer.einsum, "Attention": _Importer.attention, "LSTM": _Importer.recurrent, "GRU": _Importer.recurrent, "RNN": _Importer.recurrent,
    **{op: _Importer.binary for op in ("Add", "Sub", "Mul", "Div")},
    **{op: _Importer.norm for op in _NORMS},
    "MaxPool": _Importer.pool, "AveragePool": _Importer.pool,
    "GlobalAveragePool": _Importer.global_pool, "GlobalMaxPool": _Importer.global_pool,
    "ReduceMean": _Importer.reduce_mean,
    **{op: _Importer.reshape for op in _RESHAPE},
    "Flatten": _Importer.flatten, "Transpose": _Importer.transpose,
    **{op: _Importer.identity for op in _IDENTITY},
    "Softmax": _Importer.softmax, "LogSoftmax": _Importer.softmax,
    "Concat": _Importer.concat, "Gather": _Importer.gather,
}


def from_onnx(path_or_model, name: Optional[str] = None,
              input_shape: Union[Sequence[int], Mapping[str, Sequence[int]], None] = None) -> Graph:
    """Read an ONNX model (path or ``ModelProto``) into an op graph. `input_shape` fixes the input
    dimensions (one shape, or input name -> shape) for models exported with dynamic sizes. Raises
    `InputError` naming the file (and node) for unreadable or invalid files and unknown shapes."""
    onnx = _import_onnx()
    source = "<onnx model>" if isinstance(path_or_model, onnx.ModelProto) else str(path_or_model)
    model = _load(onnx, path_or_model, source)
    if input_shape is not None:
        model = _set_inputs(onnx, model, input_shape, source)
    try:
        onnx.checker.check_model(model)
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as e:  # ValidationError / InferenceError: the message names the node
        raise InputError(file=source, message=f"invalid ONNX model: {str(e).strip().splitlines()[0]}",
                         fix="check the model with onnx.checker, or export it again") from e
    if not model.graph.node:
        raise InputError(file=source, message="the ONNX graph has no nodes", fix="check the file")
    default = Path(source).stem if source != "<onnx model>" else (model.graph.name or "onnx")
    evaluated = _Importer(onnx, model, Graph(name or default), source).constant_values()
    if evaluated:  # constant subgraphs that inference could not see through: infer again from their shapes
        model = _with_shapes(onnx, model, {k: (v.dtype, v.shape) for k, v in evaluated.items()}, source)
    unknown = _unknown_tensors(model)
    failure = None
    if unknown:  # shapes computed at run time (TF-style 'same' pads, window padding, ...): one run on zeros
        shapes, failure = _run_shapes(onnx, model, unknown)
        if shapes:
            model = _with_shapes(onnx, model, shapes, source)
    try:
        return _Importer(onnx, model, Graph(name or default), source).run()
    except InputError as e:
        if failure is None or "unknown shape" not in e.message:
            raise
        node = re.search(r"running (\w+) node\. Name:'([^']*)'", failure)
        raise InputError(file=source, layer=node.group(2) if node else e.layer,
                         message=f"{e.message}; running the model on zeros of its input shape to find it failed: "
                                 f"{failure}",
                         fix="check the input shape against the model (e.g. the channels of its first layer: "
                             "--input-shape N,C,H,W)") from e


def _unknown_tensors(model) -> list[str]:
    """Node outputs whose shape inference left no static shape."""
    gr = model.graph
    known = {vi.name for vi in list(gr.value_info) + list(gr.input) + list(gr.output)
             if (shape := _tensor_shape(vi)) is not None and all(isinstance(d, int) for d in shape)}
    return [o for node in gr.node for o in node.output if o and o not in known]


def _run_shapes(onnx, model, names: Sequence[str]) -> tuple[dict[str, tuple], Optional[str]]:
    """({tensor: (dtype, shape)} of tensors `names}, None) from one onnxruntime run of `model` on zeros of
    its input shapes; ({}, why) when the run fails, ({}, None) without onnxruntime or with dynamic inputs
    (the import then reports the first unknown shape it needs, naming the node)."""
    try:
        import onnxruntime as ort
    except ImportError:
        return {}, None
    inits = {t.name for t in model.graph.initializer}
    feeds = {}
    for inp in model.graph.input:
        shape = _tensor_shape(inp)
        if inp.name in inits:
            continue
        if shape is None or not all(isinstance(d, int) for d in shape):
            return {}, None
        feeds[inp.name] = np.zeros(shape, onnx.helper.tensor_dtype_to_np_dtype(inp.type.tensor_type.elem_type))
    probe = onnx.ModelProto.FromString(model.SerializeToString())
    outputs = {o.name for o in probe.graph.output}
    probe.graph.output.extend(onnx.ValueInfoProto(name=n) for n in names if n not in outputs)
    opts = ort.SessionOptions()
    opts.log_severity_level = 4  # failures are reported with the unknown shape they leave
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = ort.InferenceSession(probe.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        results = session.run(list(names), feeds)
    except Exception as e:  # noqa: BLE001 - any onnxruntime failure: reported with the unknown shape it leaves
        return {}, str(e).replace("[ONNXRuntimeError] : 1 : FAIL : ", "").strip().splitlines()[0]
    return {n: (r.dtype, r.shape) for n, r in zip(names, results) if isinstance(r, np.ndarray)}, None


def _with_shapes(onnx, model, shapes: Mapping[str, tuple], source: str):
    """`model` with tensors' (dtype, shape) from `shapes` as value_info, shapes inferred again."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    infos = {vi.name: vi for vi in model.graph.value_info}
    for name, (dtype, shape) in shapes.items():
        new = onnx.helper.make_tensor_value_info(name, onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype)),
                                                 shape)
        if name in infos:
            infos[name].CopyFrom(new)
        else:
            model.graph.value_info.append(new)
    try:
        return onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as e:  # InferenceError: an evaluated shape contradicts the graph
        raise InputError(file=source, message=f"invalid ONNX model: {str(e).strip().splitlines()[0]}",
                         fix="check the model with onnx.checker, or export it again") from e
