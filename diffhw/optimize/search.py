"""What every search method shares (grid, random, genetic, gradient, the joint search's refinement): the
`Budget` (evaluations and wall time spent, the best design so far, the convergence history), its
`SearchResult`, and `SearchError`."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from diffhw.optimize.evaluator import Evaluator

from diffhw.optimize.problem import Design, Problem, to_designs

__all__ = ["DEFAULT_EVALS", "SearchError", "SearchResult", "Budget", "scalar_metrics"]

#: Candidate designs per method when neither budget is given.
DEFAULT_EVALS = 512

class SearchError(Exception):
    """A search that cannot run (grid too large, nothing feasible to start from, ...)."""


@dataclass
class SearchResult:
    """Best design found and how the search got there. `metrics` holds the exact metrics of `best`
    (scalars), `history` one (evaluations, wall_s, best_objective) per batch."""

    method: str
    best: Optional[Design]
    metrics: dict
    history: list = field(default_factory=list)
    evaluations: int = 0
    wall_seconds: float = 0.0
    seed: int = 0
    note: str = ""
    first_objective: float = math.inf  # objective of the first candidate scored (improvement checks)

    @property
    def feasible(self) -> bool:
        return bool(self.metrics.get("feasible", False))


def scalar_metrics(met: dict, i: int) -> dict:
    """Metrics of design i of a batch as plain Python values."""
    out = {}
    for k in ("latency_cycles", "energy", "edp", "area", "power", "area_req", "power_req", "objective"):
        v = float(met[k][i])
        out[k] = v if math.isfinite(v) else None
    if out["latency_cycles"] is not None:
        out["latency_cycles"] = int(round(out["latency_cycles"]))
    for k in ("max_l1_req", "max_l2_req", "peak_noc_bw_req", "offchip_bw_req"):
        out[k] = int(met[k][i])
    for k in ("valid", "feasible", "fits_l1", "fits_l2", "noc_ok", "offchip_ok", "area_ok", "power_ok"):
        out[k] = bool(met[k][i])
    out["per_network"] = [{"latency_cycles": float(r[0]), "energy": float(r[1]), "edp": float(r[2])}
                          for r in met["per_network"][i]]
    out["error"] = met["error"][i]
    return out


class Budget:
    """Evaluations and wall time spent, the best design so far, and the convergence history."""

    def __init__(self, problem: Problem, method: str, seed: int, budget_evals, budget_seconds, progress):
        if budget_evals is not None and budget_evals < 1:
            raise SearchError("the evaluation budget must be at least 1")
        if budget_seconds is not None and not budget_seconds > 0:
            raise SearchError("the time budget must be positive")
        if budget_evals is None and budget_seconds is None:
            budget_evals = DEFAULT_EVALS
        self.problem, self.method, self.seed = problem, method, seed
        self.evals_limit, self.seconds_limit = budget_evals, budget_seconds
        self.progress = progress
        self.t0 = time.perf_counter()
        self.evals = 0
        self.best_obj = math.inf
        self.best = None  # (hw row, genes row, tile coordinates or None, metrics scalar dict)
        self.first_objective = math.inf
        self.history: list = []
        self.evaluator = Evaluator(problem)
        if hasattr(progress, "watch"):  # a progress object may keep the budget, e.g. to save the best on Ctrl-C
            progress.watch(self)

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def left(self) -> Optional[int]:
        """Evaluations left (None: time-limited only)."""
        return None if self.evals_limit is None else self.evals_limit - self.evals

    def done(self) -> bool:
        if self.evals_limit is not None and self.evals >= self.evals_limit:
            return True
        return self.seconds_limit is not None and self.elapsed() >= self.seconds_limit

    def fraction(self) -> float:
        f = 0.0
        if self.evals_limit is not None:
            f = self.evals / self.evals_limit
        if self.seconds_limit is not None:
            f = max(f, self.elapsed() / self.seconds_limit)
        return min(f, 1.0)

    def record(self, hw: np.ndarray, genes: np.ndarray, met: dict, tiles_u=None) -> None:
        """Account for a scored batch (already repaired / exact); tiles_u [B, T, KNOBS] or None."""
        n = len(hw)
        obj = met["objective"]
        if self.evals == 0:
            self.first_objective = float(obj[0])
        self.evals += n
        i = int(np.argmin(obj))  # first minimum: deterministic
        if self.best is None or obj[i] < self.best_obj:
            self.best_obj = float(obj[i])
            self.best = (hw[i].copy(), genes[i].copy(), None if tiles_u is None else np.array(tiles_u[i]),
                         scalar_metrics(met, i))
        self.history.append((self.evals, self.elapsed(), self.best_obj))
        if self.progress:
            self.progress(self.fraction(), self.evals, self.best_obj)

    def result(self, note: str = "") -> SearchResult:
        """The search's result; reports it finished to `progress` (a search may stop before its budget)."""
        if self.progress:
            self.progress(1.0, self.evals, self.best_obj)
        if self.best is None:
            return SearchResult(self.method, None, {"feasible": False}, self.history, self.evals, self.elapsed(),
                                self.seed, note or "nothing evaluated", self.first_objective)
        hw, genes, tiles_u, met = self.best
        design = to_designs(self.problem, hw[None], genes[None], None if tiles_u is None else tiles_u[None])[0]
        if not met["feasible"]:
            note = (note + "; " if note else "") + f"no feasible design found ({met['error']})"
        return SearchResult(self.method, design, met, self.history, self.evals, self.elapsed(), self.seed, note,
                            self.first_objective)
