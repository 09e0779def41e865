"""The `diffhw` command.

    diffhw maestro --mapping FILE [FILE ...] --hw FILE [FILE ...] [--out results.csv]
    diffhw maestro MODEL [MODEL ...] --dataflow NAME|FILE [--convention padded|maestro]
                   [--input-shape 1,3,224,224] --hw FILE [FILE ...] [--out results.csv]
    diffhw bench   --mapping FILE [FILE ...] --hw FILE [FILE ...] [--repeat N] [--json OUT]
    diffhw layers  MODEL [--input-shape 1,3,224,224] [--convention padded|maestro] [--format csv|maestro]
                   [--out FILE]
    diffhw eval    (--space darts|alphanet --samples N | --models M ...) (--hw FILE ... | --hw-grid GRID)
                   [--dataflows os,ws,rs,dla] [--out results.parquet] [--format parquet|csv] [--resume]

MODEL is a zoo name, an .onnx file, a MAESTRO .m model file or a PyTorch factory `package.module:function`
(`diffhw.frontends.models.load_model`). `maestro` also accepts MAESTRO's own spellings
`--Mapping_file=FILE --HW_file=FILE`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

from diffhw.cost.model import OUTPUTS
from diffhw.errors import InputError

LEAD_COLUMNS = ("mapping", "network", "layer", "hw")
#: Built-in default inputs: VGG16 under the NVDLA-like dataflow, on MAESTRO's accelerator_1 hardware file.
DATA = Path(__file__).parent / "data"
DEFAULT_MAPPING = DATA / "vgg16_dla.m"
DEFAULT_HW = DATA / "accelerator_1.m"


def _load_graph(model: str, input_shape, convention: str):
    """`load_model(model)`, or None and its failure as InputErrors (a bad MAESTRO file's own, else one naming
    MODEL; never a traceback). Prints a note per op kept in the graph without a MAESTRO layer."""
    from diffhw.errors import ErrorReport
    from diffhw.frontends.models import load_model

    try:
        graph = load_model(model, input_shape, convention)
    except InputError as e:
        return None, [e]
    except ErrorReport as e:
        return None, list(e.errors)
    except (ValueError, ImportError, OSError) as e:
        return None, [InputError(file=model, message=str(e))]
    except Exception as e:  # a frontend failing on the user's model: report it, no traceback
        return None, [InputError(file=model, message=f"cannot load MODEL: {type(e).__name__}: {e}")]
    for node in graph.unsupported():
        note = node.attrs.get("note") or "no MAESTRO layer for this op"
        print(f"note: op {node.attrs.get('op', '?')!r} (node {node.name!r}, output {node.shape}) kept in the "
              f"graph as a non-MAC op, MACs not counted: {note}", file=sys.stderr)
    return graph, []


def _model_mappings(models: Sequence[str], dataflow: str, convention: str = "padded", input_shape=None):
    """Mappings made from MODELs as MAESTRO's frontend (`modelfile_to_mapping.py`) makes them: `dataflow` (a
    template name or a dataflow file) on every layer, except `dpt` on DSCONV layers, and `gemm` on GEMM
    layers. Returns ([(label, network)], errors); label is `<network>__<dataflow>`, the reference mapping
    files' naming. Layers the dataflow is invalid for are reported and left out, as in a mapping file."""
    from diffhw.frontends.maestro import apply_dataflow, load_dataflow, validate_layer

    try:
        df = load_dataflow(dataflow)
    except InputError as e:
        return [], [e]
    nets, errors = [], []
    for model in models:
        graph, errs = _load_graph(model, input_shape, convention)
        errors.extend(errs)
        if graph is None:
            continue
        net = apply_dataflow(graph.to_network(convention), {"CONV": df, "GEMM": "gemm"}, check=False)
        layers = []
        for layer in net.layers:
            errs = validate_layer(layer, file=model)
            errors.extend(errs)
            if not errs:
                layers.append(layer)
        nets.append((f"{net.name}__{df.name}", replace(net, layers=tuple(layers))))
    return nets, errors


def _load_inputs(mappings: Sequence[str], hws: Sequence[str], models: Sequence[str] = (),
                 dataflow: Optional[str] = None, convention: str = "padded", input_shape=None):
    """Parse mapping and hardware files, and make mappings from MODELs under `dataflow`
    (`_model_mappings`); returns (mapping items, hw specs, errors)."""
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
    if models:
        made, errs = _model_mappings(models, dataflow, convention, input_shape)
        nets.extend(made)
        errors.extend(errs)
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


