"""Batched evaluation: layers x hardware configs under their dataflows, in few compiled calls.

`evaluate_arrays` is the array-level entry point (one dataflow structure, one layer type, any batch);
`evaluate` takes layer and hardware specs (as the parsers and frontends produce them), validates every
(layer, hardware) pair the way MAESTRO should have, groups the valid ones by dataflow structure, splits
a large group into a few parts with smaller case spaces, evaluates each part in fixed-size chunks
(bounded memory, few compiles) and returns one result row per pair plus a list of errors for the invalid
ones. Nothing valid is lost because one item is bad.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.compile_options import COMPILER_OPTIONS, QUICK_OPTIONS, quick
from diffhw.cost.analysis import FAULT_OVERFLOW, FAULT_ZERO_COMPUTE, FAULT_ZERO_UNIQUE, WRAPPED_COUNT, CaseSpace
from diffhw.cost.model import (DIAGNOSTICS, FLOAT_OUTPUTS, INT_OUTPUTS, L1_ENERGY, L2_ENERGY, LAYER_FIELDS,
                               MODEL_HW_FIELDS, OUTPUTS, case_spaces, chunk_size, layer_cost, pack_inputs,
                               packed_item_states, union_space, unpack_inputs)
from diffhw.dataflow import Cluster, Dataflow, resolve_numbers
from diffhw.dispatch import submit_shares
from diffhw.engine.jit import StoredJit
from diffhw.engine.program import Program
from diffhw.errors import InputError
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec
from diffhw.validation import check_pair, layer_warnings


def _evaluate_impl(program: Program, names, inputs):
    """A chunk's outputs `names` (integer ones, then floating ones) as two matrices [B, n_int] and [B, n_float],
    from its `pack_inputs` matrix [B, F]: one transfer in, two copies back per chunk. XLA drops the work of
    outputs not asked for."""
    p = program
    out = jax.vmap(lambda lay, num, h: layer_cost(p.structure, p.space, p.op, p.has_batch, lay, num, h))(
        *unpack_inputs(inputs))
    return tuple(jnp.stack([out[k] for k in part], axis=1) if part else jnp.zeros((inputs.shape[0], 0))
                 for part in names)


#: The chunk program, optimized and quickly compiled (for small batches, see `diffhw.compile_options`); kept
#: in the program store (`diffhw.engine.jit`).
_evaluate_jit = StoredJit(_evaluate_impl, (0, 1), COMPILER_OPTIONS)
_evaluate_quick = StoredJit(_evaluate_impl, (0, 1), QUICK_OPTIONS)


def default_chunk() -> int:
    """Items per compiled call. On CPUs the per-case intermediates ([chunk, cases] int64 arrays) must stay
    in cache: 1,024 items ran 3x faster than 4,096 on the dev set (2-core Xeon). Accelerators want large
    chunks to fill the device."""
    return 1024 if jax.default_backend() == "cpu" else 1 << 16


@dataclass(frozen=True)
class Batch:
    """Items sharing one dataflow structure and layer type (see `evaluate_arrays` for the fields); `space`
    fixes the case space; without it the batch's items' states are analysed (from the dispatch threads) and
    the batch split into parts by `diffhw.cost.model.case_spaces`, or with `split=False` evaluated under
    their union (one compile: what compile-bound callers with few items per batch want)."""

    structure: tuple
    op: str
    has_batch: bool
    layers: dict
    numbers: np.ndarray
    hw: dict
    space: Optional[CaseSpace] = None
    split: bool = True


def evaluate_arrays(structure: tuple, op: str, has_batch: bool, layers: dict, numbers, hw: dict,
                    space: Optional[CaseSpace] = None, chunk: Optional[int] = None,
                    devices: Optional[Sequence] = None, outputs: Sequence[str] = OUTPUTS) -> dict:
    """Evaluate a batch of (layer, hardware) items under one dataflow structure.

    layers: dict of int64 arrays [B] (K C R S Y X N M stride_y stride_x); numbers: [B, n] resolved number
    slots of the dataflow; hw: dict of int64 arrays [B] (num_pes noc_bw offchip_bw simd_lanes noc_hops).
    Returns a dict of numpy arrays [B], one per name in `outputs` (default: all of
    `diffhw.cost.model.OUTPUTS`; fewer compile and run faster). Without a `space`, large
    batches are split into a few parts with smaller case spaces (`diffhw.cost.model.case_spaces`). Work is
    cut into chunks of at most `chunk` items (the last one of each part padded), so memory stays bounded
    and one compile per (structure, op, case space, chunk shape) serves any batch size; the chunks are
    dispatched from a few host threads (`diffhw.dispatch`). With more than one of `devices` (e.g.
    `jax.local_devices()`), each chunk's batch axis is sharded over a `jax.sharding.Mesh` of them (the
    chunk is rounded up to a multiple of the device count)."""
    out = evaluate_batches([Batch(structure, op, has_batch, layers, numbers, hw, space)], chunk, devices,
                           outputs)[0]
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
        raise ValueError(f"unknown outputs {unknown}; choose from diffhw.cost.model.OUTPUTS (or DIAGNOSTICS)")
    names = (tuple(k for k in INT_OUTPUTS + DIAGNOSTICS if k in outputs),
             tuple(k for k in FLOAT_OUTPUTS if k in outputs))
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
                states[b] = packed_item_states(batch.structure, batch.op, batch.has_batch, inputs[b])
            except InputError as e:
                results[b] = e

    for f in submit_shares(analyse, [b for b, batch in enumerate(batches) if batch.space is None]):
        f.result()
    pending = []  # (batch index, output matrices, futures)
    for b, batch in enumerate(batches):
        if results[b] is not None:
            continue
        n = len(inputs[b])
        if batch.space is not None or not batch.split:
            parts = [(np.arange(n), batch.space if batch.space is not None else union_space(states[b]))]
        else:
            parts = case_spaces(batch.structure, batch.op, batch.has_batch, batch.layers, batch.numbers, batch.hw,
                                chunk, states=states[b])
        chunks = []  # (the chunk's item rows, its case space, the items it evaluates: the last one padded)
        for items, sp in parts:
            m = len(items)
            size = -(-chunk_size(m, chunk) // ndev) * ndev
            chunks.extend((items[start:start + size], sp, items[np.arange(start, start + size) % m])
                          for start in range(0, m, size))
        mats = [np.empty((n, len(part)), np.int64 if j == 0 else np.float64) for j, part in enumerate(names)]
        program = _evaluate_quick if quick(n) else _evaluate_jit

        def run(share, batch=batch, inputs=inputs[b], mats=mats, program=program):
            """A thread's share of a batch's chunks: dispatch all, then copy each chunk's rows straight to
            its items' rows (no concatenation, no re-ordering)."""
            res = [(rows, program(Program(batch.structure, batch.op, batch.has_batch, sp), names, put(inputs[idx])))
                   for rows, sp, idx in share]
            for rows, r in res:
                for mat, part in zip(mats, r):
                    mat[rows] = np.asarray(part)[:len(rows)]
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
            out.update({k: mat[:, j] for j, k in enumerate(part)})
        results[b] = {k: out[k] for k in OUTPUTS + DIAGNOSTICS if k in outputs}
    return results


