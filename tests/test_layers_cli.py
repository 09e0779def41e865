"""`diffhw layers MODEL ...` run in-process through diffhw.cli.main."""

import csv
import io
from pathlib import Path

import pytest

from diffhw.cli import main
from diffhw.frontends import models, zoo
from diffhw.frontends.graph import TABLE_COLUMNS, Graph
from diffhw.frontends.maestro import parse_model

REF = Path(__file__).parent / "data" / "dev" / "models"


def run(capsys, *argv):
    rc = main(["layers", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def dims(net):
    return [(l.op, dict(l.dims), {"X": l.stride.get("X", 1), "Y": l.stride.get("Y", 1)}) for l in net.layers]


def test_csv_to_stdout(capsys):
    rc, out, err = run(capsys, "resnet18")
    assert rc == 0 and err.splitlines() == [  # the one note: which input shape was used
        "note: resnet18: input shape 1x3x224x224 (the model's default; --input-shape N,C,H,W or MODEL@N,C,H,W "
        "to change)"]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == TABLE_COLUMNS
    g = zoo.get("resnet18")
    body, total = rows[:-1], rows[-1]
    assert len(body) == 21 and body[0]["name"] == "conv1" and body[-1]["type"] == "GEMM"
    assert (body[0]["Y"], body[0]["stride_y"], body[0]["groups"]) == ("230", "2", "1")
    assert total["name"] == "total" and int(total["macs"]) == g.macs() == sum(int(r["macs"]) for r in body)
    assert int(total["params"]) == g.params() == 11_689_512


def test_csv_input_shape_convention_and_out_file(capsys, tmp_path):
    out_file = tmp_path / "t.csv"
    rc, out, _ = run(capsys, "mobilenet_v2", "--input-shape", "2,3,112,112", "--convention", "maestro",
                     "--out", str(out_file))
    assert rc == 0 and "wrote 53 MAC nodes" in out
    rows = list(csv.DictReader(out_file.open()))
    assert rows[0]["Y"] == "112" and rows[1]["type"] == "DSCONV" and rows[1]["K"] == "1"
    assert rows[-2]["type"] == "CONV" and rows[-2]["C"] == "1280"  # classifier as 1x1 CONV


@pytest.mark.parametrize("zoo_name, ref", [("vgg16", "vgg16"), ("mobilenet_v2", "mobilenetv2")])
def test_maestro_format_reproduces_reference_and_parses_back(capsys, tmp_path, zoo_name, ref):
    out_file = tmp_path / f"{ref}.m"
    rc, _, _ = run(capsys, zoo_name, "--convention", "maestro", "--format", "maestro", "--out", str(out_file))
    assert rc == 0
    ours, errors = parse_model(out_file)
    expected, _ = parse_model(REF / f"{ref}.m")
    assert errors == [] and dims(ours) == dims(expected)


def test_maestro_format_padded_to_stdout(capsys):
    rc, out, _ = run(capsys, "bert_base", "--input-shape", "1,32", "--format", "maestro")
    assert rc == 0
    net, errors = parse_model(out)
    assert errors == [] and net.name == "bert_base_32"
    assert sum(l.num_macs() for l in net.layers) == zoo.get("bert_base", seq_len=32).macs()


def test_maestro_file_as_model(capsys):
    rc, out, _ = run(capsys, str(REF / "vgg16.m"), "--convention", "maestro", "--format", "maestro")
    back, errors = parse_model(out)
    expected, _ = parse_model(REF / "vgg16.m")
    assert rc == 0 and errors == [] and dims(back) == dims(expected)


@pytest.mark.parametrize("argv, words", [
    (["alexnet"], ["unknown MODEL 'alexnet'", ".onnx file", "MAESTRO .m file", "zoo name", "package.module:function",
                   "resnet50"]),
    (["missing.onnx"], ["'missing.onnx'", "no such file"]),
    ([str(REF / "vgg16.m"), "--input-shape", "1,3,32,32"], ["fixes its own input shape"]),
    (["resnet18", "--input-shape", "1,224,224"], ["(N, 3, H, W)"]),
])
def test_bad_model_is_a_clear_error(capsys, argv, words):
    rc, out, err = run(capsys, *argv)
    assert rc == 2 and out == "" and "Traceback" not in err
    assert all(w in err for w in words), err


def test_bad_maestro_file_reports_its_errors(capsys, tmp_path):
    bad = tmp_path / "bad.m"
    bad.write_text("Network n {\nLayer a {\nType: CONV\nDimensions { K: 4, C: 3, R: 3, S: 3, Y: 2, X: 8 }\n}\n}\n")
    rc, _, err = run(capsys, str(bad))
    assert rc == 2 and "bad.m:2" in err and "layer 'a'" in err and "Y >= R" in err  # (Y=2 < R=3)


def test_bad_input_shape_text_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["layers", "resnet18", "--input-shape", "1,3,a"])
    assert e.value.code == 2 and "comma-separated positive integers" in capsys.readouterr().err


def test_torch_factory_without_torch(capsys, monkeypatch):
    """A PyTorch factory without torch installed: a message saying what to install (torch hidden here)."""
    import sys

    for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")
                 or m == "diffhw.frontends.pytorch"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    rc, _, err = run(capsys, "torchvision.models:resnet18")
    assert rc == 2 and "torch" in err and "Traceback" not in err


def test_unsupported_ops_are_named_and_not_fatal(capsys, monkeypatch):
    g = Graph("up", input_shape=(1, 8, 16, 16))
    g.other(g.conv("input", 8, 3, padding=1), (1, 8, 32, 32), "interpolate", name="upsample")
    monkeypatch.setattr(models, "load_model", lambda *a, **k: g)
    rc, out, err = run(capsys, "whatever")
    assert rc == 0 and "op 'interpolate' (node 'upsample'" in err and "MACs not counted" in err
    assert len(list(csv.DictReader(io.StringIO(out)))) == 2  # the conv and the total


def test_no_mac_layers_is_an_error(capsys, monkeypatch):
    g = Graph("empty", input_shape=(1, 8, 16, 16))
    g.act("input")
    monkeypatch.setattr(models, "load_model", lambda *a, **k: g)
    rc, _, err = run(capsys, "whatever", "--format", "maestro")
    assert rc == 1 and "no MAC layers" in err


def tiny_torch_net():
    """A PyTorch factory for the dispatch test (MODEL ``tests.test_layers_cli:tiny_torch_net``)."""
    import torch.nn as nn

    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(8, 10))


