"""`diffhw serve`: commands sent to a running server give the same output, files and exit status as in their
own process; without a server (none, a stale socket, another installation) they run in their own process."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diffhw.cli import serve

DATA = Path(__file__).parent / "data"


def _diffhw(env, *args, cwd=None):
    return subprocess.run([sys.executable, "-m", "diffhw.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


@pytest.fixture
def server(tmp_path):
    env = dict(os.environ, DIFFHW_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("DIFFHW_SERVE", None)
    p = subprocess.Popen([sys.executable, "-m", "diffhw.cli", "serve", "--idle-minutes", "3"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sock = tmp_path / "cache" / serve.SOCKET
    for _ in range(300):
        if sock.exists() or p.poll() is not None:
            break
        time.sleep(0.1)
    assert sock.exists(), p.stderr.read() if p.poll() is not None else "no socket"
    yield env, p, sock
    p.terminate()
    p.wait(timeout=30)


def test_commands_run_in_the_server_with_the_same_results(server, tmp_path):
    env, p, sock = server
    assert oct(sock.stat().st_mode & 0o777) == "0o600"
    mapping, hw = DATA / "unseen" / "mappings" / "resnet50__os.m", sorted((DATA / "dev" / "hw").glob("*.m"))[0]
    alone = dict(env, DIFFHW_SERVE="off")
    here = _diffhw(alone, "maestro", "--mapping", str(mapping), "--hw", str(hw), "--out", "alone.csv", cwd=tmp_path)
    there = _diffhw(env, "maestro", "--mapping", str(mapping), "--hw", str(hw), "--out", "served.csv", cwd=tmp_path)
    assert here.returncode == there.returncode == 0, there.stderr
    assert (tmp_path / "served.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()  # relative --out: cwd
    assert there.stdout.replace("served.csv", "alone.csv").splitlines()[:-1] == here.stdout.splitlines()[:-1]
    bad = _diffhw(env, "layers", "no_such_model")
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("error: ")
    p.terminate()
    p.wait(timeout=30)
    log = p.stderr.read()
    assert "maestro -> 0" in log and "layers -> 2" in log  # both ran in the server
    assert not sock.exists()  # removed when the server stops


def test_without_a_server_the_command_runs_here(tmp_path, monkeypatch):
    monkeypatch.setenv("DIFFHW_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("DIFFHW_SERVE", raising=False)
    assert serve.forward(["layers", "resnet18"]) is None  # no socket
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(tmp_path / serve.SOCKET))  # a socket file nobody listens on
    stale.close()
    assert serve.forward(["layers", "resnet18"]) is None


def test_another_installation_is_refused(server, monkeypatch):
    env, _, _ = server
    monkeypatch.setenv("DIFFHW_CACHE_DIR", env["DIFFHW_CACHE_DIR"])
    monkeypatch.delenv("DIFFHW_SERVE", raising=False)
    monkeypatch.setattr(serve, "installation", lambda: "another diffhw")
    assert serve.forward(["layers", "resnet18"]) is None
