"""Co-design problems on the exact cost model: what is searched, what is feasible, what it costs.

A `Problem` fixes the networks (weighted), the objective (network latency, energy or EDP: totals over
layers, weighted sum over networks), the budgets, the dataflow choices (one template for the whole
accelerator, or one per layer with `per_layer`) and, per hardware parameter, either a fixed value or
integer bounds (searched in log space). A `Design` is a concrete accelerator plus the template of every
layer. Every search method (grid, random, genetic here; the gradient method in `gradient.py`) turns
continuous parameters into designs with the same `discretize` + `repair` and scores them with the same
`Evaluator` (exact model, batched, distinct items evaluated once), so their results are comparable.

Feasibility (stricter than MAESTRO, which only reports requirements): every layer's L1 / L2 requirement
fits the provisioned `l1_size` / `l2_size`, and the area and power of the accelerator, computed with
MAESTRO's formulas (`diffhw.cost.model.hardware_cost`) at the PROVISIONED capacities, are within the
budgets. Bandwidth requirements above `noc_bw` / `offchip_bw` are not infeasible: MAESTRO's runtime already
pays for them (stalls). An infeasible design's objective is +inf in every method.

With `tiles`, every layer also gets its own tile sizes: the constant tile numbers of its template
(`diffhw.optimize.tiles`: os K and C tiles, the K tile also its cluster size, ...), held by every method as unit
coordinates [B, T, KNOBS] (T = layers over all networks) and made integers by the same `tile_values`.

Layer types follow MAESTRO's frontend rule (`rule`, default DSCONV -> dpt, GEMM -> gemm): only layers whose
type has no rule entry (CONV) take the searched dataflow.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

import diffhw.evaluate as ev
from diffhw.cost.analysis import CaseSpace
from diffhw.cost.model import case_space
from diffhw.feasibility import area_power, design_checks
from diffhw.dataflow import TEMPLATES, Cluster, Sz
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec, Layers, OP_NAMES
from diffhw.optimize.defaults import (DEFAULT_AREA_BUDGET, DEFAULT_BOUNDS, HW_PARAMS, OBJECTIVES,
                                      SEARCH_DATAFLOWS)
from diffhw.optimize.tiles import KNOBS, TEMPLATE_KNOBS, apply_tiles, cluster_slots, tile_values, unit_of_tiles
from diffhw.sweep.plan import DEFAULT_RULE

__all__ = ["HW_PARAMS", "OBJECTIVES", "SEARCH_DATAFLOWS", "DEFAULT_BOUNDS", "DEFAULT_AREA_BUDGET", "Param",
           "Problem", "Design", "Evaluator", "evaluate_designs", "discretize", "repair", "specs_of",
           "snap_pes", "pe_multiple", "pe_multiple_of", "within_budgets", "smallest_design", "to_designs"]



@dataclass(frozen=True)
class Param:
    """One hardware parameter: fixed at `value`, or free in [lo, hi] (integers, searched in log space)."""

    name: str
    lo: int
    hi: int
    value: Optional[int] = None

    @property
    def free(self) -> bool:
        return self.value is None


def specs_of(net) -> list[LayerSpec]:
    """MAC layer specs of a network given as LayerSpecs, a `Network`, a `Graph` or `Layers` arrays `[L]`."""
    if hasattr(net, "to_network"):
        net = net.to_network()
    if hasattr(net, "layers") and not isinstance(net, Layers):
        net = net.layers
    if isinstance(net, Layers):
        out = []
        mask = np.asarray(net.mask, bool)
        for i in np.flatnonzero(mask):
            g = {f: int(np.asarray(getattr(net, f))[i]) for f in ("op", "N", "K", "C", "R", "S", "Y", "X", "M",
                                                                   "stride_y", "stride_x")}
            op = OP_NAMES[g["op"]]
            if op == "GEMM":
                out.append(LayerSpec(f"layer{i}", op, {"M": g["M"], "N": g["N"], "K": g["K"]}))
            else:
                dims = {k: g[k] for k in ("K", "C", "R", "S", "Y", "X")}
                if g["N"] > 1:
                    dims = {"N": g["N"], **dims}
                out.append(LayerSpec(f"layer{i}", op, dims, {"Y": g["stride_y"], "X": g["stride_x"]}))
        return out
    return [s for s in net if s.op in ("CONV", "DSCONV", "GEMM")]


@dataclass(frozen=True)
class Problem:
    """A co-design problem (see the module docstring). Build with `Problem.make(...)`."""

    networks: tuple  # ((name, tuple[LayerSpec, ...], weight), ...)
    objective: str = "edp"
    area_budget: float = DEFAULT_AREA_BUDGET
    power_budget: Optional[float] = None
    dataflows: tuple[str, ...] = SEARCH_DATAFLOWS
    per_layer: bool = False
    params: tuple[Param, ...] = ()
    rule: tuple = tuple(DEFAULT_RULE.items())
    tiles: bool = False

    @staticmethod
    def make(networks, objective: str = "edp", area_budget: float = DEFAULT_AREA_BUDGET,
             power_budget: Optional[float] = None, dataflows: Sequence[str] = SEARCH_DATAFLOWS,
             per_layer: bool = False, fixed: Optional[Mapping[str, int]] = None,
             bounds: Optional[Mapping[str, tuple[int, int]]] = None,
             rule: Optional[Mapping[str, str]] = None, tiles: bool = False) -> "Problem":
        """networks: list of (name, layers[, weight]) with layers as accepted by `specs_of`, or one such
        layers object. Raises ValueError on anything invalid (unknown objective/dataflow/parameter, empty
        network, bad bounds or budgets)."""
        if not isinstance(networks, (list, tuple)) or (networks and isinstance(networks[0], LayerSpec)):
            networks = [("net", networks)]
        nets = []
        for item in networks:
            name, layers = item[0], item[1]
            weight = float(item[2]) if len(item) > 2 else 1.0
            specs = tuple(specs_of(layers))
            if not specs:
                raise ValueError(f"network {name!r} has no CONV, DSCONV or GEMM layers")
            if not weight > 0:
                raise ValueError(f"network {name!r}: weight must be positive")
            nets.append((str(name), specs, weight))
        if not nets:
            raise ValueError("no networks")
        if objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}; use one of {', '.join(OBJECTIVES)}")
        dataflows = tuple(dataflows)
        if not dataflows:
            raise ValueError("no dataflows to choose from")
        for d in dataflows:
            if d not in TEMPLATES:
                raise ValueError(f"unknown dataflow {d!r}; use some of {', '.join(SEARCH_DATAFLOWS)}")
        if len(set(dataflows)) != len(dataflows):
            raise ValueError(f"dataflow listed twice in {','.join(dataflows)}")
        if not (area_budget > 0):
            raise ValueError(f"area budget must be positive, got {area_budget}")
        if power_budget is not None and not power_budget > 0:
            raise ValueError(f"power budget must be positive, got {power_budget}")
        fixed = dict(fixed or {})
        bounds = dict(bounds or {})
        for k in list(fixed) + list(bounds):
            if k not in HW_PARAMS:
                raise ValueError(f"unknown hardware parameter {k!r}; use one of {', '.join(HW_PARAMS)}")
        params = []
        for name in HW_PARAMS:
            lo, hi = bounds.get(name, DEFAULT_BOUNDS[name])
            lo, hi = int(lo), int(hi)
            if not 1 <= lo <= hi:
                raise ValueError(f"{name}: bounds must satisfy 1 <= lo <= hi, got ({lo}, {hi})")
            v = fixed.get(name)
            if v is not None:
                v = int(v)
                if v < 1:
                    raise ValueError(f"{name} must be at least 1, got {v}")
            params.append(Param(name, lo, hi, v))
        rule = dict(DEFAULT_RULE if rule is None else rule)
        return Problem(tuple(nets), objective, float(area_budget),
                       None if power_budget is None else float(power_budget), dataflows, bool(per_layer),
                       tuple(params), tuple(sorted(rule.items())), bool(tiles))

    # ----------------------------------------------------------------------------------------- encoding

    def param(self, name: str) -> Param:
        return self.params[HW_PARAMS.index(name)]

    @property
    def free(self) -> tuple[str, ...]:
        """Names of the free hardware parameters, in HW_PARAMS order."""
        return tuple(p.name for p in self.params if p.free)

    @property
    def rule_map(self) -> dict[str, str]:
        return dict(self.rule)

    def searched(self, spec: LayerSpec) -> bool:
        """True when the layer takes the searched dataflow (its type has no rule entry)."""
        t = self.rule_map.get(spec.op)
        return t is None or t == "same"

    @property
    def gene_layers(self) -> tuple[tuple[int, int], ...]:
        """(network, layer) of every dataflow gene: one gene for the accelerator, or one per searched layer."""
        if not self.per_layer:
            return ((-1, -1),)
        return tuple((m, i) for m, (_, specs, _) in enumerate(self.networks)
                     for i, s in enumerate(specs) if self.searched(s))

    @property
    def num_genes(self) -> int:
        return max(len(self.gene_layers), 1) if self.per_layer else 1

    def templates_of(self, genes: Sequence[int]) -> tuple[tuple[str, ...], ...]:
        """Template per layer of each network for dataflow genes (indices into `dataflows`)."""
        genes = [int(g) for g in genes]
        rule = self.rule_map
        out, k = [], 0
        for _, specs, _ in self.networks:
            row = []
            for s in specs:
                if self.searched(s):
                    row.append(self.dataflows[genes[k] if self.per_layer else genes[0]])
                    k += self.per_layer
                else:
                    row.append(rule[s.op])
            out.append(tuple(row))
        return tuple(out)

    @property
    def num_tile_layers(self) -> int:
        """T: layers carrying tile coordinates (every layer of every network, in order; 0 without tiles)."""
        return sum(len(specs) for _, specs, _ in self.networks) if self.tiles else 0

    def describe(self) -> dict:
        return {
            "networks": [{"name": n, "layers": len(s), "weight": w} for n, s, w in self.networks],
            "objective": self.objective, "area_budget": self.area_budget, "power_budget": self.power_budget,
            "dataflows": list(self.dataflows), "per_layer": self.per_layer, "rule": dict(self.rule),
            "tiles": self.tiles,
            "params": {p.name: ({"fixed": p.value} if not p.free else {"lo": p.lo, "hi": p.hi})
                       for p in self.params},
        }


@dataclass(frozen=True)
class Design:
    """A concrete accelerator, the template of every layer (`dataflows[m][i]`: network m, layer i) and,
    when tiles are searched, its tile sizes (`tiles[m][i]`: one int per knob of that template; empty
    tuples mean the templates' own numbers)."""

    hw: HardwareSpec
    dataflows: tuple[tuple[str, ...], ...]
    genes: tuple[int, ...] = ()
    tiles: tuple = ()

    def hardware_dict(self) -> dict:
        return {k: int(getattr(self.hw, k)) for k in HW_PARAMS}


# ---------------------------------------------------------------------------------------- evaluation


def pe_multiple(templates, tiles: bool = False) -> int:
    """PEs must be a multiple of the largest constant cluster size of the templates (16 for os, 64 for dla,
    32 for gemm; clusters of Sz(R) only need PEs >= R): every cluster level is then fully used. With
    searched `tiles` the cluster sizes are tiles (at most the PE count, see `diffhw.optimize.tiles`): 1."""
    m = 1
    for t in templates:
        tied = {j for kn in TEMPLATE_KNOBS.get(t, ()) for j in kn.directives} if tiles else set()
        for j, d in enumerate(TEMPLATES[t].directives):
            if isinstance(d, Cluster) and not isinstance(d.size, Sz) and j not in tied:
                m = math.lcm(m, int(d.size))
    return m


def snap_pes(p, multiple: int, lo: int, hi: int) -> np.ndarray:
    """Round PE counts to the nearest multiple of `multiple` inside [lo, hi] (the smallest multiple >= lo
    when none is below hi: such designs are then invalid for the template)."""
    p = np.asarray(p, np.float64)
    m = multiple
    lo_m = -(-lo // m) * m
    hi_m = max(hi // m * m, lo_m)
    return np.clip(np.rint(p / m) * m, lo_m, hi_m).astype(np.int64)


def pe_multiple_of(problem: Problem, genes) -> int:
    """`pe_multiple` of the templates a design with dataflow genes `genes` [G] uses."""
    return pe_multiple({t for row in problem.templates_of(genes) for t in row}, problem.tiles)


class Evaluator:
    """Exact, batched scoring of designs for one problem, with a memo of the (layer, template, hardware)
    items already evaluated (a search re-visits many): `evaluate(hw [B, 5], genes [B, G])`.

    Reuses `diffhw.sweep.Plan` (distinct layers, (layer, template) pairs, resolved dataflow numbers, the
    checks MAESTRO lacks) and evaluates the missing items per (structure, layer type) group with
    `diffhw.evaluate.evaluate_arrays` in fixed-size chunks under a case space that only grows (a superset of
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
        self.chunk = chunk or min(ev.default_chunk(), 256)
        self.memo: dict[tuple, tuple] = {}  # (ut, tile key, hw key) -> (code, outputs...)
        self.spaces: dict[tuple, object] = {}
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
        from diffhw.sweep.plan import KEY_FIELDS, _LAYER_ARGS

        plan = self.plan
        groups: dict[tuple, list] = {}
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
            key = plan.keys[u]
            groups.setdefault((structure, OP_NAMES[int(key[0])], bool(key[-1])), []).append((item, nums))
            self.memo[item] = None  # placeholder (dedupes within this call)
        for (structure, op, has_batch), entries in groups.items():
            items = [e[0] for e in entries]
            uts = np.array([i[0] for i in items])
            hks = np.array([i[2] for i in items], np.int64)
            keys = plan.keys[plan.ut[uts, 0]]
            layers = {f: keys[:, KEY_FIELDS.index(f)] for f in _LAYER_ARGS}
            numbers = np.stack([e[1] for e in entries])
            hw = {"num_pes": hks[:, 0], "noc_bw": hks[:, 1], "offchip_bw": hks[:, 2],
                  "simd_lanes": np.ones(len(items), np.int64), "noc_hops": np.ones(len(items), np.int64)}
            gk = (structure, op, has_batch)
            try:
                sp = case_space(structure, op, has_batch, layers, numbers, hw)
                old = self.spaces.get(gk)
                if old is None:  # first visit: cover the PE range up front, so later batches rarely recompile
                    old = self._probe_space(structure, op, has_batch, gk)
                if old is not None:
                    sp = _covering_space(old, sp)
                if sp != self.spaces.get(gk):
                    self.compiles += 1  # a new (structure, case space) to trace and compile
                self.spaces[gk] = sp
                n = len(items)
                size = self.chunk
                pad = np.arange(-(-n // size) * size) % n
                o = ev.evaluate_arrays(structure, op, has_batch, {k: v[pad] for k, v in layers.items()},
                                       numbers[pad], {k: v[pad] for k, v in hw.items()}, space=sp, chunk=size,
                                       outputs=self._OUT)
                o = {k: np.asarray(o[k])[:n] for k in self._OUT}
                for j, it in enumerate(items):
                    self.memo[it] = (0,) + tuple(o[k][j].item() for k in self._OUT)
                self.items_evaluated += n
            except InputError as e:
                for it in items:
                    self.memo[it] = (e.message,)

    def _probe_space(self, structure, op, has_batch, gk):
        """Case space of every (layer, template) pair of a group at 12 PE counts spanning the bounds (with
        tiles: at the smallest, middle and largest tile of every knob too)."""
        from diffhw.sweep.plan import KEY_FIELDS, _LAYER_ARGS

        plan = self.plan
        pp = self.problem.param("num_pes")
        pes = sorted({pp.value} if not pp.free else {int(x) for x in np.rint(np.geomspace(pp.lo, pp.hi, 12))})
        uts = [i for i, (u, t) in enumerate(plan.ut) if not plan.ut_error[i]
               and (plan.dataflow(t).structure, OP_NAMES[int(plan.keys[u][0])], bool(plan.keys[u][-1])) == gk]
        cl = cluster_slots(structure)
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
        keys = plan.keys[plan.ut[ii, 0]]
        layers = {f: keys[:, KEY_FIELDS.index(f)] for f in _LAYER_ARGS}
        numbers = np.stack([self._numbers(i, tk) for i, tk, _ in items])
        n = len(items)
        hw = {"num_pes": np.array([q for _, _, q in items], np.int64), "noc_bw": np.ones(n, np.int64),
              "offchip_bw": np.ones(n, np.int64), "simd_lanes": np.ones(n, np.int64),
              "noc_hops": np.ones(n, np.int64)}
        return case_space(structure, op, has_batch, layers, numbers, hw)

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


def integer_tiles(p: Problem, hw: np.ndarray, genes: np.ndarray, tiles_u) -> Optional[list[np.ndarray]]:
    """Integer tiles per network, int [B, L, KNOBS] (0 past a template's knobs), of designs with tile
    coordinates tiles_u [B, T, KNOBS]; None when the problem does not search tiles."""
    if not p.tiles or tiles_u is None:
        return None
    b = len(hw)
    tiles_u = np.asarray(tiles_u, np.float64).reshape(b, p.num_tile_layers, KNOBS)
    of: dict[tuple, tuple] = {}
    for g in map(tuple, genes.tolist()):
        if g not in of:
            of[g] = p.templates_of(g)
    rows = [of[g] for g in map(tuple, genes.tolist())]
    out, off = [], 0
    for m, (_, specs, _) in enumerate(p.networks):
        arr = np.zeros((b, len(specs), KNOBS), np.int64)
        for i, s in enumerate(specs):
            ts = np.array([r[m][i] for r in rows])
            for t in dict.fromkeys(ts.tolist()):
                sel = ts == t
                v = tile_values(t, s.input_dims(), tiles_u[sel, off + i], hw[sel, 0])
                arr[np.flatnonzero(sel)[:, None], i, np.arange(v.shape[1])] = v
        out.append(arr)
        off += len(specs)
    return out


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


def hw_array(designs: Sequence[Design]) -> np.ndarray:
    return np.array([[int(getattr(d.hw, k)) for k in HW_PARAMS] for d in designs], np.int64).reshape(-1, 5)


def genes_of(problem: Problem, design: Design) -> tuple[int, ...]:
    """Dataflow genes of a design (its own, else derived from its per-layer templates)."""
    if design.genes:
        return tuple(design.genes)
    if not problem.per_layer:
        for m, (_, specs, _) in enumerate(problem.networks):
            for i, s in enumerate(specs):
                if problem.searched(s):
                    return (problem.dataflows.index(design.dataflows[m][i]),)
        return (0,)
    return tuple(problem.dataflows.index(design.dataflows[m][i]) for m, i in problem.gene_layers) or (0,)


def tiles_u_of(problem: Problem, design: Design) -> Optional[np.ndarray]:
    """Tile coordinates [T, KNOBS] that reproduce a design's tiles (None for a problem without tiles)."""
    if not problem.tiles:
        return None
    out = np.zeros((problem.num_tile_layers, KNOBS))
    k = 0
    for m, (_, specs, _) in enumerate(problem.networks):
        for i, s in enumerate(specs):
            t = design.dataflows[m][i]
            tiles = design.tiles[m][i] if design.tiles else ()
            out[k] = unit_of_tiles(t, s.input_dims(), tiles, design.hw.num_pes) if tiles else 0.5
            k += 1
    return out


def evaluate_designs(problem: Problem, designs: Sequence[Design], evaluator: Optional[Evaluator] = None) -> dict:
    """Exact metrics of `designs` (see `Evaluator.evaluate`)."""
    evaluator = evaluator or Evaluator(problem)
    genes = np.array([genes_of(problem, d) for d in designs], np.int64).reshape(len(designs), -1)
    tiles_u = np.stack([tiles_u_of(problem, d) for d in designs]) if problem.tiles and designs else None
    return evaluator.evaluate(hw_array(designs), genes, tiles_u)


# ------------------------------------------------------------------------------------ discretization


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


def to_designs(problem: Problem, hw: np.ndarray, genes: np.ndarray, tiles_u=None) -> list[Design]:
    """Designs of integer hardware [B, 5], genes [B, G] and tile coordinates [B, T, KNOBS] (or None)."""
    hw, genes = np.asarray(hw, np.int64), np.asarray(genes, np.int64)
    tiles = integer_tiles(problem, hw, genes, tiles_u)
    out = []
    for b, (h, g) in enumerate(zip(hw, genes)):
        templates = problem.templates_of(g)
        tl = () if tiles is None else tuple(
            tuple(tuple(int(x) for x in tiles[m][b, i, :len(TEMPLATE_KNOBS.get(t, ()))]) for i, t in enumerate(row))
            for m, row in enumerate(templates))
        out.append(Design(HardwareSpec(num_pes=int(h[0]), l1_size=int(h[1]), l2_size=int(h[2]), noc_bw=int(h[3]),
                                       offchip_bw=int(h[4]), name="codesign"),
                          templates, tuple(int(x) for x in g), tl))
    return out


def smallest_design(problem: Problem) -> dict:
    """Area and power of the smallest accelerator the problem allows (fewest PEs that a template of the
    problem can use, lowest noc_bw, buffers at their lower bounds or fixed values): if this is over a budget,
    no design is feasible."""
    P = {k: problem.param(k) for k in HW_PARAMS}
    val = {k: (p.value if not p.free else p.lo) for k, p in P.items()}
    if P["num_pes"].free:
        m = min(pe_multiple({t} | {v for v in problem.rule_map.values() if v != "same"}) for t in problem.dataflows)
        val["num_pes"] = int(snap_pes(P["num_pes"].lo, m, P["num_pes"].lo, P["num_pes"].hi))
    area, power = area_power(np.array([val["num_pes"]]), np.array([val["noc_bw"]]), np.array([val["l1_size"]]),
                              np.array([val["l2_size"]]))
    return {**val, "area": float(area[0]), "power": float(power[0])}
