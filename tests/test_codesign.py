"""Co-design problems, baselines and `diffhw codesign` on a tiny network (fast: few compiles, small budgets)."""

import json
import math

import numpy as np
import pytest

from diffhw.cli import main
from diffhw.dataflow import TEMPLATES
from diffhw.evaluate import evaluate
from diffhw.frontends.maestro import parse_hw, parse_model, write_model
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec, Network
from diffhw.optimize.baselines import genetic, grid, grid_points, random_search
from diffhw.optimize.search import SearchError
from diffhw.optimize.defaults import HW_PARAMS
from diffhw.optimize.discretization import discretize, repair
from diffhw.optimize.evaluator import Evaluator, evaluate_designs
from diffhw.optimize.problem import Problem, to_designs
from diffhw.optimize.report import have_matplotlib, read_design

CONVS = [LayerSpec("c1", "CONV", {"K": 16, "C": 8, "R": 3, "S": 3, "Y": 18, "X": 18}),
         LayerSpec("c2", "CONV", {"K": 32, "C": 16, "R": 3, "S": 3, "Y": 10, "X": 10}, {"Y": 2, "X": 2})]
FC = LayerSpec("fc", "GEMM", {"M": 1, "N": 10, "K": 512})
BOUNDS = {"num_pes": (16, 256), "noc_bw": (1, 64), "offchip_bw": (1, 64)}


def problem(**kw):
    args = dict(dataflows=("os", "ws"), area_budget=2e7, bounds=BOUNDS)
    args.update(kw)
    return Problem.make([("tiny", CONVS + [FC])], **args)


def reference_metrics(specs, hw: HardwareSpec, templates):
    """Network latency / energy / max buffer requirements from `diffhw.evaluate.evaluate` layer by layer."""
    lat, en, l1, l2 = 0, 0.0, 0, 0
    for s, t in zip(specs, templates):
        r = evaluate([s], [hw], TEMPLATES[t]).rows[0]
        lat += r["runtime_cycles"]
        en += r["energy_total"]
        l1, l2 = max(l1, r["total_l1_size_req"]), max(l2, r["total_l2_size_req"])
    return lat, en, l1, l2


def test_random_search_feasible_exact_and_deterministic():
    p = problem()
    a = random_search(p, budget_evals=40, seed=3)
    b = random_search(p, budget_evals=40, seed=3)
    assert a.best == b.best and a.metrics == b.metrics and a.evaluations == 40
    assert a.feasible and a.metrics["area"] <= p.area_budget
    hw = a.best.hw
    lat, en, l1, l2 = reference_metrics(CONVS + [FC], hw, a.best.dataflows[0])
    assert a.metrics["latency_cycles"] == lat and a.metrics["energy"] == pytest.approx(en, rel=1e-12)
    assert l1 <= hw.l1_size and l2 <= hw.l2_size and a.metrics["edp"] == pytest.approx(lat * en, rel=1e-12)
    assert a.best.dataflows[0][-1] == "gemm"  # MAESTRO's rule for GEMM layers
    again = evaluate_designs(p, [a.best])
    assert again["objective"][0] == pytest.approx(a.metrics["objective"], rel=1e-12)
    assert [h[0] for h in a.history] == sorted(h[0] for h in a.history)
    assert all(x[2] >= y[2] for x, y in zip(a.history, a.history[1:]))


def test_search_methods_improve_over_first_sample():
    p = problem(objective="latency")
    for method in (random_search, genetic):
        r = method(p, budget_evals=96, seed=0)
        assert r.feasible
        assert r.metrics["objective"] < r.first_objective, method.__name__


def test_genetic_deterministic_per_seed():
    p = problem(per_layer=True)
    a, b = genetic(p, budget_evals=48, seed=7), genetic(p, budget_evals=48, seed=7)
    assert a.best == b.best and a.metrics == b.metrics
    assert len(a.best.genes) == 2  # one gene per CONV layer


def test_grid_finds_the_brute_force_optimum():
    p = Problem.make([("convs", CONVS)], objective="edp", area_budget=1e7, dataflows=("os", "ws"),
                     bounds={"num_pes": (16, 128), "noc_bw": (2, 32)}, fixed={"offchip_bw": 16})
    values = grid_points(p, 3)
    assert set(values) == {"num_pes", "noc_bw"}
    r = grid(p, points=3)
    assert r.evaluations == len(values["num_pes"]) * len(values["noc_bw"]) * 2 and not r.note
    best = math.inf
    from diffhw.feasibility import area_power

    for pes in values["num_pes"]:
        for bw in values["noc_bw"]:
            for t in ("os", "ws"):
                hw = HardwareSpec(num_pes=pes, noc_bw=bw, offchip_bw=16)
                try:
                    lat, en, l1, l2 = reference_metrics(CONVS, hw, [t, t])
                except TypeError:  # a row is None: invalid (clusters need more PEs)
                    continue
                area, _ = area_power(np.array([pes]), np.array([bw]), np.array([max(l1, 16)]),
                                      np.array([max(l2, 1024)]))
                if area[0] <= p.area_budget:
                    best = min(best, lat * en)
    assert math.isfinite(best)
    assert r.metrics["objective"] == pytest.approx(best, rel=1e-12)


def test_grid_refuses_large_spaces():
    with pytest.raises(SearchError, match="fix parameters"):
        grid(problem(per_layer=True, dataflows=("os", "ws", "rs", "dla")), points=20, max_size=1000)


