"""Property tests of the MAESTRO frontend: no input makes it raise anything but InputError, every layer it
returns is valid, and every valid network survives write -> parse unchanged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from diffhw.dataflow import Cluster, Dataflow, Map, Sz
from diffhw.errors import InputError
from diffhw.frontends.maestro import (
    apply_dataflow,
    parse_dataflow,
    parse_hw,
    parse_model,
    validate_layer,
    write_hw,
    write_model,
)
from diffhw.hardware import INT_MAX, HardwareSpec
from diffhw.layers import LayerSpec, Network, SourceLoc

DATA = Path(__file__).parent / "data" / "dev"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VOCAB = [
    "Network", "Layer", "Type", "CONV", "DSCONV", "GEMM", "FC", "TRCONV", "NGCONV", "Stride", "Dimensions",
    "Dataflow", "TemporalMap", "SpatialMap", "Cluster", "Sz", "P", "L", "Constant", "Accelerator", "{", "}",
    "K", "C", "R", "S", "Y", "X", "Y'", "X'", "N", "M", "G", "Q", "0", "1", "2", "3", "7", "16", "64", "-4",
    "99999999999", "//", "// note", "abc", "Dimensions{", "}}", "num_pes", "noc_bw_cstr", "NoC_NumHops",
    "offchip_bw_cstr", "l1_size_cstr", "l2_size_cstr", "’", "\x00", "é",
]
SEPS = [" ", "\n", ",", ":", ";", "(", ")", "->", "\t", "\r\n", " // c\n", ""]


def assert_sane(text: str, file: str = "fuzz.m") -> None:
    """parse_model's contract on arbitrary text."""
    net, errors = parse_model(text, file=file)
    assert isinstance(net, Network)
    n_lines = text.count("\n") + 1
    for e in errors:
        assert isinstance(e, InputError)
        assert e.file == file and 0 <= e.line <= n_lines
        assert e.message and e.fix
        str(e)
    for layer in net.layers:
        assert isinstance(layer, LayerSpec) and layer.loc.file == file
        assert validate_layer(layer, check_sizes=False) == [], layer
    if net.layers and net.layers[0].dataflow is not None:
        # a mapping: every returned layer has a dataflow; own blocks also pass MAESTRO's read-time checks
        assert all(l.dataflow is not None for l in net.layers)
    if errors == [] and net.layers:
        # a clean parse writes and reads back identically
        mapping = net.layers[0].dataflow is not None
        back, errors2 = parse_model(write_model(net, mapping), file=file)
        assert errors2 == []
        assert [replace(l, loc=SourceLoc()) for l in back.layers] == [
            replace(l, loc=SourceLoc()) for l in net.layers]


def assert_hw_sane(text: str) -> None:
    try:
        hw = parse_hw(text, file="h.m")
    except InputError as e:
        assert e.file == "h.m" and e.message and e.fix
        return
    assert isinstance(hw, HardwareSpec) and hw.num_pes >= 1 and hw.noc_bw >= 1 and hw.offchip_bw >= 1


def assert_dataflow_sane(text: str) -> None:
    try:
        df = parse_dataflow(text, file="d.m")
    except InputError as e:
        assert e.file == "d.m" and e.message and e.fix
        return
    assert isinstance(df, Dataflow) and df.directives


soup = st.lists(st.tuples(st.sampled_from(VOCAB) | st.text(max_size=4), st.sampled_from(SEPS)), max_size=80).map(
    lambda parts: "".join(t + s for t, s in parts))


@FAST
@given(soup)
def test_token_soup(text):
    assert_sane(text)
    assert_hw_sane(text)
    assert_dataflow_sane(text)


@FAST
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    assert_sane(text)
    assert_hw_sane(text)
    assert_dataflow_sane(text)


def _base_texts() -> list[str]:
    texts = []
    for name in ("mappings/vgg16__rs", "mappings/mobilenetv2__dpt", "mappings/random_dev__gemm_nmk",
                 "mappings/mobilenetv2__ws", "models/random_dev"):
        lines = (DATA / f"{name}.m").read_text().split("\n")
        # the first three layers and the closing brace
        starts = [i for i, l in enumerate(lines) if l.startswith("Layer ")]
        texts.append("\n".join(lines[: starts[3]] + ["}"]) + "\n")
    texts.append((DATA.parent / "maestro_syntax_variants.m").read_text())
    return texts


