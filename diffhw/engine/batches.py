"""The engine's batched evaluation: items of one program family (dataflow structure, layer type, batch flag)
as `Layers` / `Hardware` arrays, split into parts with smaller case spaces (`diffhw.engine.cases`), cut into
fixed-size chunks (bounded memory, one compile per chunk shape), run as `jit(vmap(layer_cost))` programs
from a few host threads (`diffhw.dispatch`), optionally sharded over devices, or eagerly in NumPy where
that is quicker (`diffhw.engine.eager`: small batches; the same results bit for bit). The outputs that add
floating-point products (`diffhw.cost.model.FLOAT_SUMS`) are computed on the host from the others, in
NumPy: no fused multiply-add rounds them differently from one execution to the other."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.compile_options import COMPILER_OPTIONS, QUICK_OPTIONS, quick
from diffhw.cost.model import FLOAT_SUMS, SUM_TERMS, float_sums, layer_cost
from diffhw.dispatch import submit_shares
from diffhw.engine import eager
from diffhw.engine.cases import case_spaces, packed_item_states, union_space
from diffhw.engine.jit import StoredJit
from diffhw.engine.packing import chunk_size, pack_inputs, unpack_inputs
from diffhw.errors import InputError
from diffhw.hardware import Hardware
from diffhw.layers import Layers
from diffhw.program import Program
from diffhw.results import DIAGNOSTICS, FLOAT_OUTPUTS, INT_OUTPUTS, OUTPUTS


def _evaluate_impl(program: Program, names, inputs):
    """A chunk's outputs `names` (integer ones, then floating ones) as two matrices [n_int, B] and [n_float, B]
    (one row per output: the host reads each output contiguously), from its `pack_inputs` matrix [B, F]: one
    transfer in, two copies back per chunk. XLA drops the work of outputs not asked for."""
    layers, numbers, hw = unpack_inputs(program, inputs)
    out = jax.vmap(lambda lay, h, num: layer_cost(program, lay, h, num))(layers, hw, numbers)
    return _matrices(jnp, out, names, inputs.shape[0])


def _matrices(xp, out, names, n: int) -> tuple:
    """`_evaluate_impl`'s two matrices from the outputs `out` [n] (jax.numpy or NumPy arrays)."""
    ints, floats = ([getattr(out, k) for k in part] for part in names)
    return (xp.stack(ints) if ints else xp.zeros((0, n), np.int64), xp.stack(floats) if floats else xp.zeros((0, n)))


#: The chunk program, optimized and quickly compiled (for small batches, see `diffhw.compile_options`); kept
#: in the program store (`diffhw.engine.jit`).
evaluate_chunk = StoredJit(_evaluate_impl, (0, 1), COMPILER_OPTIONS)
evaluate_chunk_quick = StoredJit(_evaluate_impl, (0, 1), QUICK_OPTIONS)


def evaluate_chunk_eager(program: Program, names, inputs: np.ndarray):
    """`evaluate_chunk` run eagerly in NumPy (`diffhw.engine.eager`): the same matrices, bit for bit."""
    out = eager.run(lambda lay, h, num, nm: layer_cost(program, lay, h, num, nm), program, inputs)
    return _matrices(np, out, names, len(inputs))


def default_chunk() -> int:
    """Items per compiled call. On CPUs the per-case intermediates ([chunk, cases] int64 arrays) must stay
    in cache (docs/performance.md); accelerators want large chunks to fill the device."""
    return 1024 if jax.default_backend() == "cpu" else 1 << 16


@dataclass(frozen=True)
class Batch:
    """Items of one program family (see `evaluate_arrays` for the fields). A `program.space` fixes the case
    space; without it the batch's items' states are analysed (from the dispatch threads) and the batch
    split into parts by `diffhw.engine.cases.case_spaces`, or with `split=False` evaluated under their
    union (one compile: what compile-bound callers with few items per batch want)."""

    program: Program
    layers: Layers  # [B]
    numbers: np.ndarray  # [B, n]
    hw: Hardware  # [B]
    split: bool = True


def evaluate_arrays(program: Program, layers: Layers, numbers, hw: Hardware, chunk: Optional[int] = None,
                    devices: Optional[Sequence] = None, outputs: Sequence[str] = OUTPUTS) -> dict:
    """Evaluate a batch of (layer, hardware) items under one program: `jit(vmap(layer_cost))`, batched.

    layers: `Layers` of int64 arrays [B]; numbers: [B, n] resolved number slots of the dataflow; hw:
    `Hardware` of int64 arrays [B]. Returns a dict of numpy arrays [B], one per name in `outputs` (default:
    all of `diffhw.results.OUTPUTS`; fewer compile and run faster). Without a `program.space`, large
    batches are split into a few parts with smaller case spaces (`diffhw.engine.cases.case_spaces`). Work is
    cut into chunks of at most `chunk` items (the last one of each part padded), so memory stays bounded
    and one compile per (structure, op, case space, chunk shape) serves any batch size; the chunks are
    dispatched from a few host threads (`diffhw.dispatch`). With more than one of `devices` (e.g.
    `jax.local_devices()`), each chunk's batch axis is sharded over a `jax.sharding.Mesh` of them (the
    chunk is rounded up to a multiple of the device count)."""
    out = evaluate_batches([Batch(program, layers, numbers, hw)], chunk, devices, outputs)[0]
    if isinstance(out, InputError):
        raise out
    return out


