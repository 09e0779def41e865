"""report.md of a bundle and its figures (matplotlib, the `plot` extra; without it the report has tables only).

Figures: ``layers.png`` (per-layer latency and energy bars, coloured by what bounds the layer) and, for a
co-design run, ``convergence.png`` (the run's best objective vs evaluations with the exported design
marked). A layer is bound by off-chip bandwidth when its off-chip requirement exceeds offchip_bw, by NoC
bandwidth when its peak NoC requirement exceeds noc_bw or its average ingress or egress delay exceeds its
average compute delay (MAESTRO's per-step delays), else by compute (`bound`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

__all__ = ["BOUNDS", "bound", "write_figures", "report_markdown"]

BOUNDS = ("compute", "NoC bandwidth", "off-chip bandwidth")
_COLORS = {"compute": "tab:blue", "NoC bandwidth": "tab:orange", "off-chip bandwidth": "tab:red"}


def bound(row: dict, hw) -> str:
    """What bounds a layer (one of `BOUNDS`), from its evaluation row on `hw`."""
    if row["offchip_bw_req"] > hw.offchip_bw:
        return "off-chip bandwidth"
    if row["peak_noc_bw_req"] > hw.noc_bw or max(row["ingress_delay_avg"], row["egress_delay_avg"]) > \
            row["compute_delay_avg"]:
        return "NoC bandwidth"
    return "compute"


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def write_figures(folder: Path, layers: list[dict], run_doc: dict, objective_value: Optional[float]) -> list[str]:
    """Write layers.png (and convergence.png for a run with a history) into `folder`; returns the file names
    written (none without matplotlib)."""
    plt = _pyplot()
    if plt is None:
        return []
    names = []
    n = len(layers)
    fig, axes = plt.subplots(2, 1, figsize=(max(8, 0.18 * n + 2), 6), sharex=True)
    colors = [_COLORS[r["bound"]] for r in layers]
    for ax, key, label in ((axes[0], "latency_cycles", "latency (cycles)"), (axes[1], "energy", "energy")):
        ax.bar(range(n), [r[key] for r in layers], color=colors)
        ax.set_ylabel(label)
        ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)
    axes[1].set_xticks(range(n))
    axes[1].set_xticklabels([r["name"] for r in layers], rotation=90, fontsize=6)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in _COLORS.values()]
    axes[0].legend(handles, list(_COLORS), fontsize=7, loc="upper right")
    fig.suptitle("per-layer latency and energy (colour: what bounds the layer)")
    fig.tight_layout()
    fig.savefig(folder / "layers.png", dpi=100)
    plt.close(fig)
    names.append("layers.png")
    history = [(e, o) for e, _, o in (run_doc.get("search") or {}).get("history", []) if o is not None]
    if history and objective_value is not None:
        objective = (run_doc.get("problem") or {}).get("objective", "objective")
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.step([h[0] for h in history], [h[1] for h in history], where="post", label="best so far")
        ax.plot([history[-1][0]], [objective_value], "r*", markersize=14, label="exported design")
        ax.set_xlabel("evaluations")
        ax.set_ylabel(f"best feasible {objective}")
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.suptitle(f"co-design run ({(run_doc.get('search') or {}).get('method', '?')})")
        fig.tight_layout()
        fig.savefig(folder / "convergence.png", dpi=100)
        plt.close(fig)
        names.append("convergence.png")
    return names


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}" if math.isfinite(v) else "n/a"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def report_markdown(doc: dict, figures: list[str]) -> str:
    """report.md from a bundle's design.json document and the figure files written."""
    t, hw, src = doc["totals"], doc["hardware"], doc["source"]
    lines = [f"# Export of {doc['network']}", "",
             "Source: " + ", ".join(f"{k} `{v}`" for k, v in src.items()), "",
             "## Design", "", "| parameter | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in hw.items()]
    lines += ["", "Exact evaluation of maestro/mapping.m on maestro/hw.m (MAESTRO gives the same per-layer "
              "latency):", "", "| total | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(t[k])} |" for k in ("latency_cycles", "energy", "edp", "area", "power", "num_macs",
                                                  "max_l1_req", "max_l2_req")]
    lines.append(f"| feasible | {t['feasible']} |")
    for p in t["problems"]:
        lines.append(f"\n**Infeasible:** {p}")
    run = doc.get("run")
    if run:
        lines += ["", f"The run's design.json reports latency {_fmt(run['latency_cycles'])} cycles and energy "
                      f"{_fmt(run['energy'])}; this evaluation {'agrees' if run['agrees'] else 'DIFFERS'}."]
    counts = {b: sum(r["bound"] == b for r in doc["layers"]) for b in BOUNDS}
    lines += ["", "## Layers", "",
              "Bound: " + ", ".join(f"{n} {b}-bound" for b, n in counts.items()) +
              " (off-chip: requirement > offchip_bw; NoC: peak requirement > noc_bw or ingress/egress delay > "
              "compute delay; else compute).", ""]
    lines += [f"![{f}]({f})" for f in figures if f == "layers.png"]
    if not figures:
        lines.append("(no figures: matplotlib is not installed; pip install 'diffhw[plot]')")
    lines += ["", "| layer | type | dataflow | device | latency (cycles) | energy | bound |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['name']} | {r['type']} | {r.get('dataflow', '')} | {r['device']} | {_fmt(r['latency_cycles'])} | "
              f"{_fmt(r['energy'])} | {r['bound']} |" for r in doc["layers"]]
    if "convergence.png" in figures:
        lines += ["", "## Co-design run", "", "![convergence](convergence.png)"]
    o, q, a = doc["onnx"], doc["int8"], doc["allocation"]
    lines += ["", "## ONNX models", "", f"model.onnx: {o['note']}.", "",
              f"model.int8.onnx: static int8 QDQ (onnxruntime.quantization), calibration `{q['method']}` on "
              f"{q['calibration_inputs']} inputs ({q['calibration_source']}).",
              f"On {q['heldout_inputs']} held-out inputs ({q['heldout_source']}): max |int8 - float| = "
              f"{q['max_abs_diff']:.4g} (float outputs up to {q['max_abs_float']:.4g}, relative "
              f"{q['relative_max_diff']:.3g}), mean {q['mean_abs_diff']:.4g}"
              + (f", top-1 agreement {100 * q['top1_agreement']:.1f} %" if q.get("top1_agreement") is not None
                 else "") + "."]
    if q.get("accuracy_float") is not None and q.get("accuracy_int8") is not None:
        lines.append(f"Top-1 accuracy on the labelled held-out inputs: float {100 * q['accuracy_float']:.1f} %, int8 "
                     f"{100 * q['accuracy_int8']:.1f} % (drop {100 * (q['accuracy_float'] - q['accuracy_int8']):.1f} "
                     "points).")
    lines += ["", "## Allocation and subgraphs", "",
              "allocation.json: " + ", ".join(f"{n} nodes on {d}" for d, n in a["nodes_per_device"].items()) +
              (f" (overrides from {a['overrides']})" if a.get("overrides") else "") + ".",
              f"subgraphs/: {a['subgraphs']} maximal single-device subgraphs (manifest.json); run in order with "
              f"onnxruntime on a held-out input they reproduce model.onnx's outputs to max abs difference "
              f"{a['chain_max_abs_diff']:.3g}."]
    tgt = doc.get("target")
    if tgt:
        lines += ["", f"## Target {tgt['name']}", "", tgt["description"] + ".", "",
                  "No kmodel is produced (that needs Kendryte's nncase compiler)."]
        if tgt["host_layers"]:
            lines += ["", "Layers the KPU cannot run (on the host in allocation.json):", "",
                      "| layer | reason |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in tgt["host_layers"].items()]
        else:
            lines.append("Every layer fits the KPU's limits.")
    lines += ["", "## Files", "", "design.json, maestro/{model,mapping,hw}.m, model.onnx, model.int8.onnx, "
              "allocation.json, subgraphs/, timeloop/arch.yaml, timeloop/problems/, report.md" +
              "".join(f", {f}" for f in figures) + ".", "",
              "Check with MAESTRO: `maestro --HW_file=maestro/hw.m --Mapping_file=maestro/mapping.m "
              "--print_res=true`."]
    return "\n".join(lines) + "\n"
