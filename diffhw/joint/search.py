"""Joint network x accelerator search: one optax loop over a flax supernet's weights, its architecture
logits and a relaxed accelerator, then the discrete network and the exact refinement of its hardware.

Every step (Gumbel-softmax, GDAS-style: one architecture sampled per decision with the straight-through
estimator, so the supernet runs one path; first-order, weights and architecture updated in the same step
on the training and validation splits):

* weights: Adam on the training cross-entropy of the supernet at a sampled architecture;
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
and Jacobians with respect to the item inputs, forward mode, compiled once per group); the step program
differentiates through them linearized at the current accelerator (`linearized_costs`: the exact chain
rule). Everything is compiled once per (space, budgets, data) in `JointSearch` and reused for every lambda
and seed.

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

from diffhw.frontends.nas import digits as space
from diffhw.frontends.nas.supernet import layer_macs
from diffhw.joint.data import Split
from diffhw.joint.hardware import ExpectedCost
from diffhw.joint.supernet import DigitsNet, choice_mask, gumbel_gates, masked_softmax, one_hot_gates
from diffhw.joint.train import shuffles
from diffhw.optimize.search import Budget, SearchResult
from diffhw.optimize.gradient import STEP_COMPILER_OPTIONS, group_linearization, linearized_costs
from diffhw.optimize.discretization import discretize, repair
from diffhw.optimize.refine import refine

__all__ = ["SearchConfig", "JointSearch", "JointResult", "WarmStart", "argmax_encoding", "hardware_for"]


@dataclass(frozen=True)
class SearchConfig:
    """Search hyper-parameters: epochs over the training split, batch size, Adam learning rates,
    architecture warm-up fraction, Gumbel-softmax temperatures (annealed geometrically), relaxed-model
    temperatures, budget penalty weight, exact evaluations
    of the hardware refinement."""

    epochs: int = 30
    batch: int = 32
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
    """One search: the discrete architecture (`encoding` [7]), its hardware search result (exact metrics),
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


def argmax_encoding(probs) -> tuple:
    """The encoding of the most probable option of every decision (probs [Dec, O], absent options 0)."""
    p = np.where(choice_mask(), np.asarray(probs), -1.0)
    return tuple(int(i) for i in p.argmax(-1))


def hardware_for(cost: ExpectedCost, encoding, u, df_logits, seed: int, refine_evals: int,
                 method: str = "joint") -> SearchResult:
    """Discretize, repair and refine (exact) the accelerator u [F], CONV template logits [D] for the network
    of `encoding`; the result's evaluations count in its own `Budget`."""
    problem = cost.problem_for(space.decode(encoding))
    pts = cost.sur.hw_points(np.asarray(u, np.float64)[None])
    hw, genes = discretize(problem, {k: pts[k] for k in problem.free}, np.asarray(df_logits)[None, None, :])
    b = Budget(problem, method, seed, max(refine_evals, 1), None, None)
    hw, genes, met = repair(problem, hw, genes, b.evaluator)
    b.record(hw, genes, met)
    if refine_evals > 1 and not b.done():
        refine(problem, b, hw[0], genes[0])
    return b.result(note=f"discretized, repaired and refined on the exact model ({b.evals} evaluations)")


