"""`diffhw maestro`: MAESTRO mapping files, or models under a dataflow, on MAESTRO hardware files.

    diffhw maestro --mapping FILE [FILE ...] --hw FILE [FILE ...] [--out results.csv]
    diffhw maestro MODEL [MODEL ...] --dataflow NAME|FILE [--convention padded|maestro]
                   [--input-shape 1,3,224,224] --hw FILE [FILE ...] [--out results.csv]

`maestro` also accepts MAESTRO's own spellings `--Mapping_file=FILE --HW_file=FILE`.
"""

from __future__ import annotations

import sys
import time
from typing import Optional, Sequence

from diffhw.cli.common import DEFAULT_HW, DEFAULT_MAPPING, heavy_imports, load_inputs, model_options
from diffhw.cli.forked import Forked
from diffhw.outputs import check_file, row_format, write_rows

LEAD_COLUMNS = ("mapping", "network", "layer", "hw")


def read_inputs(mappings: Sequence[str], hws: Sequence[str], **models):
    """`load_inputs`, and each mapping's valid (layer, hardware) pairs grouped by program
    (`diffhw.pairs.prepare`): (mapping items, hw specs, errors, prepared). Imports no JAX."""
    from diffhw.pairs import prepare

    nets, specs, errors = load_inputs(mappings, hws, **models)
    return nets, specs, errors, [prepare(list(net.layers), specs) for _, net in nets] if specs else []


def run_maestro(mappings: Sequence[str], hws: Sequence[str], *, warnings: Optional[list] = None,
                strict: bool = False, csv_energy: bool = False, **models):
    """Evaluate the cross product of mappings x hardware files: (rows, errors). The mappings are the mapping
    files and those made from `models=[MODEL, ...]` with `dataflow=`, `convention=`, `input_shape=`.
    Warnings (MAESTRO's numbers for an odd layer, e.g. Y < R) are appended to `warnings`; with `strict` they
    are errors and their layers give no rows. `csv_energy` adds MAESTRO's CSV energy column (`csv_energy_nJ`,
    see `diffhw.evaluate.add_csv_energy`)."""
    read = Forked(read_inputs, mappings, hws, **models)  # in a child process while JAX is imported here
    with heavy_imports():
        from diffhw.evaluate import evaluate_many
    nets, specs, errors, prepared = read.result()
    rows = []
    evs = evaluate_many([list(net.layers) for _, net in nets], specs, csv_energy=csv_energy,
                        prepared=prepared) if specs else []
    for (stem, net), ev in zip(nets, evs):
        errors.extend(ev.errors)
        (errors if strict else warnings if warnings is not None else []).extend(ev.warnings)
        refused = {w.layer for w in ev.warnings} if strict else set()
        for (i, j), row in zip(ev.items, ev.rows):
            if row is None or net.layers[i].name in refused:
                continue
            lead = {"mapping": stem, "network": net.name, "layer": net.layers[i].name, "hw": specs[j].name}
            rows.append({**lead, **row})
    return rows, errors


def _summary(rows: list[dict], limit: int = 40) -> str:
    """A table of the first `limit` rows (names not cut) and, per (mapping, hw), the network's totals."""
    cols = ("runtime_cycles", "num_macs", "energy_total", "total_l1_size_req", "total_l2_size_req")
    shown = rows[:limit]
    wm, wl, wh = (max([len(h)] + [len(str(r[h])) for r in shown]) for h in ("mapping", "layer", "hw"))
    head = f"{'mapping':<{wm}} {'layer':<{wl}} {'hw':<{wh}} " + " ".join(f"{c:>18}" for c in cols)
    lines = [head, "-" * len(head)]
    for r in shown:
        vals = " ".join(f"{r[c]:>18.6g}" if isinstance(r[c], float) else f"{r[c]:>18d}" for c in cols)
        lines.append(f"{r['mapping']:<{wm}} {r['layer']:<{wl}} {r['hw']:<{wh}} {vals}")
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more rows")
    totals: dict = {}
    for r in rows:
        t = totals.setdefault((r["mapping"], r["hw"]), [0, 0, 0.0])
        t[0], t[1], t[2] = t[0] + 1, t[1] + r["runtime_cycles"], t[2] + r["energy_total"]
    lines.append("network totals (sum over the evaluated layers):")
    lines += [f"  {m} on {h}: {n} layers, {cyc:,} cycles, energy {en:.6g}" for (m, h), (n, cyc, en) in totals.items()]
    return "\n".join(lines)


