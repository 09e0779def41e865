"""The same (models x hardware x dataflows) workload through `diffhw eval` and through the real MAESTRO binary.

    MAESTRO_BIN=/path/to/maestro python experiments/bench/eval_vs_maestro.py --samples 100 --hw 10 \
        --dataflows os,ws,rs,dla [--maestro-jobs 400] [--json out.json]

Workload: `--samples` DARTS-space networks (seed 0) x a `--hw`-config grid (PEs x NoC bandwidth, log-spaced)
x `--dataflows` (CONV layers; DSCONV get dpt, GEMM gemm, as MAESTRO's frontend does).

* diffhw: `diffhw eval` run once in a fresh subprocess, timed end to end (interpreter start, sampling,
  compiles, evaluation, writing Parquet, or CSV without pyarrow or with --format csv), with the persistent
  compilation cache off.
* MAESTRO: one subprocess per (model, hw, dataflow) job, the way peers call it: mapping and hardware files
  written with `diffhw.frontends.maestro` writers into a temp dir, then `$MAESTRO_BIN --HW_file=...
  --Mapping_file=... --print_res=false --print_res_csv_file=true`, over a process pool on all cores. With
  `--maestro-jobs K` only K jobs (a seeded random subset) are run and MAESTRO's time for the whole workload
  is extrapolated from its measured layer-evaluations per second (reported as such). Each MAESTRO job's
  latency (sum of its CSV's runtime column) is checked against diffhw's row.

Without MAESTRO_BIN only diffhw is reported. Throughput unit: network layer-evaluations per second (one
layer of one network on one hardware config under one dataflow = one evaluation, what MAESTRO computes).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def hw_grid(n: int) -> dict:
    """A grid of a x b >= n configs (a ~ sqrt(n)) where PEs (64..4096) and NoC bandwidth (8..1024) bind:
    powers of two while the range has enough of them (7 PE counts, 8 bandwidths), else log-spaced integers
    (--hw 50: 7 x 8 = 56 powers of two; --hw 100: 10 x 10)."""
    a = max(1, int(round(n ** 0.5)))
    b = max(1, -(-n // a))
    return {"num_pes": {"logrange": [64, 4096], "num": a, "pow2": a <= 7},
            "noc_bw": {"logrange": [8, 1024], "num": b, "pow2": b <= 8},
            "l1_size": 1024, "l2_size": 1 << 20, "offchip_bw": 64}


def _maestro_job(args):
    binary, mapping_text, hw_text = args
    with tempfile.TemporaryDirectory() as d:
        Path(d, "net.m").write_text(mapping_text)
        Path(d, "hw.m").write_text(hw_text)
        p = subprocess.run([binary, "--HW_file=hw.m", "--Mapping_file=net.m", "--print_res=false",
                            "--print_res_csv_file=true"], cwd=d, capture_output=True, text=True)
        out = Path(d, "net.csv")
        if p.returncode != 0 or not out.exists():
            return None
        with open(out) as f:
            rows = list(csv.reader(f))[1:]
        return sum(int(float(r[3])) for r in rows if len(r) > 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--hw", type=int, default=10, help="hardware configs (grid of PEs x NoC bandwidth)")
    ap.add_argument("--dataflows", default="os,ws,rs,dla")
    ap.add_argument("--maestro-jobs", type=int, help="run only this many MAESTRO jobs and extrapolate")
    ap.add_argument("--format", choices=("parquet", "csv"),
                    help="diffhw's output format (default: parquet with pyarrow installed, as `diffhw eval`)")
    ap.add_argument("--workdir", help="where diffhw writes its output (default: a temp dir)")
    ap.add_argument("--json", help="write the report here")
    args = ap.parse_args()

    from diffhw.frontends.maestro import apply_dataflow, write_hw, write_model
    from diffhw.hwgrid import load_grid
    from diffhw.layers import Network
    from diffhw.frontends.nas import sample_models
    from diffhw.sweep import have_pyarrow, read_table
    from diffhw.sweep import spec_of_key

    work = Path(args.workdir or tempfile.mkdtemp(prefix="evalbench-"))
    work.mkdir(parents=True, exist_ok=True)
    grid = hw_grid(args.hw)
    (work / "grid.json").write_text(json.dumps(grid))
    hardware = load_grid(grid)
    dataflows = [d for d in args.dataflows.split(",") if d]
    fmt = args.format or ("parquet" if have_pyarrow() else "csv")
    out = work / f"diffhw-{time.time_ns()}.{fmt}"
    env = {k: v for k, v in os.environ.items() if k != "JAX_COMPILATION_CACHE_DIR"}
    env["DIFFHW_CACHE_DIR"] = "off"  # cold: every program traced and compiled in this run
    cmd = [sys.executable, "-m", "diffhw.cli", "eval", "--space", "darts", "--samples", str(args.samples),
           "--seed", "0", "--hw-grid", str(work / "grid.json"), "--dataflows", ",".join(dataflows),
           "--format", fmt, "--out", str(out), "--quiet", "--json", str(out) + ".json"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    t_diffhw = time.perf_counter() - t0
    if p.returncode != 0:
        print(p.stderr, file=sys.stderr)
        return 1
    summary = json.loads(Path(str(out) + ".json").read_text())
    evals = summary["layer_evals"]
    report = {"workload": {"space": "darts", "samples": args.samples, "hw": len(hardware), "dataflows": dataflows,
                           "rows": summary["rows_total"], "layer_evals": evals,
                           "distinct_layer_evals": summary["unique_evals"]},
              "diffhw": {"command": " ".join(cmd), "format": fmt, "wall_s": t_diffhw, "evals_per_s": evals / t_diffhw,
                         "device": summary["device"]}}
    print(f"diffhw eval: {summary['rows_total']:,} rows ({fmt}), {evals:,} layer-evaluations in {t_diffhw:.1f} s end to end "
          f"= {evals / t_diffhw:,.0f} evals/s on {summary['device']}")

    binary = os.environ.get("MAESTRO_BIN")
    if binary:
        rows = read_table(out)
        lat = {(m, int(h), d): int(v) for m, h, d, v in zip(rows["model"], rows["hw_id"], rows["dataflow"],
                                                             rows["latency_cycles"])}
        models = sample_models("darts", args.samples, 0)
        jobs = [(m, h, d) for m in range(len(models)) for h in range(len(hardware)) for d in dataflows]
        if args.maestro_jobs and args.maestro_jobs < len(jobs):
            jobs = random.Random(0).sample(jobs, args.maestro_jobs)
        nets = {}
        for m in sorted({j[0] for j in jobs}):
            specs = [replace(spec_of_key(k), name=f"L{i}") for i, k in enumerate(models.network_keys(m))]
            nets[m] = Network(f"n{m}", tuple(specs))
        t1 = time.perf_counter()
        texts = [(binary, write_model(apply_dataflow(nets[m], {"CONV": d, "GEMM": "gemm"}, check=False), True),
                  write_hw(hardware[h])) for m, h, d in jobs]
        with mp.Pool(os.cpu_count()) as pool:
            res = pool.map(_maestro_job, texts, chunksize=4)
        t_maestro = time.perf_counter() - t1
        lengths = models.lengths()
        m_evals = sum(int(lengths[m]) for m, _, _ in jobs)
        rate = m_evals / t_maestro
        agree = sum(r == lat[(models.names[m], h, d)] for r, (m, h, d) in zip(res, jobs) if r is not None)
        ran = sum(r is not None for r in res)
        full = evals / rate
        report["maestro"] = {"binary": binary, "cores": os.cpu_count(), "jobs": len(jobs), "layer_evals": m_evals,
                             "wall_s": t_maestro, "evals_per_s": rate, "jobs_ok": ran,
                             "latency_equal_to_diffhw": agree, "extrapolated_full_s": full,
                             "extrapolated": len(jobs) < len(models) * len(hardware) * len(dataflows)}
        report["speedup"] = full / t_diffhw
        print(f"MAESTRO ({os.cpu_count()} processes): {len(jobs):,} jobs, {m_evals:,} layer-evaluations in "
              f"{t_maestro:.1f} s = {rate:,.0f} evals/s; {ran} ran, {agree} with latency equal to diffhw's row")
        print(f"whole workload: MAESTRO {'~' if report['maestro']['extrapolated'] else ''}{full:,.0f} s vs diffhw "
              f"{t_diffhw:.1f} s: diffhw is {full / t_diffhw:,.0f}x faster")
    else:
        print("MAESTRO_BIN not set: diffhw only")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
