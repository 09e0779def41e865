"""DARTS-space study: how well FLOPs alone rank latency, and how hardware-sensitive the rankings are.

    python experiments/darts_study/run.py --config experiments/darts_study/config.yaml --out runs/darts \
        [--samples N] [--format csv]

Evaluates config `samples` DARTS architectures x the hardware grid x the dataflows with `diffhw eval`'s
Python API (`diffhw.sweep.run_eval`; resumable: rerun with --resume), then reports

* per (hardware, dataflow): Spearman rank correlation between the models' MACs (FLOPs) and latency;
* across hardware: Spearman between the latency rankings of every pair of hardware configs (per dataflow),
  and between dataflows on the same hardware;
* how often the FLOPs-best 1 % of the models are the latency-best 1 %.

Writes `<out>/results.parquet|csv` (one row per model x hw x dataflow) and `<out>/summary.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def rank(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank) along the last axis."""
    try:
        from scipy.stats import rankdata

        return rankdata(x, axis=-1)
    except ImportError:  # no ties handling beyond order, fine for continuous latencies
        return np.argsort(np.argsort(x, axis=-1), axis=-1).astype(float)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = rank(a) - (len(a) + 1) / 2, rank(b) - (len(b) + 1) / 2
    return float((ra * rb).sum() / np.sqrt((ra * ra).sum() * (rb * rb).sum()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(Path(__file__).with_name("config.yaml")))
    ap.add_argument("--out", required=True, help="output folder (fresh, or the one of an interrupted run)")
    ap.add_argument("--samples", type=int, help="override the config's sample count")
    ap.add_argument("--format", choices=("parquet", "csv"), default=None)
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    import yaml

    from diffhw.hwgrid import load_grid
    from diffhw.frontends.nas import sample_models
    from diffhw.sweep import EvalConfig, have_pyarrow, read_table, run_eval

    cfg = yaml.safe_load(Path(args.config).read_text())
    n = args.samples or int(cfg["samples"])
    fmt = args.format or ("parquet" if have_pyarrow() else "csv")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    models = sample_models(cfg["space"], n, int(cfg.get("seed", 0)))
    hardware = load_grid(cfg["hardware"])
    dataflows = tuple(cfg["dataflows"])
    res = out / f"results.{fmt}"
    summary = run_eval(models, hardware, EvalConfig(dataflows=dataflows, fmt=fmt, chunk_models=1000), res,
                       resume=args.resume)
    t_eval = time.perf_counter() - t0
    cols = read_table(res)
    nh, nd = len(hardware), len(dataflows)
    shape = (n, nh, nd)
    lat = np.asarray(cols["latency_cycles"], float).reshape(shape)
    valid = np.asarray(cols["valid"], bool).reshape(shape) if not isinstance(cols["valid"][0], str) else \
        (np.asarray(cols["valid"]) == "True").reshape(shape)
    macs = np.asarray(cols["num_macs"], float).reshape(shape)[:, 0, 0]
    report = {"scale": {"samples": n, "hardware": nh, "dataflows": list(dataflows), "rows": int(np.prod(shape)),
                        "valid_rows": int(valid.sum())},
              "eval": {k: summary.get(k) for k in ("wall_s", "unique_evals", "layer_evals", "device")},
              "wall_s_total": None, "per_dataflow": {}}
    top = max(1, n // 100)
    flops_top = set(np.argsort(macs)[:top])
    for d, df in enumerate(dataflows):
        ok = [h for h in range(nh) if valid[:, h, d].all()]
        rho = np.array([spearman(macs, lat[:, h, d]) for h in ok])
        r = rank(lat[:, ok, d].T)  # [H, n]
        rc = np.corrcoef(r) if len(ok) > 1 else np.ones((1, 1))
        iu = np.triu_indices(len(ok), 1)
        overlap = [len(flops_top & set(np.argsort(lat[:, h, d])[:top])) / top for h in ok]
        worst = int(np.argmin(rho)) if len(rho) else None
        report["per_dataflow"][df] = {
            "hw_valid": len(ok),
            "spearman_flops_latency": {"min": float(rho.min()), "median": float(np.median(rho)),
                                       "max": float(rho.max())},
            "worst_hw": None if worst is None else {f: getattr(hardware[ok[worst]], f) for f in
                                                    ("num_pes", "noc_bw", "offchip_bw")},
            "spearman_between_hw": {"min": float(rc[iu].min()) if len(iu[0]) else 1.0,
                                    "median": float(np.median(rc[iu])) if len(iu[0]) else 1.0},
            "top1pct_flops_in_top1pct_latency": {"min": float(min(overlap)), "median": float(np.median(overlap))},
        }
    between_df = []
    for h in range(nh):
        okd = [d for d in range(nd) if valid[:, h, d].all()]
        for i in range(len(okd)):
            for j in range(i + 1, len(okd)):
                between_df.append(spearman(lat[:, h, okd[i]], lat[:, h, okd[j]]))
    report["spearman_between_dataflows_same_hw"] = {"min": float(min(between_df)),
                                                    "median": float(np.median(between_df))}
    report["wall_s_total"] = time.perf_counter() - t0
    (out / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"evaluation {t_eval:.1f} s, total {report['wall_s_total']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
