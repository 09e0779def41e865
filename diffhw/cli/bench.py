"""`diffhw bench`: compile time and steady-state throughput of the exact model on the current JAX device.

    diffhw bench --mapping FILE [FILE ...] --hw FILE [FILE ...] [--repeat N] [--json OUT]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from diffhw.cli.common import load_inputs


def cmd_bench(args) -> int:
    from diffhw.bench import bench

    nets, specs, errors = load_inputs(args.mapping, args.hw)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if not nets or not specs:
        return 1
    report = bench([l for _, n in nets for l in n.layers], specs, repeat=args.repeat, min_items=args.min_items)
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 1 if errors else 0



def add_parser(sub) -> None:
    b = sub.add_parser("bench", help="compile time and steady-state throughput on the current JAX device")
    b.add_argument("--mapping", nargs="+", required=True, action="extend")
    b.add_argument("--hw", nargs="+", required=True, action="extend")
    b.add_argument("--repeat", type=int, default=5, help="timed repetitions (best is reported)")
    b.add_argument("--min-items", type=int, default=100_000,
                   help="replicate the workload up to at least this many layer evaluations per call")
    b.add_argument("--json", help="also write the report here")
    b.set_defaults(func=cmd_bench)
