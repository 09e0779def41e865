"""Gradient co-design on the relaxed model: surrogate agrees with the exact evaluator at integer designs,
the search is deterministic, feasible and improves on its starting points (tiny network, short runs)."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from diffhw.compile_options import QUICK_OPTIONS
from diffhw.layers import LayerSpec
from diffhw.numerics import MIN_TEMPERATURE
from diffhw.optimize import gradient
from diffhw.optimize.evaluator import evaluate_designs
from diffhw.optimize.problem import Problem, to_designs
from diffhw.optimize.tiles import KNOBS

CONVS = [LayerSpec("c1", "CONV", {"K": 16, "C": 8, "R": 3, "S": 3, "Y": 18, "X": 18}),
         LayerSpec("c2", "CONV", {"K": 32, "C": 16, "R": 3, "S": 3, "Y": 10, "X": 10}, {"Y": 2, "X": 2})]
BOUNDS = {"num_pes": (16, 256), "noc_bw": (1, 64), "offchip_bw": (1, 64)}
FAST = dict(starts=4, steps=24, eval_every=8)


@pytest.fixture(scope="module")
def problem():
    return Problem.make([("tiny", CONVS)], dataflows=("ws",), area_budget=2e7, bounds=BOUNDS)


def test_surrogate_matches_exact_at_integer_designs(problem):
    """At the smallest temperature the relaxed network objective equals the exact one of the same design
    (buffers at the requirement, as repair sets them)."""
    sur = gradient.Surrogate(problem)
    for pes, bw, off in ((64, 16, 8), (128, 4, 32)):
        values = {"num_pes": pes, "noc_bw": bw, "offchip_bw": off}
        u = jnp.asarray([_unit(q, values.get(q.name, q.lo)) for q in sur.free])
        hw = sur.hw_points(u)
        assert float(hw["num_pes"]) == pytest.approx(pes, rel=1e-9)
        costs = sur.item_costs(hw, MIN_TEMPERATURE)
        lat = float(costs["runtime"][sur.choice[0][:, 0]].sum())
        l1 = int(np.rint(np.asarray(costs["l1"]).max()))
        l2 = int(np.rint(np.asarray(costs["l2"]).max()))
        design = to_designs(problem, np.array([[pes, l1, l2, bw, off]]), np.array([[0]]))[0]
        met = evaluate_designs(problem, [design])
        assert met["latency_cycles"][0] == pytest.approx(lat, rel=1e-9)
        assert bool(met["fits_l1"][0]) and bool(met["fits_l2"][0])


def _unit(q, value):
    """Inverse of Surrogate.hw_points for one free parameter."""
    s = (math.log(value) - math.log(q.lo)) / (math.log(q.hi) - math.log(q.lo))
    s = min(max(s, 1e-12), 1 - 1e-12)
    return math.log(s / (1 - s))


def test_gradient_search_feasible_deterministic_and_improving(problem):
    a = gradient.search(problem, seed=1, refine_evals=0, **FAST)
    b = gradient.search(problem, seed=1, refine_evals=0, **FAST)
    assert a.method == "gradient" and a.feasible
    assert a.best == b.best and a.metrics["objective"] == b.metrics["objective"]
    assert a.metrics["area"] <= problem.area_budget
    assert a.evaluations == 4 * 4  # 4 starts scored at the start and after steps 8, 16, 24
    assert a.metrics["objective"] <= a.first_objective
    assert all(x[2] >= y[2] for x, y in zip(a.history, a.history[1:]))



@pytest.mark.slow
@pytest.mark.parametrize("kind", ["template", "tiles"])
def test_split_step_gradient_equals_autodiff_of_the_loss(problem, kind):
    """The search's step (per-group programs, costs linearized at their inputs) gives the loss and the
    gradient of differentiating `Surrogate.loss` directly, tile coordinates and template logits included."""
    if kind == "tiles":
        problem = Problem.make([("tiny", CONVS)], dataflows=("ws",), area_budget=2e7, bounds=BOUNDS, tiles=True)
    sur = gradient.Surrogate(problem)
    rng = np.random.default_rng(3)
    starts, nd = 3, len(problem.dataflows)
    params = (jnp.asarray(rng.normal(0, 1, (starts, len(sur.free)))),
              jnp.asarray(rng.normal(0, 0.5, (starts, problem.num_genes, nd))),
              jnp.asarray(rng.normal(0, 1, (starts, problem.num_tile_layers, nd, KNOBS))))
    opt = optax.adam(0.1)
    state = opt.init(params)
    _, _, loss, grads = gradient.Step(sur, opt, 50.0, params, state, 0.1)(params, state, 0.1)

    def total(ps):
        return jax.vmap(lambda u, lg, v: sur.loss(u, lg, v, 0.1, 50.0))(*ps).sum()

    # the reference is the monolithic program the split step avoids: compiled at LLVM level 0 (a third of
    # the compile time; the same values to far below the tolerances)
    ref_loss, ref = jax.jit(jax.value_and_grad(total)).lower(params).compile(
        {**QUICK_OPTIONS, "xla_backend_optimization_level": 0})(params)
    assert float(loss) == pytest.approx(float(ref_loss), rel=1e-12)
    assert any(np.abs(np.asarray(r)).max() > 0 for r in ref if r.size)
    for g, r in zip(grads, ref):
        np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=1e-8, atol=1e-12)
