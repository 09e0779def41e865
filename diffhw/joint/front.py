"""Accuracy-vs-EDP fronts: non-dominated points and the 2-D hypervolume (accuracy up, log EDP down)."""

from __future__ import annotations

import numpy as np

__all__ = ["pareto_mask", "hypervolume"]


def pareto_mask(acc, cost) -> np.ndarray:
    """True for points [N] that no other point beats (accuracy >=, cost <=, one strictly)."""
    acc, cost = np.asarray(acc, float), np.asarray(cost, float)
    better = ((acc[None, :] >= acc[:, None]) & (cost[None, :] <= cost[:, None])
              & ((acc[None, :] > acc[:, None]) | (cost[None, :] < cost[:, None])))
    return ~better.any(1)


def hypervolume(acc, edp, ref_acc: float, ref_edp: float) -> float:
    """Area dominated by points (accuracy [N], EDP [N]) and bounded by the reference point, with EDP on a
    log10 scale: the union of the rectangles [ref_acc, acc] x [log10 edp, log10 ref_edp]. Points beyond
    the reference add nothing."""
    acc, le = np.asarray(acc, float), np.log10(np.asarray(edp, float))
    lr = np.log10(ref_edp)
    keep = (acc > ref_acc) & (le < lr)
    acc, le = acc[keep], le[keep]
    order = np.argsort(le)  # sweep from the cheapest point: each adds its accuracy gain over the best so far
    hv, best = 0.0, ref_acc
    for i in order:
        if acc[i] > best:
            hv += (acc[i] - best) * (lr - le[i])
            best = acc[i]
    return float(hv)
