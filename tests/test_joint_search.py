"""Joint search end to end (`diffhw cosearch`, two epochs), retraining, the digits supernet, fronts."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.cli import main
from diffhw.frontends.nas.digits import DIGITS
from diffhw.joint.data import digits as digits_data
from diffhw.joint.front import hypervolume, pareto_mask
from diffhw.joint.supernet import MBConvNet, choice_mask, gumbel_gates, masked_softmax
from diffhw.joint.train import fit


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cosearch") / "run"
    code = main(["cosearch", "--epochs", "2", "--retrain-seeds", "2", "--refine-evals", "30", "--lambda", "0.1",
                 "--out", str(out)])
    return code, out


def test_cosearch_writes_a_feasible_design_and_trained_weights(run):
    code, out = run
    assert code == 0
    design = json.loads((out / "design.json").read_text())
    arch = json.loads((out / "architecture.json").read_text())
    assert design["metrics"]["feasible"] and design["metrics"]["edp"] > 0
    assert design["metrics"]["area"] <= 1e7
    enc = tuple(arch["encoding"])
    # the design's layers are the decoded network's, every layer with a dataflow
    specs = DIGITS.decode(enc).to_network().layers
    assert [r["type"] for r in design["layers"][0]["layers"]] == [s.op for s in specs]
    # weights.npz holds the retrained network under the graph's node names (PyTorch layouts): `diffhw export`
    # builds the network with them, and its ONNX form reproduces the first seed's test accuracy
    w = dict(np.load(out / "weights.npz"))
    assert set(w) == set(arch["weights"])
    assert len(arch["test_accuracy"]) == 2
    pytest.importorskip("onnxruntime")
    import onnxruntime as ort

    from diffhw.exporters.design import from_run
    from diffhw.exporters.onnx import float_model

    exported = from_run(out)
    proto, note = float_model(exported)
    assert "trained weights" in note and "random" not in note
    data = digits_data()
    sess = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    x = data.x_test.transpose(0, 3, 1, 2)  # NCHW
    logits = np.concatenate([sess.run(None, {sess.get_inputs()[0].name: x[i:i + 1]})[0] for i in range(len(x))])
    acc = float((logits.argmax(-1) == data.y_test).mean())
    assert acc == pytest.approx(arch["test_accuracy"][0], abs=1.5 / len(x))
    assert (out / "hw.m").exists() and (out / "mapping.m").exists()


def test_cosearch_refuses_untrainable_spaces_and_existing_output(run, capsys):
    _, out = run
    assert main(["cosearch", "--space", "darts", "--out", str(out.parent / "x")]) == 2
    assert "digits" in capsys.readouterr().err
    assert main(["cosearch", "--out", str(out)]) != 0  # the run directory exists: never written into
    assert "not empty" in capsys.readouterr().err


def test_fit_trains_exactly_the_plain_network_and_learns():
    """fit trains the supernet at one-hot gates from the plain network's initialization: the same steps on
    the plain network (`MBConvNet(DIGITS, encoding)`) give the same weights and accuracy, and 2 epochs learn the
    digits (2 epochs, 2 seeds: the cosearch run's program)."""
    import optax

    from diffhw.joint.train import network_init, shuffles

    enc, data = (1, 1, 1, 2, 1, 2, 1), digits_data()
    r = fit(DIGITS, enc, data, epochs=2, seeds=(0, 1))  # two seeds in one call: the cosearch run's compiled program
    assert r.test_accuracy.shape == (2,) and (r.test_accuracy > 0.5).all() and (r.val_accuracy > 0.5).all()
    net, x, y = MBConvNet(DIGITS, enc), jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    p, _ = network_init(DIGITS, enc, 0, x)
    order = shuffles(len(y), 32, 2, 0)
    opt = optax.adam(optax.cosine_decay_schedule(1e-2, len(order)))

    def body(carry, i):
        p, st = carry
        g = jax.grad(lambda p: optax.softmax_cross_entropy_with_integer_labels(net.apply(p, x[i]), y[i]).mean())(p)
        u, st = opt.update(g, st, p)
        return (optax.apply_updates(p, u), st), None

    (p, _), _ = jax.jit(lambda p, o: jax.lax.scan(body, (p, opt.init(p)), o))(p, jnp.asarray(order))
    for a, b in zip(jax.tree_util.tree_leaves(p), jax.tree_util.tree_leaves(r.params)):
        np.testing.assert_allclose(np.asarray(a), b, atol=2e-6)
    acc = float((net.apply(p, jnp.asarray(data.x_test)).argmax(-1) == data.y_test).mean())
    assert acc == pytest.approx(r.test_accuracy[0], abs=1.5 / len(data.y_test))


def test_supernet_one_hot_gates_equal_the_chosen_network():
    """The supernet at one-hot gates computes the network of that encoding (with its ops' weights, widths
    masked to the chosen ones)."""
    enc = (1, 2, 1, 2, 0, 3, 4)
    x = jnp.asarray(digits_data().x_val[:8])
    sup = MBConvNet(DIGITS)
    gates = jnp.eye(choice_mask(DIGITS).shape[1])[np.array(enc)]
    params = jax.jit(sup.init)(jax.random.PRNGKey(0), x, gates)  # jitted: one compile, not one per op
    cfg = DIGITS.config(enc)
    # copy the chosen ops' weights, cut to the chosen widths, into the plain network
    fixed = MBConvNet(DIGITS, enc)
    fp = jax.tree_util.tree_map(np.asarray, jax.jit(fixed.init)(jax.random.PRNGKey(1), x))["params"]
    sp = jax.tree_util.tree_map(np.asarray, params)["params"]

    def cut(a, like):
        return a[tuple(slice(0, n) for n in like.shape)]

    out = {"stem": {k: cut(sp["stem"][k], v) for k, v in fp["stem"].items()},
           "classifier": {k: cut(sp["classifier"][k], v) for k, v in fp["classifier"].items()}}
    for s, (name, _, _) in enumerate(DIGITS.stages):
        for i, op in enumerate(cfg["ops"][s]):
            if op != "skip":
                src = sp[f"{name}_{i}"][op]
                out[f"{name}_{i}"] = {m: {k: cut(src[m][k], v) for k, v in layer.items()}
                                      for m, layer in fp[f"{name}_{i}"].items()}
    want = jax.jit(fixed.apply)({"params": out}, x)
    got = jax.jit(sup.apply)(params, x, gates)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-5)


