"""The AlphaNet / AttentiveNAS MobileNetV3-style search space (ImageNet), as arrays and as graphs.

Space: AttentiveNAS's published supernet, `supernet_config` of facebookresearch/AttentiveNAS
`configs/train_attentive_nas_models.yml` (also AlphaNet's, which trains the same supernet): `STAGES`. Network
(AttentiveNAS `models/attentive_nas_dynamic_model.py`, `models/modules/static_layers.py`, the sub-network a
configuration selects):

* first conv 3x3 stride 2 (3 -> width[0]) + BN + swish;
* 7 stages of MBConv blocks (a stage's width, kernel and expand ratio are shared by its `depth` blocks; the
  first block has the stage stride). Block: expand 1x1 (mid = make_divisible(c_in * t, 8); absent for
  t = 1) + BN + swish, depthwise kxk (padding k//2) + BN + swish, squeeze-excite where the stage says (global
  pool, 1x1 conv with bias mid -> make_divisible(mid // 4, 8), ReLU, 1x1 conv with bias back to mid,
  h-sigmoid, scale), pointwise 1x1 -> c_out + BN; every block adds a shortcut: identity, or 2x2 average
  pooling (stride > 1) then a 1x1 conv (c_in != c_out);
* MobileNetV3 head (`use_v3_head`): 1x1 conv c -> 6c + BN + swish, global pool, 1x1 conv 6c -> width[8] +
  swish (no BN), linear width[8] -> 1000.

Encoding (= supernet decisions): 31 option indices in the order of AttentiveNAS's accuracy-predictor input,
resolution, width[9] (first conv, mb1..mb7, last conv), depth[7], kernel_size[7], expand_ratio[7].
Sampling is uniform per decision (AttentiveNAS's `sample_active_subnet`). Layer order: first conv; per
active block shortcut conv, expand, depthwise, SE reduce, SE expand, pointwise; head convs, classifier.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from diffhw.frontends.graph import Graph
from diffhw.frontends.nas.supernet import (Decision, Sample, Slot, SuperNet, build_supernet, check_encoding,
                                           conv_layer, conv_out, encode_values, linear_layer, make_divisible,
                                           uniform_encodings)

RESOLUTIONS = (192, 224, 256, 288)
#: name -> (widths, depths, kernel sizes, expand ratios, stride, squeeze-excite), AttentiveNAS supernet_config.
STAGES = {
    "mb1": ((16, 24), (1, 2), (3, 5), (1,), 1, False),
    "mb2": ((24, 32), (3, 4, 5), (3, 5), (4, 5, 6), 2, False),
    "mb3": ((32, 40), (3, 4, 5, 6), (3, 5), (4, 5, 6), 2, True),
    "mb4": ((64, 72), (3, 4, 5, 6), (3, 5), (4, 5, 6), 2, False),
    "mb5": ((112, 120, 128), (3, 4, 5, 6, 7, 8), (3, 5), (4, 5, 6), 1, True),
    "mb6": ((192, 200, 208, 216), (3, 4, 5, 6, 7, 8), (3, 5), (6,), 2, True),
    "mb7": ((216, 224), (1, 2), (3, 5), (6,), 1, True),
}
FIRST_CONV = (16, 24)  # widths, stride 2
LAST_CONV = (1792, 1984)
HEAD_EXPAND = 6
NUM_CLASSES = 1000
ACT = "swish"

#: AttentiveNAS-A0..A6 (configs/eval_attentive_nas_models.yml) with their published MFLOPs (= MMACs, README).
PARETO = {
    "a0": (dict(resolution=192, width=[16, 16, 24, 32, 64, 112, 192, 216, 1792], kernel_size=[3, 3, 3, 3, 3, 3, 3],
                expand_ratio=[1, 4, 4, 4, 4, 6, 6], depth=[1, 3, 3, 3, 3, 3, 1]), 203),
    "a1": (dict(resolution=224, width=[16, 16, 24, 32, 64, 112, 192, 216, 1984], kernel_size=[3, 3, 3, 5, 3, 5, 3],
                expand_ratio=[1, 4, 4, 4, 4, 6, 6], depth=[1, 3, 3, 3, 3, 3, 1]), 279),
    "a2": (dict(resolution=224, width=[16, 16, 24, 32, 64, 112, 200, 224, 1984], kernel_size=[3, 3, 3, 3, 3, 5, 3],
                expand_ratio=[1, 4, 5, 4, 4, 6, 6], depth=[1, 3, 3, 3, 3, 4, 1]), 317),
    "a3": (dict(resolution=224, width=[16, 16, 24, 32, 64, 112, 208, 224, 1984], kernel_size=[3, 3, 3, 5, 3, 3, 3],
                expand_ratio=[1, 4, 4, 4, 4, 6, 6], depth=[2, 3, 3, 4, 3, 5, 1]), 357),
    "a4": (dict(resolution=256, width=[16, 16, 24, 32, 64, 112, 192, 216, 1984], kernel_size=[3, 3, 3, 5, 3, 5, 3],
                expand_ratio=[1, 4, 4, 5, 4, 6, 6], depth=[1, 3, 3, 4, 3, 5, 1]), 444),
    "a5": (dict(resolution=256, width=[16, 16, 24, 32, 72, 112, 192, 216, 1792], kernel_size=[3, 3, 3, 5, 3, 3, 3],
                expand_ratio=[1, 4, 5, 4, 4, 6, 6], depth=[1, 3, 3, 3, 4, 6, 1]), 491),
    "a6": (dict(resolution=288, width=[16, 16, 24, 32, 64, 112, 216, 224, 1984], kernel_size=[3, 3, 3, 3, 3, 5, 3],
                expand_ratio=[1, 4, 6, 5, 4, 6, 6], depth=[1, 3, 3, 4, 4, 6, 1]), 709),
}

_NAMES = tuple(STAGES)
#: Decision ids: resolution, width[9], depth[7], kernel_size[7], expand_ratio[7].
RES, WIDTH, DEPTH, KERNEL, EXPAND = 0, 1, 1 + 9, 1 + 9 + 7, 1 + 9 + 14
CONFIG_KEYS = {"width": WIDTH, "depth": DEPTH, "kernel_size": KERNEL, "expand_ratio": EXPAND}


def _decisions() -> list[Decision]:
    widths = [FIRST_CONV] + [s[0] for s in STAGES.values()] + [LAST_CONV]
    return ([Decision("resolution", RESOLUTIONS)]
            + [Decision(f"width.{n}", w) for n, w in zip(("first_conv",) + _NAMES + ("last_conv",), widths)]
            + [Decision(f"{key}.{n}", STAGES[n][i]) for key, i in (("depth", 1), ("kernel_size", 2),
                                                                     ("expand_ratio", 3)) for n in _NAMES])


def _stage_sizes(res):
    """Input feature-map size of each stage and the final size, for a resolution (int or array)."""
    h = conv_out(res, 3, 2, 1)
    sizes = []
    for _, _, _, _, stride, _ in STAGES.values():
        sizes.append(h)
        h = conv_out(h, 3, stride, 1)
    return sizes, h


def _block_rows(res, c_in, c_out, k, e, active, stage: int, first: bool) -> list[dict]:
    """Candidate layers of one MBConv block of `stage` (arrays over the slot's options); see the module doc."""
    _, _, _, _, stage_stride, se = STAGES[_NAMES[stage]]
    h = _stage_sizes(res)[0][stage]
    stride = stage_stride if first else 1
    h = h if first else conv_out(h, 3, stage_stride, 1)
    h_out = conv_out(h, 3, stride, 1)
    mid = make_divisible(c_in * e)
    rows = [conv_layer(c_in, c_out, 1, conv_out(h, 2, 2, h % 2) if stride > 1 else h,
                       valid=active & (c_in != c_out)),
            conv_layer(c_in, mid, 1, h, valid=active & (e != 1)),
            conv_layer(mid, mid, k, h, stride, k // 2, depthwise=True, valid=active)]
    if se:
        se_mid = make_divisible(mid // 4)
        rows += [conv_layer(mid, se_mid, 1, 1, valid=active), conv_layer(se_mid, mid, 1, 1, valid=active)]
    return rows + [conv_layer(mid, c_out, 1, h_out, valid=active)]


def _block_slot(stage: int, i: int) -> Slot:
    """Slot of block i of a stage: deps resolution, input and output width, kernel, expand (+ depth when the
    block can be skipped)."""
    name = _NAMES[stage]
    w_in = WIDTH + stage + (0 if i == 0 else 1)
    deps = (RES, w_in, WIDTH + stage + 1, KERNEL + stage, EXPAND + stage)
    if i == 0:
        return Slot(f"{name}.{i}", deps, lambda v: _block_rows(*v, True, stage, True))
    skippable = i >= min(STAGES[name][1])
    deps = deps[:1] + deps[2:] + ((DEPTH + stage,) if skippable else ())

    def rows(v):
        active = v[4] > i if skippable else True
        return _block_rows(v[0], v[1], v[1], v[2], v[3], active, stage, False)
    return Slot(f"{name}.{i}", deps, rows)


def supernet() -> SuperNet:
    """The AttentiveNAS supernet: slots = first conv, every block up to the stage's largest depth (a block
    beyond the smallest depth has a "skip" value through its depth dep), final expand, feature mix, classifier."""
    slots = [Slot("first_conv", (RES, WIDTH), lambda v: [conv_layer(3, v[1], 3, v[0], 2, 1)])]
    for stage, (_, depths, _, _, _, _) in enumerate(STAGES.values()):
        slots += [_block_slot(stage, i) for i in range(max(depths))]
    last = WIDTH + len(STAGES)
    slots += [Slot("final_expand", (RES, last), lambda v: [conv_layer(v[1], HEAD_EXPAND * v[1], 1,
                                                                      _stage_sizes(v[0])[1])]),
              Slot("feature_mix", (last, last + 1), lambda v: [conv_layer(HEAD_EXPAND * v[0], v[1], 1, 1)]),
              Slot("classifier", (last + 1,), lambda v: [linear_layer(v[0], NUM_CLASSES)])]
    return build_supernet("alphanet", _decisions(), slots)


def random_encodings(n: int, seed: int) -> np.ndarray:
    """`n` encodings `[n, 31]`, each decision drawn uniformly (deterministic per seed)."""
    return uniform_encodings(_decisions(), n, seed)


def sample(n: int, seed: int = 0) -> Sample:
    """`n` architectures drawn uniformly per decision: Layers `[n, L]` + encodings `[n, 31]`."""
    net = supernet()
    return net.sample(random_encodings(n, seed), net.names(n, seed))


def encode_config(cfg: Mapping[str, object]) -> np.ndarray:
    """An AttentiveNAS sub-network config (resolution, width[9], depth, kernel_size, expand_ratio[7]) ->
    encoding `[31]`."""
    values = [cfg["resolution"]]
    for key in CONFIG_KEYS:
        values += list(cfg[key])
    return encode_values("alphanet", _decisions(), values)


def config(encoding: Sequence[int]) -> dict:
    """Encoding `[31]` -> AttentiveNAS sub-network config."""
    decisions = _decisions()
    v = [d.values[i] for d, i in zip(decisions, check_encoding("alphanet", decisions, encoding))]
    out = {"resolution": v[RES]}
    for key, start in CONFIG_KEYS.items():
        out[key] = v[start:start + (9 if key == "width" else len(STAGES))]
    return out


def _conv_bn_act(g: Graph, x: str, c: int, k: int, name: str, stride: int = 1, groups: int = 1) -> str:
    x = g.conv(x, c, k, stride, k // 2, groups=groups, name=f"{name}.conv")
    return g.act(g.norm(x, name=f"{name}.bn"), ACT, name=f"{name}.act")


def _block(g: Graph, x: str, c_out: int, k: int, e: int, stride: int, se: bool, name: str) -> str:
    """One MBConv block with its shortcut (AttentiveNAS MobileInvertedResidualBlock)."""
    _, c_in, h, _ = g.shape(x)
    short = x if stride == 1 else g.pool(x, 2, 2, h % 2, op="avg", name=f"{name}.shortcut.pool")
    if c_in != c_out:
        short = g.conv(short, c_out, 1, name=f"{name}.shortcut.conv")
    mid = int(make_divisible(c_in * e))
    y = x if e == 1 else _conv_bn_act(g, x, mid, 1, f"{name}.expand")
    y = _conv_bn_act(g, y, mid, k, f"{name}.dw", stride, groups=mid)
    if se:
        s = g.global_pool(y, name=f"{name}.se.pool")
        s = g.act(g.conv(s, int(make_divisible(mid // 4)), 1, bias=True, name=f"{name}.se.reduce"), "relu",
                  name=f"{name}.se.relu")
        s = g.act(g.conv(s, mid, 1, bias=True, name=f"{name}.se.expand"), "hsigmoid", name=f"{name}.se.gate")
        y = g.mul(y, s, name=f"{name}.se.scale")
    y = g.norm(g.conv(y, c_out, 1, name=f"{name}.pw.conv"), name=f"{name}.pw.bn")
    return g.add(y, short, name=f"{name}.add")


def decode(encoding: Sequence[int], name: str = "alphanet") -> Graph:
    """The sub-network of one encoding `[31]` as a builder graph (input (1, 3, r, r))."""
    cfg = config(encoding)
    w = cfg["width"]
    with Graph(name) as g:
        x = g.input((1, 3, cfg["resolution"], cfg["resolution"]))
        x = _conv_bn_act(g, x, w[0], 3, "first_conv", stride=2)
        for s, (stage, (_, _, _, _, stride, se)) in enumerate(STAGES.items()):
            for i in range(cfg["depth"][s]):
                x = _block(g, x, w[s + 1], cfg["kernel_size"][s], cfg["expand_ratio"][s], stride if i == 0 else 1,
                           se, f"{stage}.{i}")
        x = _conv_bn_act(g, x, HEAD_EXPAND * w[-2], 1, "final_expand")
        x = g.conv(g.global_pool(x, name="pool"), w[-1], 1, name="feature_mix.conv")
        x = g.flatten(g.act(x, ACT, name="feature_mix.act"))
        g.linear(x, NUM_CLASSES, name="classifier")
    return g
