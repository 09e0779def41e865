"""Benchmark: compile time and steady-state throughput of the exact model on the current JAX device.

The workload (valid layer x hardware items) is replicated to at least `min_items` per dataflow group so
that the steady-state figure measures the model, not call overhead; the timed calls include the split of
each group into case spaces (`diffhw.cost.model.case_spaces`). Compile time is the first call minus a
steady call; throughput is layer evaluations per second with compile excluded (best of `repeat`).
"""

from __future__ import annotations

import time
from typing import Sequence

import jax
import numpy as np

from diffhw.cost.model import case_spaces
from diffhw.evaluate import default_chunk, evaluate_arrays, prepare
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec


def bench(layers: Sequence[LayerSpec], hardware: Sequence[HardwareSpec], repeat: int = 5,
          min_items: int = 100_000) -> dict:
    """Time `evaluate_arrays` per dataflow group; returns a JSON-able report."""
    _, groups, errors = prepare(layers, hardware)
    report = {"device": str(jax.devices()[0]), "platform": jax.default_backend(),
              "num_devices": jax.device_count(), "invalid_items": len(errors), "groups": []}
    total_items, total_time, total_compile = 0, 0.0, 0.0
    for g in groups:
        n = len(g.items)
        reps = max(1, -(-min_items // n))
        lay, num, hw = g.take(np.tile(np.arange(n), reps))
        parts = case_spaces(g.structure, g.op, g.has_batch, lay, num, hw, default_chunk())  # for the report
        run = lambda: evaluate_arrays(g.structure, g.op, g.has_batch, lay, num, hw)  # noqa: E731
        t0 = time.perf_counter()
        jax.block_until_ready(run())
        first = time.perf_counter() - t0
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            jax.block_until_ready(run())
            times.append(time.perf_counter() - t0)
        best = min(times)
        items = n * reps
        report["groups"].append({
            "dataflow": "/".join(d[0] + (d[1] if len(d) > 1 else "") for d in g.structure),
            "layer_type": g.op, "items": items,
            "case_spaces": [{"items": len(rows), "cases_per_level": [len(c) for c in sp.combos]} for rows, sp in parts],
            "compile_s": round(first - best, 3), "steady_s": round(best, 4),
            "evals_per_s": round(items / best),
        })
        total_items += items
        total_time += best
        total_compile += first - best
    report["total_items"] = total_items
    report["compile_s"] = round(total_compile, 3)
    report["evals_per_s"] = round(total_items / total_time) if total_time else 0
    return report
