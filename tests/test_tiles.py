"""Tile-size search: knob encoding, exact evaluation of tiled designs against the plain evaluator on the
written-out dataflows, every method with tiles, files that parse back, and the relaxed surrogate's tiles
(exact at integer tiles, gradients equal to finite differences)."""

import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.cli import main
from diffhw.dataflow import TEMPLATES, resolve_numbers
from diffhw.evaluate import evaluate
from diffhw.frontends.maestro import parse_hw, parse_model, write_model
from diffhw.hardware import HardwareSpec
from diffhw.layers import Network
from diffhw.numerics import MIN_TEMPERATURE
from diffhw.optimize import gradient
from diffhw.optimize.baselines import genetic, grid, random_search
from diffhw.optimize.search import SearchError
from diffhw.optimize.evaluator import Evaluator, evaluate_designs
from diffhw.optimize.problem import Design, Problem, tiles_u_of, to_designs
from diffhw.optimize.report import read_design
from diffhw.optimize.tiles import (KNOBS, TEMPLATE_KNOBS, apply_tiles, knob_slots, tile_values, tiled_dataflow,
                                   unit_of_tiles)

from tests.test_codesign import BOUNDS, CONVS, FC
from tests.test_codesign import problem as template_problem


def problem(**kw):
    return template_problem(**{"per_layer": True, "tiles": True, **kw})


@pytest.mark.parametrize("template", sorted(TEMPLATE_KNOBS))
def test_knobs_bounds_inverse_and_written_dataflow(template):
    dims = {"K": 24, "C": 40, "M": 7, "N": 5, "R": 3, "S": 3, "Y": 9, "X": 9}
    u = np.random.default_rng(0).random((200, KNOBS))
    pes = np.full(200, 20)
    t = tile_values(template, dims, u, pes)
    df = TEMPLATES[template]
    for k, kn in enumerate(TEMPLATE_KNOBS[template]):
        top = min(dims[kn.dim], 20) if kn.tied_to_cluster(df) else dims[kn.dim]
        assert t[:, k].min() >= 1 and t[:, k].max() <= top
        every = np.arange(1, top + 1)  # every valid tile is reachable and its coordinate maps back to it
        back = [tile_values(template, dims, unit_of_tiles(template, dims, [v] * KNOBS, 20)[None], [20])[0, k]
                for v in every]
        assert list(back) == list(every)
    nums = resolve_numbers(df, [dims])[0]
    tiles = t[0]
    assert (resolve_numbers(tiled_dataflow(template, tiles), [dims])[0] == apply_tiles(template, nums, tiles)).all()
    changed = {s for sl in knob_slots(template) for s in sl}
    assert all(apply_tiles(template, nums, tiles)[s] == nums[s] for s in range(len(nums)) if s not in changed)


def _reference(design: Design, specs):
    """Latency and energy of a design from `diffhw.evaluate.evaluate` on the written-out tiled dataflows."""
    lat, en = 0, 0.0
    for s, t, tl in zip(specs, design.dataflows[0], design.tiles[0]):
        r = evaluate([s], [design.hw], tiled_dataflow(t, tl)).rows[0]
        lat, en = lat + r["runtime_cycles"], en + r["energy_total"]
    return lat, en


def test_evaluator_with_tiles_is_exact():
    p = problem()
    rng = np.random.default_rng(1)
    n = 6
    hw = np.array([[q, 4096, 1 << 20, bw, 32] for q, bw in zip((16, 48, 64, 100, 200, 256), (4, 8, 16, 32, 3, 64))])
    genes = rng.integers(0, 2, (n, p.num_genes))
    tu = rng.random((n, p.num_tile_layers, KNOBS))
    met = Evaluator(p).evaluate(hw, genes, tu)
    designs = to_designs(p, hw, genes, tu)
    for i, d in enumerate(designs):
        assert d.dataflows[0][-1] == "gemm" and len(d.tiles[0][-1]) == 1
        lat, en = _reference(d, CONVS + [FC])
        assert met["latency_cycles"][i] == lat and met["energy"][i] == pytest.approx(en, rel=1e-12)
        assert np.allclose(tiles_u_of(p, d), tiles_u_of(p, to_designs(p, hw[i:i + 1], genes[i:i + 1],
                                                                       tiles_u_of(p, d)[None])[0]))
    again = evaluate_designs(p, designs)
    assert (again["latency_cycles"] == met["latency_cycles"]).all()
    # tiles equal to the templates' own numbers give the untiled problem's results
    plain = problem(tiles=False)
    own = [Design(d.hw, d.dataflows, d.genes, tuple(tuple(
        tuple(int(resolve_numbers(TEMPLATES[t], [s.input_dims()])[0][sl[0]]) for sl in knob_slots(t))
        for s, t in zip(CONVS + [FC], row)) for row in d.dataflows)) for d in designs]
    own = [d for d in own if all(v <= s.input_dims()[kn.dim] and v <= d.hw.num_pes for s, t, tl in
                                 zip(CONVS + [FC], d.dataflows[0], d.tiles[0])
                                 for kn, v in zip(TEMPLATE_KNOBS[t], tl))]
    assert own
    a, b = evaluate_designs(p, own), evaluate_designs(plain, own)
    assert (a["latency_cycles"] == b["latency_cycles"]).all() and (a["energy"] == b["energy"]).all()


