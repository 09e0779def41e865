"""Evaluation of layer and hardware specs: every layer x every hardware config under the layers' dataflows.

`evaluate` takes specs (as the parsers and frontends produce them), validates every (layer, hardware) pair
the way MAESTRO should have and groups the valid ones by program (`diffhw.pairs`),
evaluates them with the engine (`diffhw.engine.batches`) and returns one result row per pair plus the errors
of the invalid ones and the warnings. Nothing valid is lost because one item is bad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from diffhw.cost.analysis import FAULT_OVERFLOW, FAULT_ZERO_COMPUTE, FAULT_ZERO_UNIQUE, WRAPPED_COUNT
from diffhw.cost.model import L1_ENERGY, L2_ENERGY
from diffhw.dataflow import Cluster, Dataflow
from diffhw.engine.batches import Batch, evaluate_batches
from diffhw.errors import InputError
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec, concatenate
from diffhw.pairs import prepare
from diffhw.program import group_programs
from diffhw.results import DIAGNOSTICS, OUTPUTS
from diffhw.validation import layer_warnings


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
                  dataflow: Optional[Dataflow] = None, csv_energy: bool = False,
                  prepared: Optional[Sequence] = None) -> list[Evaluation]:
    """`evaluate` of several layer lists (e.g. mapping files) on the same hardware, one Evaluation each, in
    one pipeline: the lists' items of the same dataflow structure and layer type are evaluated together
    (one case-space analysis and one set of programs for all of them, not one per list). `prepared`: the
    lists' `diffhw.pairs.prepare` results when the caller made them already."""
    if prepared is None:
        prepared = [prepare(layers, hardware, dataflow) for layers in networks]
    flat = [(n, g) for n, (_, groups, _) in enumerate(prepared) for g in groups]
    merged = {p: [flat[k] for k in idx] for p, idx in group_programs([g.program for _, g in flat]).items()}
    batches = [Batch(program, concatenate([g.layers for _, g in members]),
                     np.concatenate([g.numbers for _, g in members]), concatenate([g.hw for _, g in members]))
               for program, members in merged.items()]
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
