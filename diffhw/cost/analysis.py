"""Per-level cost analysis (MAESTRO's IterationAnalysis + ReuseAnalysis + CostAnalysisEngine).

Every directive of a level is in one of three iteration states, Init, Steady (repeated) and Edge (partial
last tile); a *case* is one state per directive and occurs (product of state counts) times. MAESTRO loops
over the cases that exist for the given sizes. Here the cases a batch can produce are enumerated once at
trace time (`combos`, a static [K, D] array of state slots) and every per-case quantity is an array over
that case axis, masked where a case does not exist for the current numbers. Upper levels analyse their
sub-clusters recursively (vmapped over the upper level's cases), exactly as MAESTRO recurses.

Written once against the numerics interface (`diffhw.numerics`): `Exact` gives MAESTRO's int64 results,
`Relaxed` the smooth surrogate of the same analysis. One layer and one hardware; batch with vmap.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

from diffhw.cost.clusters import Level, Tensor
from diffhw.hardware import INT_MAX
from diffhw.numerics import Exact, Numerics, walk as walk_cases
from diffhw.program import CaseSpace

INIT, STEADY, EDGE = 0, 1, 2
I64 = np.int64


@dataclass
class States:
    """Iteration states of one directive, each field an array [3] over (Init, Steady, Edge)."""

    exists: jnp.ndarray
    occ: jnp.ndarray
    is_edge: jnp.ndarray
    unrolled: jnp.ndarray
    has_ee: jnp.ndarray


def directive_states(kind: str, dim, m, o, nsub, nm: Numerics) -> States:
    """IterationAnalysis::AnalyzeIterationStates for one directive on a dimension of size `dim`."""
    t, f = nm.bool(True), nm.bool(False)
    one = nm.num(1)
    xp = nm.xp
    if kind == "T":
        init_edge = nm.lt(dim, m)
        n = nm.div(dim - m, o)
        steady = nm.and_(nm.lt(m, dim), nm.lt(0, n))
        edge = nm.and_(nm.not_(init_edge), nm.lt(n * o + m, dim))
        return States(
            exists=xp.stack([t, steady, edge]),
            occ=xp.stack([one, n, one]),
            is_edge=xp.stack([init_edge, f, t]),
            unrolled=xp.stack([nm.le(dim, m), f, f]),
            has_ee=xp.stack([f, f, f]),
        )
    cov = m + o * (nsub - 1)
    init_unroll = nm.le(dim, cov)
    init_edge = nm.lt(dim, cov)
    n = nm.div(nm.div(dim - m, o) + 1, nsub) - 1
    steady = nm.and_(nm.lt(cov, dim), nm.lt(0, n))
    has_edge = nm.and_(nm.and_(nm.not_(init_unroll), nm.lt(dim, (n + 1) * (o * nsub) + cov)),
                       nm.not_(nm.eq(n * (o * nsub) + cov, dim)))
    remaining = dim - (n + 1) * o * nsub
    nact = nm.where(nm.lt(remaining, m), 1, nm.div(remaining - m, o) + 1)
    ee = nm.lt((nact - 1) * o + m, remaining)
    return States(
        exists=xp.stack([t, steady, nm.and_(nm.not_(init_edge), has_edge)]),
        occ=xp.stack([one, n, one]),
        is_edge=xp.stack([init_edge, f, t]),
        unrolled=xp.stack([init_unroll, f, f]),
        has_ee=xp.stack([init_edge, f, ee]),
    )


def reuse_tables(level: Level, nm: Numerics) -> dict[str, dict[str, jnp.ndarray]]:
    """ReuseAnalysis::Analyze{Input,Output}MappingSizes: per-dimension tile sizes of a level (static dims).
    Keys: mapped, mapped_edge, unique, unique_edge; each maps a dim name (incl. Y'/X') to a scalar."""
    mapped, mapped_e, uniq, uniq_e = {}, {}, {}, {}
    for d in level.directives:
        dim, m, o = level.dims[d.var], d.size, d.ofs
        steady = nm.maximum(nm.div(dim - m, o), 0)
        has_edge = nm.or_(nm.lt(steady * o + m, dim), nm.lt(dim, m))
        mapped[d.var] = m
        u = nm.minimum(m, o)
        uniq[d.var] = nm.where(nm.le(dim, m), 0, u) if d.kind == "T" else u
        edge_map = dim - (steady + 1) * o
        edge_map = nm.where(nm.lt(edge_map, 0), dim, edge_map)
        mapped_e[d.var] = nm.where(has_edge, edge_map, m)
        uniq_e[d.var] = nm.maximum(o - (m - edge_map), 0)
    for d in level.directives:
        if d.var in ("Y", "X"):
            out, slide = ("Y'", "R") if d.var == "Y" else ("X'", "S")
            zero = nm.num(0)
            mapped[out] = mapped[d.var] - mapped.get(slide, zero) + 1
            uniq[out] = nm.minimum(d.ofs, d.size)
            mapped_e[out] = mapped_e[d.var] - mapped_e.get(slide, zero) + 1
            uniq_e[out] = nm.minimum(d.ofs, mapped_e[out])
    return {"mapped": mapped, "mapped_edge": mapped_e, "unique": uniq, "unique_edge": uniq_e}


def possible_states(levels: list[Level], nm: Exact) -> tuple[list[jnp.ndarray], list[dict[str, jnp.ndarray]]]:
    """Which states each directive of each level can take for this layer (one bool array [D, 3] per
    level), and per level which dimensions' edge tiles differ from their full tiles ({dim: bool}).
    Lower levels see the upper level's full or edge tile of each dimension, so both are tried. `nm` is an
    `Exact` (compiled or eager): which discrete states occur is an integer question whatever numerics
    evaluates the costs."""
    xp = nm.xp
    states, differs = [], []
    cands: dict[str, list] | None = None
    for level in levels:
        rows = []
        for d in level.directives:
            dims = [level.dims[d.var]] if cands is None else cands[d.var]
            ex = xp.zeros(3, bool)
            for dim in dims:
                ex = ex | directive_states(d.kind, dim, d.size, d.ofs, level.nsub, nm).exists
            rows.append(ex)
        states.append(xp.stack(rows))
        t = reuse_tables(level, nm)
        differs.append({d.var: t["mapped"][d.var] != t["mapped_edge"][d.var] for d in level.directives})
        cands = {v: [t["mapped"][v], t["mapped_edge"][v]] for v in t["mapped"]}
    return states, differs


def _small_mod(x, n, xp):
    """x mod n (non-negative) for -1 <= x <= 2 and 1 <= n <= 3 (a digit of a case's enumeration order),
    by selects instead of an integer remainder per case (cheaper on CPU: docs/performance.md)."""
    return xp.where(n == 1, 0, x + n * ((x < 0).astype(x.dtype) - (x >= n).astype(x.dtype)))


def _take(x, slot, xp):
    """x[slot] for a per-state array x [3] and static slots [K], as selects: fuses with its users, where a
    gather with constant indices does not (docs/performance.md)."""
    return xp.where(slot == INIT, x[INIT], xp.where(slot == STEADY, x[STEADY], x[EDGE]))


class _Case:
    """Per-case view of a level: static state slots plus traced state attributes, arrays over cases [K]."""

    def __init__(self, level: Level, dims_dyn: dict, combos: np.ndarray, nm: Numerics):
        self.nm = nm
        xp = nm.xp
        dirs = level.directives
        self.dirs = dirs
        self.combos = combos
        k = combos.shape[0]
        st = [directive_states(d.kind, dims_dyn[d.var], d.size, d.ofs, level.nsub, nm) for d in dirs]
        self.st = st
        exists = xp.broadcast_to(nm.bool(True), (k,))
        occ = xp.broadcast_to(nm.num(1), (k,))
        for j, s in enumerate(st):
            slot = combos[:, j]
            exists = nm.and_(exists, _take(s.exists, slot, xp))
            occ = occ * _take(s.occ, slot, xp)
        self.exact_occ = occ
        occ = nm.wrap_int32(occ)  # MAESTRO multiplies the occurrences in an int
        self.exists, self.occ = exists, occ
        # MAESTRO keys iteration states by dimension: the last directive on a dimension wins.
        self.var_dir = {d.var: j for j, d in enumerate(dirs)}
        self.pos = {v: combos[:, j] for v, j in self.var_dir.items()}  # static [K]
        self.is_edge = {v: _take(st[j].is_edge, combos[:, j], xp) for v, j in self.var_dir.items()}
        self.unrolled = {v: _take(st[j].unrolled, combos[:, j], xp) for v, j in self.var_dir.items()}
        self.has_ee = {v: _take(st[j].has_ee, combos[:, j], xp) for v, j in self.var_dir.items()}
        self.all_init = np.all(np.stack([p == INIT for p in self.pos.values()]), axis=0)
        # Position of each case in MAESTRO's (odd) enumeration order (a discrete index in both numerics).
        present = [nm.round(nm.count(s.exists)) for s in st]
        nstates = [p.sum() for p in present]
        idx = []
        for j, p in enumerate(present):
            slot = combos[:, j]
            idx.append(xp.where(slot == EDGE, 1 + p[STEADY], xp.asarray(slot, I64)))
        c = idx[-1]
        f = nstates[-1]
        for j in range(len(st) - 2, -1, -1):
            q = _small_mod(idx[j] - (c > 0), xp.maximum(nstates[j], 1), xp)
            c = q * f + c
            f = f * nstates[j]
        self.order = c


def _lookup(table: dict, v: str, nm):
    return table.get(v, nm.num(0))


def _mapped_volume(t: dict, tensor: Tensor, nm):
    """ReuseAnalysis::GetMappedVolume: product of a level's tile sizes over the tensor's dims."""
    out = nm.num(1)
    for v in tensor.dims:
        if v in t["mapped"]:
            out = out * t["mapped"][v]
    return out


class _Traffic:
    """Ingress/egress/partial-sum volumes of one level (ReuseAnalysis), vectorized over cases."""

    def __init__(self, case: _Case, tables: dict, level: Level):
        self.c, self.t = case, tables
        self.nm = nm = case.nm
        self.ne = level.nedge
        self.n = level.nsub
        self.one = nm.eq(self.ne, 1)  # a single sub-cluster active at the spatial edge
        self.big = nm.lt(1, self.ne)

    def _m(self, v):
        return _lookup(self.t["mapped"], v, self.nm)

    def _me(self, v):
        return _lookup(self.t["mapped_edge"], v, self.nm)

    def _u(self, v):
        return _lookup(self.t["unique"], v, self.nm)

    def _ue(self, v):
        return _lookup(self.t["unique_edge"], v, self.nm)

    def _u_nz(self, v):
        u = self._u(v)
        return self.nm.where(self.nm.eq(u, 0), 1, u)

    def pe_mapped(self, tensor: Tensor, first: bool, ee: bool):
        """GetPEMappedVolume."""
        c, nm = self.c, self.nm
        xp = nm.xp
        ret = xp.ones_like(c.occ)
        for d in c.dirs:
            if d.var not in tensor.dims:
                continue
            v = d.var
            e = c.is_edge[v]
            if d.kind == "T":
                ret = ret * nm.where(e, self._me(v), self._m(v))
            else:
                in_edge = nm.where(
                    self.one,
                    self._me(v) if (first or ee) else 1,
                    self._me(v) if ee else self._m(v),
                )
                ret = ret * nm.where(e, in_edge, self._m(v))
        return ret

    def pe_ingress(self, tensor: Tensor, first: bool, ee: bool):
        """GetPEIngressVolume: the new data one sub-cluster receives in a case (0 if the tensor is
        stationary, i.e. the innermost advancing directive is not coupled to it)."""
        c, nm = self.c, self.nm
        xp = nm.xp
        k = c.occ.shape[0]
        dirs = c.dirs
        changing, inited = self._changing_inited(tensor)
        ret = xp.ones_like(c.occ)
        touched = np.zeros(k, bool)
        mx = lambda v: self._me(v) if ee else self._m(v)  # noqa: E731
        ux = lambda v: self._ue(v) if ee else self._u(v)  # noqa: E731
        for j, d in enumerate(dirs):
            v = d.var
            if v not in tensor.dims:
                continue
            is_chg = changing == j
            touched = touched | is_chg
            reset = j > changing
            pos = c.pos[v]
            if d.kind == "T":
                init_val = nm.where(c.is_edge[v], self._me(v), self._m(v))
                moving = nm.where(nm.and_(is_chg, nm.not_(inited)), nm.maximum(self._u(v), 1), self._m(v))
                ret = ret * xp.where(pos == INIT, init_val, moving)
            else:
                if first:
                    ret = ret * mx(v)
                else:
                    init_val = xp.where(~reset, mx(v), ux(v))
                    moving = nm.where(nm.and_(nm.not_(inited), is_chg), ux(v), mx(v))
                    ret = ret * xp.where(pos == INIT, init_val, moving)
        ret = xp.where(touched, ret, 0)
        return xp.where(changing == -1, self.pe_mapped(tensor, first, ee), ret)

    def _changing_inited(self, tensor: Tensor):
        """Per case: the innermost directive (by position) whose dimension is not in Init (static int [K], -1
        for none) and whether the tensor is initialized (IsTensorInited: a directive after it on one of the
        tensor's dimensions is in Init and not unrolled; bool [K])."""
        c, nm = self.c, self.nm
        xp = nm.xp
        changing = np.full(c.occ.shape[0], -1)
        for j, d in enumerate(c.dirs):
            changing = np.where(c.pos[d.var] != INIT, j, changing)
        inited = xp.broadcast_to(nm.bool(False), changing.shape)
        for j, d in enumerate(c.dirs):
            if d.var in tensor.dims:
                fresh = (c.pos[d.var] == INIT) & (j > changing)  # static [K]
                inited = nm.or_(inited, nm.and_(fresh, nm.not_(c.unrolled[d.var])))
        return changing, inited

    def ingress_fault(self, tensor: Tensor):
        """Cases where GetPEIngressVolume stops MAESTRO (exit 255): the innermost advancing directive is a
        temporal map on the tensor's dimension v, the tensor is not yet initialized, and v has 0 unique
        elements (e.g. a stride larger than the tile). bool [K]."""
        c, nm = self.c, self.nm
        changing, inited = self._changing_inited(tensor)
        fault = nm.bool(False)
        for j, d in enumerate(c.dirs):
            if d.var in tensor.dims and d.kind == "T":
                static = (changing == j) & (c.pos[d.var] != INIT)
                fault = nm.or_(fault, nm.and_(static, nm.eq(self._u(d.var), 0)))
        return nm.and_(fault, nm.not_(inited))

    def pe_egress(self, tensor: Tensor, psum: bool, first: bool, ee: bool, reuse_at_edge: bool = True):
        """GetPEEgressVolume: output (or, with psum, partial-sum) volume of one sub-cluster in a case."""
        c, nm = self.c, self.nm
        xp = nm.xp
        one, big = self.one, self.big
        ret = xp.ones_like(c.occ)
        if psum:
            for d in c.dirs:
                v = d.var
                if v in tensor.dims:
                    continue
                e = c.is_edge[v]
                if d.kind == "T":
                    ret = ret * nm.where(e, self._me(v), self._m(v))
                    continue
                plain = self._m(v) if first else self._u_nz(v)
                init_val = nm.where(e, self._me(v), plain) if ee else plain
                edge_val = nm.where(
                    one,
                    self._me(v) if (first or ee) else 1,
                    nm.where(big, self._ue(v) if ee else plain, 1),
                )
                pos = c.pos[v]
                ret = ret * xp.where(pos == INIT, init_val, xp.where(pos == STEADY, plain, edge_val))
        for v in tensor.dims:
            d = c.dirs[next(j for j, dd in enumerate(c.dirs) if dd.var == v)]
            a = {"Y": "Y'", "X": "X'"}.get(v, v)
            pos = c.pos[v]
            e = c.is_edge[v]
            if d.kind == "T":
                val = xp.where(
                    pos == INIT,
                    nm.where(e, self._me(a), self._m(a)),
                    xp.where(pos == STEADY, self._m(a), self._me(a)),
                )
            else:
                plain = self._m(a) if first else self._u_nz(a)
                if ee:
                    ee_val = nm.where(one, self._me(a), self._ue(a) if reuse_at_edge else self._me(a))
                    init_val = nm.where(e, ee_val, plain)
                else:
                    init_val = plain
                edge_val = nm.where(
                    one,
                    self._me(v) if (first or ee) else 1,
                    nm.where(big, self._ue(a) if ee else plain, 1),
                )
                val = xp.where(pos == INIT, init_val, xp.where(pos == STEADY, plain, edge_val))
            ret = ret * val
        return ret

    def _spatial_info(self, tensor: Tensor, psum: bool = False):
        """(is spatially mapped (static), spatial-edge flag [K], has-edge-edge flag of the spatial dim [K])."""
        c, nm = self.c, self.nm
        xp = nm.xp
        mapped = False
        edge = xp.broadcast_to(nm.bool(False), c.exists.shape)
        ee = edge
        first_dir = {}
        for d in c.dirs:
            first_dir.setdefault(d.var, d)
        for v in tensor.dims:
            if first_dir[v].kind == "S":
                mapped = True
                edge = nm.or_(edge, c.is_edge[v])
                ee = c.has_ee[v]
        if psum:
            for d in c.dirs:
                if d.kind == "S":
                    mapped = True
                    edge = nm.or_(edge, c.is_edge[d.var])
                    ee = c.has_ee[d.var]
        return mapped, edge, ee

    def _spread(self, fn, tensor: Tensor, include_rest: bool, psum_info: bool = False, scale_first=False):
        """The sub-cluster sum pattern shared by MAESTRO's Get*Traffic / Get*MappingSize functions:
        first sub-cluster + the others (all of them, or the active ones of a spatial edge iteration)."""
        mapped, edge, ee = self._spatial_info(tensor, psum_info)
        n, ne, nm = self.n, self.ne, self.nm
        if not mapped:
            base = fn(True, False)
            return n * base if scale_first else base
        full_first = fn(True, False)
        normal = (n * full_first) if scale_first else full_first
        if include_rest and not scale_first:
            normal = normal + (n - 1) * fn(False, False)
        first_edge = nm.where(nm.and_(self.one, ee), fn(True, True), full_first)
        edge_val = first_edge
        if include_rest:
            nee = nm.count(ee)
            nfull = nm.maximum(ne - nee - 1, 0)
            rest_full = fn(True, False) if scale_first else fn(False, False)
            rest = nfull * rest_full + nee * fn(False, True)
            edge_val = edge_val + nm.where(self.big, rest, 0)
        return nm.where(edge, edge_val, normal)

    def ingress(self, tensor: Tensor):
        """GetSpatialIngressTraffic."""
        return self._spread(lambda f, e: self.pe_ingress(tensor, f, e), tensor, True)

    def egress(self, tensor: Tensor):
        """GetSpatialEgressTraffic."""
        return self._spread(lambda f, e: self.pe_egress(tensor, False, f, e), tensor, True)

    def critical_psums(self, tensor: Tensor):
        """GetNumCriticalPathPartialSums."""
        return self._spread(lambda f, e: self.pe_egress(tensor, True, f, e), tensor, False)

    def psum_mapping(self, tensor: Tensor):
        """GetOutputTensorSpatialMappingSize(for_partial_sum=true): MACs over the sub-cluster array."""
        return self._spread(
            lambda f, e: self.pe_egress(tensor, True, f, e, reuse_at_edge=f or not e),
            tensor, True, psum_info=True, scale_first=True,
        )

    def sub_edge_picks(self, ee: bool) -> dict:
        """ReuseAnalysis::ConstructSubClusterDimension, as choices: per dimension a bool [K], True where
        the sub-clusters see the edge tile (`mapped_edge`) rather than the full one (`mapped`)."""
        c, nm = self.c, self.nm
        xp = nm.xp
        out = {}
        for d in c.dirs:
            v = d.var
            e = c.is_edge[v]
            if d.kind == "T":
                out[v] = e
            else:
                edge_pick = nm.or_(self.one, nm.bool(ee))
                pos = c.pos[v]
                out[v] = xp.where(pos == INIT, nm.and_(e, edge_pick),
                                   xp.where(pos == STEADY, nm.bool(False), edge_pick))
        return out

    def sub_dims(self, picks: dict) -> dict:
        """Tile sizes the sub-clusters see, from per-dimension edge choices (bool arrays of any shape)."""
        out = {v: self.nm.where(p, self._me(v), self._m(v)) for v, p in picks.items()}
        if "Y" in out and "R" in out:
            out["Y'"] = out["Y"] - out["R"] + 1
        if "X" in out and "S" in out:
            out["X'"] = out["X"] - out["S"] + 1
        return out


def _sub_results(levels, li, space: CaseSpace, tensors, conv, hw, tr: _Traffic):
    """Sub-cluster analyses for every case of level `li`, with the sub-clusters seeing full tiles (normal)
    and edge tiles (edge-edge): two dicts of arrays [K].

    A sub-cluster's tile of each dimension is either the full or the edge tile, so the exact analyses
    depend only on which dimensions are at their edge. When those patterns (2^E over the E dimensions
    whose tiles can differ) are fewer than the 2K case variants, each pattern is analysed once and the
    cases gather their results; the values are the same either way. Relaxed choices are probabilities, so
    a case takes the mixture of the patterns' results weighted by the product of its choices (the exact
    gather when the choices are 0/1)."""
    nm, xp = tr.nm, tr.nm.xp
    sub = xp.vmap(lambda dd: analyze_level(levels, li + 1, dd, space, tensors, conv, hw, nm))
    picks_n, picks_e = tr.sub_edge_picks(False), tr.sub_edge_picks(True)
    k = tr.c.occ.shape[0]
    edge_dims = space.edge_dims[li]
    npat = 1 << len(edge_dims)
    if npat >= 2 * k:
        return sub(tr.sub_dims(picks_n)), sub(tr.sub_dims(picks_e))
    bits = (np.arange(npat)[:, None] >> np.arange(len(edge_dims))[None, :]) & 1  # static [P, E]
    pattern = {v: xp.zeros(npat, bool) for v in picks_n}
    pattern.update({v: xp.asarray(bits[:, i] == 1) for i, v in enumerate(edge_dims)})
    r_pat = sub(tr.sub_dims(pattern))
    gather = lambda picks: nm.select_bits([xp.broadcast_to(picks[v], (k,)) for v in edge_dims], r_pat)  # noqa: E731
    return gather(picks_n), gather(picks_e)


def noc_delay(n, bw, hops, nm: Numerics):
    """NetworkOnChipModel::GetOutStandingDelay: zero-load latency + pipelined sends."""
    return hops + nm.ceil_div(n, bw) - 1


def tensor_size(tensor: Tensor, dims: dict, overlap: bool) -> jnp.ndarray:
    """Elements of a tensor over `dims`; outputs use Y-R+1 / X-S+1 for convolution rows/cols."""
    out = 1
    for v in tensor.dims:
        if overlap and v in ("Y", "X"):
            out = out * (dims[v] - dims["R" if v == "Y" else "S"] + 1)
        else:
            out = out * dims[v]
    return out


#: `maestro_fault` bits: where the real MAESTRO stops instead of reporting the layer.
FAULT_ZERO_COMPUTE = 1  # a top-level case whose sub-clusters take 0 cycles: integer division by 0 (SIGFPE)
FAULT_ZERO_UNIQUE = 2  # an advancing temporal map with 0 new elements for an input tensor: exit(-1)
FAULT_OVERFLOW = 4  # a case's occurrence count wraps to <= 0 in MAESTRO's int: assertion failure (abort)
#: ... and a warning bit: a count above INT_MAX wrapped to a positive number; the results are MAESTRO's with it
WRAPPED_COUNT = 8


def _no_processed_case(res: dict, r: dict, total, tables, tensors, innermost: bool, nm) -> dict:
    """MAESTRO's report of a layer whose top-level cases are all skipped (0 MACs): no sub-cluster was analysed,
    so its L1 sizes are the top level's own; its delay minima and averages are its initial long double values
    converted to long (LONG_MIN on x86), its average NoC bandwidth 0/0. Returns the outputs that change."""
    empty = nm.eq(total, 0)
    lowest = np.iinfo(np.int64).min
    out = {k: nm.where(empty, lowest, res[k])
           for name in ("ingress", "egress", "compute") for k in (f"{name}_delay_min", f"{name}_delay_avg")}
    out["avg_noc_bw_req"] = nm.where(empty, np.nan, res["avg_noc_bw_req"])
    if not innermost:
        for t in tensors:
            own = 2 * _mapped_volume(tables, t, nm) * (1 if t.is_output else r["prefix_cases"])
            out[f"{t.name}_l1_size_req"] = nm.where(empty, own, res[f"{t.name}_l1_size_req"])
    return out


def analyze_level(levels: list[Level], li: int, dims_dyn: dict, space: CaseSpace, tensors, conv: bool, hw: dict,
                  nm: Numerics):
    """Analyse cluster level `li` with the dynamic tile sizes `dims_dyn` (one layer, one hardware).
    Returns a dict of scalars; the top level's are the layer's results."""
    level = levels[li]
    is_top = li == 0
    innermost = li == len(levels) - 1
    case = _Case(level, dims_dyn, np.asarray(space.combos[li]), nm)
    tables = reuse_tables(level, nm)
    tr = _Traffic(case, tables, level)
    ins = [t for t in tensors if not t.is_output]
    out_t = next(t for t in tensors if t.is_output)
    exists, occ, order = case.exists, case.occ, case.order
    xp = nm.xp
    f64 = lambda x: xp.asarray(x).astype(np.float64)  # noqa: E731

    egress = tr.egress(out_t)
    psum_size = tr.psum_mapping(out_t)
    psums = tr.critical_psums(out_t)
    processed = nm.and_(exists, nm.lt(0, psums))
    ingress = {t.name: tr.ingress(t) for t in ins}
    ingress_total = sum(ingress.values())

    # MAESTRO walks the cases in `order`: buffer sizes come from the cases up to the first processed one,
    # the output size from the first processed case (else the last existing one).
    walk = walk_cases(nm, processed, exists, order, is_top)
    first_out, prefix = walk["first_out"], walk["prefix"]

    # The level's reductions over its cases, taken together (`nm.reduce_cases`): name -> (op, value[, where]).
    red = {f"{t.name}_l2_size_req": ("sum", nm.where(prefix, 2 * ingress[t.name], 0)) for t in ins}
    red["output_l2_size_req"] = ("sum", nm.where(first_out, 2 * egress, 0))

    # Compute delay: MACs at the innermost level, slowest sub-cluster above it.
    nsub, nedge = level.nsub, level.nedge
    sp_var = next(d.var for d in level.directives if d.kind == "S")
    sp_edge = case.is_edge[sp_var]
    sp_ee = case.has_ee[sp_var]
    active_here = f64(nm.where(sp_edge, nedge, nsub))
    if innermost or is_top:
        red["prefix_cases"] = ("sum", nm.count(prefix))
    if innermost:
        compute = nm.ceil_div(psums, hw.simd_lanes)
        active = active_here
        l1_keys = ()
    else:
        r_n, r_e = _sub_results(levels, li, space, tensors, conv, hw, tr)
        rest = nedge - 1
        several = nm.lt(0, rest)
        pick_e = nm.and_(sp_edge, sp_ee)
        compute = nm.where(
            pick_e,
            nm.where(several, nm.maximum(r_e["runtime_cycles"], r_n["runtime_cycles"]), r_e["runtime_cycles"]),
            r_n["runtime_cycles"],
        )
        a_n, a_e = r_n["avg_utilized_pes"], r_e["avg_utilized_pes"]
        act = nm.where(
            sp_edge,
            nm.where(sp_ee, a_e + nm.where(several, a_n * rest, 0.0), a_n * nedge),
            a_n * nsub,
        )
        active = nm.where(nm.eq(act, 0), active_here, act)
        # L1 sizes: the sub-clusters' in the first case MAESTRO reports
        l1_keys = tuple(k for k in r_n if "_l1_" in k)
        red.update({k: ("sum", nm.where(first_out, nm.where(pick_e, r_e[k], r_n[k]), 0)) for k in l1_keys})

    ing_d = noc_delay(ingress_total, hw.noc_bw, hw.noc_hops, nm)
    eg_d = noc_delay(egress, hw.noc_bw, hw.noc_hops, nm)
    delay = xp.where(case.all_init, compute + ing_d, nm.maximum(eg_d, nm.maximum(compute, ing_d)))
    w = nm.where(processed, occ, 0)
    red["total"] = ("sum", w)
    red["num_macs"] = ("sum", w * psum_size)
    red["active"] = ("sum", w * active)
    if is_top:
        cd = nm.maximum(compute, 1)
        peak_traffic = nm.maximum(ingress_total, egress)
        red["peak_noc_bw_req"] = ("max", nm.div(peak_traffic, cd), processed)
        red["avg_noc_bw_req"] = ("sum", nm.where(processed, nm.div(occ * peak_traffic, cd), 0))
        for name, d in (("ingress", ing_d), ("egress", eg_d), ("compute", cd)):
            red[f"{name}_delay_min"] = ("min", d, processed)
            red[f"{name}_delay_max"] = ("max", d, processed)
            red[f"{name}_delay_avg"] = ("sum", w * d)
        red["arithmetic_intensity"] = ("sum", nm.where(walk["last"], f64(psum_size) / f64(ingress_total), 0.0))
        # Access counts: output counters include cases MAESTRO skips afterwards.
        wa = nm.where(exists, occ, 0)
        red["output_l2_write"] = ("sum", wa * egress)
        red["output_l1_write"] = ("sum", wa * psum_size)
        red.update({f"{t.name}_l2_read": ("sum", w * ingress[t.name]) for t in ins})
        if not innermost:  # MAESTRO divides by this case's compute delay: SIGFPE
            red.update(nm.diagnostics(lambda: {
                "zero_compute_cases": ("sum", nm.count(nm.and_(processed, nm.eq(compute, 0))))}))
    else:
        red["runtime_cycles"] = ("sum", w * delay)

    def stop_terms():
        """Cases whose ingress stops MAESTRO (here, processed or sizing the buffers, or below), whose count
        aborts it, or wraps."""
        below = lambda key: nm.where(  # noqa: E731  the sub-cluster analyses of the processed cases
            pick_e, nm.or_(nm.lt(0, r_e[key]), nm.and_(several, nm.lt(0, r_n[key]))), nm.lt(0, r_n[key]))
        stops = tr.ingress_fault(ins[0])
        for t in ins[1:]:
            stops = nm.or_(stops, tr.ingress_fault(t))
        flags = {"stops": nm.and_(stops, nm.or_(processed, prefix)), "aborts": nm.le(occ, 0),
                 "wraps": nm.lt(INT_MAX, case.exact_occ)}
        if not innermost:
            flags = {key: nm.or_(flag, nm.and_(processed, below(key))) for key, flag in flags.items()}
        return {key: ("sum", nm.count(nm.and_(exists, flag))) for key, flag in flags.items()}

    red.update(nm.diagnostics(stop_terms))
    r = nm.reduce_cases(red)

    res = {k: r[k] for k in ("output_l2_size_req", "num_macs", *l1_keys) + (("stops", "aborts", "wraps") if "stops" in r else ())}
    for t in ins:
        res[f"{t.name}_l2_size_req"] = r[f"{t.name}_l2_size_req"]
        if innermost:
            res[f"{t.name}_l1_size_req"] = r["prefix_cases"] * 2 * _mapped_volume(tables, t, nm)
    if innermost:
        res["output_l1_size_req"] = 2 * _mapped_volume(tables, out_t, nm)
    total = r["total"]
    totf = f64(nm.maximum(total, 1))
    res["avg_utilized_pes"] = nm.where(nm.lt(0, total), r["active"] / totf, 0.0)
    if not is_top:
        res["runtime_cycles"] = r["runtime_cycles"]
        return res

    # The top level bounds each case by the off-chip transfer of its L2 buffers (a second pass).
    l2_in = sum(res[f"{t.name}_l2_size_req"] for t in ins)
    l2_out = res["output_l2_size_req"]
    off = hw.offchip_bw
    delay = nm.maximum(nm.maximum(nm.div(nm.div(l2_in, off), 2), delay), nm.div(nm.div(l2_out, off), 2))
    v = nm.maximum(nm.div(l2_out, compute), nm.div(l2_in, compute))
    res.update(nm.reduce_cases({"runtime_cycles": ("sum", w * delay),
                                "offchip_bw_req": ("max", nm.shift_right(v, walk["later"]), processed)}))
    res["peak_noc_bw_req"] = r["peak_noc_bw_req"]
    res["avg_noc_bw_req"] = f64(r["avg_noc_bw_req"]) / totf
    for name in ("ingress", "egress", "compute"):
        res[f"{name}_delay_min"] = r[f"{name}_delay_min"]
        res[f"{name}_delay_max"] = r[f"{name}_delay_max"]
        res[f"{name}_delay_avg"] = nm.floor_ratio(r[f"{name}_delay_avg"], nm.maximum(total, 1))
    res["arithmetic_intensity"] = r["arithmetic_intensity"]
    res["maestro_fault"] = nm.num(0)
    for key, bit in (("stops", FAULT_ZERO_UNIQUE), ("aborts", FAULT_OVERFLOW), ("wraps", WRAPPED_COUNT),
                     ("zero_compute_cases", FAULT_ZERO_COMPUTE)):
        if key in r:  # the diagnostics (exact model only)
            res["maestro_fault"] = res["maestro_fault"] + nm.where(nm.lt(0, r[key]), bit, 0)
            res.pop(key, None)
    res.update(nm.diagnostics(lambda: _no_processed_case(res, r, total, tables, tensors, innermost, nm)))
    res["output_l2_write"] = r["output_l2_write"]
    res["output_l1_write"] = res["output_l1_read"] = r["output_l1_write"]
    res["output_l2_read"] = nm.num(tensor_size(out_t, dims_dyn, conv))
    for t in ins:
        res[f"{t.name}_l2_write"] = nm.num(tensor_size(t, dims_dyn, False))
        res[f"{t.name}_l2_read"] = res[f"{t.name}_l1_write"] = r[f"{t.name}_l2_read"]
        res[f"{t.name}_l1_read"] = r["num_macs"]
    return res
