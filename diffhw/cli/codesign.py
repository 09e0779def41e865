"""`diffhw codesign`: search accelerator hardware and dataflows for a network under area/power budgets.

Writes design.json, MAESTRO hw.m + mapping.m and the convergence plot into a run directory.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from pathlib import Path

from diffhw.cli.common import heavy_imports, load_graph, model_label, model_options
from diffhw.outputs import finish_dir, new_dir


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
    from diffhw.optimize.defaults import HW_PARAMS

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
            if not (math.isfinite(x) and x >= 1 and x == int(x)):
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
        self.budget = None
        self.t0 = time.perf_counter()

    def phase(self, text: str) -> None:
        """Say what the search is doing now (its long phases: case analysis, compiles, refinement)."""
        if self.enabled:
            sys.stderr.write(("\n" if self.tty and self.last else "") + f"codesign {self.method}: {text} "
                             f"({time.perf_counter() - self.t0:.0f} s)\n")
            sys.stderr.flush()

    def watch(self, budget) -> None:
        """Keep the search's budget (its best design so far), to save it on Ctrl-C."""
        self.budget = budget

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
    if not args.network and not args.model:
        args.network = DEFAULT_CODESIGN_NETWORK
    out = Path(args.out) if args.out else _new_run_dir(model_label(args.model or args.network))
    tmp = new_dir(out)  # made before any work (a run writes a new folder, never into a user's), renamed at the end
    try:
        return _codesign(args, out, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _codesign(args, out: Path, tmp: Path) -> int:
    with heavy_imports():
        from diffhw.exporters.maestro import export_maestro
        from diffhw.optimize import report
        from diffhw.optimize.search import SearchError
        from diffhw.optimize.defaults import DEFAULT_BOUNDS
        from diffhw.optimize.problem import Problem, smallest_design
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
            if v > BOUND_LIMITS[k]:
                raise ValueError(f"--fix {k}={v}: above the {BOUND_LIMITS[k]:,} this search supports for {k}")
        for k, (lo, hi) in bounds.items():
            if hi > BOUND_LIMITS[k]:
                raise ValueError(f"--bound {k}={lo}:{hi}: the upper bound is above the {BOUND_LIMITS[k]:,} "
                                 f"this search supports for {k} (its moves enumerate candidate values); "
                                 f"use HI <= {BOUND_LIMITS[k]:,}")
        for k, v in fixed.items():
            if k in bounds:
                raise ValueError(f"{k} is both fixed (--fix) and bounded (--bound)")
        dataflows = [d.strip() for d in args.dataflows.split(",") if d.strip()]
        source = args.network or args.model
        g, errors = load_graph(source, args.input_shape, args.convention)
        if g is None:
            raise ValueError("; ".join(str(e) for e in errors))
        name = model_label(source)
        specs = [s for s in g.to_network(args.convention).layers if s.op in ("CONV", "DSCONV", "GEMM")]
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
    bar = _SearchBar(method, not args.quiet)
    interrupted = False
    try:
        result = methods[method](problem, seed=args.seed, progress=bar, **budget)
    except SearchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if bar.budget is None or bar.budget.best is None:
            raise  # nothing to save yet
        from diffhw import cli

        cli.SAVING.set()
        interrupted = True
        result = bar.budget.result("interrupted (Ctrl-C or SIGTERM): the best design found until then")
        print(f"\ninterrupted: saving the best of {result.evaluations:,} designs to {out}/", file=sys.stderr)
    if args.budget_seconds is not None and result.wall_seconds > 1.5 * args.budget_seconds + 1:
        result.note = "; ".join(filter(None, [result.note, (
            f"the search took {result.wall_seconds:.0f} s for a {args.budget_seconds:g} s budget: the budget is "
            "checked between batches of designs, and the first batches include tracing and compiling the cost "
            "model, which a budget cannot interrupt")]))
    files = []
    if result.best is not None:
        files += export_maestro(tmp, problem, result.best)
    files.append(report.write_convergence(tmp, result.history, method, problem.objective, name))
    if files[-1].suffix == ".csv":
        print("note: matplotlib is not installed: wrote convergence.csv instead of convergence.png "
              "(pip install 'diffhw[plot]')", file=sys.stderr)
    report.write_design(tmp / "design.json", problem, result)
    files.insert(0, tmp / "design.json")
    finish_dir(tmp, out)
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
    if interrupted:
        return 130
    if not result.feasible:
        print(f"error: no feasible design found: {m.get('error') or result.note}; raise the budgets, free "
              "parameters or give a larger --budget-evals", file=sys.stderr)
        return 1
    return 0


#: Largest upper bound per hardware parameter (--bound): the search's moves enumerate candidate PE counts
#: and bandwidths, so the range must stay small enough to list; buffer sizes are 32-bit in MAESTRO.
BOUND_LIMITS = {"num_pes": 1 << 16, "noc_bw": 1 << 16, "offchip_bw": 1 << 16, "l1_size": (1 << 31) - 1,
                "l2_size": (1 << 31) - 1}

#: The network `diffhw codesign` optimizes when given none (the Quickstart's default run).
DEFAULT_CODESIGN_NETWORK = "vgg16"


def _new_run_dir(name: str) -> Path:
    """The first codesign-runs/NAME-N that does not exist yet."""
    n = 1
    while (path := Path("codesign-runs") / f"{name}-{n}").exists():
        n += 1
    return path


def add_parser(sub) -> None:
    from diffhw.optimize.defaults import DEFAULT_AREA_BUDGET, HW_PARAMS, OBJECTIVES, SEARCH_DATAFLOWS

    c = sub.add_parser("codesign", help="search accelerator hardware and dataflows for a network under budgets")
    src = c.add_mutually_exclusive_group()
    src.add_argument("--network", metavar="NAME",
                     help=f"zoo network (e.g. vgg16, mobilenetv2, resnet50; default {DEFAULT_CODESIGN_NETWORK})")
    src.add_argument("--model", metavar="MODEL", help="any MODEL: .m model or mapping file (its dataflows are "
                     "ignored), .onnx file, zoo name or PyTorch factory pkg.mod:fn; MODEL@N,C,H,W sets its shape")
    model_options(c)
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
    c.add_argument("--out", metavar="DIR", help="run directory, created by the run (must not exist or be empty; "
                   "default: a new codesign-runs/NETWORK-N)")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_codesign)


