"""Baseline searches on the exact model: exhaustive grid, random search, a GAMMA/DiGamma-style genetic
algorithm. Same problem, objective, constraints, discretization and repair as every other method
(`diffhw.optimize.problem`), batched through one `Evaluator` per search, deterministic per seed.

Every method has the signature `search(problem, budget_evals=None, budget_seconds=None, seed=0,
progress=None) -> SearchResult`; `evaluations` counts candidate designs scored (after repair; the memo of
already evaluated (layer, template, hardware) items makes revisits cheap but they still count).
`progress(fraction_done, evaluations, best_objective)` is called after every batch.
"""

from __future__ import annotations

import itertools
import math
from typing import Callable

import numpy as np

from diffhw.optimize.defaults import HW_PARAMS

from diffhw.optimize.discretization import discretize, repair

from diffhw.optimize.problem import Problem, pe_multiple, snap_pes
from diffhw.optimize.search import Budget, SearchError, SearchResult
from diffhw.optimize.tiles import KNOBS

__all__ = ["grid", "random_search", "genetic", "METHODS", "grid_points"]

#: The grid refuses spaces larger than this many designs.
MAX_GRID = 20_000


# --------------------------------------------------------------------------------------- encoding


def _unit_to_params(problem: Problem, u: np.ndarray) -> dict:
    """Unit-cube coordinates [B, F] (one per free parameter) -> natural values (log scale in bounds)."""
    out = {}
    for j, name in enumerate(problem.free):
        p = problem.param(name)
        lo, hi = math.log(p.lo), math.log(p.hi + 0.999)
        out[name] = np.exp(lo + np.clip(u[:, j], 0, 1) * (hi - lo))
    return out


def _params_to_unit(problem: Problem, hw: np.ndarray) -> np.ndarray:
    cols = []
    for name in problem.free:
        p = problem.param(name)
        lo, hi = math.log(p.lo), math.log(p.hi + 0.999)
        x = np.log(hw[:, HW_PARAMS.index(name)].astype(np.float64))
        cols.append((x - lo) / max(hi - lo, 1e-12))
    return np.stack(cols, 1) if cols else np.zeros((len(hw), 0))


def _score(b: Budget, u: np.ndarray, genes: np.ndarray, tiles_u=None, shrink: bool = True):
    hw, genes = discretize(b.problem, _unit_to_params(b.problem, u), genes)
    hw, genes, met = repair(b.problem, hw, genes, b.evaluator, shrink=shrink, tiles_u=tiles_u)
    b.record(hw, genes, met, tiles_u)
    return hw, genes, met


def _random_tiles(problem: Problem, rng, n: int):
    """Uniform tile coordinates [n, T, KNOBS] (None for a problem without tiles)."""
    return rng.random((n, problem.num_tile_layers, KNOBS)) if problem.tiles else None


def _tiles_of(problem: Problem, flat: np.ndarray):
    """Flat genome tile coordinates [B, T * KNOBS] -> [B, T, KNOBS] (None for a problem without tiles)."""
    return flat.reshape(len(flat), problem.num_tile_layers, KNOBS) if problem.tiles else None


def _batch_size(b: Budget, want: int) -> int:
    left = b.left()
    return max(1, want if left is None else min(want, left))


# --------------------------------------------------------------------------------------------- random


def random_search(problem: Problem, budget_evals=None, budget_seconds=None, seed: int = 0, progress=None,
                  batch: int = 32) -> SearchResult:
    """Uniform samples in log space of the free parameters and of the tiles, uniform dataflow genes, in
    batches."""
    b = Budget(problem, "random", seed, budget_evals, budget_seconds, progress)
    rng = np.random.default_rng(seed)
    nf, ng, nd = len(problem.free), problem.num_genes, len(problem.dataflows)
    while not b.done():
        n = _batch_size(b, batch)
        _score(b, rng.random((n, nf)), rng.integers(0, nd, (n, ng)), _random_tiles(problem, rng, n))
    return b.result()


# ----------------------------------------------------------------------------------------------- grid


def grid_points(problem: Problem, points: int = 6) -> dict:
    """Grid values per searched parameter: `points` log-spaced integers per free num_pes / noc_bw /
    offchip_bw (PEs snapped to multiples of the cluster sizes of the problem's templates). Free l1/l2 are not
    gridded: repair sizes them to the requirement, which is optimal (capacity only costs area/power)."""
    out = {}
    for name in problem.free:
        if name in ("l1_size", "l2_size"):
            continue
        p = problem.param(name)
        vals = np.geomspace(p.lo, p.hi, points)
        if name == "num_pes":
            tmpl = set(problem.dataflows) | set(problem.rule_map.values()) - {"same"}
            vals = snap_pes(vals, pe_multiple(tmpl), p.lo, p.hi)
        out[name] = sorted({int(round(v)) for v in vals})
    return out


