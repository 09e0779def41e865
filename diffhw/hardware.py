"""Hardware: the accelerator parameters MAESTRO's hardware file describes (batched code packs them as int64
arrays keyed by `HW_FIELDS`).

Sizes are in elements (MAESTRO's "Bytes" are elements). `noc_hops` is the NoC zero-load latency added to
every transfer (`NoC_NumHops`, 1 with a hardware file); `simd_lanes` is MACs per PE per cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

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
