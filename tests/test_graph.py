"""Graph builder semantics and lowering to MAESTRO layers (frontends/graph.py)."""

from pathlib import Path

import numpy as np
import pytest

from diffhw.frontends.graph import TABLE_COLUMNS, Graph
from diffhw.frontends.maestro import parse_model, write_model

REF = Path(__file__).parent / "data" / "dev" / "models"


def conv_macs(n, k, c_per_group, kh, kw, ho, wo):
    """Reference MACs of a convolution: every output element takes C/g * kh * kw MACs."""
    return n * k * c_per_group * kh * kw * ho * wo


def one(g, convention="padded"):
    ((node, spec, rep),) = g.mac_layers(convention)
    return node, spec, rep


def test_conv_padded_and_maestro_conventions():
    with Graph("t") as g:
        x = g.input((2, 3, 224, 224))
        y = g.conv(x, 64, 3, stride=2, padding=1, bias=True)
    assert g.shape(y) == (2, 64, 112, 112)
    node, spec, rep = one(g)
    assert (spec.op, rep, node.params) == ("CONV", 1, 64 * 3 * 9 + 64)
    assert dict(spec.dims) == {"N": 2, "K": 64, "C": 3, "R": 3, "S": 3, "Y": 226, "X": 226}
    assert dict(spec.stride) == {"X": 2, "Y": 2}
    assert g.macs() == spec.num_macs() == conv_macs(2, 64, 3, 3, 3, 112, 112)
    _, m, _ = one(g, "maestro")  # MAESTRO's frontend: unpadded input, no batch
    assert dict(m.dims) == {"K": 64, "C": 3, "R": 3, "S": 3, "Y": 224, "X": 224}
    assert m.num_macs() == 64 * 3 * 9 * 111 * 111


def test_batch_one_writes_no_n_and_asymmetric_padding():
    g = Graph("t", input_shape=(1, 8, 15, 15))
    g.conv("input", 8, 3, stride=2, padding=(0, 0, 1, 1))  # ONNX order: top, left, bottom, right
    node, spec, _ = one(g)
    assert node.shape == (1, 8, 7, 7) and node.attrs["padding"] == (0, 0, 1, 1)
    assert "N" not in spec.dims and (spec.dims["Y"], spec.dims["X"]) == (16, 16)
    assert g.macs() == conv_macs(1, 8, 8, 3, 3, 7, 7)


def test_depthwise_and_channel_multiplier():
    g = Graph("t", input_shape=(1, 32, 56, 56))
    dw = g.conv("input", 32, 3, padding=1, groups=32)
    node, spec, rep = one(g)
    assert (spec.op, spec.dims["K"], spec.dims["C"], rep) == ("DSCONV", 1, 32, 1)
    assert g.macs() == conv_macs(1, 32, 1, 3, 3, 56, 56)
    assert one(g, "maestro")[1].op == "DSCONV"
    g.conv(dw, 96, 3, padding=1, groups=32, name="mult")  # channel multiplier 3
    _, spec, rep = g.mac_layers()[1]
    assert (spec.op, spec.dims["C"], rep) == ("DSCONV", 32, 3)
    assert spec.num_macs() * rep == conv_macs(1, 96, 1, 3, 3, 56, 56)


def test_grouped_conv_per_group_work_and_maestro_full_channels():
    g = Graph("t", input_shape=(1, 64, 28, 28))
    g.conv("input", 128, 3, padding=1, groups=4)
    node, spec, rep = one(g)
    assert (spec.op, spec.dims["K"], spec.dims["C"], rep) == ("CONV", 32, 16, 4)
    assert g.macs() == conv_macs(1, 128, 16, 3, 3, 28, 28)
    assert node.params == 128 * 16 * 9
    _, m, mrep = one(g, "maestro")
    assert (m.dims["K"], m.dims["C"], mrep) == (128, 64, 1)  # as MAESTRO's frontend: 4x the real MACs
    assert g.table()[0]["groups"] == 4


