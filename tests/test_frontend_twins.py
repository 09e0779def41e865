"""The PyTorch path (`from_torch`) and the ONNX path (``torch.onnx.export`` -> `from_onnx`) count exactly the
MACs of `torch.utils.flop_counter.FlopCounterMode` (FLOPs / 2) on small twins of real model kinds
(`tests/frontend_twins.py`). The reference runs with the math SDPA backend and oneDNN off: CPU's fused SDPA
and oneDNN LSTM kernels are invisible to FlopCounterMode (it counts them as 0)."""

import io
import warnings

import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
from torch.nn.attention import SDPBackend, sdpa_kernel  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from diffhw.cli import main  # noqa: E402
from diffhw.errors import InputError  # noqa: E402
from diffhw.frontends.onnx_graph import from_onnx  # noqa: E402
from diffhw.frontends.pytorch import from_torch  # noqa: E402
from tests.frontend_twins import TWINS  # noqa: E402

#: Twins the TorchScript exporter cannot export (grouped-query SDPA): exported with the dynamo exporter.
_DYNAMO_ONLY = {"sdpa"}


def flop_counter_macs(model, args) -> int:
    with torch.no_grad(), FlopCounterMode(display=False) as fc, sdpa_kernel(SDPBackend.MATH), \
            torch.backends.mkldnn.flags(enabled=False):
        model(*args)
    return fc.get_total_flops() // 2


def export(model, args, dynamo: bool) -> "onnx.ModelProto":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dynamo:
            return torch.onnx.export(model, args, dynamo=True, verbose=False).model_proto
        f = io.BytesIO()
        torch.onnx.export(model, args, f, dynamo=False)
    return onnx.load_from_string(f.getvalue())


@pytest.mark.parametrize("name", sorted(TWINS))
def test_twin_macs_equal_flop_counter_on_both_paths(name):
    model, args = TWINS[name]()
    ref = flop_counter_macs(model, args)
    assert ref > 0
    g = from_torch(model, args)
    assert g.macs() == ref
    assert g.params() == sum(p.numel() for p in model.parameters())
    h = from_onnx(export(model, args, dynamo=name in _DYNAMO_ONLY))
    assert h.macs() == ref
    assert [r["type"] for r in g.table()] and {r["type"] for r in h.table()} <= {"CONV", "DSCONV", "GEMM"}


def test_runtime_shapes_resolved_by_onnxruntime_with_a_new_input_shape(tmp_path, capsys):
    # TorchScript export with dynamic H, W: the TF-'same' pads are Shape arithmetic ONNX inference leaves
    # unknown; the frontend takes them from one onnxruntime run at the given input shape
    model, _ = TWINS["tf_same_padding"]()
    path = tmp_path / "tf_same.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(1, 3, 17, 20),), str(path), dynamo=False, input_names=["x"],
                          dynamic_axes={"x": {0: "n", 2: "h", 3: "w"}})
    for shape in ((1, 3, 17, 20), (2, 3, 33, 40)):
        assert from_onnx(path, input_shape=shape).macs() == flop_counter_macs(model, (torch.zeros(shape),))
    with pytest.raises(InputError, match=r"layer '/stem/Conv'.*Input channels C is not equal to kernel channels.*"
                                         r"Fix: check the input shape"):
        from_onnx(path, input_shape=(1, 5, 33, 40))
    # the command: CSV with a total equal to FlopCounterMode's; the bad shape is one error line
    assert main(["layers", str(path), "--input-shape", "2,3,33,40"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].split(",")[12] == str(flop_counter_macs(model, (torch.zeros(2, 3, 33, 40),)))
    assert main(["layers", str(path), "--input-shape", "1,5,33,40"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and "/stem/Conv" in err
    torch.onnx.export(TWINS["conv3d"]()[0], (torch.zeros(1, 3, 4, 16, 16),), str(path), dynamo=False,
                      input_names=["x"], dynamic_axes={"x": {1: "c"}})
    with pytest.raises(InputError, match=r"layer '/embed/Conv'.*Conv gets an input of shape \(1, 5, 4, 16, 16\), "
                                         r"its weights expect 3 input channels.*--input-shape 1,3,4,16,16"):
        from_onnx(path, input_shape=(1, 5, 4, 16, 16))


def test_recurrent_layers_are_gate_gemms_per_step():
    model, args = TWINS["recurrent"]()
    rows = {r["name"]: r for r in from_torch(model, args).table()}
    # input projections of all 5 steps x 2 sequences in one GEMM; the recurrent GEMM once per step
    assert (rows["lstm.ih_l0"]["M"], rows["lstm.ih_l0"]["K"], rows["lstm.ih_l0"]["N"]) == (10, 8, 64)
    assert (rows["lstm.hh_reverse_l1"]["M"], rows["lstm.hh_reverse_l1"]["K"], rows["lstm.hh_reverse_l1"]["N"],
            rows["lstm.hh_reverse_l1"]["repeat"]) == (2, 16, 64, 5)
    assert rows["gru.ih_l0"]["N"] == 24 and rows["rnn.hh_l0"]["N"] == 4


def test_mac_ops_on_constants_are_counted():
    # Swin V2's continuous position bias: an MLP on a fixed coordinate table runs at every forward
    class PositionBiasMLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("coords", torch.randn(49, 2))
            self.mlp = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))

        def forward(self, scores):  # (B, 4, 49)
            return scores + self.mlp(self.coords).t()

    model, args = PositionBiasMLP().eval(), (torch.randn(2, 4, 49),)
    ref = flop_counter_macs(model, args)
    assert ref == 49 * (2 * 16 + 16 * 4)
    assert from_torch(model, args).macs() == ref
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, f, dynamo=False, do_constant_folding=False)
    assert from_onnx(onnx.load_from_string(f.getvalue())).macs() == ref


def test_onnx_attention_op_of_opset_23():
    model, args = TWINS["sdpa"]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proto = torch.onnx.export(model, args, dynamo=True, opset_version=23, verbose=False).model_proto
    assert "Attention" in {n.op_type for n in proto.graph.node}
    assert from_onnx(proto).macs() == flop_counter_macs(model, args)
    # 3-D form (B, L, heads * E) with grouped-query heads and a past key / value of 3 positions
    from onnx import TensorProto, helper

    b, length, past, hq, hkv, e = 2, 5, 3, 4, 2, 8
    node = helper.make_node("Attention", ["q", "k", "v", "", "pk", "pv"], ["y", "present_k", "present_v"],
                            name="attn", q_num_heads=hq, kv_num_heads=hkv)
    ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in
           (("q", [b, length, hq * e]), ("k", [b, length, hkv * e]), ("v", [b, length, hkv * e]),
            ("pk", [b, hkv, past, e]), ("pv", [b, hkv, past, e]))]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [b, length, hq * e])]
    m = helper.make_model(helper.make_graph([node], "attn3d", ins, outs), opset_imports=[helper.make_opsetid("", 23)])
    g = from_onnx(m)
    assert g.macs() == 2 * b * hq * length * (past + length) * e  # Q K^T and P V over 8 key positions
    assert [n.shape for n in g.nodes if n.kind == "reshape"][-1] == (b, length, hq * e)


def test_unbatched_recurrent_input():
    model, args = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True).eval(), (torch.randn(5, 8),)
    g = from_torch(model, args)
    assert g.macs() == flop_counter_macs(model, args)
    assert [n.shape for n in g.nodes if n.kind == "reshape"][:2] == [(5, 1, 8), (5, 32)]
