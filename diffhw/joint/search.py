"""Joint network x accelerator search: one optax loop over a flax supernet's weights, its architecture
logits and a relaxed accelerator, then the discrete network and the exact refinement of its hardware.

Every step (Gumbel-softmax, GDAS-style: one architecture sampled per decision with the straight-through
estimator, so the supernet runs one path; first-order, weights and architecture updated in the same step
on the training and validation splits):

* weights: Adam on the training cross-entropy of the supernet (batch normalization on batch statistics),
  `micro_batches` updates per step, each on its part of the step's batch at its own sampled architecture
  (single-path training learns slowly: more, smaller updates in the same epochs);
* architecture logits [Dec, O]: Adam on the validation cross-entropy at another sample (gradient through
  the Gumbel-softmax, temperature `tau` annealed) + lambda x hardware term, where the hardware term is
  log E-EDP + the budget penalty of the relaxed accelerator (`ExpectedCost.objective`: E[latency] x
  E[energy] under the softmax of the logits, relaxed MAESTRO model); frozen for the first `warmup`
  fraction of the steps (DARTS practice: the weights first learn something worth choosing between). The
  warm-up does not depend on lambda or the MAC budget: a sweep runs it once per seed (`warm_start`) and
  continues every lambda from it;
* accelerator: Adam on the same hardware term over the free parameters (PEs, L1/L2, NoC and off-chip
  bandwidth; unconstrained u, log-scaled into their bounds) and the CONV template logits (DSCONV -> dpt,
  GEMM -> gemm), the relaxed model's temperature annealed geometrically from `t_start` to `t_end`.

The architecture term can instead be a FLOPs budget (`mac_budget`: a squared-log hinge on the expected
MACs above it, no hardware term): the decoupled baseline's network search, in the same program.

The relaxed costs come from the gradient co-design's per-group programs (`group_linearization`: costs
and Jacobians with respect to the item inputs, forward mode, compiled once per group); the step
differentiates through them linearized at the current accelerator (`linearized_costs`: the exact chain
rule). An epoch of steps is one program (a `lax.scan` that calls the group programs back on the host each
step). Everything is compiled once per (space, budgets, data) in `JointSearch` and reused for every lambda
and seed.

A lambda sweep runs as one path (`JointSearch.path`): after the shared warm-up, the smallest lambda gets
the remaining epochs, every larger one continues from the previous lambda's state for the last epoch of
the schedule (a homotopy from accuracy alone towards hardware cost); the decoupled baseline runs its MAC
budgets the same way, loosest first.

Discretization: the argmax of every decision; the accelerator's continuous parameters and template
weights -> `discretize`, `repair` and `refine` (exact model) of the co-design problem of that network.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from diffhw.joint.data import Split
from diffhw.joint.hardware import ExpectedCost
from diffhw.joint.supernet import MBConvNet, choice_mask, gumbel_gates, masked_softmax, one_hot_gates
from diffhw.joint.train import shuffles, supernet_loss
from diffhw.optimize.search import Budget, SearchResult
from diffhw.optimize.gradient import STEP_COMPILER_OPTIONS, group_linearization, linearized_costs
from diffhw.optimize.discretization import discretize, repair
from diffhw.optimize.refine import refine

__all__ = ["SearchConfig", "JointSearch", "JointResult", "WarmStart", "argmax_encoding", "hardware_for"]


@dataclass(frozen=True)
class SearchConfig:
    """Search hyper-parameters: epochs over the training split, batch size (of a step), weight updates per
    step (`micro_batches`: the step's batch split into this many, each with its own sampled path), Adam
    learning rates,
    architecture warm-up fraction, Gumbel-softmax temperatures (annealed geometrically), relaxed-model
    temperatures, budget penalty weight, exact evaluations
    of the hardware refinement."""

    epochs: int = 30
    batch: int = 32
    micro_batches: int = 4
    lr_weights: float = 1e-2
    lr_arch: float = 3e-2
    lr_hw: float = 0.08
    warmup: float = 0.5
    tau_start: float = 2.0
    tau_end: float = 0.3
    t_start: float = 0.3
    t_end: float = 0.02
    penalty: float = 50.0
    refine_evals: int = 1000


@dataclass
class JointResult:
    """One search: the discrete architecture (`encoding` [D]), its hardware search result (exact metrics),
    the final architecture probabilities [Dec, O], and the wall time (seconds; compiles and a warm start
    given to `run` excluded)."""

    encoding: tuple
    hardware: SearchResult | None
    probs: np.ndarray
    seconds: float
    history: list = field(default_factory=list)  # (step, train loss, val loss, log E-EDP)


@dataclass
class WarmStart:
    """The state of a search of `seed` after its warm-up steps (`JointSearch.warm_start`): parameters,
    optimizer state, history, wall time (seconds)."""

    seed: int
    params: dict
    state: object
    history: list
    seconds: float


def argmax_encoding(probs, mask) -> tuple:
    """The encoding of the most probable option of every decision (probs [Dec, O]; options outside `mask`
    [Dec, O] never chosen)."""
    p = np.where(mask, np.asarray(probs), -1.0)
    return tuple(int(i) for i in p.argmax(-1))


def hardware_for(cost: ExpectedCost, encoding, u, df_logits, seed: int, refine_evals: int,
                 method: str = "joint") -> SearchResult:
    """Discretize, repair and refine (exact) the accelerator u [F], CONV template logits [D] for the network
    of `encoding`; the result's evaluations count in its own `Budget`."""
    problem = cost.problem_for(encoding)
    pts = cost.sur.hw_points(np.asarray(u, np.float64)[None])
    hw, genes = discretize(problem, {k: pts[k] for k in problem.free}, np.asarray(df_logits)[None, None, :])
    b = Budget(problem, method, seed, max(refine_evals, 1), None, None)
    hw, genes, met = repair(problem, hw, genes, b.evaluator)
    b.record(hw, genes, met)
    if refine_evals > 1 and not b.done():
        refine(problem, b, hw[0], genes[0])
    return b.result(note=f"discretized, repaired and refined on the exact model ({b.evals} evaluations)")


class JointSearch:
    """Compiled programs of the joint search for one supernet cost model (`cost`, of the search space
    `cost.space`) and data split; `run(lam, seed)`."""

    def __init__(self, cost: ExpectedCost, data: Split, config: SearchConfig = SearchConfig(), workers: int = 2):
        t0 = time.perf_counter()
        self.cost, self.data, self.config = cost, data, config
        self.space = space = cost.space
        self.model = MBConvNet(space)
        self.mask = mask = choice_mask(space)
        sur = cost.sur
        c = config
        self.steps_per_epoch = len(data.y_train) // c.batch
        self.steps = self.steps_per_epoch * c.epochs
        #: warm-up steps: whole epochs (the search runs an epoch per program call), at least one epoch left
        self.warm = self.steps_per_epoch * min(c.epochs - 1, max(0, round(c.warmup * c.epochs)))
        self.option_macs = jnp.asarray(space.option_macs(), jnp.float64)  # [S, J]
        self.x = {k: jnp.asarray(getattr(data, f"x_{k}")) for k in ("train", "val")}
        self.y = {k: jnp.asarray(getattr(data, f"y_{k}")) for k in ("train", "val")}
        if c.batch % c.micro_batches:
            raise ValueError(f"batch {c.batch} is not a multiple of micro_batches {c.micro_batches}")
        #: weights: Adam, cosine-decayed over all micro-batch updates; the rest: Adam (the weights' entry
        #: of its update is zero: the weights are updated by `opt_w`)
        self.opt_w = optax.adam(optax.cosine_decay_schedule(c.lr_weights, self.steps * c.micro_batches))
        self.opt = optax.multi_transform(
            {"weights": optax.set_to_zero(), "arch": optax.adam(c.lr_arch), "hw": optax.adam(c.lr_hw)},
            {"weights": "weights", "arch": "arch", "u": "hw", "df": "hw"})
        self._init = jax.jit(lambda key: self.model.init(key, self.x["train"][:2],
                                                          jnp.asarray(mask, jnp.float64)))
        params = self.init(0)
        state = self.init_state(params)
        t = jnp.asarray(c.t_start)

        def inputs(u, temp):
            return [x[None] for x in sur._inputs(sur.hw_points(u), temp)]

        model, cost_, opt, opt_w = self.model, cost, self.opt, self.opt_w

        def ce(w, gates, x, y):  # the network in float32 (gates from the float64 logits), batch statistics
            return supernet_loss(model, w, x, gates.astype(jnp.float32), y)[0]

        def finite(g):
            return jax.tree_util.tree_map(lambda x: jnp.where(jnp.isfinite(x), x, 0.0), g)

        def weight_steps(w, sw, arch, ib, key, tau):
            """Adam on the training loss, one update per micro-batch of ib [batch], each at its own path."""
            def micro(carry, inp):
                w, sw = carry
                i, k = inp
                gates = jax.lax.stop_gradient(gumbel_gates(k, arch, mask, tau))
                loss, g = jax.value_and_grad(ce)(w, gates, self.x["train"][i], self.y["train"][i])
                upd, sw = opt_w.update(finite(g), sw, w)
                return (optax.apply_updates(w, upd), sw), loss

            (w, sw), losses = jax.lax.scan(micro, (w, sw), (ib.reshape(c.micro_batches, -1),
                                                            jax.random.split(key, c.micro_batches)))
            return w, sw, losses.mean()

        def step(ps, st, ib, iv, ys, jacs, temp, lam, mac_w, log_mac_budget, arch_on, key, tau):
            xv, yv = self.x["val"][iv], self.y["val"][iv]
            k_train, k_val = jax.random.split(key)
            st_w, st = st
            w, st_w, loss_t = weight_steps(ps["weights"], st_w, ps["arch"], ib, k_train, tau)
            ps = ps | {"weights": w}

            def hardware(probs, u, df):  # (log E-EDP + budget penalty, log E-EDP)
                costs = sur.scatter([y[0] for y in linearized_costs(inputs(u, temp), ys, jacs)])
                log_edp, pen = cost_.objective(u, df, probs, temp, c.penalty, costs)
                return log_edp + pen, log_edp

            # the hardware term once, with its gradients with respect to the architecture probabilities and
            # the accelerator (one backward pass for both)
            probs = jax.lax.stop_gradient(masked_softmax(ps["arch"], mask))
            _, hw_vjp, log_edp = jax.vjp(hardware, probs, ps["u"], ps["df"], has_aux=True)
            g_p, g_u, g_df = hw_vjp(jnp.asarray(1.0))
            w_fixed = jax.lax.stop_gradient(ps["weights"])

            def arch_term(arch):  # (architecture loss, validation loss)
                probs = masked_softmax(arch, mask)
                macs = (cost_.net.option_weights(probs) * self.option_macs).sum()
                loss_v = ce(w_fixed, gumbel_gates(k_val, arch, mask, tau), xv, yv)
                # lambda x hardware term: its gradient is lambda x g_p through the probabilities (chain rule)
                hw = (jax.lax.stop_gradient(g_p) * probs).sum()
                return loss_v + lam * hw + mac_w * jax.nn.relu(jnp.log(macs) - log_mac_budget) ** 2, loss_v

            def frozen():  # warm-up: no architecture gradient (no backward pass); the validation loss
                return jnp.zeros_like(ps["arch"]), ce(w_fixed, gumbel_gates(k_val, ps["arch"], mask, tau), xv, yv)

            g_a, loss_v = jax.lax.cond(arch_on > 0, lambda: jax.grad(arch_term, has_aux=True)(ps["arch"]), frozen)
            g = finite({"weights": jax.tree_util.tree_map(jnp.zeros_like, w), "arch": g_a, "u": g_u, "df": g_df})
            updates, st = opt.update(g, st, ps)
            return optax.apply_updates(ps, updates), (st_w, st), (loss_t, loss_v, log_edp)

        jit = partial(jax.jit, compiler_options=STEP_COMPILER_OPTIONS)
        xs = jax.eval_shape(inputs, params["u"], t)
        ys = [jax.ShapeDtypeStruct(x.shape[:-1] + (4,), x.dtype) for x in xs]
        jacs = [jax.ShapeDtypeStruct((x.shape[-1],) + y.shape, x.dtype) for x, y in zip(xs, ys)]
        scal = jnp.asarray(0.0)
        groups = [group_linearization(sur, gi) for gi in range(len(xs))]

        def host_costs(u, temp):  # the compiled group programs, called from the epoch program
            ys, jacs = self._costs(jnp.asarray(u), jnp.asarray(temp))
            return [np.asarray(y) for y in ys], [np.asarray(j) for j in jacs]

        def epoch(ps, st, order, val, temps, taus, ks, arch_on, lam, mac_w, log_b, key):
            """`len(order)` steps in one program (a `lax.scan`; a step per call costs ~5x more on the CPU):
            per step the relaxed costs and Jacobians at the current accelerator (the group programs, called
            back on the host: compiled once, not again inside this program), then `step`."""
            def body(carry, inp):
                ps, st = carry
                ib, iv, temp, tau, k, on = inp
                ys_, jacs_ = jax.pure_callback(host_costs, (ys, jacs), ps["u"], temp)
                ps, st, losses = step(ps, st, ib, iv, ys_, jacs_, temp, lam, mac_w, log_b, on,
                                      jax.random.fold_in(key, k), tau)
                return (ps, st), jnp.stack([jnp.asarray(v, jnp.float64) for v in losses])

            (ps, st), losses = jax.lax.scan(body, (ps, st), (order, val, temps, taus, ks, arch_on))
            return ps, st, losses

        n = self.steps_per_epoch
        per_step = [jax.ShapeDtypeStruct((n, c.batch), jnp.int32)] * 2 + [jax.ShapeDtypeStruct((n,), jnp.float64)] * 2
        per_step += [jax.ShapeDtypeStruct((n,), jnp.int32), jax.ShapeDtypeStruct((n,), jnp.float64)]
        lowered = [jit(inputs).lower(params["u"], t)]
        lowered += [jit(g).lower(xs[gi], t) for gi, g in enumerate(groups)]
        lowered.append(jit(epoch).lower(params, state, *per_step, scal, scal, scal, jax.random.PRNGKey(0)))
        hw_opt = optax.adam(c.lr_hw)

        def hw_step(hp, hst, probs, ys, jacs, temp):
            def loss(hp):
                costs = sur.scatter([y[0] for y in linearized_costs(inputs(hp["u"], temp), ys, jacs)])
                return sum(cost_.objective(hp["u"], hp["df"], probs, temp, c.penalty, costs))

            g = jax.grad(loss)(hp)
            g = jax.tree_util.tree_map(lambda x: jnp.where(jnp.isfinite(x), x, 0.0), g)
            upd, hst = hw_opt.update(g, hst, hp)
            return optax.apply_updates(hp, upd), hst

        self._hw_opt = hw_opt
        self._hw_step = jit(hw_step)  # compiled at the first `hardware_search` (the baselines' only)
        with ThreadPoolExecutor(workers) as pool:
            compiled = list(pool.map(lambda lw: lw.compile(), lowered))
        self._inputs, self._groups, self._epoch = compiled[0], compiled[1:-1], compiled[-1]
        self.compile_seconds = time.perf_counter() - t0

    def init(self, seed: int) -> dict:
        """Initial parameters: flax weights, architecture logits 0 (uniform), accelerator u ~ N(0, 0.5),
        template logits 0."""
        rng = np.random.default_rng(seed)
        key = jax.random.PRNGKey(seed)
        return {"weights": self._init(key), "arch": jnp.zeros(self.mask.shape),
                "u": jnp.asarray(rng.normal(0.0, 0.5, self.cost.num_free)),
                "df": jnp.zeros(len(self.cost.problem.dataflows))}

    def init_state(self, params: dict):
        """Optimizer state of `params`: (the weights' Adam, the architecture's and accelerator's)."""
        return self.opt_w.init(params["weights"]), self.opt.init(params)

    def warm_start(self, seed: int = 0) -> WarmStart:
        """The first `warmup` fraction of the steps of a search (weights and accelerator trained, architecture
        frozen at uniform): it does not depend on lambda or the MAC budget, so a sweep runs it once per seed
        and every `run(..., start=...)` continues from it."""
        t0 = time.perf_counter()
        ps = self.init(seed)
        ps, st, history = self._steps(ps, self.init_state(ps), seed, 0, self.warm,
                                      0.0, 0.0, 0.0)
        return WarmStart(seed, ps, st, history, time.perf_counter() - t0)

    def run(self, lam: float = 0.0, seed: int = 0, start: WarmStart | None = None) -> JointResult:
        """One search with hardware weight `lam` from the seed's warm start (`start`, else run here and
        timed with the search), then the discrete design (`hardware_for`)."""
        t0 = time.perf_counter()
        r = self.path(seed, lambdas=[lam], start=start)[0]
        r.seconds = time.perf_counter() - t0
        return r

    def path(self, seed: int = 0, lambdas=(), mac_budgets=(), start: WarmStart | None = None, hardware: bool = True,
             method: str = "joint", path_epochs: int = 1) -> list[JointResult]:
        """One search along a path of architecture terms instead of one search per term: hardware weights
        `lambdas` in increasing order (or MAC budgets `mac_budgets` in decreasing order, the decoupled
        network search). The first term runs the search's steps after the warm start; every next term
        continues from the previous term's state for the last `path_epochs` epochs of the schedule (same
        batches, final temperatures). Each term's point: its argmax network and (with `hardware`) its
        discrete design. Returns the results in the order of the given terms."""
        c = self.config
        start = self.warm_start(seed) if start is None else start
        if start.seed != seed:
            raise ValueError(f"a warm start of seed {start.seed} cannot continue a search of seed {seed}")
        if bool(len(lambdas)) == bool(len(mac_budgets)):
            raise ValueError("a path runs either lambdas or MAC budgets")
        terms = ([(float(v), 0.0, 0.0) for v in lambdas] if len(lambdas) else
                 [(0.0, 10.0, math.log(float(b))) for b in mac_budgets])
        order = sorted(range(len(terms)), key=lambda i: (terms[i][0], -terms[i][2]))
        k_path = max(self.warm, self.steps - self.steps_per_epoch * max(1, path_epochs))
        ps, st, history = start.params, start.state, list(start.history)
        out: dict[int, JointResult] = {}
        for n, i in enumerate(order):
            t0 = time.perf_counter()
            ps, st, h = self._steps(ps, st, seed, self.warm if n == 0 else k_path, self.steps, *terms[i])
            history = history + h
            probs = np.asarray(masked_softmax(ps["arch"], self.mask))
            enc = argmax_encoding(probs, self.mask)
            hw = hardware_for(self.cost, enc, ps["u"], ps["df"], seed, c.refine_evals, method) if hardware else None
            out[i] = JointResult(enc, hw, probs, time.perf_counter() - t0, history)
        return [out[i] for i in range(len(terms))]

    def _steps(self, ps, st, seed: int, k0: int, k1: int, lam: float, mac_w: float, log_b: float):
        """Steps k0..k1-1 of a search of `seed` (architecture updated from the warm-up's end on): the
        training batches are the seed's shuffle (`train.shuffles`), the validation batches drawn from it too,
        so every search of a seed sees the same batches. Returns (params, optimizer state, history)."""
        c = self.config
        order = shuffles(len(self.data.y_train), c.batch, c.epochs, seed)
        val = np.random.default_rng([seed, 1]).integers(0, len(self.data.y_val), order.shape)
        temps = np.geomspace(c.t_start, c.t_end, self.steps)
        taus = np.geomspace(c.tau_start, c.tau_end, self.steps)
        key = jax.random.PRNGKey(seed)
        history = []
        ks = np.arange(self.steps)
        arch_on = (ks >= self.warm).astype(np.float64)
        scal = [jnp.asarray(float(v)) for v in (lam, mac_w, log_b)]
        n = self.steps_per_epoch
        for k in range(k0, k1, n):
            sl = slice(k, k + n)
            ps, st, losses = self._epoch(ps, st, jnp.asarray(order[sl], jnp.int32), jnp.asarray(val[sl], jnp.int32),
                                         jnp.asarray(temps[sl]), jnp.asarray(taus[sl]), jnp.asarray(ks[sl], jnp.int32),
                                         jnp.asarray(arch_on[sl]), *scal, key)
            history.append((k + n,) + tuple(float(v) for v in np.asarray(losses[-1])))
        return ps, st, history

    def _costs(self, u, t):
        """Per-group relaxed costs and Jacobians at accelerator u [F] (the compiled group programs)."""
        out = [g(x, t) for g, x in zip(self._groups, self._inputs(u, t))]
        return [o[0] for o in out], [o[1] for o in out]

    def hardware_search(self, encoding, seed: int = 0, method: str = "codesign",
                        refine_evals: int | None = None) -> SearchResult:
        """Gradient co-design of the accelerator for one architecture (the baselines' hardware search): as
        many Adam steps on the relaxed EDP + budget penalty of the network (one-hot architecture, same
        temperatures, start and learning rate) as a joint search runs, then `hardware_for`."""
        c = self.config
        init = self.init(seed)
        hp = {"u": init["u"], "df": init["df"]}
        st = self._hw_opt.init(hp)
        probs = jnp.asarray(one_hot_gates(self.space, encoding))
        for t in np.geomspace(c.t_start, c.t_end, self.steps):
            t = jnp.asarray(t)
            ys, jacs = self._costs(hp["u"], t)
            hp, st = self._hw_step(hp, st, probs, ys, jacs, t)
        return hardware_for(self.cost, encoding, hp["u"], hp["df"], seed,
                            c.refine_evals if refine_evals is None else refine_evals, method)
