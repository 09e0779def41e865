"""`diffhw export` bundles (diffhw.exporters): every artifact on a small network, and bad inputs.

The MAESTRO numbers of the small case (tests/data/export/maestro_small.csv) were printed by the real MAESTRO
binary for tests/data/export/maestro_small_mapping.m (see tests/data/export/README.md).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
pytest.importorskip("yaml")  # timeloop.load_yaml

from diffhw.cli import main  # noqa: E402
from diffhw.errors import ErrorReport, InputError  # noqa: E402
from diffhw.exporters import ExportOptions, export_bundle, from_model, from_run  # noqa: E402
from diffhw.exporters.allocation import DEVICE_RE, run_chain  # noqa: E402
from diffhw.exporters.onnx import input_specs, random_inputs  # noqa: E402
from diffhw.exporters.timeloop import load_yaml as yaml_load  # noqa: E402
from diffhw.outputs import OutputError  # noqa: E402

DATA = Path(__file__).parent / "data" / "export"
SMALL, HW = DATA / "small.m", DATA / "hw.m"
FILES = ("design.json", "maestro/model.m", "maestro/mapping.m", "maestro/hw.m", "model.onnx", "model.int8.onnx",
         "allocation.json", "subgraphs/manifest.json", "timeloop/arch.yaml", "report.md", "layers.png")


def check_runs_and_chain(bundle: Path) -> None:
    """onnxruntime runs model.onnx and model.int8.onnx; the chained subgraphs give model.onnx's outputs;
    allocation.json names exactly model.onnx's nodes."""
    model = onnx.load(bundle / "model.onnx")
    onnx.checker.check_model(model)
    feeds = random_inputs(input_specs(model), 1, 7)[0]
    full = ort.InferenceSession(str(bundle / "model.onnx")).run(None, feeds)
    q = ort.InferenceSession(str(bundle / "model.int8.onnx")).run(None, feeds)
    assert [f.shape for f in full] == [x.shape for x in q]
    assert any(n.op_type == "QuantizeLinear" for n in onnx.load(bundle / "model.int8.onnx").graph.node)
    env = run_chain(bundle / "subgraphs", feeds)
    for o, f in zip(model.graph.output, full):
        assert np.abs(env[o.name] - f).max() <= 1e-5
    alloc = json.loads((bundle / "allocation.json").read_text())
    assert sorted(alloc) == sorted(n.name for n in model.graph.node)
    assert all(DEVICE_RE.fullmatch(v) for v in alloc.values())
    manifest = json.loads((bundle / "subgraphs/manifest.json").read_text())
    for part in manifest["subgraphs"]:
        onnx.checker.check_model(onnx.load(bundle / "subgraphs" / part["file"]))
        assert {alloc[n] for n in part["nodes"]} == {part["device"]}
    devices = [p["device"] for p in manifest["subgraphs"]]
    assert all(a != b for a, b in zip(devices, devices[1:]))  # maximal: neighbours differ


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "B"
    doc = export_bundle(from_model(str(SMALL), HW, "os"), out)
    return out, doc


def test_small_bundle_files_and_maestro_latency(small_bundle):
    out, doc = small_bundle
    for f in FILES:
        assert (out / f).is_file(), f
    assert (out / "maestro/mapping.m").read_text() == (DATA / "maestro_small_mapping.m").read_text()
    with open(DATA / "maestro_small.csv", newline="") as f:
        ref = [{k.strip(): v.strip() for k, v in r.items()} for r in csv.DictReader(f)]
    assert [r["Layer Number"] for r in ref] == [x["name"] for x in doc["layers"]]
    assert [int(r["Runtime (Cycles)"]) for r in ref] == [x["latency_cycles"] for x in doc["layers"]]
    assert doc["totals"]["latency_cycles"] == sum(int(r["Runtime (Cycles)"]) for r in ref)
    saved = json.loads((out / "design.json").read_text())
    assert saved["totals"] == doc["totals"]
    t = saved["totals"]
    assert t["edp"] == pytest.approx(t["latency_cycles"] * t["energy"]) and t["area"] > 0 and t["power"] > 0
    assert saved["hardware"]["num_pes"] == 64 and saved["layers"][1]["dataflow"] == "dpt"
    assert all(x["edp"] == x["latency_cycles"] * x["energy"] for x in saved["layers"])
    assert (out / "maestro/model.m").read_text().count("Dataflow") == 0


