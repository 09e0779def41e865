"""Op graph and Python builder: the one place where a model's ops become MAESTRO layers.

Every frontend (the builder below, the zoo, PyTorch, ONNX, NAS decoders, MAESTRO files) produces a `Graph`:
a list of `Node`s in topological order, each with its output shape and attributes. MAC-carrying nodes
(``conv``, ``linear``, ``matmul``, ``conv_transpose``) are lowered to `LayerSpec`s by `Graph.mac_layers`;
all other nodes stay in the graph with their shapes (for exporters that place them on a device)::

    with Graph("net") as g:
        x = g.input((1, 3, 224, 224))
        x = g.act(g.norm(g.conv(x, 64, 3, stride=2, padding=1)))
        x = g.linear(g.flatten(g.global_pool(x)), 1000)
    g.macs(), g.params(), g.to_layers()

Shapes are NCHW for images and (B, ..., F) for sequences. Lowering (`convention`):

* ``conv``, groups == 1: CONV with K = out, C = in, R, S = kernel, strides. ``"padded"`` (default): Y, X
  include the padding (Y = H + pad_top + pad_bottom), so MACs equal the real layer's; a dilated kernel is
  written with R = kh taps on Y = (H_out - 1) * stride + kh (same output size, real MACs). N = batch, written
  only when > 1. ``"maestro"``: what MAESTRO's own PyTorch frontend writes: Y, X = unpadded input size,
  kernel as is, dilation ignored, no N.
* depthwise (groups == in_channels, out = m * in): DSCONV with K = 1, C = in; a channel multiplier m > 1
  is the same DSCONV repeated m times.
* other grouped convs: ``"padded"``: one CONV with K = out/g, C = in/g, repeated g times (the per-group work;
  MACs exact). ``"maestro"``: one CONV with the full K and C, as MAESTRO's frontend writes it (g times the
  real MACs).
* ``linear`` on (B, ..., F): ``"padded"``: GEMM with M = product of the leading dims, K = in, N = out;
  ``"maestro"``: CONV 1x1 on a 1x1 input (K = out, C = in, no Stride line, batch and sequence dropped).
* ``matmul`` (..., m, k) @ (..., k, n): GEMM M = m, K = k, N = n repeated batch times (batch x heads), in
  both conventions.
* 1-D convs (N, C, L): the 2-D rules with R = Y = 1 (S = kernel, X = L + padding). 3-D convs (N, C, D, H,
  W): the 2-D rules on the (H, W) plane with the kd depth taps folded into C (C = in * kd: an output plane
  sums kd input planes of every channel) and repeated D_out times (one per output depth position); a
  depthwise 3-D conv with kd > 1 is a grouped CONV (K = m, C = kd) repeated channels x D_out times.
* ``conv_transpose`` (1-, 2-, 3-D, any stride, dilation, padding, groups) in its scatter form: every input
  position multiplies every kernel tap once, so it is the CONV of the grouped-conv rules with K = out/g,
  C = in/g, R x S = the kernel on the *input* plane padded by kernel - 1 (Y = H + R - 1), stride 1. Its MACs
  are N * in * out/g * prod(kernel) * prod(input size), the count of `torch.utils.flop_counter` (a conv on
  the zero-inserted input would count about stride^2 times more: multiplications by inserted zeros); the
  strided scatter of the outputs is not modelled. (MAESTRO's own TRCONV type is not used yet.)

`Graph.macs()` is the sum over layers of `LayerSpec.num_macs() * repeat` in the padded convention.
Padding MACs count (as in torchvision's / fvcore's and `torch.utils.flop_counter`'s counts).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

import numpy as np

from diffhw.errors import InputError
from diffhw.layers import Layers, LayerSpec, Network

__all__ = ["MAC_KINDS", "KINDS", "CONVENTIONS", "TABLE_COLUMNS", "Node", "Graph"]

#: Node kinds that carry MACs (become layers).
MAC_KINDS = ("conv", "linear", "matmul", "conv_transpose")
#: All node kinds. ``parameter`` is a learnable tensor (e.g. ViT's class token), ``embedding`` a table lookup.
KINDS = MAC_KINDS + ("input", "parameter", "embedding", "pool", "global_pool", "act", "add", "mul", "concat",
                     "norm", "reshape", "softmax", "other")
CONVENTIONS = ("padded", "maestro")
#: Columns of `Graph.table` (``M`` for GEMM layers, ``repeat`` = how many times the layer runs).
TABLE_COLUMNS = ("name", "type", "N", "K", "C", "R", "S", "Y", "X", "stride_y", "stride_x", "groups", "macs",
                 "params", "M", "repeat")

Handle = Union[str, "Node"]
_BAD_NAME_CHARS = re.compile(r"[ ,\->():\t;\r\n{}/]+")


@dataclass(frozen=True)
class Node:
    """One op: `shape` is its output tensor's shape, `params` its learnable parameters (weights + bias)."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    shape: tuple[int, ...]
    attrs: Mapping[str, Any] = field(default_factory=dict)
    params: int = 0

    @property
    def is_mac(self) -> bool:
        return self.kind in MAC_KINDS


