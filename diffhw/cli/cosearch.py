"""`diffhw cosearch`: joint network x accelerator search by gradient (`diffhw.joint`), then the network
retrained from scratch and its test accuracy measured.

Writes a run directory: design.json (as `diffhw codesign` writes it), hw.m + mapping.m, weights.npz (the
retrained network of the first seed, batch normalization folded into the convs, keyed `<graph node>.weight`
/ `.bias` in PyTorch layouts, as
`diffhw export RUN_DIR` reads them), architecture.json (space, encoding, layers, test
accuracy per seed, the search's lambda and architecture probabilities) and search.png (or search.csv) with
the losses and log E-EDP per epoch.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from diffhw.outputs import finish_dir, new_dir

SPACES = ("digits",)
DATASETS = ("digits",)


def add_parser(sub) -> None:
    p = sub.add_parser("cosearch", help="joint network x accelerator search by gradient on a real dataset",
                       description="Search a network (a flax supernet of --space, trained on --dataset) and its "
                                   "accelerator together: one optax loop over the weights, the architecture "
                                   "(validation loss + lambda x relaxed E-EDP) and the relaxed accelerator; then "
                                   "the argmax network, its exact hardware refinement, and the network retrained "
                                   "from scratch (test accuracy, --retrain-seeds seeds).")
    p.add_argument("--space", default="digits",
                   help="search space (digits: the AlphaNet-derived MBConv space for 8x8 inputs; darts and "
                        "alphanet are ImageNet / CIFAR sized and have no trainable dataset here)")
    p.add_argument("--dataset", default="digits", help="training data (digits: scikit-learn's 8x8 digits)")
    p.add_argument("--lambda", dest="lam", type=float, default=0.002,
                   help="weight of the hardware term (log E-EDP) in the architecture loss (default 0.002; "
                        "0 searches for accuracy alone; the joint study's grid 0 / 0.01 / 0.1 / 1 spans digits "
                        "from its most accurate to its smallest-EDP networks)")
    p.add_argument("--epochs", type=int, default=30, help="search and retraining epochs (default 30)")
    p.add_argument("--retrain-seeds", type=int, default=3, help="seeds of the from-scratch training (default 3)")
    p.add_argument("--area-budget", type=float, default=1e7, help="area budget (MAESTRO units, default 1e7)")
    p.add_argument("--power-budget", type=float, default=None, help="power budget (default none)")
    p.add_argument("--refine-evals", type=int, default=1000,
                   help="exact evaluations of the hardware refinement (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="run directory to create (default cosearch-runs/<space>-<n>)")
    p.set_defaults(func=cmd_cosearch)


def _check(args) -> None:
    if args.space not in SPACES:
        raise ValueError(f"--space {args.space!r}: joint search needs a space with a trainable supernet; use "
                         f"{', '.join(SPACES)} (darts and alphanet have no dataset that ships without a download)")
    if args.dataset not in DATASETS:
        raise ValueError(f"--dataset {args.dataset!r}: use {', '.join(DATASETS)}")
    if args.epochs < 1 or args.retrain_seeds < 1 or args.refine_evals < 1:
        raise ValueError("--epochs, --retrain-seeds and --refine-evals must be at least 1")
    if not args.lam >= 0:
        raise ValueError(f"--lambda must be >= 0, got {args.lam}")
    if not args.area_budget > 0 or (args.power_budget is not None and not args.power_budget > 0):
        raise ValueError("budgets must be positive")


def _run_dir(space: str) -> Path:
    base = Path("cosearch-runs")
    i = 1
    while (base / f"{space}-{i}").exists():
        i += 1
    return base / f"{space}-{i}"


def cmd_cosearch(args) -> int:
    try:
        _check(args)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else _run_dir(args.space)
    tmp = new_dir(out)  # checked and made before any work; renamed at the end
    try:
        return _cosearch(args, out, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cosearch(args, out: Path, tmp: Path) -> int:
    import numpy as np

    from diffhw.exporters.maestro import export_maestro
    from diffhw.frontends.nas.digits import DIGITS as space
    from diffhw.joint.data import digits
    from diffhw.joint.hardware import ExpectedCost
    from diffhw.joint.search import JointSearch, SearchConfig
    from diffhw.joint.train import fit, torch_weights
    from diffhw.optimize import report

    data = digits()
    print(f"cosearch {args.space} on {args.dataset}: lambda {args.lam}, {args.epochs} epochs, area budget "
          f"{args.area_budget:.4g}; compiling", file=sys.stderr)
    cost = ExpectedCost(space, area_budget=args.area_budget, power_budget=args.power_budget)
    js = JointSearch(cost, data, SearchConfig(epochs=args.epochs, refine_evals=args.refine_evals))
    r = js.run(args.lam, args.seed)
    print(f"searched in {r.seconds:.1f} s (+ {js.compile_seconds:.1f} s compiling); retraining from scratch",
          file=sys.stderr)
    trained = fit(space, r.encoding, data, args.epochs, seeds=tuple(range(args.seed, args.seed + args.retrain_seeds)))
    problem = cost.problem_for(r.encoding)
    result = r.hardware
    if result.best is not None:
        export_maestro(tmp, problem, result.best)
    report.write_design(tmp / "design.json", problem, result)
    weights = torch_weights(trained.params)
    np.savez(tmp / "weights.npz", **weights)
    arch = {"space": args.space, "dataset": args.dataset, "encoding": list(r.encoding),
            "config": space.config(r.encoding), "input_shape": [1, space.in_channels, space.resolution,
                                                                 space.resolution],
            "layout": "weights.npz: graph node names, PyTorch layouts (conv [out, in/groups, kh, kw], linear "
                      "[out, in]), NCHW inputs",
            "layers": space.decode(r.encoding).table(),
            "weights": {k: list(v.shape) for k, v in weights.items()},
            "test_accuracy": trained.test_accuracy.tolist(), "val_accuracy": trained.val_accuracy.tolist(),
            "lambda": args.lam, "epochs": args.epochs, "seed": args.seed,
            "architecture_probabilities": np.round(r.probs, 4).tolist(), "search_seconds": round(r.seconds, 2)}
    (tmp / "architecture.json").write_text(json.dumps(arch, indent=1) + "\n")
    _write_history(tmp, r.history)
    finish_dir(tmp, out)
    m = result.metrics
    s = trained.summary
    print(f"architecture: {json.dumps(space.config(r.encoding))}")
    if result.best is not None:
        print("design: " + " ".join(f"{k}={v}" for k, v in result.best.hardware_dict().items()))
    print(f"test accuracy {s['test_accuracy']:.4f} +/- {s['test_accuracy_std']:.4f} ({s['seeds']} seeds); "
          f"exact latency {m.get('latency_cycles')} cycles, energy {m.get('energy'):.4g}, EDP {m.get('edp'):.4g}, "
          f"area {m.get('area'):.4g}, feasible {m.get('feasible')}")
    print(f"wrote {out}/ (design.json, weights.npz, architecture.json, hw.m, mapping.m, search plot)")
    return 0 if m.get("feasible") else 1


def _write_history(tmp: Path, history) -> None:
    """search.png (losses and log E-EDP per epoch), or search.csv without matplotlib."""
    from diffhw.optimize.report import have_matplotlib

    if not have_matplotlib():
        lines = ["step,train_loss,val_loss,log_e_edp"] + [",".join(f"{v:.6g}" for v in h) for h in history]
        (tmp / "search.csv").write_text("\n".join(lines) + "\n")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    h = list(zip(*history)) if history else [[], [], [], []]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(h[0], h[1], label="train loss")
    ax.plot(h[0], h[2], label="val loss")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")
    ax2 = ax.twinx()
    ax2.plot(h[0], h[3], "k--", label="log E-EDP")
    ax2.set_ylabel("log E-EDP (relaxed)")
    fig.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(tmp / "search.png", dpi=100)
    plt.close(fig)
