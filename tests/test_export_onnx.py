"""ONNX of op graphs (diffhw.exporters.onnx_build), PyTorch factories, trained weights and the K210 target."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from diffhw.errors import InputError  # noqa: E402
from diffhw.exporters import ExportOptions, export_bundle, from_graph, from_model, from_run  # noqa: E402
from diffhw.exporters.onnx_build import Weights, graph_to_onnx  # noqa: E402
from diffhw.exporters.targets import TARGETS  # noqa: E402
from diffhw.frontends.graph import Graph  # noqa: E402

DATA = Path(__file__).parent / "data" / "export"


def every_kind() -> Graph:
    """A graph with every node kind the ONNX builder handles."""
    with Graph("kinds") as g:
        x = g.input((1, 3, 16, 16), name="x")
        c = g.act(g.norm(g.conv(x, 8, 3, padding=1, bias=True, name="conv")), "relu6")
        t = g.conv_transpose(c, 8, 3, padding=1, bias=True, name="convt1")       # stride 1: a MAC node
        u = g.conv_transpose(t, 4, 2, stride=2, padding=(0, 0, 1, 0), output_padding=(1, 0), name="convt2")
        u = g.norm(u, "instance")
        p = g.pool(g.pool(u, 2, name="maxpool"), 3, stride=1, padding=1, op="avg", name="avgpool")
        d = g.conv(p, 4, 3, padding=2, dilation=2, groups=4, name="dw")
        m = g.add(g.mul(g.act(d, "hardswish"), g.act(d, "hsigmoid")), g.act(d, "silu"))
        cat = g.concat([m, g.act(d, "gelu"), g.act(d, "tanh"), g.act(d, "leaky_relu")], axis=1)
        h = g.linear(g.flatten(g.global_pool(cat, output_size=2)), 16, name="fc")
        seq = g.add(g.norm(g.reshape(h, (1, 4, 4)), "layer"), g.parameter((1, 4, 4), name="pos"))
        att = g.softmax(g.matmul(seq, g.permute(seq, (0, 2, 1)), name="qk"))
        ids = g.input((1, 4), name="ids")
        e = g.embedding(ids, 10, 4, name="emb")
        g.add(g.select(att, 1, 0), g.act(g.select(e, 1, 0), "sigmoid"))
        g.global_pool(c, "max")
    return g


def test_graph_to_onnx_matches_a_torch_reference():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    g = every_kind()
    kinds = {(n.kind, n.attrs.get("op")) for n in g.nodes}
    assert {k for k, _ in kinds} >= {"conv", "conv_transpose", "linear", "matmul", "pool", "global_pool",
                                     "act", "add", "mul", "concat", "norm", "reshape", "softmax", "embedding",
                                     "parameter", "input"}
    model = graph_to_onnx(g)
    w = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((1, 3, 16, 16)).astype(np.float32)
    ids = np.array([[1, 9, 0, 3]], np.int64)
    outs = ort.InferenceSession(model.SerializeToString()).run(None, {"x": xs, "ids": ids})
    x = torch.from_numpy(xs)
    c = F.conv2d(x, w["conv.weight"], w["conv.bias"], padding=1)
    c = F.batch_norm(c, w["norm0.running_mean"], w["norm0.running_var"], w["norm0.weight"], w["norm0.bias"], eps=1e-5)
    c = F.relu6(c)
    t = F.conv_transpose2d(c, w["convt1.weight"], w["convt1.bias"], padding=1)
    u = F.conv_transpose2d(t, w["convt2.weight"], stride=2, output_padding=(1, 0))[:, :, :-1]  # end pad 1 on H
    u = F.instance_norm(u, weight=w["norm1.weight"], bias=w["norm1.bias"], eps=1e-5)
    p = F.avg_pool2d(F.max_pool2d(u, 2), 3, stride=1, padding=1, count_include_pad=True)
    d = F.conv2d(p, w["dw.weight"], padding=2, dilation=2, groups=4)
    m = F.hardswish(d) * F.hardsigmoid(d) + F.silu(d)
    cat = torch.cat([m, F.gelu(d), torch.tanh(d), F.leaky_relu(d, 0.01)], 1)
    h = F.linear(torch.flatten(F.adaptive_avg_pool2d(cat, 2), 1), w["fc.weight"].T, w["fc.bias"])
    seq = F.layer_norm(h.reshape(1, 4, 4), (4,), w["norm2.weight"], w["norm2.bias"], eps=1e-5) + w["pos"]
    att = torch.softmax(seq @ seq.permute(0, 2, 1), -1)
    e = w["emb.weight"][torch.from_numpy(ids)]
    ref = [att[:, 0] + torch.sigmoid(e[:, 0]), torch.amax(c, (2, 3), keepdim=True)]
    for o, r in zip(outs, ref):
        np.testing.assert_allclose(o, r.numpy(), rtol=1e-4, atol=1e-5)
    from diffhw.frontends.onnx_graph import from_onnx

    back = from_onnx(model)
    assert [(r["type"], r["macs"]) for r in back.table()] == [(r["type"], r["macs"]) for r in g.table()]


@pytest.mark.parametrize("d", [1, 3])
def test_1d_and_3d_convs_match_torch(d):
    """Conv / ConvTranspose of rank 1 and 3 (fan-in, weight layout, pads, output padding) vs torch."""
    torch = pytest.importorskip("torch")
    conv, convt = {1: (torch.nn.functional.conv1d, torch.nn.functional.conv_transpose1d),
                   3: (torch.nn.functional.conv3d, torch.nn.functional.conv_transpose3d)}[d]
    shape = (1, 4) + (9, 7, 6)[:d]
    with Graph(f"conv{d}d") as g:
        x = g.input(shape, name="x")
        c = g.conv(x, 6, 3, stride=2, padding=1, groups=2, bias=True, name="conv")
        g.conv_transpose(c, 4, 3, stride=2, padding=1, output_padding=1, dilation=1, bias=True, name="convt")
    model = graph_to_onnx(g)
    w = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    assert w["conv.weight"].shape == (6, 2) + (3,) * d and w["convt.weight"].shape == (6, 4) + (3,) * d
    for key, fan_in in (("conv.weight", 2 * 3 ** d), ("convt.weight", 4 * 3 ** d)):  # torch: w.shape[1] * k^d
        assert 0.5 / np.sqrt(fan_in) < float(w[key].abs().max()) <= 1 / np.sqrt(fan_in)  # U(+-1/sqrt(fan_in))
    xs = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    out = ort.InferenceSession(model.SerializeToString()).run(None, {"x": xs})[0]
    ref = convt(conv(torch.from_numpy(xs), w["conv.weight"], w["conv.bias"], stride=2, padding=1, groups=2),
                w["convt.weight"], w["convt.bias"], stride=2, padding=1, output_padding=1)
    assert out.shape == tuple(ref.shape) == g.shape("convt")
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-4, atol=1e-5)


def test_slice_node_with_starts_ends_axes_matches_torch():
    """An ``other`` "slice" with starts / ends / axes (DARTS's FactorizedReduce: x[:, :, 1:, 1:] -> 1x1
    stride-2 conv, concat) is an ONNX Slice; a slice known only by its note is an error naming the node."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    with Graph("fr") as g:
        x = g.act(g.input((1, 4, 10, 10), name="x"), name="relu")
        a = g.conv(x, 3, 1, stride=2, name="conv_1")
        s = g.other(x, (1, 4, 9, 9), "slice", "x[:, :, 1:, 1:]", name="shift",
                    attrs={"starts": [1, 1], "ends": [10, 10], "axes": [2, 3]})
        g.concat([a, g.conv(s, 3, 1, stride=2, name="conv_2")], name="cat")
        g.other(x, (1, 2, 10, 10), "slice", "x[:, ::2]", name="odd", attrs={"starts": [0], "ends": [4], "axes": [1],
                                                                       "steps": [2]})
    model = graph_to_onnx(g)
    assert [n.op_type for n in model.graph.node if n.name in ("shift", "odd")] == ["Slice", "Slice"]
    w = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    xs = np.random.default_rng(2).standard_normal((1, 4, 10, 10)).astype(np.float32)
    cat, odd = ort.InferenceSession(model.SerializeToString()).run(None, {"x": xs})
    r = F.relu(torch.from_numpy(xs))
    ref = torch.cat([F.conv2d(r, w["conv_1.weight"], stride=2),
                     F.conv2d(r[:, :, 1:, 1:], w["conv_2.weight"], stride=2)], 1)
    np.testing.assert_allclose(cat, ref.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(odd, r[:, ::2].numpy())
    with Graph("note_only") as g:
        g.other(g.input((1, 4, 9, 9)), (1, 4, 8, 8), "slice", "x[:, :, 1:, 1:]", name="shift")
    with pytest.raises(InputError, match="starts / ends / axes") as e:
        graph_to_onnx(g)
    assert e.value.layer == "shift"


def test_darts_network_exports(tmp_path):
    """A DARTS network (DARTS-V2 cells, FactorizedReduce slices) exports as a bundle from its op graph."""
    from diffhw.frontends.nas import darts
    from tests.test_export import HW, check_runs_and_chain

    g = darts.decode(darts.encode_genotype(darts.DARTS_V2["normal"], darts.DARTS_V2["reduce"]), channels=8, cells=5)
    shifts = [n for n in g.nodes if n.attrs.get("op") == "slice"]
    assert shifts
    for n in shifts:  # x[:, :, 1:, 1:]: what frontends/nas/darts.py records in attrs
        expected = {"starts": [1, 1], "ends": list(g.shape(n.inputs[0])[2:]), "axes": [2, 3]}
        assert {k: list(n.attrs[k]) for k in expected} == expected
    doc = export_bundle(from_graph(g, HW, "os"), tmp_path / "B")
    assert len(doc["layers"]) == len(g.to_network().layers) and doc["source"]["kind"] == "op graph"
    check_runs_and_chain(tmp_path / "B")


def test_weights_are_deterministic_and_trained_ones_win():
    a, b = Weights(seed=0), Weights(seed=0)
    np.testing.assert_array_equal(a.get("c.weight", (4, 3, 3, 3), fan_in=27),
                                  b.get("c.weight", (4, 3, 3, 3), fan_in=27))
    assert np.abs(a.get("c.weight", (4, 3, 3, 3), fan_in=27)).max() <= 1 / np.sqrt(27)
    trained = Weights({"c.weight": np.ones((4, 3, 3, 3))})
    assert trained.get("c.weight", (4, 3, 3, 3)).sum() == 108 and trained.used_trained == 1
    with pytest.raises(InputError, match=r"has shape \(4, 3, 3, 3\), the network needs \(8, 3, 3, 3\)"):
        trained.get("c.weight", (8, 3, 3, 3))


def test_run_weights_npz_are_used(tmp_path):
    from diffhw.cli import main

    run = tmp_path / "RUN"
    assert main(["codesign", "--model", str(DATA / "small.m"), "--method", "random", "--budget-evals", "4",
                 "--quiet", "--out", str(run)]) == 0
    conv = np.full((16, 3, 3, 3), 0.5, np.float32)
    np.savez(run / "weights.npz", **{"conv1.weight": conv})
    doc = export_bundle(from_run(run), tmp_path / "B")
    assert "1 tensors from" in doc["onnx"]["note"] and "deterministic random" in doc["onnx"]["note"]
    inits = {t.name: t for t in onnx.load(tmp_path / "B/model.onnx").graph.initializer}
    np.testing.assert_array_equal(onnx.numpy_helper.to_array(inits["conv1.weight"]), conv)


def test_unknown_activation_names_the_node():
    with Graph("a") as g:
        g.act(g.input((1, 4)), "swoosh", name="weird")
    with pytest.raises(InputError, match="activation 'swoosh' has no ONNX form") as e:
        graph_to_onnx(g)
    assert e.value.layer == "weird"


def test_k210_refusals():
    with Graph("k") as g:
        x = g.input((1, 3, 240, 320))
        x = g.conv(x, 16, 3, stride=2, padding=1, name="ok3x3")
        x = g.conv(x, 16, 5, padding=2, name="k5")
        x = g.conv(x, 16, 3, stride=3, name="s3")
        x = g.conv(x, 2048, 1, name="wide")
        x = g.conv(x, 2048, 3, padding=1, groups=2048, name="dw_wide")
        g.conv(g.input((1, 8, 480, 640)), 8, 1, name="big_input")
        g.linear(g.flatten(g.global_pool(x)), 10, name="fc")
    r = TARGETS["k210"].refusals(g)
    assert set(r) == {"k5", "s3", "wide", "dw_wide", "big_input", "fc"}
    assert "kernel 5x5" in r["k5"] and "stride (3, 3)" in r["s3"] and "2048 channels" in r["wide"]
    assert "input 640x480" in r["big_input"] and "feature maps" in r["big_input"]
    assert "2-D convolutions only" in r["fc"]
    with Graph("w") as g2:
        x = g2.input((1, 1024, 7, 7))
        for i in range(4):
            x = g2.conv(x, 1024, 3, padding=1, name=f"c{i}")  # 9 MiB of int8 weights each: over 6 MB
    r2 = TARGETS["k210"].refusals(g2)
    assert all("weight memory full" in r2[f"c{i}"] for i in range(4))


def test_k210_target_moves_layers_to_the_host(tmp_path):
    doc = export_bundle(from_model(str(DATA / "small.m"), DATA / "hw.m", "os"), tmp_path / "B",
                        ExportOptions(target="k210"))
    alloc = json.loads((tmp_path / "B/allocation.json").read_text())
    assert alloc == {"conv1": "ACCEL:0", "dw2": "ACCEL:0", "pw3": "ACCEL:0", "fc4": "X64:0"}
    assert doc["target"]["host_layers"] == {"fc4": "matmul (the KPU runs 2-D convolutions only)"}
    md = (tmp_path / "B/report.md").read_text()
    assert "## Target k210" in md and "| fc4 | matmul (the KPU runs 2-D convolutions only) |" in md
    assert "No kmodel is produced" in md


def test_pytorch_factory(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("onnxscript")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "tinynet.py").write_text(
        "import torch\nfrom torch import nn\n\n"
        "def build():\n    torch.manual_seed(0)\n"
        "    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),\n"
        "                         nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8), nn.Flatten(),\n"
        "                         nn.Linear(8 * 8 * 8, 10))\n")
    monkeypatch.syspath_prepend(str(pkg))
    sys.modules.pop("tinynet", None)
    doc = export_bundle(from_model("tinynet:build", DATA / "hw.m", "os", (1, 3, 16, 16)), tmp_path / "B")
    assert doc["onnx"]["note"].startswith("torch.onnx.export of the module tinynet:build")
    model = onnx.load(tmp_path / "B/model.onnx")
    alloc = json.loads((tmp_path / "B/allocation.json").read_text())
    accel = [n.op_type for n in model.graph.node if alloc[n.name] == "ACCEL:0"]
    assert sorted(accel) in (["Conv", "Conv", "Gemm"], ["Add", "Conv", "Conv", "MatMul"])
    assert [x["onnx_node"] for x in doc["layers"]] == [n.name for n in model.graph.node
                                                       if alloc[n.name] == "ACCEL:0" and n.op_type != "Add"]
    from tests.test_export import check_runs_and_chain

    check_runs_and_chain(tmp_path / "B")
    shutil.rmtree(tmp_path / "B")