def test_dilation_keeps_taps_and_real_macs():
    g = Graph("t", input_shape=(1, 16, 32, 32))
    y = g.conv("input", 16, 3, padding=2, dilation=2, stride=1)
    assert g.shape(y) == (1, 16, 32, 32)  # torch: (32 + 4 - 2*2 - 1) // 1 + 1
    _, spec, _ = one(g)
    assert (spec.dims["R"], spec.dims["Y"]) == (3, 34)  # Y = (Ho - 1) * s + kh
    assert g.macs() == conv_macs(1, 16, 16, 3, 3, 32, 32)
    g2 = Graph("t", input_shape=(1, 4, 33, 33))
    g2.conv("input", 4, 3, stride=2, padding=0, dilation=3)  # Ho = (33 - 7) // 2 + 1 = 14
    _, spec, _ = one(g2)
    assert spec.input_dims()["Y"] == 29 and g2.macs() == conv_macs(1, 4, 4, 3, 3, 14, 14)


def test_linear_on_sequences():
    g = Graph("t", input_shape=(2, 10, 64))
    y = g.linear("input", 256)
    assert g.shape(y) == (2, 10, 256)
    node, spec, rep = one(g)
    assert (spec.op, dict(spec.dims), rep, node.params) == ("GEMM", {"M": 20, "N": 256, "K": 64}, 1, 64 * 256 + 256)
    assert g.macs() == 20 * 64 * 256
    _, m, _ = one(g, "maestro")  # FC as a 1x1 CONV on a 1x1 input, no stride line
    assert (m.op, dict(m.dims), dict(m.stride)) == ("CONV", {"K": 256, "C": 64, "R": 1, "S": 1, "Y": 1, "X": 1}, {})


def test_matmul_batch_and_heads_repeat():
    g = Graph("t")
    q, k = g.input((2, 12, 128, 64), name="q"), g.input((2, 12, 64, 128), name="k")
    s = g.matmul(q, k)
    assert g.shape(s) == (2, 12, 128, 128)
    node, spec, rep = one(g)
    assert (dict(spec.dims), rep, node.params) == ({"M": 128, "N": 128, "K": 64}, 24, 0)
    assert g.macs() == 24 * 128 * 64 * 128
    assert len(g.to_network().layers) == 24
    b = g.input((64, 32), name="w")  # broadcast a 2-D operand over the batch
    assert g.shape(g.matmul(q, b)) == (2, 12, 128, 32)
    v = g.input((64,), name="v")  # 1-D operand: matrix-vector
    mv = g.matmul(q, v)
    assert g.shape(mv) == (2, 12, 128) and g[mv].attrs == {"batch": 24, "m": 128, "k": 64, "n": 1}


def test_conv_transpose_lowers_in_scatter_form_for_any_stride():
    g = Graph("t", input_shape=(1, 8, 10, 10))
    y = g.conv_transpose("input", 4, 3, padding=0)
    assert g.shape(y) == (1, 4, 12, 12)
    node, spec, rep = one(g)
    # every input pixel meets every tap once: a 3x3 CONV on the 10x10 input padded by 2, stride 1
    assert node.kind == "conv_transpose" and (spec.dims["Y"], spec.stride["Y"], rep) == (12, 1, 1)
    assert g.macs() == 8 * 4 * 9 * 10 * 10
    up = g.conv_transpose(y, 2, 4, stride=2, padding=1, bias=True)
    assert g.shape(up) == (1, 2, 24, 24)  # (12 - 1) * 2 - 2 + 3 + 1
    assert g[up].kind == "conv_transpose" and g[up].params == 4 * 2 * 16 + 2 and not g.unsupported()
    assert g.macs() == 8 * 4 * 9 * 10 * 10 + 4 * 2 * 16 * 12 * 12
    grouped = g.conv_transpose(up, 4, (2, 3), stride=(2, 1), groups=2, dilation=2, padding=(1, 0, 0, 2))
    assert g.shape(grouped) == (1, 4, 48, 26)  # 23 * 2 - 1 + 2 + 1, 23 - 2 + 4 + 1
    _, spec, rep = g.mac_layers()[-1]
    # groups == in_channels: depthwise with channel multiplier 2 (a DSCONV run twice)
    assert (spec.op, spec.dims["C"], spec.dims["R"], spec.dims["S"], spec.dims["Y"], rep) == ("DSCONV", 2, 2, 3, 25, 2)
    assert spec.num_macs() * rep == 2 * 2 * 6 * 24 * 24