def test_small_bundle_onnx_allocation_subgraphs(small_bundle):
    out, doc = small_bundle
    check_runs_and_chain(out)
    alloc = json.loads((out / "allocation.json").read_text())
    assert alloc == {"conv1": "ACCEL:0", "dw2": "ACCEL:0", "pw3": "ACCEL:0", "fc4": "ACCEL:0"}
    assert "deterministic random weights" in doc["onnx"]["note"]
    assert doc["int8"]["method"] == "minmax" and 0 < doc["int8"]["max_abs_diff"] < doc["int8"]["max_abs_float"]


def test_small_bundle_timeloop_and_report(small_bundle):
    out, doc = small_bundle
    arch = yaml_load((out / "timeloop/arch.yaml").read_text())["architecture"]
    assert arch["version"] == 0.4
    nodes = {n["name"]: n for n in arch["nodes"]}
    assert [n["!"] for n in arch["nodes"]] == ["Container", "Component", "Component", "Container", "Component",
                                               "Component"]
    assert nodes["PE"]["spatial"]["meshX"] == 64
    assert nodes["shared_glb"]["attributes"]["depth"] == 65536 and nodes["pe_spad"]["attributes"]["depth"] == 1024
    assert nodes["DRAM"]["attributes"]["read_bandwidth"] == 16 and nodes["mac"]["class"] == "intmac"
    conv = yaml_load((out / "timeloop/problems/conv1.yaml").read_text())["problem"]
    assert conv["shape"]["name"] == "CNN-Layer"
    assert conv["instance"] == {"C": 3, "M": 16, "R": 3, "S": 3, "N": 1, "P": 16, "Q": 16, "Wstride": 2,
                                "Hstride": 2}
    dw = yaml_load((out / "timeloop/problems/dw2.yaml").read_text())["problem"]
    assert "M" not in dw["instance"] and dw["instance"]["C"] == 16 and dw["instance"]["P"] == 16
    gemm = yaml_load((out / "timeloop/problems/fc4.yaml").read_text())["problem"]
    assert gemm["instance"] == {"M": 4, "N": 10, "K": 32}
    md = (out / "report.md").read_text()
    assert "![layers.png](layers.png)" in md and "deterministic random weights" in md
    assert all(f"| {x['name']} |" in md for x in doc["layers"])
    assert {x["bound"] for x in doc["layers"]} <= {"compute", "NoC bandwidth", "off-chip bandwidth"}


def test_existing_bundle_is_refused(small_bundle, tmp_path):
    out, _ = small_bundle
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(OutputError, match="not empty"):
        export_bundle(from_model(str(SMALL), HW, "os"), out)
    assert sorted(p.name for p in out.iterdir()) == before


def test_unsupported_op_leaves_nothing(tmp_path):
    from diffhw.exporters.design import Exported
    from diffhw.frontends.graph import Graph
    from diffhw.frontends.maestro import apply_dataflow, parse_hw

    with Graph("odd") as g:
        x = g.conv(g.input((1, 3, 8, 8)), 4, 3, padding=1)
        g.other(x, (1, 4, 7, 7), "slice", note="x[:, :, 1:, 1:]")
    net = apply_dataflow(g.to_network(), {"CONV": "os", "GEMM": "gemm"})
    design = Exported("odd", g, net, parse_hw(HW), {"kind": "test"}, ("conv0",), ({"dataflow": "os"},))
    with pytest.raises(InputError, match="'slice'.*no ONNX form") as e:
        export_bundle(design, tmp_path / "B")
    assert e.value.layer == "other0"
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    run = tmp_path_factory.mktemp("run") / "RUN"
    assert main(["codesign", "--model", str(SMALL), "--method", "random", "--budget-evals", "8", "--quiet",
                 "--out", str(run)]) == 0
    return run


