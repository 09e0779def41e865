"""A digits-sized MBConv search space (scikit-learn's 8x8 handwritten digits), as arrays and as graphs.

`MBConvSpace` is the space as a value (the joint search takes it as an argument); `DIGITS` is the instance
for the digits data, and the module-level names (`supernet`, `sample`, `random_encodings`, `config`,
`encode_config`, `decode`) are its methods.

Derived from the AlphaNet / AttentiveNAS space (`alphanet`: MobileNetV3-style MBConv stages with width,
depth, kernel size and expand ratio choices), adapted to an 8x8 one-channel input and 10 classes:

* no stride-2 first conv (the input is 8x8): the stem is a 3x3 conv (1 -> width.stem, padding 1) + ReLU6;
* two stages of `blocks` (2) MBConv blocks instead of seven: stage1 at 8x8 (stride 1), stage2 from 8x8 to
  4x4 (stride 2 on its first block); each stage has its own width decision;
* each block has its own op decision (kernel size x expand ratio, DARTS-style one op per edge) instead of
  per-stage kernel / expand decisions, and depth is a "skip" op of every block but a stage's first;
* no squeeze-excite, ReLU6 activations, no MobileNetV3 head: global average pooling then a linear
  classifier (width.stage2 -> 10);
* batch normalization after every conv but the classifier, as in MobileNetV2, when a network is trained
  (the weight-sharing supernet learns nothing in a few epochs without it). At inference it is a per-channel
  affine map that folds into the conv before it (kernel scaled per output channel, bias shifted), so the
  layers listed here (and their cost) are the network's: convs with biases, no normalization layers.

MBConv block (MobileNetV2): expand 1x1 (c_in -> c_in * e; absent for e = 1) + ReLU6, depthwise kxk (padding
k//2, the block's stride) + ReLU6, pointwise 1x1 (-> c_out); a block that is not its stage's first adds its
input (identity shortcut). Convs have biases (batch normalization folded in).

Encoding (= supernet decisions, `[7]` option indices): width.stem, width.stage1, width.stage2, then the op of
every block (stage1.0, stage1.1, stage2.0, stage2.1). A first block's op is one of `ops[1:]`, the others one
of `ops` (0 = skip). Layer order: stem, per block expand, depthwise, pointwise, classifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from diffhw.frontends.graph import Graph
from diffhw.frontends.nas.supernet import (Decision, Sample, Slot, SuperNet, build_supernet, check_encoding,
                                           conv_layer, conv_out, encode_values, layer_macs, linear_layer,
                                           uniform_encodings)

__all__ = ["MBConvSpace", "DIGITS", "supernet", "sample", "random_encodings", "config", "encode_config", "decode"]


@dataclass(frozen=True)
class MBConvSpace:
    """An MBConv space (see the module docstring): input `resolution` x `resolution` x `in_channels`,
    `num_classes` outputs; block `ops` (names, `ops[0]` = "skip", no layers) with their (kernel, expand
    ratio) `op_shape` (aligned with `ops`, None for skip); `stem_widths`; `stages` as (name, widths, stride
    of the first block); `blocks` per stage.

    Decision ids: `W_STEM` (0), `stage_width(s)` (one per stage), then `op_decision(s, i)` per block in
    network order."""

    name: str
    resolution: int
    in_channels: int
    num_classes: int
    ops: tuple[str, ...]
    op_shape: tuple
    stem_widths: tuple[int, ...]
    stages: tuple[tuple[str, tuple[int, ...], int], ...]
    blocks: int

    W_STEM = 0

    def stage_width(self, s: int) -> int:
        """Decision id of stage s's width."""
        return 1 + s

    def op_decision(self, s: int, i: int) -> int:
        """Decision id of the op of block i of stage s."""
        return 1 + len(self.stages) + s * self.blocks + i

    def kernel_expand(self, op: str) -> tuple[int, int]:
        """(kernel, expand ratio) of a non-skip op."""
        return self.op_shape[self.ops.index(op)]

    def block_input(self, s: int, i: int) -> tuple[int, tuple[int, ...]]:
        """(decision id, widths) of the width of block i of stage s's input."""
        if i > 0:
            return self.stage_width(s), self.stages[s][1]
        if s == 0:
            return self.W_STEM, self.stem_widths
        return self.stage_width(s - 1), self.stages[s - 1][1]

    def decisions(self) -> tuple[Decision, ...]:
        out = [Decision("width.stem", self.stem_widths)]
        out += [Decision(f"width.{n}", w) for n, w, _ in self.stages]
        for n, _, _ in self.stages:
            for i in range(self.blocks):
                ops = tuple(range(1 if i == 0 else 0, len(self.ops)))
                out.append(Decision(f"op.{n}.{i}", ops, tuple(self.ops[j] for j in ops)))
        return tuple(out)

    def block_shape(self, stage: int, i: int) -> tuple[int, int]:
        """(input size, stride) of block i of a stage."""
        h = self.resolution
        for _, _, stride in self.stages[:stage]:
            h = conv_out(h, 3, stride, 1)
        stride = self.stages[stage][2]
        return (h, stride) if i == 0 else (conv_out(h, 3, stride, 1), 1)

    def _block_rows(self, op, c_in, c_out, stage: int, i: int) -> list[dict]:
        """Candidate layers of one block (op: `ops` indices `[J]`, widths `[J]`): expand, depthwise, pointwise."""
        op = np.asarray(op)
        k = np.choose(op, [3] + [s[0] for s in self.op_shape[1:]])
        e = np.choose(op, [1] + [s[1] for s in self.op_shape[1:]])
        active = op != 0
        h, stride = self.block_shape(stage, i)
        mid = c_in * e
        return [conv_layer(c_in, mid, 1, h, valid=active & (e != 1)),
                conv_layer(mid, mid, k, h, stride, k // 2, depthwise=True, valid=active),
                conv_layer(mid, c_out, 1, conv_out(h, 3, stride, 1), valid=active)]

    def supernet(self) -> SuperNet:
        """The array supernet: slots = stem, every block (deps: its op and its input and output widths),
        classifier."""
        slots = [Slot("stem", (self.W_STEM,),
                      lambda v: [conv_layer(self.in_channels, v[0], 3, self.resolution, 1, 1)])]
        for s, (name, _, _) in enumerate(self.stages):
            for i in range(self.blocks):
                op = self.op_decision(s, i)
                if i == 0:
                    slots.append(Slot(f"{name}.{i}", (op, self.block_input(s, 0)[0], self.stage_width(s)),
                                      lambda v, s=s: self._block_rows(v[0], v[1], v[2], s, 0)))
                else:
                    slots.append(Slot(f"{name}.{i}", (op, self.stage_width(s)),
                                      lambda v, s=s, i=i: self._block_rows(v[0], v[1], v[1], s, i)))
        slots.append(Slot("classifier", (self.stage_width(len(self.stages) - 1),),
                          lambda v: [linear_layer(v[0], self.num_classes)]))
        return build_supernet(self.name, self.decisions(), slots)

    def option_macs(self) -> np.ndarray:
        """MACs of every slot option `[S, J]` (of `supernet().options`)."""
        return layer_macs(self.supernet().options).sum(-1)

    def random_encodings(self, n: int, seed: int) -> np.ndarray:
        """`n` encodings `[n, D]`, each decision drawn uniformly (deterministic per seed)."""
        return uniform_encodings(self.decisions(), n, seed)

    def sample(self, n: int, seed: int = 0) -> Sample:
        """`n` architectures drawn uniformly per decision: Layers `[n, L]` + encodings `[n, D]`."""
        net = self.supernet()
        return net.sample(self.random_encodings(n, seed), net.names(n, seed))

    def config(self, encoding: Sequence[int]) -> dict:
        """Encoding `[D]` -> {"stem": width, "widths": [per stage], "ops": [[op name per block] per stage]}."""
        decisions = self.decisions()
        v = [d.values[i] for d, i in zip(decisions, check_encoding(self.name, decisions, encoding))]
        return {"stem": v[self.W_STEM], "widths": [v[self.stage_width(s)] for s in range(len(self.stages))],
                "ops": [[self.ops[v[self.op_decision(s, i)]] for i in range(self.blocks)]
                        for s in range(len(self.stages))]}

    def encode_config(self, cfg: dict) -> np.ndarray:
        """Inverse of `config`."""
        values = [cfg["stem"], *cfg["widths"]] + [self.ops.index(o) for ops in cfg["ops"] for o in ops]
        return encode_values(self.name, self.decisions(), values)

    def decode(self, encoding: Sequence[int], name: str | None = None) -> Graph:
        """The network of one encoding `[D]` as a builder graph (input (1, in_channels, resolution,
        resolution); batch normalization folded into the convs, see the module docstring)."""
        cfg = self.config(encoding)
        r = self.resolution
        with Graph(name or self.name) as g:
            x = g.input((1, self.in_channels, r, r))
            x = g.act(g.conv(x, cfg["stem"], 3, padding=1, bias=True, name="stem.conv"), "relu6", name="stem.act")
            for s, (stage, _, _) in enumerate(self.stages):
                for i, op in enumerate(cfg["ops"][s]):
                    if op == "skip":
                        continue
                    k, e = self.kernel_expand(op)
                    _, c_in, _, _ = g.shape(x)
                    p = f"{stage}.{i}"
                    y = x
                    if e != 1:
                        y = g.act(g.conv(y, c_in * e, 1, bias=True, name=f"{p}.expand"), "relu6",
                                  name=f"{p}.expand.act")
                    y = g.act(g.conv(y, c_in * e, k, self.block_shape(s, i)[1], k // 2, groups=c_in * e, bias=True,
                                     name=f"{p}.dw"), "relu6", name=f"{p}.dw.act")
                    y = g.conv(y, cfg["widths"][s], 1, bias=True, name=f"{p}.pw")
                    x = y if i == 0 else g.add(y, x, name=f"{p}.add")
            g.linear(g.flatten(g.global_pool(x, name="pool")), self.num_classes, name="classifier")
        return g


#: The digits space: 8x8 one-channel images, 10 classes, 7,200 networks.
DIGITS = MBConvSpace(name="digits", resolution=8, in_channels=1, num_classes=10,
                     ops=("skip", "mb3_e1", "mb3_e3", "mb5_e3", "mb3_e6"),
                     op_shape=(None, (3, 1), (3, 3), (5, 3), (3, 6)), stem_widths=(8, 16),
                     stages=(("stage1", (8, 16, 24), 1), ("stage2", (16, 32, 48), 2)), blocks=2)

supernet = DIGITS.supernet
sample = DIGITS.sample
random_encodings = DIGITS.random_encodings
config = DIGITS.config
encode_config = DIGITS.encode_config
decode = DIGITS.decode
