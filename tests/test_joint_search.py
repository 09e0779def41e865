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
    the plain network (`MBConvNet(DIGITS, encoding)`) give the same network (predictions and accuracy), and 2
    epochs learn the digits (2 epochs, 2 seeds: the cosearch run's program)."""
    import optax

    from diffhw.joint.train import network_init, shuffles

    enc, data = (1, 1, 1, 2, 1, 2, 1), digits_data()
    r = fit(DIGITS, enc, data, epochs=2, seeds=(0, 1))  # two seeds in one call: the cosearch run's compiled program
    assert r.test_accuracy.shape == (2,) and (r.test_accuracy > 0.5).all() and (r.val_accuracy > 0.5).all()
    net, x, y = MBConvNet(DIGITS, enc), jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    p, _ = network_init(DIGITS, enc, 0, x)
    order = shuffles(len(y), 32, 2, 0)
    opt = optax.adam(optax.cosine_decay_schedule(1e-2, len(order)))

    def body(carry, i):  # training: batch statistics, the running averages updated
        p, st = carry

        def loss(p):
            logits, stats = net.apply(p, x[i], train=True, mutable=["batch_stats"])
            return optax.softmax_cross_entropy_with_integer_labels(logits, y[i]).mean(), stats

        g, stats = jax.grad(loss, has_aux=True)(p)
        u, st = opt.update(g, st, p)
        return (optax.apply_updates(p, u) | stats, st), None

    (p, _), _ = jax.jit(lambda p, o: jax.lax.scan(body, (p, opt.init(p)), o))(p, jnp.asarray(order))
    # the same variables, trained the same way: equal to rounding at the first step (checked: gradients
    # within 1e-7), then apart in the directions batch normalization makes invariant (e.g. a BN shift that
    # the next conv's BN removes): their gradients are zero up to rounding, which Adam normalizes into
    # steps, and the two programs round differently. So compare what the networks compute: the same
    # predictions but for a few test images, the same accuracy within 5 images.
    assert jax.tree_util.tree_structure(p) == jax.tree_util.tree_structure(r.params)
    assert set(p) == {"params", "batch_stats"}
    x_test = jnp.asarray(data.x_test)
    want, got = net.apply(p, x_test), net.apply(jax.tree_util.tree_map(jnp.asarray, r.params), x_test)  # inference
    assert (np.asarray(want).argmax(-1) == np.asarray(got).argmax(-1)).mean() >= 0.97
    acc = float((np.asarray(want).argmax(-1) == data.y_test).mean())
    assert acc == pytest.approx(r.test_accuracy[0], abs=5.5 / len(data.y_test))


def test_supernet_one_hot_gates_equal_the_chosen_network():
    """The supernet at one-hot gates computes the network of that encoding (with its ops' weights and batch
    normalizations, widths masked to the chosen ones), in training (batch statistics) and inference (running
    averages) mode."""
    enc = (1, 2, 1, 2, 0, 3, 4)
    x = jnp.asarray(digits_data().x_val[:8])
    sup = MBConvNet(DIGITS)
    gates = jnp.eye(choice_mask(DIGITS).shape[1])[np.array(enc)]
    rng = np.random.default_rng(0)
    variables = jax.tree_util.tree_map(np.asarray, jax.jit(sup.init)(jax.random.PRNGKey(0), x, gates))
    # running averages and BN affine parameters away from their initial values, so that they matter
    variables = {"params": jax.tree_util.tree_map(lambda a: a + rng.normal(0, 0.1, a.shape).astype(a.dtype),
                                                  variables["params"]),
                 "batch_stats": jax.tree_util.tree_map(lambda a: (rng.uniform(0.5, 1.5, a.shape)).astype(a.dtype),
                                                       variables["batch_stats"])}
    cfg = DIGITS.config(enc)
    ops = {f"{name}_{i}": op for s, (name, _, _) in enumerate(DIGITS.stages) for i, op in enumerate(cfg["ops"][s])}
    # copy the chosen ops' weights and statistics, cut to the chosen widths, into the plain network
    fixed = MBConvNet(DIGITS, enc)
    like = jax.tree_util.tree_map(np.asarray, jax.jit(fixed.init)(jax.random.PRNGKey(1), x))

    def cut(src, like):
        if isinstance(like, dict):
            return {k: cut(src[k], v) for k, v in like.items()}
        return src[tuple(slice(0, n) for n in like.shape)]

    plain = {col: {k: cut(variables[col][k][ops[k]] if k in ops else variables[col][k], v) for k, v in tree.items()}
             for col, tree in like.items()}
    for train in (True, False):
        want = jax.jit(lambda v: fixed.apply(v, x, train=train, mutable=["batch_stats"])[0])(plain)
        got = jax.jit(lambda v: sup.apply(v, x, gates, train=train, mutable=["batch_stats"])[0])(variables)
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