def test_export_codesign_run(run_dir, tmp_path, capsys):
    assert main(["export", str(run_dir), "--out", str(tmp_path / "B")]) == 0
    out = tmp_path / "B"
    doc = json.loads((out / "design.json").read_text())
    run = json.loads((run_dir / "design.json").read_text())
    assert doc["totals"]["latency_cycles"] == run["metrics"]["latency_cycles"] and doc["run"]["agrees"]
    assert doc["hardware"] == {**run["hardware"], "simd_lanes": 1, "noc_hops": 1}
    assert [x["dataflow"] for x in doc["layers"]] == [x["dataflow"] for x in run["layers"][0]["layers"]]
    assert (out / "maestro/mapping.m").read_text().replace("Network small", "") == \
        (run_dir / "mapping.m").read_text().replace("Network small", "")
    assert (out / "maestro/hw.m").read_text() == (run_dir / "hw.m").read_text()
    assert (out / "convergence.png").is_file() and "convergence.png" in (out / "report.md").read_text()
    check_runs_and_chain(out)
    assert "latency" in capsys.readouterr().out


def test_bad_run_dirs(run_dir, tmp_path):
    with pytest.raises(InputError, match="no such run directory"):
        from_run(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no design.json"):
        from_run(tmp_path / "empty")
    bad = tmp_path / "infeasible"
    bad.mkdir()
    doc = json.loads((run_dir / "design.json").read_text())
    (bad / "design.json").write_text(json.dumps({**doc, "hardware": None,
                                                 "metrics": {"feasible": False, "error": "area over budget"}}))
    with pytest.raises(InputError, match="no feasible design.*area over budget"):
        from_run(bad)
    edited = tmp_path / "edited"
    edited.mkdir()
    for f in ("design.json", "mapping.m"):
        (edited / f).write_text((run_dir / f).read_text())
    with pytest.raises(InputError, match="unfinished run: hw.m is missing"):
        from_run(edited)
    (edited / "hw.m").write_text((run_dir / "hw.m").read_text().replace("num_pes: ", "num_pes: 1"))
    with pytest.raises(InputError, match="num_pes is 1"):
        from_run(edited)


@pytest.mark.parametrize("argv, message", [
    (["export", str(SMALL)], "needs --hw HW.m and --dataflow"),
    (["export", str(SMALL), "--hw", str(HW), "--dataflow", "nope"], "unknown dataflow 'nope'"),
    (["export", "no_such_model", "--hw", str(HW), "--dataflow", "os"], "unknown MODEL"),
    (["export", str(SMALL), "--hw", str(HW), "--dataflow", "os", "--host", "cpu"], "is not a device NAME:index"),
])
def test_cli_bad_inputs(argv, message, tmp_path, capsys):
    assert main(argv + ["--out", str(tmp_path / "B")]) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "B").exists() and list(tmp_path.iterdir()) == []


def test_cli_run_dir_refuses_model_options(run_dir, tmp_path, capsys):
    assert main(["export", str(run_dir), "--hw", str(HW), "--out", str(tmp_path / "B")]) == 2
    assert "drop --hw" in capsys.readouterr().err


def test_allocation_overrides_and_host(tmp_path):
    design = from_model(str(SMALL), HW, "os")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"nope": "DSP:0", "dw2": "dsp"}))
    with pytest.raises(ErrorReport) as e:
        export_bundle(design, tmp_path / "B0", ExportOptions(allocation=str(bad)))
    assert {x.layer for x in e.value.errors} == {"nope", "dw2"}
    assert not (tmp_path / "B0").exists()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"dw2": "DSP:1"}))
    doc = export_bundle(design, tmp_path / "B", ExportOptions(allocation=str(good), host="ARM:2"))
    alloc = json.loads((tmp_path / "B/allocation.json").read_text())
    assert alloc == {"conv1": "ACCEL:0", "dw2": "DSP:1", "pw3": "ACCEL:0", "fc4": "ACCEL:0"}
    assert [x["device"] for x in doc["layers"]] == ["ACCEL:0", "DSP:1", "ACCEL:0", "ACCEL:0"]
    manifest = json.loads((tmp_path / "B/subgraphs/manifest.json").read_text())
    assert {p["device"] for p in manifest["subgraphs"]} == {"ACCEL:0", "DSP:1"}
    check_runs_and_chain(tmp_path / "B")


