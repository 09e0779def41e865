"""`diffhw eval`: batched network-level evaluation, models x hardware x dataflows (see diffhw.sweep).

    diffhw eval (--space darts|alphanet --samples N | --models M ...) (--hw FILE ... | --hw-grid GRID)
                [--dataflows os,ws,rs,dla] [--out results.parquet] [--format parquet|csv] [--resume]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from diffhw.cli.common import load_inputs, model_options


def cmd_eval(args) -> int:
    """`diffhw eval`: models x hardware x dataflows -> one row per (model, hw, dataflow); see diffhw.sweep."""
    from diffhw import sweep as sw
    from diffhw.hwgrid import GridError, load_grid

    if args.coordinator or args.num_processes > 1:
        import jax

        if not args.coordinator:
            print("error: --num-processes > 1 needs --coordinator host:port", file=sys.stderr)
            return 2
        jax.distributed.initialize(args.coordinator, args.num_processes, args.process_id)
    if args.format == "parquet" and not sw.have_pyarrow():
        print("error: Parquet output needs pyarrow: pip install 'diffhw[parquet]', or pass --format csv",
              file=sys.stderr)
        return 2
    errors: list[str] = []
    if args.space:
        try:
            models = sw.models_from_space(args.space, args.samples, args.seed)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    elif args.models:
        models, errors = sw.load_models(args.models, args.input_shape, args.convention)
    else:
        print("error: give models: --space darts|alphanet --samples N, or --models FILE|DIR|ZOO_NAME ...",
              file=sys.stderr)
        return 2
    hardware = []
    try:
        if args.hw_grid:
            hardware.extend(load_grid(args.hw_grid))
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
    hw_bad = sw.check_hardware(hardware)
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
    out = args.out or f"eval.{ 'parquet' if args.format == 'parquet' else 'csv'}"
    cfg = sw.EvalConfig(dataflows=tuple(d.strip() for d in args.dataflows.split(",") if d.strip()), rule=rule,
                        area_budget=args.area_budget, power_budget=args.power_budget, per_layer=args.per_layer,
                        chunk_models=args.chunk_models, fmt=args.format)
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
          f"({summary['evals_per_s']:,.0f} /s); device {summary['device']}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if errors else 0


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
    e.add_argument("--out", help="output file (default eval.parquet / eval.csv); never overwritten")
    e.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    e.add_argument("--resume", action="store_true", help="continue an interrupted run into the same --out")
    e.add_argument("--chunk-models", type=int, default=256, help="models per output chunk (default 256)")
    e.add_argument("--devices", type=int, help="use only the first N local devices")
    e.add_argument("--coordinator", metavar="HOST:PORT", help="jax.distributed coordinator (multi-process)")
    e.add_argument("--num-processes", type=int, default=1)
    e.add_argument("--process-id", type=int, default=0)
    e.add_argument("--json", help="also write the summary here")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    e.set_defaults(func=cmd_eval)


