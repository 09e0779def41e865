"""Gradient co-design on the relaxed model: surrogate agrees with the exact evaluator at integer designs,
the search is deterministic, feasible and improves on its starting points (tiny network, short runs)."""

import math

import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.layers import LayerSpec
from diffhw.numerics import MIN_TEMPERATURE
from diffhw.optimize import gradient
from diffhw.optimize.problem import Problem, evaluate_designs, to_designs

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
    a = gradient.search(problem, seed=1, **FAST)
    b = gradient.search(problem, seed=1, **FAST)
    assert a.method == "gradient" and a.feasible
    assert a.best == b.best and a.metrics["objective"] == b.metrics["objective"]
    assert a.metrics["area"] <= problem.area_budget
    assert a.evaluations == 4 * 4  # 4 starts scored at the start and after steps 8, 16, 24
    assert a.metrics["objective"] <= a.first_objective
    assert all(x[2] >= y[2] for x, y in zip(a.history, a.history[1:]))
