"""`diffhw maestro MODEL --dataflow NAME|FILE`: mappings made from models, run in-process through diffhw.cli.main.

The reference: MAESTRO's own frontend (`tools/frontend/modelfile_to_mapping.py`) pastes the dataflow file's text
after every layer's Dimensions line, `dpt.m` for DSCONV layers; the dataset's mapping files in tests/data/dev
were made that way (split per dataflow).
"""

import csv
from pathlib import Path

import pytest

from diffhw.cli import main
from diffhw.cli.common import model_mappings as _model_mappings

DEV = Path(__file__).parent / "data" / "dev"


def run(capsys, tmp_path, *argv):
    """(rc, CSV rows, stderr) of `diffhw maestro *argv --out tmp.csv`."""
    out = tmp_path / f"rows{len(list(tmp_path.glob('rows*.csv')))}.csv"
    rc = main(["maestro", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    return rc, (list(csv.DictReader(out.open())) if out.exists() else []), err


def modelfile_to_mapping(model_text: str, dataflow: Path) -> str:
    """What MAESTRO's modelfile_to_mapping.py writes: the dataflow file after each Dimensions line, dpt.m for
    DSCONV layers (and, diffhw's rule for the GEMM type it does not handle, gemm_nmk.m for GEMM layers)."""
    out, op = [], None
    for line in model_text.splitlines():
        out.append(line)
        if line.startswith("Type:"):
            op = line.split()[1]
        if line.startswith("Dimensions"):
            name = {"DSCONV": "dpt.m", "GEMM": "gemm_nmk.m"}.get(op, dataflow.name)
            out.append((dataflow.parent / name).read_text())
    return "\n".join(out) + "\n"


def without(rows, *cols):
    return [{k: v for k, v in r.items() if k not in cols} for r in rows]


def test_model_file_under_a_dataflow_file_gives_maestros_mappings(capsys, tmp_path):
    rc, rows, err = run(capsys, tmp_path, str(DEV / "models" / "mobilenetv2.m"),
                        "--dataflow", str(DEV / "dataflows" / "os.m"))
    assert rc == 0, err
    assert {r["mapping"] for r in rows} == {"mobilenetv2__os"} and len(rows) == 53
    # the dataset keeps MAESTRO's os and dpt layers in two files: together they are the same rows
    rc, ref, err = run(capsys, tmp_path, "--mapping", *(str(DEV / "mappings" / f"mobilenetv2__{d}.m")
                                                       for d in ("os", "dpt")))
    assert rc == 0, err
    order = {r["layer"]: i for i, r in enumerate(rows)}
    assert without(rows, "mapping") == without(sorted(ref, key=lambda r: order[r["layer"]]), "mapping")


def test_zoo_model_under_os_equals_the_written_mapping(capsys, tmp_path):
    rc, rows, err = run(capsys, tmp_path, "vgg16", "--dataflow", "os", "--convention", "maestro",
                        f"--HW_file={DEV / 'hw' / 'hw1.m'}")
    assert rc == 0, err
    assert len(rows) == 16 and {(r["mapping"], r["network"]) for r in rows} == {("vgg16__os", "vgg16")}
    # the same model written with `diffhw layers --format maestro`, made a mapping as MAESTRO's frontend does
    model = tmp_path / "vgg16.m"
    assert main(["layers", "vgg16", "--convention", "maestro", "--format", "maestro", "--out", str(model)]) == 0
    mapping = tmp_path / "vgg16__os.m"
    mapping.write_text(modelfile_to_mapping(model.read_text(), DEV / "dataflows" / "os.m"))
    capsys.readouterr()
    rc, written, err = run(capsys, tmp_path, "--mapping", str(mapping), "--hw", str(DEV / "hw" / "hw1.m"))
    assert rc == 0 and written == rows, err
    # and, but for the layer names, the dataset's vgg16__os.m (made from MAESTRO's own vgg16.m)
    rc, ref, err = run(capsys, tmp_path, f"--Mapping_file={DEV / 'mappings' / 'vgg16__os.m'}",
                       "--hw", str(DEV / "hw" / "hw1.m"))
    assert rc == 0 and without(ref, "layer") == without(rows, "layer"), err


def test_dataflow_per_layer_type(tmp_path):
    model = tmp_path / "mixed.m"
    model.write_text("Network mixed {\n"
                     "Layer c { Type: CONV\nDimensions { K: 8, C: 4, R: 3, S: 3, Y: 10, X: 10 } }\n"
                     "Layer d { Type: DSCONV\nDimensions { K: 1, C: 8, R: 3, S: 3, Y: 8, X: 8 } }\n"
                     "Layer g { Type: GEMM\nDimensions { M: 16, N: 32, K: 64 } }\n}\n")
    for dataflow in ("ws", "rs", "dla", str(DEV / "dataflows" / "os.m")):
        (label, net), = _model_mappings([str(model)], dataflow)[0]
        assert label == f"mixed__{Path(dataflow).stem}"
        assert [(l.name, l.dataflow.name) for l in net.layers] == [("c", Path(dataflow).stem), ("d", "dpt"),
                                                                   ("g", "gemm")]
    # the padded convention makes FC layers GEMMs and keeps the batch, the maestro convention writes 1x1 CONVs
    # and no batch (as MAESTRO's frontend)
    for convention, ops, batch in (("padded", ["CONV", "GEMM"], 2), ("maestro", ["CONV", "CONV"], 1)):
        (_, net), = _model_mappings(["resnet18"], "os", convention, (2, 3, 64, 64))[0]
        assert [net.layers[i].op for i in (0, -1)] == ops and net.layers[0].dims.get("N", 1) == batch
        assert net.layers[-1].dataflow.name == ("gemm" if ops[1] == "GEMM" else "os")


def test_onnx_model_takes_the_input_shape(tmp_path):
    from tests.test_layers_cli import tiny_onnx

    path = tiny_onnx(tmp_path / "dyn.onnx", batch="batch")
    (label, net), = _model_mappings([path], "dla", input_shape=(2, 3, 8, 8))[0]
    assert label == "dyn__dla" and dict(net.layers[0].dims) == {"N": 2, "K": 4, "C": 3, "R": 3, "S": 3, "Y": 10,
                                                                 "X": 10}


def test_invalid_layers_are_reported_and_left_out(capsys, tmp_path):
    # MAESTRO's original ykp_os.m maps TemporalMap(Sz(R),7) R, which MAESTRO rejects for R != 7 (all of VGG16)
    rc, rows, err = run(capsys, tmp_path, str(DEV / "models" / "vgg16.m"), "--dataflow",
                        str(DEV / "dataflows" / "os_original_ykp_os.m"))
    assert rc == 1 and rows == [] and "Traceback" not in err
    assert err.count("error: ") == 16 and "layer 'conv1_1'" in err and "vgg16.m" in err


@pytest.mark.parametrize("argv, words", [
    (["vgg16"], ["MODEL needs --dataflow"]),
    (["--dataflow", "os"], ["--dataflow needs a MODEL"]),
    (["vgg16", "--dataflow", "xyz"], ["unknown dataflow 'xyz'", "os", "dpt", "gemm", "dataflow file"]),
    (["alexnet", "--dataflow", "os"], ["unknown MODEL 'alexnet'", "zoo names"]),
    (["resnet18", "--dataflow", "os", "--input-shape", "1,224,224"], ["(N, 3, H, W)"]),
])
def test_bad_model_or_dataflow_is_a_clear_error(capsys, tmp_path, argv, words):
    rc, rows, err = run(capsys, tmp_path, *argv)
    assert rc in (1, 2) and rows == [] and "Traceback" not in err
    assert all(w in err for w in words), err
