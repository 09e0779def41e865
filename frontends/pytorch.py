"""PyTorch frontend: an ``nn.Module`` and an example input -> op graph (`diffhw.frontends.graph.Graph`).

    g = from_torch(model, (1, 3, 224, 224))            # or an example tensor, or a tuple of them
    g = from_torch_factory("mypkg.nets:resnet", (1, 3, 224, 224))

The module is traced with ``torch.export`` (non-strict), not ``torch.fx.symbolic_trace`` + ``ShapeProp``:
export gives one canonical ATen op set (``nn.Conv2d``, ``F.conv2d`` and ``torch.conv2d`` all arrive as
``aten.conv2d``; ``x @ y``, ``torch.matmul`` and ``Tensor.matmul`` as ``aten.matmul``) instead of three
surface forms (``call_module`` / ``call_function`` / ``call_method``); every node carries its output shape
from fake tensors (no real forward pass, so large inputs cost nothing) and its module path
(``nn_module_stack``, used for names); code that reads ``x.shape`` traces, and data-dependent control flow
or shapes fail loudly instead of being silently specialised. The module is traced in eval mode (dropout
off, batch norm on running statistics) and its mode is restored afterwards.

What each op becomes (names: `diffhw.frontends.composite_ops`; the lowering to MAESTRO layers: docs/frontends.md):

* MAC ops: ``conv1d`` / ``conv2d`` / ``conv3d`` / ``convolution`` -> ``conv`` (groups, depthwise, dilation,
  ``padding="same"``); ``conv_transpose1d/2d/3d`` -> ``conv_transpose``; ``linear``, and ``matmul`` / ``mm``
  / ``bmm`` / ``addmm`` with a parameter right operand (GPT-2's Conv1D) -> ``linear`` (a following ``+ bias``
  parameter is its bias); ``matmul`` / ``mm`` / ``bmm`` / ``baddbmm`` of two activations -> ``matmul`` (batch
  and heads are its repeat); ``einsum`` -> reshapes + ``matmul`` (two operands; `composite_ops.einsum`);
  ``scaled_dot_product_attention`` -> ``matmul`` (Q K^T), ``softmax``, ``matmul`` (P V), grouped-query
  key/value heads repeated; ``lstm`` / ``gru`` / ``rnn_tanh`` / ``rnn_relu`` -> per layer and direction a
  ``linear`` (input projections) and a per-step ``matmul`` (`composite_ops.recurrent_layer`). A MAC op on
  constants only (a position-bias MLP on a fixed table) is lowered too: it runs at every forward.
* Ops without a tensor output (``_assert_tensor_metadata``, ``_assert_async``, sizes) are dropped; casts,
  copies, views and dropout pass their input through.
* Non-MAC ops, with their shapes: pooling (``pool``, ``global_pool``; a spatial ``mean`` is a global
  average pool), activations (``act``), ``add`` / ``sub`` -> ``add``, ``mul`` / ``div`` -> ``mul`` (with a
  scalar or buffer operand: ``act`` with op ``mul``...), norms (``norm``), view / reshape / flatten /
  permute / transpose / select (``reshape`` kind), ``softmax``, ``cat`` -> ``concat``, ``embedding``.
  Parameters used as activations (class tokens, position embeddings) become ``parameter`` nodes.
* Everything else (slicing, padding, interpolation, reductions, unknown ops) -> ``other`` with a note and
  no MACs; MAC-carrying ops that cannot be lowered (3-operand einsums, LSTM projections) also warn.

An input whose channels / features contradict a conv, linear or RNN module's weights is an `InputError`
naming the module and the fix (a forward pre-hook checks them while torch.export traces).
"""

from __future__ import annotations

import importlib
import logging
import math
import operator
import warnings
from typing import Any, Optional, Sequence

from diffhw.errors import InputError
from diffhw.frontends import composite_ops
from diffhw.frontends.graph import Graph

__all__ = ["from_torch", "from_torch_factory"]

_ACTS = {"relu", "relu6", "gelu", "silu", "sigmoid", "tanh", "hardtanh", "hardswish", "hardsigmoid",
         "leaky_relu", "elu", "selu", "celu", "mish", "softplus", "erf", "exp", "log", "sqrt", "rsqrt", "neg",
         "abs", "clamp", "clamp_min", "clamp_max", "sin", "cos", "prelu", "log_sigmoid", "square", "reciprocal",
         "logit", "sign", "floor", "ceil", "round"}
