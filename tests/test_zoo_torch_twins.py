"""Torch twins of the zoo networks (tests/zoo_twins.py): per-layer MACs against an independent counter, layer
tables against the zoo, and ONNX exports against the PyTorch frontend (issue 4's acceptance).

For each of vgg16, resnet50, mobilenet_v2, mobilenet_v3_large, efficientnet_b0, vit_b_16 and bert_base (seq 128)
at full size (batch 1, 224x224):

1. Per layer: `from_torch`'s MAC layers, in graph order, are FlopCounterMode's MAC-carrying ATen calls in
   execution order (one call per layer: convolution / addmm / mm / bmm), each in the same module and with
   2 x the layer's MACs (FlopCounterMode counts 2 FLOPs per MAC); every module's FlopCounterMode total
   (``get_flop_counts()``) is 2 x the MACs of our layers inside it; the total is the zoo's ``macs()`` and
   the parameters are the module's and the zoo's.
2. ``Graph.table()`` of the twin equals ``zoo.get(name).table()`` row for row in every column except
   ``name`` (type, N K C R S Y X M, strides, groups, macs, params, repeat), in both conventions. Names equal
   too for vgg16, resnet50, mobilenet_v3_large and efficientnet_b0; they differ where the zoo chose its own:
   MobileNetV2's projection conv (torchvision ``features.2.conv.2``, zoo ``features.2.conv.2.0``) and the
   attention matmuls (frontend ``...self_attention.matmul`` / ``matmul_1``, zoo ``...scores`` / ``context``).
3. ``torch.onnx.export(dynamo=False, do_constant_folding=False)`` read back by `from_onnx` gives the
   PyTorch frontend's table on the same module (names included) and the same parameter count. resnet50,
   mobilenet_v2, mobilenet_v3_large and efficientnet_b0 are exported at full size; vgg16, vit_b_16 and
   bert_base at a quarter of the width (full size takes 20 s each: 530 / 330 / 420 MB of weights), same depth,
   resolution and sequence length. The ViT export concatenates its class token without
   ``class_token.expand(n, -1, -1)`` (an identity at batch 1); the expanded form, whose parameter-only
   subgraph ONNX shape inference cannot see through, is read by evaluating that subgraph
   (`test_onnx_vit_class_token_expanded_by_batch`, on a one-layer ViT).

Tracing and FlopCounterMode run on the meta device (no weights); exports on zero weights.
"""

import functools
import io
import warnings

import pytest

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from diffhw.frontends import zoo  # noqa: E402
from diffhw.frontends.pytorch import from_torch  # noqa: E402
from tests import zoo_twins  # noqa: E402


class CallRecorder(FlopCounterMode):
    """FlopCounterMode that also records every counted call: (innermost module path, FLOPs)."""

    def __init__(self):
        super().__init__(display=False)
        self.calls = []

    def _count_flops(self, func_packet, out, args, kwargs):
        if func_packet in self.flop_registry:
            flops = self.flop_registry[func_packet](*args, **kwargs, out_val=out)
            if flops:
                self.calls.append((max(self.mod_tracker.parents, key=len), flops))
        return super()._count_flops(func_packet, out, args, kwargs)


def scope(node) -> str:
    """Module a MAC node runs in: weighted layers are named after their module, matmuls ``<module>.matmul``."""
    return node.name.rsplit(".", 1)[0] if node.kind == "matmul" else node.name


@functools.lru_cache(maxsize=None)
def twin(name):
    """(meta-device twin, example args, its PyTorch-frontend graph)."""
    model, args = zoo_twins.build(name)
    return model, args, from_torch(model, args, name=name)


def without_names(rows):
    return [{k: v for k, v in r.items() if k != "name"} for r in rows]


@pytest.mark.parametrize("name", zoo_twins.NAMES)
def test_layers_match_flop_counter(name):
    model, args, g = twin(name)
    root = type(model).__name__
    rec = CallRecorder()
    with rec, torch.no_grad():
        model(*args)
    layers = [(scope(node), spec.num_macs() * rep) for node, spec, rep in g.mac_layers()]
    # one counted ATen call per layer, in order, in the same module, 2 FLOPs per MAC
    assert [(m[len(root) + 1:], f) for m, f in rec.calls] == [(s, 2 * m) for s, m in layers]
    # every module's total (FlopCounterMode's own per-module accounting)
    counts = {k: sum(v.values()) for k, v in rec.get_flop_counts().items()}
    assert counts["Global"] == counts[root] == 2 * g.macs() == 2 * zoo.get(name).macs()
    for key, flops in counts.items():
        if key not in ("Global", root):
            path = key[len(root) + 1:]
            assert 2 * sum(m for s, m in layers if s == path or s.startswith(path + ".")) == flops, key
    assert g.params() == sum(p.numel() for p in model.parameters()) == zoo.get(name).params()
    assert not g.unsupported()


@pytest.mark.parametrize("name", zoo_twins.NAMES)
def test_table_equals_the_zoo(name):
    g, ref = twin(name)[2], zoo.get(name)
    for convention in ("padded", "maestro"):
        assert without_names(g.table(convention)) == without_names(ref.table(convention))
    same_names = [r["name"] for r in g.table()] == [r["name"] for r in ref.table()]
    assert same_names == (name in ("vgg16", "resnet50", "mobilenet_v3_large", "efficientnet_b0"))


def export(model, args):
    onnx = pytest.importorskip("onnx")
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, f, dynamo=False, do_constant_folding=False)
    return onnx.load_from_string(f.getvalue())


# name: build keywords of the exported twin (full size unless a width is given)
EXPORTS = {"vgg16": dict(width=0.25, hidden=512), "resnet50": {}, "mobilenet_v2": {}, "mobilenet_v3_large": {},
           "efficientnet_b0": {}, "vit_b_16": dict(width=0.25, expand_class_token=False), "bert_base": dict(width=0.25)}


@pytest.mark.parametrize("name", zoo_twins.NAMES)
def test_onnx_export_gives_the_pytorch_table(name):
    pytest.importorskip("onnx")
    from diffhw.frontends.onnx_graph import from_onnx

    model, args = zoo_twins.materialize(*zoo_twins.build(name, **EXPORTS[name]))
    g, ref = from_onnx(export(model, args)), from_torch(model, args)
    assert g.table() == ref.table() and g.table("maestro") == ref.table("maestro")
    assert g.params() == ref.params() == sum(p.numel() for p in model.parameters())
    assert {n.attrs["op"] for n in g.unsupported()} <= {"Split"}  # ViT's unbind of q, k, v
    if not EXPORTS[name]:
        assert without_names(g.table()) == without_names(zoo.get(name).table())


def test_onnx_vit_class_token_expanded_by_batch():
    """torchvision's ``class_token.expand(n, -1, -1)`` exports (TorchScript) as a chain on constants only
    (Shape -> ConstantOfShape -> Mul -> Equal -> Where -> Expand) whose output shape ONNX shape inference leaves
    unknown; the frontend evaluates it and reads the same table as the PyTorch frontend."""
    pytest.importorskip("onnx")
    from diffhw.frontends.onnx_graph import from_onnx

    model, args = zoo_twins.materialize(*zoo_twins.build("vit_b_16", width=1 / 16, layers=1))
    proto = export(model, args)
    assert "Expand" in {n.op_type for n in proto.graph.node}
    g, ref = from_onnx(proto), from_torch(model, args)
    assert g.table() == ref.table() and g.table("maestro") == ref.table("maestro")
    assert g.params() == ref.params() == sum(p.numel() for p in model.parameters())
