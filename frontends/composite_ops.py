"""What the PyTorch and ONNX frontends share: node names (`Namer`) and composite ops lowered to MAC ops
(two-operand einsum, attention, recurrent layers).

Both frontends name nodes the same way, so a module and its ONNX export give the same layer table:

* a MAC op with a weight (conv, linear, conv_transpose) is named after the module it runs in
  (``features.0``, ``layer1.0.conv1``; ``conv`` / ``linear`` at the top level);
* every other node is ``<module>.<op>`` (``attn.matmul``, ``layer1.0.relu.relu``) or ``<op>`` at the top;
* repeats get ``_1``, ``_2``, ... in graph order.
"""

from __future__ import annotations

import math
from typing import Callable, Optional, Sequence


class Unsupported(Exception):
    """An op (or an einsum equation) the frontends cannot lower; `mac` says whether it carries MACs."""

    def __init__(self, message: str, mac: bool = True):
        super().__init__(message)
        self.mac = mac


class Namer:
    """Unique node names from (module scope, op)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def reserve(self, name: str) -> str:
        """`name` itself, or `name_1`, `name_2`, ... if taken."""
        out, i = name, 1
        while out in self._used:
            out, i = f"{name}_{i}", i + 1
        self._used.add(out)
        return out

    def __call__(self, scope: str, op: str, weighted: bool = False) -> str:
        if weighted:
            return self.reserve(scope or op)
        return self.reserve(f"{scope}.{op}" if scope else op)


def torchscript_scope(node_name: str) -> str:
    """Module path from a TorchScript-exported ONNX node name: ``/attn/qkv/MatMul`` -> ``attn.qkv``,
    ``/layer2/layer2.0/downsample/downsample.0/Conv`` -> ``layer2.0.downsample.0``, ``/Add`` -> ``""``
    (a container's child segment repeats the container's segment as a prefix)."""
    parts, prev = [], None
    for seg in node_name.split("/")[1:-1]:
        parts.append(seg[len(prev) + 1:] if prev is not None and seg.startswith(prev + ".") else seg)
        prev = seg
    return ".".join(parts)


def _parse_einsum(equation: str, shapes: Sequence[Sequence[int]]) -> tuple[list[str], str]:
    """Operand subscripts and output subscripts with ``...`` expanded to fresh capital letters."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise Unsupported(f"einsum {equation!r} names {len(terms)} operands but has {len(shapes)}")
    n_ell = max((len(s) - (len(t) - 3) for t, s in zip(terms, shapes) if "..." in t), default=0)
    ell = "".join(chr(ord("Z") - i) for i in range(n_ell))[::-1]
    out_terms = []
    for t, s in zip(terms, shapes):
        if "..." in t:
            t = t.replace("...", ell[n_ell - (len(s) - (len(t) - 3)):])
        if len(t) != len(s) or not t.isalpha():
            raise Unsupported(f"einsum {equation!r}: subscripts {t!r} do not match an operand of shape "
                              f"{tuple(s)}")
        out_terms.append(t)
    if arrow:
        rhs = rhs.replace("...", ell)
    else:
        letters = "".join(out_terms)
        rhs = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    return out_terms, rhs


