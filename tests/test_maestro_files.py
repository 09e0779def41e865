"""The MAESTRO frontend on the shipped input files and on the syntax variants MAESTRO's parser accepts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, Map, Sz
from diffhw.errors import ErrorReport, InputError
from diffhw.frontends.maestro import (
    apply_dataflow,
    load_dataflow,
    parse_dataflow,
    parse_hw,
    parse_model,
    tokenize,
    validate_layer,
    write_hw,
    write_model,
)
from diffhw.hardware import INT_MAX, HardwareSpec
from diffhw.layers import Layers, SourceLoc

DATA = Path(__file__).parent / "data" / "dev"
MODELS = sorted((DATA / "models").glob("*.m"))
MAPPINGS = sorted((DATA / "mappings").glob("*.m"))
HWS = sorted((DATA / "hw").glob("*.m"))
DATAFLOWS = sorted((DATA / "dataflows").glob("*.m"))

#: Layers per model file and per mapping file (= rows per (network, dataflow, hw) in dev.csv).
MODEL_LAYERS = {"vgg16": 16, "mobilenetv2": 53, "random_dev": 125}
MAPPING_LAYERS = {
    ("vgg16", "os"): 16, ("vgg16", "ws"): 16, ("vgg16", "rs"): 16, ("vgg16", "dla"): 16,
    ("mobilenetv2", "os"): 36, ("mobilenetv2", "ws"): 53, ("mobilenetv2", "rs"): 36,
    ("mobilenetv2", "dla"): 36, ("mobilenetv2", "dpt"): 17,
    ("random_dev", "os"): 75, ("random_dev", "ws"): 100, ("random_dev", "rs"): 75,
    ("random_dev", "dla"): 75, ("random_dev", "dpt"): 25, ("random_dev", "gemm_nmk"): 25,
}
HW_TABLE = {  # num_pes, l1, l2, noc_bw, offchip_bw (README of the reference data)
    "hw0": (64, 512, 65536, 32, 16), "hw1": (128, 256, 32768, 64, 32), "hw2": (256, 100, 3000, 1000, 50),
    "hw3": (256, 1024, 1048576, 128, 256), "hw4": (512, 64, 131072, 300, 100),
    "hw5": (1024, 2048, 4194304, 512, 1024), "hw6": (168, 512, 110592, 64, 64),
}
TEMPLATE_OF_FILE = {"os": "os", "ws": "ws", "rs": "rs", "dla": "dla", "dpt": "dpt", "gemm_nmk": "gemm"}


def strip(spec):
    """A LayerSpec without its source location (for comparisons across files)."""
    return replace(spec, loc=SourceLoc())


def specs(net):
    return [strip(s) for s in net.layers]


def test_data_present():
    assert len(MODELS) == 3 and len(MAPPINGS) == 15 and len(HWS) == 7 and len(DATAFLOWS) == 7


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_models_parse(path):
    net, errors = parse_model(path)
    assert errors == []
    assert net.name == path.stem
    assert len(net.layers) == MODEL_LAYERS[path.stem]
    assert all(layer.dataflow is None for layer in net.layers)
    assert all(layer.loc.file == str(path) and layer.loc.line > 0 for layer in net.layers)
    for layer in net.layers:
        assert validate_layer(layer) == []
    Layers.from_specs(net.layers)  # packs without error


def test_model_contents():
    vgg, _ = parse_model(DATA / "models" / "vgg16.m")
    first = vgg.layers[0]
    assert (first.name, first.op) == ("conv1_1", "CONV")
    assert list(first.dims.items()) == [("K", 64), ("C", 3), ("R", 3), ("S", 3), ("Y", 224), ("X", 224)]
    assert first.stride == {"X": 1, "Y": 1}
    assert first.loc.line == 2
    mob, _ = parse_model(DATA / "models" / "mobilenetv2.m")
    ops = [l.op for l in mob.layers]
    assert ops.count("DSCONV") == 17 and ops.count("CONV") == 36
    rnd, _ = parse_model(DATA / "models" / "random_dev.m")
    gemms = [l for l in rnd.layers if l.op == "GEMM"]
    assert len(gemms) == 25
    assert list(gemms[0].dims) == ["K", "M", "N"]
    assert gemms[0].stride == {}


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.stem)
def test_mappings_parse_and_use_the_template(path):
    network, dataflow = path.stem.split("__")
    net, errors = parse_model(path)
    assert errors == []
    assert len(net.layers) == MAPPING_LAYERS[(network, dataflow)]
    template = TEMPLATES[TEMPLATE_OF_FILE[dataflow]]
    for layer in net.layers:
        assert layer.dataflow is not None
        assert layer.dataflow.directives == template.directives, layer.name
        assert validate_layer(layer) == []
    # the mapping's layers are the model's layers (same dims / strides / types, file order)
    model, _ = parse_model(DATA / "models" / f"{network}.m")
    by_name = {l.name: strip(l) for l in model.layers}
    for layer in net.layers:
        assert replace(strip(layer), dataflow=None) == by_name[layer.name]


@pytest.mark.parametrize("path", HWS, ids=lambda p: p.stem)
def test_hw_files(path):
    hw = parse_hw(path)
    assert hw.name == path.stem
    assert (hw.num_pes, hw.l1_size, hw.l2_size, hw.noc_bw, hw.offchip_bw) == HW_TABLE[path.stem]
    assert (hw.noc_hops, hw.simd_lanes) == (1, 1)
    assert parse_hw(write_hw(hw), file=f"{path.stem}.m") == hw


@pytest.mark.parametrize("path", DATAFLOWS, ids=lambda p: p.stem)
def test_dataflow_files(path):
    df = parse_dataflow(path)
    assert df.name == path.stem
    if path.stem in TEMPLATE_OF_FILE:
        key = TEMPLATE_OF_FILE[path.stem]
        assert parse_dataflow(path, name=key) == TEMPLATES[key]
        assert load_dataflow(str(path)).directives == TEMPLATES[key].directives
    # a written template reads back
    assert parse_dataflow(df.to_text(), name=df.name) == df


def test_template_names_equal():
    for stem in ("os", "ws", "rs", "dla", "dpt"):
        assert parse_dataflow(DATA / "dataflows" / f"{stem}.m") == TEMPLATES[stem]


def test_load_dataflow_names():
    for name in TEMPLATES:
        assert load_dataflow(name) is TEMPLATES[name]
    assert load_dataflow("gemm_nmk") is TEMPLATES["gemm"]
    assert load_dataflow("kcp_ws") is TEMPLATES["dla"]
    assert load_dataflow("xp_ws") is TEMPLATES["ws"]
    with pytest.raises(InputError, match="unknown dataflow"):
        load_dataflow("no_such_dataflow")
    with pytest.raises(InputError, match="cannot read"):
        load_dataflow("missing/dir/df.m")


def test_os_original_rejected_unless_r_is_7():
    orig = parse_dataflow(DATA / "dataflows" / "os_original_ykp_os.m")
    assert orig.directives[8] == Map("temporal", Sz("R"), 7, "R")
    vgg, _ = parse_model(DATA / "models" / "vgg16.m")
    with pytest.raises(ErrorReport) as info:
        apply_dataflow(vgg, {"CONV": orig})
    assert len(info.value.errors) == 16  # every VGG16 layer has R in {1, 3}
    assert "TemporalMap on R must have size == offset == Sz(R) (got 3, 7)" in str(info.value.errors[0])
    # the same through a written mapping file: one error per layer, MAESTRO's line for the first
    text = write_model(apply_dataflow(vgg, {"CONV": orig}, check=False), with_dataflow=True)
    net, errors = parse_model(text, file="mapping.m")
    assert net.layers == () and len(errors) == 16
    assert [e.layer for e in errors] == [l.name for l in vgg.layers]
    assert errors[0].line == 15 and errors[0].file == "mapping.m"
    # R = S = 7: legal, and identical to the fixed os template there
    model = "Network n {\nLayer c7 {\nType: CONV\nDimensions { K: 64, C: 3, R: 7, S: 7, Y: 224, X: 224 }\n}\n}\n"
    net7, errors7 = parse_model(model)
    assert errors7 == []
    mapped = apply_dataflow(net7, {"CONV": orig})
    text7 = write_model(mapped, True)
    back, errs = parse_model(text7)
    assert errs == [] and back.layers[0].dataflow.directives == orig.directives


def test_apply_dataflow_like_modelfile_to_mapping():
    for network in ("vgg16", "mobilenetv2", "random_dev"):
        model, _ = parse_model(DATA / "models" / f"{network}.m")
        for stem, key in TEMPLATE_OF_FILE.items():
            path = DATA / "mappings" / f"{network}__{stem}.m"
            if not path.exists():
                continue
            mapping, _ = parse_model(path)
            names = {l.name for l in mapping.layers}
            sub = replace(model, layers=tuple(l for l in model.layers if l.name in names))
            applied = apply_dataflow(sub, TEMPLATES[key], dsconv_dpt=(stem != "ws"))
            assert [replace(strip(l), dataflow=l.dataflow.directives) for l in applied.layers] == [
                replace(strip(l), dataflow=l.dataflow.directives) for l in mapping.layers
            ]
    mob, _ = parse_model(DATA / "models" / "mobilenetv2.m")
    mapped = apply_dataflow(mob, "os")  # DSCONV layers get dpt, as modelfile_to_mapping.py does
    assert {l.dataflow.name for l in mapped.layers if l.op == "DSCONV"} == {"dpt"}
    assert {l.dataflow.name for l in mapped.layers if l.op == "CONV"} == {"os"}
    with pytest.raises(ErrorReport, match="Dimension K not found"):
        apply_dataflow(mob, "os", dsconv_dpt=False)
    rnd, _ = parse_model(DATA / "models" / "random_dev.m")
    with pytest.raises(ErrorReport, match="no dataflow given for layer type GEMM"):
        apply_dataflow(rnd, {"CONV": TEMPLATES["os"]})
    both = apply_dataflow(rnd, {"CONV": "dla", "GEMM": "gemm_nmk"})
    assert len(both.layers) == 125


@pytest.mark.parametrize("path", MODELS + MAPPINGS, ids=lambda p: p.stem)
def test_round_trip_files(path):
    net, errors = parse_model(path)
    assert errors == []
    mapping = net.layers[0].dataflow is not None
    text = write_model(net, with_dataflow=mapping)
    back, errors2 = parse_model(text, file="rt.m")
    assert errors2 == []
    assert back.name == net.name
    assert specs(back) == specs(net)
    assert write_model(back, with_dataflow=mapping) == text


def test_tokenizer():
    toks = tokenize("Dimensions { K:64, C 3,R->3\tS(3); Y' 5 } // comment { }\n  X: -4 a//b")
    assert [t.text for t in toks] == ["Dimensions", "{", "K", "64", "C", "3", "R", "3", "S", "3", "Y'", "5",
                                      "}", "X", "4", "a//b"]
    assert [t.line for t in toks][-3:] == [2, 2, 2]
    assert toks[-2].neg and not toks[3].neg and not toks[7].neg


VARIANTS = (Path(__file__).parent / "data" / "maestro_syntax_variants.m").read_text()


def test_syntax_variants():
    net, errors = parse_model(VARIANTS, file="variants.m")
    assert errors == []
    assert net.name == "variants"  # no name given: the file stem
    a, b, c, g = net.layers
    assert list(a.dims.items()) == [("K", 64), ("C", 3), ("R", 3), ("S", 3), ("Y", 11), ("X", 13)]
    assert a.stride == {"X": 2, "Y": 2} and a.loc == SourceLoc("variants.m", 5)
    assert a.dataflow.directives[0] == Map("temporal", 16, 16, "K")  # constants resolved
    assert a.dataflow.directives[1] == Map("spatial", Sz("R"), 1, "Y")  # Sz kept symbolic
    assert a.dataflow.directives[4] == Cluster(16, "P")
    assert a.dataflow.directives == TEMPLATES["os"].directives
    # b has no Dataflow: a's, resolved against a's dimensions (MAESTRO resolves Sz while parsing)
    assert b.dataflow == Dataflow(TEMPLATES["os"].resolve(a.dims).directives, "")
    assert b.dataflow.directives[8] == Map("temporal", 3, 3, "R")
    assert list(b.dims) == ["K", "C", "R", "S", "Y'", "X'"]
    assert b.input_dims()["Y"] == 5 and b.stride == {}
    assert c.op == "DSCONV" and c.dims["N"] == 2 and c.has_batch
    assert c.dataflow.directives == TEMPLATES["dpt"].directives
    # Cluster(n) without a type token: read as type P, nothing else consumed
    assert g.dataflow.directives[3] == Cluster(Sz("M"), "P")
    assert len(g.dataflow.directives) == 7
    # round trip, including Y'/X', N, strides and symbolic cluster sizes
    back, errors = parse_model(write_model(net, True), file="variants.m")
    assert errors == [] and specs(back) == specs(net)


def test_separators_are_equivalent():
    forms = [
        "Dimensions { K: 64, C: 3, R: 3, S: 3, Y: 8, X: 8 }",
        "Dimensions { K:64 C:3 R:3 S:3 Y:8 X:8 }",
        "Dimensions { K 64 C 3 R 3 S 3 Y 8 X 8 }",
        "Dimensions {\tK->64;C(3)R,3\tS;3 Y:::8 X-->8 }",
        "Dimensions {\n K: 64,\n C: 3, // channels\n R: 3, S: 3,\n Y: 8, X: 8\n}",
    ]
    seen = []
    for form in forms:
        text = f"Network n {{\nLayer l {{\nType: CONV\n{form}\n}}\n}}\n"
        net, errors = parse_model(text)
        assert errors == [], form
        seen.append(dict(net.layers[0].dims))
    assert all(s == seen[0] for s in seen)


def test_crlf_and_layout():
    text = "Network n {\r\nLayer l {\r\nType: CONV\r\nDimensions { K: 4, C: 3, R: 1, S: 1, Y: 2, X: 2 }\r\n}\r\n}\r\n"
    net, errors = parse_model(text)
    assert errors == [] and net.layers[0].dims["K"] == 4
    one_line = "Network n { Layer l { Type CONV Dimensions { K 4 C 3 R 1 S 1 Y 2 X 2 } } }"
    net, errors = parse_model(one_line)
    assert errors == [] and net.name == "n" and net.layers[0].name == "l"


def test_several_network_blocks_and_late_constants():
    text = """Constant A 4
