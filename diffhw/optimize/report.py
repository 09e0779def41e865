"""Co-design results as files: design.json (write / read), the convergence plot. (The MAESTRO hw/mapping files
of a design come from `diffhw.exporters.maestro`: the core imports no exporter.)

design.json holds `hardware` (num_pes l1_size l2_size noc_bw offchip_bw), `layers` (per network: layer
name, type, template and, when tiles were searched, `tiles`: knob dimension -> tile size), `metrics` (exact: latency_cycles, energy, edp, area, power, feasible, ...),
`search` (method, evaluations, wall_seconds, seed, note, history) and `problem` (what was asked).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Optional

from diffhw.hardware import HardwareSpec
from diffhw.optimize.defaults import HW_PARAMS
from diffhw.optimize.problem import Design, Problem
from diffhw.optimize.tiles import TEMPLATE_KNOBS

__all__ = ["design_dict", "write_design", "read_design", "write_convergence", "have_matplotlib"]


def design_dict(problem: Problem, result) -> dict:
    d = result.best
    layers = []
    if d is not None:
        for m, ((name, specs, _), row) in enumerate(zip(problem.networks, d.dataflows)):
            rows = []
            for i, (s, t) in enumerate(zip(specs, row)):
                r = {"name": s.name, "type": s.op, "dataflow": t}
                if d.tiles:
                    r["tiles"] = {kn.dim: int(v) for kn, v in zip(TEMPLATE_KNOBS.get(t, ()), d.tiles[m][i])}
                rows.append(r)
            layers.append({"network": name, "layers": rows})
    return {
        "hardware": d.hardware_dict() if d is not None else None,
        "layers": layers,
        "metrics": result.metrics,
        "search": {"method": result.method, "evaluations": result.evaluations,
                   "wall_seconds": round(result.wall_seconds, 3), "seed": result.seed, "note": result.note,
                   "history": [[int(e), round(float(t), 4), (float(o) if math.isfinite(o) else None)]
                               for e, t, o in result.history]},
        "problem": problem.describe(),
    }


def write_design(path, problem: Problem, result) -> dict:
    doc = design_dict(problem, result)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)
    return doc


def read_design(path) -> tuple[Optional[Design], dict]:
    """(Design, the whole document) of a design.json."""
    doc = json.loads(Path(path).read_text())
    if doc.get("hardware") is None:
        return None, doc
    hw = HardwareSpec(**{k: int(doc["hardware"][k]) for k in HW_PARAMS}, name="codesign")
    dfs = tuple(tuple(x["dataflow"] for x in net["layers"]) for net in doc["layers"])
    tiles = ()
    if any("tiles" in x for net in doc["layers"] for x in net["layers"]):
        tiles = tuple(tuple(tuple(int(x["tiles"][kn.dim]) for kn in TEMPLATE_KNOBS.get(x["dataflow"], ()))
                            for x in net["layers"]) for net in doc["layers"])
    return Design(hw, dfs, tiles=tiles), doc


def have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def write_convergence(out_dir, history, method: str, objective: str, network: str = "") -> Path:
    """convergence.png (best objective vs evaluations and vs wall time since the search began, the tracing and
    compiling before the first scored batch shaded) with matplotlib, else convergence.csv. The title names the
    network; the PNG carries it as its Title text chunk. Returns the path written."""
    out_dir = Path(out_dir)
    if not have_matplotlib():
        path = out_dir / "convergence.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["evaluations", "wall_seconds", f"best_{objective}"])
            for e, t, o in history:
                w.writerow([e, f"{t:.4f}", o if math.isfinite(o) else ""])
        return path
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    title = f"diffhw codesign {network}: {method}, best feasible {objective}".replace("  ", " ")
    pts = [(e, t, o) for e, t, o in history if math.isfinite(o)]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    for ax, col, label in ((axes[0], 0, "evaluations"), (axes[1], 1, "wall seconds since the search began")):
        if pts:
            ax.step([p[col] for p in pts], [p[2] for p in pts], where="post")
            ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel(f"best feasible {objective}")
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
    if history:  # before the first scored batch: tracing, compiling, the first evaluations
        axes[1].axvspan(0, history[0][1], color="0.85", label="tracing + compiling")
        axes[1].legend(loc="upper right", fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    path = out_dir / "convergence.png"
    fig.savefig(path, dpi=100, metadata={"Title": title})
    plt.close(fig)
    return path
