"""The joint search's relaxed hardware cost: exact at one-hot architectures and a vanishing temperature,
finite gradients through the architecture logits and the accelerator."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.frontends.nas.digits import DIGITS
from diffhw.joint.hardware import ExpectedCost
from diffhw.joint.supernet import choice_mask, masked_softmax
from diffhw.optimize.gradient import STEP_COMPILER_OPTIONS, group_linearization, linearized_costs
from diffhw.optimize.evaluator import Evaluator


@pytest.fixture(scope="module")
def cost():
    return ExpectedCost(DIGITS, area_budget=1e7)


@pytest.fixture(scope="module")
def programs(cost):
    """The per-group cost + Jacobian programs (as the joint search compiles them) and an evaluator of all
    items' costs at item inputs."""
    sur = cost.sur
    groups = [jax.jit(group_linearization(sur, gi), compiler_options=STEP_COMPILER_OPTIONS)
              for gi in range(len(sur.groups))]

    def costs(hw, temperature):
        xs = sur._inputs(hw, temperature)
        out = [g(x[None], temperature) for g, x in zip(groups, xs)]
        return xs, [o[0] for o in out], [o[1] for o in out]
    return costs


def test_one_hot_architecture_at_min_temperature_is_the_exact_cost(cost, programs):
    rng = np.random.default_rng(0)
    encodings = np.concatenate([DIGITS.random_encodings(3, seed=1), [[0, 0, 0, 0, 0, 0, 0]]])
    hw = {"num_pes": 64, "l1_size": 4096, "l2_size": 1 << 20, "noc_bw": 16, "offchip_bw": 32}
    t = jnp.asarray(1e-6)
    _, ys, _ = programs({k: jnp.asarray(float(v)) for k, v in hw.items()}, t)
    item_costs = cost.sur.scatter([y[0] for y in ys])
    for enc in encodings:
        d = int(rng.integers(0, len(cost.problem.dataflows)))
        probs = np.eye(choice_mask(DIGITS).shape[1])[enc]
        got = cost.expected({k: float(v) for k, v in hw.items()}, jnp.eye(len(cost.problem.dataflows))[d], probs, t,
                            item_costs)
        problem = cost.problem_for(enc)
        met = Evaluator(problem).evaluate(np.array([[hw[k] for k in ("num_pes", "l1_size", "l2_size", "noc_bw",
                                                                      "offchip_bw")]]), np.array([[d]]))
        assert met["valid"][0], met["error"][0]
        np.testing.assert_allclose(float(got["latency"]), met["latency_cycles"][0], rtol=1e-9)
        np.testing.assert_allclose(float(got["energy"]), met["energy"][0], rtol=1e-9)
        np.testing.assert_allclose(float(got["l1"].max()), met["max_l1_req"][0], rtol=1e-9)
        np.testing.assert_allclose(float(got["l2"].max()), met["max_l2_req"][0], rtol=1e-9)
        # E-EDP at one-hot choices is the network's EDP
        np.testing.assert_allclose(float(got["latency"] * got["energy"]), met["edp"][0], rtol=1e-9)


def test_gradients_through_architecture_and_hardware_are_finite(cost, programs):
    sur = cost.sur
    rng = np.random.default_rng(1)
    u = jnp.asarray(rng.normal(0, 1, cost.num_free))
    df = jnp.asarray(rng.normal(0, 1, len(cost.problem.dataflows)))
    arch = jnp.asarray(rng.normal(0, 1, choice_mask(DIGITS).shape))
    t = jnp.asarray(0.1)
    _, ys, jacs = programs(sur.hw_points(u), t)

    def loss(arch, u, df):
        xs = [x[None] for x in sur._inputs(sur.hw_points(u), t)]
        costs = sur.scatter([y[0] for y in linearized_costs(xs, ys, jacs)])
        log_edp, pen = cost.objective(u, df, masked_softmax(arch, choice_mask(DIGITS)), t, costs=costs)
        return log_edp + pen

    grads = jax.grad(loss, argnums=(0, 1, 2))(arch, u, df)
    for g in grads:
        assert np.isfinite(np.asarray(g)).all()
    # every decision with more than one option moves the cost; every free hardware parameter too
    g_arch = np.asarray(grads[0])
    assert all(np.abs(g_arch[i, :len(d.values)]).max() > 0 for i, d in enumerate(DIGITS.decisions()))
    assert (np.abs(np.asarray(grads[1])) > 0).sum() >= 3