Network first { Layer x { Type: CONV Dimensions { K: A, C: 1, R: 1, S: 1, Y: 1, X: 1 } } }
Constant A 5
Network second { Layer y { Type: CONV Dimensions { K: A, C: 1, R: 1, S: 1, Y: 1, X: 1 } } }
"""
    net, errors = parse_model(text)
    assert errors == []
    assert net.name == "second"  # MAESTRO: the last name wins, layers append
    assert [l.dims["K"] for l in net.layers] == [4, 5]


def test_constant_shadows_number():
    # MAESTRO looks a size token up among the constants before reading it as a number.
    text = "Constant 64 3\nNetwork n { Layer l { Type: CONV Dimensions { K: 64, C: 1, R: 1, S: 1, Y: 1, X: 1 } } }"
    net, errors = parse_model(text)
    assert errors == [] and net.layers[0].dims["K"] == 3


def test_dataflow_before_dimensions_needs_no_sz():
    text = """Network n { Layer l { Type: CONV
Dataflow { SpatialMap(1,1) K; TemporalMap(3,3) R; TemporalMap(3,3) S; }
Dimensions { K: 4, C: 2, R: 3, S: 3, Y: 5, X: 5 } } }"""
    net, errors = parse_model(text)
    assert errors == []
    assert net.layers[0].dataflow.directives[1] == Map("temporal", 3, 3, "R")


def test_two_dataflow_blocks_concatenate():
    text = """Network n { Layer l { Type: CONV Dimensions { K: 4, C: 2, R: 1, S: 1, Y: 5, X: 5 }
Dataflow { SpatialMap(1,1) K; } Dataflow { TemporalMap(1,1) C; } } }"""
    net, errors = parse_model(text)
    assert errors == [] and len(net.layers[0].dataflow.directives) == 2


def test_empty_dataflow_block_means_inherit():
    text = """Network n {
Layer a { Type: CONV Dimensions { K: 4, C: 2, R: 1, S: 1, Y: 5, X: 5 } Dataflow { SpatialMap(Sz(K),1) K; } }
Layer b { Type: CONV Dimensions { K: 8, C: 2, R: 1, S: 1, Y: 5, X: 5 } Dataflow { } }
}"""
    net, errors = parse_model(text)
    assert errors == []
    assert net.layers[1].dataflow.directives == (Map("spatial", 4, 1, "K"),)


def test_hw_variants():
    hw = parse_hw("num_pes 32 // comment\nl1_size_cstr:64;noc_bw_cstr->8\n\tNoC_NumHops: 3\n", file="x/acc.m")
    assert hw == HardwareSpec(num_pes=32, l1_size=64, noc_bw=8, noc_hops=3, name="acc")
    assert hw.l2_size == INT_MAX and hw.offchip_bw == INT_MAX
    assert parse_hw("num_pes:\n 7") == HardwareSpec(num_pes=7, name="hw")  # value on the next line
    assert parse_hw("") == HardwareSpec(name="hw")  # all defaults
    spec = HardwareSpec(num_pes=5, l1_size=1, l2_size=2, noc_bw=3, offchip_bw=4, noc_hops=0, name="z")
    assert parse_hw(write_hw(spec), file="z.m") == spec
    assert "--num_simd_lanes=4" in write_hw(replace(spec, simd_lanes=4))


def test_writer_rejects_unwritable_names():
    net, _ = parse_model(VARIANTS)
    for name in ("-conv", "conv 1;", "a{b", "a//b", ""):
        bad = replace(net, layers=(replace(net.layers[0], name=name),))
        with pytest.raises(ValueError, match="layer name"):
            write_model(bad, False)
    dashed = replace(net, layers=(replace(net.layers[0], name="Conv2d-1"),))  # MAESTRO's frontend's names
    assert [l.name for l in parse_model(write_model(dashed, False))[0].layers] == ["Conv2d-1"]
    with pytest.raises(ValueError, match="no dataflow"):
        write_model(replace(net, layers=(replace(net.layers[0], dataflow=None),)), True)
    model_text = write_model(net, False)
    assert "Dataflow" not in model_text and "Stride { X: 2, Y: 2 }" in model_text


def test_apply_keeps_symbols_and_names():
    net, _ = parse_model(DATA / "models" / "vgg16.m")
    mapped = apply_dataflow(net, "rs")
    assert all(l.dataflow is TEMPLATES["rs"] for l in mapped.layers)
    assert isinstance(mapped.layers[0].dataflow, Dataflow)


def test_unnamed_layer_and_type_last():
    # MAESTRO names an unnamed layer from a leftover variable; we call it "Layer". Type may come last.
    text = "Network n { Layer { Dimensions { K: 4, C: 3, R: 1, S: 1, Y: 2, X: 2 } Type: CONV } }"
    net, errors = parse_model(text)
    assert errors == [] and net.layers[0].name == "Layer" and net.layers[0].op == "CONV"


def test_one_line_texts_are_text_not_paths():
    net, errors = parse_model("// just a comment")
    assert len(errors) == 1 and "no layers" in errors[0].message
    assert parse_hw("num_pes: 4").num_pes == 4
