"""Bad MAESTRO input: every problem is an InputError naming file, line and layer, with a fix; the valid
layers of the same file are still returned."""

from __future__ import annotations

import pickle

import pytest

from diffhw.dataflow import TEMPLATES
from diffhw.errors import ErrorReport, InputError, raise_if_any
from diffhw.frontends.maestro import parse_dataflow, parse_hw, parse_model

FILE = "bad.m"
OS_BLOCK = TEMPLATES["os"].to_text()
GOOD1 = "Layer good1 {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}"
GOOD2 = "Layer good2 {\nType: CONV\nStride { X: 2, Y: 2 }\nDimensions { K: 4, C: 8, R: 1, S: 1, Y: 7, X: 7 }\n}"


def line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i for i, l in enumerate(text.split("\n"), 1) if needle in l]
    return lines[nth]


def model(bad: str, mapping: bool = False) -> str:
    """good1, the bad layer, good2 (each with an os Dataflow block when `mapping`)."""
    def with_df(layer: str) -> str:
        return layer[: layer.rindex("}")] + OS_BLOCK + "\n}" if mapping else layer

    return "Network test {\n" + "\n".join([with_df(GOOD1), bad, with_df(GOOD2)]) + "\n}\n"


def check(text: str, layer: str, needle: str, *, match: str, good=("good1", "good2"), nth: int = 0):
    net, errors = parse_model(text, file=FILE)
    assert errors, "expected an error"
    err = errors[0]
    assert isinstance(err, InputError)
    assert err.file == FILE
    assert err.layer == layer
    assert err.line == line_of(text, needle, nth), str(err)
    assert err.fix, "every error says what to change"
    assert match in err.message, str(err)
    assert [l.name for l in net.layers] == list(good)
    s = str(err)
    assert s.startswith(f"{FILE}:{err.line}: layer '{layer}': ") and "Fix: " in s
    return errors


BAD_LAYERS = {
    # name: (layer text, needle of the reported line, message fragment)
    "ngconv_without_g": ("Layer bad {\nType: NGCONV\nDimensions { K: 6, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}",
                         "K: 6", "missing dimension(s) G"),
    "g_on_conv": ("Layer bad {\nType: CONV\nDimensions { G: 2, K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}",
                  "G: 2", "unknown dimension 'G'"),
    "fc": ("Layer bad {\nType: FC\nDimensions { K: 8, C: 3 }\n}", "Type: FC", "not implemented"),
    "pool": ("Layer bad {\nType: POOL\nDimensions { K: 8, C: 3 }\n}", "Type: POOL", "not implemented"),
    "lstm": ("Layer bad {\nType: LSTM\n}", "Type: LSTM", "not implemented"),
    "unknown_type": ("Layer bad {\nType: CONVV\n}", "CONVV", "unknown layer type"),
    "size0": ("Layer bad {\nType: CONV\nDimensions { K: 0, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}",
              "K: 0", "size of dimension K"),
    "negative": ("Layer bad {\nType: CONV\nDimensions { K: -8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}",
                 "K: -8", "negative"),
    "not_a_number": ("Layer bad {\nType: CONV\nDimensions { K: 8x, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}",
                     "K: 8x", "must be an integer"),
    "unknown_dim": ("Layer bad {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10, Q: 2 }\n}",
                    "Q: 2", "unknown dimension 'Q'"),
    "duplicate_dim": ("Layer bad {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10,\nK: 4 }\n}",
                      "K: 4", "given twice with different sizes"),
    "missing_dim": ("Layer bad {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, Y: 10, X: 10 }\n}",
                    "R: 3, Y: 10", "missing dimension(s) S"),
    "y_and_y_prime": ("Layer bad {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10,\nY': 8 }\n}",
                      "Y': 8", "both Y and Y'"),
    "missing_dimensions": ("Layer bad {\nType: CONV\n}", "Layer bad", "no Dimensions"),
    "missing_type": ("Layer bad {\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}", "Layer bad",
                     "no Type"),
    "stride_after_dims": ("Layer bad {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n"
                          "Stride { X: 2, Y: 2 }\n}", "Stride", "Stride must come before Dimensions"),
    "stride_zero": ("Layer bad {\nType: CONV\nStride { X: 0, Y: 1 }\n}", "Stride", "stride of X"),
    "stride_on_k": ("Layer bad {\nType: CONV\nStride { K: 2 }\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, "
                    "X: 10 }\n}", "Stride", "Stride on 'K'"),
    "stride_with_y_prime": ("Layer bad {\nType: CONV\nStride { Y: 2 }\nDimensions { K: 8, C: 3, R: 3, S: 3, "
                            "Y': 10, X: 10 }\n}", "Stride", "has no effect"),
    "brace_attached": ("Layer bad {\nType: CONV\nDimensions{ K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\n}",
                       "Dimensions{", "unexpected 'Dimensions{'"),
    "gemm_missing": ("Layer bad {\nType: GEMM\nDimensions { K: 8, M: 3 }\n}", "K: 8, M: 3", "missing dimension(s) N"),
}


