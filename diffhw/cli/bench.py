"""`diffhw bench`: compile time and steady-state throughput of the exact model on the current JAX device.

    diffhw bench --mapping FILE [FILE ...] --hw FILE [FILE ...] [--repeat N] [--json OUT]
"""

from __future__ import annotations

import json
import sys

from diffhw.cli.common import load_inputs
from diffhw.outputs import check_file, write_file


def cmd_bench(args) -> int:
    from diffhw.bench import bench

    if args.repeat < 1 or args.min_items < 1:
        print("error: --repeat and --min-items must be at least 1", file=sys.stderr)
        return 2
    if args.json:
        check_file(args.json, args.force, "--json")
    nets, specs, errors = load_inputs(args.mapping, args.hw)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    layers = [layer for _, net in nets for layer in net.layers]
    if not layers or not specs:
        print("error: nothing to benchmark: no valid layer or no hardware file (see the errors above)",
              file=sys.stderr)
        return 1
    print(f"bench: {len(layers)} layers x {len(specs)} hardware files; compiling and timing (best of "
          f"{args.repeat}) ...", file=sys.stderr)
    report = bench(layers, specs, repeat=args.repeat, min_items=args.min_items)
    if not report["groups"]:
        for e in report["invalid_examples"]:
            print(f"error: {e}", file=sys.stderr)
        print(f"error: none of the {report['invalid_items']:,} layer x hardware items can be evaluated (the first "
              "reasons are above)", file=sys.stderr)
        return 1
    print(table(report))
    if args.json:
        write_file(args.json, json.dumps(report, indent=2) + "\n", args.force)
        print(f"wrote the full report to {args.json}")
    return 1 if errors else 0


def table(report: dict) -> str:
    """The report as a short table: one line per dataflow group, then the headline."""
    lines = [f"{'dataflow':<24} {'type':<7} {'items':>9} {'compile s':>10} {'evals/s':>12}"]
    for g in report["groups"]:
        lines.append(f"{g['dataflow'][:24]:<24} {g['layer_type']:<7} {g['items']:>9,} {g['compile_s']:>10.2f} "
                     f"{g['evals_per_s']:>12,}")
    lines.append(f"all groups in one call: {report['total_items']:,} layer evaluations in {report['steady_s']} s "
                 f"= {report['evals_per_s']:,} layer-evaluations/s (compile excluded, {report['compile_s']} s "
                 f"compile); device {report['device']}")
    return "\n".join(lines)


def add_parser(sub) -> None:
    b = sub.add_parser("bench", help="compile time and steady-state throughput on the current JAX device")
    b.add_argument("--mapping", nargs="+", required=True, action="extend", metavar="FILE",
                   help="MAESTRO mapping files whose layers form the workload")
    b.add_argument("--hw", nargs="+", required=True, action="extend", metavar="FILE",
                   help="MAESTRO hardware files the layers are evaluated on")
    b.add_argument("--repeat", type=int, default=5, help="timed repetitions, best is reported (default 5)")
    b.add_argument("--min-items", type=int, default=100_000,
                   help="replicate the workload up to at least this many layer evaluations per call "
                        "(default 100000)")
    b.add_argument("--json", metavar="FILE", help="also write the full report (JSON) here")
    b.add_argument("--force", action="store_true", help="overwrite --json if it exists")
    b.set_defaults(func=cmd_bench)