def run_maestro(mappings: Sequence[str], hws: Sequence[str], **models):
    """Evaluate the cross product of mappings x hardware files: (rows, errors). The mappings are the mapping
    files and those made from `models=[MODEL, ...]` with `dataflow=`, `convention=`, `input_shape=`."""
    from diffhw.evaluate import evaluate

    nets, specs, errors = _load_inputs(mappings, hws, **models)
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
    if bool(args.model) != (args.dataflow is not None):
        print("error: " + ("MODEL needs --dataflow NAME|FILE to make a mapping (or pass a mapping file with "
                           "--mapping)" if args.model else "--dataflow needs a MODEL (zoo name, .onnx, .m model "
                           "file or pkg.mod:fn; put it before --mapping/--hw)"), file=sys.stderr)
        return 2
    args.mapping = args.mapping or ([] if args.model else [str(DEFAULT_MAPPING)])
    args.hw = args.hw or [str(DEFAULT_HW)]
    rows, errors = run_maestro(args.mapping, args.hw, models=args.model, dataflow=args.dataflow,
                               convention=args.convention, input_shape=args.input_shape)
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


def _input_shape(text: str) -> tuple[int, ...]:
    """argparse type for --input-shape: comma-separated positive ints, e.g. 1,3,224,224."""
    try:
        shape = tuple(int(t) for t in text.replace("x", ",").split(",") if t.strip())
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers such as 1,3,224,224, "
                                         f"got {text!r}")
    return shape