@pytest.mark.parametrize("case", sorted(BAD_LAYERS))
def test_bad_layer(case):
    text, needle, match = BAD_LAYERS[case]
    check(model(text), "bad", needle, match=match)


DATAFLOW_BAD = {
    "bad_r_map": ("TemporalMap(3,7) R;", "TemporalMap(3,7) R", "TemporalMap on R must have size == offset == "
                  "Sz(R) (got 3, 7)"),
    "r_map_not_r": ("TemporalMap(5,5) R;", "TemporalMap(5,5) R", "R is 3"),
    "s_map_offset": ("TemporalMap(Sz(S),1) S;", "TemporalMap(Sz(S),1) S", "TemporalMap on S"),
    "sz_unknown": ("SpatialMap(Sz(Q),1) K;", "Sz(Q)", "Sz(Q): dimension Q is not declared"),
    "sz_of_y_prime": ("SpatialMap(Sz(Y'),1) K;", "Sz(Y')", "Sz(Y')"),
    "map_size_0": ("SpatialMap(0,1) K;", "SpatialMap(0,1)", "must be between 1"),
    "cluster_0": ("Cluster(0, P);", "Cluster(0", "Cluster size"),
    "bad_directive": ("SpatialMapp(1,1) K;", "SpatialMapp", "unexpected 'SpatialMapp' in Dataflow"),
    "map_on_n": ("SpatialMap(1,1) N;", "SpatialMap(1,1) N", "maps dimension N"),
    "no_spatial": ("TemporalMap(1,1) K;", "TemporalMap(1,1) K;", "no SpatialMap"),
    "three_spatial": ("SpatialMap(1,1) K; SpatialMap(1,1) C; SpatialMap(1,1) Y;", "SpatialMap(1,1) Y;",
                      "3 SpatialMaps"),
    "four_clusters": ("SpatialMap(1,1) K; Cluster(2,P); SpatialMap(1,1) K; Cluster(2,P); SpatialMap(1,1) K;\n"
                      "Cluster(2,P); SpatialMap(1,1) K; Cluster(2,P);\nSpatialMap(1,1) K;", "Cluster(2,P); Spa",
                      "at most 3", ),
    "y_prime_without_r": ("SpatialMap(1,1) Y'; TemporalMap(1,1) K;", "SpatialMap(1,1) Y'", "needs a map on R"),
}


@pytest.mark.parametrize("case", sorted(DATAFLOW_BAD))
def test_bad_dataflow(case):
    body, needle, match = DATAFLOW_BAD[case]
    bad = ("Layer bad {\nType: CONV\nDimensions { K: 8, C: 3, R: 3, S: 3, Y: 10, X: 10 }\nDataflow {\n"
           + body + "\n}\n}")
    text = model(bad, mapping=True)
    nth = 0
    if case == "four_clusters":
        nth = 1  # the 4th Cluster directive is on the second line of the body
    check(text, "bad", needle, match=match, nth=nth)


def test_dsconv_with_os_like_maestro():
    bad = ("Layer dw {\nType: DSCONV\nDimensions { K: 1, C: 32, R: 3, S: 3, Y: 10, X: 10 }\n" + OS_BLOCK + "\n}")
    text = model(bad, mapping=True)
    errors = check(text, "dw", "SpatialMap(1,1) K", match="Dimension K not found", nth=1)
    assert "dpt" in errors[0].fix


def test_dsconv_with_ws_needs_declared_k():
    ws = TEMPLATES["ws"].to_text()
    ok = "Layer dw {\nType: DSCONV\nDimensions { K: 1, C: 32, R: 3, S: 3, Y: 10, X: 10 }\n" + ws + "\n}"
    net, errors = parse_model(model(ok, mapping=True))
    assert errors == [] and len(net.layers) == 3
    bad = "Layer dw {\nType: DSCONV\nDimensions { C: 32, R: 3, S: 3, Y: 10, X: 10 }\n" + ws + "\n}"
    check(model(bad, mapping=True), "dw", "TemporalMap(1,1) K", match="does not declare K")