def test_conv_1d_and_3d():
    g = Graph("t", input_shape=(2, 4, 50))
    y = g.conv("input", 8, 5, stride=2, padding=(1, 2), dilation=1)
    assert g.shape(y) == (2, 8, 25) and g[y].attrs["padding"] == (1, 2)  # (50 + 3 - 5) // 2 + 1
    _, spec, rep = g.mac_layers()[0]
    assert (spec.op, spec.dims["R"], spec.dims["S"], spec.dims["Y"], spec.dims["X"], spec.stride["X"]) == \
        ("CONV", 1, 5, 1, 53, 2)
    assert g.macs() == 2 * 8 * 4 * 5 * 25
    dw = g.conv(y, 8, 3, groups=8, padding=1, dilation=2)
    assert g.shape(dw) == (2, 8, 23) and g.mac_layers()[1][1].op == "DSCONV"
    v = Graph("v", input_shape=(1, 3, 6, 16, 16))
    z = v.conv("input", 8, (3, 3, 3), stride=(1, 2, 2), padding=1)
    assert v.shape(z) == (1, 8, 6, 8, 8) and v[z].params == 8 * 3 * 27
    _, spec, rep = v.mac_layers()[0]
    assert (spec.dims["C"], spec.dims["R"], spec.dims["Y"], rep) == (9, 3, 18, 6)  # depth taps in C, per D_out
    assert v.macs() == 8 * 3 * 27 * 6 * 8 * 8
    dw3 = v.conv(z, 8, 3, groups=8, padding=1)
    assert v.macs() == 8 * 3 * 27 * 6 * 8 * 8 + 8 * 27 * 6 * 8 * 8
    t = v.conv_transpose(dw3, 4, (2, 2, 2), stride=2)
    assert v.shape(t) == (1, 4, 12, 16, 16) and v.mac_layers()[-1][2] == 6  # once per input depth position
    assert v.macs() - 8 * 3 * 27 * 6 * 8 * 8 - 8 * 27 * 6 * 8 * 8 == 8 * 4 * 8 * 6 * 8 * 8
    with pytest.raises(ValueError, match="expects a"):
        v.conv(v.input((3, 4)), 2, 1)


def test_non_mac_shapes_and_params():
    g = Graph("t", input_shape=(1, 16, 15, 15))
    p = g.pool("input", 3, stride=2, ceil_mode=True)
    assert g.shape(p) == (1, 16, 7, 7)  # torch: ceil((15 - 3) / 2) + 1 = 7
    assert g.shape(g.pool("input", 2)) == (1, 16, 7, 7)
    gp = g.global_pool(p)
    assert g.shape(gp) == (1, 16, 1, 1) and g.shape(g.flatten(gp)) == (1, 16)
    assert g.shape(g.concat([p, p], axis=1)) == (1, 32, 7, 7)
    assert g[g.norm(p)].params == 32 and g[g.norm(p, affine=False)].params == 0
    seq = g.reshape(p, (1, 16, -1))
    assert g.shape(seq) == (1, 16, 49) and g.shape(g.permute(seq, (0, 2, 1))) == (1, 49, 16)
    assert g[g.norm(seq, "layer")].params == 2 * 49
    assert g.shape(g.select(seq, 1, 0)) == (1, 49)
    assert g.shape(g.mul(p, gp)) == (1, 16, 7, 7) and g.shape(g.add(p, p)) == (1, 16, 7, 7)
    assert g[g.parameter((1, 1, 8))].params == 8
    assert g[g.embedding(g.input((2, 5), name="ids"), 100, 8)].shape == (2, 5, 8)
    assert g.params() == 32 + 2 * 49 + 8 + 800
    assert g.macs() == 0 and g.table() == []


