"""A digits-sized MBConv search space (scikit-learn's 8x8 handwritten digits), as arrays and as graphs.

Derived from the AlphaNet / AttentiveNAS space (`alphanet`: MobileNetV3-style MBConv stages with width,
depth, kernel size and expand ratio choices), adapted to an 8x8 one-channel input and 10 classes:

* no stride-2 first conv (the input is 8x8): the stem is a 3x3 conv (1 -> width.stem, padding 1) + ReLU6;
* two stages of `BLOCKS` (2) MBConv blocks instead of seven: stage1 at 8x8 (stride 1), stage2 from 8x8 to 4x4
  (stride 2 on its first block); each stage has its own width decision;
* each block has its own op decision (kernel size x expand ratio, DARTS-style one op per edge) instead of
  per-stage kernel / expand decisions, and depth is a "skip" op of every block but a stage's first;
* no squeeze-excite, no normalization (the networks are tiny and train without it), ReLU6 activations,
  no MobileNetV3 head: global average pooling then a linear classifier (width.stage2 -> 10).

MBConv block (MobileNetV2): expand 1x1 (c_in -> c_in * e; absent for e = 1) + ReLU6, depthwise kxk (padding
k//2, the block's stride) + ReLU6, pointwise 1x1 (-> c_out); a block that is not its stage's first adds its
input (identity shortcut). Convs have biases.

Encoding (= supernet decisions, `[7]` option indices): width.stem, width.stage1, width.stage2, then the op of
every block (stage1.0, stage1.1, stage2.0, stage2.1). A first block's op is one of `OPS[1:]`, the others one of `OPS`
(0 = skip). Layer order: stem, per block expand, depthwise, pointwise, classifier.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from diffhw.frontends.graph import Graph
from diffhw.frontends.nas.supernet import (Decision, Sample, Slot, SuperNet, build_supernet, check_encoding,
                                           conv_layer, conv_out, linear_layer, uniform_encodings)

RESOLUTION = 8
IN_CHANNELS = 1
NUM_CLASSES = 10
#: Block ops: (kernel, expand ratio); "skip" has no layers.
OPS = ("skip", "mb3_e1", "mb3_e3", "mb5_e3", "mb3_e6")
OP_SHAPE = {"mb3_e1": (3, 1), "mb3_e3": (3, 3), "mb5_e3": (5, 3), "mb3_e6": (3, 6)}
STEM_WIDTHS = (8, 16)
#: name -> (widths, stride of the first block)
STAGES = {"stage1": ((8, 16, 24), 1), "stage2": ((16, 32, 48), 2)}
BLOCKS = 2
_NAMES = tuple(STAGES)
#: Decision ids: width.stem, width.<stage> (one per stage), then one op per block in network order.
W_STEM, W_STAGE, OP = 0, 1, 1 + len(STAGES)


def _decisions() -> list[Decision]:
    out = [Decision("width.stem", STEM_WIDTHS)]
    out += [Decision(f"width.{n}", STAGES[n][0]) for n in _NAMES]
    for n in _NAMES:
        for i in range(BLOCKS):
            ops = tuple(range(1 if i == 0 else 0, len(OPS)))
            out.append(Decision(f"op.{n}.{i}", ops, tuple(OPS[j] for j in ops)))
    return out


def _stage_sizes() -> list[int]:
    """Input feature-map size of each stage."""
    h, out = RESOLUTION, []
    for _, stride in STAGES.values():
        out.append(h)
        h = conv_out(h, 3, stride, 1)
    return out


def block_shape(stage: int, i: int) -> tuple[int, int]:
    """(input size, stride) of block i of a stage."""
    h, stride = _stage_sizes()[stage], STAGES[_NAMES[stage]][1]
    return (h, stride) if i == 0 else (conv_out(h, 3, stride, 1), 1)


def _block_rows(op, c_in, c_out, stage: int, i: int) -> list[dict]:
    """Candidate layers of one block (op: OPS indices `[J]`, widths `[J]`): expand, depthwise, pointwise."""
    op = np.asarray(op)
    k = np.choose(op, [3] + [OP_SHAPE[o][0] for o in OPS[1:]])
    e = np.choose(op, [1] + [OP_SHAPE[o][1] for o in OPS[1:]])
    active = op != 0
    h, stride = block_shape(stage, i)
    mid = c_in * e
    return [conv_layer(c_in, mid, 1, h, valid=active & (e != 1)),
            conv_layer(mid, mid, k, h, stride, k // 2, depthwise=True, valid=active),
            conv_layer(mid, c_out, 1, conv_out(h, 3, stride, 1), valid=active)]


def supernet() -> SuperNet:
    """The digits supernet: slots = stem, every block (deps: its op and its input and output widths),
    classifier."""
    slots = [Slot("stem", (W_STEM,), lambda v: [conv_layer(IN_CHANNELS, v[0], 3, RESOLUTION, 1, 1)])]
    for s, name in enumerate(_NAMES):
        for i in range(BLOCKS):
            op = OP + s * BLOCKS + i
            if i == 0:
                w_in = W_STEM if s == 0 else W_STAGE + s - 1
                slots.append(Slot(f"{name}.{i}", (op, w_in, W_STAGE + s),
                                  lambda v, s=s: _block_rows(v[0], v[1], v[2], s, 0)))
            else:
                slots.append(Slot(f"{name}.{i}", (op, W_STAGE + s),
                                  lambda v, s=s, i=i: _block_rows(v[0], v[1], v[1], s, i)))
    slots.append(Slot("classifier", (W_STAGE + len(STAGES) - 1,), lambda v: [linear_layer(v[0], NUM_CLASSES)]))
    return build_supernet("digits", _decisions(), slots)


def random_encodings(n: int, seed: int) -> np.ndarray:
    """`n` encodings `[n, 7]`, each decision drawn uniformly (deterministic per seed)."""
    return uniform_encodings(_decisions(), n, seed)


def sample(n: int, seed: int = 0) -> Sample:
    """`n` architectures drawn uniformly per decision: Layers `[n, L]` + encodings `[n, 7]`."""
    net = supernet()
    return net.sample(random_encodings(n, seed), net.names(n, seed))


def config(encoding: Sequence[int]) -> dict:
    """Encoding `[7]` -> {"stem": width, "widths": [per stage], "ops": [[op name per block] per stage]}."""
    decisions = _decisions()
    v = [d.values[i] for d, i in zip(decisions, check_encoding("digits", decisions, encoding))]
    return {"stem": v[W_STEM], "widths": v[W_STAGE:OP],
            "ops": [[OPS[v[OP + s * BLOCKS + i]] for i in range(BLOCKS)] for s in range(len(STAGES))]}


def encode_config(cfg: dict) -> np.ndarray:
    """Inverse of `config`."""
    decisions = _decisions()
    values = [cfg["stem"], *cfg["widths"]] + [OPS.index(o) for ops in cfg["ops"] for o in ops]
    if len(values) != len(decisions):
        raise ValueError(f"digits: a config has {len(decisions)} values, got {len(values)}")
    enc = []
    for d, x in zip(decisions, values):
        if x not in d.values:
            raise ValueError(f"digits: {d.name} = {x} is not in the space {d.values}")
        enc.append(d.values.index(x))
    return np.array(enc, np.int64)


def decode(encoding: Sequence[int], name: str = "digits") -> Graph:
    """The network of one encoding `[7]` as a builder graph (input (1, 1, 8, 8))."""
    cfg = config(encoding)
    with Graph(name) as g:
        x = g.input((1, IN_CHANNELS, RESOLUTION, RESOLUTION))
        x = g.act(g.conv(x, cfg["stem"], 3, padding=1, bias=True, name="stem.conv"), "relu6", name="stem.act")
        for s, stage in enumerate(_NAMES):
            for i, op in enumerate(cfg["ops"][s]):
                if op == "skip":
                    continue
                k, e = OP_SHAPE[op]
                _, c_in, _, _ = g.shape(x)
                p = f"{stage}.{i}"
                y = x
                if e != 1:
                    y = g.act(g.conv(y, c_in * e, 1, bias=True, name=f"{p}.expand"), "relu6", name=f"{p}.expand.act")
                y = g.act(g.conv(y, c_in * e, k, block_shape(s, i)[1], k // 2, groups=c_in * e, bias=True,
                                 name=f"{p}.dw"), "relu6", name=f"{p}.dw.act")
                y = g.conv(y, cfg["widths"][s], 1, bias=True, name=f"{p}.pw")
                x = y if i == 0 else g.add(y, x, name=f"{p}.add")
        g.linear(g.flatten(g.global_pool(x, name="pool")), NUM_CLASSES, name="classifier")
    return g