def einsum(g, equation: str, operands: Sequence[str], out_shape: Sequence[int],
           name: Callable[[str], str]) -> str:
    """Lower a MAC-carrying two-operand einsum onto `g` as (reshape) -> matmul -> (reshape).

    Letters in both operands and the output are batch dims (the matmul repeat), in both operands only are
    contracted (k), in one operand and the output are m (first operand) or n (second). Operands are brought
    to (batch..., m, k) and (batch..., k, n) by ``reshape``-kind nodes when their layout differs. `name(op)`
    makes a node name. Raises `Unsupported` for other forms (3+ operands, repeated subscripts, a dimension
    summed in one operand only); a one-operand permutation becomes a permute node.
    """
    shapes = [g.shape(x) for x in operands]
    terms, rhs = _parse_einsum(equation, shapes)
    if any(len(set(t)) != len(t) for t in terms + [rhs]):
        raise Unsupported(f"einsum {equation!r} repeats a subscript (diagonal): not lowered")
    if len(terms) == 1:
        if sorted(terms[0]) != sorted(rhs):
            raise Unsupported(f"einsum {equation!r} sums over an operand: no MACs", mac=False)
        return g.permute(operands[0], [terms[0].index(c) for c in rhs], name=name("permute"))
    if len(terms) != 2:
        raise Unsupported(f"einsum {equation!r} has {len(terms)} operands: only two-operand equations are "
                          "lowered (write it as a chain of two-operand einsums or matmuls)")
    ta, tb = terms
    for c in set(ta + tb) ^ set(rhs):
        if c in rhs or (c in ta) != (c in tb):
            raise Unsupported(f"einsum {equation!r}: dimension {c!r} is summed in one operand only (or is "
                              "missing from the operands): not lowered")
    size = {c: d for t, s in zip(terms, shapes) for c, d in zip(t, s)}
    for t, s in zip(terms, shapes):
        for c, d in zip(t, s):
            if d != size[c] and 1 not in (d, size[c]):
                raise Unsupported(f"einsum {equation!r}: dimension {c!r} has sizes {d} and {size[c]}")
            size[c] = max(d, size[c])
    batch = [c for c in rhs if c in ta and c in tb]
    m = [c for c in rhs if c in ta and c not in tb]
    n = [c for c in rhs if c in tb and c not in ta]
    k = [c for c in ta if c in tb and c not in rhs]

    def canonical(x: str, t: str, s: Sequence[int], rows: list[str], cols: list[str]) -> str:
        own = dict(zip(t, s))
        order = batch + rows + cols
        perm = [t.index(c) for c in order]
        target = [own[c] for c in batch] + [math.prod(own[c] for c in rows), math.prod(own[c] for c in cols)]
        if perm != sorted(perm):
            x = g.permute(x, perm, name=name("permute"))
        if list(g.shape(x)) != target:
            x = g.reshape(x, target, name=name("reshape"))
        return x

    a = canonical(operands[0], ta, shapes[0], m, k)
    b = canonical(operands[1], tb, shapes[1], k, n)
    y = g.matmul(a, b, name=name("matmul"))
    order = batch + m + n
    grouped = [size[c] for c in batch] + [math.prod(size[c] for c in order[len(batch):len(batch) + len(m)]),
                                          math.prod(size[c] for c in n)]
    if list(g.shape(y)) != grouped:
        raise Unsupported(f"einsum {equation!r}: broadcast batch dims give {g.shape(y)}, expected {grouped}")
    if [size[c] for c in order] != list(g.shape(y)):
        y = g.reshape(y, [size[c] for c in order], name=name("reshape"))
    perm = [order.index(c) for c in rhs]
    if perm != sorted(perm):
        y = g.permute(y, perm, name=name("permute"))
    if tuple(g.shape(y)) != tuple(out_shape):
        raise Unsupported(f"einsum {equation!r}: lowered shape {g.shape(y)} differs from {tuple(out_shape)}")
    return y


#: Gate GEMMs per recurrent cell: W_ih and W_hh have gates x hidden rows.
RNN_GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def recurrent_layer(g, x: str, cell: str, hidden: int, directions: int, bias: bool,
                    name: Callable[[str], str]) -> str:
    """One LSTM / GRU / RNN layer on a time-major input x (T, B, F) -> (T, B, directions * hidden).

    Per direction: the input projections of all T steps as one ``linear`` (GEMM M = T*B, K = F, N = gates *
    hidden, with W_ih and b_ih) and the recurrent product of each step as a ``matmul`` of the previous hidden
    states (T, B, hidden) by W_hh (hidden, gates * hidden): GEMM M = B, K = hidden, N = gates * hidden repeated
    T times (one per step: step t needs step t-1's output). Gate nonlinearities and the state update are an
    ``other`` node (no MACs). `name(role)` makes a node name (roles ``ih``, ``hh``, ``weight_hh``, ...).
    """
    steps, batch, _ = g.shape(x)
    n = RNN_GATES[cell] * hidden
    outs = []
    for sfx in ("", "_reverse")[:directions]:
        ih = g.linear(x, n, bias=bias, name=name(f"ih{sfx}"))
        state = g.other([ih], (steps, batch, hidden), "rnn_state", note="hidden state of the previous step",
                        name=name(f"state{sfx}"))
        hh = g.matmul(state, g.parameter((hidden, n), name=name(f"weight_hh{sfx}")), name=name(f"hh{sfx}"))
        if bias:
            hh = g.add(hh, g.parameter((n,), name=name(f"bias_hh{sfx}")), name=name(f"add{sfx}"))
        outs.append(g.other([ih, hh], (steps, batch, hidden), cell, note="gates and state update; no MACs",
                            name=name(f"{cell}{sfx}")))
    return outs[0] if directions == 1 else g.concat(outs, axis=2, name=name("concat"))


def attention(g, q: str, k: str, v: str, mask: Optional[str], name: Callable[[str], str]) -> str:
    """Scaled dot-product attention on (..., heads, L, E) query and (..., kv_heads, S, E) key / value
    handles: ``matmul`` (Q K^T), ``add`` of `mask` (if any), ``softmax``, ``matmul`` (P V) -> (..., heads,
    L, Ev). Grouped-query key/value heads are repeated to the query heads first (a ``repeat_kv`` node)."""
    qs = g.shape(q)
    r = len(g.shape(k))
    if r >= 3 and len(qs) == r and g.shape(k)[-3] != qs[-3]:
        k, v = (g.other([t], g.shape(t)[:-3] + (qs[-3],) + g.shape(t)[-2:], "repeat_kv",
                        note="key/value heads repeated for grouped-query attention", name=name("repeat_kv"))
                for t in (k, v))
    s = g.matmul(q, g.permute(k, list(range(r - 2)) + [r - 1, r - 2], name=name("permute")), name=name("matmul"))
    if mask is not None:
        s = g.add(s, mask, name=name("add"))
    return g.matmul(g.softmax(s, -1, name=name("softmax")), v, name=name("matmul"))
