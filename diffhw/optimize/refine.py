"""Exact local refinement of a design: steepest-descent hill climbing on the exact model.

The gradient method's relaxed optimum, once discretized, sits near a good design but rarely on the best
integer point next to it: a layer's rounded tile may be one step from a smaller L2 requirement (which
frees area for PEs), or the template the softmax preferred may lose to a neighbour's once tiles are
integers. `refine` walks from a design to a local optimum of the exact objective, scoring every move with
the same `Evaluator` and `repair` as every search method (so it stays comparable, and its evaluations
count in the search's `Budget`).

Moves from the current design (hw int [5], genes int [G], tile coordinates [T, KNOBS]), one round at a time:

- per layer: every other template (per-layer problems), its tile knobs one integer step and a factor of 2
  up and down (problems with tile search);
- per free hardware parameter: PEs one cluster multiple and 10 % up and down, NoC bandwidth one step and
  15 % up and down, off-chip bandwidth doubled, halved and at its upper bound;
- every layer re-chosen at once (`_reselect`, problems with per-layer templates or tiles): each layer's
  menu of templates x tiles is scored exactly, and under each pair of L1 / L2 caps every layer takes its
  best option that fits (first-order objective weights); on the current accelerator and on PE x NoC
  bandwidth variants of it (`_hw_grid`), since a layer's best choice depends on the accelerator;
- every move that leaves area / power slack is also tried with that slack spent: the most PEs, or the
  widest NoC, that fit the budgets at the move's buffer sizes (a smaller tile frees L1 / L2 area, which only
  pays off once PEs fill it).

The best feasible move that lowers the objective is taken; improving moves of different layers are also
tried merged into one. Stops at a local optimum, when a round gains less than `min_gain` (relative: the
last rounds of a long climb shave 1e-5 each, seconds that a search spends better elsewhere), after
`rounds`, or when the budget is spent. Integer
tiles are kept when PEs change (the coordinates are recomputed for the new PE count).
"""

from __future__ import annotations

import itertools

import numpy as np

from diffhw.optimize.defaults import HW_PARAMS
from diffhw.optimize.discretization import repair, within_budgets
from diffhw.optimize.problem import Problem, integer_tiles, pe_multiple_of, snap_pes
from diffhw.optimize.tiles import (KNOBS, TEMPLATE_KNOBS, knob_dims, real_tiles, tile_values, unit_of_tiles,
                                   units_of_tiles)

__all__ = ["refine", "hw_moves", "layer_moves", "TileLayers"]


class TileLayers:
    """Per tile layer (all layers of all networks, in order): network, index, dims, dataflow gene."""

    def __init__(self, problem: Problem):
        self.rows = []  # (network m, layer i, dims, gene index or -1)
        k = 0
        for m, (_, specs, _) in enumerate(problem.networks):
            for i, s in enumerate(specs):
                gene = -1
                if problem.per_layer and problem.searched(s):
                    gene = k
                    k += 1
                self.rows.append((m, i, s.input_dims(), gene))


def _retile(problem: Problem, lay: TileLayers, hw: np.ndarray, genes: np.ndarray, tu, pes: np.ndarray):
    """Tile coordinates [B, T, KNOBS] that keep the integer tiles of designs (hw [B, 5], genes [B, G],
    tu [B, T, KNOBS]) at pes [B] PEs (None without tile search)."""
    if tu is None:
        return None
    tiles = integer_tiles(problem, hw, genes, tu)
    rows = [problem.templates_of(g) for g in genes]
    out = np.zeros(np.shape(tu))
    for k, (m, i, dims, _) in enumerate(lay.rows):
        ts = np.array([r[m][i] for r in rows])
        for t in dict.fromkeys(ts.tolist()):
            sel = np.flatnonzero(ts == t)
            out[sel, k] = units_of_tiles(t, dims, tiles[m][sel, i], pes[sel])
    return out


