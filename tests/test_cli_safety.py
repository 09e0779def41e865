"""Every command is safe on bad input and bad output paths: one `error:` line naming the path and the fix, a
non-zero status, no traceback, nothing of the user's overwritten, nothing half-written; output paths are checked
before any work. Most cases fail before a compile, so they are cheap."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diffhw import outputs
from diffhw.cli import main

DATA = Path(__file__).parent / "data" / "dev"
MAPPING = str(DATA / "mappings" / "vgg16__dla.m")
HW = str(DATA / "hw" / "hw0.m")


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return rc, out, err


def one_error(err: str) -> str:
    lines = [l for l in err.splitlines() if l.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------------------------------- output paths


@pytest.mark.parametrize("command", [["maestro", "--mapping", MAPPING, "--hw", HW], ["layers", "resnet18"]])
def test_missing_folder_and_folder_as_file_fail_before_work(capsys, tmp_path, command):
    for out, what in ((tmp_path / "nodir" / "x.csv", "does not exist"), (tmp_path, "folder")):
        rc, stdout, err = run(capsys, *command, "--out", str(out))
        assert rc == 2 and what in one_error(err) and "Fix:" in err
        assert stdout == ""  # refused before any work: no summary, no table
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["maestro", "--mapping", MAPPING, "--hw", HW], ["layers", "resnet18"]])
def test_existing_file_is_not_overwritten_without_force(capsys, tmp_path, command):
    keep = tmp_path / "keep.csv"
    keep.write_text("the user's data\n")
    rc, _, err = run(capsys, *command, "--out", str(keep))
    assert rc == 2 and "exists" in one_error(err) and "--force" in err
    assert keep.read_text() == "the user's data\n"
    rc, _, err = run(capsys, *command, "--out", str(keep), "--force")
    assert rc == 0 and keep.read_text().startswith(("mapping,", "name,"))
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]  # no temporary file left behind


def test_full_disk_is_one_error_line(capsys):
    rc, _, err = run(capsys, "maestro", "--mapping", MAPPING, "--hw", HW, "--out", "/dev/full")
    assert rc == 2 and "no space left" in one_error(err)


def test_maestro_rows_follow_the_extension(capsys, tmp_path):
    rc, out, _ = run(capsys, "maestro", "--mapping", MAPPING, "--hw", HW, "--out", str(tmp_path / "r.json"))
    rows = json.loads((tmp_path / "r.json").read_text())
    assert rc == 0 and len(rows) == 16 and rows[0]["layer"] == "conv1_1" and rows[0]["runtime_cycles"] > 0
    assert "vgg16__dla on hw0: 16 layers" in out  # network totals, names not cut
    rc, _, err = run(capsys, "maestro", "--mapping", MAPPING, "--hw", HW, "--out", str(tmp_path / "r.txt"))
    assert rc == 2 and ".csv, .json or .parquet" in one_error(err)


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with outputs.open_atomic(target, force=True) as f:
            f.write("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


# ------------------------------------------------------------------------------------------------- bench


def test_bench_bad_numbers_json_path_and_all_invalid(capsys, tmp_path):
    rc, _, err = run(capsys, "bench", "--mapping", MAPPING, "--hw", HW, "--repeat", "0")
    assert rc == 2 and "--repeat" in one_error(err)
    rc, _, err = run(capsys, "bench", "--mapping", MAPPING, "--hw", HW, "--json", str(tmp_path / "no" / "b.json"))
    assert rc == 2 and "does not exist" in one_error(err)
    tiny = tmp_path / "one_pe.m"  # the NVDLA-like dataflow's clusters need 64 PEs: every item is invalid
    tiny.write_text("num_pes: 1\nl1_size_cstr: 512\nl2_size_cstr: 65536\nnoc_bw_cstr: 32\noffchip_bw_cstr: 16\n")
    rc, _, err = run(capsys, "bench", "--mapping", MAPPING, "--hw", str(tiny), "--repeat", "1", "--min-items", "1")
    assert rc == 1 and "none of the 16 layer x hardware items" in err and "need 64 PEs" in err


# -------------------------------------------------------------------------------------------------- eval


EVAL = ["eval", "--space", "darts", "--samples", "2", "--dataflows", "ws", "--quiet"]


@pytest.mark.parametrize("flags,what", [
    (["--chunk-models", "0"], "--chunk-models"), (["--chunk-models", "-3"], "--chunk-models"),
    (["--samples", "0"], "--samples"), (["--samples", "-5"], "--samples"),
    (["--samples", "100000000"], "--max-samples"), (["--dataflows", ""], "--dataflows is empty"),
    (["--area-budget", "-1"], "--area-budget"), (["--area-budget", "nan"], "--area-budget"),
])
def test_eval_bad_numbers(capsys, tmp_path, flags, what):
    rc, _, err = run(capsys, *EVAL, "--hw", HW, "--out", str(tmp_path / "e.csv"), *flags)
    assert rc == 2 and what in one_error(err)


@pytest.mark.parametrize("grid,what", [
    ({"num_pes": 1e30}, "out of range"), ({"num_pes": {"range": [1, 100000000, 1]}}, "--max-hw"),
    ({"num_pes": {"range": [1, 1000]}, "noc_bw": {"range": [1, 1000]}}, "998,001 configs"),
])
def test_eval_grid_size_guards(capsys, tmp_path, grid, what):
    (tmp_path / "g.json").write_text(json.dumps(grid))
    t0 = time.perf_counter()
    rc, _, err = run(capsys, *EVAL, "--hw-grid", str(tmp_path / "g.json"), "--out", str(tmp_path / "e.csv"))
    assert rc == 2 and what in one_error(err)
    assert time.perf_counter() - t0 < 30  # refused up front (a loose sanity bound, not a benchmark)


@pytest.mark.parametrize("out,what", [("nodir/e.csv", "does not exist"), ("e.txt", "unknown output format")])
def test_eval_bad_out(capsys, tmp_path, out, what):
    rc, _, err = run(capsys, *EVAL, "--hw", HW, "--out", str(tmp_path / out))
    assert rc == 2 and what in one_error(err)


def test_eval_disk_full_while_writing(capsys, tmp_path, monkeypatch):
    import errno

    from diffhw.sweep import run as sweep_run

    def full(*args, **kw):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "e.csv.parts" / "chunk-000000.csv"))

    monkeypatch.setattr(sweep_run, "_write_part", full)  # the chunk writer run_eval calls
    rc, _, err = run(capsys, *EVAL, "--hw", HW, "--out", str(tmp_path / "e.csv"))
    assert rc == 1 and "no space left" in one_error(err) and not (tmp_path / "e.csv").exists()


def test_eval_resume_refuses_leftovers_of_another_run(capsys, tmp_path):
    """A kill during the final cleanup leaves OUT and part of OUT.parts/ without its manifest: a resume with
    other inputs is refused (never mixes two runs), one with the same inputs completes and cleans up."""
    out = tmp_path / "e.csv"
    rc, _, _ = run(capsys, *EVAL, "--hw", HW, "--out", str(out))
    assert rc == 0 and out.exists() and not (tmp_path / "e.csv.parts").exists()
    parts = tmp_path / "e.csv.parts"
    parts.mkdir()
    (parts / "chunk-000001.csv").write_text("model\n")
    rc, _, err = run(capsys, *EVAL, "--hw", HW, "--out", str(out), "--resume", "--seed", "5")
    assert rc == 2 and "not written by this run" in one_error(err)
    rc, out_text, _ = run(capsys, *EVAL, "--hw", HW, "--out", str(out), "--resume")
    assert rc == 0 and "already complete" in out_text and not parts.exists()


def _default_sigint() -> None:
    """In the child: Ctrl-C as a terminal delivers it, even when this test runs as a background job (whose
    SIGINT is ignored, and the child would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_eval_quickly_and_resumes(tmp_path):
    """SIGINT (and SIGTERM) during `diffhw eval`: exit status 130 within a few seconds, one line on stderr, no
    traceback; the same command with --resume then finishes."""
    env = dict(os.environ, DIFFHW_CACHE_DIR="off", DIFFHW_EAGER="off", JAX_PLATFORMS="cpu")  # compiles: long
    args = [sys.executable, "-m", "diffhw.cli", *EVAL[:-1], "--samples", "40", "--chunk-models", "4", "--hw", HW,
            "--out", str(tmp_path / "e.csv")]
    for sig, resume in ((signal.SIGINT, []), (signal.SIGTERM, ["--resume"])):
        p = subprocess.Popen(args + resume, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_default_sigint)
        try:
            for line in p.stderr:  # eval says what it does before it traces and compiles: signal it there
                if line.startswith("eval:"):
                    break
            time.sleep(0.5)
            t0 = time.perf_counter()
            p.send_signal(sig)
            _, err = p.communicate(timeout=60)
            waited = time.perf_counter() - t0
        finally:
            p.kill()
        assert p.returncode == 130 and "Traceback" not in err and "interrupted" in err, err
        assert waited < 10, waited  # loose: the watchdog ends the process 1.5 s after the signal
    done = subprocess.run(args + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "wrote 40 rows" in done.stdout, done.stderr


# ---------------------------------------------------------------------------------------------- codesign


def test_codesign_refuses_files_and_user_folders(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    rc, _, err = run(capsys, "codesign", "--out", str(afile))
    assert rc == 2 and "exists and is a file" in one_error(err) and afile.read_text() == "x"
    user = tmp_path / "user"
    user.mkdir()
    (user / "hw.m").write_text("the user's hardware file")
    rc, _, err = run(capsys, "codesign", "--out", str(user))
    assert rc == 2 and "not empty" in one_error(err) and (user / "hw.m").read_text() == "the user's hardware file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "user"]


@pytest.mark.parametrize("flags,what", [
    (["--bound", "num_pes=1:99999999999"], "65,536"), (["--fix", "num_pes=1e400"], "not a positive integer"),
    (["--fix", "noc_bw=99999999"], "65,536"), (["--bound", "l1_size=8:4"], "LO must not exceed HI"),
])
def test_codesign_size_guards(capsys, tmp_path, flags, what):
    rc, _, err = run(capsys, "codesign", "--out", str(tmp_path / "run"), *flags)
    assert rc == 2 and what in one_error(err) and not (tmp_path / "run").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # the temporary run folder is removed too


# --------------------------------------------------------------------------------------- internal errors


def test_internal_error_is_one_line(capsys, monkeypatch):
    """A bug of ours reaches the user as one line (the traceback only with DIFFHW_DEBUG=1)."""
    from diffhw.cli import layers

    def boom(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(layers, "cmd_layers", boom)
    monkeypatch.delenv("DIFFHW_DEBUG", raising=False)
    rc = main(["layers", "resnet18"])
    err = capsys.readouterr().err
    assert rc == 1 and "internal error" in one_error(err) and "a bug" in err and "Traceback" not in err
    monkeypatch.setenv("DIFFHW_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["layers", "resnet18"])


def test_ctrl_c_during_codesign_saves_the_best_design(tmp_path):
    """Ctrl-C during a search: the best design found so far is written (marked as interrupted), status 130."""
    net = tmp_path / "tiny.m"
    net.write_text("Network tiny {\nLayer c1 {\nType: CONV\nStride { X: 1, Y: 1 }\n"
                   "Dimensions { K: 16, C: 8, R: 3, S: 3, Y: 18, X: 18 }\n}\n}\n")
    env = dict(os.environ, DIFFHW_CACHE_DIR="off", JAX_PLATFORMS="cpu")
    p = subprocess.Popen([sys.executable, "-m", "diffhw.cli", "codesign", "--model", str(net), "--method", "random",
                          "--dataflows", "os", "--budget-evals", "100000000", "--out", str(tmp_path / "run")],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=_default_sigint)
    try:
        for line in p.stderr:  # the bar reports designs once the first batch is scored
            if "designs" in line:
                break
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()  # (no-op once it has ended; never leave a search running)
    assert p.returncode == 130 and "Traceback" not in err and "interrupted" in err, err
    doc = json.loads((tmp_path / "run" / "design.json").read_text())
    assert "interrupted" in doc["search"]["note"] and doc["hardware"]["num_pes"] > 0
    assert (tmp_path / "run" / "hw.m").exists() and "design:" in out


def test_utf8_byte_order_mark_is_accepted(capsys, tmp_path):
    """Files saved by editors that write a UTF-8 BOM read the same as without it."""
    bom = b"\xef\xbb\xbf"
    (tmp_path / "m.m").write_bytes(bom + Path(MAPPING).read_bytes())
    (tmp_path / "h.m").write_bytes(bom + Path(HW).read_bytes())
    rc, out, _ = run(capsys, "maestro", "--mapping", str(tmp_path / "m.m"), "--hw", str(tmp_path / "h.m"))
    assert rc == 0 and "16 layer evaluations, 0 errors" in out


def test_eval_marks_layers_maestro_stops_on_invalid(capsys, tmp_path):
    """A stride larger than the input (Y=10, stride 11): MAESTRO exits 255 under os (and evaluates it under
    ws, checked with the binary); `diffhw maestro` reports the error and `diffhw eval` marks the network
    invalid with the reason, never numbers without a word."""
    net = tmp_path / "stride.m"
    net.write_text("Network s {\nLayer big_stride {\nType: CONV\nStride { X: 11, Y: 11 }\n"
                   "Dimensions { K: 16, C: 8, R: 3, S: 3, Y: 10, X: 10 }\n}\n}\n")
    rc, _, err = run(capsys, "maestro", str(net), "--dataflow", "os", "--hw", HW)
    assert rc == 1 and "exit 255" in one_error(err)
    out = tmp_path / "e.csv"
    rc, _, _ = run(capsys, "eval", "--models", str(net), "--hw", HW, "--dataflows", "os,ws", "--out", str(out),
                   "--quiet")
    import csv

    rows = {r["dataflow"]: r for r in csv.DictReader(out.open())}
    assert rc == 0 and rows["os"]["valid"] == "False" and "exit 255" in rows["os"]["error"]
    assert rows["os"]["latency_cycles"] == "-1" and rows["ws"]["valid"] == "True"
