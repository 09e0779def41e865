"""Baselines of the joint search, on the same space, data, budgets and exact model.

* `decoupled`: the network is searched for accuracy alone under a FLOPs (MAC) budget (the joint loop with
  the MAC hinge instead of the hardware term, `JointSearch.path(mac_budgets=...)`: one search along the
  budgets, as the joint method runs its lambdas), then the accelerator is
  co-designed for it by gradient (`JointSearch.hardware_search`: the method of `diffhw codesign`, Adam on
  the relaxed model then exact discretize / repair / refine, with one start and as many Adam steps and
  exact evaluations as the joint search's hardware gets; it reuses the joint search's compiled programs,
  so a baseline pays no per-network compile), one budget per point.
* `semi_decoupled` (the tinyML'22 seed study): a one-shot supernet trained with uniformly sampled single
  paths (SPOS, same epochs and weight updates as the joint search) ranks `samples` random architectures by
  their one-shot validation accuracy (batch normalization on the validation split's statistics) and
  their exact EDP on one reference accelerator; the `keep` best (non-dominated first, spread along the
  front) get their accelerator co-designed the same way.
* `random_pairs`: random architectures with random accelerators (log-uniform in the bounds, a random CONV
  template, buffers at the requirement), evaluated exactly; the first `n` feasible pairs.

Each returns a list of `Point`s (architecture, design, exact metrics) and its search wall time in seconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.hardware import HardwareSpec
from diffhw.joint.front import pareto_mask
from diffhw.joint.hardware import ExpectedCost
from diffhw.joint.search import JointSearch
from diffhw.joint.supernet import one_hot_gates
from diffhw.joint.train import shuffles, train_supernet
from diffhw.optimize.defaults import SEARCH_DATAFLOWS
from diffhw.optimize.problem import pe_multiple, snap_pes

__all__ = ["Point", "decoupled", "semi_decoupled", "random_pairs", "codesign", "point_of", "REFERENCE"]


@dataclass
class Point:
    """A final (architecture, accelerator): encoding [D], hardware dict (HW_PARAMS), CONV template, exact
    metrics (latency_cycles, energy, edp, area, power, feasible) and the search result when there is one."""

    encoding: tuple
    hardware: dict
    template: str
    metrics: dict
    result: object = None


def point_of(encoding, result) -> Point:
    """The `Point` of an architecture and its hardware `SearchResult`."""
    d = result.best
    tmpl = next((t for row in d.dataflows for t in row if t in SEARCH_DATAFLOWS), SEARCH_DATAFLOWS[0]) if d else ""
    return Point(tuple(int(e) for e in encoding), d.hardware_dict() if d else {}, tmpl, dict(result.metrics), result)


def codesign(js: JointSearch, encoding, seed: int) -> Point:
    """Gradient co-design of the accelerator for one architecture (`JointSearch.hardware_search`)."""
    return point_of(encoding, js.hardware_search(encoding, seed))


def decoupled(js: JointSearch, mac_budgets, seed: int, start=None) -> tuple[list[Point], float]:
    """The FLOPs-budgeted network searches, one search along the budgets from the seed's warm start
    (`JointSearch.path`, loosest first, as the joint method runs its lambdas; `start`, else run here and
    timed), then the gradient co-design of each network."""
    t0 = time.perf_counter()
    start = js.warm_start(seed) if start is None else start
    nets = [r.encoding for r in js.path(seed, mac_budgets=mac_budgets, start=start, hardware=False)]
    return [codesign(js, e, seed) for e in nets], time.perf_counter() - t0


def _spos(js: JointSearch, seed: int, epochs: int):
    """Supernet weights trained with one uniformly sampled path per update (single-path one-shot;
    `train.train_supernet`, the search's micro-batches and learning rate)."""
    data, c = js.data, js.config
    # the joint search's weight updates: its batches' micro-batches
    order = shuffles(len(data.y_train), c.batch, epochs, seed).reshape(-1, c.batch // c.micro_batches)
    rng = np.random.default_rng(seed)
    nc = js.cost.net.num_choices
    paths = one_hot_gates(js.space, rng.integers(0, nc, size=(len(order), len(nc)))).astype(np.float32)  # uniform
    w = jax.tree_util.tree_map(lambda a: a[None], js.init(seed)["weights"])
    w = train_supernet(js.space, w, jnp.asarray(order[None], jnp.int32), jnp.asarray(paths), jnp.asarray(data.x_train),
                       jnp.asarray(data.y_train), lr=c.lr_weights)
    return jax.tree_util.tree_map(lambda a: a[0], w)


def _network_edp(cost: ExpectedCost, encodings, hw: HardwareSpec, template: str) -> np.ndarray:
    """Exact EDP [n] of the networks of `encodings` on one accelerator (`diffhw.sweep`, one call)."""
    from diffhw.sweep import EvalConfig, Models, sweep
    from diffhw.layers import GEMM

    net = cost.net
    table = net.table()
    has_batch = (np.asarray(table.op) != GEMM) & (np.asarray(table.N) > 1)
    models = Models(tuple(f"arch{i}" for i in range(len(encodings))), table, has_batch, net.rows(encodings))
    cols, _ = sweep(models, [hw], EvalConfig(dataflows=(template,)))
    return np.asarray(cols["edp"], np.float64)


#: The semi-decoupled study's reference accelerator (the geometric middle of the default bounds, buffers
#: large enough for every network, os dataflow for CONV layers).
REFERENCE = HardwareSpec(num_pes=128, l1_size=1 << 16, l2_size=1 << 24, noc_bw=32, offchip_bw=32, name="reference")


def semi_decoupled(js: JointSearch, seed: int, samples: int = 200, keep: int = 4) -> tuple[list[Point], float]:
    """SPOS supernet, one-shot accuracy x reference-accelerator EDP ranking, gradient co-design of the
    `keep` best (see the module docstring)."""
    t0 = time.perf_counter()
    weights = _spos(js, seed, js.config.epochs)
    enc = np.unique(js.space.random_encodings(samples, seed + 7919), axis=0)
    model, x, y = js.model, jnp.asarray(js.data.x_val), jnp.asarray(js.data.y_val)
    # lax.map, not vmap: each architecture runs its own path (a vmapped switch would run every op); batch
    # normalization on the validation split's statistics of that path (the running averages mix all paths)
    def one_shot(p):
        return (model.apply(weights, x, p, train=True, mutable=["batch_stats"])[0].argmax(-1) == y).mean()

    acc = np.asarray(jax.jit(lambda g: jax.lax.map(one_shot, g))(jnp.asarray(one_hot_gates(js.space, enc),
                                                                              jnp.float32)))
    edp = _network_edp(js.cost, enc, REFERENCE, "os")
    chosen: list[int] = []
    left = np.arange(len(enc))
    while len(chosen) < keep and len(left):
        front = left[pareto_mask(acc[left], edp[left])]
        front = front[np.argsort(edp[front])]
        take = front if len(front) <= keep - len(chosen) else front[np.unique(
            np.rint(np.linspace(0, len(front) - 1, keep - len(chosen))).astype(int))]
        chosen += [int(i) for i in take]
        left = np.setdiff1d(left, take)
    out = [codesign(js, enc[i], seed) for i in chosen]
    return out, time.perf_counter() - t0


def random_pairs(cost: ExpectedCost, n: int, seed: int, tries: int = 8) -> tuple[list[Point], float]:
    """The first `n` feasible random (architecture, accelerator) pairs (see the module docstring)."""
    from diffhw.feasibility import area_power
    from diffhw.layers import GEMM
    from diffhw.optimize.discretization import within_budgets
    from diffhw.sweep import EvalConfig, Models, sweep

    t0 = time.perf_counter()
    p = cost.problem
    rng = np.random.default_rng(seed + 104729)
    m = n * tries
    enc = rng.integers(0, cost.net.num_choices, size=(m, len(cost.net.num_choices)))  # uniform per decision
    tmpl = rng.choice(p.dataflows, m)
    hw = {q.name: (np.full(m, q.value) if not q.free else
                   np.rint(np.exp(rng.uniform(math.log(q.lo), math.log(q.hi), m))).astype(np.int64)) for q in p.params}
    net = cost.net
    table = net.table()
    has_batch = (np.asarray(table.op) != GEMM) & (np.asarray(table.N) > 1)
    rows = {}
    for t in dict.fromkeys(tmpl.tolist()):  # one sweep per template: its pairs' networks x accelerators
        sel = np.flatnonzero(tmpl == t)
        mult = pe_multiple({t} | {v for v in p.rule_map.values() if v != "same"})
        pes = snap_pes(hw["num_pes"][sel], mult, p.param("num_pes").lo, p.param("num_pes").hi)
        specs = [HardwareSpec(num_pes=int(pes[i]), l1_size=p.param("l1_size").hi, l2_size=p.param("l2_size").hi,
                              noc_bw=int(hw["noc_bw"][k]), offchip_bw=int(hw["offchip_bw"][k]), name=f"random{k}")
                 for i, k in enumerate(sel)]
        models = Models(tuple(f"arch{k}" for k in sel), table, has_batch, net.rows(enc[sel]))
        cols, _ = sweep(models, specs, EvalConfig(dataflows=(t,)))
        for i, k in enumerate(sel):  # rows ordered (model, hw): pair k is row i * len(sel) + i
            rows[int(k)] = (t, specs[i], {c: cols[c][i * len(sel) + i] for c in cols})
    points = []
    for k in sorted(rows):
        t, spec, r = rows[k]
        if not bool(r["valid"]):
            continue
        l1 = int(np.clip(r["max_l1_req"], p.param("l1_size").lo, p.param("l1_size").hi))
        l2 = int(np.clip(r["max_l2_req"], p.param("l2_size").lo, p.param("l2_size").hi))
        if not within_budgets(p, np.array([spec.num_pes]), np.array([spec.noc_bw]), np.array([l1]), np.array([l2]))[0]:
            continue
        hwd = {"num_pes": spec.num_pes, "l1_size": l1, "l2_size": l2, "noc_bw": spec.noc_bw,
               "offchip_bw": spec.offchip_bw}
        area, power = area_power(spec.num_pes, spec.noc_bw, l1, l2)  # the accelerator as built
        met = {"latency_cycles": float(r["latency_cycles"]), "energy": float(r["energy"]), "edp": float(r["edp"]),
               "area": float(area), "power": float(power), "feasible": True}
        points.append(Point(tuple(int(e) for e in enc[k]), hwd, t, met))
        if len(points) == n:
            break
    return points, time.perf_counter() - t0