def seq_model():
    """An opset-23 ONNX model: X (5, 1, 4) -> bidirectional LSTM -> GRU -> Attention (Q K^T, P V); a MatMul
    of two initializers (a MAC node of constants only)."""
    from onnx import TensorProto as T, helper as h, numpy_helper as nh

    rng = np.random.default_rng(0)
    inits = [nh.from_array(np.array([5, 1, 12], np.int64), "shape")]

    def init(name, *shape):
        inits.append(nh.from_array((0.3 * rng.standard_normal(shape)).astype(np.float32), name))
        return name

    nodes = [
        h.make_node("LSTM", ["x", init("W", 2, 24, 4), init("R", 2, 24, 6), init("B", 2, 48)], ["y"],
                    name="lstm", hidden_size=6, direction="bidirectional"),
        h.make_node("Transpose", ["y"], ["yt"], name="yt", perm=[0, 2, 1, 3]),
        h.make_node("Reshape", ["yt", "shape"], ["ys"], name="ys"),
        h.make_node("GRU", ["ys", init("Wg", 1, 18, 12), init("Rg", 1, 18, 6)], ["g"], name="gru", hidden_size=6),
        h.make_node("Transpose", ["g"], ["q"], name="q", perm=[2, 1, 0, 3]),   # (1, 1, 5, 6)
        h.make_node("MatMul", [init("P1", 6, 6), init("P2", 6, 6)], ["pp"], name="const_mm"),
        h.make_node("MatMul", ["q", "pp"], ["k"], name="k"),
        h.make_node("Attention", ["q", "k", "q"], ["att"], name="attention"),
    ]
    g = h.make_graph(nodes, "seq", [h.make_tensor_value_info("x", T.FLOAT, [5, 1, 4])],
                     [h.make_tensor_value_info("att", T.FLOAT, [1, 1, 5, 6])], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 23)], ir_version=10)
    onnx.checker.check_model(m, full_check=True)
    return m


def test_recurrent_attention_and_constant_macs_are_accelerator_layers(tmp_path):
    """One LSTM / GRU node is 2 layers per direction, Attention 2, a MatMul of constants 1: all on the
    accelerator, allocation.json keys = model.onnx's nodes, the chained subgraphs reproduce the model."""
    path = tmp_path / "seq.onnx"
    onnx.save(seq_model(), path)
    doc = export_bundle(from_model(str(path), HW, "os"), tmp_path / "B")
    layers = {(x["node"], x["onnx_node"], x["device"]) for x in doc["layers"]}
    assert layers == {(g, o, "ACCEL:0") for o, gs in {
        "lstm": ["lstm.ih", "lstm.hh", "lstm.ih_reverse", "lstm.hh_reverse"], "gru": ["gru.ih", "gru.hh"],
        "const_mm": ["const_mm"], "k": ["k"], "attention": ["attention_1", "attention_3"]}.items() for g in gs}
    alloc = json.loads((tmp_path / "B/allocation.json").read_text())
    assert {k for k, v in alloc.items() if v == "ACCEL:0"} == {"lstm", "gru", "const_mm", "k", "attention"}
    check_runs_and_chain(tmp_path / "B")


def test_calibration_files_and_entropy(tmp_path):
    from diffhw.exporters.onnx import calibration_inputs

    specs = [("x", (1, 3, 8, 8), np.dtype(np.float32), 0)]
    np.save(tmp_path / "a.npy", np.zeros((5, 3, 8, 8), np.float32))
    assert len(calibration_inputs(tmp_path / "a.npy", specs)) == 5
    folder = tmp_path / "calib"
    folder.mkdir()
    for i in range(3):
        np.save(folder / f"{i}.npy", np.full((1, 3, 8, 8), i, np.float32))
    feeds = calibration_inputs(folder, specs)
    assert [float(f["x"].max()) for f in feeds] == [0.0, 1.0, 2.0]
    np.save(tmp_path / "bad.npy", np.zeros((2, 4, 8, 8), np.float32))
    with pytest.raises(InputError, match=r"does not hold inputs of shape \(1, 3, 8, 8\)"):
        calibration_inputs(tmp_path / "bad.npy", specs)
    with pytest.raises(InputError, match="2 inputs"):
        calibration_inputs(tmp_path / "a.npy", specs * 2)


