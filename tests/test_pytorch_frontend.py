"""PyTorch frontend: per-layer MACs equal torch.utils.flop_counter (2 FLOPs per MAC) on small real networks.

The networks (VGG-style, ResNet basic blocks, MobileNetV2 inverted residuals, a transformer encoder block)
are defined in `tests/torch_nets.py` and shared with the ONNX tests.
"""

import re
import warnings

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from diffhw.errors import InputError  # noqa: E402
from diffhw.frontends.pytorch import from_torch, from_torch_factory  # noqa: E402
from tests import torch_nets  # noqa: E402


def _scope(node) -> str:
    """Module path a MAC node runs in (weighted nodes are named after their module)."""
    if node.kind == "matmul":
        return node.name.rsplit(".", 1)[0] if "." in node.name else ""
    return re.sub(r"_\d+$", "", node.name)


def assert_macs_match_flop_counter(model, args, graph):
    """Every module's FLOPs (FlopCounterMode, 2 per MAC) equal 2x the MACs of the graph's layers in it;
    every weighted layer matches its own module exactly."""
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model.eval()(*args)
    counts = {k: sum(v.values()) for k, v in fc.get_flop_counts().items()}
    root = type(model).__name__
    modules = dict(model.named_modules())
    layers = [(node, spec.num_macs() * rep) for node, spec, rep in graph.mac_layers()]
    assert 2 * graph.macs() == counts["Global"] > 0
    for node, macs in layers:
        if node.name in modules:
            assert counts.get(f"{root}.{node.name}") == 2 * macs, node.name
    for key, flops in counts.items():
        if key in ("Global", root):
            continue
        prefix = key[len(root) + 1:]
        ours = sum(m for n, m in layers if _scope(n) == prefix or _scope(n).startswith(prefix + "."))
        assert 2 * ours == flops, key


@pytest.mark.parametrize("net", torch_nets.NETS)
def test_reference_nets_match_flop_counter(net):
    model, args = torch_nets.build(net)
    g = from_torch(model, args)
    assert_macs_match_flop_counter(model, args, g)
    assert g.params() == sum(p.numel() for p in model.parameters())
    assert not g.unsupported()


def test_layer_kinds_and_names():
    model, args = torch_nets.build("mobilenet_v2")
    g = from_torch(model, args)
    rows = {r["name"]: r for r in g.table()}
    dw = rows["blocks.1.conv.3"]
    assert (dw["type"], dw["C"], dw["K"], dw["R"], dw["stride_y"], dw["groups"]) == ("DSCONV", 48, 1, 3, 2, 48)
    assert rows["classifier.1"]["type"] == "GEMM" and rows["classifier.1"]["M"] == 1
    kinds = {n.kind for n in g.nodes}
    assert {"conv", "linear", "norm", "act", "add", "global_pool", "reshape"} <= kinds

    model, args = torch_nets.build("transformer")
    g = from_torch(model, args)
    mm = [r for r in g.table() if r["name"].startswith("attn.matmul")]
    # (B=2, heads=4, T=8, d=8): Q K^T and P V, each repeated batch x heads times
    assert [(r["M"], r["K"], r["N"], r["repeat"]) for r in mm] == [(8, 8, 8, 8), (8, 8, 8, 8)]
    assert g["attn.qkv"].attrs == {"in_features": 32, "out_features": 96, "bias": True}
    assert g.table()[0]["M"] == 16  # linear on (2, 8, 32): M = batch x sequence


class _Ops(nn.Module):
    """Grouped, dilated, 'same'-padded and channel-multiplier convs, a transposed conv, F.linear, bmm and
    einsum (with an ellipsis and a parameter operand)."""

    def __init__(self):
        super().__init__()
        self.grouped = nn.Conv2d(8, 16, 3, padding=2, dilation=2, groups=2)
        self.same = nn.Conv2d(16, 16, 4, padding="same", bias=False)
        self.mult = nn.Conv2d(16, 32, 3, stride=2, padding=1, groups=16)
        self.up1 = nn.ConvTranspose2d(32, 8, 3, padding=1)
        self.w = nn.Parameter(torch.randn(12, 8 * 4 * 4))
        self.proj = nn.Parameter(torch.randn(6, 5))

    def forward(self, x, q, k, v):
        y = self.up1(self.mult(self.same(self.grouped(x))))
        z = F.linear(y.flatten(1), self.w)
        a = torch.bmm(q, k.transpose(1, 2))
        b = torch.einsum("bij,bjk->bik", a.softmax(-1), v)
        c = torch.einsum("...k,kn->...n", b, self.proj)
        return z, c


def test_op_coverage_matches_flop_counter():
    model = _Ops()
    args = (torch.randn(1, 8, 8, 8), torch.randn(3, 4, 6), torch.randn(3, 7, 6), torch.randn(3, 7, 6))
    g = from_torch(model, args)
    assert_macs_match_flop_counter(model, args, g)
    rows = {r["name"]: r for r in g.table()}
    assert rows["grouped"]["repeat"] == 2 and rows["grouped"]["K"] == 8 and rows["grouped"]["C"] == 4
    assert rows["mult"]["type"] == "DSCONV" and rows["mult"]["repeat"] == 2
    assert g["up1"].kind == "conv_transpose"
    assert {r["type"] for r in g.table()} == {"CONV", "DSCONV", "GEMM"}


