"""XLA's own cost estimate of the exact programs, per dataflow group of the dev set: a deterministic check that
a refactor of the cost model leaves the compiled programs as they were (timings on a shared machine vary by
tens of percent; flops and bytes do not).

    python experiments/bench/program_cost.py [--items 256] [--json OUT]

Prints one line per (dataflow structure, layer type) group: flops, bytes accessed and the size of the
optimized HLO of `jit(vmap(layer_cost))` on the group's first case space. Run it before and after a change
(e.g. on `git worktree` checkouts) and compare.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from diffhw import layer_cost
from diffhw.engine.cases import case_spaces
from diffhw.pairs import prepare
from diffhw.frontends.maestro import parse_hw, parse_model

DEV = Path(__file__).resolve().parents[2] / "tests" / "data" / "dev"


def program_costs(items: int = 256) -> dict:
    """{group: {flops, bytes, hlo_chars}} for every dataflow group of the dev mappings on the dev hardware."""
    hws = [parse_hw(f) for f in sorted((DEV / "hw").glob("*.m"))]
    layers = [lay for f in sorted((DEV / "mappings").glob("*.m")) for lay in parse_model(f)[0].layers]
    _, groups, _ = prepare(layers, hws)
    out = {}
    for g in groups:
        lay, num, hw = g.take(np.arange(len(g.items)))
        _, space = case_spaces(g.program, lay, num, hw, 1024)[0]
        program = g.program.with_space(space)
        f = jax.jit(jax.vmap(lambda a, h, n: layer_cost(program, a, h, n)))
        head = lambda tree: jax.tree_util.tree_map(lambda v: jnp.asarray(v[:items]), tree)  # noqa: E731
        compiled = f.lower(head(lay), head(hw), jnp.asarray(num[:items])).compile()
        ca = compiled.cost_analysis()
        ca = ca[0] if isinstance(ca, list) else ca
        key = "/".join(d[0] + (d[1] if len(d) > 1 else "") for d in program.structure) + " " + program.op
        out[key] = {"flops": ca.get("flops"), "bytes": ca.get("bytes accessed"), "hlo_chars": len(compiled.as_text())}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=256, help="batch size the programs are compiled for")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    costs = program_costs(args.items)
    for k, v in costs.items():
        print(f"{k:60s} flops {v['flops']:>12,.0f}  bytes {v['bytes']:>12,.0f}  hlo {v['hlo_chars']:>9,}")
    if args.json:
        Path(args.json).write_text(json.dumps(costs, indent=1) + "\n")


if __name__ == "__main__":
    main()
