"""What decides a compiled program of the cost model, besides the values it gets: `Program` (dataflow
structure, layer type, batch flag, case space) and its `CaseSpace`; `group_programs`, the one place items
are grouped into batches that share programs. Imports no JAX."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional, Sequence

import numpy as np


@dataclass(frozen=True)
class CaseSpace:
    """Static (hashable) case enumeration of a batch, per level: `combos[li]` the state-slot combos
    ([K, D] as nested tuples) and `edge_dims[li]` the dimensions whose edge tile differs from the full
    one for some item (the only ones whose sub-cluster analyses need both variants)."""

    combos: tuple
    edge_dims: tuple


@dataclass(frozen=True)
class Program:
    """The static key of the cost model's programs: the dataflow structure (`Dataflow.structure`), the
    layer type (a `diffhw.layers.OP_NAMES` value), whether the layer has a batch dimension N, and the case
    space (None for the state analysis, which enumerates the cases, and for a group whose space is not
    known yet). Frozen and hashable: a static argument of the jitted programs and part of their store key."""

    structure: tuple
    op: str
    has_batch: bool
    space: Optional[CaseSpace] = None

    @staticmethod
    def of(layer, dataflow) -> "Program":
        """The program family (no case space) of a `LayerSpec` under a `Dataflow`."""
        return Program(dataflow.structure, layer.op, layer.has_batch)

    def with_space(self, space: Optional[CaseSpace]) -> "Program":
        """The same program under another case space."""
        return replace(self, space=space)


def group_programs(programs: Sequence[Program]) -> dict[Program, np.ndarray]:
    """Items grouped by their program (first-seen order): {program: the item indices int64 [n]}. Every
    batched path (evaluate, sweep, the optimizers' evaluators, the relaxed surrogate) groups with this."""
    groups: dict[Program, list[int]] = {}
    for i, p in enumerate(programs):
        groups.setdefault(p, []).append(i)
    return {p: np.asarray(idx, np.int64) for p, idx in groups.items()}
