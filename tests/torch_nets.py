"""Small but real PyTorch networks shared by the PyTorch and ONNX frontend tests (torch is imported by
the callers' `pytest.importorskip`): a VGG-style net, a ResNet basic-block net, a MobileNetV2 inverted-
residual net (depthwise convs) and a transformer encoder block (multi-head attention via matmul)."""

import torch
from torch import nn

NETS = ("vgg", "resnet", "mobilenet_v2", "transformer")


def _conv_bn(cin, cout, k=3, stride=1, groups=1, act=nn.ReLU):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout), act()]


class VGG(nn.Module):
    """Two VGG stages (conv-BN-ReLU x2 + max pool) and a two-layer classifier; input (1, 3, 32, 32)."""

    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(*_conv_bn(3, 16), *_conv_bn(16, 16), nn.MaxPool2d(2),
                                      *_conv_bn(16, 32), *_conv_bn(32, 32), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(32 * 8 * 8, 64), nn.ReLU(True), nn.Dropout(),
                                        nn.Linear(64, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BasicBlock(nn.Module):
    """torchvision's ResNet basic block (3x3, 3x3, identity or 1x1-conv shortcut)."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x if self.downsample is None else self.downsample(x)
        return self.relu(out)


class ResNet(nn.Module):
    """torchvision-style ResNet of basic blocks: 7x7/2 stem, 3x3/2 max pool, one stage of two blocks per
    width (stride 2 from the second), average pool, fc. The defaults are the small test net on (1, 3, 32, 32);
    widths (64, 128, 256, 512) with 1000 classes is ResNet-18."""

    def __init__(self, widths=(16, 32), classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = widths[0]
        for i, w in enumerate(widths):
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(cin, w, 1 if i == 0 else 2), BasicBlock(w, w)))
            cin = w
        self.stages = len(widths)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand (ReLU6), 3x3 depthwise (ReLU6), 1x1 linear projection, residual."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = _conv_bn(cin, hidden, 1, act=nn.ReLU6) if expand != 1 else []
        layers += _conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6)
        layers += [nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNetV2 stem, three inverted residuals (t = 1, 6, 6), 1x1 head, pool, classifier; (1, 3, 32, 32)."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(*_conv_bn(3, 8, 3, 2, act=nn.ReLU6))
        self.blocks = nn.Sequential(InvertedResidual(8, 8, 1, 1), InvertedResidual(8, 16, 2, 6),
                                    InvertedResidual(16, 16, 1, 6))
        self.head = nn.Sequential(*_conv_bn(16, 64, 1, act=nn.ReLU6))
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(64, classes))

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.classifier(nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))


class Attention(nn.Module):
    """Multi-head self-attention with explicit matmuls: (B, T, D) -> (B, T, D)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-2, -1)) * (d // self.heads) ** -0.5
        out = torch.matmul(attn.softmax(dim=-1), v)
        return self.proj(out.transpose(1, 2).reshape(b, t, d))


class EncoderBlock(nn.Module):
    """Post-norm transformer encoder block (BERT-style): attention + residual + LN, GELU MLP + residual + LN;
    input (2, 8, 32), 4 heads."""

    def __init__(self, dim=32, heads=4, mlp=64):
        super().__init__()
        self.attn = Attention(dim, heads)
        self.ln1 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(mlp, dim)
        self.ln2 = nn.LayerNorm(dim)

    def forward(self, x):
        x = self.ln1(x + self.attn(x))
        return self.ln2(x + self.fc2(self.act(self.fc1(x))))


def build(name):
    """(model in eval mode, example args) for one of `NETS`, with fixed weights."""
    torch.manual_seed(0)
    if name == "transformer":
        return EncoderBlock().eval(), (torch.randn(2, 8, 32),)
    model = {"vgg": VGG, "resnet": ResNet, "mobilenet_v2": MobileNetV2}[name]()
    return model.eval(), (torch.randn(1, 3, 32, 32),)
