"""NAS search spaces: vectorized samples equal the decoded graphs, supernet relaxation, published MACs."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.frontends.nas import alphanet, darts, digits, layer_macs
from diffhw.layers import Layers

SPACES = {"darts": darts, "alphanet": alphanet, "digits": digits}
FIELDS = list(Layers._fields)


def _row(layers: Layers, i: int) -> Layers:
    return Layers(**{f: getattr(layers, f)[i] for f in FIELDS})


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES)
def test_sampling_is_deterministic_and_padded(space):
    a, b, c = space.sample(64, seed=3), space.sample(64, seed=3), space.sample(64, seed=4)
    net = space.supernet()
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(a.layers, f), getattr(b.layers, f))
    np.testing.assert_array_equal(a.encodings, b.encodings)
    assert not np.array_equal(a.encodings, c.encodings)
    assert a.layers.shape == (64, net.max_layers) and a.encodings.shape == (64, len(net.decisions))
    assert a.names[0] != c.names[0] and len(set(a.names)) == 64
    # valid layers first, then masked 1x1 padding; slot ids follow the network order
    n = a.layers.mask.sum(1)
    assert (a.layers.mask == (np.arange(net.max_layers) < n[:, None])).all()
    assert ((a.slot >= 0) == a.layers.mask).all()
    assert (np.diff(np.where(a.slot < 0, len(net.slot_names), a.slot), axis=1) >= 0).all()
    assert (a.layers.K[~a.layers.mask] == 1).all()
    np.testing.assert_array_equal(a.macs, layer_macs(a.layers).sum(1))


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES)
def test_decoded_graphs_equal_sampled_rows(space):
    s = space.sample(24, seed=11)
    net = space.supernet()
    for i in range(len(s.names)):
        g = space.decode(s.encodings[i])
        got = g.to_layers(pad_to=net.max_layers)
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(got, f), getattr(s.layers, f)[i], err_msg=f"{s.names[i]} {f}")
        assert g.macs() == s.macs[i]
        # each layer comes from the slot the arrays name (graph node names start with the slot name)
        nodes = [node.name for node, _, _ in g.mac_layers()]
        slots = [net.slot_names[k] for k in s.slot[i, :len(nodes)]]
        assert all(n == sl or n.startswith(sl + ".") for n, sl in zip(nodes, slots)), list(zip(nodes, slots))


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES)
def test_supernet_one_hot_and_relaxed(space):
    net = space.supernet()
    s = space.sample(16, seed=5)
    onehot = np.eye(net.num_choices.max())[s.encodings]  # [M, D, O]
    w = net.option_weights(onehot)  # [M, S, J]
    expect = np.zeros_like(w)
    np.put_along_axis(expect, net.option_index(s.encodings)[..., None], 1.0, axis=-1)
    np.testing.assert_array_equal(w, expect)
    option_macs = layer_macs(net.options).sum(-1)  # [S, J]
    np.testing.assert_array_equal((w * option_macs).sum((-1, -2)), s.macs)

    # relaxed: softmax over each decision's options; weights sum to 1 per slot, gradients finite
    def expected_macs(logits):
        p = jax.nn.softmax(jnp.where(net.choice_mask, logits, -jnp.inf), axis=-1)
        return (net.option_weights(p) * option_macs).sum() / 1e6
    logits = jnp.asarray(np.random.default_rng(0).normal(size=net.choice_mask.shape))
    p = jax.nn.softmax(jnp.where(net.choice_mask, logits, -jnp.inf), axis=-1)
    np.testing.assert_allclose(net.option_weights(p).sum(-1), 1.0, rtol=1e-6)
    grad = jax.grad(expected_macs)(logits)
    assert np.isfinite(grad).all() and np.abs(grad).max() > 0


def test_darts_published_macs_and_params():
    enc = darts.encode_genotype(**darts.DARTS_V2)
    # DARTS (2nd order) on CIFAR-10, C=36, 20 cells: 3.3M params (DARTS paper, Table 1), ~528M MACs
    g = darts.decode(enc, channels=36, cells=20)
    assert g.macs() == 528_359_040 and round(g.params() / 1e6, 1) == 3.3
    # NAS-Bench-301's training setting (C=32, 8 cells) is much smaller; the vectorized row agrees
    g = darts.decode(enc)
    row = darts.supernet().layers(enc[None])[0]
    assert g.macs() == layer_macs(row).sum() == 159_765_504
    s = darts.sample(200, seed=0)
    assert 60e6 < s.macs.min() and s.macs.max() < 260e6
    # other network sizes: the arrays still equal the decoded graphs
    big = darts.sample(2, seed=1, channels=36, cells=20)
    for i in range(2):
        got = darts.decode(big.encodings[i], channels=36, cells=20).to_layers(pad_to=big.layers.shape[1])
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(got, f), getattr(big.layers, f)[i])
    enc2 = darts.check_genotype(s.encodings[0])
    assert ((enc2 > 0).sum(1) == 2 * darts.NODES).all()


def test_alphanet_pareto_models_match_published_mflops():
    for name, (cfg, mflops) in alphanet.PARETO.items():
        enc = alphanet.encode_config(cfg)
        assert alphanet.config(enc) == cfg
        assert round(alphanet.decode(enc).macs() / 1e6) == mflops, name
    net = alphanet.supernet()
    smallest, largest = np.zeros(len(net.decisions), int), net.num_choices - 1
    # A0 is the space's smallest network; the largest (288 px, widest, deepest) is ~1.94 GMACs
    assert alphanet.decode(smallest).macs() == alphanet.decode(alphanet.encode_config(alphanet.PARETO["a0"][0])).macs()
    assert alphanet.decode(largest).macs() == 1_939_335_808


def test_bad_encodings_are_refused_with_a_message():
    with pytest.raises(ValueError, match="28 entries"):
        darts.decode([0] * 5)
    enc = darts.encode_genotype(**darts.DARTS_V2)
    enc[4] = 4  # a third edge (from node 0) into node 1 of the normal cell
    with pytest.raises(ValueError, match="normal node 1 has 3"):
        darts.decode(enc)
    with pytest.raises(ValueError, match="distinct"):
        darts.encode_genotype([("sep_conv_3x3", 0)] * 8, darts.DARTS_V2["reduce"])
    with pytest.raises(ValueError, match="'resolution' has 4 options"):
        alphanet.decode([7] + [0] * 30)
    with pytest.raises(ValueError, match="not in the space"):
        alphanet.encode_config({**alphanet.PARETO["a0"][0], "resolution": 200})


LARGE = {k: v for k, v in SPACES.items() if k != "digits"}  # digits has 7,200 architectures


@pytest.mark.parametrize("space", LARGE.values(), ids=LARGE)
def test_sampling_10k(space):
    # the speed is measured by experiments/bench/nas_sampling.py, not here
    net = space.supernet()
    s, again = space.sample(10_000, seed=1), space.sample(10_000, seed=1)
    assert s.layers.shape == (10_000, net.max_layers) and s.encodings.shape == (10_000, len(net.decisions))
    assert len(s.names) == 10_000 and s.slot.shape == s.layers.shape and s.macs.shape == (10_000,)
    assert ((0 <= s.encodings) & (s.encodings < net.num_choices)).all()
    np.testing.assert_array_equal(s.encodings, again.encodings)
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(s.layers, f), getattr(again.layers, f))
    np.testing.assert_array_equal(s.macs, layer_macs(s.layers).sum(1))
    assert (s.macs > 0).all() and len(np.unique(s.encodings, axis=0)) > 9_900


def test_digits_space_size_and_macs():
    net = digits.supernet()
    assert int(np.prod(net.num_choices)) == 2 * 3 * 3 * (4 * 5) ** 2
    s = digits.sample(2000, seed=0)
    assert len(np.unique(s.encodings, axis=0)) > 1500
    # the smallest network: 8-wide stem, mb3_e1 first blocks, skipped second blocks, widths 8 / 16
    small = digits.decode(digits.encode_config({"stem": 8, "widths": [8, 16], "ops": [["mb3_e1", "skip"],
                                                                                     ["mb3_e1", "skip"]]}))
    assert s.macs.min() >= small.macs() > 0
    assert [r["type"] for r in small.table()] == ["CONV", "DSCONV", "CONV", "DSCONV", "CONV", "GEMM"]
