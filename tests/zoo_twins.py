"""PyTorch twins of the zoo networks (frontends/zoo.py), written from torchvision's / Hugging Face's module
structure independently of diffhw's builder (torch is imported by the callers' `pytest.importorskip`).

Module paths follow torchvision (``features.3.block.2.fc1``, ``layer2.0.downsample.0``,
``encoder.layers.encoder_layer_0.mlp.0``) and Hugging Face ``BertModel`` (``encoder.layer.0.attention.self.query``).
Two deliberate differences, neither of which changes a MAC or a parameter:

* attention is written out (no ``nn.MultiheadAttention`` / ``scaled_dot_product_attention``, whose CPU
  kernels FlopCounterMode does not count): ViT's ``self_attention`` has a fused ``in_proj`` Linear (torchvision
  keeps ``in_proj_weight`` / ``in_proj_bias`` as bare parameters of the same sizes) and ``out_proj``; the scores
  Q K^T and the context A V are ``torch.matmul`` over (batch, heads);
* BERT takes ``position_ids`` as an input (as the zoo does) instead of slicing its ``position_ids`` buffer, and
  has no attention mask (an all-ones mask adds zeros to the scores).

`build(name, width=1.0, ...)` scales every channel count (attention: the head width) for cheap ONNX exports;
`materialize` gives a meta-built twin real (zero) weights.
"""

from collections import OrderedDict

import torch
from torch import nn

NAMES = ("vgg16", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "vit_b_16", "bert_base")


def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class Conv2dNormActivation(nn.Sequential):
    """torchvision.ops.Conv2dNormActivation: conv (padding (k-1)//2, no bias) ``0``, BatchNorm ``1``,
    activation ``2``."""

    def __init__(self, cin, cout, kernel=3, stride=1, groups=1, act=nn.ReLU):
        layers = [nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout)]
        super().__init__(*layers, *([act()] if act is not None else []))


# ------------------------------------------------------------------------------------------ VGG16