_IDENTITY = {"contiguous", "clone", "detach", "alias", "dropout", "feature_dropout", "alpha_dropout",
             "lift_fresh_copy", "_to_copy", "to", "type_as", "_assert_tensor_metadata"}
_RESHAPE = {"view", "reshape", "_unsafe_view", "unflatten", "squeeze", "unsqueeze", "view_as", "reshape_as"}
_NORMS = {"batch_norm": "batch", "_native_batch_norm_legit_no_training": "batch", "native_batch_norm": "batch",
          "layer_norm": "layer", "native_layer_norm": "layer", "group_norm": "group",
          "native_group_norm": "group", "instance_norm": "instance"}
#: Recognised ops with no MACs and no graph kind of their own (recorded as ``other`` without a warning).
_NO_MAC = {"slice", "narrow", "index", "index_select", "gather", "pad", "constant_pad_nd", "reflection_pad2d",
           "replication_pad2d", "roll", "flip", "repeat", "tile", "expand", "expand_as", "stack", "split",
           "split_with_sizes", "chunk", "upsample_nearest2d", "upsample_bilinear2d",
           "_upsample_nearest_exact2d", "masked_fill", "where", "sum", "mean", "amax", "amin", "max", "min",
           "cumsum", "topk", "argmax", "sort", "var", "std", "norm", "linalg_vector_norm", "pixel_shuffle",
           "channel_shuffle", "maximum", "minimum", "pow", "eq", "ne", "lt", "gt", "le", "ge", "logical_not",
           "scatter", "index_put", "diagonal", "tril", "triu", "cumprod", "prod", "any", "all", "glu"}


class _Const:
    """A tensor that does not depend on the inputs (parameters, buffers and ops on them only).
    `params` maps the parameters it is computed from to their sizes."""

    def __init__(self, shape: tuple[int, ...], params: dict[str, int], name: str):
        self.shape, self.params, self.name = shape, params, name


def _op_name(target) -> str:
    """``aten.relu_.default`` -> ``relu`` (in-place variants share the out-of-place name)."""
    packet = getattr(target, "overloadpacket", None)
    name = packet.__name__ if packet is not None else getattr(target, "__name__", str(target))
    return name[:-1] if name.endswith("_") and not name.endswith("__") else name


