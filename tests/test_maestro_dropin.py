"""diffhw as a drop-in for MAESTRO on files of MAESTRO's own repository: layer names with '-', NGCONV,
TRCONV, a dimension mapped or given twice, a filter larger than its input, a 0-MAC layer (MAESTRO's numbers,
with warnings), and the layers MAESTRO crashes or stops on (an error, never numbers).

tests/data/maestro_repo/ holds the cases and MAESTRO's output on them (experiments/reference/
make_maestro_repo_tests.py, maestro-project/maestro commit 4eb08d1)."""

import csv
import math
from pathlib import Path

import pytest

from diffhw.cli import main
from diffhw.cli.maestro import run_maestro
from diffhw.results import INT_OUTPUTS

DATA = Path(__file__).parent / "data" / "maestro_repo"
HW = [str(DATA / "accelerator_1.m"), str(DATA / "pe64.m")]


def expected() -> dict:
    out: dict = {}
    with open(DATA / "expected.csv", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["case"], []).append(r)
    return out


EXPECTED = expected()


def same(theirs: str, ours, integer: bool) -> bool:
    """MAESTRO's printed value against ours: integers exactly, floats to its 6 printed digits."""
    if integer:
        return int(theirs) == int(ours)
    t, o = float(theirs), float(ours)
    if math.isnan(t) or math.isnan(o):
        return math.isnan(t) and math.isnan(o)
    return math.isclose(t, o, rel_tol=6e-6, abs_tol=1e-12)


@pytest.fixture(scope="module")
def results():
    """Every case on both hardware files: case -> (rows by (hw, layer), errors, warnings)."""
    out = {}
    for case in EXPECTED:
        warnings: list = []
        rows, errors = run_maestro([str(DATA / f"{case}.m")], HW, csv_energy=True, warnings=warnings)
        out[case] = ({(r["hw"], r["layer"]): r for r in rows}, errors, warnings)
    return out


def layer_names(case: str) -> list[str]:
    from diffhw.frontends.maestro import parse_model

    net, _ = parse_model(DATA / f"{case}.m")
    return [l.name for l in net.layers]


@pytest.mark.parametrize("case", sorted(c for c, rs in EXPECTED.items() if rs[0]["rc"] == "0"))
def test_rows_equal_maestro(case, results):
    rows, errors, _ = results[case]
    names = layer_names(case)
    assert errors == []
    checked = 0
    for ref in EXPECTED[case]:
        ours = rows[(ref["hw"], names[int(ref["index"])])]
        for k, v in ref.items():
            if k in ("case", "hw", "index", "rc"):
                continue
            assert same(v, ours[k], k in INT_OUTPUTS), (case, ref["hw"], ref["index"], k, v, ours[k])
            checked += 1
    assert checked >= 40 * len(EXPECTED[case])


@pytest.mark.parametrize("case", sorted(c for c, rs in EXPECTED.items() if rs[0]["rc"] != "0"))
def test_maestro_failures_are_errors_never_numbers(case, results):
    rows, errors, _ = results[case]
    assert rows == {}
    assert len(errors) == len(EXPECTED[case])  # one per layer and hardware file
    crash = {"-8": "SIGFPE", "255": "exit 255", "-6": "aborts"}[EXPECTED[case][0]["rc"]]
    for e in errors:
        assert crash in e.message and e.layer and e.line and e.fix


def test_names_as_written(results):
    assert layer_names("googlenet_dash_names") == ["Conv2d-1", "Conv2d-2", "Linear-64"]


def test_warnings_name_the_layer_and_what_is_odd(results):
    assert {w.layer for w in results["unet_trconv"][2]} == {"TRCONV1", "TRCONV4"}
    assert all("0 MACs" in w.message for w in results["resnext50_fc_zero_macs"][2])
    odd = results["edge_filter_larger_than_input"][2]
    assert {w.layer for w in odd} == {"y2r3_os", "y4r5s2_os", "y3r7_ws", "y4r5_ws_dw"}
    assert all("smaller than the filter" in w.message for w in odd)
    assert any("wraps" in w.message for w in results["edge_count_wraps"][2])
    for case in ("googlenet_dash_names", "resnext50_ngconv", "resnet50_rs_mapped_twice", "unet_rs_n_twice"):
        assert results[case][2] == [], case


def test_strict_turns_warnings_into_errors(tmp_path, capsys):
    out = tmp_path / "rows.csv"
    assert main(["maestro", "--mapping", str(DATA / "unet_trconv.m"), "--hw", HW[0], "--out", str(out)]) == 0
    assert "warning:" in capsys.readouterr().err
    strict = tmp_path / "strict.csv"
    assert main(["maestro", "--mapping", str(DATA / "unet_trconv.m"), "--hw", HW[0], "--strict",
                 "--out", str(strict)]) == 1
    assert "error:" in capsys.readouterr().err and len(strict.read_text().splitlines()) == 1  # header only


def test_energy_column_is_optional(tmp_path):
    plain, energy = tmp_path / "a.csv", tmp_path / "b.csv"
    case = str(DATA / "googlenet_dash_names.m")
    assert main(["maestro", "--mapping", case, "--hw", HW[0], "--out", str(plain)]) == 0
    assert main(["maestro", "--mapping", case, "--hw", HW[0], "--energy", "--out", str(energy)]) == 0
    assert "csv_energy_nJ" not in plain.read_text().splitlines()[0]
    with open(energy, newline="") as f:
        got = [float(r["csv_energy_nJ"]) for r in csv.DictReader(f)]
    ref = [float(r["csv_energy_nJ"]) for r in EXPECTED["googlenet_dash_names"] if r["hw"] == "accelerator_1"]
    assert got == pytest.approx(ref, rel=6e-6)


def test_eval_energy_column_sums_the_layers_in_order():
    """`diffhw eval --energy`: a network's csv_energy_nJ is the sum of its layers' MAESTRO CSV energies, each
    (under a dataflow with a Cluster) taking the previous layer's L1 counts."""
    from diffhw import sweep as sw
    from diffhw.evaluate import evaluate
    from diffhw.frontends.maestro import apply_dataflow, parse_hw, parse_model

    net, _ = parse_model(DATA / "googlenet_dash_names.m")
    hw = [parse_hw(HW[0]), parse_hw(HW[1])]
    cols, _ = sw.sweep(sw.models_from_networks([("g", net.layers)]), hw,
                       sw.EvalConfig(dataflows=("dla", "ws"), csv_energy=True))
    for d, template in enumerate(("dla", "ws")):
        ev = evaluate(list(apply_dataflow(net, template).layers), hw, csv_energy=True)
        for j in range(len(hw)):
            ref = sum(r["csv_energy_nJ"] for (i, jj), r in zip(ev.items, ev.rows) if jj == j)
            assert cols["csv_energy_nJ"][j * 2 + d] == pytest.approx(ref, rel=1e-9)
    plain, _ = sw.sweep(sw.models_from_networks([("g", net.layers)]), hw[:1], sw.EvalConfig(dataflows=("ws",)))
    assert "csv_energy_nJ" not in plain