def layers_text(graph, convention: str, fmt: str) -> str:
    """The layer table of `graph` as CSV (one row per MAC node, then a total row: MACs of the rows, params
    of the whole graph incl. norms and embeddings) or as a MAESTRO model file."""
    import io

    from diffhw.frontends.graph import TABLE_COLUMNS
    from diffhw.frontends.maestro import write_model

    if fmt == "maestro":
        return write_model(graph.to_network(convention), with_dataflow=False)
    rows = graph.table(convention)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(TABLE_COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    w.writerow({"name": "total", "macs": sum(r["macs"] for r in rows), "params": graph.params(),
                "repeat": sum(r["repeat"] for r in rows)})
    return buf.getvalue()


def cmd_layers(args) -> int:
    graph, errors = _load_graph(args.model, args.input_shape, args.convention)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if graph is None:
        return 2
    layers = graph.mac_layers(args.convention)
    if not layers:
        print(f"error: MODEL {args.model!r} has no MAC layers (conv, linear, matmul)", file=sys.stderr)
        return 1
    text = layers_text(graph, args.convention, args.format)
    if args.out:
        Path(args.out).write_text(text)
        macs = sum(spec.num_macs() * rep for _, spec, rep in layers)
        print(f"wrote {len(layers)} MAC nodes of {graph.name} ({macs:,} MACs in the {args.convention} convention, "
              f"{graph.params():,} params) to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _model_options(parser: argparse.ArgumentParser) -> None:
    """--input-shape and --convention, for the commands that read a MODEL."""
    parser.add_argument("--input-shape", type=_input_shape,
                        help="input shape, e.g. 1,3,224,224 (zoo, PyTorch, ONNX with dynamic sizes)")
    parser.add_argument("--convention", choices=("padded", "maestro"), default="padded",
                        help="padded: Y/X include padding, MACs exact (default); maestro: as MAESTRO's frontend")


# ------------------------------------------------------------------------------------------ diffhw eval


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
        _, specs, hw_errors = _load_inputs([], args.hw)
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


def _add_eval_parser(sub) -> None:
    e = sub.add_parser("eval", help="batched network-level evaluation: models x hardware x dataflows")
    src = e.add_argument_group("models")
    src.add_argument("--space", choices=("darts", "alphanet"), help="sample a NAS search space")
    src.add_argument("--samples", type=int, default=1000, help="architectures to sample (default 1000)")
    src.add_argument("--seed", type=int, default=0)
    src.add_argument("--models", nargs="+", action="extend", metavar="MODEL",
                     help=".m/.onnx files, folders of them, zoo names or PyTorch factories")
    _model_options(e)
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


# ------------------------------------------------------------------------------------------- codesign


def _codesign_methods() -> tuple[dict, str]:
    """Search methods by name and the default: `gradient` (diffhw.optimize.gradient) once it exists."""
    import importlib

    from diffhw.optimize.baselines import METHODS

    methods = dict(METHODS)
    try:
        methods["gradient"] = importlib.import_module("diffhw.optimize.gradient").search
    except ImportError:
        pass
    return methods, ("gradient" if "gradient" in methods else "random")


def _parse_assignments(items, what: str, pair: bool = False) -> dict:
    from diffhw.optimize.problem import HW_PARAMS

    out = {}
    for item in items or ():
        if "=" not in item:
            raise ValueError(f"{what} {item!r}: expected PARAM={'LO:HI' if pair else 'VALUE'} with PARAM one of "
                             f"{', '.join(HW_PARAMS)}")
        k, v = (t.strip() for t in item.split("=", 1))
        if k not in HW_PARAMS:
            raise ValueError(f"{what} {item!r}: unknown parameter {k!r}; use one of {', '.join(HW_PARAMS)}")

        def num(t):
            try:
                x = float(t)
            except ValueError:
                x = float("nan")
            if not (x >= 1 and x == int(x)):
                raise ValueError(f"{what} {item!r}: {t!r} is not a positive integer")
            return int(x)

        if pair:
            if ":" not in v:
                raise ValueError(f"{what} {item!r}: expected PARAM=LO:HI")
            lo, hi = (num(t) for t in v.split(":", 1))
            if lo > hi:
                raise ValueError(f"{what} {item!r}: LO must not exceed HI")
            out[k] = (lo, hi)
        else:
            out[k] = num(v)
    return out


class _SearchBar:
    """Progress bar on stderr: fraction of the budget, evaluations, best objective so far."""

    def __init__(self, method: str, enabled: bool = True):
        self.method, self.enabled, self.last, self.finished = method, enabled, 0.0, False
        self.tty = sys.stderr.isatty()

    def __call__(self, frac: float, evals: int, best: float) -> None:
        """Show the state (at most every 0.2 s on a terminal, 5 s in a log); the full bar once."""
        now = time.perf_counter()
        if not self.enabled or self.finished or (now - self.last < (0.2 if self.tty else 5.0) and frac < 1.0):
            return
        self.finished = frac >= 1.0
        self.last = now
        bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
        msg = f"codesign {self.method} [{bar}] {100 * frac:5.1f}% {evals:,} designs, best {best:.4g}"
        sys.stderr.write(("\r" + msg + ("\n" if frac >= 1.0 else "")) if self.tty else msg + "\n")
        sys.stderr.flush()


def cmd_codesign(args) -> int:
    """`diffhw codesign`: search hardware + dataflows for a network, write design.json, MAESTRO files and
    the convergence plot to --out."""
    from diffhw.optimize import baselines, report
    from diffhw.optimize.problem import DEFAULT_BOUNDS, Problem, smallest_design

    if not args.network and not args.model:
        args.network = DEFAULT_CODESIGN_NETWORK
    out = Path(args.out) if args.out else _new_run_dir(Path(args.model).stem if args.model else args.network)
    if (out / "design.json").exists():
        print(f"error: {out / 'design.json'} exists: choose another --out (a run never overwrites a result)",
              file=sys.stderr)
        return 2
    methods, default = _codesign_methods()
    method = args.method or default
    if method not in methods:
        print(f"error: unknown method {method!r}; available: {', '.join(sorted(methods))}", file=sys.stderr)
        return 2
    if args.method is None and default != "gradient":
        print("note: the gradient method is not available yet; using random search (--method to choose)",
              file=sys.stderr)
    try:
        fixed = _parse_assignments(args.fix, "--fix")
        bounds = _parse_assignments(args.bound, "--bound", pair=True)
        for k, v in fixed.items():
            if k in bounds:
                raise ValueError(f"{k} is both fixed (--fix) and bounded (--bound)")
        dataflows = [d.strip() for d in args.dataflows.split(",") if d.strip()]
        source = args.network or args.model
        from diffhw.frontends.models import load_model

        try:
            g = load_model(source)
        except InputError as e:
            raise ValueError(f"cannot load {source!r}: {e}") from None
        except Exception as e:  # noqa: BLE001 - a frontend failing on a user's model: report it
            msg = str(e).split("\n")[0]
            raise ValueError(f"cannot load {'network' if args.network else 'model'} {source!r}: {msg}") from None
        name = Path(source).stem if args.model else source
        specs = [s for s in g.to_network().layers if s.op in ("CONV", "DSCONV", "GEMM")]
        problem = Problem.make([(name, specs)], args.objective, args.area_budget, args.power_budget, dataflows,
                               args.per_layer, fixed, bounds, tiles=args.tiles)
        small = smallest_design(problem)
        if small["area"] > problem.area_budget or (problem.power_budget is not None
                                                    and small["power"] > problem.power_budget):
            raise ValueError(
                f"budgets infeasible: the smallest accelerator allowed (num_pes={small['num_pes']}, "
                f"noc_bw={small['noc_bw']}, minimal buffers) has area {small['area']:.4g} and power "
                f"{small['power']:.4g} (budgets: area {problem.area_budget:.4g}, power "
                f"{problem.power_budget if problem.power_budget is not None else 'none'}): raise the budgets or "
                f"lower the bounds (--bound num_pes=LO:HI, defaults {DEFAULT_BOUNDS['num_pes']})")
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    budget = {"budget_evals": args.budget_evals, "budget_seconds": args.budget_seconds}
    print(f"codesign {name}: {len(specs)} layers, objective {problem.objective}, area budget "
          f"{problem.area_budget:.4g}, method {method}, free {', '.join(problem.free) or 'nothing'}",
          file=sys.stderr)
    try:
        result = methods[method](problem, seed=args.seed, progress=_SearchBar(method, not args.quiet), **budget)
    except baselines.SearchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    files = []
    if result.best is not None:
        files += report.export_maestro(out, problem, result.best)
    files.append(report.write_convergence(out, result.history, method, problem.objective))
    if files[-1].suffix == ".csv":
        print("note: matplotlib is not installed: wrote convergence.csv instead of convergence.png "
              "(pip install 'diffhw[plot]')", file=sys.stderr)
    report.write_design(out / "design.json", problem, result)
    files.insert(0, out / "design.json")
    m = result.metrics
    if result.best is not None:
        hw = result.best.hardware_dict()
        print("design: " + " ".join(f"{k}={v}" for k, v in hw.items()))
        used = sorted({t for row in result.best.dataflows for t in row})
        print(f"dataflows: {', '.join(used)}" + (" (per layer)" if problem.per_layer else "")
              + (" with searched tile sizes (design.json, mapping files)" if problem.tiles else ""))
    if m.get("latency_cycles") is not None:
        print(f"latency {m['latency_cycles']:,} cycles, energy {m['energy']:.4g}, edp {m['edp']:.4g}, "
              f"area {m['area']:.4g}, power {m['power']:.4g}, feasible {m['feasible']}")
    print(f"{method}: {result.evaluations:,} designs in {result.wall_seconds:.1f} s (seed {result.seed})"
          + (f"; {result.note}" if result.note else ""))
    print(f"files in {out}/: " + ", ".join(f.name for f in files))
    if not result.feasible:
        print(f"error: no feasible design found: {m.get('error') or result.note}; raise the budgets, free "
              "parameters or give a larger --budget-evals", file=sys.stderr)
        return 1
    return 0


#: The network `diffhw codesign` optimizes when given none (the Quickstart's default run).
DEFAULT_CODESIGN_NETWORK = "vgg16"


def _new_run_dir(name: str) -> Path:
    """The first codesign-runs/NAME-N that does not exist yet."""
    n = 1
    while (path := Path("codesign-runs") / f"{name}-{n}").exists():
        n += 1
    return path


def _add_codesign_parser(sub) -> None:
    from diffhw.optimize.problem import DEFAULT_AREA_BUDGET, HW_PARAMS, OBJECTIVES, SEARCH_DATAFLOWS

    c = sub.add_parser("codesign", help="search accelerator hardware and dataflows for a network under budgets")
    src = c.add_mutually_exclusive_group()
    src.add_argument("--network", metavar="NAME",
                     help=f"zoo network (e.g. vgg16, mobilenetv2, resnet50; default {DEFAULT_CODESIGN_NETWORK})")
    src.add_argument("--model", metavar="FILE", help="MAESTRO model or mapping file (its dataflows are ignored)")
    c.add_argument("--objective", choices=OBJECTIVES, default="edp", help="network total to minimize")
    c.add_argument("--area-budget", type=float, default=DEFAULT_AREA_BUDGET,
                   help=f"MAESTRO area units (default {DEFAULT_AREA_BUDGET:g}: PE count and NoC bandwidth bind)")
    c.add_argument("--power-budget", type=float, help="MAESTRO power units (default: none)")
    c.add_argument("--dataflows", default=",".join(SEARCH_DATAFLOWS),
                   help="templates to choose from (DSCONV layers use dpt, GEMM layers gemm)")
    c.add_argument("--per-layer", action="store_true", help="one dataflow per layer instead of one for all")
    c.add_argument("--tiles", action="store_true",
                   help="also search every layer's tile sizes (the templates' K / C tiles and cluster sizes)")
    c.add_argument("--fix", nargs="+", action="extend", metavar="PARAM=VALUE",
                   help=f"fix hardware parameters ({', '.join(HW_PARAMS)})")
    c.add_argument("--bound", nargs="+", action="extend", metavar="PARAM=LO:HI", help="bounds of free parameters")
    c.add_argument("--method", help="gradient, random, grid or genetic (default: gradient when available)")
    budget = c.add_mutually_exclusive_group()
    budget.add_argument("--budget-evals", type=int, metavar="N", help="candidate designs to evaluate")
    budget.add_argument("--budget-seconds", type=float, metavar="S", help="wall-clock budget")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--out", metavar="DIR", help="run directory (must not hold a design.json; default: a new "
                   "codesign-runs/NETWORK-N)")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_codesign)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = _normalize_maestro_flags(list(sys.argv[1:] if argv is None else argv))
    p = argparse.ArgumentParser(prog="diffhw", description="Differentiable, batched MAESTRO cost model.")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("maestro", help="evaluate MAESTRO mapping files, or models under a dataflow, on hardware files")
    m.add_argument("model", nargs="*", metavar="MODEL",
                   help="zoo name, .onnx file, MAESTRO .m model file or PyTorch factory pkg.mod:fn, mapped with "
                        "--dataflow (put MODELs before --mapping/--hw)")
    m.add_argument("--dataflow", metavar="NAME|FILE", help="dataflow for MODEL's layers: a template (os ws rs dla dpt gemm) or a "
                                      "dataflow file; DSCONV layers get dpt, GEMM layers gemm, as MAESTRO's frontend")
    _model_options(m)
    m.add_argument("--mapping", nargs="+", action="extend",
                   help=f"mapping file(s) (default without MODEL: the shipped {DEFAULT_MAPPING.name})")
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
    la = sub.add_parser("layers", help="the MAC layers of a model (zoo name, .onnx, .m, package.module:fn)")
    la.add_argument("model", metavar="MODEL",
                    help="zoo name (e.g. resnet50), .onnx file, MAESTRO .m file, or PyTorch factory pkg.mod:fn")
    _model_options(la)
    la.add_argument("--format", choices=("csv", "maestro"), default="csv", help="CSV table or MAESTRO model file")
    la.add_argument("--out", help="write here instead of stdout")
    la.set_defaults(func=cmd_layers)
    _add_eval_parser(sub)
    _add_codesign_parser(sub)
    args = p.parse_args(argv)
    _compilation_cache()
    return args.func(args)


def _compilation_cache() -> None:
    """Keep compiled programs across runs (JAX's persistent cache) so that a repeated command skips its
    compiles: `diffhw codesign --network mobilenetv2` takes 105 s the first time, 41 s the next on 2 CPU
    cores. Location: $JAX_COMPILATION_CACHE_DIR if set, else $DIFFHW_CACHE_DIR, else ~/.cache/diffhw/jax;
    DIFFHW_CACHE_DIR=off disables it."""
    import os

    import jax

    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return
    where = os.environ.get("DIFFHW_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "diffhw", "jax"))
    if where == "off":
        return
    try:
        os.makedirs(where, exist_ok=True)
    except OSError:
        return  # read-only home: run without the cache
    jax.config.update("jax_compilation_cache_dir", where)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


if __name__ == "__main__":
    sys.exit(main())
