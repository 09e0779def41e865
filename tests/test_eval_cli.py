"""`diffhw eval` end to end: output files, no overwrite, kill-and-resume, 4 forced host devices, 2 processes
through jax.distributed. Small workloads (6 DARTS models x 2 hw x ws); a shared JAX compilation cache keeps
the subprocesses' compiles short."""

import json
import os
import socket
import subprocess
import sys

import pytest

from diffhw.sweep import have_pyarrow, read_table

GRID = {"num_pes": [64, 256], "noc_bw": 32, "l1_size": 512, "l2_size": 100000, "offchip_bw": 64}
BASE = ["--space", "darts", "--samples", "6", "--seed", "1", "--dataflows", "ws", "--chunk-models", "2",
        "--quiet"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    d = tmp_path_factory.mktemp("evalcli")
    (d / "grid.json").write_text(json.dumps(GRID))
    e = dict(os.environ, JAX_COMPILATION_CACHE_DIR=str(d / "jaxcache"), JAX_PLATFORMS="cpu")
    e.pop("XLA_FLAGS", None)
    return d, e


def _run(args, env, extra_env=None, check=True):
    e = dict(env, **(extra_env or {}))
    p = subprocess.run([sys.executable, "-m", "diffhw.cli", "eval", *args], env=e, capture_output=True, text=True,
                       timeout=300)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def reference(env):
    d, e = env
    out = d / "ref.csv"
    p = _run(BASE + ["--hw-grid", str(d / "grid.json"), "--format", "csv", "--out", str(out), "--per-layer"], e)
    assert "wrote 12 rows" in p.stdout and "device cpu" in p.stdout
    return read_table(out), read_table(d / "ref.layers.csv")


def test_csv_output_and_no_overwrite(env, reference):
    d, e = env
    cols, lcols = reference
    assert len(cols["model"]) == 12 and cols["model"][:2] == ["darts-1-0", "darts-1-0"]
    assert cols["hw_id"][:2] == ["0", "1"] and set(cols["dataflow"]) == {"ws"}
    assert len(lcols["model"]) > 6 * 2 * 40
    p = _run(BASE + ["--hw-grid", str(d / "grid.json"), "--format", "csv", "--out", str(d / "ref.csv")], e,
             check=False)
    assert p.returncode == 2 and "exists" in p.stderr
    p = _run(BASE + ["--hw-grid", str(d / "grid.json"), "--format", "csv", "--out", str(d / "ref.csv"),
                     "--per-layer", "--resume"], e)
    assert "already complete" in p.stdout
    # --resume of another command (other seed, other options) on a finished output is refused
    for change in (["--seed", "2"], []):
        p = _run(BASE + ["--hw-grid", str(d / "grid.json"), "--format", "csv", "--out", str(d / "ref.csv"),
                         "--resume", "--per-layer"][:None if change else -1] + change, e, check=False)
        assert p.returncode == 2 and "not written by this run" in p.stderr, p.stderr


@pytest.mark.skipif(not have_pyarrow(), reason="pyarrow not installed")
def test_parquet_equals_csv(env, reference):
    d, e = env
    out = d / "ref.parquet"
    _run(BASE + ["--hw-grid", str(d / "grid.json"), "--out", str(out)], e)
    pq = read_table(out)
    cols, _ = reference
    assert pq["model"] == cols["model"]
    assert [str(v) for v in pq["latency_cycles"]] == cols["latency_cycles"]
    assert [float(v) for v in cols["energy"]] == pq["energy"]


def test_json_rows_equal_csv(env, reference):
    """--out NAME.json: one strict-JSON array of row objects (several chunks merged), the same rows as CSV;
    its fingerprint sidecar makes --resume of the finished run a no-op."""
    from diffhw import cli

    d, _ = env
    out = d / "ref.json"
    args = ["eval", *BASE, "--hw-grid", str(d / "grid.json"), "--out", str(out), "--per-layer"]
    assert cli.main(args) == 0
    rows = json.loads(out.read_text())  # strict: json.loads would take NaN, so check the text too
    assert "NaN" not in out.read_text() and len(rows) == 12
    cols, lcols = reference
    got = read_table(out)
    assert got["model"] == cols["model"] and [str(v) for v in got["latency_cycles"]] == cols["latency_cycles"]
    assert got["energy"] == [float(v) for v in cols["energy"]]
    assert len(read_table(d / "ref.layers.json")["model"]) == len(lcols["model"])
    assert cli.main(args + ["--resume"]) == 0


def test_dataflow_file_equals_its_template(env, reference, capsys):
    """--dataflows takes a dataflow file (read by the CLI, handed to the core as `EvalConfig.library`): a file
    holding the ws template gives ws's rows; an unknown name or a bad file is one error line."""
    from diffhw import cli
    from diffhw.dataflow import TEMPLATES
    from diffhw.frontends.maestro import write_dataflow

    d, _ = env
    df = d / "my_ws.m"
    df.write_text(write_dataflow(TEMPLATES["ws"]))
    args = [a if a != "ws" else str(df) for a in BASE] + ["--hw-grid", str(d / "grid.json")]
    assert cli.main(["eval", *args, "--out", str(d / "file_df.csv")]) == 0
    got, (cols, _) = read_table(d / "file_df.csv"), reference
    assert got["latency_cycles"] == cols["latency_cycles"] and set(got["dataflow"]) == {str(df)}
    capsys.readouterr()
    for bad, says in (("no_such_df", "unknown dataflow 'no_such_df'"), (str(d / "grid.json"), "dataflow")):
        args = [a if a != "ws" else bad for a in BASE] + ["--hw-grid", str(d / "grid.json")]
        assert cli.main(["eval", *args, "--out", str(d / "bad_df.csv")]) == 2
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err and not (d / "bad_df.csv").exists()


def test_missing_pyarrow_message(monkeypatch, capsys, tmp_path):
    from diffhw import cli, sweep

    monkeypatch.setattr(sweep, "have_pyarrow", lambda: False)
    rc = cli.main(["eval", "--space", "darts", "--samples", "2", "--hw-grid", str(tmp_path / "none.json"),
                   "--out", str(tmp_path / "x.parquet")])
    err = capsys.readouterr().err
    assert rc == 2 and "pip install 'diffhw[parquet]'" in err and "--format csv" in err


def test_kill_and_resume(env, reference):
    """A run killed after its first chunk (the second chunk's per-layer part already on disk, its network
    part not) resumes to the same rows as an uninterrupted run: none lost, none duplicated."""
    d, e = env
    out = d / "killed.csv"
    args = BASE + ["--hw-grid", str(d / "grid.json"), "--format", "csv", "--out", str(out), "--per-layer"]
    p = _run(args, e, {"DIFFHW_EVAL_STOP_AFTER": "1"}, check=False)
    assert p.returncode == 3 and not out.exists()
    parts = sorted(x.name for x in (d / "killed.csv.parts").iterdir())
    assert parts == ["chunk-000000.csv", "layers-000000.csv", "layers-000001.csv", "run.json"]
    p = _run(args, e, check=False)
    assert p.returncode == 2 and "--resume" in p.stderr
    p = _run(args + ["--resume"], e)
    assert "wrote 12 rows" in p.stdout and "8 rows this run" in p.stdout
    cols, lcols = reference
    assert read_table(out) == cols
    assert read_table(d / "killed.layers.csv") == lcols
    assert not (d / "killed.csv.parts").exists()


def test_four_host_devices(env, reference):
    d, e = env
    out = d / "dev4.csv"
    p = _run(BASE + ["--hw-grid", str(d / "grid.json"), "--format", "csv", "--out", str(out)], e,
             {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"})
    assert "x4" in p.stdout
    assert read_table(out) == reference[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes(env, reference):
    d, e = env
    out = d / "two.csv"
    coord = f"127.0.0.1:{_free_port()}"
    procs = [subprocess.Popen([sys.executable, "-m", "diffhw.cli", "eval", *BASE, "--hw-grid", str(d / "grid.json"),
                               "--format", "csv", "--out", str(out), "--coordinator", coord,
                               "--num-processes", "2", "--process-id", str(i)],
                              env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    try:
        outs = [p.communicate(timeout=240) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (so, se) in zip(procs, outs):
        assert p.returncode == 0, se
    assert "wrote 12 rows" in outs[0][0]  # process 0 merged: chunks 0 and 2 its own, chunk 1 from process 1
    assert "process 1/2" in outs[1][0]
    assert read_table(out) == reference[0]
