"""Start-up benchmark (issue 22): `diffhw maestro` end to end against the MAESTRO binary, cold and warm, warm
`diffhw codesign`, and `diffhw bench` throughput with and without the program store, in one run.

    MAESTRO_BIN=/tmp/maestro/maestro [MAESTRO_BIN_O2=/tmp/maestro_o2/maestro] \
        python experiments/bench/startup.py [--out startup.json] [--no-codesign] [--no-bench] [--serve]

Workload: the unseen reference set (tests/data/unseen: ResNet-50 and the random layers, every dataflow
mapping file, 10 files) x the 7 hardware files of tests/data/dev/hw = 4,137 layer evaluations.

* MAESTRO: one process per (mapping, hw) file pair, as many at a time as there are cores, wall time of the
  whole sweep (process start, parsing, analysis, CSV writing). MAESTRO_BIN_O2 (optional): a second build of
  MAESTRO (e.g. compiled with -O2; the default scons build has no -O flag), timed the same way and compared
  too ("maestro_o2", "ratio_vs_maestro_o2").
* diffhw cold: `diffhw maestro --mapping ... --hw ... --out rows.csv` in a fresh process with
  DIFFHW_CACHE_DIR=off (no program store, no JAX compilation cache: everything traced and compiled).
* diffhw first: the same with an empty cache directory (compiles, then writes the store).
* diffhw warm: the same again (best of --repeat): programs come from the store.
* codesign: `diffhw codesign --network mobilenetv2 --objective edp` with the caches off, then filling the
  store, then warm (--repeat runs); every design must be the same (design.json but for its timings).
* bench: `diffhw bench` on the same files, caches off and warm (steady-state layer-evaluations/s).
* --paired N: N more rounds of one sweep of each MAESTRO build and one warm diffhw run, alternating, so that
  each round's runs see about the same load; the median per-round ratio is the comparison to trust most.
* --serve: the warm maestro (and codesign) commands again as clients of one `diffhw serve` on the warm cache
  (reported apart, under "served": the first of each kind loads its programs into the server, the next ones
  find them loaded; CPU seconds of client and server). Every other run has DIFFHW_SERVE=off.

Every diffhw run's CSV must equal the cold run's byte for byte. Wall and CPU seconds (user + system of the
child processes) and the 1-minute load average at the start of every run; the CPU ratio is the better guide
on a loaded machine. Writes JSON (also printed).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")


def inputs() -> tuple[list[str], list[str]]:
    mappings = sorted(glob.glob(os.path.join(DATA, "unseen", "mappings", "resnet50__*.m"))
                      + glob.glob(os.path.join(DATA, "unseen", "mappings", "random_unseen__*.m")))
    return mappings, sorted(glob.glob(os.path.join(DATA, "dev", "hw", "*.m")))


def maestro(binary: str, mappings, hws, work: str) -> dict:
    """Wall time of the MAESTRO sweep, one process per file pair, all cores."""
    jobs = []
    for i, (m, h) in enumerate((m, h) for m in mappings for h in hws):
        d = os.path.join(work, f"m{i}")
        os.mkdir(d)
        shutil.copyfile(m, os.path.join(d, "mapping.m"))
        shutil.copyfile(h, os.path.join(d, "hw.m"))
        jobs.append(d)
    cmd = [binary, "--HW_file=hw.m", "--Mapping_file=mapping.m", "--print_res=true", "--print_res_csv_file=true",
           "--print_log_file=false"]

    def run(d):
        return subprocess.run(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode

    t0, c0 = time.perf_counter(), children_cpu()
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        codes = list(pool.map(run, jobs))
    wall = time.perf_counter() - t0
    return {"processes": len(jobs), "parallel": os.cpu_count(), "failed": sum(c != 0 for c in codes),
            "wall_s": round(wall, 3), "cpu_s": round(children_cpu() - c0, 3)}


def children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (less sensitive to a loaded machine than
    wall time: on an idle machine the wall time of work spread over both cores is about half of it)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


CPU: dict = {}  # diffhw run name -> its CPU seconds
LOAD: dict = {}  # diffhw run name -> the 1-minute load average when it started


def diffhw(args: list[str], cache: str, name: str = "", server: Optional[subprocess.Popen] = None
           ) -> tuple[float, subprocess.CompletedProcess]:
    """Run `diffhw args` in a fresh process (with `server`: a client of that running `diffhw serve`, whose
    CPU seconds are counted too) and record its wall and CPU seconds and the load."""
    env = dict(os.environ, DIFFHW_CACHE_DIR=cache, DIFFHW_SERVE="on" if server else "off")
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    LOAD[name] = round(os.getloadavg()[0], 2)
    t0, c0, s0 = time.perf_counter(), children_cpu(), process_cpu(server)
    p = subprocess.run([sys.executable, "-m", "diffhw.cli", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    CPU[name] = round(children_cpu() - c0 + process_cpu(server) - s0, 3)
    if p.returncode != 0:
        raise SystemExit(f"diffhw {' '.join(args[:2])} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return wall, p


def process_cpu(p: Optional[subprocess.Popen]) -> float:
    """User + system CPU seconds of a running child process so far (0 for None; Linux /proc)."""
    if p is None:
        return 0.0
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(cache: str) -> subprocess.Popen:
    """`diffhw serve` on `cache`, once its socket is up."""
    env = dict(os.environ, DIFFHW_CACHE_DIR=cache)
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    p = subprocess.Popen([sys.executable, "-m", "diffhw.cli", "serve", "--idle-minutes", "10"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = os.path.join(cache, "serve.sock")
    for _ in range(600):
        if os.path.exists(sock) or p.poll() is not None:
            break
        time.sleep(0.1)
    if not os.path.exists(sock):
        raise SystemExit("diffhw serve did not start")
    return p


def untimed(design: dict) -> dict:
    """A design.json without its timings (search wall time, the time column of the convergence history)."""
    search = {k: v for k, v in design["search"].items() if k != "wall_seconds"}
    search["history"] = [row[:1] + row[2:] for row in search.get("history", [])]
    return {**design, "search": search}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="also write the JSON report here")
    ap.add_argument("--repeat", type=int, default=2, help="warm runs of each command (maestro: best reported; codesign: each)")
    ap.add_argument("--paired", type=int, default=0, metavar="N",
                    help="then N rounds of one MAESTRO sweep of each build and one warm diffhw maestro run, "
                         "alternating (medians and the median of the per-round ratios under 'paired')")
    ap.add_argument("--no-codesign", action="store_true", help="skip the codesign runs (minutes)")
    ap.add_argument("--no-bench", action="store_true", help="skip the two diffhw bench runs")
    ap.add_argument("--serve", action="store_true",
                    help="also run the warm commands through `diffhw serve` (reported apart, under 'served')")
    a = ap.parse_args()
    mappings, hws = inputs()
    work = tempfile.mkdtemp(prefix="diffhw_startup_")
    cache = os.path.join(work, "cache")
    report: dict = {"workload": {"mappings": [os.path.basename(m) for m in mappings], "hw_files": len(hws)},
                    "cpus": os.cpu_count(), "load_avg_start": os.getloadavg()}
    binaries = {name: os.environ[env] for name, env in (("maestro", "MAESTRO_BIN"), ("maestro_o2", "MAESTRO_BIN_O2"))
                if os.environ.get(env)}
    try:
        for name, path in binaries.items():
            os.mkdir(os.path.join(work, name))
            report[name] = {"binary": path, **maestro(path, mappings, hws, os.path.join(work, name))}
        cmd = lambda out: ["maestro", "--mapping", *mappings, "--hw", *hws, "--out", out, "--force"]  # noqa: E731
        ref = os.path.join(work, "cold.csv")
        cold, p = diffhw(cmd(ref), "off", "cold")
        report["diffhw_maestro"] = {"rows": p.stdout.strip().splitlines()[-1], "cold_s": round(cold, 3)}
        first, _ = diffhw(cmd(os.path.join(work, "first.csv")), cache, "first")
        warm = []
        for i in range(a.repeat):
            w, _ = diffhw(cmd(os.path.join(work, f"warm{i}.csv")), cache, f"warm{i}")
            warm.append(round(w, 3))
        same = all(open(os.path.join(work, f), "rb").read() == open(ref, "rb").read()
                   for f in ["first.csv"] + [f"warm{i}.csv" for i in range(a.repeat)])
        report["diffhw_maestro"].update(first_s=round(first, 3), warm_s=warm, csv_identical_to_cold=same,
                                        cpu_s=dict(CPU))
        for name in binaries:
            m, mc = report[name]["wall_s"], report[name]["cpu_s"]
            report[f"ratio_vs_{name}"] = {"cold": round(cold / m, 2), "warm": round(min(warm) / m, 2)}
            report[f"cpu_ratio_vs_{name}"] = {"cold": round(CPU["cold"] / mc, 2),
                                              "warm": round(min(CPU[f"warm{i}"] for i in range(a.repeat)) / mc, 2)}
        if a.paired:
            report["paired"] = paired(a.paired, binaries, mappings, hws, work, cache, cmd, ref)
        designs = []
        if not a.no_codesign:
            cd = {}
            runs = [("cold", "off"), ("first", cache)] + [(f"warm{i}", cache) for i in range(a.repeat)]
            for name, where in runs:
                out = os.path.join(work, f"codesign_{name}")
                w, _ = diffhw(["codesign", "--network", "mobilenetv2", "--objective", "edp", "--out", out,
                               "--quiet"], where, f"codesign_{name}")
                cd[f"{name}_s"] = round(w, 3)
                with open(os.path.join(out, "design.json")) as f:
                    designs.append(untimed(json.load(f)))
            cd["same_design"] = all(d == designs[0] for d in designs)
            cd["cpu_s"] = {name: CPU[f"codesign_{name}"] for name, _ in runs}
            report["codesign_mobilenetv2_edp"] = cd
        if not a.no_bench:
            b = {}
            for name, where in (("off", "off"), ("store", cache)):
                js = os.path.join(work, f"bench_{name}.json")
                diffhw(["bench", "--mapping", *mappings, "--hw", *hws, "--repeat", "3", "--json", js], where,
                       f"bench_{name}")
                with open(js) as f:
                    b[f"evals_per_s_{name}"] = json.load(f)["evals_per_s"]
            report["bench"] = b
        if a.serve:
            report["served"] = served(a, cache, cmd, ref, work, designs if not a.no_codesign else None)
        report["load_1min_at_start_of"] = dict(LOAD)
        report["load_avg_end"] = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(report, indent=1)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")


def paired(rounds: int, binaries: dict, mappings, hws, work: str, cache: str, cmd, ref: str) -> dict:
    """`rounds` rounds of: one sweep of each MAESTRO build, one warm `diffhw maestro`; wall seconds per round,
    their medians and the median of each round's diffhw / MAESTRO ratio (runs minutes apart on a shared
    machine see different loads; a round's runs see about the same)."""
    walls: dict = {name: [] for name in [*binaries, "diffhw_warm"]}
    same = True
    for r in range(rounds):
        for name, path in binaries.items():
            d = os.path.join(work, f"{name}_paired{r}")
            os.mkdir(d)
            walls[name].append(maestro(path, mappings, hws, d)["wall_s"])
        out = os.path.join(work, f"paired{r}.csv")
        walls["diffhw_warm"].append(round(diffhw(cmd(out), cache, f"paired{r}")[0], 3))
        same = same and open(out, "rb").read() == open(ref, "rb").read()
    report = {"wall_s": walls, "median_s": {k: statistics.median(v) for k, v in walls.items()},
              "csv_identical_to_cold": same}
    for name in binaries:
        report[f"median_ratio_vs_{name}"] = round(statistics.median(
            w / m for w, m in zip(walls["diffhw_warm"], walls[name])), 3)
    return report


