"""The exact evaluator of a co-design problem (`Evaluator`): designs (hardware rows x per-layer templates,
optional tiles) scored with the exact model in batches, a memo of every (layer, template, tile, hardware) item
already evaluated, case spaces widened once per group so later batches rarely recompile."""

from __future__ import annotations

import itertools
import math
from typing import Optional, Sequence

import numpy as np

from diffhw.engine.batches import default_chunk, evaluate_arrays
from diffhw.engine.cases import case_space
from diffhw.feasibility import design_checks
from diffhw.hardware import Hardware, HardwareSpec
from diffhw.layers import take
from diffhw.program import CaseSpace, Program, group_programs
from diffhw.optimize.defaults import HW_PARAMS, OBJECTIVES
from diffhw.optimize.problem import Design, Problem, genes_of, hw_array, integer_tiles, tiles_u_of
from diffhw.optimize.tiles import KNOBS, TEMPLATE_KNOBS, apply_tiles, cluster_slots, tile_values

__all__ = ["Evaluator", "evaluate_designs"]


class Evaluator:
    """Exact, batched scoring of designs for one problem, with a memo of the (layer, template, hardware)
    items already evaluated (a search re-visits many): `evaluate(hw [B, 5], genes [B, G])`.

    Reuses `diffhw.sweep.Plan` (distinct layers, (layer, template) pairs, resolved dataflow numbers, the
    checks MAESTRO lacks) and evaluates the missing items per (structure, layer type) group with
    `diffhw.engine.batches.evaluate_arrays` in fixed-size chunks under a case space that only grows (a superset of
    cases is exact: cases that do not occur have weight 0), so a search compiles each group a few times."""

    _OUT = ("runtime_cycles", "energy_total", "total_l1_size_req", "total_l2_size_req", "peak_noc_bw_req",
            "offchip_bw_req")

    def __init__(self, problem: Problem, chunk: Optional[int] = None):
        from diffhw.sweep import Plan, models_from_networks

        self.problem = problem
        models = models_from_networks([(n, s) for n, s, _ in problem.networks])
        templates = sorted(set(problem.dataflows) | set(problem.rule_map.values()) - {"same"})
        self.plan = Plan(models, [HardwareSpec(num_pes=1)], list(templates), {})
        self.tindex = {t: i for i, t in enumerate(templates)}
        self.inv = self.plan.inv  # [M, L]
        self.chunk = chunk or min(default_chunk(), 256)
        self.memo: dict[tuple, tuple] = {}  # (ut, tile key, hw key) -> (code, outputs...)
        self.spaces: dict[Program, CaseSpace] = {}  # program family -> the case space it evaluates under
        self.items_evaluated = 0
        self.compiles = 0

    def _layer_ut(self, templates) -> list[np.ndarray]:
        """UT index per layer of each network for a templates-per-layer tuple."""
        out = []
        for m, row in enumerate(templates):
            inv = self.inv[m][: len(row)]
            out.append(np.array([self.plan.ut_of[self.tindex[t], u] for t, u in zip(row, inv)], np.int64))
        return out

    def _numbers(self, ut: int, tk: tuple) -> np.ndarray:
        """Number slots of (layer, template) pair `ut` with tile key `tk` (() = the template's numbers)."""
        nums = self.plan.ut_numbers[ut]
        return apply_tiles(self.plan.templates[self.plan.ut[ut, 1]], nums, np.array(tk)) if tk else nums

    def _run(self, need: list[tuple[int, tuple, tuple]]) -> None:
        """Evaluate (ut, tile key, hw key) items not in the memo."""
        from diffhw.errors import InputError
        from diffhw.sweep.models import layers_of_keys, program_of_key

        plan = self.plan
        entries, programs = [], []
        for item in need:
            if item in self.memo:
                continue
            ut, tk, hk = item
            err = int(plan.ut_error[ut])
            if err:
                self.memo[item] = (plan.messages[err],)
                continue
            u, t = plan.ut[ut]
            structure = plan.dataflow(t).structure
            nums = self._numbers(ut, tk)
            pes = math.prod(int(x) for x in nums[cluster_slots(structure)])
            if pes > hk[0]:
                self.memo[item] = (f"{plan.templates[t]}: the dataflow's clusters need {pes} PEs but the "
                                   f"hardware has {hk[0]}",)
                continue
            entries.append((item, nums))
            programs.append(program_of_key(structure, plan.keys[u]))
            self.memo[item] = None  # placeholder (dedupes within this call)
        for program, members in group_programs(programs).items():
            items = [entries[k][0] for k in members]
            uts = np.array([i[0] for i in items])
            hks = np.array([i[2] for i in items], np.int64)
            layers = layers_of_keys(plan.keys[plan.ut[uts, 0]])
            numbers = np.stack([entries[k][1] for k in members])
            hw = _hardware(hks[:, 0], hks[:, 1], hks[:, 2])
            try:
                sp = case_space(program, layers, numbers, hw)
                old = self.spaces.get(program)
                if old is None:  # first visit: cover the PE range up front, so later batches rarely recompile
                    old = self._probe_space(program)
                if old is not None:
                    sp = _covering_space(old, sp)
                if sp != self.spaces.get(program):
                    self.compiles += 1  # a new (structure, case space) to trace and compile
                self.spaces[program] = sp
                n = len(items)
                size = self.chunk
                pad = np.arange(-(-n // size) * size) % n
                o = evaluate_arrays(program.with_space(sp), take(layers, pad), numbers[pad], take(hw, pad),
                                    chunk=size, outputs=self._OUT)
                o = {k: np.asarray(o[k])[:n] for k in self._OUT}
                for j, it in enumerate(items):
                    self.memo[it] = (0,) + tuple(o[k][j].item() for k in self._OUT)
                self.items_evaluated += n
            except InputError as e:
                for it in items:
                    self.memo[it] = (e.message,)

    def _probe_space(self, program: Program):
        """Case space of every (layer, template) pair of a program family at 12 PE counts spanning the
        bounds (with tiles: at the smallest, middle and largest tile of every knob too)."""
        from diffhw.sweep.models import KEY_FIELDS, layers_of_keys, program_of_key

        plan = self.plan
        pp = self.problem.param("num_pes")
        pes = sorted({pp.value} if not pp.free else {int(x) for x in np.rint(np.geomspace(pp.lo, pp.hi, 12))})
        uts = [i for i, (u, t) in enumerate(plan.ut) if not plan.ut_error[i]
               and program_of_key(plan.dataflow(t).structure, plan.keys[u]) == program]
        cl = cluster_slots(program.structure)
        grid = np.array(list(itertools.product((0.0, 0.5, 1.0), repeat=KNOBS)))
        items = []
        for i in uts:
            t = plan.templates[plan.ut[i, 1]]
            spec_dims = dict(zip(KEY_FIELDS, (int(x) for x in plan.keys[plan.ut[i, 0]])))
            for q in pes:
                tks = ([()] if not (self.problem.tiles and TEMPLATE_KNOBS.get(t)) else
                       sorted({tuple(r) for r in tile_values(t, spec_dims, grid, np.full(len(grid), q)).tolist()}))
                items += [(i, tk, q) for tk in tks if math.prod(int(x) for x in self._numbers(i, tk)[cl]) <= q]
        if not items:
            return None
        ii = np.array([i for i, _, _ in items])
        layers = layers_of_keys(plan.keys[plan.ut[ii, 0]])
        numbers = np.stack([self._numbers(i, tk) for i, tk, _ in items])
        one = np.ones(len(items), np.int64)
        return case_space(program, layers, numbers, _hardware(np.array([q for _, _, q in items], np.int64), one, one))

    def layer_outputs(self, entries, hk: tuple) -> np.ndarray:
        """Exact outputs of single layers on one accelerator: entries [(network m, layer i, template, tile
        key: integer tiles padded to KNOBS, or () for the template's numbers)], hk = (num_pes, noc_bw,
        offchip_bw). Returns float [n, 6] in `_OUT` order (runtime, energy, L1, L2, NoC and off-chip bandwidth
        requirements), NaN rows where the layer cannot run so."""
        items = [(int(self.plan.ut_of[self.tindex[t], self.inv[m][i]]), tuple(tk), tuple(hk))
                 for m, i, t, tk in entries]
        self._run(sorted(set(items)))
        out = np.full((len(items), len(self._OUT)), np.nan)
        for j, it in enumerate(items):
            r = self.memo[it]
            if r[0] == 0:
                out[j] = r[1:]
        return out

    def evaluate(self, hw: np.ndarray, genes: np.ndarray, tiles_u=None) -> dict:
        """Metrics of B designs: hw int [B, 5] (HW_PARAMS order), genes int [B, G], tile coordinates
        tiles_u [B, T, KNOBS] (problems with tiles; None: the templates' numbers). Returns arrays [B]:
        objective (+inf if infeasible), latency_cycles, energy, edp (weighted over networks), area, power,
        max_l1_req, max_l2_req, peak_noc_bw_req, offchip_bw_req, valid, feasible, fits_l1, fits_l2,
        area_ok, power_ok; per_network [B, M, 3] (latency, energy, edp); error (list of str)."""
        p = self.problem
        hw = np.asarray(hw, np.int64).reshape(-1, len(HW_PARAMS))
        genes = np.asarray(genes, np.int64).reshape(len(hw), -1)
        b, nm = len(hw), len(p.networks)
        tiles = integer_tiles(p, hw, genes, tiles_u)
        uts_of = {}
        need = set()
        per_design = []
        for i in range(b):
            g = tuple(int(x) for x in genes[i])
            if g not in uts_of:
                uts_of[g] = [u.tolist() for u in self._layer_ut(p.templates_of(g))]
            hk = (int(hw[i, 0]), int(hw[i, 3]), int(hw[i, 4]))
            rows = [list(zip(uts, [()] * len(uts) if tiles is None else map(tuple, tiles[m][i].tolist())))
                    for m, uts in enumerate(uts_of[g])]
            per_design.append((rows, hk))
            need.update((u, tk, hk) for row in rows for u, tk in row)
        self._run(sorted(need))
        per_net = np.zeros((b, nm, 3))
        l1 = np.zeros(b, np.int64)
        l2 = np.zeros(b, np.int64)
        noc = np.zeros(b, np.int64)
        off = np.zeros(b, np.int64)
        valid = np.ones(b, bool)
        errors = [""] * b
        for i, (design_rows, hk) in enumerate(per_design):
            for m, row in enumerate(design_rows):
                rows = [self.memo[(u, tk, hk)] for u, tk in row]
                bad = [r for r in rows if r[0] != 0]
                if bad:
                    valid[i] = False
                    errors[i] = errors[i] or f"{p.networks[m][0]}: {bad[0][0]}"
                    continue
                a = np.array([r[1:] for r in rows], np.float64)
                lat, en = a[:, 0].sum(), a[:, 1].sum()
                per_net[i, m] = (lat, en, lat * en)
                l1[i] = max(l1[i], int(a[:, 2].max()))
                l2[i] = max(l2[i], int(a[:, 3].max()))
                noc[i] = max(noc[i], int(a[:, 4].max()))
                off[i] = max(off[i], int(a[:, 5].max()))
        w = np.array([n[2] for n in p.networks])
        tot = (per_net * w[None, :, None]).sum(1)  # [B, 3]
        chk = design_checks({"num_pes": hw[:, 0], "l1_size": hw[:, 1], "l2_size": hw[:, 2], "noc_bw": hw[:, 3],
                             "offchip_bw": hw[:, 4]},
                            {"max_l1_req": l1, "max_l2_req": l2, "peak_noc_bw_req": noc, "offchip_bw_req": off},
                            p.area_budget, p.power_budget)  # the definition `diffhw eval` uses too
        area, power, area_ok, power_ok = chk["area"], chk["power"], chk["area_ok"], chk["power_ok"]
        fits_l1, fits_l2 = valid & chk["fits_l1"], valid & chk["fits_l2"]
        feasible = valid & chk["feasible"]
        obj = tot[:, OBJECTIVES.index(p.objective)]
        for i in range(b):
            if valid[i] and not feasible[i]:
                why = [k for k, v in (("L1 requirement > l1_size", fits_l1), ("L2 requirement > l2_size", fits_l2),
                                      ("area over budget", area_ok), ("power over budget", power_ok)) if not v[i]]
                errors[i] = "; ".join(why)
        return {
            "objective": np.where(feasible, obj, np.inf),
            "latency_cycles": np.where(valid, tot[:, 0], np.nan), "energy": np.where(valid, tot[:, 1], np.nan),
            "edp": np.where(valid, tot[:, 2], np.nan), "area": area, "power": power,
            "max_l1_req": l1, "max_l2_req": l2, "peak_noc_bw_req": noc, "offchip_bw_req": off,
            "valid": valid, "feasible": feasible, "fits_l1": fits_l1, "fits_l2": fits_l2, "area_ok": area_ok,
            "power_ok": power_ok, "noc_ok": valid & chk["noc_ok"], "offchip_ok": valid & chk["offchip_ok"],
            "area_req": chk["area_req"], "power_req": chk["power_req"], "per_network": per_net, "error": errors,
        }


def _hardware(num_pes, noc_bw, offchip_bw) -> Hardware:
    """`Hardware` [n] of a search's parameters (one SIMD lane, one NoC hop: the hardware files' defaults)."""
    one = np.ones(len(num_pes), np.int64)
    return Hardware(num_pes=num_pes, noc_bw=noc_bw, offchip_bw=offchip_bw, simd_lanes=one, noc_hops=one)


def _covering_space(a: CaseSpace, b: CaseSpace) -> CaseSpace:
    """A case space covering both (per level: per directive the union of state slots; union of edge dims)."""
    combos, edges = [], []
    for ca, cb, ea, eb in zip(a.combos, b.combos, a.edge_dims, b.edge_dims):
        rows = list(ca) + list(cb)
        ndir = len(rows[0]) if rows else 0
        slots = [sorted({r[j] for r in rows}) for j in range(ndir)]
        combos.append(tuple(itertools.product(*slots)) if rows else ())
        edges.append(tuple(sorted(set(ea) | set(eb))))
    return CaseSpace(tuple(combos), tuple(edges))


def evaluate_designs(problem: Problem, designs: Sequence[Design], evaluator: Optional[Evaluator] = None) -> dict:
    """Exact metrics of `designs` (see `Evaluator.evaluate`)."""
    evaluator = evaluator or Evaluator(problem)
    genes = np.array([genes_of(problem, d) for d in designs], np.int64).reshape(len(designs), -1)
    tiles_u = np.stack([tiles_u_of(problem, d) for d in designs]) if problem.tiles and designs else None
    return evaluator.evaluate(hw_array(designs), genes, tiles_u)
