"""Gradient co-design: optax on the relaxed cost model, many random starts at once, annealing, then the
same discretization, repair and exact scoring as every other method.

The surrogate (`Surrogate`) is the relaxed numerics of the one cost model (`diffhw.numerics.Relaxed`)
evaluated on every distinct (layer, template) item of the problem's networks for a continuous accelerator:

- free hardware parameters live in an unconstrained space u (one real per parameter), mapped into their
  bounds in log space: x = exp(log lo + (log hi - log lo) * sigmoid(u));
- with tile search, every layer has tile coordinates v [T, D, KNOBS] (per layer, per template choice,
  per knob; `diffhw.optimize.tiles`): tile = dmax ** sigmoid(v), continuous in the relaxed model (the
  cluster-tied bound dmax = min(dimension, PEs) is a soft min), rounded by the same `tile_values` as every
  other method when scored;
- the dataflow choice is a softmax over templates (one gene for the accelerator or one per layer, as the
  problem says); a layer's runtime / energy / buffer requirement is the softmax-weighted mixture of its
  templates' (layers whose type has a rule, DSCONV -> dpt and GEMM -> gemm, take their rule template);
- network latency and energy are sums over layers, the objective (latency, energy or EDP) a weighted sum
  over networks; the accelerator's L1/L2 capacity is the (soft) largest requirement of its layers (free
  buffer sizes: repair does the same) or the fixed size (a requirement above it is penalized), and the
  area / power at those capacities (MAESTRO's formulas) are penalized above the budgets;
- the loss is log(objective) + a quadratic penalty on log(area / budget), log(power / budget) and
  log(requirement / capacity) above zero, so every term is scale free.

Each start is optimized with Adam on (u, logits, v) while the temperature anneals geometrically from
`t_start` to `t_end` (the relaxed model's relative smoothing width; see `diffhw.numerics`). At the start,
every `eval_every` steps and at the end, each start's current point is discretized (`problem.discretize`:
rounding, PE multiples, argmax template), repaired and scored exactly, so the result and the convergence
history are exact numbers, comparable with the baselines. Last, the `refine_designs` best distinct ones
are refined on the exact model (`diffhw.optimize.refine`: hill climbing over per-layer template / tile
moves, hardware moves and layers re-chosen under buffer caps; `refine_evals` evaluations when no budget is
given, else what the Adam steps left): the relaxed optimum lands in a good basin, the exact walk finds its
best integer point.

The cases of the relaxed analysis are enumerated once per (template, layer type) group over a sample of
hardware points of the parameter box (a superset of the cases any point reaches is exact: cases that do
not occur weigh 0), so the search compiles once.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from diffhw.compile_options import COMPILER_OPTIONS
from diffhw.cost.model import hardware_cost, layer_cost
from diffhw.dataflow import TEMPLATES, resolve_numbers
from diffhw.engine.cases import case_space
from diffhw.engine.jit import call, compiled, shapes, stable_repr, stored
from diffhw.validation import check_pair
from diffhw.hardware import Hardware, HardwareSpec
from diffhw.layers import Layers, take
from diffhw.program import Program, group_programs
from diffhw.numerics import Relaxed
from diffhw.optimize.search import Budget, SearchResult
from diffhw.optimize.discretization import discretize, repair
from diffhw.optimize.problem import Problem, pe_multiple
from diffhw.optimize.refine import refine
from diffhw.optimize.tiles import KNOBS, TEMPLATE_KNOBS, apply_tiles, knob_dims, real_tiles

__all__ = ["Surrogate", "Step", "search", "adam_evaluations", "group_linearization", "linearized_costs", "DEFAULTS"]

#: Optimization defaults: starts optimized in parallel, Adam steps, learning rate, temperatures.
#: `refine_evals`: exact evaluations of the final local refinement (`diffhw.optimize.refine`; 0: none) when
#: no budget is given (with a budget, the refinement gets what the Adam steps left); `refine_designs`: how
#: many of the best distinct Adam designs are refined, best first (their local optima differ by up to 10 %).
DEFAULTS = dict(starts=16, steps=60, lr=0.08, t_start=0.3, t_end=0.02, eval_every=20, penalty=50.0,
                refine_evals=20000, refine_designs=3)

#: XLA options of the step's programs: the exact model's, with LLVM at optimization level 1 (MobileNetV2's
#: six group programs: 15 % less compile CPU time, 5 % slower steps; a search runs 60 steps).
STEP_COMPILER_OPTIONS = {**COMPILER_OPTIONS, "xla_backend_optimization_level": 1}

#: The per-item relaxed costs the objective needs, in the order of `Surrogate.group_costs`' columns.
COSTS = ("runtime", "energy", "l1", "l2")


@dataclass
class _Group:
    """Items of one program family, as arrays for `layer_cost`; `program.space` is set once the group's
    case space is known (`Surrogate._case_spaces`)."""

    program: Program
    layers: Layers  # [n]
    numbers: np.ndarray  # [n, slots]
    template: str = ""
    tile_at: np.ndarray = None  # [n, 2] (global layer, template slot) of the item's tile coordinates
    tile_dim: np.ndarray = None  # [n, n_knobs] the knobs' dimension sizes


class Surrogate:
    """The relaxed objective of a `Problem` as a pure function of (u [F], logits [G, D], tile coordinates
    v [T, D, KNOBS], temperature).

    Items: every distinct (layer, template) the problem can use (with tile search, a layer's items under
    templates with knobs are its own: tiles are per layer). `choice[m]` maps network m's layers to
    (template slot -> item) so mixtures are gathers."""

    def __init__(self, problem: Problem, case_samples: int = 24, seed: int = 0):
        self.problem = p = problem
        self.free = [q for q in p.params if q.free]
        self.templates = list(p.dataflows)
        rule = p.rule_map
        items: dict[tuple, int] = {}
        specs: list = []
        # per network: [L, D] item index per template choice (rule layers repeat their one template)
        self.choice = []
        self.gene = []  # per network: [L] gene index (0 when one gene for the accelerator)
        tile_at: list[tuple[int, int]] = []
        g = k = 0
        for _, layers, _ in p.networks:
            rows, genes = [], []
            for s in layers:
                names = self.templates if p.searched(s) else [rule[s.op]] * len(self.templates)
                row = []
                for d, t in enumerate(names):
                    own = p.tiles and bool(TEMPLATE_KNOBS.get(t))
                    key = (t, s.op, tuple(sorted(s.input_dims().items())), tuple(sorted(s.stride.items())),
                           k if own else -1)
                    if key not in items:
                        items[key] = len(specs)
                        specs.append((t, s))
                        tile_at.append((k, d if p.searched(s) else 0) if own else (-1, 0))
                    row.append(items[key])
                rows.append(row)
                genes.append(g if (p.per_layer and p.searched(s)) else 0)
                g += int(p.per_layer and p.searched(s))
                k += 1
            self.choice.append(np.array(rows, np.int64))
            self.gene.append(np.array(genes, np.int64))
        self.layer_gene = np.concatenate(self.gene)  # [T_all] gene of every layer
        self.layer_searched = np.array([p.searched(s) for _, layers, _ in p.networks for s in layers])
        self.num_items = len(specs)
        self.pe_min = np.array([pe_multiple({t}, p.tiles) for t, _ in specs], np.float64)
        # group items by program for vmapped evaluation
        self.groups: list[_Group] = []
        self.group_items: list[np.ndarray] = []
        programs = [Program.of(s, TEMPLATES[t]) for t, s in specs]
        for program, idx in group_programs(programs).items():
            nums = [resolve_numbers(TEMPLATES[specs[i][0]], [specs[i][1].input_dims()])[0] for i in idx]
            t = specs[idx[0]][0]
            knobs = TEMPLATE_KNOBS.get(t, ()) if p.tiles else ()
            grp = _Group(program, Layers.from_specs([specs[i][1] for i in idx]), np.stack(nums), t,
                         np.array([tile_at[i] for i in idx], np.int64),
                         np.array([knob_dims(t, specs[i][1].input_dims()) if knobs else () for i in idx],
                                  np.int64).reshape(len(idx), len(knobs)))
            self.groups.append(grp)
            self.group_items.append(idx)
        self._check(specs)
        self._case_spaces(case_samples, seed)
        try:  # what decides the surrogate's programs (with diffhw's source: `diffhw.engine.store`)
            self.key = stable_repr((problem, case_samples, seed))
        except TypeError:
            self.key = None

    def _check(self, specs) -> None:
        """Reject layers MAESTRO cannot run on any accelerator (Y < R, unknown Sz, ...)."""
        big = HardwareSpec(num_pes=1 << 20, noc_bw=1, offchip_bw=1)
        for t, s in specs:
            err = check_pair(s, big, TEMPLATES[t])
            if err is not None:
                raise ValueError(f"layer {s.name} under {t}: {err.message} ({err.fix})")

    def hw_points(self, u: np.ndarray) -> dict:
        """Unconstrained u [..., F] -> hardware dict of natural-unit arrays [...] (fixed ones broadcast)."""
        xp = jnp if isinstance(u, jax.Array) else np
        out = {}
        k = 0
        for q in self.problem.params:
            if q.free:
                lo, hi = math.log(q.lo), math.log(q.hi)
                s = 1.0 / (1.0 + xp.exp(-u[..., k]))
                out[q.name] = xp.exp(lo + (hi - lo) * s)
                k += 1
            else:
                out[q.name] = xp.full(u.shape[:-1], float(q.value))
        return out

    def _case_spaces(self, samples: int, seed: int) -> None:
        """Union of the exact case spaces over `samples` random hardware points of the box (+ its corners),
        each with random tiles (and the smallest and largest tiles at the corners) when tiles are searched."""
        rng = np.random.default_rng(seed)
        nf = len(self.free)
        u = np.concatenate([rng.normal(0, 2.0, (samples, nf)), np.full((1, nf), -8.0), np.full((1, nf), 8.0)])
        pts = self.hw_points(u)
        jobs = []
        for grp, idx in zip(self.groups, self.group_items):
            n, s = len(idx), len(u)
            rep = lambda a: np.repeat(a, s, axis=0)  # noqa: E731
            pes = np.maximum(np.tile(np.rint(pts["num_pes"]), n), np.repeat(self.pe_min[idx], s))
            numbers = rep(grp.numbers)
            if grp.tile_dim.shape[1]:
                tu = np.concatenate([rng.random((n, s - 2, KNOBS)), np.zeros((n, 1, KNOBS)), np.ones((n, 1, KNOBS))], 1)
                tiles, bounds = real_tiles(grp.template, rep(grp.tile_dim), tu.reshape(n * s, KNOBS), pes)
                numbers = apply_tiles(grp.template, numbers, np.clip(np.rint(tiles), 1, bounds).astype(np.int64))
            hw = Hardware(num_pes=pes.astype(np.int64),
                          noc_bw=np.tile(np.maximum(np.rint(pts["noc_bw"]), 1), n).astype(np.int64),
                          offchip_bw=np.tile(np.maximum(np.rint(pts["offchip_bw"]), 1), n).astype(np.int64),
                          simd_lanes=np.ones(n * s, np.int64), noc_hops=np.ones(n * s, np.int64))
            jobs.append((grp.program, take(grp.layers, np.repeat(np.arange(n), s)), numbers, hw))
        with ThreadPoolExecutor(2) as pool:  # each group's state analysis compiles once: two at a time
            for grp, space in zip(self.groups, pool.map(lambda job: case_space(*job), jobs)):
                grp.program = grp.program.with_space(space)

    def _inputs(self, hw: dict, temperature, tiles_u=None) -> list:
        """Per group, the inputs its items' costs depend on, [n_g, 3 + n_knobs]: the PEs (soft max with the
        item's PE multiple), NoC and off-chip bandwidth, and the continuous tiles (tiles_u [T, D, KNOBS]
        unit tile coordinates, problems with tile search). One accelerator."""
        nm = Relaxed(temperature)
        xs = []
        for grp, idx in zip(self.groups, self.group_items):
            pes = nm.maximum(hw["num_pes"], jnp.asarray(self.pe_min[idx]))
            cols = [pes, jnp.broadcast_to(hw["noc_bw"], pes.shape), jnp.broadcast_to(hw["offchip_bw"], pes.shape)]
            if grp.tile_dim.shape[1]:
                tu = tiles_u[grp.tile_at[:, 0], grp.tile_at[:, 1]]  # [n, KNOBS]
                tiles, _ = real_tiles(grp.template, grp.tile_dim, tu, pes, jnp, nm.minimum)
                cols += [tiles[:, k] for k in range(tiles.shape[1])]
            xs.append(jnp.stack(cols, axis=1))
        return xs

    def item_inputs(self, u, tiles_v, temperature) -> list:
        """`_inputs` of one start (u [F], tiles_v [T, D, KNOBS] unconstrained)."""
        return self._inputs(self.hw_points(u), temperature, jax.nn.sigmoid(tiles_v))

    def group_costs(self, gi: int, x, temperature):
        """Relaxed runtime, energy, L1 and L2 requirement ([n_g, 4], columns `COSTS`) of group gi's items
        at their inputs x [n_g, 3 + n_knobs] (see `_inputs`)."""
        grp = self.groups[gi]
        nm = Relaxed(temperature)
        numbers = jnp.asarray(grp.numbers, jnp.float64)
        if grp.tile_dim.shape[1]:
            numbers = apply_tiles(grp.template, numbers, x[:, 3:])

        def one(lay, num, xi):
            h = Hardware(num_pes=xi[0], noc_bw=xi[1], offchip_bw=xi[2], simd_lanes=1.0, noc_hops=1.0)
            r = layer_cost(grp.program, lay, h, num, nm)
            return jnp.stack([r.runtime_cycles, r.energy_total, r.total_l1_size_req, r.total_l2_size_req])

        return jax.vmap(one)(grp.layers, numbers, x)

    def scatter(self, group_costs: list):
        """Per-group costs [..., n_g, 4] -> per-item costs [..., num_items, 4]."""
        lead = group_costs[0].shape[:-2]
        out = jnp.zeros(lead + (self.num_items, len(COSTS)))
        for c, idx in zip(group_costs, self.group_items):
            out = out.at[..., idx, :].set(c)
        return out

    def costs(self, hw: dict, temperature, tiles_u=None):
        """Relaxed per-item costs [num_items, 4] (columns `COSTS`) for one accelerator; tiles_u [T, D, KNOBS]
        unit tile coordinates (problems with tile search)."""
        xs = self._inputs(hw, temperature, tiles_u)
        return self.scatter([self.group_costs(gi, x, temperature) for gi, x in enumerate(xs)])

    def item_costs(self, hw: dict, temperature, tiles_u=None) -> dict:
        """`costs` by name: name in `COSTS` -> [num_items]."""
        c = self.costs(hw, temperature, tiles_u)
        return {k: c[:, j] for j, k in enumerate(COSTS)}

    def chosen_tiles(self, tiles_v: np.ndarray, genes: np.ndarray):
        """Tile coordinates [B, T, KNOBS] of the chosen templates (genes [B, G]) from tiles_v [B, T, D, KNOBS];
        None without tile search. Layers with a rule template use slot 0, as in the surrogate."""
        if not self.problem.tiles:
            return None
        slot = np.where(self.layer_searched[None, :], genes[:, self.layer_gene], 0)  # [B, T]
        v = np.take_along_axis(tiles_v, slot[:, :, None, None], axis=2)[:, :, 0]
        return 1.0 / (1.0 + np.exp(-v))

    def loss(self, u, logits, tiles_v, temperature, penalty: float):
        """Scalar loss of one start: log objective + penalties (see the module docstring). tiles_v
        [T, D, KNOBS] unconstrained tile coordinates (ignored without tile search)."""
        costs = self.costs(self.hw_points(u), temperature, jax.nn.sigmoid(tiles_v))
        return self.objective(u, logits, costs, temperature, penalty)

    def objective(self, u, logits, costs, temperature, penalty: float):
        """`loss` of one start from its per-item costs [num_items, 4] (columns `COSTS`)."""
        p = self.problem
        hw = self.hw_points(u)
        c = {k: costs[:, j] for j, k in enumerate(COSTS)}
        nm = Relaxed(temperature)
        w = jax.nn.softmax(logits, axis=-1)  # [G, D]
        total, l1_req, l2_req = 0.0, [], []
        for (_, _, weight), choice, gene in zip(p.networks, self.choice, self.gene):
            wl = w[gene]  # [L, D]
            mix = {k: (wl * v[choice]).sum(-1) for k, v in c.items()}  # [L]
            lat, en = mix["runtime"].sum(), mix["energy"].sum()
            obj = {"latency": lat, "energy": en, "edp": lat * en}[p.objective]
            total = total + weight * obj
            l1_req.append(mix["l1"])
            l2_req.append(mix["l2"])
        l1_req, l2_req = jnp.concatenate(l1_req), jnp.concatenate(l2_req)
        return jnp.log(total) + penalty * self.budget_penalty(hw, l1_req, l2_req, nm)

    def budget_penalty(self, hw: dict, l1_req, l2_req, nm):
        """Scale-free penalty of an accelerator (hw: natural units) whose layers need L1 / L2 `l1_req`,
        `l2_req` [L]: squared log excess of the (soft) largest requirement over a fixed size or the upper
        bound, and of the area / power at those capacities over the budgets (0 inside)."""
        p = self.problem
        pen = 0.0
        caps = {}
        for name, req in (("l1_size", l1_req), ("l2_size", l2_req)):
            q = p.param(name)
            top = nm.max(req, jnp.ones_like(req))
            if q.free:
                caps[name] = jnp.clip(top, q.lo, q.hi)
                pen = pen + jax.nn.relu(jnp.log(top / q.hi)) ** 2
            else:
                caps[name] = jnp.asarray(float(q.value))
                pen = pen + jax.nn.relu(jnp.log(top / q.value)) ** 2
        hc = hardware_cost(hw["num_pes"], hw["noc_bw"], jnp.asarray(1.0), caps["l1_size"], caps["l2_size"])
        pen = pen + jax.nn.relu(jnp.log(hc["area"] / p.area_budget)) ** 2
        if p.power_budget is not None:
            pen = pen + jax.nn.relu(jnp.log(hc["power"] / p.power_budget)) ** 2
        return pen


class Step:
    """One Adam step of all starts, as separately compiled programs: `inputs` (every group's item inputs,
    `Surrogate._inputs`), one per group returning its items' costs and their Jacobian with respect to
    their inputs (forward mode, one tangent per input column), and `grads`, which differentiates the
    objective through the inputs with the costs linearized there (value y, slope J: the chain rule through
    the groups, exactly) and applies Adam.

    Why not one program: XLA compiles a module on one core, and compile time grows faster than the module.
    Per-group programs compile in parallel threads while the next ones trace, in 40 % less CPU time than
    the single program of the same gradient (MobileNetV2, 6 groups), so a search starts sooner.

    With `opt_key` (what decides `opt`, e.g. "adam(lr=0.08)") the programs are kept in the program store
    (`diffhw.engine.jit`), keyed by the surrogate's problem, `penalty`, `opt_key` and the argument shapes: a
    later search of the same problem loads them (in the pool's threads) and neither traces nor compiles
    them; the first run of a loaded program is checked, and one that fails is rebuilt."""

    def __init__(self, sur: Surrogate, opt, penalty: float, params, state, temperature, workers: int = 2,
                 on_traced=None, opt_key: str | None = None):
        t = jnp.asarray(temperature)

        def inputs(ps, temp):
            return jax.vmap(lambda u, v: sur.item_inputs(u, v, temp))(ps[0], ps[2])

        linearized = partial(group_linearization, sur)

        def grads(ps, st, temp, ys, jacs):
            def total(q):
                lin = linearized_costs(inputs(q, temp), ys, jacs)
                return jax.vmap(lambda u, lg, c: sur.objective(u, lg, c, temp, penalty))(q[0], q[1], sur.scatter(lin)).sum()

            loss, g = jax.value_and_grad(total)(ps)
            g = jax.tree_util.tree_map(lambda x: jnp.where(jnp.isfinite(x), x, 0.0), g)
            updates, st = opt.update(g, st, ps)
            return optax.apply_updates(ps, updates), st, loss, g

        jit = partial(jax.jit, compiler_options=STEP_COMPILER_OPTIONS)
        xs = jax.eval_shape(inputs, params, t)
        ys = [jax.ShapeDtypeStruct(x.shape[:-1] + (len(COSTS),), x.dtype) for x in xs]
        jacs = [jax.ShapeDtypeStruct((x.shape[-1],) + y.shape, x.dtype) for x, y in zip(xs, ys)]
        # Trace here (Python holds the GIL: one thread), compile in the pool (XLA releases it) as each program
        # is traced, one compile at a time until tracing is done so the tracing thread keeps a core; then
        # `on_traced` (e.g. start other work) and `workers` compiles at a time. When every program comes from
        # the store, `on_traced` is called once they are loaded.
        gate = threading.Semaphore(1)

        def gated(compile_, *args):
            with gate:
                return compile_(*args)

        base = None if opt_key is None or sur.key is None else \
            "\n".join([sur.key, repr(penalty), opt_key, repr(sorted(STEP_COMPILER_OPTIONS.items()))])
        self._keys = {}  # program name -> (store name, what, lower) of the programs kept in the store

        traced = []  # programs traced here (not from the store)

        def program(name, fn, *args) -> Future:
            """The compiled `fn` at `args`: loaded from the store in the pool, else traced here and compiled
            in the pool (then stored)."""
            if base is None:
                traced.append(name)
                return pool.submit(gated, jit(fn).lower(*args).compile)
            key = self._keys[name] = (f"codesign_{name}", f"{base}\n{name}\n{shapes(args)}",
                                      partial(jit(fn).lower, *args))
            if stored(*key[:2]):
                return pool.submit(compiled, *key)
            traced.append(name)
            lowered = key[2]()
            return pool.submit(gated, compiled, *key[:2], lambda: lowered)

        # the largest programs first (levels x cases), so the last compile to finish is a short one
        size = [sum(len(c) for c in g.program.space.combos) * len(g.program.space.combos) for g in sur.groups]
        with ThreadPoolExecutor(workers) as pool:
            fut_in = program("inputs", inputs, params, t)
            fut_g = {gi: program(f"group{gi}", linearized(gi), xs[gi], t)
                     for gi in sorted(range(len(xs)), key=lambda g: -size[g])}
            fut_step = program("grads", grads, params, state, t, ys, jacs)
            for _ in range(workers - 1):
                gate.release()
            if on_traced is not None and traced:
                on_traced()  # while the compiles run
            self._inputs, self._grads = fut_in.result(), fut_step.result()
            self._groups = [fut_g[gi].result() for gi in range(len(xs))]
        if on_traced is not None and not traced:
            on_traced()  # all loaded from the store: after the loads (one at a time), which the steps wait for
        self._workers = workers
        self._order = sorted(range(len(xs)), key=lambda g: -size[g])  # largest first

    def _run(self, name: str, prog, *args):
        """Run program `name` (the first run of one loaded from the store is checked: `engine.jit.call`)."""
        key = self._keys.get(name)
        return prog(*args) if key is None else call(*key, *args)

    def __call__(self, params, state, temperature):
        """(new params, new state, summed loss of the starts, gradients) at `params`. The group programs run
        in `workers` threads, largest first (XLA CPU runs one program at a time per calling thread)."""
        t = jnp.asarray(temperature)
        xs = self._run("inputs", self._inputs, params, t)

        def group(gi):
            return jax.block_until_ready(self._run(f"group{gi}", self._groups[gi], xs[gi], t))

        with ThreadPoolExecutor(self._workers) as pool:
            out = dict(zip(self._order, pool.map(group, self._order)))
        out = [out[gi] for gi in range(len(self._groups))]
        return self._run("grads", self._grads, params, state, t, [y for y, _ in out], [j for _, j in out])


def group_linearization(sur: Surrogate, gi: int):
    """The program of group gi's items' relaxed costs and their Jacobian: f(x [S, n, P], temperature) ->
    (costs [S, n, 4], Jacobian [P, S, n, 4]) with respect to the item inputs x (`Surrogate._inputs`)."""
    def f(x, temp):
        costs = jax.vmap(lambda xs: sur.group_costs(gi, xs, temp))
        basis = jnp.eye(x.shape[-1])[:, None, None, :] * jnp.ones_like(x)[None]
        # one forward-mode pass per input column, the primal unbatched (computed once); traces in
        # 20 % less time than jax.linearize + vmap of its linear function, compiles to the same
        return jax.vmap(lambda t: jax.jvp(costs, (x,), (t,)), out_axes=(None, 0))(basis)
    return f


def linearized_costs(xs: list, ys: list, jacs: list) -> list:
    """Per-group costs [S, n, 4] linearized at the inputs they were computed at: value ys, slope jacs
    [P, S, n, 4]; differentiating them through xs [S, n, P] is the exact chain rule at that point."""
    return [y + jnp.einsum("psnk,snp->snk", j, x - jax.lax.stop_gradient(x)) for x, y, j in zip(xs, ys, jacs)]


def _init_state(opt, opt_key: str, params):
    """`opt.init(params)` as a program of the store (`diffhw.engine.jit.call`), keyed by `opt_key` (what
    decides `opt`) and the parameters' shapes."""
    return call("codesign_init", f"{opt_key}\n{shapes(params)}", partial(jax.jit(opt.init).lower, params), params)


def adam_evaluations(options: dict) -> int:
    """Exact evaluations of the Adam phase: every start scored at the start, every `eval_every` steps and
    after the last step."""
    o = {**DEFAULTS, **options}
    return o["starts"] * (o["steps"] // o["eval_every"] + 1 + (o["steps"] % o["eval_every"] > 0))


def search(problem: Problem, budget_evals=None, budget_seconds=None, seed: int = 0, progress=None,
           **options) -> SearchResult:
    """Gradient co-design (see the module docstring). `options` override `DEFAULTS`. The budgets bound
    the exact evaluations of discretized points and the wall time; the Adam steps stop early when either
    is spent."""
    o = {**DEFAULTS, **options}
    if budget_evals is None and budget_seconds is None:
        budget_evals = adam_evaluations(o) + o["refine_evals"]
    b = Budget(problem, "gradient", seed, budget_evals, budget_seconds, progress)
    phase = getattr(progress, "phase", lambda text: None)  # a progress object may show what is being done
    phase("enumerating the relaxed model's iteration cases (one exact state analysis per dataflow group)")
    sur = Surrogate(problem, seed=seed)
    rng = np.random.default_rng(seed)
    starts, nf = o["starts"], len(sur.free)
    nd, ng = len(problem.dataflows), problem.num_genes
    # device_put, not jnp.asarray, and the optimizer's init as a stored program (`_init_state`): eager jnp
    # operations compile a small program each, in every run
    u = jax.device_put(rng.normal(0.0, 1.0, (starts, nf)))
    logits = jax.device_put(rng.normal(0.0, 0.5, (starts, ng, nd)))
    tiles_v = jax.device_put(rng.normal(0.0, 1.0, (starts, problem.num_tile_layers, nd, KNOBS)))
    opt, opt_key = optax.adam(o["lr"]), f"adam(lr={o['lr']!r})"
    state = _init_state(opt, opt_key, (u, logits, tiles_v))

    found: dict[tuple, tuple] = {}  # (hw, genes) -> (objective, hw, genes, tiles) of feasible scored designs

    def score(params) -> None:
        uu, ll, vv = (np.asarray(x) for x in params)
        pts = sur.hw_points(uu)
        hw, genes = discretize(problem, {k: pts[k] for k in problem.free}, ll)
        tu = sur.chosen_tiles(vv, genes)
        hw, genes, met = repair(problem, hw, genes, b.evaluator, tiles_u=tu)
        b.record(hw, genes, met, tu)
        for i in np.flatnonzero(np.isfinite(met["objective"])):
            key = (tuple(hw[i]), tuple(genes[i]))
            if key not in found or met["objective"][i] < found[key][0]:
                found[key] = (float(met["objective"][i]), hw[i], genes[i], None if tu is None else tu[i])

    params = (u, logits, tiles_v)
    temps = np.geomspace(o["t_start"], o["t_end"], o["steps"])
    # Score the random starts exactly in a second thread while the relaxed step compiles (started once the
    # step is traced: two tracing threads would share the GIL): the two compiles
    # (exact evaluator, relaxed gradient) dominate a search's time on CPUs and XLA compiles without the GIL.
    first = threading.Thread(target=score, args=(params,))
    phase(f"tracing and compiling the relaxed gradient step ({len(sur.groups)} dataflow groups) and the exact "
          f"evaluator, then {o['steps']} Adam steps of {starts} starts")
    step = Step(sur, opt, o["penalty"], params, state, temps[0], on_traced=first.start, opt_key=opt_key)
    for i, t in enumerate(temps):
        params, state, _, _ = step(params, state, t)
        if (i + 1) % o["eval_every"] == 0 or i == len(temps) - 1:
            first.join()  # the first steps ran while the starts were scored
            score(params)
            if b.done():
                break
    note = f"{starts} starts x {i + 1} Adam steps, temperature {o['t_start']} -> {o['t_end']}"
    if o["refine_evals"] and found and not b.done():
        adam = b.evals, b.best_obj
        chosen = sorted(found.values(), key=lambda x: x[0])[:o["refine_designs"]]
        phase(f"exact refinement of the {len(chosen)} best designs")
        for _, hw, genes, tu in chosen:
            if b.done():
                break
            refine(problem, b, hw, genes, tu)
        note += (f"; exact refinement of the {len(chosen)} best designs: {b.evals - adam[0]} evaluations, "
                 f"objective {adam[1]:.4g} -> {b.best_obj:.4g}")
    return b.result(note=note)
