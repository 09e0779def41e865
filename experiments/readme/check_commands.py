"""Run every shell command of the README as written, in order, and report which pass.

    python experiments/readme/check_commands.py [--readme README.md] [--timeout 900] [--only SUBSTRING]

Commands are the lines of the README's shell code blocks that start with `diffhw`, `python experiments/` or
`VAR=value diffhw` (`pip install` lines are skipped: the environment is the one this runs in), and each Python
code block, run as a script. They run in a
fresh temporary folder holding links to the repository's `examples/` and `tests/`, one after another (a later
command may read what an earlier one wrote, as in the README), with `PYTHONPATH=examples`. Exit status 1 if
any command fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_COMMAND = re.compile(r"^(?:[A-Z_]+=\S+\s+)*(?:diffhw\s|python\s+experiments/)")


def readme_commands(text: str) -> list[str]:
    """The README's runnable steps in document order: each shell command line (comments stripped) of its
    non-Python code blocks, and each Python code block as `python -c` of the whole block."""
    out, block, body = [], None, []
    for line in text.splitlines():
        if line.startswith("```"):
            if block == "python":
                out.append("python -c " + shlex.quote("\n".join(body)))
            block, body = (None, []) if block is not None else (line[3:].strip(), [])
            continue
        if block == "python":
            body.append(line)
        elif block is not None:
            for part in line.split("  #")[0].split("&&"):
                part = part.strip()
                if _COMMAND.match(part):
                    out.append(part)
    return out


def path_arguments(command: str) -> list[str]:
    """Arguments of `command` that name shipped inputs (under examples/ or tests/)."""
    return [t for t in shlex.split(command) if t.startswith(("examples/", "tests/"))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--readme", default=str(REPO / "README.md"))
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--only", help="run only commands containing this text")
    args = ap.parse_args()
    commands = [c for c in readme_commands(Path(args.readme).read_text()) if not args.only or args.only in c]
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name in ("examples", "tests", "experiments"):
            os.symlink(REPO / name, Path(d) / name)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, ["examples", os.environ.get("PYTHONPATH")])))
        for c in commands:
            t0 = time.perf_counter()
            try:
                p = subprocess.run(c, shell=True, cwd=d, env=env, capture_output=True, text=True,
                                   timeout=args.timeout)
                rc, tail = p.returncode, (p.stderr.strip().splitlines() or [""])[-1]
            except subprocess.TimeoutExpired:
                rc, tail = "timeout", ""
            ok = rc == 0
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {time.perf_counter() - t0:7.1f} s  {c}" + ("" if ok else f"\n      rc={rc}: {tail}"),
                  flush=True)
    print(f"{len(commands) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
