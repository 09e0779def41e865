"""Co-design study: gradient co-design vs grid (optimum of the grid), random and genetic search.

    python experiments/codesign_study/run.py --out DIR [--networks vgg16,mobilenet_v2,resnet18]
        [--budgets 2e7,5e7,1e8] [--evals N] [--seconds S] [--seeds K] [--grid-points P] [--compiled]
        [--per-layer] [--tiles]

For each network x area budget (objective EDP, every hardware parameter free in `DEFAULT_BOUNDS`, one
template of os/ws/rs/dla for the accelerator, or one per layer with `--per-layer`, plus every layer's tile
sizes with `--tiles`; DSCONV -> dpt, GEMM -> gemm) and seed:

* `gradient`: `diffhw.optimize.gradient.search` (its defaults; `--evals N` / `--seconds S` cap it). Its exact
  evaluation count E and wall time T set the budgets of the baselines below.
* `random` and `genetic` at equal evaluations (`budget_evals=E`) and at equal wall time (`budget_seconds=T`).
* `grid` once per network x budget (seed independent; always the template space: one template for the
  accelerator, the templates' tile sizes): the exhaustive `baselines.grid` over `--grid-points`
  log-spaced values of num_pes / noc_bw / offchip_bw x 4 dataflows (l1/l2 are sized to the requirement by
  repair, which is optimal). If it refuses (too large), fewer points are tried and the note says so.

Wall times include JIT compiles for every method: the JAX caches are cleared before each run
(`jax.clear_caches()`), so no method profits from another's compiles. `--compiled` measures the repeated-run
case instead (a second `diffhw codesign` on the same network, whose programs the CLI keeps in JAX's
persistent compilation cache): every run is preceded by the same call, unmeasured, with the persistent
cache on (DIR/jax-cache), so each measured run loads from disk the programs its own first call compiled.
Every run is deterministic per seed except the equal-time runs, whose length depends on the machine's speed.

Writes into DIR (refused if DIR/results.json exists): results.json (every run), table.md (per network x
budget: each method's best EDP relative to the grid optimum, and gradient vs random / genetic ratios at
equal evaluations and equal time), pareto.png (latency vs area of the best designs per method and budget)
and runs.jsonl (one line per run as it finishes).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

BASELINES = ("random", "genetic")
COLUMNS = ("gradient", "random@evals", "genetic@evals", "random@time", "genetic@time")


def load_specs(name: str):
    from diffhw.frontends.models import load_model

    g = load_model(name)
    return [s for s in g.to_network().layers if s.op in ("CONV", "DSCONV", "GEMM")]


def row_of(result, method: str, mode: str, network: str, budget: float, seed: int) -> dict:
    m = result.metrics
    d = result.best
    first = result.history[0][1] if result.history else None
    return {
        "method": method, "mode": mode, "network": network, "area_budget": budget, "seed": seed,
        "edp": m.get("edp"), "latency_cycles": m.get("latency_cycles"), "energy": m.get("energy"),
        "area": m.get("area"), "power": m.get("power"), "feasible": bool(m.get("feasible", False)),
        "evaluations": int(result.evaluations), "wall_seconds": round(float(result.wall_seconds), 3),
        "first_score_seconds": None if first is None else round(float(first), 3),
        "hardware": d.hardware_dict() if d is not None else None,
        "dataflows": sorted({t for r in d.dataflows for t in r}) if d is not None else None,
        "note": result.note,
        **(adam_only(result) if method == "gradient" else {}),
    }


def adam_only(result) -> dict:
    """The gradient's best design before its exact refinement: EDP and wall time at its last Adam score."""
    from diffhw.optimize.gradient import adam_evaluations

    h = [x for x in result.history if x[0] <= adam_evaluations({})]
    return {"adam_edp": h[-1][2] if h else None, "adam_seconds": round(h[-1][1], 3) if h else None}


def run_grid(problem, points: int):
    """Exhaustive grid; fewer points when it refuses. Returns (result, points used, note)."""
    from diffhw.optimize import baselines
    from diffhw.optimize.search import SearchError

    last = f"--grid-points {points} < 2"
    for p in range(points, 1, -1):
        try:
            r = baselines.grid(problem, points=p)
        except SearchError as e:
            last = str(e)
            continue
        note = f"{p} points per parameter" + ("" if p == points else f" (refused with more points: {last})")
        return r, p, note
    raise SearchError(f"grid refused at every size: {last}")