@dataclass
class Evaluation:
    """Result of `evaluate`: `rows[i]` for item i (None if it failed), the errors, and the warnings: what is
    odd about layers whose rows are MAESTRO's numbers anyway (e.g. a filter larger than its input)."""

    items: list[tuple[int, int]]  # (layer index, hw index) per item
    rows: list[Optional[dict]]
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)


#: The `maestro_fault` bits where the real MAESTRO stops instead of reporting the layer: (what, fix), in the
#: order they are reported (an item gets the first that applies). Used by `result_problems` and diffhw.sweep.
MAESTRO_STOPS = {
    FAULT_OVERFLOW: (
        "an iteration case occurs more than 2^31-1 times and MAESTRO's int count of it wraps to a negative "
        "number: MAESTRO aborts (assertion num_case_occurrences > 0)",
        "use larger tiles (map sizes) for the largest dimensions, or split the layer"),
    FAULT_ZERO_UNIQUE: (
        "a temporal map advances over an input tensor's dimension that brings no new elements (a stride larger "
        "than the tile?): MAESTRO stops here (exit 255, in GetPEIngressVolume)",
        "make the stride no larger than the input (Y, X) and the maps' tiles, or use another dataflow"),
    FAULT_ZERO_COMPUTE: (
        "a top-level iteration's sub-clusters take 0 cycles (every sub-cluster case has no partial sums): "
        "MAESTRO divides by this 0 and crashes (SIGFPE)",
        "use tile sizes of the dataflow's inner Cluster levels that cover the layer (e.g. the map sizes of R/S "
        "and Y/X no larger than the layer's), or another dataflow"),
}


