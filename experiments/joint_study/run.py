"""Joint network x accelerator search vs decoupled, semi-decoupled and random co-design on digits.

    python experiments/joint_study/run.py --out DIR [--seeds 0 1 2] [--epochs 4] [--lambdas 0 0.01 0.1 1]

Per study seed, every method produces a set of final (architecture, accelerator) points on the digits
space (`diffhw.frontends.nas.digits`) under the same area budget:

* joint: `diffhw.joint.JointSearch.path(lambdas=--lambdas)` (one optax loop over weights, architecture and
  relaxed accelerator along the lambdas, smallest first; argmax network and exact hardware refinement per
  lambda);
* decoupled: the same loop with a FLOPs budget instead of the hardware term (a path along the
  `--mac-quantiles` of the space's MACs, loosest first), then the gradient co-design of the accelerator
  for each network;
* semi_decoupled: SPOS supernet, one-shot accuracy x reference-accelerator EDP ranking of 200 random
  networks, gradient co-design of the best `--keep`;
* random: random (architecture, accelerator) pairs evaluated exactly.

Every distinct final architecture is retrained from scratch once (same epochs, `--retrain-seeds` seeds in
one call, `--workers` networks at a time in threads, after every seed's searches); the table
reports the test accuracy mean +/- std and the exact latency / energy / EDP / area of the design. The
hypervolume of each method's front (test accuracy up, log10 EDP down; reference point: accuracy 0.1 and
1.1 x the largest EDP of any method on that seed) is compared. Writes DIR/results.json, DIR/table.md and
DIR/pareto.png. Search seconds: each method's wall time minus the time JAX spent compiling in it
(`diffhw.joint.timing.CompileClock`; recorded apart as the method's `compile_seconds`), so that no method
pays for a program another one compiled first; the seed's warm start (the search's first `warmup` steps,
independent of lambda and of the MAC budget) is charged to joint and to decoupled.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np


def _cache() -> None:
    """The program store and JAX's persistent compilation cache, as the `diffhw` command sets them
    ($DIFFHW_CACHE_DIR, default ~/.cache/diffhw; `off` disables both)."""
    from diffhw.cli import use_compilation_cache

    use_compilation_cache()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--epochs", type=int, default=4, help="search epochs (joint, decoupled, SPOS)")
    ap.add_argument("--retrain-epochs", type=int, default=8, help="epochs of every final network's retraining")
    ap.add_argument("--retrain-seeds", type=int, default=3)
    ap.add_argument("--lambdas", type=float, nargs="+", default=[0.0, 0.01, 0.1, 1.0])
    ap.add_argument("--mac-quantiles", type=float, nargs="+", default=[1.0, 0.3, 0.1, 0.03])
    ap.add_argument("--keep", type=int, default=4)
    ap.add_argument("--random", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2, help="networks retrained at a time (threads)")
    ap.add_argument("--area-budget", type=float, default=1e7)
    ap.add_argument("--merge", nargs="+", metavar="RUN_DIR",
                    help="combine finished study directories (e.g. one seed per process) into --out")
    args = ap.parse_args(argv)

    from diffhw.outputs import finish_dir, new_dir

    out = Path(args.out)
    tmp = new_dir(out)
    try:
        if args.merge:
            _merge([json.loads((Path(d) / "results.json").read_text()) for d in args.merge], tmp)
        else:
            _study(args, tmp)
        finish_dir(tmp, out)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {out}/results.json, table.md, pareto.png")
    return 0


def _study(args, tmp: Path) -> None:
    _cache()
    from diffhw.frontends.nas.digits import DIGITS as space
    from diffhw.joint import baselines
    from diffhw.joint.data import digits
    from diffhw.joint.front import hypervolume
    from diffhw.joint.hardware import ExpectedCost
    from diffhw.joint.search import JointSearch, SearchConfig
    from diffhw.joint.timing import CompileClock
    from diffhw.joint.train import fit

    t_all = time.perf_counter()
    data = digits()
    cost = ExpectedCost(space, area_budget=args.area_budget)
    js = JointSearch(cost, data, SearchConfig(epochs=args.epochs))
    compile_s = {"joint_programs": round(js.compile_seconds, 2), "methods": 0.0, "retraining": 0.0}
    log(f"compiled the joint programs in {js.compile_seconds:.1f} s")
    macs = space.sample(2000, seed=12345).macs
    mac_budgets = [float(np.quantile(macs, q)) for q in args.mac_quantiles]
    phase = {"search": 0.0, "retraining": 0.0}

    def timed(fn):
        """(fn's points, its seconds with JAX's compiles set apart, those compile seconds)."""
        with CompileClock() as clock:
            points = fn()
        phase["search"] += clock.seconds
        compile_s["methods"] += clock.compile_seconds
        return points, clock.search_seconds, clock.compile_seconds

    searched = []  # per seed: {method: (points [(Point, extra)], search seconds, compile seconds)}
    for seed in args.seeds:
        methods = {}
        # the warm start is the same for every lambda and MAC budget: charged to joint and to decoupled
        start, warm_s, warm_c = timed(lambda: js.warm_start(seed))

        def joint():
            rs = js.path(seed, lambdas=args.lambdas, start=start)
            for lam, r in zip(args.lambdas, rs):
                log(f"seed {seed} joint lambda {lam}: {space.config(r.encoding)} EDP {r.hardware.metrics['edp']:.4g}")
            return [(baselines.point_of(r.encoding, r.hardware), {"lambda": lam}) for lam, r in zip(args.lambdas, rs)]

        pts, secs, comp = timed(joint)
        methods["joint"] = (pts, warm_s + secs, warm_c + comp)
        (dec, _), secs, comp = timed(lambda: baselines.decoupled(js, mac_budgets, seed, start=start))
        methods["decoupled"] = ([(p, {"mac_budget": b}) for p, b in zip(dec, mac_budgets)], warm_s + secs, warm_c + comp)
        log(f"seed {seed} decoupled done")
        (semi, _), secs, comp = timed(lambda: baselines.semi_decoupled(js, seed, keep=args.keep))
        methods["semi_decoupled"] = ([(p, {}) for p in semi], secs, comp)
        log(f"seed {seed} semi-decoupled done")
        (rnd, _), secs, comp = timed(lambda: baselines.random_pairs(cost, args.random, seed))
        methods["random"] = ([(p, {}) for p in rnd], secs, comp)
        log(f"seed {seed} random done: " + ", ".join(f"{k} {v[1]:.0f} s" for k, v in methods.items()))
        searched.append(methods)

    # every distinct final network of every method and seed, retrained from scratch (`--retrain-seeds` seeds in
    # one call); the first alone (it compiles the training program), the others `--workers` at a time
    encodings = list(dict.fromkeys(tuple(int(e) for e in pt.encoding)
                                   for methods in searched for pts, _, _ in methods.values() for pt, _ in pts))

    def retrain(enc) -> dict:
        r = fit(space, enc, data, args.retrain_epochs, seeds=tuple(range(args.retrain_seeds)))
        return r.summary | {"train_seconds": round(r.seconds, 2)}

    with CompileClock() as clock:
        trained = dict(zip(encodings[:1], map(retrain, encodings[:1])))
        with ThreadPoolExecutor(max(1, args.workers)) as pool:
            trained.update(zip(encodings[1:], pool.map(retrain, encodings[1:])))
    compile_s["retraining"] = clock.compile_seconds
    phase["retraining"] = clock.seconds
    log(f"retrained {len(encodings)} networks in {clock.seconds:.0f} s ({clock.compile_seconds:.0f} s compiling)")

    runs = []
    for seed, methods in zip(args.seeds, searched):
        doc = {}
        for name, (points, secs, comp) in methods.items():
            rows = []
            for pt, extra in points:
                acc = trained[tuple(int(e) for e in pt.encoding)]
                m = pt.metrics
                rows.append({"test_accuracy": acc["test_accuracy"], "test_accuracy_std": acc["test_accuracy_std"],
                             "val_accuracy": acc["val_accuracy"], "edp": m["edp"],
                             "latency_cycles": m["latency_cycles"], "energy": m["energy"], "area": m["area"],
                             "power": m.get("power"), "feasible": bool(m["feasible"]),
                             "architecture": {"encoding": list(pt.encoding), **space.config(pt.encoding),
                                              "macs": int(space.decode(pt.encoding).macs())},
                             "hardware": pt.hardware, "dataflow": pt.template,
                             **extra})
            doc[name] = {"search_seconds": round(secs, 2), "compile_seconds": round(comp, 2), "points": rows}
        ref = 1.1 * max(r["edp"] for m in doc.values() for r in m["points"])
        for m in doc.values():
            pts = m["points"]
            m["hypervolume"] = hypervolume([r["test_accuracy"] for r in pts], [r["edp"] for r in pts], 0.1, ref)
        runs.append({"seed": seed, "reference_edp": ref, "load_average": list(os.getloadavg()), "methods": doc})
        log("seed result " + json.dumps(runs[-1], default=_json))
        log(f"seed {seed}: " + ", ".join(f"{k} HV {v['hypervolume']:.3f} ({v['search_seconds']:.0f} s)"
                                          for k, v in doc.items()))
    total = time.perf_counter() - t_all
    split = {"compile_joint_programs": compile_s["joint_programs"],
             "compile_during_searches": round(compile_s["methods"], 1),
             "compile_during_retraining": round(compile_s["retraining"], 1),
             "search_without_compiles": round(phase["search"] - compile_s["methods"], 1),
             "retraining_without_compiles": round(phase["retraining"] - compile_s["retraining"], 1)}
    split["other"] = round(total - sum(split.values()), 1)
    log(f"time split: {split}")
    _write({"config": vars(args) | {"mac_budgets": mac_budgets}, "time_split_seconds": split,
            "load_average": list(os.getloadavg()), "total_seconds": round(total, 1)}, runs, tmp)


def _merge(results: list, tmp: Path) -> None:
    """One study from several (one seed each, run in parallel processes): their runs side by side."""
    runs = [r for res in results for r in res["runs"]]
    _write({"config": [res["config"] for res in results],
            "total_seconds": [res["total_seconds"] for res in results]}, runs, tmp)


def _write(head: dict, runs: list, tmp: Path) -> None:
    wins = {b: sum(r["methods"]["joint"]["hypervolume"] > r["methods"][b]["hypervolume"]
                   and r["methods"]["joint"]["search_seconds"] <= r["methods"][b]["search_seconds"] for r in runs)
            for b in ("decoupled", "semi_decoupled", "random")}
    result = {"methods": runs[0]["methods"], "runs": runs, "wins_of_joint": wins, **head}
    (tmp / "results.json").write_text(json.dumps(result, indent=1, default=_json) + "\n")
    (tmp / "table.md").write_text(_table(result))
    _plot(runs, tmp / "pareto.png")


def _json(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(type(x))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _table(result: dict) -> str:
    lines = [f"Study: {len(result['runs'])} seeds, total {result['total_seconds']} s; joint beats (HV and "
             f"search time): " + ", ".join(f"{k} on {v}/{len(result['runs'])} seeds"
                                            for k, v in result["wins_of_joint"].items()), ""]
    names = list(result["runs"][0]["methods"])
    lines += ["| method | hypervolume per seed | hypervolume mean +/- std | search s per seed | search s mean |",
              "|---|---|---|---|---|"]
    for name in names:
        hv = np.array([r["methods"][name]["hypervolume"] for r in result["runs"]])
        secs = np.array([r["methods"][name]["search_seconds"] for r in result["runs"]])
        lines.append(f"| {name} | {' / '.join(f'{v:.3f}' for v in hv)} | {hv.mean():.3f} +/- {hv.std():.3f} | "
                     f"{' / '.join(f'{v:.0f}' for v in secs)} | {secs.mean():.0f} |")
    lines += ["", "| seed | method | search s | hypervolume | points (test acc +/- std @ EDP) |", "|---|---|---|---|---|"]
    for run in result["runs"]:
        for name, m in run["methods"].items():
            pts = "; ".join(f"{p['test_accuracy']:.3f}+/-{p['test_accuracy_std']:.3f} @ {p['edp']:.3g}"
                            for p in sorted(m["points"], key=lambda p: p["edp"]))
            lines.append(f"| {run['seed']} | {name} | {m['search_seconds']:.0f} | {m['hypervolume']:.3f} | {pts} |")
    lines += ["", "Per point (seed, method): architecture (stem width, stage widths, ops), MACs, design, exact "
              "latency (cycles) / energy / EDP / area:", ""]
    lines += ["| seed | method | test acc | MACs | widths | ops | PEs | L1 | L2 | NoC bw | off-chip bw | dataflow | "
              "latency | energy | EDP | area |", "|" + "---|" * 16]
    for run in result["runs"]:
        for name, m in run["methods"].items():
            for p in sorted(m["points"], key=lambda p: p["edp"]):
                a, h = p["architecture"], p["hardware"]
                lines.append(
                    f"| {run['seed']} | {name} | {p['test_accuracy']:.3f}+/-{p['test_accuracy_std']:.3f} | "
                    f"{a['macs']:,} | {a['stem']},{'/'.join(map(str, a['widths']))} | "
                    f"{' '.join('-'.join(o) for o in a['ops'])} | {h.get('num_pes')} | {h.get('l1_size')} | "
                    f"{h.get('l2_size')} | {h.get('noc_bw')} | {h.get('offchip_bw')} | {p['dataflow']} | "
                    f"{p['latency_cycles']:.4g} | {p['energy']:.4g} | {p['edp']:.4g} | {p['area']:.4g} |")
    return "\n".join(lines) + "\n"


def _plot(runs, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"joint": "C3", "decoupled": "C0", "semi_decoupled": "C2", "random": "C7"}
    fig, axes = plt.subplots(1, len(runs), figsize=(5 * len(runs), 4), squeeze=False)
    for ax, run in zip(axes[0], runs):
        for name, m in run["methods"].items():
            pts = sorted(m["points"], key=lambda p: p["edp"])
            x = [p["edp"] for p in pts]
            y = [p["test_accuracy"] for p in pts]
            e = [p["test_accuracy_std"] for p in pts]
            ax.errorbar(x, y, yerr=e, fmt="o", color=colors[name], label=f"{name} (HV {m['hypervolume']:.2f})",
                        capsize=2)
        ax.set_xscale("log")
        ax.set_xlabel("exact EDP (cycles x energy)")
        ax.set_ylabel("test accuracy (retrained, mean +/- std)")
        ax.set_title(f"digits, study seed {run['seed']}")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
