"""Exact-model throughput (issue 2's speed figure): diffhw vs the real MAESTRO on the same inputs, one run.

    MAESTRO_BIN=/path/to/maestro python experiments/bench/exact_vs_maestro.py [--min-items 20000] [--repeat 3]

Inputs: every dev mapping file x every dev hardware file (tests/data/dev). diffhw: `diffhw.bench.bench`
(steady state, compile excluded, default JAX device; each dataflow group replicated to at least
--min-items; all groups in one `evaluate_batches` call, as `diffhw maestro` runs them). MAESTRO: one process per (mapping, hw) file pair, run sequentially on one core,
the way its callers use it (start-up, parse, analysis and CSV writing included); layer-evaluations per
second over the whole sweep. Without MAESTRO_BIN only diffhw is reported. Prints JSON with the device.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time

import jax

from diffhw.bench import bench
from diffhw.cli.common import load_inputs as _load_inputs

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "dev")


def maestro_rate(binary: str, mappings, hws, layers_per_mapping) -> dict:
    """Sequential MAESTRO sweep over mapping x hw pairs: layer-evaluations per second (one core)."""
    base = tempfile.mkdtemp(prefix="maestro_bench_")
    jobs = []
    for i, (m, h) in enumerate((m, h) for m in mappings for h in hws):
        d = os.path.join(base, str(i))
        os.mkdir(d)
        shutil.copyfile(m, os.path.join(d, "mapping.m"))
        shutil.copyfile(h, os.path.join(d, "hw.m"))
        jobs.append((d, layers_per_mapping[m]))
    cmd = [binary, "--HW_file=hw.m", "--Mapping_file=mapping.m", "--print_res=false",
           "--print_res_csv_file=true", "--print_log_file=false"]
    t0 = time.perf_counter()
    for d, _ in jobs:
        subprocess.run(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    shutil.rmtree(base, ignore_errors=True)
    layers = sum(n for _, n in jobs)
    return {"processes": len(jobs), "layer_evals": layers, "wall_s": round(wall, 2),
            "evals_per_s": round(layers / wall, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-items", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    mappings = sorted(glob.glob(os.path.join(DATA, "mappings", "*.m")))
    hws = sorted(glob.glob(os.path.join(DATA, "hw", "*.m")))
    nets, specs, errors = _load_inputs(mappings, hws)
    layers = [l for _, n in nets for l in n.layers]
    ours = bench(layers, specs, repeat=args.repeat, min_items=args.min_items)
    report = {"device": ours["device"], "platform": jax.default_backend(), "diffhw_evals_per_s": ours["evals_per_s"],
              "diffhw_compile_s": ours["compile_s"], "groups": ours["groups"]}
    binary = os.environ.get("MAESTRO_BIN")
    if binary:
        per_mapping = {m: len(n.layers) for m, (_, n) in zip(mappings, nets)}
        ref = maestro_rate(binary, mappings, hws, per_mapping)
        report["maestro"] = ref
        report["ratio"] = round(ours["evals_per_s"] / ref["evals_per_s"], 1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
