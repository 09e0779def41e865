"""Model zoo written with the graph builder (no torch needed).

Architectures follow torchvision (node names are torchvision's module paths, e.g. ``features.0.0``,
``layer1.0.conv1``) and, for BERT, Hugging Face's ``BertModel`` (``encoder.layer.0.attention.self.query``).
MAC and parameter totals equal the published figures (see tests/test_zoo.py for the sources).

    g = zoo.get("resnet50")                       # batch 1, 3x224x224
    g = zoo.get("mobilenet_v2", input_shape=(8, 3, 160, 160))
    g = zoo.get("bert_base", seq_len=384)
"""

from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from diffhw.frontends.graph import Graph

__all__ = ["NAMES", "get", "canonical", "vgg16", "resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large",
           "efficientnet_b0", "bert_base", "vit_b_16"]


def _hw(resolution) -> tuple[int, int]:
    return (resolution, resolution) if isinstance(resolution, int) else tuple(resolution)


def _image_graph(name: str, batch: int, resolution) -> tuple[Graph, str]:
    g = Graph(name)
    return g, g.input((batch, 3, *_hw(resolution)))


def _make_divisible(v: float, divisor: int = 8) -> int:
    """torchvision's channel rounding (nearest multiple of `divisor`, never more than 10% below `v`)."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _cba(g: Graph, x: str, out: int, kernel: int, prefix: str, stride: int = 1, groups: int = 1,
         act: Optional[str] = "relu") -> str:
    """torchvision's Conv2dNormActivation: conv (padding (k-1)//2, no bias) ``prefix.0``, BatchNorm
    ``prefix.1``, activation ``prefix.2`` (none if `act` is None)."""
    x = g.conv(x, out, kernel, stride=stride, padding=(kernel - 1) // 2, groups=groups, name=f"{prefix}.0")
    x = g.norm(x, name=f"{prefix}.1")
    return x if act is None else g.act(x, act, name=f"{prefix}.2")


def _classifier_head(g: Graph, x: str, widths: Sequence[int], act: str = "relu", pool_size: int = 1) -> str:
    """Adaptive average pool (``avgpool``), flatten, then the Linear layers of torchvision's ``classifier``
    Sequential: one Linear after a Dropout (``classifier.1``), or Linear/activation/Dropout triples
    (``classifier.0``, ``classifier.1``, ``classifier.3``, ...)."""
    x = g.flatten(g.global_pool(x, output_size=pool_size, name="avgpool"))
    if len(widths) == 1:
        return g.linear(x, widths[0], name="classifier.1")
    for i, w in enumerate(widths):
        x = g.linear(x, w, name=f"classifier.{3 * i}")
        if i < len(widths) - 1:
            x = g.act(x, act, name=f"classifier.{3 * i + 1}")
    return x


# ------------------------------------------------------------------------------------------ VGG


def vgg16(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """VGG16 (configuration D, no batch norm), torchvision layout: 13 convs 3x3/pad 1 with bias, 5 max
    pools, adaptive average pool to 7x7, classifier 25088-4096-4096-classes."""
    g, x = _image_graph("vgg16", batch, resolution)
    i = 0
    for width, n in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(n):
            x = g.act(g.conv(x, width, 3, padding=1, bias=True, name=f"features.{i}"), name=f"features.{i + 1}")
            i += 2
        x = g.pool(x, 2, name=f"features.{i}")
        i += 1
    _classifier_head(g, x, (4096, 4096, num_classes), pool_size=7)
    return g


# --------------------------------------------------------------------------------------- ResNet


def _resnet(name: str, block: str, depths: Sequence[int], batch: int, resolution, num_classes: int) -> Graph:
    """torchvision ResNet (v1.5: the stride of a bottleneck is on its 3x3 conv)."""
    g, x = _image_graph(name, batch, resolution)
    x = g.act(g.norm(g.conv(x, 64, 7, stride=2, padding=3, name="conv1"), name="bn1"), name="relu")
    x = g.pool(x, 3, stride=2, padding=1, name="maxpool")
    expansion = 4 if block == "bottleneck" else 1
    in_ch = 64
    for li, (planes, n) in enumerate(zip((64, 128, 256, 512), depths), 1):
        for bi in range(n):
            p = f"layer{li}.{bi}"
            stride = 2 if li > 1 and bi == 0 else 1
            if block == "bottleneck":
                convs = ((planes, 1, 1), (planes, 3, stride), (planes * 4, 1, 1))
            else:
                convs = ((planes, 3, stride), (planes, 3, 1))
            y = x
            for ci, (out, k, s) in enumerate(convs, 1):
                y = g.norm(g.conv(y, out, k, stride=s, padding=k // 2, name=f"{p}.conv{ci}"), name=f"{p}.bn{ci}")
                if ci < len(convs):
                    y = g.act(y, name=f"{p}.relu{ci}")
            if stride != 1 or in_ch != planes * expansion:
                x = g.norm(g.conv(x, planes * expansion, 1, stride=stride, name=f"{p}.downsample.0"),
                           name=f"{p}.downsample.1")
            x = g.act(g.add(y, x, name=f"{p}.add"), name=f"{p}.relu")
            in_ch = planes * expansion
    x = g.flatten(g.global_pool(x, name="avgpool"))
    g.linear(x, num_classes, name="fc")
    return g


def resnet18(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """ResNet-18: basic blocks [2, 2, 2, 2]."""
    return _resnet("resnet18", "basic", (2, 2, 2, 2), batch, resolution, num_classes)


def resnet50(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """ResNet-50: bottleneck blocks [3, 4, 6, 3]."""
    return _resnet("resnet50", "bottleneck", (3, 4, 6, 3), batch, resolution, num_classes)


# ---------------------------------------------------------------- MobileNetV2/V3, EfficientNet-B0


def _squeeze_excite(g: Graph, x: str, squeeze: int, prefix: str, act: str, gate: str) -> str:
    """torchvision SqueezeExcitation: avgpool, 1x1 conv fc1 (bias), act, 1x1 conv fc2 (bias), gate, scale."""
    ch = g.shape(x)[1]
    s = g.global_pool(x, name=f"{prefix}.avgpool")
    s = g.act(g.conv(s, squeeze, 1, bias=True, name=f"{prefix}.fc1"), act, name=f"{prefix}.activation")
    s = g.act(g.conv(s, ch, 1, bias=True, name=f"{prefix}.fc2"), gate, name=f"{prefix}.scale_activation")
    return g.mul(x, s, name=f"{prefix}.scale")


def _inverted_residual(g: Graph, x: str, prefix: str, expanded: int, out: int, kernel: int, stride: int,
                       act: str, se: Optional[tuple[int, str, str]] = None) -> str:
    """Inverted residual / MBConv block: [1x1 expand] -> depthwise kxk -> [squeeze-excite] -> 1x1 project
    (no activation) -> residual add when stride 1 and in == out. Submodules are numbered as in torchvision;
    `se` = (squeeze channels, activation, gate)."""
    in_ch = g.shape(x)[1]
    y, i = x, 0
    if expanded != in_ch:
        y, i = _cba(g, y, expanded, 1, f"{prefix}.{i}", act=act), i + 1
    y, i = _cba(g, y, expanded, kernel, f"{prefix}.{i}", stride=stride, groups=expanded, act=act), i + 1
    if se is not None:
        y, i = _squeeze_excite(g, y, se[0], f"{prefix}.{i}", se[1], se[2]), i + 1
    y = _cba(g, y, out, 1, f"{prefix}.{i}", act=None)
    return g.add(y, x, name=f"{prefix}.add") if stride == 1 and in_ch == out else y


def mobilenet_v2(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """MobileNetV2 (width 1.0), torchvision layout; the projection conv and its BN are ``conv.{i}`` /
    ``conv.{i+1}`` there, here one ``_cba`` prefix (``conv.{i}.0`` / ``conv.{i}.1``)."""
    g, x = _image_graph("mobilenet_v2", batch, resolution)
    x = _cba(g, x, 32, 3, "features.0", stride=2, act="relu6")
    idx = 1
    for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)):
        for i in range(n):
            x = _inverted_residual(g, x, f"features.{idx}.conv", g.shape(x)[1] * t, c, 3, s if i == 0 else 1,
                                   "relu6")
            idx += 1
    x = _cba(g, x, 1280, 1, f"features.{idx}", act="relu6")
    _classifier_head(g, x, (num_classes,))
    return g


def mobilenet_v3_large(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """MobileNetV3-Large, torchvision layout (SE squeeze = make_divisible(expanded / 4), hardsigmoid gate)."""
    g, x = _image_graph("mobilenet_v3_large", batch, resolution)
    x = _cba(g, x, 16, 3, "features.0", stride=2, act="hardswish")
    # kernel, expanded, out, squeeze-excite, activation, stride
    cfg = ((3, 16, 16, False, "relu", 1), (3, 64, 24, False, "relu", 2), (3, 72, 24, False, "relu", 1),
           (5, 72, 40, True, "relu", 2), (5, 120, 40, True, "relu", 1), (5, 120, 40, True, "relu", 1),
           (3, 240, 80, False, "hardswish", 2), (3, 200, 80, False, "hardswish", 1),
           (3, 184, 80, False, "hardswish", 1), (3, 184, 80, False, "hardswish", 1),
           (3, 480, 112, True, "hardswish", 1), (3, 672, 112, True, "hardswish", 1),
           (5, 672, 160, True, "hardswish", 2), (5, 960, 160, True, "hardswish", 1),
           (5, 960, 160, True, "hardswish", 1))
    for i, (k, exp, out, use_se, act, s) in enumerate(cfg, 1):
        se = (_make_divisible(exp // 4), "relu", "hardsigmoid") if use_se else None
        x = _inverted_residual(g, x, f"features.{i}.block", exp, out, k, s, act, se)
    x = _cba(g, x, 960, 1, f"features.{len(cfg) + 1}", act="hardswish")
    _classifier_head(g, x, (1280, num_classes), act="hardswish")
    return g


def efficientnet_b0(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """EfficientNet-B0, torchvision layout (MBConv with SE squeeze = block input channels / 4, SiLU)."""
    g, x = _image_graph("efficientnet_b0", batch, resolution)
    x = _cba(g, x, 32, 3, "features.0", stride=2, act="silu")
    # expand ratio, kernel, stride, out channels, repeats
    for stage, (t, k, s, out, n) in enumerate(((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2),
                                                (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4),
                                                (6, 3, 1, 320, 1)), 1):
        for i in range(n):
            in_ch = g.shape(x)[1]
            se = (max(1, in_ch // 4), "silu", "sigmoid")
            x = _inverted_residual(g, x, f"features.{stage}.{i}.block", _make_divisible(in_ch * t), out, k,
                                   s if i == 0 else 1, "silu", se)
    x = _cba(g, x, 1280, 1, "features.8", act="silu")
    _classifier_head(g, x, (num_classes,))
    return g


# ---------------------------------------------------------------------------------- transformers


def _attention(g: Graph, x: str, heads: int, prefix: str, fused_qkv: bool) -> str:
    """Multi-head self-attention on (B, T, D) without the output projection: Q, K, V projections (one fused
    ``in_proj`` Linear or three), scores Q K^T and context A V as batched matmuls (batch x heads GEMMs),
    softmax; returns the context (B, T, D)."""
    b, t, d = g.shape(x)
    dh = d // heads
    if fused_qkv:
        qkv = g.permute(g.reshape(g.linear(x, 3 * d, name=f"{prefix}.in_proj"), (b, t, 3, heads, dh)),
                        (2, 0, 3, 1, 4))
        q, k, v = (g.select(qkv, 0, i, name=f"{prefix}.{n}") for i, n in enumerate("qkv"))
    else:
        q, k, v = (g.permute(g.reshape(g.linear(x, d, name=f"{prefix}.{n}"), (b, t, heads, dh)), (0, 2, 1, 3))
                   for n in ("query", "key", "value"))
    scores = g.matmul(q, g.permute(k, (0, 1, 3, 2)), name=f"{prefix}.scores")
    att = g.softmax(scores, name=f"{prefix}.softmax")
    ctx = g.matmul(att, v, name=f"{prefix}.context")
    return g.reshape(g.permute(ctx, (0, 2, 1, 3)), (b, t, d))


def vit_b_16(batch: int = 1, resolution=224, num_classes: int = 1000) -> Graph:
    """ViT-B/16 (torchvision vit_b_16): 16x16 patch conv, class token, position embedding, 12 pre-norm
    encoder layers (12 heads, fused in_proj, MLP 3072, GELU), final LayerNorm, head on the class token."""
    g, x = _image_graph("vit_b_16", batch, resolution)
    d, heads, mlp = 768, 12, 3072
    x = g.conv(x, d, 16, stride=16, bias=True, name="conv_proj")
    n = g.shape(x)[2] * g.shape(x)[3]
    x = g.permute(g.reshape(x, (batch, d, n)), (0, 2, 1))
    x = g.concat([g.parameter((batch, 1, d), name="class_token"), x], axis=1)
    x = g.add(x, g.parameter((1, n + 1, d), name="encoder.pos_embedding"))
    for i in range(12):
        p = f"encoder.layers.encoder_layer_{i}"
        y = _attention(g, g.norm(x, "layer", name=f"{p}.ln_1"), heads, f"{p}.self_attention", fused_qkv=True)
        x = g.add(x, g.linear(y, d, name=f"{p}.self_attention.out_proj"))
        y = g.act(g.linear(g.norm(x, "layer", name=f"{p}.ln_2"), mlp, name=f"{p}.mlp.0"), "gelu")
        x = g.add(x, g.linear(y, d, name=f"{p}.mlp.3"))
    x = g.select(g.norm(x, "layer", name="encoder.ln"), 1, 0)
    g.linear(x, num_classes, name="heads.head")
    return g


def bert_base(seq_len: int = 128, batch: int = 1) -> Graph:
    """BERT-base encoder (Hugging Face BertModel, bert-base-uncased): word/position/token-type embeddings +
    LayerNorm, 12 post-norm layers (hidden 768, 12 heads, intermediate 3072, GELU), pooler (dense + tanh on
    the first token). Inputs: ``input_ids`` and ``token_type_ids`` (batch, seq_len), ``position_ids``."""
    if not 1 <= seq_len <= 512:
        raise ValueError(f"bert_base: seq_len must be in 1..512 (the position table), got {seq_len}")
    d, heads, ff = 768, 12, 3072
    g = Graph(f"bert_base_{seq_len}")
    ids = g.input((batch, seq_len), name="input_ids")
    x = g.embedding(ids, 30522, d, name="embeddings.word_embeddings")
    pos = g.embedding(g.input((1, seq_len), name="position_ids"), 512, d, name="embeddings.position_embeddings")
    tt = g.embedding(g.input((batch, seq_len), name="token_type_ids"), 2, d,
                     name="embeddings.token_type_embeddings")
    x = g.norm(g.add(g.add(x, tt), pos), "layer", name="embeddings.LayerNorm")
    for i in range(12):
        p = f"encoder.layer.{i}"
        y = _attention(g, x, heads, f"{p}.attention.self", fused_qkv=False)
        y = g.linear(y, d, name=f"{p}.attention.output.dense")
        x = g.norm(g.add(y, x), "layer", name=f"{p}.attention.output.LayerNorm")
        y = g.act(g.linear(x, ff, name=f"{p}.intermediate.dense"), "gelu")
        y = g.linear(y, d, name=f"{p}.output.dense")
        x = g.norm(g.add(y, x), "layer", name=f"{p}.output.LayerNorm")
    g.act(g.linear(g.select(x, 1, 0), d, name="pooler.dense"), "tanh", name="pooler.activation")
    return g


# -------------------------------------------------------------------------------------- registry

_BUILDERS: dict[str, Callable[..., Graph]] = {f.__name__: f for f in (
    vgg16, resnet18, resnet50, mobilenet_v2, mobilenet_v3_large, efficientnet_b0, bert_base, vit_b_16)}
#: Zoo model names (`get` also accepts them without ``_``/``-`` and in any case, e.g. ``MobileNetV2``).
NAMES = tuple(_BUILDERS)
_KEYS = {re.sub(r"[-_]", "", n): n for n in NAMES}


def canonical(name: str) -> Optional[str]:
    """The zoo name `name` refers to (case, ``-`` and ``_`` ignored), or None."""
    return _KEYS.get(re.sub(r"[-_]", "", name.lower())) if isinstance(name, str) else None


def get(name: str, input_shape: Optional[Sequence[int]] = None, **kw) -> Graph:
    """Build zoo model `name` (one of `NAMES`). `input_shape` overrides the input: (N, 3, H, W) for the
    image models, (N, seq_len) for bert_base; other keywords go to the builder (batch, resolution,
    num_classes, seq_len)."""
    key = canonical(name)
    if key is None:
        raise ValueError(f"unknown zoo model {name!r}; available: {', '.join(NAMES)}")
    if input_shape is not None:
        shape = tuple(int(s) for s in input_shape)
        if key == "bert_base":
            if len(shape) != 2:
                raise ValueError(f"bert_base takes an input shape (batch, seq_len), got {shape}")
            kw.update(batch=shape[0], seq_len=shape[1])
        else:
            if len(shape) != 4 or shape[1] != 3:
                raise ValueError(f"{key} takes an input shape (N, 3, H, W), got {shape}")
            kw.update(batch=shape[0], resolution=shape[2:])
    return _BUILDERS[key](**kw)