def served(a, cache: str, cmd, ref: str, work: str, designs: Optional[list]) -> dict:
    """The warm commands as clients of one `diffhw serve` on the warm cache: its first command of each kind
    loads the programs from the store (like a warm run), the next ones find them loaded. Wall seconds of the
    client; CPU seconds of the client and the server."""
    server = start_server(cache)
    out: dict = {}
    try:
        runs = [f"served{i}" for i in range(a.repeat + 1)]
        walls = [diffhw(cmd(os.path.join(work, f"{r}.csv")), cache, r, server)[0] for r in runs]
        out["maestro_s"] = [round(w, 3) for w in walls]
        out["maestro_csv_identical_to_cold"] = all(open(os.path.join(work, f"{r}.csv"), "rb").read()
                                                   == open(ref, "rb").read() for r in runs)
        out["maestro_cpu_s"] = {r: CPU[r] for r in runs}
        if designs is not None:
            walls, same = [], True
            for r in runs:
                d = os.path.join(work, f"codesign_{r}")
                walls.append(round(diffhw(["codesign", "--network", "mobilenetv2", "--objective", "edp", "--out", d,
                                           "--quiet"], cache, f"codesign_{r}", server)[0], 3))
                with open(os.path.join(d, "design.json")) as f:
                    same = same and untimed(json.load(f)) == designs[0]
            out["codesign_s"] = walls
            out["codesign_same_design"] = same
            out["codesign_cpu_s"] = {r: CPU[f"codesign_{r}"] for r in runs}
    finally:
        server.terminate()
        server.wait(timeout=60)
    return out


if __name__ == "__main__":
    main()
