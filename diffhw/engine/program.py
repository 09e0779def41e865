"""`Program`: the static key of one exact-model program (what it computes, not the values it gets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from diffhw.cost.analysis import CaseSpace


@dataclass(frozen=True)
class Program:
    """What determines a compiled program of the cost model, besides its input shape and outputs: the
    dataflow structure (`Dataflow.structure`), the layer type, whether the layer has a batch dimension N,
    and the case space (`CaseSpace`; None for the state analysis, which enumerates the cases). Frozen and
    hashable: it is a static argument of the jitted programs and part of their store key."""

    structure: tuple
    op: str
    has_batch: bool
    space: Optional[CaseSpace] = None