def test_onnx_file_model_keeps_the_file_and_calibrates_entropy(tmp_path):
    """An ONNX file is exported as itself (node names kept), calibrated on a .npy file with entropy."""
    from diffhw.exporters.onnx_build import graph_to_onnx
    from diffhw.frontends.graph import Graph

    with Graph("tiny") as g:
        x = g.input((1, 3, 16, 16), name="image")
        x = g.act(g.norm(g.conv(x, 8, 3, padding=1, name="c1"), name="bn1"), "relu6", name="r1")
        x = g.conv(x, 8, 3, stride=2, padding=1, groups=8, name="dw")
        g.linear(g.flatten(g.global_pool(x, name="gap"), name="fl"), 5, name="fc")
    path = tmp_path / "tiny.onnx"
    onnx.save(graph_to_onnx(g), path)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3, 16, 16)).astype(np.float32)
    np.save(tmp_path / "calib.npy", x)
    sess = ort.InferenceSession(str(path))
    np.save(tmp_path / "labels.npy", np.array([sess.run(None, {"image": x[i:i + 1]})[0].argmax() for i in range(8)]))
    doc = export_bundle(from_model(str(path), HW, "ws"), tmp_path / "B",
                        ExportOptions(calibration=str(tmp_path / "calib.npy"), calibration_method="entropy",
                                      labels=str(tmp_path / "labels.npy")))
    assert (tmp_path / "B/model.onnx").read_bytes() == path.read_bytes()
    assert doc["onnx"]["note"] == f"the original ONNX file {path}"
    assert doc["int8"]["method"] == "entropy" and doc["int8"]["calibration_inputs"] == 6
    assert doc["int8"]["heldout_inputs"] == 2 and "the last 2 of calibration data" in doc["int8"]["heldout_source"]
    assert doc["int8"]["accuracy_float"] == 1.0 and 0 <= doc["int8"]["accuracy_int8"] <= 1
    assert "Top-1 accuracy on the labelled held-out inputs: float 100.0 %" in (tmp_path / "B/report.md").read_text()
    alloc = json.loads((tmp_path / "B/allocation.json").read_text())
    assert {k for k, v in alloc.items() if v == "ACCEL:0"} == {"c1", "dw", "fc", "fc/bias"}  # bias: the layer's
    check_runs_and_chain(tmp_path / "B")


def test_infeasible_hardware_is_reported(tmp_path, capsys):
    hw = tmp_path / "tiny.m"
    hw.write_text((HW).read_text().replace("l1_size_cstr: 1024", "l1_size_cstr: 10"))
    assert main(["export", str(SMALL), "--hw", str(hw), "--dataflow", "os", "--out", str(tmp_path / "B")]) == 0
    doc = json.loads((tmp_path / "B/design.json").read_text())
    assert not doc["totals"]["feasible"] and doc["totals"]["problems"][0].startswith("L1 requirement 54 > l1_size 10")
    assert "**Infeasible:** L1 requirement 54" in (tmp_path / "B/report.md").read_text()
    assert "warning: the design is infeasible: L1 requirement" in capsys.readouterr().err


def test_onnx_with_a_dynamic_batch_exports(tmp_path, capsys):
    """An ONNX file exported with a symbolic batch size (the README's examples/net.onnx): its MAC nodes are
    matched to the layers whatever the batch is called, and the bundle runs."""
    from diffhw.cli import main

    examples = Path(__file__).resolve().parents[1] / "examples"
    rc = main(["export", str(examples / "net.onnx"), "--input-shape", "1,3,32,32", "--hw", str(examples / "hw0.m"),
               "--dataflow", "ws", "--out", str(tmp_path / "B")])
    out, err = capsys.readouterr()
    assert rc == 0, err
    alloc = json.loads((tmp_path / "B" / "allocation.json").read_text())
    assert sum(v == "ACCEL:0" for v in alloc.values()) == 5  # 4 convs and the classifier's Gemm