class VGG16(nn.Module):
    def __init__(self, width=1.0, num_classes=1000, hidden=4096):
        super().__init__()
        layers, cin = [], 3
        for v in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                v = int(v * width)
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(nn.Linear(cin * 49, hidden), nn.ReLU(True), nn.Dropout(),
                                        nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
                                        nn.Linear(hidden, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# --------------------------------------------------------------------------------------- ResNet-50


class Bottleneck(nn.Module):
    """torchvision v1.5 bottleneck (stride on the 3x3)."""

    def __init__(self, cin, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes * 4, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet50(nn.Module):
    def __init__(self, width=1.0, num_classes=1000):
        super().__init__()
        w = [int(c * width) for c in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(3, w[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = w[0]
        for i, (planes, n) in enumerate(zip(w, (3, 4, 6, 3))):
            blocks = []
            for j in range(n):
                blocks.append(Bottleneck(cin, planes, 2 if i > 0 and j == 0 else 1))
                cin = planes * 4
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ------------------------------------------------------------------------------------ MobileNetV2


class InvertedResidualV2(nn.Module):
    def __init__(self, cin, cout, stride, t):
        super().__init__()
        hidden = int(round(cin * t))
        layers = [Conv2dNormActivation(cin, hidden, 1, act=nn.ReLU6)] if t != 1 else []
        layers += [Conv2dNormActivation(hidden, hidden, 3, stride, hidden, nn.ReLU6),
                   nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)
        self.use_res_connect = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, width=1.0, num_classes=1000):
        super().__init__()
        cin = make_divisible(32 * width)
        last = make_divisible(1280 * max(1.0, width))
        features = [Conv2dNormActivation(3, cin, 3, 2, act=nn.ReLU6)]
        for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                           (6, 160, 3, 2), (6, 320, 1, 1)):
            c = make_divisible(c * width)
            for i in range(n):
                features.append(InvertedResidualV2(cin, c, s if i == 0 else 1, t))
                cin = c
        features.append(Conv2dNormActivation(cin, last, 1, act=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, num_classes))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


# ------------------------------------------------------------------- MobileNetV3-Large, EfficientNet-B0


class SqueezeExcitation(nn.Module):
    """torchvision.ops.SqueezeExcitation."""

    def __init__(self, cin, squeeze, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(cin, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, cin, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, x):
        s = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return s * x


class InvertedResidualV3(nn.Module):
    """MobileNetV3 InvertedResidual / EfficientNet MBConv (``block`` Sequential; stochastic depth is the
    identity in eval mode and is left out)."""

    def __init__(self, cin, expanded, cout, kernel, stride, act, se=None):
        super().__init__()
        layers = [Conv2dNormActivation(cin, expanded, 1, act=act)] if expanded != cin else []
        layers.append(Conv2dNormActivation(expanded, expanded, kernel, stride, expanded, act))
        if se is not None:
            layers.append(SqueezeExcitation(expanded, *se))
        layers.append(Conv2dNormActivation(expanded, cout, 1, act=None))
        self.block = nn.Sequential(*layers)
        self.use_res_connect = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.block(x) if self.use_res_connect else self.block(x)


class MobileNetV3Large(nn.Module):
    def __init__(self, width=1.0, num_classes=1000):
        super().__init__()
        d = lambda c: make_divisible(c * width)  # noqa: E731
        re_, hs = nn.ReLU, nn.Hardswish
        cfg = ((3, 16, 16, False, re_, 1), (3, 64, 24, False, re_, 2), (3, 72, 24, False, re_, 1),
               (5, 72, 40, True, re_, 2), (5, 120, 40, True, re_, 1), (5, 120, 40, True, re_, 1),
               (3, 240, 80, False, hs, 2), (3, 200, 80, False, hs, 1), (3, 184, 80, False, hs, 1),
               (3, 184, 80, False, hs, 1), (3, 480, 112, True, hs, 1), (3, 672, 112, True, hs, 1),
               (5, 672, 160, True, hs, 2), (5, 960, 160, True, hs, 1), (5, 960, 160, True, hs, 1))
        cin = d(16)
        features = [Conv2dNormActivation(3, cin, 3, 2, act=hs)]
        for k, exp, out, use_se, act, s in cfg:
            exp, out = d(exp), d(out)
            se = (make_divisible(exp // 4), nn.ReLU, nn.Hardsigmoid) if use_se else None
            features.append(InvertedResidualV3(cin, exp, out, k, s, act, se))
            cin = out
        features.append(Conv2dNormActivation(cin, 6 * cin, 1, act=hs))
        self.features = nn.Sequential(*features)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = d(1280)
        self.classifier = nn.Sequential(nn.Linear(6 * cin, last), hs(), nn.Dropout(0.2), nn.Linear(last, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class EfficientNetB0(nn.Module):
    def __init__(self, width=1.0, num_classes=1000):
        super().__init__()
        d = lambda c: make_divisible(c * width)  # noqa: E731
        cin = d(32)
        features = [Conv2dNormActivation(3, cin, 3, 2, act=nn.SiLU)]
        for t, k, s, out, n in ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
                                (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)):
            stage = []
            for i in range(n):
                se = (max(1, cin // 4), nn.SiLU, nn.Sigmoid)
                stage.append(InvertedResidualV3(cin, make_divisible(cin * t), d(out), k, s if i == 0 else 1,
                                                nn.SiLU, se))
                cin = d(out)
            features.append(nn.Sequential(*stage))
        features.append(Conv2dNormActivation(cin, 4 * cin, 1, act=nn.SiLU))
        self.features = nn.Sequential(*features)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(4 * cin, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# ------------------------------------------------------------------------------------ transformers


def _heads(x, b, t, heads):
    return x.reshape(b, t, heads, -1).permute(0, 2, 1, 3)


class SelfAttention(nn.Module):
    """ViT's self_attention with the matmuls written out: fused in_proj, Q K^T, softmax, A V, out_proj."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.in_proj = nn.Linear(dim, 3 * dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.in_proj(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = torch.matmul(q, k.transpose(-2, -1)) * (d // self.heads) ** -0.5
        ctx = torch.matmul(scores.softmax(-1), v)
        return self.out_proj(ctx.permute(0, 2, 1, 3).reshape(b, t, d))


class EncoderBlock(nn.Module):
    def __init__(self, dim, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim, eps=1e-6)
        self.self_attention = SelfAttention(dim, heads)
        self.dropout = nn.Dropout(0.0)
        self.ln_2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Dropout(0.0), nn.Linear(mlp, dim),
                                 nn.Dropout(0.0))

    def forward(self, x):
        x = x + self.dropout(self.self_attention(self.ln_1(x)))
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    def __init__(self, seq, dim, heads, mlp, layers):
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.empty(1, seq, dim).normal_(std=0.02))
        self.dropout = nn.Dropout(0.0)
        self.layers = nn.Sequential(OrderedDict((f"encoder_layer_{i}", EncoderBlock(dim, heads, mlp))
                                                for i in range(layers)))
        self.ln = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x):
        return self.ln(self.layers(self.dropout(x + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """torchvision VisionTransformer (vit_b_16: patch 16, 12 layers, 12 heads, hidden 768, MLP 3072)."""

    def __init__(self, width=1.0, num_classes=1000, image_size=224, patch=16, layers=12, heads=12,
                 expand_class_token=True):
        super().__init__()
        self.expand_class_token = expand_class_token
        dim = heads * int(64 * width)
        self.patch, self.dim = patch, dim
        self.conv_proj = nn.Conv2d(3, dim, patch, patch)
        self.class_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.encoder = Encoder((image_size // patch) ** 2 + 1, dim, heads, 4 * dim, layers)
        self.heads = nn.Sequential(OrderedDict(head=nn.Linear(dim, num_classes)))

    def forward(self, x):
        n = x.shape[0]
        x = self.conv_proj(x)
        x = x.reshape(n, self.dim, -1).permute(0, 2, 1)
        # torchvision: class_token.expand(n, -1, -1); without `expand_class_token` (batch 1 only) the token is
        # concatenated as it is (no Expand in an ONNX export: see test_onnx_vit_class_token_expanded_by_batch)
        tokens = self.class_token.expand(n, -1, -1) if self.expand_class_token else self.class_token
        x = torch.cat([tokens, x], dim=1)
        return self.heads(self.encoder(x)[:, 0])


class BertSelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = (_heads(f(x), b, t, self.heads) for f in (self.query, self.key, self.value))
        scores = torch.matmul(q, k.transpose(-1, -2)) / (d // self.heads) ** 0.5
        ctx = torch.matmul(self.dropout(scores.softmax(-1)), v)
        return ctx.permute(0, 2, 1, 3).reshape(b, t, d)


class BertDenseNorm(nn.Module):
    """BertSelfOutput / BertOutput: dense, dropout, LayerNorm(x + residual)."""

    def __init__(self, cin, dim):
        super().__init__()
        self.dense = nn.Linear(cin, dim)
        self.LayerNorm = nn.LayerNorm(dim, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class BertAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.self = BertSelfAttention(dim, heads)
        self.output = BertDenseNorm(dim, dim)

    def forward(self, x):
        return self.output(self.self(x), x)


class BertIntermediate(nn.Module):
    def __init__(self, dim, ff):
        super().__init__()
        self.dense = nn.Linear(dim, ff)
        self.intermediate_act_fn = nn.GELU()

    def forward(self, x):
        return self.intermediate_act_fn(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, dim, heads, ff):
        super().__init__()
        self.attention = BertAttention(dim, heads)
        self.intermediate = BertIntermediate(dim, ff)
        self.output = BertDenseNorm(ff, dim)

    def forward(self, x):
        x = self.attention(x)
        return self.output(self.intermediate(x), x)


class BertEmbeddings(nn.Module):
    def __init__(self, dim, vocab=30522, positions=512, types=2):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, dim)
        self.position_embeddings = nn.Embedding(positions, dim)
        self.token_type_embeddings = nn.Embedding(types, dim)
        self.LayerNorm = nn.LayerNorm(dim, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, input_ids, token_type_ids, position_ids):
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x + self.position_embeddings(position_ids)))


class BertEncoder(nn.Module):
    def __init__(self, dim, heads, ff, layers):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(dim, heads, ff) for _ in range(layers))

    def forward(self, x):
        for layer in self.layer:
            x = layer(x)
        return x


class BertPooler(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dense = nn.Linear(dim, dim)
        self.activation = nn.Tanh()

    def forward(self, x):
        return self.activation(self.dense(x[:, 0]))


class BertModel(nn.Module):
    """Hugging Face BertModel (bert-base-uncased: hidden 768, 12 layers, 12 heads, intermediate 3072)."""

    def __init__(self, width=1.0, layers=12, heads=12):
        super().__init__()
        dim = heads * int(64 * width)
        self.embeddings = BertEmbeddings(dim)
        self.encoder = BertEncoder(dim, heads, 4 * dim, layers)
        self.pooler = BertPooler(dim)

    def forward(self, input_ids, token_type_ids, position_ids):
        return self.pooler(self.encoder(self.embeddings(input_ids, token_type_ids, position_ids)))


_CLASSES = {"vgg16": VGG16, "resnet50": ResNet50, "mobilenet_v2": MobileNetV2,
            "mobilenet_v3_large": MobileNetV3Large, "efficientnet_b0": EfficientNetB0,
            "vit_b_16": VisionTransformer, "bert_base": BertModel}


def build(name, width=1.0, device="meta", batch=1, resolution=224, seq_len=128, **kw):
    """(model in eval mode, example args) for zoo network `name` at channel `width`, built on `device`
    ("meta": no weights are allocated, for tracing and FlopCounterMode; "cpu": real weights, for export)."""
    with torch.device(device):
        if name == "vit_b_16":
            kw.setdefault("image_size", resolution)
        model = _CLASSES[name](width=width, **kw).eval()
        if name == "bert_base":
            args = (torch.zeros(batch, seq_len, dtype=torch.long), torch.zeros(batch, seq_len, dtype=torch.long),
                    torch.arange(seq_len).unsqueeze(0))
        else:
            args = (torch.zeros(batch, 3, resolution, resolution),)
    return model, args


def materialize(model, args):
    """A meta-device twin and its example args on the CPU. Tensor i of the parameters and buffers is filled
    with 1 / (i + 2) (a memset, no random init: the exports only need shapes; distinct values, because the
    TorchScript exporter merges equal initializers into Identity nodes); position ids are 0..T-1."""
    model = model.to_empty(device="cpu")
    with torch.no_grad():
        for i, t in enumerate(list(model.parameters()) + list(model.buffers())):
            t.fill_(1.0 / (i + 2) if t.is_floating_point() else 0)
    cpu = tuple(torch.zeros(a.shape, dtype=a.dtype) for a in args)
    if len(cpu) == 3:  # BERT: input_ids, token_type_ids, position_ids
        cpu = cpu[:2] + (torch.arange(cpu[2].shape[1]).unsqueeze(0),)
    return model, cpu
