"""`diffhw eval`: batched network-level evaluation, models x hardware x dataflows (see diffhw.sweep).

    diffhw eval (--space darts|alphanet --samples N | --models M ...) (--hw FILE ... | --hw-grid GRID)
                [--dataflows os,ws,rs,dla] [--out results.parquet] [--format parquet|csv|json] [--resume]
"""

from __future__ import annotations

import json
import math
import sys

from diffhw.cli.common import heavy_imports, load_inputs, model_options
from diffhw.hwgrid import MAX_POINTS
from diffhw.outputs import write_file


def cmd_eval(args) -> int:
    """`diffhw eval`: models x hardware x dataflows -> one row per (model, hw, dataflow); see diffhw.sweep."""
    with heavy_imports():
        from diffhw import sweep as sw
        from diffhw.dataflow import template
        from diffhw.errors import InputError
        from diffhw.frontends.maestro import load_dataflow
        from diffhw.frontends.models import load_networks
        from diffhw.frontends.nas import sample_models
        from diffhw.hwgrid import GridError, load_grid
        from diffhw.validation import check_hardware

    if args.coordinator or args.num_processes > 1:
        import jax

        if not args.coordinator:
            print("error: --num-processes > 1 needs --coordinator host:port", file=sys.stderr)
            return 2
        jax.distributed.initialize(args.coordinator, args.num_processes, args.process_id)
    bad = _check_numbers(args)
    if bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2
    out = _output(args)  # checked before any work
    errors: list[str] = []
    if args.space:
        try:
            models = sample_models(args.space, args.samples, args.seed)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    elif args.models:
        models, errors = load_networks(args.models, args.input_shape, args.convention)
    else:
        print("error: give models: --space darts|alphanet --samples N, or --models FILE|DIR|ZOO_NAME ...",
              file=sys.stderr)
        return 2
    hardware = []
    try:
        if args.hw_grid:
            hardware.extend(load_grid(args.hw_grid, args.max_hw))
    except GridError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.hw:
        _, specs, hw_errors = load_inputs([], args.hw)
        hardware.extend(specs)
        errors.extend(str(e) for e in hw_errors)
    if not hardware:
        print("error: give hardware: --hw FILE ... or --hw-grid grid.yaml", file=sys.stderr)
        return 2
    hw_bad = check_hardware(hardware)
    errors.extend(hw_bad)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if models is None or hw_bad:
        return 2
    try:
        rule = sw.parse_rule(args.rule)
    except ValueError as e:
        print(f"error: --rule: {e}", file=sys.stderr)
        return 2
    dataflows = tuple(d.strip() for d in args.dataflows.split(",") if d.strip())
    library = {}  # dataflow files named in --dataflows or --rule (the built-in templates need none)
    for name in dict.fromkeys(dataflows + tuple(v for v in rule.values() if v != "same")):
        if template(name) is None:
            try:
                library[name] = load_dataflow(name)
            except InputError as e:
                print(f"error: dataflow {name!r}: {e}", file=sys.stderr)
                return 2
    cfg = sw.EvalConfig(dataflows=dataflows, rule=rule, area_budget=args.area_budget,
                        power_budget=args.power_budget, per_layer=args.per_layer, chunk_models=args.chunk_models,
                        fmt=args.format, csv_energy=args.energy, library=library)
    import jax

    devices = jax.local_devices()[: args.devices] if args.devices else jax.local_devices()
    try:
        summary = sw.run_eval(models, hardware, cfg, out, resume=args.resume, devices=devices,
                              process_id=args.process_id, num_processes=args.num_processes,
                              progress=not args.quiet)
    except (sw.EvalError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if summary.get("note"):
        print(f"{out}: {summary['note']}")
        return 1 if errors else 0
    total = summary.get("rows_total")
    where = f"wrote {total:,} rows to {out}" if total is not None else f"wrote {summary['rows']:,} rows (part)"
    print(f"{where}; {summary['models']:,} models x {summary['hardware']} hw x {summary['dataflows']} dataflows; "
          f"{summary['rows']:,} rows this run in {summary['wall_s']:.1f} s; {summary['unique_evals']:,} distinct "
          f"layer evaluations stand for {summary['layer_evals']:,} network layer-evaluations "
          f"({summary['evals_per_s']:,.0f} network layer-evaluations/s end to end); device {summary['device']}")
    if args.json:
        write_file(args.json, json.dumps(summary, indent=2) + "\n", force=args.resume)
    return 1 if errors else 0


#: Default limit on --samples: 10 million networks is ~1.2 GB of layer table for DARTS networks.
MAX_SAMPLES = 10_000_000


def _check_numbers(args) -> str:
    """The first problem with eval's numeric flags, or ''."""
    if args.space and not 1 <= args.samples <= args.max_samples:
        return (f"--samples must be between 1 and {args.max_samples:,} (got {args.samples:,}); "
                "raise the limit with --max-samples" if args.samples > 0 else
                f"--samples must be at least 1 (got {args.samples})")
    if args.chunk_models < 1:
        return f"--chunk-models must be at least 1 (got {args.chunk_models})"
    if args.max_hw < 1 or args.max_samples < 1:
        return "--max-hw and --max-samples must be at least 1"
    if not [d for d in args.dataflows.split(",") if d.strip()]:
        return "--dataflows is empty: give templates (os,ws,rs,dla,dpt,gemm) or dataflow files, comma-separated"
    for flag, v in (("--area-budget", args.area_budget), ("--power-budget", args.power_budget)):
        if v is not None and not (v > 0 and math.isfinite(v)):
            return f"{flag} must be a positive number (got {v})"
    return ""


def _output(args) -> str:
    """--out checked before any work: its format (from the extension, else --format), a writable folder, no
    existing file unless --resume (then sweep.run_eval checks that it is this run's), --json likewise."""
    from diffhw import sweep as sw
    from diffhw.outputs import OutputError, check_file, row_format

    fmt = args.format or "parquet"
    if (args.out or "").endswith(".parquet") or (not args.out and fmt == "parquet"):
        if not sw.have_pyarrow():
            raise OutputError(args.out or "eval.parquet", "Parquet output needs pyarrow",
                              "pip install 'diffhw[parquet]', or write CSV (--out NAME.csv, or --format csv "
                              "without --out)")
    if args.out:
        fmt = row_format(args.out)
        if args.format and args.format != fmt:
            raise OutputError(args.out, f"the extension says {fmt} but --format says {args.format}",
                              "drop --format (the extension decides) or change the extension")
    args.format = fmt
    out = args.out or f"eval.{fmt}"
    resume = "pass --resume to finish an interrupted run of the same command"
    check_file(out, force=args.resume, overwrite=resume)
    if args.json:
        check_file(args.json, force=args.resume, flag="--json", overwrite=resume)
    return out


def add_parser(sub) -> None:
    e = sub.add_parser("eval", help="batched network-level evaluation: models x hardware x dataflows")
    src = e.add_argument_group("models")
    src.add_argument("--space", choices=("darts", "alphanet"), help="sample a NAS search space")
    src.add_argument("--samples", type=int, default=1000, help="architectures to sample (default 1000)")
    src.add_argument("--seed", type=int, default=0)
    src.add_argument("--models", nargs="+", action="extend", metavar="MODEL",
                     help=".m/.onnx files, folders of them, zoo names or PyTorch factories")
    model_options(e)
    e.add_argument("--hw", nargs="+", action="extend", metavar="FILE", help="MAESTRO hardware file(s)")
    e.add_argument("--hw-grid", metavar="GRID", help="hardware grid spec (.yaml/.json; see diffhw.hwgrid)")
    e.add_argument("--dataflows", default="os,ws,rs,dla",
                   help="comma-separated templates or dataflow files swept for CONV layers (default os,ws,rs,dla)")
    e.add_argument("--rule", help="per-layer-type dataflow overrides, default DSCONV=dpt,GEMM=gemm (MAESTRO's "
                   "frontend); 'same' = the swept dataflow, e.g. DSCONV=same")
    e.add_argument("--area-budget", type=float, help="area budget (MAESTRO units) for the area_ok flag")
    e.add_argument("--power-budget", type=float, help="power budget (MAESTRO units) for the power_ok flag")
    e.add_argument("--per-layer", action="store_true", help="also write per-layer rows to OUT.layers.EXT")
    e.add_argument("--energy", action="store_true", help="add MAESTRO's CSV energy column (csv_energy_nJ: its "
                   "'Activity count-based Energy (nJ)' summed over the network's layers in order)")
    e.add_argument("--out", help="output file, .parquet or .csv (default eval.parquet); never overwritten")
    e.add_argument("--format", choices=("parquet", "csv", "json"),
                   help="row format when --out is not given (default parquet); with --out the extension decides")
    e.add_argument("--resume", action="store_true", help="continue an interrupted run into the same --out")
    e.add_argument("--chunk-models", type=int, default=256, help="models per output chunk (default 256)")
    e.add_argument("--max-hw", type=int, default=MAX_POINTS,
                   help=f"largest hardware grid accepted (default {MAX_POINTS:,})")
    e.add_argument("--max-samples", type=int, default=MAX_SAMPLES,
                   help=f"largest --samples accepted (default {MAX_SAMPLES:,})")
    e.add_argument("--devices", type=int, help="use only the first N local devices")
    e.add_argument("--coordinator", metavar="HOST:PORT", help="jax.distributed coordinator (multi-process)")
    e.add_argument("--num-processes", type=int, default=1)
    e.add_argument("--process-id", type=int, default=0)
    e.add_argument("--json", help="also write the summary here")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    e.set_defaults(func=cmd_eval)