def _pair(v) -> tuple[int, int]:
    v = [int(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
    return (v[0], v[0]) if len(v) == 1 else (v[0], v[1])


class _Importer:
    """Walks an ``ExportedProgram`` and appends builder calls to a `Graph`."""

    def __init__(self, torch, ep, graph: Graph, source: str):
        self.torch, self.ep, self.g, self.source = torch, ep, graph, source
        self.env: dict[str, Any] = {}
        self.absorbed: dict[str, str] = {}
        self.names = composite_ops.Namer()
        self.kinds: dict[str, tuple[str, str]] = {}
        for spec in ep.graph_signature.input_specs:
            self.kinds[spec.arg.name] = (spec.kind.name, spec.target or spec.arg.name)

    # ------------------------------------------------------------------------------- plumbing

    def error(self, node, message: str, fix: str) -> InputError:
        return InputError(file=self.source, layer=node.name, message=message, fix=fix)

    def shape(self, node) -> tuple[int, ...]:
        val = node.meta.get("val")
        dims = tuple(getattr(val, "shape", ()))
        if not all(isinstance(d, int) for d in dims):
            raise self.error(node, f"op {node.target} has a dynamic or data-dependent output shape "
                                   f"{tuple(str(d) for d in dims)}",
                             "the cost model needs static shapes: give concrete example inputs and remove "
                             "data-dependent ops (nonzero, masked_select, boolean indexing) from forward")
        return dims

    def scope(self, node) -> str:
        stack = node.meta.get("nn_module_stack") or {}
        return list(stack.values())[-1][0] if stack else ""

    def name(self, node, op: str, weighted: bool = False) -> str:
        return self.names(self.scope(node), op, weighted)

    @staticmethod
    def bind(node) -> dict[str, Any]:
        """Arguments by schema name, defaults filled in."""
        out = {}
        for i, arg in enumerate(node.target._schema.arguments):
            if i < len(node.args):
                out[arg.name] = node.args[i]
            elif arg.name in node.kwargs:
                out[arg.name] = node.kwargs[arg.name]
            elif arg.has_default_value():
                out[arg.name] = arg.default_value
        return out

    def value(self, arg):
        return self.env[arg.name] if isinstance(arg, self.torch.fx.Node) else arg

    def is_const(self, arg) -> bool:
        return isinstance(self.value(arg), _Const)

    def handle(self, arg) -> str:
        """Graph handle of a tensor argument; constants become ``parameter`` (or ``other``) nodes."""
        v = self.value(arg)
        if isinstance(v, str):
            return v
        if not isinstance(v, _Const):
            raise composite_ops.Unsupported(f"operand {arg} is not a tensor the graph knows")
        n = sum(v.params.values())
        if n and n == math.prod(v.shape):
            h = self.g.parameter(v.shape, name=self.names.reserve(v.name))
        else:
            h = self.g.other([], v.shape, "constant", note=f"tensor computed from parameters/buffers ({n} "
                                                           "parameter elements)", params=n,
                             name=self.names.reserve(v.name))
        self.env[arg.name] = h
        return h

    # ------------------------------------------------------------------------------------ walk

    def run(self) -> Graph:
        for node in self.ep.graph.nodes:
            if node.op == "placeholder":
                kind, target = self.kinds.get(node.name, ("USER_INPUT", node.name))
                if kind == "USER_INPUT":
                    self.env[node.name] = self.g.input(self.shape(node), name=self.names.reserve(node.name))
                else:
                    size = {target: math.prod(self.shape(node))} if kind == "PARAMETER" else {}
                    self.env[node.name] = _Const(self.shape(node), size, target)
            elif node.op == "get_attr":
                self.env[node.name] = _Const(self.shape(node), {}, str(node.target))
            elif node.op == "call_function":
                self.env[node.name] = self.call(node)
            elif node.op != "output":
                raise self.error(node, f"unexpected graph node kind {node.op!r}", "report this model")
        return self.g

    def call(self, node):
        if node.name in self.absorbed:
            return self.absorbed[node.name]
        if node.target is operator.getitem:
            return self.getitem(node)
        op = _op_name(node.target)
        val = node.meta.get("val")
        if not isinstance(val, (tuple, list)) and not hasattr(val, "shape"):
            return None  # no tensor out: an assertion (_assert_tensor_metadata, ...), a size or other metadata
        inputs = [a for a in node.all_input_nodes]
        if all(self.is_const(a) for a in inputs) and op not in _MAC_OPS:
            params = {k: v for a in inputs for k, v in self.value(a).params.items()}
            if isinstance(val, (tuple, list)):
                return [_Const(tuple(getattr(v, "shape", ())), params, f"{node.name}.{i}") for i, v in enumerate(val)]
            return _Const(self.shape(node), params, node.name) if hasattr(val, "shape") else None
        if not isinstance(val, (tuple, list)):
            self.shape(node)
        handler = _HANDLERS.get(op)
        try:
            if handler is not None:
                out = handler(self, node, op)
            elif op in _ACTS:
                out = self.act(node, op)
            elif op in _NO_MAC:
                out = self.other(node, op, "no MACs (data movement / elementwise / reduction)")
            else:
                warnings.warn(f"{self.source}: op {node.target} ({node.name}) is not modelled: recorded as an "
                              "'other' node without MACs", stacklevel=3)
                out = self.other(node, op, f"{node.target} is not modelled: no MACs counted")
        except composite_ops.Unsupported as e:
            if e.mac:
                warnings.warn(f"{self.source}: {node.name}: {e}; recorded as an 'other' node, its MACs are not "
                              "counted", stacklevel=3)
            out = self.other(node, op, f"{e}; MACs not counted" if e.mac else str(e))
        except ValueError as e:
            raise self.error(node, f"op {node.target}: {e}", "report this model (the graph builder rejected "
                                                              "the op)") from e
        self.check(node, out)
        return out

    def check(self, node, out) -> None:
        """The builder's shape must equal torch's."""
        if isinstance(out, str) and self.g.shape(out) != self.shape(node):
            raise self.error(node, f"op {node.target}: the graph gives shape {self.g.shape(out)}, torch "
                                   f"{self.shape(node)}", "report this model")

    def getitem(self, node):
        src, i = node.args
        v = self.value(src)[i]
        if v is None:
            v = self.g.other([self.handle(a) for a in src.all_input_nodes if not self.is_const(a)],
                             self.shape(node), f"{_op_name(src.target)}[{i}]",
                             note="secondary output; no MACs", name=self.name(node, _op_name(src.target)))
        return v

    def other(self, node, op: str, note: str):
        ins = [self.handle(a) for a in node.all_input_nodes if not self.is_const(a)]
        val = node.meta.get("val")
        if isinstance(val, (tuple, list)):
            return [self.g.other(ins, tuple(v.shape), op, note=note, name=self.name(node, op))
                    if hasattr(v, "shape") else None for v in val]
        return self.g.other(ins, self.shape(node), op, note=note, name=self.name(node, op))

    # -------------------------------------------------------------------------------- MAC ops

    def conv(self, node, op):
        a = self.bind(node)
        x, w = a["input"], a["weight"]
        if not self.is_const(w):
            raise composite_ops.Unsupported(f"{op} with a computed (non-parameter) weight is not lowered")
        h = self.handle(x)
        shape, ws, groups = self.g.shape(h), self.value(w).shape, int(a["groups"])
        d = len(ws) - 2
        transposed = op.startswith("conv_transpose") or (op == "convolution" and a["transposed"])
        weight_in = ws[0] if transposed else ws[1] * groups
        if len(shape) != d + 2 or shape[1] != weight_in:
            raise self.weight_error(node, shape, f"{weight_in} input channels ((N, C, ...) of rank {d + 2})")
        nd = lambda v: tuple(int(t) for t in v) * (d if len(v) == 1 else 1)  # noqa: E731 - torch's [v] -> d
        stride, dilation = nd(a["stride"]), nd(a["dilation"])
        bias = a["bias"] is not None
        if transposed:
            return self.g.conv_transpose(h, ws[1] * groups, ws[2:], stride, nd(a["padding"]),
                                         nd(a["output_padding"]), groups, bias, dilation,
                                         name=self.name(node, "conv_transpose", True))
        padding = a["padding"]
        if padding == "valid":
            padding = 0
        elif padding == "same":
            total = [dd * (k - 1) for dd, k in zip(dilation, ws[2:])]
            padding = tuple(t // 2 for t in total) + tuple(t - t // 2 for t in total)
        else:
            padding = nd(padding)
        return self.g.conv(h, ws[0], ws[2:], stride, padding, groups, dilation, bias,
                           name=self.name(node, "conv", True))

    def weight_error(self, node, shape, expected: str) -> InputError:
        """The input of weighted op `node` (shape `shape`) does not fit its weights."""
        scope = self.scope(node) or node.name
        return InputError(file=self.source, layer=scope,
                          message=f"{node.target} gets an input of shape {shape}, its weights expect {expected}",
                          fix="give an input shape that fits the model's first layer (e.g. the channels its "
                              "first conv was built for: --input-shape N,C,H,W)")

    def bias_add(self, node, n_out: int):
        """The single consumer ``add`` of `node` whose other operand is an `n_out`-element constant, if any."""
        users = list(node.users)
        if len(users) != 1 or _op_name(users[0].target) != "add" or users[0].kwargs.get("alpha", 1) != 1:
            return None
        others = [a for a in users[0].args[:2] if a is not node]
        if len(others) == 1 and isinstance(others[0], self.torch.fx.Node) and others[0].name in self.env:
            v = self.env[others[0].name]
            if isinstance(v, _Const) and math.prod(v.shape) == n_out:
                return users[0]
        return None

    def linear_layer(self, node, x, weight_out: int, bias) -> str:
        """A weighted linear layer; `bias` is True/False, or None to look for a following bias add."""
        add = self.bias_add(node, weight_out) if bias is None else None
        h = self.g.linear(self.handle(x), weight_out, bias=bool(bias) or add is not None,
                          name=self.name(node, "linear", True))
        if add is not None:
            self.absorbed[add.name] = h
        return h

    def linear(self, node, op):
        a = self.bind(node)
        x, w, b = a["input"], a["weight"], a["bias"]
        if self.is_const(w):
            return self.linear_layer(node, x, self.value(w).shape[0], b is not None)
        wt = self.g.permute(self.handle(w), [-1, -2], name=self.name(node, "permute"))
        h = self.g.matmul(self.handle(x), wt, name=self.name(node, "matmul"))
        return h if b is None else self.binary(node, "add", h, b)

    def matmul(self, node, op):
        a = self.bind(node)
        if op in ("addmm", "baddbmm"):
            lhs, rhs, acc = a["mat1" if op == "addmm" else "batch1"], a["mat2" if op == "addmm" else "batch2"], \
                a["self"]
        else:
            lhs, rhs, acc = a["self"], a["mat2" if op in ("mm", "bmm") else "other"], None
        if self.is_const(rhs) and len(self.value(rhs).shape) == 2 and not self.is_const(lhs):
            if acc is not None and self.is_const(acc):
                return self.linear_layer(node, lhs, self.value(rhs).shape[1], True)
            h = self.linear_layer(node, lhs, self.value(rhs).shape[1], False if acc is not None else None)
        else:
            h = self.g.matmul(self.handle(lhs), self.handle(rhs), name=self.name(node, "matmul"))
        return h if acc is None else self.binary(node, "add", h, acc)

    def einsum(self, node, op):
        a = self.bind(node)
        ops = [self.handle(t) for t in a["tensors"]]
        return composite_ops.einsum(self.g, a["equation"], ops, self.shape(node), lambda o: self.name(node, o))

    def sdpa(self, node, op):
        a = self.bind(node)
        q, k, v = (self.handle(a[n]) for n in ("query", "key", "value"))
        mask = a.get("attn_mask")
        mask = self.handle(mask) if mask is not None and not self.is_const(mask) else None
        return composite_ops.attention(self.g, q, k, v, mask, lambda o: self.name(node, o))

    def recurrent(self, node, op):
        """aten.lstm / gru / rnn_tanh / rnn_relu (``.input`` overload: input, hx, params, has_biases,
        num_layers, dropout, train, bidirectional, batch_first) -> `composite_ops.recurrent_layer` per layer."""
        a = self.bind(node)
        if "params" not in a or "batch_first" not in a:
            raise composite_ops.Unsupported(f"{node.target} (packed sequences) is not lowered")
        x = self.handle(a["input"])
        shape, weights = self.g.shape(x), [self.value(p).shape for p in a["params"]]
        layers, directions, bias = int(a["num_layers"]), 2 if a["bidirectional"] else 1, bool(a["has_biases"])
        hidden, gates = weights[1][1], composite_ops.RNN_GATES[op]
        if len(weights) != layers * directions * (4 if bias else 2) or weights[0][0] != gates * hidden:
            raise composite_ops.Unsupported(f"{op} with projections (proj_size) is not lowered")
        if len(shape) not in (2, 3) or shape[-1] != weights[0][1]:
            raise self.weight_error(node, shape, f"a (T, B, {weights[0][1]}) or (B, T, {weights[0][1]}) input")
        if len(shape) == 2:  # unbatched (T, F)
            x = self.g.reshape(x, (shape[0], 1, shape[1]), name=self.name(node, "reshape"))
        elif a["batch_first"]:
            x = self.g.permute(x, [1, 0, 2], name=self.name(node, "permute"))
        scope = self.scope(node)
        for layer in range(layers):
            x = composite_ops.recurrent_layer(self.g, x, op, hidden, directions, bias,
                                          lambda role: self.names(scope, f"{role}_l{layer}"))
        if len(shape) == 2:
            x = self.g.reshape(x, self.g.shape(x)[::2], name=self.name(node, "reshape"))
        elif a["batch_first"]:
            x = self.g.permute(x, [1, 0, 2], name=self.name(node, "permute"))
        states = [self.g.other([x], tuple(v.shape), f"{op}_state", note="final hidden / cell state; no MACs",
                               name=self.name(node, f"{op}_state")) for v in node.meta["val"][1:]]
        return [x] + states

    # ---------------------------------------------------------------------------- non-MAC ops

    def act(self, node, op):
        return self.g.act(self.handle(node.args[0]), op, name=self.name(node, op))

    def binary(self, node, op, lhs=None, rhs=None):
        """Elementwise binary op; with a scalar or buffer operand it is an ``act`` (op `op`)."""
        x = node.args[0] if lhs is None else lhs
        y = node.args[1] if rhs is None else rhs
        tensors = [t for t in (x, y) if isinstance(t, str) or (isinstance(t, self.torch.fx.Node)
                   and (not self.is_const(t) or sum(self.value(t).params.values())))]
        if len(tensors) == 2:
            hx, hy = self.handle(x), self.handle(y)
            if op in ("add", "sub"):
                return self.g.add(hx, hy, name=self.name(node, "add"))
            if op in ("mul", "div"):
                return self.g.mul(hx, hy, name=self.name(node, "mul"))
            return self.g.other([hx, hy], self.shape(node), op, note="elementwise; no MACs",
                                name=self.name(node, op))
        h = self.handle(tensors[0])
        if self.g.shape(h) != self.shape(node):
            return self.g.other([h], self.shape(node), op, note="elementwise with a broadcast constant",
                                name=self.name(node, op))
        return self.g.act(h, op, name=self.name(node, op))

    def norm(self, node, op):
        a = self.bind(node)
        h = self.g.norm(self.handle(a["input"]), _NORMS[op], affine=a.get("weight") is not None,
                        name=self.name(node, "norm"))
        val = node.meta.get("val")
        return [h] + [None] * (len(val) - 1) if isinstance(val, (tuple, list)) else h

    def pool(self, node, op):
        a = self.bind(node)
        x = self.handle(a["self"])
        if len(self.g.shape(x)) != 4 or _pair(a.get("dilation", 1)) != (1, 1):
            return self.other(node, op, "pooling of a rank-3 input or with dilation; no MACs")
        h = self.g.pool(x, _pair(a["kernel_size"]), _pair(a["stride"]) if a["stride"] else None,
                        _pair(a["padding"]), "max" if op.startswith("max") else "avg", bool(a["ceil_mode"]),
                        name=self.name(node, "pool"))
        return [h, None] if op == "max_pool2d_with_indices" else h

    def adaptive_pool(self, node, op):
        a = self.bind(node)
        x = self.handle(a["self"])
        if len(self.g.shape(x)) != 4:
            return self.other(node, op, "adaptive pooling of a rank-3 input; no MACs")
        h = self.g.global_pool(x, "max" if "max" in op else "avg", _pair(a["output_size"]),
                               name=self.name(node, "global_pool"))
        return [h, None] if isinstance(node.meta.get("val"), (tuple, list)) else h

    def mean(self, node, op):
        a = self.bind(node)
        x = self.handle(a["self"])
        shape = self.g.shape(x)
        dims = sorted(d % len(shape) for d in (a["dim"] or ()))
        if len(shape) != 4 or dims != [2, 3]:
            return self.other(node, op, "reduction; no MACs")
        h = self.g.global_pool(x, "avg", name=self.name(node, "global_pool"))
        return h if a["keepdim"] else self.g.reshape(h, shape[:2], name=self.name(node, "reshape"))

    def reshape(self, node, op):
        return self.g.reshape(self.handle(node.args[0]), self.shape(node), name=self.name(node, "reshape"))

    def flatten(self, node, op):
        a = self.bind(node)
        return self.g.flatten(self.handle(a["self"]), a["start_dim"], a["end_dim"], name=self.name(node, "flatten"))

    def permute(self, node, op):
        x = self.handle(node.args[0])
        r = len(self.g.shape(x))
        if op == "permute":
            dims = list(node.args[1])
        else:
            d0, d1 = (node.args[1] % r, node.args[2] % r) if op == "transpose" else (0, 1)
            dims = list(range(r))
            dims[d0], dims[d1] = dims[d1], dims[d0]
        return self.g.permute(x, dims, name=self.name(node, "permute"))

    def select(self, node, op):
        a = self.bind(node)
        return self.g.select(self.handle(a["self"]), a["dim"], a["index"], name=self.name(node, "select"))

    def unbind(self, node, op):
        a = self.bind(node)
        x = self.handle(a["self"])
        return [self.g.select(x, a["dim"], i, name=self.name(node, "select"))
                for i in range(self.g.shape(x)[a["dim"]])]

    def identity(self, node, op):
        return self.handle(node.args[0])

    def concat(self, node, op):
        a = self.bind(node)
        return self.g.concat([self.handle(t) for t in a["tensors"]], a["dim"], name=self.name(node, "concat"))

    def softmax(self, node, op):
        return self.g.softmax(self.handle(node.args[0]), node.args[1], name=self.name(node, "softmax"))

    def embedding(self, node, op):
        a = self.bind(node)
        if not self.is_const(a["weight"]) or self.is_const(a["indices"]):
            return self.other(node, op, "embedding with a computed table; no MACs")
        v, d = self.value(a["weight"]).shape
        return self.g.embedding(self.handle(a["indices"]), v, d, name=self.name(node, "embedding", True))


_HANDLERS = {
    **{op: _Importer.conv for op in ("conv2d", "convolution", "conv_transpose2d", "conv1d", "conv3d",
                                     "conv_transpose1d", "conv_transpose3d")},
    "linear": _Importer.linear,
    **{op: _Importer.matmul for op in ("matmul", "mm", "bmm", "addmm", "baddbmm")},
    "einsum": _Importer.einsum,
    "scaled_dot_product_attention": _Importer.sdpa,
    **{op: _Importer.recurrent for op in composite_ops.RNN_GATES},
    **{op: _Importer.binary for op in ("add", "sub", "rsub", "mul", "div")},
    **{op: _Importer.norm for op in _NORMS},
    **{op: _Importer.pool for op in ("max_pool2d", "max_pool2d_with_indices", "avg_pool2d")},
    **{op: _Importer.adaptive_pool for op in ("adaptive_avg_pool2d", "_adaptive_avg_pool2d",
                                              "adaptive_max_pool2d")},
    "mean": _Importer.mean,
    **{op: _Importer.reshape for op in _RESHAPE},
    "flatten": _Importer.flatten,
    **{op: _Importer.permute for op in ("permute", "transpose", "t")},
    "select": _Importer.select,
    "unbind": _Importer.unbind,
    **{op: _Importer.identity for op in _IDENTITY},
    **{op: _Importer.concat for op in ("cat", "concat")},
    **{op: _Importer.softmax for op in ("softmax", "_softmax", "log_softmax", "_log_softmax")},
    "embedding": _Importer.embedding,
}

#: Ops with MACs: lowered even when all their inputs are constants (they run at every forward, e.g. Swin V2's
#: position-bias MLP on its fixed coordinate table; FlopCounterMode counts them).
_MAC_OPS = {op for op, h in _HANDLERS.items() if h in (_Importer.conv, _Importer.linear, _Importer.matmul,
                                                       _Importer.einsum, _Importer.sdpa, _Importer.recurrent)}


def _import_torch():
    try:
        import torch
    except ImportError as e:
        raise InputError(message="the PyTorch frontend needs torch",
                         fix="pip install 'diffhw[torch]' (torch==2.13.0)") from e
    return torch


def _example_args(torch, example) -> tuple:
    """A tensor, a shape (ints), or a sequence of tensors/shapes -> a tuple of example tensors
    (float zeros for shapes; pass tensors for integer inputs such as token ids)."""
    if isinstance(example, torch.Tensor):
        return (example,)
    items = list(example)
    if items and all(isinstance(d, int) for d in items):
        return (torch.zeros(items),)
    return tuple(e if isinstance(e, torch.Tensor) else torch.zeros(list(e)) for e in items)


def from_torch(module, example_input_or_shape, name: Optional[str] = None) -> Graph:
    """Trace `module` on an example input (a tensor, a shape such as ``(1, 3, 224, 224)``, or a tuple of
    tensors/shapes for several inputs) and return its op graph. Raises `InputError` (with a fix) for modules
    torch.export cannot trace and for dynamic shapes; unsupported ops are ``other`` nodes with notes."""
    torch = _import_torch()
    cls = type(module).__name__
    source = f"<torch module {cls}>"
    try:
        args = _example_args(torch, example_input_or_shape)
    except (TypeError, ValueError, RuntimeError) as e:
        raise InputError(file=source, message=f"bad example input {example_input_or_shape!r}: {e}",
                         fix="pass a tensor, a shape such as (1, 3, 224, 224), or a tuple of them") from e
    was_training = module.training
    module.eval()
    misfits: list[InputError] = []
    hooks = [m.register_forward_pre_hook(_weight_check(torch, path, source, args, misfits))
             for path, m in module.named_modules() if isinstance(m, _weighted_modules(torch))]
    quiet = logging.getLogger("torch._subclasses.fake_tensor")  # logs a traceback for each failing shape check
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        ep = torch.export.export(module, args, strict=False)
    except Exception as e:  # torch.export raises many unrelated types (UserError, GuardOnDataDependent, ...)
        if misfits:
            raise misfits[0] from e
        first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
        raise InputError(file=source, message=f"torch.export cannot trace {cls}: {type(e).__name__}: {first}",
                         fix="make forward traceable: no Python control flow on tensor values (use torch.where "
                             "or torch.cond), no data-dependent shapes, example inputs of the right shape and "
                             "dtype") from e
    finally:
        module.train(was_training)
        quiet.setLevel(level)
        for hook in hooks:
            hook.remove()
    return _Importer(torch, ep, Graph(name or cls), source).run()


def _weighted_modules(torch) -> tuple:
    nn = torch.nn
    return (nn.modules.conv._ConvNd, nn.Linear, nn.RNNBase)


def _weight_check(torch, path: str, source: str, args: tuple, misfits: list):
    """A forward pre-hook recording (in `misfits`) an InputError when module `path` gets an input whose
    channels / features do not match its weights (which torch.export reports without naming the layer)."""

    def hook(module, inputs):
        x = inputs[0] if inputs else None
        if misfits or not isinstance(x, torch.Tensor) or x.dim() == 0:
            return
        if isinstance(module, torch.nn.modules.conv._ConvNd):
            dim, want, what = 1, module.in_channels, f"{module.in_channels} input channels"
        elif isinstance(module, torch.nn.RNNBase):
            dim, want, what = -1, module.input_size, f"{module.input_size} input features"
        else:
            dim, want, what = -1, module.in_features, f"{module.in_features} input features"
        got = tuple(int(d) for d in x.shape)
        if got[dim] == want:
            return
        fix = "give an input shape that fits the model's first layer"
        if any(tuple(a.shape) == got for a in args if isinstance(a, torch.Tensor)):
            fixed = list(got)
            fixed[dim] = want
            fix = f"pass --input-shape {','.join(map(str, fixed))} (dimension {dim % len(got)} = {want})"
        name = path or type(module).__name__
        misfits.append(InputError(file=source, layer=name, fix=fix,
                                  message=f"{type(module).__name__} gets an input of shape {got}, its weights "
                                          f"expect {what}"))

    return hook


def from_torch_factory(spec: str, input_shape: Optional[Sequence[int]], name: Optional[str] = None) -> Graph:
    """Build the module returned by ``package.module:function`` (called without arguments) and trace it
    on a float input of `input_shape` (int64 token ids of that shape when the model's first op is an
    embedding lookup)."""
    mod_name, sep, attr = spec.partition(":")
    if not sep or not mod_name or not attr:
        raise InputError(file=spec, message="a PyTorch factory must be written package.module:function",
                         fix="e.g. mypkg.models:resnet18")
    if input_shape is None:
        raise InputError(file=spec, message="a PyTorch model needs an input shape",
                         fix="pass --input-shape, e.g. 1,3,224,224")
    try:
        obj = importlib.import_module(mod_name)
    except ImportError as e:
        raise InputError(file=spec, message=f"cannot import {mod_name!r}: {e}",
                         fix="install the package or put it on PYTHONPATH") from e
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise InputError(file=spec, message=f"{mod_name!r} has no attribute {attr!r}",
                             fix="check the function name")
        obj = getattr(obj, part)
    torch = _import_torch()
    module = obj() if callable(obj) and not isinstance(obj, torch.nn.Module) else obj
    if not isinstance(module, torch.nn.Module):
        raise InputError(file=spec, message=f"{attr} returned {type(module).__name__}, not a torch.nn.Module",
                         fix="point at a function that builds and returns the model")
    shape = tuple(int(d) for d in input_shape)
    name = name or attr.split(".")[-1]
    try:
        return from_torch(module, torch.zeros(shape), name=name)
    except InputError as e:  # a model taking token ids (an embedding first): the same shape as int64 ids
        if "indices" not in e.message or "Long" not in e.message:
            raise
    return from_torch(module, torch.zeros(shape, dtype=torch.long), name=name)
