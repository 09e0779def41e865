"""ONNX frontend: torch.onnx.export of the reference networks gives the PyTorch frontend's layer table, and
bad files / unknown shapes / unknown ops get clear messages.

Exports use the TorchScript exporter (``dynamo=False``, fast and deterministic) with constant folding off so
that batch norms stay separate nodes (folded into the convs, they would add conv biases the module does not
have); one test uses the default dynamo exporter.
"""

import io
import sys
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
torch = pytest.importorskip("torch")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from torch import nn  # noqa: E402

from diffhw.errors import InputError  # noqa: E402
from diffhw.frontends.onnx_graph import from_onnx  # noqa: E402
from diffhw.frontends.pytorch import from_torch  # noqa: E402
from tests import torch_nets  # noqa: E402


def export(model, args, **kw) -> "onnx.ModelProto":
    """TorchScript export to memory (no constant folding), or the dynamo exporter with ``dynamo=True``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kw.get("dynamo"):
            return torch.onnx.export(model, args, **kw).model_proto
        f = io.BytesIO()
        torch.onnx.export(model, args, f, dynamo=False, do_constant_folding=False, **kw)
    return onnx.load_from_string(f.getvalue())


@pytest.mark.parametrize("net", torch_nets.NETS)
def test_export_gives_the_pytorch_table(net, tmp_path):
    model, args = torch_nets.build(net)
    path = tmp_path / f"{net}.onnx"
    onnx.save(export(model, args), str(path))
    g, ref = from_onnx(path), from_torch(model, args)
    assert g.table() == ref.table()
    assert g.table("maestro") == ref.table("maestro")
    assert g.macs() == ref.macs() and g.params() == ref.params()
    assert g.name == net and {n.attrs["op"] for n in g.unsupported()} <= {"Split"}  # unbind of q, k, v


def test_dynamo_export_gives_the_pytorch_table():
    model, args = torch_nets.build("transformer")
    g = from_onnx(export(model, args, dynamo=True))
    assert g.table() == from_torch(model, args).table()


def test_ops_and_attributes():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.dw = nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=4)
            self.grouped = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2, bias=False)
            self.up = nn.ConvTranspose2d(8, 4, 3, padding=1)
            self.up2 = nn.ConvTranspose2d(4, 2, 2, stride=2)
            self.pool = nn.AvgPool2d(3, 2, 1, ceil_mode=True)

        def forward(self, x, a, b):
            y = self.up2(self.up(self.grouped(self.dw(x))))
            y = torch.cat([self.pool(y), torch.sigmoid(self.pool(y))], 1)
            return y, torch.einsum("bhij,bhjk->bhik", a, b), torch.matmul(a, b).softmax(-1)

    args = (torch.randn(1, 4, 8, 8), torch.randn(2, 3, 4, 5), torch.randn(2, 3, 5, 6))
    model = Net().eval()
    g = from_onnx(export(model, args))
    assert g.table() == from_torch(model, args).table()
    rows = {r["name"]: r for r in g.table()}
    assert (rows["dw"]["type"], rows["dw"]["repeat"]) == ("DSCONV", 2)
    assert (rows["grouped"]["K"], rows["grouped"]["C"], rows["grouped"]["repeat"]) == (4, 4, 2)
    assert g["up"].kind == "conv_transpose" and g["up2"].kind == "conv_transpose"
    assert [(r["M"], r["K"], r["N"], r["repeat"]) for r in g.table() if r["type"] == "GEMM"] == [(4, 5, 6, 6)] * 2
    assert g.nodes[-1].shape == (2, 3, 4, 6)
    assert {"pool", "concat", "act", "softmax"} <= {n.kind for n in g.nodes}


def _model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "hand", inputs, outputs, list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def test_hand_written_model_gemm_matmul_pads_and_names():
    w = numpy_helper.from_array(np.zeros((16, 8, 3, 3), np.float32), "w")
    fc = numpy_helper.from_array(np.zeros((10, 16), np.float32), "fc")
    fcb = numpy_helper.from_array(np.zeros((10,), np.float32), "fcb")
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv_same", auto_pad="SAME_UPPER", strides=[2, 2]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["p"], name="gap"),
        helper.make_node("Flatten", ["p"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "fc", "fcb"], ["y"], name="head", transB=1),
        helper.make_node("MatMul", ["y", "y_t"], ["o"], name="outer"),
    ]
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 9, 9]),
           helper.make_tensor_value_info("y_t", TensorProto.FLOAT, [10, 4])]
    outs = [helper.make_tensor_value_info("o", TensorProto.FLOAT, [1, 4])]
    g = from_onnx(_model(nodes, ins, outs, [w, fc, fcb]))
    rows = g.table()
    assert [r["name"] for r in rows] == ["conv_same", "head", "outer"]
    assert rows[0]["Y"] == 9 + 2 and g["conv_same"].shape == (1, 16, 5, 5)  # SAME_UPPER, stride 2: pads 1+1
    assert rows[1]["params"] == 16 * 10 + 10 and rows[1]["M"] == 1
    assert rows[2]["macs"] == 1 * 10 * 4


def test_dynamic_batch_needs_an_input_shape():
    w = numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="c")]
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 8, 8])]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4, 6, 6])]
    model = _model(nodes, ins, outs, [w])
    with pytest.raises(InputError, match="graph input 'x' has an unknown or dynamic shape.*input_shape"):
        from_onnx(model)
    assert from_onnx(model, input_shape=(2, 3, 8, 8)).table()[0]["N"] == 2


def test_unknown_op_is_recorded_with_a_warning():
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="r"),
             helper.make_node("Hardmax", ["r"], ["h"], name="hm"),
             helper.make_node("Slice", ["h", "s", "e"], ["y"], name="sl")]
    inits = [numpy_helper.from_array(np.array([0], np.int64), "s"),
             numpy_helper.from_array(np.array([2], np.int64), "e")]
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 5])]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 5])]
    with pytest.warns(UserWarning, match="Hardmax node 'hm' is not modelled"):
        g = from_onnx(_model(nodes, ins, outs, inits))
    assert [(n.name, n.attrs["op"], n.shape) for n in g.unsupported()] == [("hm", "Hardmax", (4, 5)),
                                                                          ("sl", "Slice", (2, 5))]


def test_bad_files_get_clear_errors(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"this is not a protobuf \xff\xfe")
    with pytest.raises(InputError, match="bad.onnx: not a valid ONNX model"):
        from_onnx(bad)
    with pytest.raises(InputError, match="cannot read the ONNX file"):
        from_onnx(tmp_path / "missing.onnx")
    nodes = [helper.make_node("Conv", ["x", "nowhere"], ["y"], name="c")]
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6])]
    with pytest.raises(InputError, match="invalid ONNX model"):
        from_onnx(_model(nodes, ins, outs))


def _expanded_token(repeats):
    """x (N, 4, 8) with a constant token Expand-ed to `repeats` (a shape computed by Abs, which ONNX shape
    inference does not propagate: the Expand output's first two dims are unknown) concatenated on axis 1, then
    a linear layer."""
    n = abs(repeats[0])
    nodes = [helper.make_node("Abs", ["neg"], ["reps"], name="abs"),
             helper.make_node("Expand", ["token", "reps"], ["tokens"], name="expand"),
             helper.make_node("Concat", ["tokens", "x"], ["cat"], name="cat", axis=1),
             helper.make_node("MatMul", ["cat", "w"], ["y"], name="fc")]
    inits = [numpy_helper.from_array(np.arange(8, dtype=np.float32).reshape(1, 1, 8), "token"),
             numpy_helper.from_array(np.array(repeats, np.int64), "neg"),
             numpy_helper.from_array(np.zeros((8, 6), np.float32), "w")]
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, 4, 8])]
    outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, 4 + abs(repeats[1]), 6])]
    return _model(nodes, ins, outs, inits)


def test_constant_subgraph_without_inferred_shape_is_evaluated():
    from onnx import shape_inference
    model = _expanded_token([-2, -1, -1])
    inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    dims = {vi.name: vi.type.tensor_type.shape.dim for vi in inferred.graph.value_info}["tokens"]
    assert [d.HasField("dim_value") for d in dims] == [False, False, True]
    g = from_onnx(model)
    assert g.table()[0]["M"] == 2 * 5 and g["fc"].shape == (2, 5, 6)
    assert g.params() == 2 * 8 + 8 * 6  # the expanded token is a (2, 1, 8) constant


def test_constant_subgraph_too_large_to_evaluate_is_resolved_by_onnxruntime(monkeypatch):
    # (4096, 1024, 8): 32M elements, more than the evaluation bound: onnxruntime's run gives the shape
    model = _expanded_token([-4096, -1024, -1])
    assert from_onnx(model)["fc"].shape == (4096, 1028, 6)
    # without onnxruntime: an error naming the node, never a guessed shape
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(InputError, match=r"layer 'expand'.*'tokens' of Expand node 'expand' depends on constants "
                                         r"only but has an unknown shape.*would make 33554432 elements"):
        from_onnx(model)
