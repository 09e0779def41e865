"""Property test over the CLI's flags: whatever flags and values a user types, every subcommand ends with an exit
status and, on failure, `error:` lines; never a traceback nor an internal error, never a changed user file
unless --force says so.

The expensive engines (the batched evaluation, the searches, the benchmark) are replaced by quick stand-ins with
their real return types: what is fuzzed is everything around them (flag parsing, validation, model loading,
output paths, writing)."""

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffhw.cli import main

DATA = Path(__file__).parent / "data" / "dev"
MAPPING = str(DATA / "mappings" / "vgg16__dla.m")
HW = str(DATA / "hw" / "hw0.m")
USER_FILE = "keep.csv"  # exists in every example's folder; must never change

NUMBERS = ["0", "-3", "1", "7", "1e30", "1e400", "nan", "inf", "-inf", "2.5", "abc", "", "99999999999"]
PATHS = ["nodir/x.csv", USER_FILE, ".", "/dev/full", "ok.csv", "ok.json", "ok.parquet", "x.txt", "run",
         "/proc/none/x.csv"]
MODELS = ["resnet18", "nope", "bad.m", "missing.onnx", "pkg.mod:fn", "empty.m", MAPPING]
FLAGS = {
    "maestro": {"--mapping": [MAPPING, "bad.m", "missing.m", "empty.m"], "--hw": [HW, "bad.m", "missing.m"],
                "--dataflow": ["os", "dla", "nope", "bad.m"], "--out": PATHS, "--input-shape": ["1,3,32,32", "0",
                "x", "1,5,32,32"], "--convention": ["padded", "maestro", "x"], "--force": None, "--strict": None},
    "layers": {"--out": PATHS, "--input-shape": ["1,3,32,32", "0", "-1", "a,b", "1,3,1e9,2"],
               "--format": ["csv", "maestro", "json"], "--force": None},
    "eval": {"--space": ["darts", "alphanet", "x"], "--samples": NUMBERS, "--seed": NUMBERS,
             "--models": MODELS, "--hw": [HW, "bad.m"], "--hw-grid": ["grid.json", "biggrid.json", "badgrid.json",
             "missing.yaml"], "--dataflows": ["os,ws", "", ",", "nope", "os"], "--rule": ["DSCONV=same", "x", "A=B"],
             "--area-budget": NUMBERS, "--power-budget": NUMBERS, "--chunk-models": NUMBERS, "--out": PATHS,
             "--format": ["csv", "parquet", "x"], "--resume": None, "--per-layer": None, "--json": PATHS,
             "--max-hw": NUMBERS, "--max-samples": NUMBERS},
    "codesign": {"--network": ["vgg16", "nope"], "--model": ["bad.m", MAPPING, "missing.m"],
                 "--objective": ["edp", "latency", "x"], "--area-budget": NUMBERS, "--power-budget": NUMBERS,
                 "--dataflows": ["os,ws", "", "nope"], "--fix": ["num_pes=64", "num_pes=0", "x=1", "noc_bw=1e400",
                 "l1_size"], "--bound": ["num_pes=16:64", "num_pes=64:16", "num_pes=1:99999999999", "noc_bw=a:b"],
                 "--method": ["random", "grid", "nope"], "--budget-evals": NUMBERS, "--budget-seconds": NUMBERS,
                 "--seed": NUMBERS, "--out": PATHS},
    "bench": {"--mapping": [MAPPING, "bad.m", "missing.m"], "--hw": [HW, "bad.m"], "--repeat": NUMBERS,
              "--min-items": NUMBERS, "--json": PATHS, "--force": None},
}
POSITIONAL = {"maestro": MODELS + [None], "layers": MODELS}


def _stand_ins(monkeypatch):
    """Quick engines with the real return types."""
    from diffhw import bench, evaluate, sweep
    from diffhw.cli import codesign
    from diffhw.optimize.search import SearchResult

    monkeypatch.setattr(evaluate, "evaluate", lambda layers, hws, *a, **k: SimpleNamespace(errors=[], items=[],
                                                                                           rows=[], warnings=[]))
    monkeypatch.setattr(sweep, "run_eval", lambda models, hw, cfg, out, **k: {
        "out": str(out), "rows": 0, "models": len(models), "hardware": len(hw), "dataflows": len(cfg.dataflows),
        "rows_total": 0, "wall_s": 0.0, "unique_evals": 0, "layer_evals": 0, "evals_per_s": 0.0, "device": "cpu"})
    monkeypatch.setattr(bench, "bench", lambda layers, hws, **k: {"groups": [], "invalid_items": 1,
                                                                  "invalid_examples": ["stand-in"]})
    search = lambda problem, seed=0, progress=None, **budget: SearchResult("random", None, {}, seed=seed)  # noqa: E731
    monkeypatch.setattr(codesign, "_codesign_methods", lambda: ({"random": search, "grid": search}, "random"))


def _folder(d: Path) -> None:
    (d / USER_FILE).write_text("the user's data\n")
    (d / "bad.m").write_text("Network n {\nLayer a {\nType: CONV\nDimensions { K: 0 }\n}\n")
    (d / "empty.m").write_text("")
    (d / "grid.json").write_text('{"num_pes": [64, 128], "noc_bw": 32}')
    (d / "biggrid.json").write_text('{"num_pes": {"range": [1, 100000000]}}')
    (d / "badgrid.json").write_text('{"num_pes": [1e30]')


@st.composite
def command_lines(draw):
    cmd = draw(st.sampled_from(sorted(FLAGS)))
    argv = [cmd]
    if cmd in POSITIONAL:
        pos = draw(st.sampled_from(POSITIONAL[cmd]))
        if pos is not None:
            argv.append(pos)
    for flag in draw(st.lists(st.sampled_from(sorted(FLAGS[cmd])), max_size=5, unique=True)):
        values = FLAGS[cmd][flag]
        argv += [flag] if values is None else [flag, draw(st.sampled_from(values))]
    return argv


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=command_lines())
def test_no_traceback_whatever_the_flags(argv, monkeypatch, capsys):
    _stand_ins(monkeypatch)
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as d:
        _folder(Path(d))
        os.chdir(d)
        try:
            try:
                rc = main(argv)
            except SystemExit as e:  # argparse: usage error
                rc = e.code
            out, err = capsys.readouterr()
            if "--force" not in argv:  # (--force is the user's word that the file may be replaced)
                assert (Path(d) / USER_FILE).read_text() == "the user's data\n", argv
        finally:
            os.chdir(old)
    assert rc in (0, 1, 2), (argv, rc, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    if rc != 0:
        assert "error:" in err, (argv, out, err)