def test_scaled_dot_product_attention_is_two_matmuls():
    # FlopCounterMode does not count CPU SDPA, so compare with the explicit form instead
    class Sdpa(nn.Module):
        def forward(self, q, k, v):
            return F.scaled_dot_product_attention(q, k, v)

    class Explicit(nn.Module):
        def forward(self, q, k, v):
            return ((q @ k.transpose(-2, -1)) * q.shape[-1] ** -0.5).softmax(-1) @ v

    args = (torch.randn(2, 3, 5, 8), torch.randn(2, 3, 7, 8), torch.randn(2, 3, 7, 4))
    rows = [from_torch(m, args).table() for m in (Sdpa(), Explicit())]
    assert rows[0] == rows[1] and [r["macs"] for r in rows[0]] == [6 * 5 * 8 * 7, 6 * 5 * 7 * 4]
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        Explicit()(*args)
    assert fc.get_total_flops() == 2 * sum(r["macs"] for r in rows[0])


def test_strided_conv_transpose_counts_flop_counter_macs():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ConvTranspose2d(4, 2, 2, stride=2))
    g = from_torch(model, (1, 3, 6, 6))
    node = g["1"]
    assert node.kind == "conv_transpose" and node.shape == (1, 2, 8, 8)
    assert node.params == 4 * 2 * 2 * 2 + 2
    assert_macs_match_flop_counter(model, (torch.zeros(1, 3, 6, 6),), g)


def test_unsupported_ops_are_recorded_with_a_note():
    class Up(nn.Module):
        def forward(self, x):
            y = F.interpolate(x, scale_factor=2.0)
            return y + torch.cumsum(F.pad(y, (1, 1, 1, 1)), 1)[..., 1:-1, 1:-1]

    class Chain(nn.Module):
        def forward(self, a, b, c):
            return torch.einsum("ij,jk,kl->il", a, b, c)

    g = from_torch(Up(), (1, 2, 4, 4))
    assert g.unsupported() and all(n.attrs["note"] for n in g.unsupported())
    assert g.nodes[-1].shape == (1, 2, 8, 8)
    with pytest.warns(UserWarning, match="3 operands"):
        g = from_torch(Chain(), ((2, 3), (3, 4), (4, 5)))
    assert g.macs() == 0 and g.unsupported()[0].shape == (2, 5)


def test_input_that_contradicts_the_weights_names_the_layer_and_the_fix():
    model, _ = torch_nets.build("vgg")
    with pytest.raises(InputError, match=r"layer 'features.0': Conv2d gets an input of shape \(1, 5, 32, 32\), "
                                         r"its weights expect 3 input channels.*--input-shape 1,3,32,32"):
        from_torch(model, (1, 5, 32, 32))
    with pytest.raises(InputError, match=r"layer 'classifier.0'.*expect 2048 input features"):
        from_torch(model, (1, 3, 36, 36))


def test_untraceable_and_dynamic_modules_get_clear_errors():
    class Branchy(nn.Module):
        def forward(self, x):
            return x * 2 if x.sum() > 0 else x

    class Dynamic(nn.Module):
        def forward(self, x):
            return torch.nonzero(x)

    with pytest.raises(InputError, match="torch.export cannot trace Branchy.*Fix: make forward traceable"):
        from_torch(Branchy(), (2, 3))
    with pytest.raises(InputError, match="dynamic or data-dependent output shape"):
        from_torch(Dynamic(), (2, 3))


def test_factory(tmp_path, monkeypatch):
    (tmp_path / "factory_mod.py").write_text(
        "import torch\n\ndef net():\n    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())\n"
        "\ndef lm():\n    return torch.nn.Sequential(torch.nn.Embedding(50, 8), torch.nn.Linear(8, 50))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    g = from_torch_factory("factory_mod:net", (1, 3, 8, 8))
    assert g.name == "net" and g.macs() == 4 * 3 * 9 * 36
    assert from_torch_factory("factory_mod:lm", (2, 5)).macs() == 2 * 5 * 8 * 50  # token ids of that shape
    with pytest.raises(InputError, match="cannot import"):
        from_torch_factory("no_such_mod_xyz:net", (1, 3, 8, 8))
    with pytest.raises(InputError, match="package.module:function"):
        from_torch_factory("factory_mod", (1, 3, 8, 8))
    with pytest.raises(InputError, match="input shape"):
        from_torch_factory("factory_mod:net", None)


def test_module_mode_is_restored_and_eval_used():
    model, args = torch_nets.build("vgg")
    model.train()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_torch(model, args)
    assert model.training


def test_resnet18_twin_of_the_zoo():
    from diffhw.frontends import zoo

    model = torch_nets.ResNet(widths=(64, 128, 256, 512), classes=1000)
    g = from_torch(model, (1, 3, 224, 224), name="resnet18")
    assert g.table() == zoo.get("resnet18").table()
    assert g.params() == 11_689_512