def result_problems(layer: LayerSpec, hw: HardwareSpec, row: dict) -> tuple[Optional[InputError], list]:
    """(error, warnings) of one evaluated item: an error where the real MAESTRO stops on the item
    (`maestro_fault`), a warning for a layer of 0 MACs (its dataflow's tiles never fit the layer)."""
    where = dict(file=layer.loc.file, line=layer.loc.line or None, layer=layer.name)
    for bit, (what, fix) in MAESTRO_STOPS.items():
        if row.get("maestro_fault", 0) & bit:
            return InputError(message=f"on hardware '{hw.name}' {what}", fix=fix, **where), []
    warns = []
    if row.get("maestro_fault", 0) & WRAPPED_COUNT:
        warns.append(InputError(
            message=f"on hardware '{hw.name}' an iteration case occurs more than 2^31-1 times: MAESTRO's int "
                    "count of it wraps, and these are its (wrong) numbers with the wrapped count",
            fix="use larger tiles (map sizes) for the largest dimensions, or split the layer", **where))
    if row["num_macs"] == 0:
        warns.append(InputError(
            message=f"0 MACs on hardware '{hw.name}': no iteration of the dataflow has a partial sum (a map "
                    "larger than its dimension?); these are MAESTRO's numbers for it",
            fix="use map sizes no larger than the layer's dimensions", **where))
    return None, warns


def layer_row(layer: LayerSpec) -> dict:
    """The scalar layer fields `layer_cost` takes (LAYER_FIELDS), from a spec (missing dims are 1)."""
    row = layer.field_dims()
    row["stride_y"] = layer.stride.get("Y", 1)
    row["stride_x"] = layer.stride.get("X", 1)
    return row


@dataclass
class Group:
    """Valid items sharing one dataflow structure and layer type, as arrays ready for `evaluate_arrays`."""

    structure: tuple
    op: str
    has_batch: bool
    items: list[int]
    layers: dict
    numbers: np.ndarray
    hw: dict

    def take(self, index: np.ndarray) -> tuple[dict, np.ndarray, dict]:
        """The group's arrays gathered at `index` (for padding or replication)."""
        return ({k: v[index] for k, v in self.layers.items()}, self.numbers[index],
                {k: v[index] for k, v in self.hw.items()})


def prepare(layers: Sequence[LayerSpec], hardware: Sequence[HardwareSpec],
            dataflow: Optional[Dataflow] = None):
    """Validate the cross product layers x hardware and group the valid items by structure.
    Returns (items, groups, errors); items are (layer index, hw index), layer-major."""
    items = [(i, j) for i in range(len(layers)) for j in range(len(hardware))]
    errors: list[InputError] = []
    by_key: dict[tuple, list[int]] = {}
    for idx, (i, j) in enumerate(items):
        lay, hw = layers[i], hardware[j]
        df = dataflow or lay.dataflow
        err = check_pair(lay, hw, df, filter_larger_than_input=True)
        if err is not None:
            errors.append(err)
            continue
        by_key.setdefault((df.structure, lay.op, lay.has_batch), []).append(idx)
    groups = []
    for (structure, op, has_batch), idxs in by_key.items():
        specs = [layers[items[k][0]] for k in idxs]
        lay_rows = [layer_row(s) for s in specs]
        numbers = np.stack([resolve_numbers(dataflow or s.dataflow, [s.input_dims()])[0] for s in specs])
        hws = [hardware[items[k][1]] for k in idxs]
        groups.append(Group(
            structure, op, has_batch, idxs,
            {f: np.array([r[f] for r in lay_rows], np.int64) for f in LAYER_FIELDS},
            numbers,
            {f: np.array([getattr(h, f) for h in hws], np.int64) for f in MODEL_HW_FIELDS},
        ))
    return items, groups, errors


#: MAESTRO's nJ per MAC (`DSE::cost::mac_energy`), the unit of its CSV energy column.
MAC_NJ = 0.00023


def add_csv_energy(evaluation: Evaluation, layers: Sequence[LayerSpec], dataflow: Optional[Dataflow] = None) -> None:
    """Add MAESTRO's CSV column 'Activity count-based Energy (nJ)' (`csv_energy_nJ`) to every row, as the
    real tool computes it for the layers of one mapping file run in file order on one hardware file:
    0.00023 x (18.61 x (L2 reads and writes of input and filter, L2 writes of the output) + 1.68 x (L1 reads and
    writes of every tensor)), where a layer whose dataflow has a `Cluster` (and MACs: sub-clusters were
    analysed) takes the L1 counts of the previous layer in the file (0 for the first; MAESTRO reads them before
    it sets them), and the sums are taken in MAESTRO's order. The tinyML'22 co-design study and GAMMA report this value as energy."""
    l2_keys = ("input_l2_read", "input_l2_write", "filter_l2_read", "filter_l2_write", "output_l2_write")
    l1_keys = tuple(f"{t}_l1_{rw}" for t in ("input", "filter", "output") for rw in ("read", "write"))
    previous: dict[int, list[int]] = {}  # hw index -> the L1 counts of the last layer evaluated on it
    for (i, j), row in zip(evaluation.items, evaluation.rows):
        if row is None:
            continue
        df = dataflow or layers[i].dataflow
        own = [row[k] for k in l1_keys]
        nested = any(isinstance(d, Cluster) for d in df.directives) and row["num_macs"] != 0  # sub-clusters analysed
        l1 = previous.get(j, [0] * 6) if nested else own
        l2_terms = [row[k] * L2_ENERGY for k in l2_keys]
        l1_terms = [n * L1_ENERGY for n in l1]
        energy = 0.0
        for term in (l1_terms + l2_terms) if l1 is not own else (l2_terms + l1_terms):
            energy += term
        row["csv_energy_nJ"] = energy * MAC_NJ
        previous[j] = own