def gmean(xs):
    xs = [x for x in xs if x is not None and math.isfinite(x) and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt(x, spec=".3f"):
    return "—" if x is None else format(x, spec)


def column(r: dict) -> str:
    return r["method"] if r["mode"] in ("reference", "exhaustive") else f"{r['method']}@{r['mode']}"


def write_table(out: Path, rows: list, meta: dict) -> str:
    nets = list(dict.fromkeys(r["network"] for r in rows))
    budgets = sorted({r["area_budget"] for r in rows})
    lines = [f"# Co-design study (objective EDP; {meta['seeds']} seed(s); geometric mean over seeds)", "",
             f"Command: `{meta['command']}`  ", f"Machine: {meta['machine']}", "",
             "EDP relative to the grid optimum (< 1: better than the grid; the grid is exhaustive over its "
             "points, the other methods search continuous values). `eq.evals` / `eq.time`: random and genetic "
             "at the gradient's evaluation count / wall time. Ratios `X / gradient` > 1: gradient better.", "",
             "`gradient (Adam)`: its design before the exact refinement (`diffhw.optimize.refine`).", "",
             "Wall times: " + ("programs loaded from the persistent compile cache (`--compiled`)."
                               if meta.get("compiled") else "compiles included for every method."), "",
             "| network | area budget | grid EDP | gradient (Adam) | gradient | random eq.evals | genetic eq.evals "
             "| random eq.time "
             "| genetic eq.time | random/grad (evals) | genetic/grad (evals) | random/grad (time) | "
             "genetic/grad (time) | gradient evals, s | grid evals, s |",
             "|" + "---|" * 15]
    for n in nets:
        for b in budgets:
            sel = [r for r in rows if r["network"] == n and r["area_budget"] == b]
            if not sel:
                continue
            edp = {c: gmean([r["edp"] if r["feasible"] else None for r in sel if column(r) == c])
                   for c in ("grid",) + COLUMNS}
            g = edp["grid"]
            rel = {c: (edp[c] / g if edp[c] is not None and g else None) for c in COLUMNS}
            ratio = {c: (edp[c] / edp["gradient"] if edp[c] is not None and edp["gradient"] else None)
                     for c in COLUMNS[1:]}
            gr = [r for r in sel if r["method"] == "gradient"]
            gd = [r for r in sel if r["method"] == "grid"]
            ge = f"{np.mean([r['evaluations'] for r in gr]):.0f}, {np.mean([r['wall_seconds'] for r in gr]):.1f}"
            gde = (f"{gd[0]['evaluations']}, {gd[0]['wall_seconds']:.1f}" if gd else "—")
            adam = gmean([r.get("adam_edp") for r in sel if r["method"] == "gradient"])
            lines.append(f"| {n} | {b:.3g} | {fmt(g, '.4g')} | {fmt(adam / g if adam and g else None)} | "
                         + " | ".join(fmt(rel[c]) for c in COLUMNS) + " | "
                         + " | ".join(fmt(ratio[c], '.2f') for c in COLUMNS[1:]) + f" | {ge} | {gde} |")
    lines += ["", "Best designs (first seed):", "",
              "| network | area budget | method | num_pes | l1 | l2 | noc_bw | offchip_bw | dataflow | latency "
              "(cycles) | energy | area | evals | wall s | first score s |", "|" + "---|" * 15]
    s0 = min(r["seed"] for r in rows)
    for r in rows:
        if r["seed"] != s0:
            continue
        h = r["hardware"] or {}
        lines.append(f"| {r['network']} | {r['area_budget']:.3g} | {column(r)} | {h.get('num_pes', '—')} | "
                     f"{h.get('l1_size', '—')} | {h.get('l2_size', '—')} | {h.get('noc_bw', '—')} | "
                     f"{h.get('offchip_bw', '—')} | {','.join(r['dataflows'] or [])} | "
                     f"{r['latency_cycles'] if r['latency_cycles'] is not None else '—'} | "
                     f"{fmt(r['energy'], '.4g')} | {fmt(r['area'], '.4g')} | {r['evaluations']} | "
                     f"{r['wall_seconds']:.1f} | {fmt(r['first_score_seconds'], '.1f')} |")
    text = "\n".join(lines) + "\n"
    (out / "table.md").write_text(text)
    return text


def write_pareto(out: Path, rows: list) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nets = list(dict.fromkeys(r["network"] for r in rows))
    budgets = sorted({r["area_budget"] for r in rows})
    markers = {"grid": "s", "gradient": "*", "random@evals": "o", "genetic@evals": "^", "random@time": "x",
               "genetic@time": "v"}
    colors = dict(zip(budgets, plt.rcParams["axes.prop_cycle"].by_key()["color"] * 4))
    fig, axes = plt.subplots(1, len(nets), figsize=(5.2 * len(nets), 4.4), squeeze=False)
    for ax, n in zip(axes[0], nets):
        for r in rows:
            if r["network"] != n or not r["feasible"]:
                continue
            c = column(r)
            ax.scatter(r["area"], r["latency_cycles"], marker=markers[c], color=colors[r["area_budget"]],
                       s=110 if c == "gradient" else 45, alpha=0.8,
                       label=f"{c}, budget {r['area_budget']:.3g}")
        for b in budgets:
            ax.axvline(b, color=colors[b], ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("area (MAESTRO units)")
        ax.set_ylabel("latency (cycles)")
        ax.set_title(n)
        ax.grid(alpha=0.3)
        h, lab = ax.get_legend_handles_labels()
        uniq = dict(zip(lab, h))
        ax.legend(uniq.values(), uniq.keys(), fontsize=6)
    fig.suptitle("Best designs (min EDP) per method and area budget (dotted: budgets)")
    fig.tight_layout()
    path = out / "pareto.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--networks", default="vgg16,mobilenet_v2,resnet18")
    ap.add_argument("--budgets", default="2e7,5e7,1e8", help="area budgets (MAESTRO area units)")
    ap.add_argument("--evals", type=int, help="cap on the gradient's exact evaluations (default: its schedule)")
    ap.add_argument("--seconds", type=float, help="cap on the gradient's wall time")
    ap.add_argument("--seeds", type=int, default=1, help="seeds 0..K-1 per network x budget (averaged)")
    ap.add_argument("--grid-points", type=int, default=6)
    ap.add_argument("--compiled", action="store_true",
                    help="measure each run after an identical unmeasured one (persistent compile cache on)")
    ap.add_argument("--per-layer", action="store_true", help="one dataflow per layer (gradient, random, genetic)")
    ap.add_argument("--tiles", action="store_true", help="also search every layer's tile sizes (not the grid)")
    args = ap.parse_args()

    out = Path(args.out)
    if (out / "results.json").exists():
        print(f"error: {out / 'results.json'} exists: choose another --out (a study never overwrites results)",
              file=sys.stderr)
        return 2
    nets = [n.strip() for n in args.networks.split(",") if n.strip()]
    budgets = [float(b) for b in args.budgets.split(",") if b.strip()]
    if args.seeds < 1 or not nets or not budgets:
        print("error: need at least one network, one budget and one seed", file=sys.stderr)
        return 2

    import jax

    from diffhw.optimize import baselines, gradient
    from diffhw.optimize.problem import Problem, smallest_design
    from diffhw.optimize.search import SearchError

    out.mkdir(parents=True, exist_ok=True)
    log = open(out / "runs.jsonl", "w")
    rows: list = []
    t_all = time.perf_counter()

    def keep(row):
        rows.append(row)
        log.write(json.dumps(row) + "\n")
        log.flush()
        print(f"  {column(row):14s} edp {fmt(row['edp'], '.4g')} evals {row['evaluations']} "
              f"{row['wall_seconds']:.1f} s (first score {fmt(row['first_score_seconds'], '.1f')} s) "
              f"feasible {row['feasible']}", flush=True)

    if args.compiled:
        jax.config.update("jax_compilation_cache_dir", str(out / "jax-cache"))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)

    def measured(fn, *a, **kw):
        """fn(*a, **kw) with empty in-memory compile caches (after an unmeasured identical call with
        --compiled)."""
        if args.compiled:
            jax.clear_caches()
            fn(*a, **kw)
        jax.clear_caches()
        return fn(*a, **kw)

    for net in nets:
        specs = load_specs(net)
        for budget in budgets:
            problem = Problem.make([(net, specs)], "edp", budget, per_layer=args.per_layer, tiles=args.tiles)
            template_space = Problem.make([(net, specs)], "edp", budget)
            small = smallest_design(problem)
            if small["area"] > budget:
                print(f"skip {net} @ {budget:.3g}: the smallest accelerator has area {small['area']:.4g}",
                      file=sys.stderr)
                continue
            print(f"{net} ({len(specs)} layers) @ area budget {budget:.3g}", flush=True)
            try:
                gr, pts, note = measured(run_grid, template_space, args.grid_points)
                row = row_of(gr, "grid", "exhaustive", net, budget, 0)
                row["note"] = "; ".join(x for x in (row["note"], note) if x)
                keep(row)
            except SearchError as e:
                print(f"  grid: {e}", file=sys.stderr)
            for seed in range(args.seeds):
                g = measured(gradient.search, problem, budget_evals=args.evals, budget_seconds=args.seconds,
                             seed=seed)
                keep(row_of(g, "gradient", "reference", net, budget, seed))
                evals, secs = g.evaluations, g.wall_seconds
                for name in BASELINES:
                    fn = baselines.METHODS[name]
                    keep(row_of(measured(fn, problem, budget_evals=evals, seed=seed), name, "evals", net, budget,
                                seed))
                    keep(row_of(measured(fn, problem, budget_seconds=secs, seed=seed), name, "time", net, budget,
                                seed))
            write_table(out, rows, {"command": "(partial)", "seeds": args.seeds, "machine": "(partial)",
                                    "compiled": args.compiled})
    log.close()
    command = "python experiments/codesign_study/run.py " + " ".join(sys.argv[1:])
    meta = {"command": command, "seeds": args.seeds, "compiled": args.compiled, "per_layer": args.per_layer,
            "tiles": args.tiles,
            "machine": f"{platform.machine()} {platform.system()}, {jax.device_count()} {jax.default_backend()} "
                       "device(s)", "total_seconds": round(time.perf_counter() - t_all, 1),
            "gradient_defaults": gradient.DEFAULTS, "grid_points": args.grid_points}
    (out / "results.json").write_text(json.dumps({"meta": meta, "runs": rows}, indent=1) + "\n")
    print(write_table(out, rows, meta))
    try:
        print(f"wrote {write_pareto(out, rows)}")
    except ImportError:
        print("note: matplotlib is not installed: no pareto.png", file=sys.stderr)
    print(f"total {meta['total_seconds']:.0f} s; files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