def test_discretize_and_repair():
    p = problem(area_budget=5e6)
    hw, genes = discretize(p, {"num_pes": np.array([100.0, 250.0]), "noc_bw": np.array([64.0, 64.0]),
                               "l1_size": np.array([1.0, 1e9])}, np.array([[0], [1]]))
    assert hw[0, 0] % 32 == 0 and hw[1, 0] % 32 == 0  # os (16) and gemm (32) clusters
    assert hw[1, 1] == p.param("l1_size").hi
    ev = Evaluator(p)
    hw2, genes2, met = repair(p, hw, genes, ev)
    assert met["feasible"].all() and (met["area"] <= 5e6).all()
    assert (hw2[:, 1] == np.maximum(met["max_l1_req"], 16)).all()
    # infeasible budgets stay infeasible, objective +inf
    tight = problem(area_budget=1e5)
    _, _, met = repair(tight, hw, genes, Evaluator(tight))
    assert not met["feasible"].any() and np.isinf(met["objective"]).all()
    assert "area" in met["error"][0]


def test_evaluator_batched_equals_one_by_one():
    p = problem(per_layer=True)
    rng = np.random.default_rng(0)
    hw, genes = discretize(p, {k: rng.uniform(16, 64, 5) for k in HW_PARAMS}, rng.integers(0, 2, (5, 2)))
    batch = Evaluator(p).evaluate(hw, genes)
    for i in range(5):
        one = Evaluator(p).evaluate(hw[i:i + 1], genes[i:i + 1])
        assert one["latency_cycles"][0] == batch["latency_cycles"][i]
        assert one["energy"][0] == batch["energy"][i]
    d = to_designs(p, hw, genes)[0]
    assert evaluate_designs(p, [d])["latency_cycles"][0] == batch["latency_cycles"][0]


def test_cli_codesign_end_to_end(tmp_path, capsys):
    model = tmp_path / "tiny.m"
    model.write_text(write_model(Network("tiny", tuple(CONVS + [FC])), with_dataflow=False))
    out = tmp_path / "run"
    args = ["codesign", "--model", str(model), "--objective", "edp", "--area-budget", "2e7", "--dataflows",
            "os,ws", "--method", "random", "--budget-evals", "24", "--seed", "1", "--fix", "offchip_bw=32",
            "--bound", "num_pes=16:256", "--out", str(out), "--quiet"]
    assert main(args) == 0
    doc = json.loads((out / "design.json").read_text())
    assert doc["metrics"]["feasible"] and doc["search"]["method"] == "random"
    assert doc["search"]["evaluations"] == 24 and doc["search"]["seed"] == 1
    assert doc["hardware"]["offchip_bw"] == 32
    for k in ("latency_cycles", "energy", "edp", "area", "power"):
        assert doc["metrics"][k] > 0
    design, _ = read_design(out / "design.json")
    hw = parse_hw(out / "hw.m")
    assert all(getattr(hw, k) == getattr(design.hw, k) for k in HW_PARAMS)
    net, errors = parse_model(out / "mapping.m")
    assert not errors and len(net.layers) == 3
    for layer, orig, t in zip(net.layers, CONVS + [FC], design.dataflows[0]):
        assert dict(layer.dims) == dict(orig.dims)
        assert layer.dataflow.resolve(layer.input_dims()).directives == TEMPLATES[t].resolve(orig.input_dims()).directives
    if have_matplotlib():  # the plot's title names the network (PNG Title text chunk)
        from PIL import Image

        assert Image.open(out / "convergence.png").info["Title"].startswith("diffhw codesign tiny: random")
    else:
        assert (out / "convergence.csv").exists()
    # the files re-evaluate to the recorded metrics
    lat = sum(evaluate([s], [hw]).rows[0]["runtime_cycles"] for s in net.layers)
    assert lat == doc["metrics"]["latency_cycles"]
    capsys.readouterr()
    assert main(args) == 2  # refuses a directory holding a result
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("extra, message", [
    (["--fix", "num_pes=abc"], "not a positive integer"),
    (["--fix", "pes=4"], "unknown parameter"),
    (["--area-budget", "100"], "budgets infeasible"),
    (["--dataflows", "xyz"], "unknown dataflow"),
])
def test_cli_codesign_errors(tmp_path, capsys, extra, message):
    rc = main(["codesign", "--network", "vgg16", "--method", "random", "--out", str(tmp_path / "r"), *extra])
    assert rc == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "r" / "design.json").exists()


def test_cli_codesign_unknown_network(tmp_path, capsys):
    assert main(["codesign", "--network", "nonet", "--out", str(tmp_path / "r")]) == 2
    assert "nonet" in capsys.readouterr().err


def test_cli_codesign_defaults_to_a_new_run_dir(tmp_path, capsys, monkeypatch):
    """Without --network / --model / --out (the Quickstart's command): the default zoo network, a new
    codesign-runs/NAME-N directory per run, and the design and its files printed."""
    monkeypatch.chdir(tmp_path)
    args = ["codesign", "--dataflows", "ws", "--method", "random", "--budget-evals", "4", "--quiet"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "design: num_pes=" in out and "files in codesign-runs/vgg16-1/: design.json, hw.m, mapping.m" in out
    assert main(args) == 0
    assert "codesign-runs/vgg16-2/" in capsys.readouterr().out
    assert (tmp_path / "codesign-runs" / "vgg16-2" / "design.json").exists()