def test_torch_factory_dispatch(capsys):
    pytest.importorskip("torch")
    rc, out, err = run(capsys, "tests.test_layers_cli:tiny_torch_net", "--input-shape", "1,3,16,16")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["type"] for r in rows[:-1]] == ["CONV", "GEMM"]
    assert int(rows[-1]["macs"]) == 8 * 3 * 9 * 16 * 16 + 80 and int(rows[-1]["params"]) == 8 * 27 + 8 + 90


def tiny_onnx(path, batch=1):
    """A one-Conv ONNX file (3 -> 4 channels, 3x3, pad 1, 8x8 input); `batch` may be a symbolic name."""
    onnx = pytest.importorskip("onnx")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w")
    conv = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv")
    graph = helper.make_graph([conv], "tiny",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 4, 8, 8])], [w])
    onnx.save(helper.make_model(graph), str(path))
    return str(path)


def test_onnx_file_dispatch(capsys, tmp_path):
    rc, out, err = run(capsys, tiny_onnx(tmp_path / "tiny.onnx"))
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["type"], r["K"], r["C"], r["Y"]) for r in rows[:-1]] == [("CONV", "4", "3", "10")]
    assert int(rows[-1]["macs"]) == 4 * 3 * 9 * 8 * 8


def test_onnx_dynamic_batch_takes_the_input_shape(capsys, tmp_path):
    path = tiny_onnx(tmp_path / "dyn.onnx", batch="batch")
    rc, out, err = run(capsys, path)
    assert rc == 2 and out == "" and "dynamic shape" in err and "--input-shape" in err and "Traceback" not in err
    rc, out, err = run(capsys, path, "--input-shape", "2,3,8,8")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (rows[0]["N"], rows[0]["Y"]) == ("2", "10") and int(rows[-1]["macs"]) == 2 * 4 * 3 * 9 * 8 * 8
    assert models.load_model(path, (3, 3, 8, 8)).table()[0]["N"] == 3