def evaluate(layers: Sequence[LayerSpec], hardware: Sequence[HardwareSpec],
             dataflow: Optional[Dataflow] = None, csv_energy: bool = False) -> Evaluation:
    """Evaluate every layer on every hardware config (cross product), each layer under its own dataflow
    (or `dataflow` when given). Items are ordered layer-major: (layer 0, hw 0), (layer 0, hw 1), ...
    With `csv_energy`, rows also hold MAESTRO's CSV energy column (`add_csv_energy`; `layers` in file order)."""
    return evaluate_many([layers], hardware, dataflow, csv_energy)[0]


def evaluate_many(networks: Sequence[Sequence[LayerSpec]], hardware: Sequence[HardwareSpec],
                  dataflow: Optional[Dataflow] = None, csv_energy: bool = False) -> list[Evaluation]:
    """`evaluate` of several layer lists (e.g. mapping files) on the same hardware, one Evaluation each, in
    one pipeline: the lists' items of the same dataflow structure and layer type are evaluated together
    (one case-space analysis and one set of programs for all of them, not one per list)."""
    prepared = [prepare(layers, hardware, dataflow) for layers in networks]
    merged: dict[tuple, list[tuple[int, Group]]] = {}
    for n, (_, groups, _) in enumerate(prepared):
        for g in groups:
            merged.setdefault((g.structure, g.op, g.has_batch), []).append((n, g))
    batches = [Batch(*key, *(({k: np.concatenate([g.layers[k] for _, g in members]) for k in LAYER_FIELDS},
                              np.concatenate([g.numbers for _, g in members]),
                              {k: np.concatenate([g.hw[k] for _, g in members]) for k in MODEL_HW_FIELDS})))
               for key, members in merged.items()]
    outs: list[dict] = [{} for _ in networks]  # per list: id(group) -> its outputs or InputError
    for members, out in zip(merged.values(), evaluate_batches(batches, outputs=OUTPUTS + DIAGNOSTICS)):
        start = 0
        for n, g in members:
            end = start + len(g.items)
            outs[n][id(g)] = out if isinstance(out, InputError) else {k: v[start:end] for k, v in out.items()}
            start = end
    return [_evaluation(layers, hardware, dataflow, csv_energy, *prep, out)
            for layers, prep, out in zip(networks, prepared, outs)]


def _evaluation(layers, hardware, dataflow, csv_energy, items, groups, errors, outs) -> Evaluation:
    """The Evaluation of one layer list from its `prepare` result and its groups' outputs (by id)."""
    rows: list[Optional[dict]] = [None] * len(items)
    warned: dict[int, list[InputError]] = {}
    for g in groups:
        out = outs[id(g)]
        if isinstance(out, InputError):
            for k in g.items:
                lay = layers[items[k][0]]
                errors.append(InputError(message=out.message, fix=out.fix, file=lay.loc.file,
                                         line=lay.loc.line or None, layer=lay.name))
            continue
        cols = {name: out[name].tolist() for name in OUTPUTS + DIAGNOSTICS}  # Python numbers, one call per column
        for pos, k in enumerate(g.items):
            i, j = items[k]
            row = {name: col[pos] for name, col in cols.items()}
            err, warns = result_problems(layers[i], hardware[j], row)
            if err is not None:
                errors.append(err)
                continue
            if i not in warned:
                warned[i] = layer_warnings(layers[i])
            warned[i].extend(warns)
            rows[k] = {name: row[name] for name in OUTPUTS}
    warnings = [w for i in sorted(warned) for w in warned[i]]
    ev = Evaluation(items, rows, errors, warnings)
    if csv_energy:
        add_csv_energy(ev, layers, dataflow)
    return ev