def normalize_maestro_flags(argv: list[str]) -> list[str]:
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
    if bool(args.model) != (args.dataflow is not None):
        print("error: " + ("MODEL needs --dataflow NAME|FILE to make a mapping (or pass a mapping file with "
                           "--mapping)" if args.model else "--dataflow needs a MODEL (zoo name, .onnx, .m model "
                           "file or pkg.mod:fn; put it before --mapping/--hw)"), file=sys.stderr)
        return 2
    if args.out:
        row_format(args.out)
        check_file(args.out, args.force)  # before any work: a bad --out must not cost the evaluation
    args.mapping = args.mapping or ([] if args.model else [str(DEFAULT_MAPPING)])
    args.hw = args.hw or [str(DEFAULT_HW)]
    warnings: list = []
    rows, errors = run_maestro(args.mapping, args.hw, models=args.model, dataflow=args.dataflow,
                               convention=args.convention, input_shape=args.input_shape, warnings=warnings,
                               strict=args.strict, csv_energy=args.energy)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if rows:
        print(_summary(rows))
    elif not errors:
        print("error: nothing was evaluated: the mapping files and models hold no layer. Fix: check the files "
              "(a mapping file lists `Layer NAME { ... }` blocks inside `Network NAME { ... }`)", file=sys.stderr)
    if args.out:
        from diffhw.results import OUTPUTS

        write_rows(rows, LEAD_COLUMNS + OUTPUTS + (("csv_energy_nJ",) if args.energy else ()), args.out,
                   args.force)
        print(f"wrote {len(rows)} rows to {args.out}")
    print(f"{len(rows)} layer evaluations, {len(errors)} errors, {len(warnings)} warnings, "
          f"{time.perf_counter() - t0:.2f} s")
    return 1 if errors or not rows else 0


def add_parser(sub) -> None:
    m = sub.add_parser("maestro", help="evaluate MAESTRO mapping files, or models under a dataflow, on hardware files")
    m.add_argument("model", nargs="*", metavar="MODEL",
                   help="zoo name, .onnx file, MAESTRO .m model file or PyTorch factory pkg.mod:fn, mapped with "
                        "--dataflow (put MODELs before --mapping/--hw)")
    m.add_argument("--dataflow", metavar="NAME|FILE", help="dataflow for MODEL's layers: a template (os ws rs dla dpt gemm) or a "
                                      "dataflow file; DSCONV layers get dpt, GEMM layers gemm, as MAESTRO's frontend")
    model_options(m)
    m.add_argument("--mapping", nargs="+", action="extend",
                   help=f"mapping file(s) (default without MODEL: the shipped {DEFAULT_MAPPING.name})")
    m.add_argument("--hw", nargs="+", action="extend", help=f"hardware file(s) (default: {DEFAULT_HW.name})")
    m.add_argument("--out", help="write one row per (mapping, layer, hw) here: .csv, .json or .parquet")
    m.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    m.add_argument("--strict", action="store_true", help="treat warnings (MAESTRO's numbers for an odd layer: "
                   "Y < R, 0 MACs, TRCONV read as CONV) as errors: those layers give no rows")
    m.add_argument("--energy", action="store_true", help="add MAESTRO's CSV energy column 'Activity count-based "
                   "Energy (nJ)' as csv_energy_nJ (the value published studies report; file-order dependent)")
    m.set_defaults(func=cmd_maestro)