@pytest.mark.parametrize("build, words", [
    (lambda g: g.conv("input", 64, 3, groups=5, name="c1"), ["'c1'", "divisible by groups"]),
    (lambda g: g.conv(g.reshape("input", (3, -1), name="flat"), 8, 3, name="c2"), ["'c2'", "(N, C, H, W)"]),
    (lambda g: g.conv("input", 8, 9, name="big"), ["'big'", "does not fit"]),
    (lambda g: g.conv("nope", 8, 3, name="c3"), ["'c3'", "'nope'", "not a node"]),
    (lambda g: g.conv("input", 8, 3, padding=-1, name="c4"), ["'c4'", "padding"]),
    (lambda g: g.matmul("input", g.input((1, 3, 4, 8), name="b"), name="mm"), ["'mm'", "inner dimensions"]),
    (lambda g: g.add("input", g.input((1, 4, 8, 8), name="other"), name="sum"), ["'sum'", "broadcast"]),
    (lambda g: g.reshape("input", (5, -1), name="r"), ["'r'", "cannot reshape"]),
    (lambda g: g.concat(["input", g.input((1, 3, 4, 4), name="i2")], name="cat"), ["'cat'", "concatenate"]),
    (lambda g: g.conv("input", 8, 3, name="input"), ["duplicate", "'input'"]),
    (lambda g: g.input((1, None, 8, 8), name="dyn"), ["'dyn'", "dynamic"]),
    (lambda g: g.norm("input", "weird", name="n"), ["'n'", "weird"]),
    (lambda g: g.conv("input", 8, 3.0, name="fk"), ["'fk'", "kernel 3.0"]),
])
def test_bad_input_raises_value_error_naming_the_node(build, words):
    g = Graph("bad", input_shape=(1, 3, 8, 8))
    with pytest.raises(ValueError) as e:
        build(g)
    assert all(w in str(e.value) for w in words), str(e.value)


def test_unknown_convention():
    with pytest.raises(ValueError, match="convention"):
        Graph("t").mac_layers("same")


def test_to_network_names_round_trip_and_layers():
    g = Graph("my net", input_shape=(1, 4, 8, 8))
    x = g.conv("input", 8, 3, padding=1, name="block/0 conv(a)")
    g.conv(x, 8, 3, padding=1, groups=2, name="block_0_conv_a")
    net = g.to_network()
    names = [l.name for l in net.layers]
    assert net.name == "my_net" and names == ["block_0_conv_a", "block_0_conv_a_0", "block_0_conv_a_1"]
    back, errors = parse_model(write_model(net, with_dataflow=False))
    assert errors == [] and [(l.name, l.op, dict(l.dims)) for l in back.layers] == \
        [(l.name, l.op, dict(l.dims)) for l in net.layers]
    arr = g.to_layers(pad_to=5)
    assert arr.shape == (5,) and arr.mask.tolist() == [True] * 3 + [False] * 2
    assert np.all(arr.Y[:3] == 10)


def test_table_columns_and_totals():
    g = Graph("t", input_shape=(1, 3, 8, 8))
    g.linear(g.flatten(g.conv("input", 4, 3)), 10)
    rows = g.table()
    assert [tuple(r) for r in rows] == [TABLE_COLUMNS] * 2
    assert rows[0]["type"] == "CONV" and rows[1]["type"] == "GEMM" and rows[1]["M"] == 1
    assert sum(r["macs"] for r in rows) == g.macs() == 4 * 3 * 9 * 36 + 144 * 10


@pytest.mark.parametrize("model", ["vgg16", "mobilenetv2"])
def test_from_network_gives_the_layers_back(model):
    net, errors = parse_model(REF / f"{model}.m")
    assert not errors
    g = Graph.from_network(net)
    for convention in ("maestro", "padded"):
        again = g.to_network(convention)
        assert [(l.name, l.op, dict(l.dims), dict(l.stride or {"X": 1, "Y": 1})) for l in again.layers] == \
            [(l.name, l.op, dict(l.dims), dict(l.stride or {"X": 1, "Y": 1})) for l in net.layers]
    assert g.macs() == sum(l.num_macs() for l in net.layers)