class JointSearch:
    """Compiled programs of the joint search for one supernet cost model and data split; `run(lam, seed)`."""

    def __init__(self, cost: ExpectedCost, data: Split, config: SearchConfig = SearchConfig(), workers: int = 2):
        t0 = time.perf_counter()
        self.cost, self.data, self.config = cost, data, config
        self.model = DigitsNet()
        sur = cost.sur
        c = config
        self.steps_per_epoch = len(data.y_train) // c.batch
        self.steps = self.steps_per_epoch * c.epochs
        self.option_macs = jnp.asarray(layer_macs(cost.net.options).sum(-1), jnp.float64)  # [S, J]
        self.x = {k: jnp.asarray(getattr(data, f"x_{k}")) for k in ("train", "val")}
        self.y = {k: jnp.asarray(getattr(data, f"y_{k}")) for k in ("train", "val")}
        self.opt = optax.multi_transform(
            {"weights": optax.adam(optax.cosine_decay_schedule(c.lr_weights, self.steps)),
             "arch": optax.adam(c.lr_arch), "hw": optax.adam(c.lr_hw)},
            {"weights": "weights", "arch": "arch", "u": "hw", "df": "hw"})
        self._init = jax.jit(lambda key: self.model.init(key, self.x["train"][:2],
                                                          jnp.asarray(choice_mask(), jnp.float64)))
        params = self.init(0)
        state = self.opt.init(params)
        t = jnp.asarray(c.t_start)

        def inputs(u, temp):
            return [x[None] for x in sur._inputs(sur.hw_points(u), temp)]

        model, cost_, opt = self.model, cost, self.opt

        def ce(w, gates, x, y):  # the network in float32 (gates from the float64 logits)
            return optax.softmax_cross_entropy_with_integer_labels(model.apply(w, x, gates.astype(jnp.float32)),
                                                                   y).mean()

        def step(ps, st, ib, iv, ys, jacs, temp, lam, mac_w, log_mac_budget, arch_on, key, tau):
            xb, yb = self.x["train"][ib], self.y["train"][ib]
            xv, yv = self.x["val"][iv], self.y["val"][iv]
            k_train, k_val = jax.random.split(key)
            loss_t, g_w = jax.value_and_grad(ce)(ps["weights"], jax.lax.stop_gradient(
                gumbel_gates(k_train, ps["arch"], tau)), xb, yb)

            def terms(arch, u, df):
                probs = masked_softmax(arch)
                costs = sur.scatter([y[0] for y in linearized_costs(inputs(u, temp), ys, jacs)])
                log_edp, pen = cost_.objective(u, df, probs, temp, c.penalty, costs)
                macs = (cost_.net.option_weights(probs) * self.option_macs).sum()
                loss_v = ce(jax.lax.stop_gradient(ps["weights"]), gumbel_gates(k_val, arch, tau), xv, yv)
                arch_term = loss_v + lam * (log_edp + pen) + mac_w * jax.nn.relu(jnp.log(macs) - log_mac_budget) ** 2
                return arch_term, (log_edp + pen, loss_v, log_edp)

            (_, (hw_term, loss_v, log_edp)), g_a = jax.value_and_grad(terms, has_aux=True)(ps["arch"], ps["u"],
                                                                                          ps["df"])
            g_h = jax.grad(lambda u, df: terms(jax.lax.stop_gradient(ps["arch"]), u, df)[1][0], argnums=(0, 1))(
                ps["u"], ps["df"])
            g = {"weights": g_w, "arch": arch_on * g_a, "u": g_h[0], "df": g_h[1]}
            g = jax.tree_util.tree_map(lambda x: jnp.where(jnp.isfinite(x), x, 0.0), g)
            updates, st = opt.update(g, st, ps)
            return optax.apply_updates(ps, updates), st, (loss_t, loss_v, log_edp)

        jit = partial(jax.jit, compiler_options=STEP_COMPILER_OPTIONS)
        xs = jax.eval_shape(inputs, params["u"], t)
        ys = [jax.ShapeDtypeStruct(x.shape[:-1] + (4,), x.dtype) for x in xs]
        jacs = [jax.ShapeDtypeStruct((x.shape[-1],) + y.shape, x.dtype) for x, y in zip(xs, ys)]
        ib = jax.ShapeDtypeStruct((c.batch,), jnp.int32)
        scal = jnp.asarray(0.0)
        lowered = [jit(inputs).lower(params["u"], t)]
        lowered += [jit(group_linearization(sur, gi)).lower(xs[gi], t) for gi in range(len(xs))]
        lowered.append(jit(step).lower(params, state, ib, ib, ys, jacs, t, scal, scal, scal, scal,
                                       jax.random.PRNGKey(0), scal))
        hw_opt = optax.adam(c.lr_hw)

        def hw_step(hp, hst, probs, ys, jacs, temp):
            def loss(hp):
                costs = sur.scatter([y[0] for y in linearized_costs(inputs(hp["u"], temp), ys, jacs)])
                return sum(cost_.objective(hp["u"], hp["df"], probs, temp, c.penalty, costs))

            g = jax.grad(loss)(hp)
            g = jax.tree_util.tree_map(lambda x: jnp.where(jnp.isfinite(x), x, 0.0), g)
            upd, hst = hw_opt.update(g, hst, hp)
            return optax.apply_updates(hp, upd), hst

        hp = {"u": params["u"], "df": params["df"]}
        self._hw_opt = hw_opt
        lowered.append(jit(hw_step).lower(hp, hw_opt.init(hp), jnp.zeros(choice_mask().shape), ys, jacs, t))
        with ThreadPoolExecutor(workers) as pool:
            compiled = list(pool.map(lambda lw: lw.compile(), lowered))
        self._inputs, self._groups, self._step, self._hw_step = compiled[0], compiled[1:-2], compiled[-2], compiled[-1]
        self.compile_seconds = time.perf_counter() - t0

    def init(self, seed: int) -> dict:
        """Initial parameters: flax weights, architecture logits 0 (uniform), accelerator u ~ N(0, 0.5),
        template logits 0."""
        rng = np.random.default_rng(seed)
        key = jax.random.PRNGKey(seed)
        return {"weights": self._init(key), "arch": jnp.zeros(choice_mask().shape),
                "u": jnp.asarray(rng.normal(0.0, 0.5, self.cost.num_free)),
                "df": jnp.zeros(len(self.cost.problem.dataflows))}

    def warm_start(self, seed: int = 0) -> WarmStart:
        """The first `warmup` fraction of the steps of a search (weights and accelerator trained, architecture
        frozen at uniform): it does not depend on lambda or the MAC budget, so a sweep runs it once per seed
        and every `run(..., start=...)` continues from it."""
        t0 = time.perf_counter()
        ps = self.init(seed)
        ps, st, history = self._steps(ps, self.opt.init(ps), seed, 0, int(self.config.warmup * self.steps),
                                      0.0, 0.0, 0.0)
        return WarmStart(seed, ps, st, history, time.perf_counter() - t0)

    def run(self, lam: float = 0.0, seed: int = 0, mac_budget: float | None = None, method: str = "joint",
            refine_evals: int | None = None, hardware: bool = True, start: WarmStart | None = None) -> JointResult:
        """One search with hardware weight `lam` (or, with `mac_budget`, the FLOPs-budget architecture term
        and no hardware term) from the seed's warm start (`start`, else run here and timed with the search),
        then the discrete design (`hardware_for`; skipped without `hardware`)."""
        c = self.config
        t0 = time.perf_counter()
        start = self.warm_start(seed) if start is None else start
        if start.seed != seed:
            raise ValueError(f"a warm start of seed {start.seed} cannot continue a search of seed {seed}")
        mac_w, log_b = (0.0, 0.0) if mac_budget is None else (10.0, math.log(mac_budget))
        if mac_budget is not None:
            lam = 0.0
        ps, _, history = self._steps(start.params, start.state, seed, int(c.warmup * self.steps), self.steps,
                                     float(lam), mac_w, log_b)
        probs = np.asarray(masked_softmax(ps["arch"]))
        enc = argmax_encoding(probs)
        hw = hardware_for(self.cost, enc, ps["u"], ps["df"], seed, c.refine_evals if refine_evals is None else
                          refine_evals, method) if hardware else None
        return JointResult(enc, hw, probs, time.perf_counter() - t0, start.history + history)

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
        warm = int(c.warmup * self.steps)
        history = []
        for k in range(k0, k1):
            t = jnp.asarray(temps[k])
            ys, jacs = self._costs(ps["u"], t)
            ps, st, losses = self._step(ps, st, jnp.asarray(order[k], jnp.int32), jnp.asarray(val[k], jnp.int32), ys,
                                        jacs, t, jnp.asarray(lam), jnp.asarray(mac_w), jnp.asarray(log_b),
                                        jnp.asarray(float(k >= warm)), jax.random.fold_in(key, k),
                                        jnp.asarray(taus[k]))
            if (k + 1) % self.steps_per_epoch == 0:
                history.append((k + 1,) + tuple(float(v) for v in losses))
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
        probs = jnp.asarray(one_hot_gates(encoding))
        for t in np.geomspace(c.t_start, c.t_end, self.steps):
            t = jnp.asarray(t)
            ys, jacs = self._costs(hp["u"], t)
            hp, st = self._hw_step(hp, st, probs, ys, jacs, t)
        return hardware_for(self.cost, encoding, hp["u"], hp["df"], seed,
                            c.refine_evals if refine_evals is None else refine_evals, method)
