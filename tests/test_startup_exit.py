"""The `diffhw` console script ends with os._exit (no interpreter teardown, docs/startup.md): what a command
prints is still all there, through a pipe, and its exit status is kept."""

import os
import subprocess
import sys


def _diffhw(*args):
    env = dict(os.environ, DIFFHW_CACHE_DIR="off")
    return subprocess.run([sys.executable, "-m", "diffhw.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_output_through_a_pipe_is_complete_and_status_kept():
    p = _diffhw("layers", "resnet18")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("name,") and lines[-1].startswith("total,") and len(lines) == 23
    bad = _diffhw("layers", "no_such_model")
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("error: ") and not bad.stdout
