"""Exact local refinement (`diffhw.optimize.refine`): it only ever improves, ends feasible and exact, stops
at a local optimum of its single moves (the gradient method runs it last: tests/test_tiles.py)."""

import numpy as np
import pytest

from diffhw.optimize.baselines import random_search
from diffhw.optimize.search import Budget
from diffhw.optimize.discretization import repair
from diffhw.optimize.evaluator import Evaluator
from diffhw.optimize.problem import genes_of, hw_array, pe_multiple_of, tiles_u_of
from diffhw.optimize.refine import hw_moves, layer_moves, TileLayers, refine

from tests.test_codesign import CONVS, FC
from tests.test_tiles import _reference
from tests.test_tiles import problem as tiles_problem


@pytest.fixture(scope="module")
def start():
    """A per-layer + tiles problem and a poor random design of it (4 random samples)."""
    p = tiles_problem()
    r = random_search(p, budget_evals=4, seed=5)
    assert r.feasible
    return p, r


def test_refine_improves_to_an_exact_feasible_local_optimum(start):
    p, r = start
    d = r.best
    b = Budget(p, "refine", 0, 5000, None, None)
    hw, genes, tu, obj = refine(p, b, hw_array([d])[0], np.array(genes_of(p, d)), tiles_u_of(p, d), min_gain=0.0)
    assert obj < r.metrics["objective"]
    assert b.best_obj == obj and b.evals > 0 and b.evals < 5000  # stopped at a local optimum, not the budget
    res = b.result()
    assert res.feasible and res.metrics["area"] <= p.area_budget
    assert res.metrics["latency_cycles"] == _reference(res.best, CONVS + [FC])[0]  # exact, layer by layer
    # no single move of the final design improves it
    ev = Evaluator(p)
    cands, _ = layer_moves(p, TileLayers(p), hw, genes, tu)
    moves = hw_moves(p, hw, pe_multiple_of(p, genes))
    cands += [(h, genes, tu) for h in moves]
    h, g, met = repair(p, np.stack([c[0] for c in cands]), np.stack([c[1] for c in cands]), ev,
                       tiles_u=np.stack([c[2] for c in cands]))
    assert len(cands) > 10 and met["objective"].min() >= obj
    # deterministic
    b2 = Budget(p, "refine", 0, 5000, None, None)
    again = refine(p, b2, hw_array([d])[0], np.array(genes_of(p, d)), tiles_u_of(p, d), min_gain=0.0)
    assert again[3] == obj and (again[0] == hw).all() and (again[1] == genes).all()


def test_refine_stops_when_a_round_gains_little(start):
    p, r = start
    d = r.best
    args = hw_array([d])[0], np.array(genes_of(p, d)), tiles_u_of(p, d)
    full, short = Budget(p, "refine", 0, 5000, None, None), Budget(p, "refine", 0, 5000, None, None)
    obj = refine(p, full, *args, min_gain=0.0)[3]
    first = refine(p, short, *args, min_gain=0.99)[3]  # no round gains 99 %: one round, then stop
    assert obj <= first < r.metrics["objective"]
    assert short.evals < full.evals and len(short.history) <= 2  # one round: its moves, then the merged ones


def test_refine_respects_the_budget(start):
    p, r = start
    d = r.best
    b = Budget(p, "refine", 0, 30, None, None)
    refine(p, b, hw_array([d])[0], np.array(genes_of(p, d)), tiles_u_of(p, d))
    assert b.done() and b.evals < 30 + 400  # stops after the batch that spent it


def test_layer_outputs_are_the_design_evaluation(start):
    p, r = start
    d = r.best
    ev = Evaluator(p)
    met = ev.evaluate(hw_array([d]), np.array([genes_of(p, d)]), tiles_u_of(p, d)[None])
    entries = [(0, i, t, tuple(tl) + (0,) * (2 - len(tl))) for i, (t, tl) in enumerate(zip(d.dataflows[0], d.tiles[0]))]
    out = ev.layer_outputs(entries, (d.hw.num_pes, d.hw.noc_bw, d.hw.offchip_bw))
    assert out[:, 0].sum() == met["latency_cycles"][0] and out[:, 3].max() == met["max_l2_req"][0]
    bad = ev.layer_outputs([(0, 0, "os", (512, 1))], (16, 1, 1))  # a cluster of 512 PEs on 16
    assert np.isnan(bad).all()