def grid(problem: Problem, budget_evals=None, budget_seconds=None, seed: int = 0, progress=None,
         points: int = 6, batch: int = 64, max_size: int = MAX_GRID) -> SearchResult:
    """Exhaustive search over `grid_points` x every dataflow assignment (no shrink repair: a grid point over
    budget stays infeasible, so the result is the grid's true optimum). Budgets only cut it short (noted).
    Tile sizes are not gridded: problems that search them are refused."""
    if problem.tiles:
        raise SearchError("the grid does not search tile sizes: use random, genetic or gradient, or a problem "
                          "without tile search")
    values = grid_points(problem, points)
    nd, ng = len(problem.dataflows), problem.num_genes
    size = math.prod(len(v) for v in values.values()) * nd ** ng
    if size > max_size:
        raise SearchError(f"the grid has {size:,} designs ({' x '.join(f'{len(v)} {k}' for k, v in values.items())}"
                          f" x {nd}^{ng} dataflow assignments), more than {max_size:,}: fix parameters (--fix), "
                          "use fewer dataflows or one dataflow for all layers, or use another method")
    b = Budget(problem, "grid", seed, budget_evals if budget_evals is not None else size, budget_seconds, progress)
    b.evals_limit = min(b.evals_limit, size) if b.evals_limit is not None else None
    names = list(values)
    combos = itertools.product(itertools.product(*(values[n] for n in names)),
                               itertools.product(range(nd), repeat=ng))
    base = np.zeros(len(HW_PARAMS), np.int64)
    for j, p in enumerate(problem.params):
        base[j] = p.value if not p.free else (p.lo if p.name in ("l1_size", "l2_size") else p.lo)
    while not b.done():
        chunk = list(itertools.islice(combos, _batch_size(b, batch)))
        if not chunk:
            break
        hw = np.tile(base, (len(chunk), 1))
        for j, n in enumerate(names):
            hw[:, HW_PARAMS.index(n)] = [c[0][j] for c in chunk]
        genes = np.array([c[1] for c in chunk], np.int64).reshape(len(chunk), ng)
        hw, genes, met = repair(problem, hw, genes, b.evaluator, shrink=False)
        b.record(hw, genes, met)
    note = "" if b.evals >= size else f"cut short after {b.evals:,} of {size:,} grid designs"
    return b.result(note)


# -------------------------------------------------------------------------------------------- genetic


def genetic(problem: Problem, budget_evals=None, budget_seconds=None, seed: int = 0, progress=None,
            population: int = 32, elite: int = 2, tournament: int = 3, crossover: float = 0.9,
            mutation: float = 0.2, sigma: float = 0.1) -> SearchResult:
    """GAMMA/DiGamma-style GA. Genome: unit-cube log-scale coordinates of the free hardware parameters plus
    one categorical gene per dataflow choice, plus the tile coordinates when the problem searches tiles (they
    cross and mutate like hardware coordinates). Per generation: elitism (`elite` best kept), tournament
    selection, uniform crossover (coordinates blended, dataflow genes swapped), Gaussian mutation of
    coordinates (`sigma` in unit log space, probability `mutation` per gene) and resampling of dataflow
    genes (same probability). Scored genomes are written back after repair (Lamarckian), as DiGamma does
    for its hardware genes."""
    b = Budget(problem, "genetic", seed, budget_evals, budget_seconds, progress)
    rng = np.random.default_rng(seed)
    nf, ng, nd = len(problem.free), problem.num_genes, len(problem.dataflows)
    nt = problem.num_tile_layers * KNOBS
    pop_n = population if b.left() is None else max(2, min(population, b.left()))
    u = rng.random((pop_n, nf + nt))
    g = rng.integers(0, nd, (pop_n, ng))
    hw, g, met = _score(b, u[:, :nf], g, _tiles_of(problem, u[:, nf:]))
    u, fit = np.concatenate([_params_to_unit(problem, hw), u[:, nf:]], 1), met["objective"].copy()
    while not b.done():
        n = _batch_size(b, pop_n - min(elite, pop_n - 1))
        order = np.argsort(fit, kind="stable")

        def pick(k):
            c = rng.integers(0, len(fit), (k, tournament))
            return c[np.arange(k), np.argmin(fit[c], 1)]

        pa, pb = pick(n), pick(n)
        cu, cg = u[pa].copy(), g[pa].copy()
        do = rng.random(n) < crossover
        w = rng.random((n, nf + nt))
        mix = np.where(rng.random((n, nf + nt)) < 0.5, w, 1.0)
        cu = np.where(do[:, None], mix * u[pa] + (1 - mix) * u[pb], cu)
        swap = do[:, None] & (rng.random((n, ng)) < 0.5)
        cg = np.where(swap, g[pb], cg)
        mu = rng.random((n, nf + nt)) < mutation
        cu = np.clip(cu + mu * rng.normal(0, sigma, (n, nf + nt)), 0, 1)
        mg = rng.random((n, ng)) < mutation
        cg = np.where(mg, rng.integers(0, nd, (n, ng)), cg)
        chw, cg, cmet = _score(b, cu[:, :nf], cg, _tiles_of(problem, cu[:, nf:]))
        keep = order[: pop_n - n]
        u = np.concatenate([u[keep], np.concatenate([_params_to_unit(problem, chw), cu[:, nf:]], 1)])
        g = np.concatenate([g[keep], cg])
        fit = np.concatenate([fit[keep], cmet["objective"]])
    return b.result()


METHODS: dict[str, Callable] = {"random": random_search, "grid": grid, "genetic": genetic}
