"""`diffhw codesign` and `diffhw eval` give one answer: the design codesign chooses, evaluated by `eval` from
its exported hw.m and the same model and dataflow, has the same latency, energy, area, power and every
feasibility flag (`diffhw.feasibility` is the one definition both use)."""

import csv
import json
from pathlib import Path

import pytest

from diffhw.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FLAGS = ("fits_l1", "fits_l2", "noc_ok", "offchip_ok", "area_ok", "power_ok", "feasible")


@pytest.mark.parametrize("model,objective,extra", [
    (str(EXAMPLES / "net__dla.m"), "energy", ["--fix", "noc_bw=1"]),  # bandwidth-starved: slow, not infeasible
    ("resnet18@1,3,32,32", "edp", []),
    (str(EXAMPLES / "nets" / "mobilenet_v2_64.m"), "latency", ["--fix", "l2_size=1048576"]),  # L2 beyond need
])
def test_codesign_and_eval_agree(tmp_path, capsys, model, objective, extra):
    budget = "5e7"
    run = tmp_path / "run"
    assert main(["codesign", "--model", model, "--objective", objective, "--method", "random", "--budget-evals",
                 "12", "--area-budget", budget, "--dataflows", "os,ws", "--out", str(run), "--quiet", *extra]) == 0
    doc = json.loads((run / "design.json").read_text())
    conv = [x["dataflow"] for net in doc["layers"] for x in net["layers"] if x["dataflow"] not in ("dpt", "gemm")]
    assert len(set(conv)) == 1  # one template for the CONV layers (not --per-layer)
    out = tmp_path / "eval.csv"
    assert main(["eval", "--models", model, "--hw", str(run / "hw.m"), "--dataflows", conv[0], "--area-budget",
                 budget, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    row, = list(csv.DictReader(out.open()))
    m = doc["metrics"]
    assert int(row["latency_cycles"]) == m["latency_cycles"]
    assert float(row["energy"]) == pytest.approx(m["energy"], rel=1e-12)
    for k in ("area", "power", "area_req", "power_req"):
        assert float(row[k]) == pytest.approx(m[k], rel=1e-12), k
    for k in FLAGS:
        assert (row[k] == "True") == m[k], k
    if extra[:2] == ["--fix", "noc_bw=1"]:
        assert m["feasible"] and not m["noc_ok"]  # below the NoC requirement: feasible, bandwidth-bound
    if "l2_size=1048576" in extra:
        assert m["area"] > m["area_req"]  # the provisioned L2 is priced, the requirement reported beside it