BASES = _base_texts()


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "number", "swap", "brace"]))
        n = len(text)
        i = draw(st.integers(0, n))
        if op == "delete":
            j = draw(st.integers(i, min(n, i + 30)))
            text = text[:i] + text[j:]
        elif op == "insert":
            tok = draw(st.sampled_from(VOCAB))
            text = text[:i] + draw(st.sampled_from([" ", "\n", ""])) + tok + " " + text[i:]
        elif op == "duplicate":
            j = draw(st.integers(i, min(n, i + 200)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "number":
            digits = [k for k, c in enumerate(text) if c.isdigit()]
            if digits:
                k = draw(st.sampled_from(digits))
                text = text[:k] + str(draw(st.integers(0, 300))) + text[k + 1:]
        elif op == "swap":
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        else:
            text = text[:i] + draw(st.sampled_from(["{", "}", "{ ", " }"])) + text[i:]
    return text


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files(text):
    assert_sane(text)


def test_base_texts_are_valid():
    for text in BASES:
        net, errors = parse_model(text)
        assert errors == [] and len(net.layers) >= 3


# ------------------------------------------------------------------------------ valid-network round trip


NAME = st.from_regex(r"[A-Za-z_][A-Za-z0-9_']{0,8}", fullmatch=True)


@st.composite
def layer_specs(draw):
    op = draw(st.sampled_from(["CONV", "DSCONV", "GEMM"]))
    name = draw(NAME)
    if op == "GEMM":
        keys = draw(st.permutations(["M", "N", "K"]))
        dims = {k: draw(st.integers(1, 4096)) for k in keys}
        return LayerSpec(name, op, dims)
    r, s = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    values = {"C": draw(st.integers(1, 512)), "R": r, "S": s}
    if op == "CONV" or draw(st.booleans()):
        values["K"] = draw(st.integers(1, 512)) if op == "CONV" else draw(st.sampled_from([1, 1, 4]))
    if draw(st.booleans()):
        values["N"] = draw(st.integers(1, 8))
    stride = {}
    for i, f, fs in (("Y", "R", r), ("X", "S", s)):
        if draw(st.booleans()):
            values[i] = draw(st.integers(fs, fs + 60))
            if draw(st.booleans()):
                stride[i] = draw(st.integers(1, 3))
        else:
            values[i + "'"] = draw(st.integers(1, 60))
            if draw(st.booleans()):
                stride[i] = 1  # harmless on an output-form dimension
    keys = draw(st.permutations(sorted(values)))
    stride_keys = draw(st.permutations(sorted(stride)))
    return LayerSpec(name, op, {k: values[k] for k in keys}, {k: stride[k] for k in stride_keys})


def _lower_dims(spec: LayerSpec) -> list[str]:
    if spec.op == "GEMM":
        return ["K", "M", "N"]
    base = ["C", "R", "S", "X", "Y"] + (["K"] if spec.op == "CONV" else [])
    return base + (["N"] if "N" in spec.dims else [])


@st.composite
def dataflows_for(draw, spec: LayerSpec):
    dims = _lower_dims(spec)
    n_clusters = draw(st.integers(0, 3))
    number = st.integers(1, 9) | st.sampled_from([Sz(d) for d in spec.dims])
    out = []
    for level in range(n_clusters + 1):
        here = draw(st.lists(st.sampled_from(dims), min_size=1, max_size=4, unique=True))
        n_spatial = draw(st.integers(1, min(2, len(here))))
        spatial = set(draw(st.permutations(here))[:n_spatial])
        for d in here:
            kind = "spatial" if d in spatial else "temporal"
            if kind == "temporal" and d in ("R", "S"):
                v = draw(st.sampled_from([Sz(d), spec.dims[d]]))
                out.append(Map(kind, v, v, d))
            else:
                out.append(Map(kind, draw(number), draw(number), d))
        if level < n_clusters:
            out.append(Cluster(draw(number), draw(st.sampled_from(["P", "L"]))))
    return Dataflow(tuple(out), "")


@st.composite
def networks(draw):
    mapping = draw(st.booleans())
    layers = []
    for _ in range(draw(st.integers(1, 5))):
        spec = draw(layer_specs())
        if mapping:
            spec = replace(spec, dataflow=draw(dataflows_for(spec)))
        layers.append(spec)
    return Network(draw(NAME | st.just("")), tuple(layers)), mapping


@FAST
@given(networks())
def test_valid_networks_round_trip(case):
    net, mapping = case
    for layer in net.layers:
        assert validate_layer(layer) == [], layer
    text = write_model(net, with_dataflow=mapping)
    back, errors = parse_model(text)
    assert errors == []
    assert back.name == net.name
    assert [replace(l, loc=SourceLoc()) for l in back.layers] == list(net.layers)
    assert write_model(back, mapping) == text


@FAST
@given(networks())
def test_inherited_dataflows_round_trip(case):
    """Layers without a Dataflow block (MAESTRO's inheritance) read back as written."""
    net, mapping = case
    assume(mapping and len(net.layers) >= 2)
    text = write_model(replace(net, layers=net.layers[:1]), True)[:-2]  # without the network's '}'
    body = write_model(replace(net, layers=net.layers[1:]), False)
    text += body[body.index("\n") + 1:]
    parsed, errors = parse_model(text)
    if errors:  # only a type mismatch with the inherited dataflow may fail (e.g. K on DSCONV)
        assert all("not found" in e.message or "would reuse" in e.message for e in errors)
        return
    first = parsed.layers[0]
    for layer in parsed.layers[1:]:
        assert layer.dataflow == first.dataflow.resolve(first.dims)
    back, errors2 = parse_model(write_model(parsed, True))
    assert errors2 == []
    assert [replace(l, loc=SourceLoc()) for l in back.layers] == [replace(l, loc=SourceLoc()) for l in parsed.layers]


@FAST
@given(
    st.integers(1, INT_MAX), st.integers(0, INT_MAX), st.integers(0, INT_MAX), st.integers(1, INT_MAX),
    st.integers(1, INT_MAX), st.integers(0, 64), st.from_regex(r"[A-Za-z0-9_]{1,10}", fullmatch=True),
)
def test_hw_round_trip(num_pes, l1, l2, noc, off, hops, name):
    spec = HardwareSpec(num_pes, l1, l2, noc, off, 1, hops, name)
    assert parse_hw(write_hw(spec), file=f"dir/{name}.m") == spec


@FAST
@given(networks())
def test_apply_then_write_reads_back(case):
    net, _ = case
    plain = replace(net, layers=tuple(replace(l, dataflow=None) for l in net.layers))
    mapped = apply_dataflow(plain, {"CONV": "dla", "GEMM": "gemm"}, dsconv_dpt=True)
    back, errors = parse_model(write_model(mapped, True))
    assert errors == []
    assert [l.dataflow.directives for l in back.layers] == [l.dataflow.directives for l in mapped.layers]