def _fill(problem: Problem, h: np.ndarray, mult: int) -> list[np.ndarray]:
    """Variants of a feasible design h [5] that spend its area / power slack: the most PEs (multiples of
    `mult`) at its NoC bandwidth, and the widest NoC at its PEs (free parameters only)."""
    p = problem
    pp, pn = p.param("num_pes"), p.param("noc_bw")
    out = []

    def fits(pes, bw):
        return within_budgets(p, pes, bw, np.full(len(pes), h[1]), np.full(len(pes), h[2]))

    if pp.free:
        cand = np.arange(h[0] + mult, pp.hi + 1, mult)
        ok = cand[fits(cand, np.full(len(cand), h[3]))]
        if len(ok):
            out.append(np.concatenate([[ok.max()], h[1:]]))
    if pn.free:
        cand = np.arange(h[3] + 1, pn.hi + 1)
        ok = cand[fits(np.full(len(cand), h[0]), cand)]
        if len(ok):
            out.append(np.concatenate([h[:3], [ok.max()], h[4:]]))
    return out


def hw_moves(problem: Problem, h: np.ndarray, mult: int) -> list[np.ndarray]:
    """Hardware neighbours of h [5] (free parameters only, snapped and clipped to the bounds)."""
    out = []
    for j, name in enumerate(HW_PARAMS):
        q = problem.param(name)
        if not q.free or name in ("l1_size", "l2_size"):
            continue
        v = int(h[j])
        if name == "num_pes":
            vals = [v - mult, v + mult, v * 0.9, v * 1.1]
            vals = snap_pes(np.array(vals), mult, q.lo, q.hi).tolist()
        elif name == "noc_bw":
            vals = [v - 1, v + 1, round(v * 0.85), round(v * 1.15)]
        else:
            vals = [v // 2, v * 2, q.hi]
        for x in sorted({int(np.clip(round(x), q.lo, q.hi)) for x in vals} - {v}):
            c = h.copy()
            c[j] = x
            out.append(c)
    return out


def layer_moves(problem: Problem, lay: TileLayers, hw, genes, tu) -> tuple[list, list]:
    """Per-layer neighbours of a design: candidates [(hw, genes, tu)] and the tile layer each one changes."""
    nd = len(problem.dataflows)
    templates = problem.templates_of(genes)
    tiles = integer_tiles(problem, hw[None], genes[None], None if tu is None else tu[None])
    cands, layer_of = [], []
    if not problem.per_layer:  # one template for the accelerator
        for d in range(nd):
            if d != genes[0]:
                cands.append((hw, np.array([d]), tu))
                layer_of.append(-1)
    for k, (m, i, dims, gene) in enumerate(lay.rows):
        if gene >= 0:
            for d in range(nd):
                if d != genes[gene]:
                    g2 = genes.copy()
                    g2[gene] = d
                    cands.append((hw, g2, tu))
                    layer_of.append(k)
        t = templates[m][i]
        kn = TEMPLATE_KNOBS.get(t, ())
        if tu is None or not kn:
            continue
        cur = [int(x) for x in tiles[m][0, i, :len(kn)]]
        _, dm = real_tiles(t, knob_dims(t, dims)[None], np.zeros((1, KNOBS)), np.array([float(hw[0])]))
        for j in range(len(kn)):
            for v in sorted({cur[j] - 1, cur[j] + 1, cur[j] // 2, cur[j] * 2} - {cur[j]}):
                if 1 <= v <= int(np.rint(dm[0, j])):
                    new = list(cur)
                    new[j] = v
                    t2 = tu.copy()
                    t2[k] = unit_of_tiles(t, dims, new, int(hw[0]))
                    cands.append((hw, genes, t2))
                    layer_of.append(k)
    return cands, layer_of


#: Unit tile coordinates of the menu `_reselect` scores per knob (plus the current tile).
MENU_UNITS = np.linspace(0.0, 1.0, 7)
#: Buffer caps `_reselect` tries, as factors of the current largest L1 / L2 requirement.
CAP_FACTORS = (2.0, 1.0, 0.7, 0.5, 0.35, 0.25, 0.12, 0.06)


def _weights(problem: Problem, per_net: np.ndarray) -> np.ndarray:
    """Per network, the objective's first-order weights (a, b) of a layer's (runtime, energy):
    per_net [M, 3] (latency, energy, edp) of the current design -> [M, 2]."""
    w = np.array([n[2] for n in problem.networks])
    if problem.objective == "latency":
        return np.stack([w, 0 * w], 1)
    if problem.objective == "energy":
        return np.stack([0 * w, w], 1)
    return np.stack([w * per_net[:, 1], w * per_net[:, 0]], 1)


def _reselect(problem: Problem, lay: TileLayers, ev, hw, genes, tu, met: dict) -> list:
    """Every layer's template and tiles re-chosen at once under buffer caps: each layer's menu (its
    templates x `MENU_UNITS` tiles per knob, and its current choice) is scored exactly on this accelerator;
    for every pair of caps (`CAP_FACTORS` x the current largest L1 / L2 requirement) each layer takes the
    option with the lowest first-order objective (`_weights`) whose requirements fit. Smaller caps free
    area that `_fill` then spends. `met`: the design's exact metrics (batch of one). Returns candidates
    [(hw, genes, tu)]."""
    p = problem
    templates = p.templates_of(genes)
    tiles = integer_tiles(p, hw[None], genes[None], None if tu is None else tu[None])
    pes = int(hw[0])
    entries, gene_of, slot, units, start = [], [], [], [], []  # menu items, their gene, template, coordinates
    for k, (m, i, dims, gene) in enumerate(lay.rows):
        start.append(len(entries))
        for d in (range(len(p.dataflows)) if gene >= 0 else [None]):
            t = templates[m][i] if d is None else p.dataflows[d]
            n = len(TEMPLATE_KNOBS.get(t, ()))
            if tu is None:
                keys = [()]
            else:
                grid = np.zeros((len(MENU_UNITS) ** n, KNOBS))
                grid[:, :n] = np.array(list(itertools.product(MENU_UNITS, repeat=n)))
                vals = tile_values(t, dims, grid, np.full(len(grid), pes)).tolist()
                vals = {tuple(r) + (0,) * (KNOBS - n) for r in vals}
                if t == templates[m][i]:
                    vals.add(tuple(int(x) for x in tiles[m][0, i]))
                keys = sorted(vals)
                units.append(units_of_tiles(t, dims, np.array(keys), np.full(len(keys), pes)))
            entries += [(m, i, t, tk) for tk in keys]
            gene_of += [gene] * len(keys)
            slot += [-1 if d is None else d] * len(keys)
    start.append(len(entries))
    out = ev.layer_outputs(entries, (pes, int(hw[3]), int(hw[4])))
    w = _weights(p, met["per_network"][0])
    net = np.array([e[0] for e in entries])
    score = w[net, 0] * out[:, 0] + w[net, 1] * out[:, 1]
    caps = np.array(list(itertools.product(CAP_FACTORS, CAP_FACTORS)))  # [C, 2]
    caps = caps * np.array([met["max_l1_req"][0], met["max_l2_req"][0]], np.float64)
    fit = np.isfinite(score) & (out[None, :, 2] <= caps[:, :1]) & (out[None, :, 3] <= caps[:, 1:])  # [C, n]
    s = np.where(fit, score[None], np.inf)
    pick = np.stack([a + np.argmin(s[:, a:b], 1) for a, b in zip(start[:-1], start[1:])], 1)  # [C, T]
    ok = np.isfinite(np.take_along_axis(s, pick, 1)).all(1)
    units = np.concatenate(units) if units else None
    cands = []
    for row in np.unique(pick[ok], axis=0):
        g2 = genes.copy()
        for j in row:
            if gene_of[j] >= 0:
                g2[gene_of[j]] = slot[j]
        cands.append((hw, g2, None if tu is None else units[row]))
    return cands


#: PE and NoC bandwidth factors of the accelerators `_reselect` runs on (all pairs).
RESELECT_PES = (0.8, 1.0, 1.15, 1.3)
RESELECT_NOC = (0.5, 0.7, 1.0, 1.4)


def _hw_grid(problem: Problem, h: np.ndarray, mult: int) -> list[np.ndarray]:
    """h [5] and its PE x NoC bandwidth variants (`RESELECT_PES` x `RESELECT_NOC`, free parameters only):
    a layer's best template and tiles depend on the accelerator, so re-choosing them on a neighbour
    reaches designs that no single move does (fewer, wider PEs with other dataflows)."""
    pp, pn = problem.param("num_pes"), problem.param("noc_bw")
    out, seen = [], set()
    for fp, fn in itertools.product(RESELECT_PES if pp.free else (1.0,), RESELECT_NOC if pn.free else (1.0,)):
        c = h.copy()
        c[0] = snap_pes(h[0] * fp, mult, pp.lo, pp.hi) if fp != 1.0 else h[0]
        c[3] = int(np.clip(round(h[3] * fn), pn.lo, pn.hi))
        if (c[0], c[3]) not in seen:
            seen.add((c[0], c[3]))
            out.append(c)
    return out


#: Least relative objective gain of a round that continues the climb.
MIN_GAIN = 1e-4


def refine(problem: Problem, budget, hw, genes, tiles_u=None, rounds: int = 200, min_gain: float = MIN_GAIN) -> tuple:
    """Hill-climb from one design (hw int [5], genes int [G], tiles_u [T, KNOBS] or None) on the exact
    objective; every scored batch is recorded in `budget` (a `diffhw.optimize.search.Budget`). Returns the final
    (hw, genes, tiles_u, objective)."""
    p = problem
    lay = TileLayers(p)
    cur = (np.asarray(hw, np.int64).copy(), np.asarray(genes, np.int64).copy(),
           None if tiles_u is None else np.asarray(tiles_u, np.float64).copy())

    def score(cands) -> list:
        """Repair and score candidates [(hw, genes, tu)] -> [(objective, hw, genes, tu)]."""
        h = np.stack([c[0] for c in cands])
        g = np.stack([c[1] for c in cands])
        t = None if cur[2] is None else np.stack([c[2] for c in cands])
        h, g, met = repair(p, h, g, budget.evaluator, tiles_u=t)
        budget.record(h, g, met, t)
        return [(float(met["objective"][i]), h[i], g[i], None if t is None else t[i]) for i in range(len(h))]

    best = None
    for _ in range(rounds):
        if budget.done():
            break
        hw, genes, tu = cur
        met = budget.evaluator.evaluate(hw[None], genes[None], None if tu is None else tu[None])
        best = float(met["objective"][0]) if best is None else best
        cands, layer_of = layer_moves(p, lay, hw, genes, tu)
        if p.per_layer or p.tiles:
            for h2 in _hw_grid(p, hw, pe_multiple_of(p, genes)):
                sel = _reselect(p, lay, budget.evaluator, h2, genes, tu, met)
                cands += sel
                layer_of += [-1] * len(sel)
        moves = hw_moves(p, hw, pe_multiple_of(p, genes))
        if moves:
            n = len(moves)
            tus = _retile(p, lay, np.tile(hw, (n, 1)), np.tile(genes, (n, 1)), None if tu is None else
                          np.tile(tu, (n, 1, 1)), np.array([h2[0] for h2 in moves]))
            cands += [(h2, genes, None if tus is None else tus[j]) for j, h2 in enumerate(moves)]
            layer_of += [-1] * n
        if not cands:
            break
        scored = score(cands)
        # second batch: the best improving move of every layer merged into one design, and every feasible
        # move with its area / power slack spent on PEs or NoC bandwidth
        extra = []
        top: dict[int, int] = {}
        for i, k in enumerate(layer_of):
            if k >= 0 and scored[i][0] < best and (k not in top or scored[i][0] < scored[top[k]][0]):
                top[k] = i
        if len(top) > 1:
            g2, t2 = genes.copy(), None if tu is None else tu.copy()
            for k, i in top.items():
                gene = lay.rows[k][3]
                if gene >= 0:
                    g2[gene] = cands[i][1][gene]
                if t2 is not None:
                    t2[k] = cands[i][2][k]
            extra.append((hw, g2, t2))
        fills = [(f, h, g, t) for obj, h, g, t in scored if np.isfinite(obj)
                 for f in _fill(p, h, pe_multiple_of(p, g))]
        if fills:
            tus = _retile(p, lay, np.stack([x[1] for x in fills]), np.stack([x[2] for x in fills]),
                          None if tu is None else np.stack([x[3] for x in fills]), np.array([x[0][0] for x in fills]))
            extra += [(f, g, None if tus is None else tus[j]) for j, (f, _, g, _) in enumerate(fills)]
        if extra and not budget.done():
            scored += score(extra)
        i = min(range(len(scored)), key=lambda j: scored[j][0])
        if not scored[i][0] < best:
            break
        gain = 1.0 - scored[i][0] / best
        best, cur = scored[i][0], tuple(None if x is None else np.array(x) for x in scored[i][1:])
        if gain < min_gain:
            break
    return cur + (best,)
