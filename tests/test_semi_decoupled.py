"""Two NAS-Bench-301 networks of the tinyML'22 semi-decoupled co-design study (tests/data/semi_decoupled, see
its README) on the study's two hardware files: diffhw gives the real MAESTRO's per-layer runtime and CSV energy,
under the study's layer names, and the per-model totals the study released."""

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from diffhw.cli.maestro import run_maestro

DATA = Path(__file__).parent / "data" / "semi_decoupled"
EXPECTED = json.loads((DATA / "expected.json").read_text())
MAPPINGS = sorted(EXPECTED)
HW = ("accelerator_1_00952ee.m", "accelerator_2.m")


def stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


@pytest.fixture(scope="module")
def result():
    """diffhw's rows per (mapping, hw) in file order, and its warnings."""
    warnings: list = []
    rows, errors = run_maestro([str(DATA / m) for m in MAPPINGS], [str(DATA / h) for h in HW],
                               csv_energy=True, warnings=warnings)
    assert errors == []
    by_pair = defaultdict(list)
    for r in rows:
        by_pair[(r["mapping"], r["hw"])].append(r)
    return by_pair, warnings


def maestro_rows() -> dict:
    out = defaultdict(list)
    with open(DATA / "maestro_rows.csv", newline="") as f:
        for r in csv.DictReader(f):
            out[(stem(r["mapping"]), stem(r["hw"]))].append(r)
    return out


def layer_names(mapping: str) -> list[str]:
    return re.findall(r"(?m)^Layer (\S+) \{", (DATA / mapping).read_text())


def test_every_layer_equals_maestro_under_the_study_names(result):
    ours, _ = result
    theirs = maestro_rows()
    assert set(ours) == set(theirs) and len(ours) == len(MAPPINGS) * len(HW)
    for key, rows in ours.items():
        names = layer_names(key[0] + ".m")
        assert [r["layer"] for r in rows] == names and names[0] == "Conv2d-1" and names[-1].startswith("Linear-")
        assert [r["runtime_cycles"] for r in rows] == [int(t["runtime_cycles"]) for t in theirs[key]]
        # MAESTRO's CSV prints the energy with 6 significant digits
        assert [f"{r['csv_energy_nJ']:.6g}" for r in rows] == [t["csv_energy_nJ"] for t in theirs[key]]


def test_study_totals_equal_the_released_pickles(result):
    """The study's per-model latency and energy: the CSV values summed in file order (float)."""
    ours, _ = result
    for mapping in MAPPINGS:
        for hw in HW:
            rows = ours[(stem(mapping), stem(hw))]
            latency = energy = 0.0
            for r in rows:
                latency += float(r["runtime_cycles"])
                energy += float(f"{r['csv_energy_nJ']:.6g}")
            want = EXPECTED[mapping][hw]
            assert (latency, energy) == (want["latency"], want["energy"]), (mapping, hw)
            assert len(rows) == want["maestro_layers"]


def test_filters_larger_than_their_input_are_evaluated_with_a_warning(result):
    """5x5 depthwise convs on 4x4 maps: MAESTRO's numbers (checked above) plus a warning naming the layer."""
    _, warnings = result
    for mapping in MAPPINGS:
        text = (DATA / mapping).read_text()
        dims = re.findall(r"Layer (\S+) \{\nType: \S+\n(?:Stride[^\n]*\n)?Dimensions \{ K: \d+, C: \d+, R: (\d+), "
                          r"S: \d+, Y: (\d+)", text)
        assert len(dims) == len(layer_names(mapping))
        odd = {name for name, r, y in dims if int(r) > int(y)}
        warned = {w.layer for w in warnings if Path(w.file).name == mapping}
        assert odd and warned == odd