def test_gumbel_gates_are_one_hot_with_softmax_gradients():
    mask = choice_mask(DIGITS)
    logits = jnp.asarray(np.random.default_rng(0).normal(size=mask.shape))
    g = gumbel_gates(jax.random.PRNGKey(0), logits, mask, 0.5)
    assert np.array_equal(np.asarray(g).sum(-1), np.ones(len(g)))
    assert (np.asarray(g)[~mask] == 0).all()
    grad = jax.grad(lambda lg: (gumbel_gates(jax.random.PRNGKey(0), lg, mask, 0.5) * jnp.arange(5.0)).sum())(logits)
    assert np.isfinite(np.asarray(grad)).all() and np.abs(np.asarray(grad)).max() > 0
    np.testing.assert_allclose(np.asarray(masked_softmax(logits, mask)).sum(-1), 1.0, rtol=1e-6)


def test_front_and_hypervolume():
    acc, edp = np.array([0.9, 0.95, 0.8, 0.9]), np.array([10.0, 100.0, 50.0, 20.0])
    assert pareto_mask(acc, edp).tolist() == [True, True, False, False]
    # (0.9 - 0.1) x (3 - 1) + (0.95 - 0.9) x (3 - 2) in log10 EDP
    assert hypervolume(acc, edp, 0.1, 1000.0) == pytest.approx(1.65)
    assert hypervolume(acc[2:3], edp[2:3], 0.1, 40.0) == 0.0  # beyond the reference point
