"""Relaxed vs exact on every dev.csv input, and gradients at random points of the parameter box.

    python experiments/relaxed/check.py [--temperatures 1e-6,0.05] [--grad-points 10000] [--json OUT]

For each temperature: the share of dev rows whose relaxed runtime and energy are within 1 % of the exact
model (which equals MAESTRO on every row), and the Spearman rank correlation. Then `--grad-points` random
points (layer of the dev set, log-uniform num_pes / noc_bw / offchip_bw in [1, 1024] x the layer's
cluster needs, dataflow numbers jittered +-20 %): the share with finite gradients of
log(runtime) + log(energy) at the default temperature.
"""

from __future__ import annotations

import argparse
import glob
import json
import time

import jax
import jax.numpy as jnp
import numpy as np
from scipy.stats import spearmanr

from diffhw.cli.common import load_inputs as _load_inputs
from diffhw import case_space, evaluate_arrays, layer_cost
from diffhw.pairs import prepare
from diffhw.layers import take
from diffhw.numerics import DEFAULT_TEMPERATURE, Relaxed

DATA = "tests/data/dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--temperatures", default=f"1e-6,{DEFAULT_TEMPERATURE}")
    ap.add_argument("--grad-points", type=int, default=10_000)
    ap.add_argument("--json")
    args = ap.parse_args()
    temps = [float(t) for t in args.temperatures.split(",")]
    nets, specs, _ = _load_inputs(sorted(glob.glob(f"{DATA}/mappings/*.m")), sorted(glob.glob(f"{DATA}/hw/*.m")))
    layers = [l for _, n in nets for l in n.layers]
    _, groups, _ = prepare(layers, specs)
    acc = {t: {"runtime_cycles": ([], []), "energy_total": ([], [])} for t in temps}
    grads_total = grads_finite = 0
    rng = np.random.default_rng(0)
    per_group = max(1, args.grad_points // len(groups))
    t0 = time.time()
    for g in groups:
        lay, num, hw = g.take(np.arange(len(g.items)))
        program = g.program.with_space(case_space(g.program, lay, num, hw))
        exact = evaluate_arrays(program, lay, num, hw)

        def cost(l, n, h, t):
            return layer_cost(program, l, h, n, Relaxed(t))

        relaxed = jax.jit(jax.vmap(cost, in_axes=(0, 0, 0, None)))
        for t in temps:
            r = relaxed(lay, num, hw, jnp.asarray(t))
            for k in acc[t]:
                acc[t][k][0].append(np.asarray(exact[k], float))
                acc[t][k][1].append(np.asarray(r[k]))

        def loss(x, n, l, h):
            h = h._replace(num_pes=x[0], noc_bw=x[1], offchip_bw=x[2])
            out = cost(l, n, h, jnp.asarray(DEFAULT_TEMPERATURE))
            return jnp.log(out.runtime_cycles) + jnp.log(out.energy_total)

        grad = jax.jit(jax.vmap(jax.grad(loss, argnums=(0, 1))))
        pick = rng.integers(0, len(num), per_group)
        pes = np.asarray(hw.num_pes, float)[pick]
        x = np.stack([np.maximum(np.exp(rng.uniform(0, np.log(1024), per_group)), pes / 4) * 1.0,
                      np.exp(rng.uniform(0, np.log(1024), per_group)),
                      np.exp(rng.uniform(0, np.log(1024), per_group))], axis=1)
        n = np.maximum(np.asarray(num[pick], float) * rng.uniform(0.8, 1.2, num[pick].shape), 1.0)
        x[:, 0] = np.maximum(x[:, 0], _cluster_pes(program.structure, n))
        gx, gn = grad(jnp.asarray(x), jnp.asarray(n), take(lay, pick),
                      jax.tree_util.tree_map(lambda v: np.asarray(v, float), take(hw, pick)))
        ok = np.isfinite(np.asarray(gx)).all(axis=1) & np.isfinite(np.asarray(gn)).all(axis=1)
        grads_total += per_group
        grads_finite += int(ok.sum())
        print(f"group {program.op} {len(g.items)} rows, {per_group} gradient points: {time.time() - t0:.0f} s", flush=True)
    report = {"rows": int(sum(len(g.items) for g in groups)), "temperatures": {}}
    for t in temps:
        report["temperatures"][str(t)] = {}
        for k, (e, r) in acc[t].items():
            e, r = np.concatenate(e), np.concatenate(r)
            rel = np.abs(r - e) / np.maximum(np.abs(e), 1.0)
            report["temperatures"][str(t)][k] = {
                "within_1pct": float(np.mean(rel <= 0.01)), "p99_rel_err": float(np.quantile(rel, 0.99)),
                "spearman": float(spearmanr(e, r).statistic), "nan": int(np.isnan(r).sum())}
    report["gradient_points"] = grads_total
    report["gradient_finite"] = grads_finite
    report["device"] = str(jax.devices()[0])
    print(json.dumps(report, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


def _cluster_pes(structure, numbers) -> np.ndarray:
    """PEs the dataflow's clusters need: product of the cluster-size slots [B]."""
    out = np.ones(len(numbers))
    j = 0
    for item in structure:
        if item[0] == "C":
            out = out * numbers[:, j]
            j += 1
        else:
            j += 2
    return out


if __name__ == "__main__":
    main()
