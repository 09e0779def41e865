"""The DARTS / NAS-Bench-301 cell search space on CIFAR-10, as arrays and as graphs.

Network (DARTS reference code, quark0/darts `cnn/model.py` NetworkCIFAR and `cnn/operations.py`; the
NAS-Bench-301 training setting: C = 32 initial channels, 8 cells, 32x32 input, 10 classes):

* stem: conv 3x3 (3 -> 3C, padding 1) + BN;
* `cells` cells; those at cells//3 and 2*cells//3 are reduction cells (channels x2, stride 2 on the edges
  from the two cell inputs). A cell with C channels: preprocess0 = ReLU-conv1x1-BN (C_prev_prev -> C), or
  FactorizedReduce (C_prev_prev -> C) after a reduction cell; preprocess1 = ReLU-conv1x1-BN (C_prev -> C);
  4 intermediate nodes, node i the sum of 2 edges from distinct earlier states (the 2 cell inputs and nodes
  before i); the output concatenates the 4 nodes (4C channels);
* global average pooling and a linear classifier (4C_last -> 10). The auxiliary head (training only) is
  not part of the network.

Edge ops (DARTS PRIMITIVES; NAS-Bench-301 samples the 7 non-`none` ones): max/avg_pool_3x3 (padding 1),
skip_connect (identity, or FactorizedReduce at stride 2: ReLU, two 1x1 stride-2 convs C -> C/2, the second on
x[:, :, 1:, 1:], concat, BN), sep_conv_kxk (twice ReLU, depthwise kxk, pointwise 1x1, BN; stride on the first
depthwise), dil_conv_kxk (ReLU, depthwise kxk dilation 2, pointwise, BN).

Encoding (= supernet decisions): one op index per edge of the DARTS supernet, 14 edges per cell type in
NAS-Bench-301's order (node 0: inputs 0, 1; node 1: inputs 0..2; node 2: 0..3; node 3: 0..4), normal cell
first: `[28]` ints in 0..7, 0 = `none`. A NAS-Bench-301 architecture has exactly 2 non-`none` edges per
node; the supernet form relaxes every edge to a softmax over the 8 ops (DARTS's mixed op). Layer order:
stem, then per cell preprocess0, preprocess1 and the edges in encoding order (a node's two edges by input
index, which is how `encode_genotype` canonicalizes DARTS genotypes; the sum is commutative), classifier.
NAS-Bench-301's ConfigSpace maps directly: its `edge_normal_k` is our edge k of the normal cell, its
`inputs_node_normal_{3,4,5}` say which edges of nodes 1..3 are not `none`. FactorizedReduce's shifted input
x[:, :, 1:, 1:] is an `other` ("slice") node, so its second conv is written on an (H-1) x (H-1) input.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from diffhw.frontends.graph import Graph
from diffhw.frontends.nas.supernet import (Decision, Sample, Slot, SuperNet, build_supernet, check_encoding,
                                           conv_layer, conv_out, linear_layer)

#: DARTS PRIMITIVES; index 0 (`none`) marks an unused edge.
OPS = ("none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3",
       "dil_conv_5x5")
NODES = 4
#: (node, input) of the 14 supernet edges of a cell, in NAS-Bench-301's edge order.
EDGES = tuple((node, i) for node in range(NODES) for i in range(node + 2))
CELL_TYPES = ("normal", "reduce")
NUM_CLASSES = 10
RESOLUTION = 32
STEM_MULTIPLIER = 3

#: DARTS (second order) genotype from the DARTS paper / reference code: (op, input) pairs, 2 per node.
DARTS_V2 = {
    "normal": [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
               ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)],
    "reduce": [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
               ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)],
}


def _cells(channels: int, cells: int) -> list[dict]:
    """Per cell: reduction, reduction_prev, C, C_prev_prev, C_prev and H of its inputs (s0 at H0, s1 at H)."""
    out, red_prev = [], False
    c_pp = c_p = STEM_MULTIPLIER * channels
    h_pp = h_p = RESOLUTION
    c = channels
    for i in range(cells):
        red = i in (cells // 3, 2 * cells // 3)
        c = 2 * c if red else c
        out.append(dict(reduction=red, reduction_prev=red_prev, C=c, C_pp=c_pp, C_p=c_p, H0=h_pp, H=h_p))
        h_pp, h_p = h_p, conv_out(h_p, 1, 2) if red else h_p
        c_pp, c_p, red_prev = c_p, NODES * c, red
    return out


def _factorized_reduce_rows(c_in, c, h) -> list[dict]:
    """FactorizedReduce's two 1x1 stride-2 convs c_in -> c/2 (the second on x[:, :, 1:, 1:])."""
    return [conv_layer(c_in, c // 2, 1, h, 2), conv_layer(c_in, c // 2, 1, h - 1, 2)]


def _merge(cond, a: dict, b: dict) -> dict:
    """Row `a` where `cond`, else row `b` (two ops' layers at the same position of an edge)."""
    return {f: np.where(cond, a[f], b[f]) for f in a}


def _op_rows(op, c: int, h: int, stride: int) -> list[dict]:
    """Candidate MAC layers of an edge (op: OPS indices `[J]`) on C channels at H x H: up to 4 rows."""
    ho = conv_out(h, 3, stride, 1)
    sep = (op == OPS.index("sep_conv_3x3")) | (op == OPS.index("sep_conv_5x5"))
    dil = (op == OPS.index("dil_conv_3x3")) | (op == OPS.index("dil_conv_5x5"))
    k = np.where((op == OPS.index("sep_conv_5x5")) | (op == OPS.index("dil_conv_5x5")), 5, 3)
    fr = (op == OPS.index("skip_connect")) & (stride == 2)
    dw = conv_layer(c, c, k, h, stride, np.where(dil, k - 1, k // 2), np.where(dil, 2, 1), depthwise=True,
                    valid=sep | dil)
    fr1, fr2 = _factorized_reduce_rows(c, c, h)
    return [_merge(fr, fr1, dw), _merge(fr, fr2, conv_layer(c, c, 1, ho, valid=sep | dil)),
            conv_layer(c, c, k, ho, 1, k // 2, depthwise=True, valid=sep), conv_layer(c, c, 1, ho, valid=sep)]


def _preprocess_rows(c_in, c, h, reduce_input: bool) -> list[dict]:
    """preprocess0/1: ReLU-conv1x1-BN, or FactorizedReduce when the input is at twice the size."""
    return _factorized_reduce_rows(c_in, c, h) if reduce_input else [conv_layer(c_in, c, 1, h)]


def _decisions() -> list[Decision]:
    return [Decision(f"{t}.node{n}.in{i}", tuple(range(len(OPS))), OPS) for t in CELL_TYPES for n, i in EDGES]


def supernet(channels: int = 32, cells: int = 8) -> SuperNet:
    """The DARTS supernet: slots = stem, per cell preprocess0/1 and 14 edges (8 options each), classifier."""
    decisions = _decisions()
    slots = [Slot("stem", (), lambda v: [conv_layer(3, STEM_MULTIPLIER * channels, 3, RESOLUTION, 1, 1)])]
    max_layers = 2
    for i, cell in enumerate(_cells(channels, cells)):
        c, t = cell["C"], int(cell["reduction"])
        slots.append(Slot(f"cell{i}.pre0", (), lambda v, cell=cell: _preprocess_rows(
            cell["C_pp"], cell["C"], cell["H0"], cell["reduction_prev"])))
        slots.append(Slot(f"cell{i}.pre1", (), lambda v, cell=cell: _preprocess_rows(cell["C_p"], cell["C"],
                                                                                     cell["H"], False)))
        h_nodes = conv_out(cell["H"], 1, 2) if cell["reduction"] else cell["H"]
        for e, (node, inp) in enumerate(EDGES):
            stride = 2 if cell["reduction"] and inp < 2 else 1
            h = cell["H"] if inp < 2 else h_nodes
            slots.append(Slot(f"cell{i}.node{node}.in{inp}", (t * len(EDGES) + e,),
                              lambda v, c=c, h=h, s=stride: _op_rows(v[0], c, h, s)))
        max_layers += 2 + cell["reduction_prev"] + 2 * NODES * 4  # 2 edges per node, <= 4 layers per op
    last = NODES * _cells(channels, cells)[-1]["C"]
    slots.append(Slot("classifier", (), lambda v: [linear_layer(last, NUM_CLASSES)]))
    return build_supernet("darts", decisions, slots, max_layers)


def random_encodings(n: int, seed: int) -> np.ndarray:
    """NAS-Bench-301's uniform distribution: per cell type and node, 2 distinct inputs and an op among the 7
    non-`none` ops per chosen edge. Returns `[n, 28]` (vectorized; deterministic per seed)."""
    rng = np.random.default_rng(seed)
    enc = np.zeros((n, len(CELL_TYPES), len(EDGES)), np.int64)
    start = 0
    for node in range(NODES):
        k = node + 2
        picks = np.argsort(rng.random((n, len(CELL_TYPES), k)), axis=-1)[..., :2]
        ops = rng.integers(1, len(OPS), size=(n, len(CELL_TYPES), 2))
        np.put_along_axis(enc[..., start:start + k], picks, ops, axis=-1)
        start += k
    return enc.reshape(n, -1)


def sample(n: int, seed: int = 0, channels: int = 32, cells: int = 8) -> Sample:
    """`n` random NAS-Bench-301 architectures: Layers `[n, L]` + encodings `[n, 28]` (see module doc)."""
    net = supernet(channels, cells)
    return net.sample(random_encodings(n, seed), net.names(n, seed))


def encode_genotype(normal: Sequence[tuple[str, int]], reduce: Sequence[tuple[str, int]]) -> np.ndarray:
    """A DARTS genotype (per cell type 8 (op, input) pairs, 2 per node) -> encoding `[28]`."""
    enc = np.zeros((len(CELL_TYPES), len(EDGES)), np.int64)
    for t, pairs in enumerate((normal, reduce)):
        if len(pairs) != 2 * NODES:
            raise ValueError(f"a DARTS {CELL_TYPES[t]} genotype has {2 * NODES} (op, input) pairs, got {len(pairs)}")
        for k, (op, inp) in enumerate(pairs):
            node = k // 2
            if op not in OPS[1:] or not 0 <= inp < node + 2 or enc[t, EDGES.index((node, inp))]:
                raise ValueError(f"{CELL_TYPES[t]} node {node}: bad edge ({op!r}, {inp}) (ops {OPS[1:]}, inputs "
                                 f"0..{node + 1}, distinct per node)")
            enc[t, EDGES.index((node, inp))] = OPS.index(op)
    return enc.reshape(-1)


def _relu_conv_bn(g: Graph, x: str, c: int, name: str) -> str:
    return g.norm(g.conv(g.act(x, name=f"{name}.relu"), c, 1, name=f"{name}.conv"), name=f"{name}.bn")


def _factorized_reduce(g: Graph, x: str, c: int, name: str) -> str:
    x = g.act(x, name=f"{name}.relu")
    n, ch, h, w = g.shape(x)
    a = g.conv(x, c // 2, 1, stride=2, name=f"{name}.conv_1")
    shifted = g.other(x, (n, ch, h - 1, w - 1), "slice", "x[:, :, 1:, 1:]", name=f"{name}.shift",
                      attrs={"starts": [1, 1], "ends": [h, w], "axes": [2, 3]})  # (what an exporter needs)
    b = g.conv(shifted, c // 2, 1, stride=2, name=f"{name}.conv_2")
    return g.norm(g.concat([a, b], name=f"{name}.cat"), name=f"{name}.bn")


def _edge(g: Graph, x: str, op: str, c: int, stride: int, name: str) -> str:
    """One edge op (DARTS operations.py) applied to state x."""
    if op in ("max_pool_3x3", "avg_pool_3x3"):
        return g.pool(x, 3, stride, 1, op=op[:3], name=f"{name}.{op}")
    if op == "skip_connect":
        return x if stride == 1 else _factorized_reduce(g, x, c, f"{name}.{op}")
    k, name = int(op[-1]), f"{name}.{op}"
    if op.startswith("dil_conv"):
        x = g.conv(g.act(x, name=f"{name}.relu"), c, k, stride, k - 1, groups=c, dilation=2, name=f"{name}.dw")
        return g.norm(g.conv(x, c, 1, name=f"{name}.pw"), name=f"{name}.bn")
    for j, s in enumerate((stride, 1)):
        x = g.conv(g.act(x, name=f"{name}.relu{j}"), c, k, s, k // 2, groups=c, name=f"{name}.dw{j}")
        x = g.norm(g.conv(x, c, 1, name=f"{name}.pw{j}"), name=f"{name}.bn{j}")
    return x


def decode(encoding: Sequence[int], channels: int = 32, cells: int = 8, name: str = "darts") -> Graph:
    """The network of one encoding `[28]` as a builder graph (input (1, 3, 32, 32))."""
    enc = check_genotype(encoding)
    with Graph(name) as g:
        x = g.input((1, 3, RESOLUTION, RESOLUTION))
        s0 = s1 = g.norm(g.conv(x, STEM_MULTIPLIER * channels, 3, padding=1, name="stem.conv"), name="stem.bn")
        for i, cell in enumerate(_cells(channels, cells)):
            c, t, p = cell["C"], int(cell["reduction"]), f"cell{i}"
            states = [_factorized_reduce(g, s0, c, f"{p}.pre0") if cell["reduction_prev"]
                      else _relu_conv_bn(g, s0, c, f"{p}.pre0"), _relu_conv_bn(g, s1, c, f"{p}.pre1")]
            for node in range(NODES):
                outs = [_edge(g, states[inp], OPS[enc[t, e]], c, 2 if cell["reduction"] and inp < 2 else 1,
                              f"{p}.node{node}.in{inp}")
                        for e, (nd, inp) in enumerate(EDGES) if nd == node and enc[t, e]]
                states.append(g.add(*outs, name=f"{p}.node{node}"))
            s0, s1 = s1, g.concat(states[2:], name=f"{p}.out")
        g.linear(g.flatten(g.global_pool(s1, name="pool")), NUM_CLASSES, name="classifier")
    return g


def check_genotype(encoding: Sequence[int]) -> np.ndarray:
    """Validate an encoding `[28]` (option ranges, exactly 2 edges per node); returns it as `[2, 14]`."""
    enc = check_encoding("darts", _decisions(), encoding).reshape(len(CELL_TYPES), len(EDGES))
    for t in range(len(CELL_TYPES)):
        for node in range(NODES):
            used = sum(bool(enc[t, e]) for e, (nd, _) in enumerate(EDGES) if nd == node)
            if used != 2:
                raise ValueError(f"darts: {CELL_TYPES[t]} node {node} has {used} non-none incoming edges; the "
                                 "NAS-Bench-301 space has exactly 2")
    return enc
