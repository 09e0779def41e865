"""Hardware: the accelerator parameters MAESTRO's hardware file describes, as arrays of any batch shape.

Sizes are in elements (MAESTRO's "Bytes" are elements). `noc_hops` is the NoC zero-load latency added to
every transfer (`NoC_NumHops`, 1 with a hardware file); `simd_lanes` is MACs per PE per cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Sequence

import jax
import numpy as np

#: MAESTRO's default for a constraint missing from the hardware file (INT_MAX).
INT_MAX = 2**31 - 1

HW_FIELDS = ("num_pes", "l1_size", "l2_size", "noc_bw", "offchip_bw", "simd_lanes", "noc_hops")


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


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Hardware:
    """Struct of arrays with the fields of `HardwareSpec` (minus the name), any common batch shape."""

    num_pes: np.ndarray
    l1_size: np.ndarray
    l2_size: np.ndarray
    noc_bw: np.ndarray
    offchip_bw: np.ndarray
    simd_lanes: np.ndarray
    noc_hops: np.ndarray

    @staticmethod
    def from_specs(specs: Sequence[HardwareSpec]) -> "Hardware":
        """Pack specs into arrays `[H]`."""
        return Hardware(
            **{f: np.array([getattr(s, f) for s in specs], dtype=np.int64) for f in HW_FIELDS}
        )

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.num_pes))


assert tuple(f.name for f in fields(Hardware)) == HW_FIELDS