def test_first_layer_without_dataflow():
    text = "Network n {\n" + GOOD1.replace("good1", "first") + "\n" + GOOD2[:-1] + OS_BLOCK + "\n}\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1
    e = errors[0]
    assert (e.file, e.line, e.layer) == (FILE, 2, "first")
    assert "first layer" in e.message and "Dataflow" in e.fix
    assert [l.name for l in net.layers] == ["good2"]


def test_inheriting_from_an_invalid_layer():
    bad = "Layer bad {\nType: FC\n}"
    text = "Network n {\n" + GOOD1[:-1] + OS_BLOCK + "\n}\n" + bad + "\n" + GOOD2 + "\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert [e.layer for e in errors] == ["bad", "good2"]
    assert "would reuse the one of layer 'bad'" in errors[1].message
    assert [l.name for l in net.layers] == ["good1"]


def test_inherited_dataflow_checked_for_layer_type():
    dw = "Layer dw {\nType: DSCONV\nDimensions { K: 1, C: 32, R: 3, S: 3, Y: 10, X: 10 }\n}"
    text = "Network n {\n" + GOOD1[:-1] + OS_BLOCK + "\n}\n" + dw + "\n" + GOOD2[:-1] + OS_BLOCK + "\n}\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1 and errors[0].layer == "dw" and errors[0].line == line_of(text, "Layer dw")
    assert "inherited from layer 'good1'" in errors[0].message
    assert [l.name for l in net.layers] == ["good1", "good2"]


def test_unbalanced_braces_missing_close():
    text = model(GOOD1.replace("good1", "other"))[:-3]  # drop the network's closing brace
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1
    assert "never closed" in errors[0].message and errors[0].line == text.rstrip("\n").count("\n") + 1
    assert [l.name for l in net.layers] == ["good1", "other", "good2"]


def test_unbalanced_braces_missing_layer_close():
    text = "Network n {\n" + GOOD1 + "\n" + GOOD2[:-1] + "\n}\n"  # good2 closes the network, no Network '}'
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1 and "never closed" in errors[0].message
    assert [l.name for l in net.layers] == ["good1", "good2"]


def test_unbalanced_braces_extra_close():
    text = model(GOOD1.replace("good1", "other") + "\n}")
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1
    assert errors[0].line == line_of(text, "Layer good2")
    assert errors[0].layer is None
    assert [l.name for l in net.layers] == ["good1", "other"]  # parsing stops at the file-level error


def test_garbage_at_top_level():
    text = "hello\nNetwork n {\n" + GOOD1 + "\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1 and errors[0].line == 1 and "top level" in errors[0].message
    text = "Network n {\n" + GOOD1 + "\n}\ntrailing junk\n"
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1 and errors[0].line == 7 and [l.name for l in net.layers] == ["good1"]


def test_garbage_in_network_block():
    text = "Network n {\n" + GOOD1 + "\nfoo\n" + GOOD2 + "\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1 and errors[0].line == line_of(text, "foo")
    assert [l.name for l in net.layers] == ["good1"]


def test_accelerator_block_rejected():
    net, errors = parse_model("Accelerator {\nPE { NumPEs: 4 }\n}\n", file=FILE)
    assert len(errors) == 1 and "Accelerator" in errors[0].message


def test_empty_and_missing_files(tmp_path):
    net, errors = parse_model("", file=FILE)
    assert len(errors) == 1 and "no layers" in errors[0].message
    net, errors = parse_model("// only a comment\n", file=FILE)
    assert len(errors) == 1
    missing = tmp_path / "nope.m"
    net, errors = parse_model(missing)
    assert len(errors) == 1 and "cannot read" in errors[0].message and errors[0].file == str(missing)
    net, errors = parse_model(str(missing))
    assert len(errors) == 1 and "cannot read" in errors[0].message


def test_several_errors_in_one_file():
    bads = [BAD_LAYERS[c][0].replace("Layer bad", f"Layer bad{i}") for i, c in
            enumerate(["fc", "size0", "unknown_dim", "missing_type"])]
    text = "Network n {\n" + "\n".join([GOOD1] + bads + [GOOD2]) + "\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert [e.layer for e in errors] == ["bad0", "bad1", "bad2", "bad3"]
    assert [l.name for l in net.layers] == ["good1", "good2"]
    lines = [e.line for e in errors]
    assert lines == sorted(lines)


# ----------------------------------------------------------------------------------------- hardware


