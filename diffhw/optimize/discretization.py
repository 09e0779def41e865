"""From relaxed or sampled parameters to designs the exact model accepts: `discretize` (rounding to integers,
PE multiples, argmax templates) and `repair` (shrinking a design into the budgets, buffers to the
requirement)."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from diffhw.feasibility import area_power
from diffhw.optimize.defaults import HW_PARAMS
from diffhw.optimize.evaluator import Evaluator
from diffhw.optimize.problem import Problem, pe_multiple_of, snap_pes

__all__ = ["discretize", "within_budgets", "repair"]


def discretize(problem: Problem, params: Mapping[str, np.ndarray], genes) -> tuple[np.ndarray, np.ndarray]:
    """Continuous parameters -> integer hardware [B, 5] and genes [B, G].

    params: free parameter name -> real values [B] in natural units (fixed ones are ignored; free ones
    missing take the geometric middle of their bounds). genes: int [B, G] template indices, or real
    [B, G, D] scores / probabilities (argmax). PEs are snapped to a multiple of the cluster sizes of the
    templates each design uses (`pe_multiple`), everything else rounded and clipped to its bounds."""
    genes = np.asarray(genes)
    if genes.dtype.kind == "f":
        genes = genes.reshape(genes.shape[0], -1, len(problem.dataflows)).argmax(-1)
    genes = genes.astype(np.int64).reshape(genes.shape[0], -1)
    b = genes.shape[0]
    hw = np.zeros((b, len(HW_PARAMS)), np.int64)
    for j, p in enumerate(problem.params):
        if not p.free:
            hw[:, j] = p.value
            continue
        x = params.get(p.name)
        x = np.full(b, math.sqrt(p.lo * p.hi)) if x is None else np.broadcast_to(np.asarray(x, np.float64), (b,))
        x = np.where(np.isfinite(x), x, p.hi)
        hw[:, j] = np.clip(np.rint(x), p.lo, p.hi).astype(np.int64)
    pp = problem.param("num_pes")
    if pp.free:
        for i in range(b):
            hw[i, 0] = snap_pes(hw[i, 0], pe_multiple_of(problem, genes[i]), pp.lo, pp.hi)
    return hw, genes


def within_budgets(problem: Problem, num_pes, noc_bw, l1, l2) -> np.ndarray:
    """Whether integer designs [B] are within the area and power budgets."""
    area, power = area_power(num_pes, noc_bw, l1, l2)
    return (area <= problem.area_budget) & ((power <= problem.power_budget) if problem.power_budget else True)


def repair(problem: Problem, hw: np.ndarray, genes: np.ndarray, evaluator: Evaluator, shrink: bool = True,
           max_rounds: int = 12, tiles_u=None):
    """Make integer designs feasible where possible; returns (hw [B, 5], genes, metrics of the result).
    Tile coordinates `tiles_u` [B, T, KNOBS] stay as they are (tiles follow the PE count, see
    `diffhw.optimize.tiles`).

    1. Free l1_size / l2_size are set to the largest requirement of any layer (clipped to the bounds):
       capacity beyond the requirement only costs area and power (MAESTRO's runtime and energy do not depend
       on it), capacity below it is infeasible.
    2. With `shrink`, a design over the area / power budget first gets the largest free noc_bw that fits,
       then (if even the smallest noc_bw does not fit) fewer free PEs (multiples of its cluster size), and is
       re-evaluated (requirements change with PEs), up to `max_rounds` times.
    What is still infeasible afterwards (fixed parameters, a budget below the smallest design) keeps
    objective +inf and its reason in metrics["error"]."""
    p = problem
    hw = np.array(hw, np.int64)
    genes = np.asarray(genes, np.int64)
    P = {k: p.param(k) for k in HW_PARAMS}
    mult = np.array([pe_multiple_of(p, g) for g in genes], np.int64)
    met = None
    for _ in range(max_rounds):
        met = evaluator.evaluate(hw, genes, tiles_u)
        old = hw.copy()
        for j, k in ((1, "l1_size"), (2, "l2_size")):
            if P[k].free:
                req = met["max_l1_req" if j == 1 else "max_l2_req"]
                hw[:, j] = np.where(met["valid"], np.clip(req, P[k].lo, P[k].hi), hw[:, j])
        if shrink:
            _shrink(p, P, hw, mult, met["valid"])
        if (hw == old).all():
            break
    else:
        met = evaluator.evaluate(hw, genes, tiles_u)
    if not (hw == old).all():
        met = evaluator.evaluate(hw, genes, tiles_u)
    return hw, genes, met


def _shrink(p: Problem, P: dict, hw: np.ndarray, mult: np.ndarray, valid: np.ndarray) -> None:
    """In place: largest free noc_bw that fits the budgets, else fewer free PEs (see `repair`)."""
    b = len(hw)
    over = valid & ~within_budgets(p, hw[:, 0], hw[:, 3], hw[:, 1], hw[:, 2])
    if P["noc_bw"].free and over.any():
        # area and power are affine in noc_bw: the largest bw that fits, if any
        a0, p0 = area_power(hw[:, 0], np.zeros(b, np.int64), hw[:, 1], hw[:, 2])
        a1, p1 = area_power(hw[:, 0], np.ones(b, np.int64), hw[:, 1], hw[:, 2])
        lim = (p.area_budget - a0) / np.maximum(a1 - a0, 1e-12)
        if p.power_budget is not None:
            lim = np.minimum(lim, (p.power_budget - p0) / np.maximum(p1 - p0, 1e-12))
        bw = np.floor(lim * (1 - 1e-12)).astype(np.int64)
        ok = over & (bw >= P["noc_bw"].lo)
        hw[:, 3] = np.where(ok, np.minimum(bw, hw[:, 3]), np.where(over, P["noc_bw"].lo, hw[:, 3]))
        over &= ~ok
    if P["num_pes"].free and over.any():
        lo = P["num_pes"].lo
        for i in np.flatnonzero(over):
            m = int(mult[i])
            cand = np.arange(max(-(-lo // m) * m, m), hw[i, 0], m)
            if len(cand) == 0:
                continue
            fit = within_budgets(p, cand, np.full(len(cand), hw[i, 3]), np.full(len(cand), hw[i, 1]),
                                 np.full(len(cand), hw[i, 2]))
            hw[i, 0] = cand[np.flatnonzero(fit)[-1]] if fit.any() else cand[0]
