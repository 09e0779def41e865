"""Relaxed costs over the hardware box: the share of points whose runtime and energy are positive with finite
logs, per temperature, fewer PEs than a dataflow's clusters need included (docs/relaxed.md).

    python experiments/relaxed/box.py [--points 40] [--temperatures 1,0.3,0.1,0.05,0.01,0.001]

Every dataflow group of the dev set x its 7 hardware files; per group and temperature, `--points` items with
PEs 12 draws log-uniform in [1, 1024], NoC and off-chip bandwidth log-uniform in [1, 1024].
"""

from __future__ import annotations

import argparse
import glob
import json

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.cli.common import load_inputs
from diffhw import case_space, layer_cost
from diffhw.pairs import prepare
from diffhw.layers import take
from diffhw.numerics import Relaxed

DATA = "tests/data/dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=40)
    ap.add_argument("--temperatures", default="1,0.3,0.1,0.05,0.01,0.001")
    args = ap.parse_args()
    temps = [float(t) for t in args.temperatures.split(",")]
    nets, specs, _ = load_inputs(sorted(glob.glob(f"{DATA}/mappings/*.m")), sorted(glob.glob(f"{DATA}/hw/*.m")))
    _, groups, _ = prepare([layer for _, n in nets for layer in n.layers], specs)
    rng = np.random.default_rng(0)
    report = {t: {"points": 0, "non_finite_log": 0, "negative": 0} for t in temps}
    for g in groups:
        lay, num, hw = g.take(np.arange(len(g.items)))
        program = g.program.with_space(case_space(g.program, lay, num, hw))
        cost = jax.jit(jax.vmap(lambda l, n, h, t: layer_cost(program, l, h, n, Relaxed(t)),
                                in_axes=(0, 0, 0, None)))
        b = min(len(num), args.points)
        pick = rng.integers(0, len(num), b)
        for t in temps:
            for pes in np.exp(rng.uniform(0, np.log(1024), 12)):
                h = jax.tree_util.tree_map(lambda v: np.asarray(v, float), take(hw, pick))._replace(
                    num_pes=np.full(b, pes), noc_bw=np.exp(rng.uniform(0, np.log(1024), b)),
                    offchip_bw=np.exp(rng.uniform(0, np.log(1024), b)))
                r = cost(take(lay, pick), np.asarray(num[pick], float), h, jnp.asarray(t))
                rt, en = np.asarray(r.runtime_cycles), np.asarray(r.energy_total)
                with np.errstate(invalid="ignore", divide="ignore"):
                    bad = ~(np.isfinite(np.log(rt)) & np.isfinite(np.log(en)))
                report[t]["points"] += b
                report[t]["non_finite_log"] += int(bad.sum())
                report[t]["negative"] += int((rt < 0).sum() + (en < 0).sum())
    print(json.dumps({str(t): v for t, v in report.items()}, indent=1))


if __name__ == "__main__":
    main()