HW_BAD = {
    "noc_bw_zero": ("num_pes: 64\nnoc_bw_cstr: 0\n", 2, "noc_bw_cstr is 0", "SIGFPE"),
    "offchip_zero": ("num_pes: 64\noffchip_bw_cstr: 0\n", 2, "offchip_bw_cstr is 0", "SIGFPE"),
    "num_pes_zero": ("num_pes: 0\n", 1, "num_pes is 0", "SIGFPE"),
    "negative": ("num_pes: 64\nl1_size_cstr: -5\n", 2, "l1_size_cstr is -5", ">= 0"),
    "unknown_key": ("num_pes: 64\nl3_size_cstr: 5\n", 2, "unknown hardware key 'l3_size_cstr'", "num_pes"),
    "missing_value": ("num_pes: 64\nnoc_bw_cstr:\n", 2, "has no value", "noc_bw_cstr"),
    "not_integer": ("num_pes: 64\nl2_size_cstr: lots\n", 2, "must be an integer", "integer"),
    "value_is_key": ("num_pes:\nl1_size_cstr: 5\n", 2, "must be an integer", "integer"),
    "too_big": ("num_pes: 99999999999\n", 1, "larger than MAESTRO's int", "2147483647"),
}


@pytest.mark.parametrize("case", sorted(HW_BAD))
def test_bad_hw(case):
    text, line, match, fix = HW_BAD[case]
    with pytest.raises(InputError) as info:
        parse_hw(text, file="hw9.m")
    err = info.value
    assert (err.file, err.line, err.layer) == ("hw9.m", line, None)
    assert match in err.message and fix in err.fix
    assert str(err).startswith(f"hw9.m:{line}: ")


def test_hw_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        parse_hw(tmp_path / "none.m")


# ------------------------------------------------------------------------------------ dataflow files


@pytest.mark.parametrize("text,line,match", [
    ("TemporalMap(1,1) K;", 1, "must start with 'Dataflow {'"),
    ("", 1, "empty"),
    ("Dataflow {\nSpatialMap(1,1) Q;\n}", 2, "unknown dimension 'Q'"),
    ("Dataflow {\nSpatialMap(Sz(Q),1) K;\n}", 2, "Sz(Q)"),
    ("Dataflow {\nSpatialMap(1,1) K;\nTemporalMap(3,7) R;\n}", 3, "TemporalMap on R"),
    ("Dataflow {\nSpatialMap(1,1) K;\n}\nextra", 4, "after the Dataflow block"),
    ("Dataflow {\nSpatialMap(1,1) K;\n", 2, "ends"),
    ("Dataflow {\nTemporalMap(1,1) K;\n}", 2, "no SpatialMap"),
    ("Dataflow {\n}", 1, "empty"),
])
def test_bad_dataflow_file(text, line, match):
    with pytest.raises(InputError) as info:
        parse_dataflow(text, file="df.m")
    assert info.value.line == line and match in info.value.message and info.value.file == "df.m"


# ---------------------------------------------------------------------------------------- the types


def test_input_error_format_and_pickle():
    e = InputError(file="mapping.m", line=14, layer="conv1",
                   message="TemporalMap on R must have size == offset == Sz(R) (got 3, 7)",
                   fix="write TemporalMap(Sz(R),Sz(R)) R;")
    assert str(e) == ("mapping.m:14: layer 'conv1': TemporalMap on R must have size == offset == Sz(R) "
                      "(got 3, 7). Fix: write TemporalMap(Sz(R),Sz(R)) R;")
    assert str(InputError(file="hw.m", message="bad.")) == "hw.m: bad."
    assert pickle.loads(pickle.dumps(e)) == e
    assert e.to_dict()["layer"] == "conv1"
    with pytest.raises(InputError):
        raise_if_any([e])
    with pytest.raises(ErrorReport) as info:
        raise_if_any([e, e])
    assert len(info.value) == 2 and str(info.value).startswith("2 input errors:")
    raise_if_any([])


def test_glued_braces_in_names():
    text = "Network n {\nLayer a{ {\nType: CONV\n}\n" + GOOD2 + "\n}\n"
    net, errors = parse_model(text, file=FILE)
    assert len(errors) == 1 and errors[0].line == 2 and "brace" in errors[0].message
    assert [l.name for l in net.layers] == ["good2"]
    net, errors = parse_model("Network {n {\n" + GOOD1 + "\n}\n", file=FILE)
    assert len(errors) == 1 and errors[0].line == 1 and net.layers == ()