def test_baselines_search_tiles_and_grid_refuses():
    p = problem()
    r = random_search(p, budget_evals=24, seed=2)
    assert r.feasible and r.best.tiles and r.best == random_search(p, budget_evals=24, seed=2).best
    assert r.metrics["latency_cycles"] == _reference(r.best, CONVS + [FC])[0]
    g = genetic(p, budget_evals=48, seed=2)
    assert g.feasible and g.metrics["objective"] <= g.first_objective
    assert g.metrics["latency_cycles"] == _reference(g.best, CONVS + [FC])[0]
    with pytest.raises(SearchError, match="tile"):
        grid(p)


def test_cli_tiles_files_parse_back(tmp_path, capsys):
    model = tmp_path / "tiny.m"
    model.write_text(write_model(Network("tiny", tuple(CONVS + [FC])), with_dataflow=False))
    out = tmp_path / "run"
    assert main(["codesign", "--model", str(model), "--area-budget", "2e7", "--dataflows", "os,ws", "--per-layer",
                 "--tiles", "--method", "random", "--budget-evals", "16", "--bound", "num_pes=16:256",
                 "--out", str(out), "--quiet"]) == 0
    assert "tile sizes" in capsys.readouterr().out
    doc = json.loads((out / "design.json").read_text())
    assert doc["problem"]["tiles"] and all("tiles" in x for x in doc["layers"][0]["layers"])
    design, _ = read_design(out / "design.json")
    hw = parse_hw(out / "hw.m")
    net, errors = parse_model(out / "mapping.m")
    assert not errors
    for layer, t, tl in zip(net.layers, design.dataflows[0], design.tiles[0]):
        assert layer.dataflow.directives == tiled_dataflow(t, tl).directives
    assert sum(evaluate([s], [hw]).rows[0]["runtime_cycles"] for s in net.layers) == doc["metrics"]["latency_cycles"]
    p = problem()
    assert evaluate_designs(p, [design])["objective"][0] == pytest.approx(doc["metrics"]["objective"], rel=1e-12)


# ------------------------------------------------------------------------------------------ relaxed


@pytest.fixture(scope="module")
def small():
    return Problem.make([("tiny", CONVS)], dataflows=("ws",), area_budget=2e7, bounds=BOUNDS, tiles=True)


def _logit(x):
    x = min(max(x, 1e-12), 1 - 1e-12)
    return math.log(x / (1 - x))


def test_surrogate_tiles_exact_at_integer_tiles(small):
    sur = gradient.Surrogate(small)
    pes, tiles = 64, [(4, 3), (16, 8)]  # (K, C) tiles of c1 and c2 under ws
    values = {"num_pes": pes, "noc_bw": 16, "offchip_bw": 8}
    u = jnp.asarray([_logit((math.log(values.get(q.name, q.lo)) - math.log(q.lo)) / (math.log(q.hi) - math.log(q.lo)))
                     for q in sur.free])
    tu = np.stack([unit_of_tiles("ws", s.input_dims(), t, pes) for s, t in zip(CONVS, tiles)])
    v = np.vectorize(_logit)(tu)[:, None, :]
    costs = sur.item_costs(sur.hw_points(u), MIN_TEMPERATURE, jax.nn.sigmoid(jnp.asarray(v)))
    lat = float(costs["runtime"][sur.choice[0][:, 0]].sum())
    hw = HardwareSpec(num_pes=pes, noc_bw=16, offchip_bw=8)
    ref = sum(evaluate([s], [hw], tiled_dataflow("ws", t)).rows[0]["runtime_cycles"] for s, t in zip(CONVS, tiles))
    assert lat == pytest.approx(ref, rel=1e-9)


@pytest.mark.slow
def test_tile_gradients_equal_finite_differences(small):
    sur = gradient.Surrogate(small)
    rng = np.random.default_rng(0)
    u = jnp.asarray(rng.normal(0, 1, len(sur.free)))
    logits = jnp.zeros((1, 1))
    v = jnp.asarray(rng.normal(0, 1, (small.num_tile_layers, 1, KNOBS)))
    f = jax.jit(lambda vv: sur.loss(u, logits, vv, 0.1, 50.0))
    g = np.asarray(jax.grad(f)(v))
    assert np.isfinite(g).all() and np.abs(g).max() > 0
    h = 1e-5
    for idx in np.ndindex(*v.shape):
        e = np.zeros(v.shape)
        e[idx] = h
        fd = (float(f(v + e)) - float(f(v - e))) / (2 * h)
        assert g[idx] == pytest.approx(fd, rel=1e-3, abs=1e-9)


@pytest.mark.slow
def test_gradient_search_with_tiles(small):
    a = gradient.search(small, seed=1, starts=4, steps=16, eval_every=8)
    assert a.feasible and a.best.tiles and a.metrics["objective"] <= a.first_objective
    # the Adam steps score 4 starts 3 times; the exact refinement then only improves
    assert a.evaluations > 12 and "exact refinement" in a.note
    adam = [h[2] for h in a.history if h[0] <= 12][-1]
    assert a.metrics["objective"] <= adam
    lat = sum(evaluate([s], [a.best.hw], tiled_dataflow("ws", t)).rows[0]["runtime_cycles"]
              for s, t in zip(CONVS, a.best.tiles[0]))
    assert a.metrics["latency_cycles"] == lat


def test_gradient_refines_its_best_distinct_designs(small):
    opts = dict(seed=1, starts=4, steps=16, eval_every=8)
    one = gradient.search(small, refine_designs=1, **opts)
    three = gradient.search(small, refine_designs=3, **opts)
    # the first refinement is the same climb from the same best design; the other two only add
    assert three.metrics["objective"] <= one.metrics["objective"]
    assert three.evaluations > one.evaluations and "3 best designs" in three.note