def _ints(value, n: int) -> Optional[tuple[int, ...]]:
    """`value` as an n-tuple of ints (an int is repeated), or None if it is not one."""
    try:
        t = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    except TypeError:
        return None
    if len(t) != n or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in t):
        return None
    return tuple(int(v) for v in t)


class Graph:
    """An op graph and its builder. Builder methods append a node and return its name (the handle to pass
    to later calls); they raise ValueError naming the node for inconsistent shapes or arguments."""

    def __init__(self, name: str, input_shape: Optional[Sequence[int]] = None):
        self.name = name
        self.nodes: list[Node] = []
        self._by_name: dict[str, Node] = {}
        if input_shape is not None:
            self.input(input_shape)

    def __enter__(self) -> "Graph":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __getitem__(self, name: str) -> Node:
        return self._by_name[name]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"Graph({self.name!r}, {len(self.nodes)} nodes, {self.macs():,} MACs, {self.params():,} params)"

    # ------------------------------------------------------------------------------------ plumbing

    def _fail(self, kind: str, name: str, msg: str):
        raise ValueError(f"graph {self.name!r}: {kind} node {name!r}: {msg}")

    def _new_name(self, kind: str, name: Optional[str]) -> str:
        if name is None:
            i = sum(n.kind == kind for n in self.nodes)
            name = kind if kind == "input" and i == 0 else f"{kind}{i}"
            while name in self._by_name:
                i += 1
                name = f"{kind}{i}"
        elif not isinstance(name, str) or not name:
            raise ValueError(f"graph {self.name!r}: node names must be non-empty strings, got {name!r}")
        elif name in self._by_name:
            raise ValueError(f"graph {self.name!r}: duplicate node name {name!r}")
        return name

    def _in(self, kind: str, name: str, x: Handle, rank: Optional[int] = None) -> Node:
        key = x.name if isinstance(x, Node) else x
        node = self._by_name.get(key) if isinstance(key, str) else None
        if node is None:
            self._fail(kind, name, f"input {x!r} is not a node of this graph")
        if rank is not None and len(node.shape) != rank:
            self._fail(kind, name, f"expects a rank-{rank} input, got {node.name!r} of shape {node.shape}")
        return node

    def _add(self, kind: str, name: str, inputs: Sequence[Node], shape: Sequence[int],
             attrs: Optional[Mapping[str, Any]] = None, params: int = 0) -> str:
        shape = tuple(int(s) for s in shape)
        if any(s < 1 for s in shape):
            self._fail(kind, name, f"output shape {shape} has an empty dimension")
        node = Node(name, kind, tuple(n.name for n in inputs), shape, dict(attrs or {}), int(params))
        self.nodes.append(node)
        self._by_name[name] = node
        return name

    def shape(self, x: Handle) -> tuple[int, ...]:
        """Output shape of node `x`."""
        node = self._by_name.get(x.name if isinstance(x, Node) else x)
        if node is None:
            raise ValueError(f"graph {self.name!r}: {x!r} is not a node of this graph")
        return node.shape

    # --------------------------------------------------------------------------------- sources

    def input(self, shape: Sequence[int], name: Optional[str] = None) -> str:
        """A graph input of a fixed `shape` (dynamic sizes such as None or -1 are refused)."""
        name = self._new_name("input", name)
        dims = tuple(shape)
        if not dims or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0
                                for s in dims):
            self._fail("input", name, f"shape {dims!r} must be positive integers (dynamic sizes are not "
                                      "supported: give a concrete input shape)")
        return self._add("input", name, (), dims)

    def parameter(self, shape: Sequence[int], name: Optional[str] = None) -> str:
        """A learnable tensor of `shape` (class tokens, position embeddings); counts prod(shape) params."""
        name = self._new_name("parameter", name)
        return self._add("parameter", name, (), shape, params=math.prod(shape))

    def embedding(self, ids: Handle, num_embeddings: int, dim: int, name: Optional[str] = None) -> str:
        """Table lookup: ids (...) -> (..., dim); num_embeddings * dim params, no MACs."""
        name = self._new_name("embedding", name)
        a = self._in("embedding", name, ids)
        attrs = {"num_embeddings": num_embeddings, "dim": dim}
        return self._add("embedding", name, [a], a.shape + (dim,), attrs, num_embeddings * dim)

    # ------------------------------------------------------------------------------------ MAC ops

    def conv(self, x: Handle, out_channels: int, kernel, stride=1, padding=0, groups: int = 1, dilation=1,
             bias: bool = False, name: Optional[str] = None) -> str:
        """1-, 2- or 3-D convolution (N, C, *S) -> (N, out, *S'), d = len(S). `kernel`, `stride`, `dilation`:
        an int or d ints; `padding`: p, d ints, or 2d ints (all begins, then all ends: ONNX-style, e.g.
        (top, left, bottom, right) in 2-D)."""
        name = self._new_name("conv", name)
        a = self._in("conv", name, x)
        d = self._spatial_rank("conv", name, a)
        pads = self._pads("conv", name, padding, d)
        return self._conv_node("conv", name, a, out_channels, kernel, stride, pads, groups, dilation, bias)

    def conv_transpose(self, x: Handle, out_channels: int, kernel, stride=1, padding=0, output_padding=0,
                       groups: int = 1, bias: bool = False, dilation=1, name: Optional[str] = None) -> str:
        """Transposed 1-, 2- or 3-D convolution (torch semantics): S' = (S-1)*s - pad_begin - pad_end +
        d*(k-1) + output_padding + 1; `padding` as for `conv`. Lowered in its scatter form (module
        docstring)."""
        name = self._new_name("conv_transpose", name)
        a = self._in("conv_transpose", name, x)
        d = self._spatial_rank("conv_transpose", name, a)
        k, s, op, dil = (_ints(v, d) for v in (kernel, stride, output_padding, dilation))
        if None in (k, s, op, dil) or min(k + s + dil) < 1 or min(op) < 0:
            self._fail("conv_transpose", name, f"kernel {kernel!r}, stride {stride!r} and dilation {dilation!r} "
                       f"must be ints >= 1, output_padding {output_padding!r} >= 0 ({d} per dimension)")
        pads = self._pads("conv_transpose", name, padding, d)
        c = a.shape[1]
        self._check_groups("conv_transpose", name, a, out_channels, groups)
        out = [(a.shape[2 + i] - 1) * s[i] - pads[i] - pads[d + i] + dil[i] * (k[i] - 1) + op[i] + 1
               for i in range(d)]
        if min(out) < 1:
            self._fail("conv_transpose", name, f"padding {padding!r} leaves no output of input {a.shape}")
        attrs = {"in_channels": c, "out_channels": int(out_channels), "kernel": k, "stride": s,
                 "padding": self._pad_attr(pads), "output_padding": op, "dilation": dil, "groups": int(groups),
                 "bias": bool(bias)}
        params = out_channels * (c // groups) * math.prod(k) + (out_channels if bias else 0)
        return self._add("conv_transpose", name, [a], (a.shape[0], out_channels, *out), attrs, params)

    def _spatial_rank(self, kind: str, name: str, a: Node) -> int:
        if len(a.shape) not in (3, 4, 5):
            self._fail(kind, name, f"expects a (N, C, L), (N, C, H, W) or (N, C, D, H, W) input, got {a.name!r} "
                                   f"of shape {a.shape}")
        return len(a.shape) - 2

    def _pads(self, kind: str, name: str, padding, d: int = 2) -> tuple[int, ...]:
        """(begin..., end...) from p, d ints or 2d ints (2-D: (top, left, bottom, right))."""
        n = 2 * d if not isinstance(padding, (int, np.integer)) and len(tuple(padding)) == 2 * d else d
        p = _ints(padding, n)
        if p is None or min(p) < 0:
            self._fail(kind, name, f"padding {padding!r} must be p, {d} ints or {2 * d} ints (begins, ends), >= 0")
        return p * 2 if n == d else p

    @staticmethod
    def _pad_attr(pads: tuple[int, ...]) -> tuple[int, ...]:
        """The ``padding`` attribute: the begins when they equal the ends, else (begins..., ends...)."""
        d = len(pads) // 2
        return pads[:d] if pads[:d] == pads[d:] else pads

    def _check_groups(self, kind: str, name: str, a: Node, out_channels: int, groups: int) -> None:
        if not isinstance(groups, (int, np.integer)) or groups < 1 or out_channels < 1:
            self._fail(kind, name, f"groups ({groups!r}) and out_channels ({out_channels!r}) must be >= 1")
        if a.shape[1] % groups or out_channels % groups:
            self._fail(kind, name, f"in_channels {a.shape[1]} (from {a.name!r}, shape {a.shape}) and out_channels "
                                   f"{out_channels} must be divisible by groups {groups}")

    def _conv_node(self, kind: str, name: str, a: Node, out_channels: int, kernel, stride,
                   pads: tuple[int, ...], groups: int, dilation, bias: bool) -> str:
        n, c, *size = a.shape
        d = len(size)
        k, s, dil = _ints(kernel, d), _ints(stride, d), _ints(dilation, d)
        if None in (k, s, dil) or min(k + s + dil) < 1:
            self._fail(kind, name, f"kernel {kernel!r}, stride {stride!r} and dilation {dilation!r} must be "
                                   f"ints >= 1 (or {d} of them)")
        self._check_groups(kind, name, a, out_channels, groups)
        out = [(size[i] + pads[i] + pads[d + i] - dil[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(d)]
        if min(out) < 1:
            self._fail(kind, name, f"kernel {k} (dilation {dil}) does not fit the padded input {tuple(size)} + "
                                   f"pads {pads} of {a.name!r}")
        attrs = {"in_channels": c, "out_channels": int(out_channels), "kernel": k, "stride": s,
                 "padding": self._pad_attr(pads), "dilation": dil, "groups": int(groups), "bias": bool(bias)}
        params = out_channels * (c // groups) * math.prod(k) + (out_channels if bias else 0)
        return self._add(kind, name, [a], (n, out_channels, *out), attrs, params)

    def linear(self, x: Handle, out_features: int, bias: bool = True, name: Optional[str] = None) -> str:
        """Fully connected layer on the last dim: (..., F) -> (..., out_features)."""
        name = self._new_name("linear", name)
        a = self._in("linear", name, x)
        f = a.shape[-1]
        attrs = {"in_features": f, "out_features": int(out_features), "bias": bool(bias)}
        params = f * out_features + (out_features if bias else 0)
        return self._add("linear", name, [a], a.shape[:-1] + (out_features,), attrs, params)

    def matmul(self, a: Handle, b: Handle, name: Optional[str] = None) -> str:
        """Batched matrix product with broadcasting (torch.matmul): (..., m, k) @ (..., k, n) -> (..., m, n);
        a 1-D operand is a vector (its dim is dropped from the output)."""
        name = self._new_name("matmul", name)
        na, nb = self._in("matmul", name, a), self._in("matmul", name, b)
        sa = (1,) + na.shape if len(na.shape) == 1 else na.shape
        sb = nb.shape + (1,) if len(nb.shape) == 1 else nb.shape
        if sa[-1] != sb[-2]:
            self._fail("matmul", name, f"inner dimensions differ: {na.name!r} {na.shape} @ {nb.name!r} {nb.shape}")
        try:
            lead = tuple(np.broadcast_shapes(sa[:-2], sb[:-2]))
        except ValueError:
            self._fail("matmul", name, f"batch dimensions of {na.shape} and {nb.shape} do not broadcast")
        m, k, n = sa[-2], sa[-1], sb[-1]
        out = lead + (() if len(na.shape) == 1 else (m,)) + (() if len(nb.shape) == 1 else (n,))
        attrs = {"batch": math.prod(lead), "m": m, "k": k, "n": n}
        return self._add("matmul", name, [na, nb], out or (1,), attrs)

    # -------------------------------------------------------------------------------- non-MAC ops

    def pool(self, x: Handle, kernel, stride=None, padding=0, op: str = "max", ceil_mode: bool = False,
             name: Optional[str] = None) -> str:
        """2-D max/avg pooling (torch output-size rule, incl. ceil_mode); stride defaults to the kernel."""
        name = self._new_name("pool", name)
        a = self._in("pool", name, x, rank=4)
        k = _ints(kernel, 2)
        s = k if stride is None else _ints(stride, 2)
        p = _ints(padding, 2)
        if None in (k, s, p) or min(k + s) < 1 or min(p) < 0:
            self._fail("pool", name, f"bad kernel {kernel!r}, stride {stride!r} or padding {padding!r}")
        out = []
        for size, ki, si, pi in zip(a.shape[2:], k, s, p):
            span = size + 2 * pi - ki
            o = (-(-span // si) if ceil_mode else span // si) + 1
            if ceil_mode and (o - 1) * si >= size + pi:
                o -= 1
            out.append(o)
        attrs = {"kernel": k, "stride": s, "padding": p, "op": op, "ceil_mode": ceil_mode}
        return self._add("pool", name, [a], a.shape[:2] + tuple(out), attrs)

    def global_pool(self, x: Handle, op: str = "avg", output_size=1, name: Optional[str] = None) -> str:
        """Adaptive pooling (N, C, H, W) -> (N, C, oh, ow), by default global: (N, C, 1, 1)."""
        name = self._new_name("global_pool", name)
        a = self._in("global_pool", name, x, rank=4)
        o = _ints(output_size, 2)
        if o is None or min(o) < 1:
            self._fail("global_pool", name, f"bad output_size {output_size!r}")
        return self._add("global_pool", name, [a], a.shape[:2] + o, {"op": op, "output_size": o})

    def act(self, x: Handle, op: str = "relu", name: Optional[str] = None) -> str:
        """Elementwise activation (relu, relu6, gelu, silu, hardswish, sigmoid, tanh, ...)."""
        name = self._new_name("act", name)
        a = self._in("act", name, x)
        return self._add("act", name, [a], a.shape, {"op": op})

    def _binary(self, kind: str, a: Handle, b: Handle, name: Optional[str]) -> str:
        name = self._new_name(kind, name)
        na, nb = self._in(kind, name, a), self._in(kind, name, b)
        try:
            shape = np.broadcast_shapes(na.shape, nb.shape)
        except ValueError:
            self._fail(kind, name, f"shapes {na.shape} ({na.name!r}) and {nb.shape} ({nb.name!r}) do not broadcast")
        return self._add(kind, name, [na, nb], shape)

    def add(self, a: Handle, b: Handle, name: Optional[str] = None) -> str:
        """Elementwise a + b (broadcasting)."""
        return self._binary("add", a, b, name)

    def mul(self, a: Handle, b: Handle, name: Optional[str] = None) -> str:
        """Elementwise a * b (broadcasting), e.g. squeeze-and-excitation scaling."""
        return self._binary("mul", a, b, name)

    def concat(self, xs: Sequence[Handle], axis: int = 1, name: Optional[str] = None) -> str:
        """Concatenate along `axis`; all other dims must agree."""
        name = self._new_name("concat", name)
        ins = [self._in("concat", name, x) for x in xs]
        if not ins:
            self._fail("concat", name, "needs at least one input")
        rank = len(ins[0].shape)
        ax = axis % rank if -rank <= axis < rank else None
        rest = {n.shape[:ax] + n.shape[ax + 1:] for n in ins} if ax is not None else set()
        if ax is None or len(rest) != 1 or any(len(n.shape) != rank for n in ins):
            self._fail("concat", name, f"cannot concatenate shapes {[n.shape for n in ins]} on axis {axis}")
        shape = list(ins[0].shape)
        shape[ax] = sum(n.shape[ax] for n in ins)
        return self._add("concat", name, ins, shape, {"axis": ax})

    def norm(self, x: Handle, op: str = "batch", affine: bool = True, name: Optional[str] = None) -> str:
        """Normalization; counts its affine params: 2 * channels (batch/group/instance: dim 1) or
        2 * features (layer: last dim). Running statistics are buffers, not params."""
        name = self._new_name("norm", name)
        a = self._in("norm", name, x)
        if op not in ("batch", "layer", "group", "instance"):
            self._fail("norm", name, f"unknown norm op {op!r} (batch, layer, group, instance)")
        width = a.shape[-1] if op == "layer" or len(a.shape) < 2 else a.shape[1]
        return self._add("norm", name, [a], a.shape, {"op": op, "affine": affine}, 2 * width if affine else 0)

    def reshape(self, x: Handle, shape: Sequence[int], name: Optional[str] = None) -> str:
        """View with a new shape (one -1 is inferred)."""
        name = self._new_name("reshape", name)
        a = self._in("reshape", name, x)
        shape = [int(s) for s in shape]
        total = math.prod(a.shape)
        if shape.count(-1) == 1:
            known = -math.prod(shape)
            if known > 0 and total % known == 0:
                shape[shape.index(-1)] = total // known
        if math.prod(shape) != total or min(shape, default=1) < 1:
            self._fail("reshape", name, f"cannot reshape {a.shape} ({a.name!r}) to {tuple(shape)}")
        return self._add("reshape", name, [a], shape, {"op": "reshape"})

    def flatten(self, x: Handle, start_dim: int = 1, end_dim: int = -1, name: Optional[str] = None) -> str:
        """torch.flatten: merge dims start_dim..end_dim."""
        name = self._new_name("reshape", name)
        a = self._in("reshape", name, x)
        r = len(a.shape)
        lo, hi = start_dim % r, end_dim % r
        if lo > hi:
            self._fail("reshape", name, f"flatten({start_dim}, {end_dim}) of a rank-{r} tensor")
        shape = a.shape[:lo] + (math.prod(a.shape[lo:hi + 1]),) + a.shape[hi + 1:]
        return self._add("reshape", name, [a], shape, {"op": "flatten", "start_dim": lo, "end_dim": hi})

    def permute(self, x: Handle, dims: Sequence[int], name: Optional[str] = None) -> str:
        """Reorder dims (torch.permute); a ``reshape``-kind node (data movement only)."""
        name = self._new_name("reshape", name)
        a = self._in("reshape", name, x)
        r = len(a.shape)
        perm = tuple(d % r for d in dims) if all(-r <= d < r for d in dims) else ()
        if sorted(perm) != list(range(r)):
            self._fail("reshape", name, f"{tuple(dims)} is not a permutation of the dims of {a.shape}")
        return self._add("reshape", name, [a], [a.shape[d] for d in perm], {"op": "permute", "dims": perm})

    def select(self, x: Handle, axis: int, index: int, name: Optional[str] = None) -> str:
        """x.select(axis, index): drop `axis` keeping one slice (e.g. ViT's class token); ``reshape`` kind."""
        name = self._new_name("reshape", name)
        a = self._in("reshape", name, x)
        r = len(a.shape)
        if not -r <= axis < r or not -a.shape[axis] <= index < a.shape[axis] or r < 2:
            self._fail("reshape", name, f"select({axis}, {index}) out of range for shape {a.shape}")
        ax = axis % r
        return self._add("reshape", name, [a], a.shape[:ax] + a.shape[ax + 1:],
                         {"op": "select", "axis": ax, "index": index % a.shape[ax]})

    def softmax(self, x: Handle, axis: int = -1, name: Optional[str] = None) -> str:
        """Softmax along `axis` (no MACs counted)."""
        name = self._new_name("softmax", name)
        a = self._in("softmax", name, x)
        return self._add("softmax", name, [a], a.shape, {"axis": axis})

    def other(self, inputs: Union[Handle, Sequence[Handle]], shape: Sequence[int], op: str, note: str = "",
              params: int = 0, name: Optional[str] = None, attrs: Optional[Mapping[str, Any]] = None) -> str:
        """An op the graph has no kind for (e.g. interpolate), recorded with its output shape; no MACs.
        `attrs`: what an exporter needs to rebuild it, e.g. op "slice" with ``starts`` / ``ends`` / ``axes``
        (ONNX Slice semantics: x[:, :, 1:, 1:] of (N, C, H, W) is starts (1, 1), ends (H, W), axes (2, 3))."""
        name = self._new_name("other", name)
        ins = [inputs] if isinstance(inputs, (str, Node)) else list(inputs)
        nodes = [self._in("other", name, x) for x in ins]
        return self._add("other", name, nodes, shape, {**(attrs or {}), "op": op, "note": note}, params)

    # ----------------------------------------------------------------------------------- queries

    def unsupported(self) -> list[Node]:
        """The ``other`` nodes (ops recorded without a layer)."""
        return [n for n in self.nodes if n.kind == "other"]

    def params(self) -> int:
        """Learnable parameters of all nodes (weights, biases, norm affines, embeddings)."""
        return sum(n.params for n in self.nodes)

    def macs(self) -> int:
        """Real MACs: sum of num_macs() * repeat over the padded-convention layers."""
        return sum(spec.num_macs() * rep for _, spec, rep in self.mac_layers("padded"))

    # ---------------------------------------------------------------------------------- lowering

    def mac_layers(self, convention: str = "padded") -> list[tuple[Node, LayerSpec, int]]:
        """(node, one layer instance, repeat) for every MAC node, in graph order."""
        if convention not in CONVENTIONS:
            raise ValueError(f"unknown convention {convention!r}; use one of {', '.join(CONVENTIONS)}")
        lower = {"conv": self._lower_conv, "conv_transpose": self._lower_conv,
                 "linear": self._lower_linear, "matmul": self._lower_matmul}
        return [(n, *lower[n.kind](n, convention)) for n in self.nodes if n.is_mac]

    def _lower_conv(self, node: Node, convention: str) -> tuple[LayerSpec, int]:
        a = node.attrs
        n, c, *size = self._by_name[node.inputs[0]].shape
        d = len(size)
        k, g, out = a["kernel"], a["groups"], a["out_channels"]
        if node.kind == "conv_transpose":  # scatter form: every input position meets every tap, stride 1
            stride, y = (1,) * d, [h + kk - 1 for h, kk in zip(size, k)]
        elif convention == "maestro":
            stride, y = a["stride"], size
        else:
            stride, pads = a["stride"], self._pads(node.kind, node.name, a["padding"], d)
            y = [size[i] + pads[i] + pads[d + i] if a["dilation"][i] == 1 else
                 (node.shape[2 + i] - 1) * stride[i] + k[i] for i in range(d)]
        # (R, S), (Y, X), strides of the lowered 2-D plane; a 1-D conv has R = Y = 1, a 3-D one folds its
        # depth taps into C and runs once per output (transposed: input) depth position.
        rs, yx, st = ((1,) + k[-1:], (1,) + tuple(y[-1:]), (1,) + stride[-1:]) if d == 1 else \
            (k[-2:], tuple(y[-2:]), stride[-2:])
        taps, positions = (k[0], (size if node.kind == "conv_transpose" else node.shape[2:])[0]) if d == 3 \
            else (1, 1)
        if g == 1:
            op, kk, cin, rep = "CONV", out, c * taps, 1
        elif g == c and taps == 1:
            op, kk, cin, rep = "DSCONV", 1, c, out // c
        elif convention == "maestro":
            op, kk, cin, rep = "CONV", out, c * taps, 1
        else:
            op, kk, cin, rep = "CONV", out // g, c // g * taps, g
        batch = {"N": n} if n > 1 and convention == "padded" else {}
        dims = {**batch, "K": kk, "C": cin, "R": rs[0], "S": rs[1], "Y": yx[0], "X": yx[1]}
        return LayerSpec(node.name, op, dims, {"X": st[1], "Y": st[0]}), rep * positions

    @staticmethod
    def _lower_linear(node: Node, convention: str) -> tuple[LayerSpec, int]:
        f, o = node.attrs["in_features"], node.attrs["out_features"]
        if convention == "maestro":
            return LayerSpec(node.name, "CONV", {"K": o, "C": f, "R": 1, "S": 1, "Y": 1, "X": 1}), 1
        return LayerSpec(node.name, "GEMM", {"M": math.prod(node.shape[:-1]), "N": o, "K": f}), 1

    @staticmethod
    def _lower_matmul(node: Node, convention: str) -> tuple[LayerSpec, int]:
        a = node.attrs
        return LayerSpec(node.name, "GEMM", {"M": a["m"], "N": a["n"], "K": a["k"]}), a["batch"]

    def to_network(self, convention: str = "padded") -> Network:
        """The MAC layers as a MAESTRO network, repeats expanded (``name_0``, ``name_1``, ...), names made
        writable (MAESTRO separators, braces and ``/`` become ``_``) and unique."""
        layers, seen = [], set()
        for _, spec, rep in self.mac_layers(convention):
            base = _BAD_NAME_CHARS.sub("_", spec.name).strip("_") or "layer"
            for i in range(rep):
                name = base if rep == 1 else f"{base}_{i}"
                j = 1
                while name in seen:
                    name, j = f"{base}_{j}" if rep == 1 else f"{base}_{i}_{j}", j + 1
                seen.add(name)
                layers.append(LayerSpec(name, spec.op, spec.dims, spec.stride))
        net_name = _BAD_NAME_CHARS.sub("_", self.name).strip("_") or "network"
        return Network(net_name, tuple(layers), f"<graph {self.name}>")

    def to_layers(self, convention: str = "padded", pad_to: Optional[int] = None) -> Layers:
        """The MAC layers as `Layers` arrays `[L]` (repeats expanded), padded with masked rows to `pad_to`."""
        return Layers.from_specs(self.to_network(convention).layers, pad_to)

    def table(self, convention: str = "padded") -> list[dict]:
        """One row per MAC node (`TABLE_COLUMNS`); `macs` = num_macs() * repeat; dims not used by the layer
        type are None (GEMM: N, K, M only)."""
        rows = []
        for node, spec, rep in self.mac_layers(convention):
            d = spec.input_dims()
            row = {"name": node.name, "type": spec.op, **{f: d.get(f) for f in "NKCRSYXM"},
                   "stride_y": spec.stride.get("Y"), "stride_x": spec.stride.get("X"),
                   "groups": node.attrs.get("groups", 1), "macs": spec.num_macs() * rep,
                   "params": node.params, "repeat": rep}
            if spec.op != "GEMM" and row["N"] is None:
                row["N"] = 1
            rows.append({c: row[c] for c in TABLE_COLUMNS})
        return rows

    # ------------------------------------------------------------------------------ construction

    @classmethod
    def from_network(cls, network: Network) -> "Graph":
        """A graph with one input and one MAC node per MAESTRO layer (the layers are independent; a mapping
        file's dataflows are not kept). CONV ->
        conv on an (N, C, Y, X) input, unpadded (so both conventions give the layer back; N only when > 1);
        DSCONV -> depthwise conv (K is ignored, as MAESTRO does); GEMM -> matmul of an (M, K) input by a
        (K, N) parameter."""
        g = cls(network.name or "network")
        for spec in network.layers:
            d = spec.input_dims()
            name = spec.name
            i = 1
            while name in g._by_name or f"{name}.in" in g._by_name:
                name, i = f"{spec.name}_{i}", i + 1
            if spec.op == "GEMM":
                a = g.input((d["M"], d["K"]), name=f"{name}.in")
                g.matmul(a, g.parameter((d["K"], d["N"]), name=f"{name}.w"), name=name)
                continue
            if spec.op not in ("CONV", "DSCONV"):
                raise ValueError(f"layer {spec.name!r}: type {spec.op!r} has no graph form (CONV, DSCONV, GEMM)")
            x = g.input((d.get("N", 1), d["C"], d["Y"], d["X"]), name=f"{name}.in")
            dw = spec.op == "DSCONV"
            try:
                g.conv(x, d["C"] if dw else d["K"], (d["R"], d["S"]), stride=(spec.stride.get("Y", 1),
                       spec.stride.get("X", 1)), groups=d["C"] if dw else 1, name=name)
            except ValueError as e:
                raise InputError(file=spec.loc.file, line=spec.loc.line, layer=spec.name,
                                 message=f"no op-graph form: {e}",
                                 fix="give the layer an input at least as large as its kernel (Y >= R, X >= S); "
                                     "`diffhw maestro` evaluates such a layer as MAESTRO does") from e
        return g
