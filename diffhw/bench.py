"""Benchmark: compile time and steady-state throughput of the exact model on the current JAX device.

The workload (valid layer x hardware items) is replicated to at least `min_items` per dataflow group so
that the steady-state figure measures the model, not call overhead. The headline figure evaluates all
groups in one `evaluate_batches` call, as `evaluate` and `diffhw maestro` do (the timed calls include
each group's split into case spaces, `diffhw.engine.cases.case_spaces`); per group, the same is timed with
one `evaluate_arrays` call. Compile time is the first call minus a steady call; throughput is layer
evaluations per second with compile excluded (best of `repeat`).
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import jax
import numpy as np

from diffhw.engine.batches import Batch, default_chunk, evaluate_arrays, evaluate_batches
from diffhw.engine.cases import case_spaces
from diffhw.pairs import prepare
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec


def _timed(run: Callable, repeat: int) -> tuple[float, float]:
    """(first call, best of `repeat` steady calls) in seconds."""
    t0 = time.perf_counter()
    jax.block_until_ready(run())
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        jax.block_until_ready(run())
        times.append(time.perf_counter() - t0)
    return first, min(times)


def bench(layers: Sequence[LayerSpec], hardware: Sequence[HardwareSpec], repeat: int = 5,
          min_items: int = 100_000) -> dict:
    """Time `evaluate_batches` on all dataflow groups and `evaluate_arrays` per group; a JSON-able report."""
    _, groups, errors = prepare(layers, hardware)
    report = {"device": str(jax.devices()[0]), "platform": jax.default_backend(),
              "num_devices": jax.device_count(), "invalid_items": len(errors),
              "invalid_examples": [str(e) for e in errors[:5]], "groups": []}
    batches = []
    for g in groups:
        n = len(g.items)
        lay, num, hw = g.take(np.tile(np.arange(n), max(1, -(-min_items // n))))
        batches.append(Batch(g.program, lay, num, hw))
        parts = case_spaces(g.program, lay, num, hw, default_chunk())  # for the report
        first, best = _timed(lambda: evaluate_arrays(g.program, lay, num, hw), repeat)
        items = len(num)
        report["groups"].append({
            "dataflow": "/".join(d[0] + (d[1] if len(d) > 1 else "") for d in g.program.structure),
            "layer_type": g.program.op, "items": items,
            "case_spaces": [{"items": len(rows), "cases_per_level": [len(c) for c in sp.combos]} for rows, sp in parts],
            "compile_s": round(first - best, 3), "steady_s": round(best, 4),
            "evals_per_s": round(items / best),
        })
    if not batches:  # every item invalid: nothing to time
        return report
    first, best = _timed(lambda: evaluate_batches(batches), repeat)
    total = sum(len(b.numbers) for b in batches)
    report["total_items"] = total
    report["compile_s"] = round(sum(g["compile_s"] for g in report["groups"]), 3)
    report["steady_s"] = round(best, 4)
    report["evals_per_s"] = round(total / best) if best else 0
    report["evals_per_s_group_by_group"] = round(total / sum(g["steady_s"] for g in report["groups"]))
    return report