def evaluate_batches(batches: Sequence[Batch], chunk: Optional[int] = None, devices: Optional[Sequence] = None,
                     outputs: Sequence[str] = OUTPUTS, progress: Optional[Callable[[int], None]] = None) -> list:
    """`evaluate_arrays` of several batches in one pipeline; per batch its outputs dict, or the InputError
    its dataflow structure raised (the other batches are still evaluated). `progress(n)` is called with
    the number of items done after each chunk (one call at a time).

    Every batch's case-space analysis (`item_states`) runs first, from the dispatch threads. Then each
    batch is split into parts and its chunks are handed to the dispatch threads, so one batch's split
    overlaps the earlier batches' compute."""
    unknown = sorted(set(outputs) - set(OUTPUTS + DIAGNOSTICS))
    if unknown:
        raise ValueError(f"unknown outputs {unknown}; choose from diffhw.results.OUTPUTS (or DIAGNOSTICS)")
    sums = [k for k in FLOAT_SUMS if k in outputs]  # computed on the host from their terms
    need = set(outputs) - set(FLOAT_SUMS) | (set(SUM_TERMS) if sums else set())
    names = (tuple(k for k in INT_OUTPUTS + DIAGNOSTICS if k in need), tuple(k for k in FLOAT_OUTPUTS if k in need))
    chunk = chunk or default_chunk()
    ndev = len(devices) if devices is not None else 1
    put = lambda x: x  # noqa: E731
    if ndev > 1:
        sharding = jax.sharding.NamedSharding(jax.sharding.Mesh(np.asarray(devices), ("batch",)),
                                              jax.sharding.PartitionSpec("batch"))
        put = lambda x: jax.device_put(x, sharding)  # noqa: E731
    results: list = [None] * len(batches)
    lock = threading.Lock()
    inputs = [pack_inputs(b.layers, b.numbers, b.hw) for b in batches]
    states = {}

    def analyse(share):  # a thread's share of the batches' case-space analyses
        for b in share:
            batch = batches[b]
            try:
                states[b] = packed_item_states(batch.program, inputs[b])
            except InputError as e:
                results[b] = e

    for f in submit_shares(analyse, [b for b, batch in enumerate(batches) if batch.program.space is None]):
        f.result()
    pending = []  # (batch index, output matrices, futures)
    for b, batch in enumerate(batches):
        if results[b] is not None:
            continue
        n = len(inputs[b])
        space = batch.program.space
        if space is not None or not batch.split:
            parts = [(np.arange(n), space if space is not None else union_space(states[b]))]
        else:
            parts = case_spaces(batch.program, batch.layers, batch.numbers, batch.hw, chunk, states=states[b])
        jitted = evaluate_chunk_quick if quick(n) else evaluate_chunk
        chunks = []  # (the chunk's item rows, its case space, the items it evaluates: the last one padded, eager)
        for items, sp in parts:
            m = len(items)
            size = -(-chunk_size(m, chunk) // ndev) * ndev
            first = inputs[b][items[np.arange(size) % m]]  # the arguments of the part's compiled calls
            run_eager = ndev == 1 and eager.prefer(jitted, m, batch.program.with_space(sp), names, first)
            chunks.extend((items[start:start + size], sp, items[np.arange(start, start + size) % m], run_eager)
                          for start in range(0, m, size))
        mats = [np.empty((len(names[0]), n), np.int64), np.empty((len(names[1]), n))]

        def run(share, batch=batch, inputs=inputs[b], mats=mats, jitted=jitted):
            """A thread's share of a batch's chunks: dispatch all (compiled, or eager for a part that
            `diffhw.engine.eager.prefer` says is quicker so), then copy each chunk's rows straight to its
            items' rows (no concatenation, no re-ordering)."""
            res = []
            for rows, sp, idx, run_eager in share:
                program, x = batch.program.with_space(sp), inputs[idx]
                res.append((rows, evaluate_chunk_eager(program, names, x[:len(rows)]) if run_eager
                            else jitted(program, names, put(x))))
            for rows, r in res:
                for mat, part in zip(mats, r):
                    mat[:, rows] = np.asarray(part)[:, :len(rows)]
                if progress:
                    with lock:
                        progress(len(rows))

        pending.append((b, mats, submit_shares(run, chunks)))
    for b, mats, futures in pending:
        try:
            for f in futures:
                f.result()
        except InputError as e:
            results[b] = e
            continue
        out = {}
        for part, mat in zip(names, mats):
            out.update(zip(part, mat))
        if sums:
            hw = batches[b].hw
            out.update(float_sums(out, *(np.asarray(getattr(hw, k)) for k in ("num_pes", "noc_bw", "simd_lanes"))))
        results[b] = {k: out[k] for k in OUTPUTS + DIAGNOSTICS if k in outputs}
    return results
