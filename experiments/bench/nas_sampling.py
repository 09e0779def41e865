"""Benchmark: sampling architectures from the NAS search spaces (`diffhw.frontends.nas`).

    python experiments/bench/nas_sampling.py [--n 10000] [--repeat 5] [--json OUT]

Per space: the first call (includes building the supernet tables) and the best of `--repeat` further calls of
`space.sample(n, seed)`, as seconds and samples/s. Sampling is NumPy on the CPU (no JAX device involved); the
machine line says which CPU and how many cores this process could use.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

from diffhw.frontends.nas import alphanet, darts

SPACES = {"darts": darts, "alphanet": alphanet}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cpu}, {cores} cores usable; python {platform.python_version()}, numpy {np.__version__}; "
            "NumPy on the CPU")


def bench(space, n: int, repeat: int) -> dict:
    t = time.perf_counter()
    s = space.sample(n, seed=0)
    first = time.perf_counter() - t
    times = []
    for seed in range(1, repeat + 1):
        t = time.perf_counter()
        space.sample(n, seed=seed)
        times.append(time.perf_counter() - t)
    best = min(times)
    return {"n": n, "max_layers": int(s.layers.shape[1]), "first_s": round(first, 4), "best_s": round(best, 4),
            "median_s": round(float(np.median(times)), 4), "samples_per_s": round(n / best)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10_000, help="architectures per sample() call")
    p.add_argument("--repeat", type=int, default=5, help="timed calls after the first (best is reported)")
    p.add_argument("--json", help="also write the report here")
    args = p.parse_args(argv)
    report = {"machine": machine(), "spaces": {}}
    print(f"machine: {report['machine']}")
    print(f"{'space':<10} {'n':>7} {'layers':>7} {'first s':>9} {'best s':>9} {'median s':>9} {'samples/s':>11}")
    for name, space in SPACES.items():
        r = report["spaces"][name] = bench(space, args.n, args.repeat)
        print(f"{name:<10} {r['n']:>7} {r['max_layers']:>7} {r['first_s']:>9.3f} {r['best_s']:>9.3f} "
              f"{r['median_s']:>9.3f} {r['samples_per_s']:>11,}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
