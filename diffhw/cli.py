"""The `diffhw` command.

    diffhw maestro --mapping FILE [FILE ...] --hw FILE [FILE ...] [--out results.csv]
    diffhw bench   --mapping FILE [FILE ...] --hw FILE [FILE ...] [--repeat N] [--json OUT]

`maestro` also accepts MAESTRO's own spellings `--Mapping_file=FILE --HW_file=FILE`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from diffhw.cost.model import OUTPUTS
from diffhw.errors import InputError

LEAD_COLUMNS = ("mapping", "network", "layer", "hw")
#: Built-in default inputs: VGG16 under the NVDLA-like dataflow, on MAESTRO's accelerator_1 hardware file.
DATA = Path(__file__).parent / "data"
DEFAULT_MAPPING = DATA / "vgg16_dla.m"
DEFAULT_HW = DATA / "accelerator_1.m"


def _load_inputs(mappings: Sequence[str], hws: Sequence[str]):
    """Parse mapping and hardware files; returns (mapping items, hw specs, errors)."""
    from diffhw.frontends.maestro import parse_hw, parse_model

    errors: list[InputError] = []
    nets = []
    for path in mappings:
        try:
            net, errs = parse_model(Path(path))
        except OSError as e:
            errors.append(InputError(message=f"cannot read mapping file: {e.strerror}", file=path,
                                     fix="check the path"))
            continue
        errors.extend(errs)
        nets.append((Path(path).stem, net))
    specs = []
    for path in hws:
        try:
            specs.append(parse_hw(Path(path)))
        except OSError as e:
            errors.append(InputError(message=f"cannot read hardware file: {e.strerror}", file=path,
                                     fix="check the path"))
        except InputError as e:
            errors.append(e)
    return nets, specs, errors


def run_maestro(mappings: Sequence[str], hws: Sequence[str]):
    """Evaluate the cross product of mapping files x hardware files: (rows, errors)."""
    from diffhw.evaluate import evaluate

    nets, specs, errors = _load_inputs(mappings, hws)
    rows = []
    for stem, net in nets:
        if not specs:
            break
        ev = evaluate(list(net.layers), specs)
        errors.extend(ev.errors)
        for (i, j), row in zip(ev.items, ev.rows):
            if row is None:
                continue
            lead = {"mapping": stem, "network": net.name, "layer": net.layers[i].name, "hw": specs[j].name}
            rows.append({**lead, **row})
    return rows, errors


def write_csv(rows: list[dict], path: Path) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(LEAD_COLUMNS) + list(OUTPUTS))
        w.writeheader()
        w.writerows(rows)


def _summary(rows: list[dict], limit: int = 40) -> str:
    cols = ("runtime_cycles", "num_macs", "energy_total", "total_l1_size_req", "total_l2_size_req")
    head = f"{'mapping':<16} {'layer':<16} {'hw':<8} " + " ".join(f"{c:>18}" for c in cols)
    lines = [head, "-" * len(head)]
    for r in rows[:limit]:
        vals = " ".join(f"{r[c]:>18.6g}" if isinstance(r[c], float) else f"{r[c]:>18d}" for c in cols)
        lines.append(f"{r['mapping'][:16]:<16} {r['layer'][:16]:<16} {r['hw'][:8]:<8} {vals}")
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more rows")
    return "\n".join(lines)


def _normalize_maestro_flags(argv: list[str]) -> list[str]:
    """Map MAESTRO's `--Mapping_file=F` / `--HW_file=F` spellings onto ours."""
    out = []
    for a in argv:
        for theirs, ours in (("--Mapping_file", "--mapping"), ("--HW_file", "--hw")):
            if a == theirs:
                a = ours
            elif a.startswith(theirs + "="):
                out.append(ours)
                a = a.split("=", 1)[1]
        out.append(a)
    return out


def cmd_maestro(args) -> int:
    t0 = time.perf_counter()
    args.mapping = args.mapping or [str(DEFAULT_MAPPING)]
    args.hw = args.hw or [str(DEFAULT_HW)]
    rows, errors = run_maestro(args.mapping, args.hw)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if rows:
        print(_summary(rows))
    if args.out:
        write_csv(rows, Path(args.out))
        print(f"wrote {len(rows)} rows to {args.out}")
    print(f"{len(rows)} layer evaluations, {len(errors)} errors, {time.perf_counter() - t0:.2f} s")
    return 1 if errors or not rows else 0


def cmd_bench(args) -> int:
    from diffhw.bench import bench

    nets, specs, errors = _load_inputs(args.mapping, args.hw)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if not nets or not specs:
        return 1
    report = bench([l for _, n in nets for l in n.layers], specs, repeat=args.repeat, min_items=args.min_items)
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 1 if errors else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = _normalize_maestro_flags(list(sys.argv[1:] if argv is None else argv))
    p = argparse.ArgumentParser(prog="diffhw", description="Differentiable, batched MAESTRO cost model.")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("maestro", help="evaluate MAESTRO mapping files on hardware files")
    m.add_argument("--mapping", nargs="+", action="extend",
                   help=f"mapping file(s) (default: the shipped {DEFAULT_MAPPING.name})")
    m.add_argument("--hw", nargs="+", action="extend", help=f"hardware file(s) (default: {DEFAULT_HW.name})")
    m.add_argument("--out", help="write one CSV row per (mapping, layer, hw) here")
    m.set_defaults(func=cmd_maestro)
    b = sub.add_parser("bench", help="compile time and steady-state throughput on the current JAX device")
    b.add_argument("--mapping", nargs="+", required=True, action="extend")
    b.add_argument("--hw", nargs="+", required=True, action="extend")
    b.add_argument("--repeat", type=int, default=5, help="timed repetitions (best is reported)")
    b.add_argument("--min-items", type=int, default=100_000,
                   help="replicate the workload up to at least this many layer evaluations per call")
    b.add_argument("--json", help="also write the report here")
    b.set_defaults(func=cmd_bench)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
