"""Co-design problems on the exact cost model: what is searched, what is feasible, what it costs.

A `Problem` fixes the networks (weighted), the objective (network latency, energy or EDP: totals over
layers, weighted sum over networks), the budgets, the dataflow choices (one template for the whole
accelerator, or one per layer with `per_layer`) and, per hardware parameter, either a fixed value or
integer bounds (searched in log space). A `Design` is a concrete accelerator plus the template of every
layer. Every search method (grid, random, genetic in `baselines.py`; the gradient method in `gradient.py`) turns
continuous parameters into designs with the same `discretize` + `repair` (`discretization.py`) and scores them
with the same `Evaluator` (`evaluator.py`: exact model, batched, distinct items evaluated once), so their
results are comparable.

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

import math
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from diffhw.feasibility import area_power
from diffhw.dataflow import TEMPLATES, Cluster, Sz
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec, Layers, OP_NAMES
from diffhw.optimize.defaults import (DEFAULT_AREA_BUDGET, DEFAULT_BOUNDS, HW_PARAMS, OBJECTIVES,
                                      SEARCH_DATAFLOWS)
from diffhw.optimize.tiles import KNOBS, TEMPLATE_KNOBS, tile_values, unit_of_tiles
from diffhw.sweep.plan import DEFAULT_RULE

__all__ = ["Param", "Problem", "Design", "specs_of", "snap_pes", "pe_multiple", "pe_multiple_of", "integer_tiles",
           "hw_array", "genes_of", "tiles_u_of", "to_designs", "smallest_design"]


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
