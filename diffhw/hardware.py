"""Hardware: the accelerator parameters MAESTRO's hardware file describes. `HardwareSpec` is one accelerator
as a file gives it; `Hardware` is what the cost model consumes: one array per parameter, any batch shape.

Sizes are in elements (MAESTRO's "Bytes" are elements). `noc_hops` is the NoC zero-load latency added to
every transfer (`NoC_NumHops`, 1 with a hardware file); `simd_lanes` is MACs per PE per cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

#: MAESTRO's default for a constraint missing from the hardware file (INT_MAX).
INT_MAX = 2**31 - 1

HW_FIELDS = ("num_pes", "l1_size", "l2_size", "noc_bw", "offchip_bw", "simd_lanes", "noc_hops")
#: The fields the cost model reads (MAESTRO's buffer limits never bind: `l1_size` / `l2_size` are not read).
MODEL_HW_FIELDS = tuple(f for f in HW_FIELDS if f not in ("l1_size", "l2_size"))


@dataclass(frozen=True)
class HardwareSpec:
    """One accelerator, as a hardware file gives it (defaults are MAESTRO's)."""

    num_pes: int = 1
    l1_size: int = INT_MAX
    l2_size: int = INT_MAX
    noc_bw: int = INT_MAX
    offchip_bw: int = INT_MAX
    simd_lanes: int = 1
    noc_hops: int = 1
    name: str = "hw"


class Hardware(NamedTuple):
    """Accelerators as arrays of one batch shape (`[]` for one, `[B]` batched): int64 in the exact numerics,
    any floats in the relaxed one. `l1_size` / `l2_size` are optional: the cost model never reads them
    (MAESTRO's buffer limits never bind); feasibility compares them with the requirements it reports. A
    NamedTuple: a JAX pytree without registration, so this module imports no JAX (the CLI's start-up)."""

    num_pes: Any
    noc_bw: Any
    offchip_bw: Any
    simd_lanes: Any
    noc_hops: Any
    l1_size: Optional[Any] = None
    l2_size: Optional[Any] = None

    @staticmethod
    def from_specs(specs: Sequence[HardwareSpec]) -> "Hardware":
        """Pack hardware specs into int64 arrays `[B]`."""
        return Hardware(**{f: np.array([getattr(s, f) for s in specs], np.int64) for f in HW_FIELDS})
