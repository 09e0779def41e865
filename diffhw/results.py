"""`LayerCost`: every per-layer output of the cost model, as one frozen pytree, with the names (and the order)
of MAESTRO's reference table `dev.csv`; the output name lists the engine and the writers use.

Fields are scalars for one layer on one accelerator (`diffhw.cost.model.layer_cost`) and arrays `[B]` once
batched; integer outputs are int64 in the exact numerics, every output float64 in the relaxed one.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

import jax

#: Integer outputs, then floating outputs, in `dev.csv` order.
INT_OUTPUTS = (
    "runtime_cycles", "num_macs", "total_l1_size_req", "total_l2_size_req",
    "input_l2_size_req", "input_l1_size_req", "input_l2_write", "input_l2_read", "input_l1_write",
    "input_l1_read",
    "filter_l2_size_req", "filter_l1_size_req", "filter_l2_write", "filter_l2_read", "filter_l1_write",
    "filter_l1_read",
    "output_l2_size_req", "output_l1_size_req", "output_l2_write", "output_l2_read", "output_l1_write",
    "output_l1_read",
    "peak_noc_bw_req", "offchip_bw_req",
    "ingress_delay_min", "ingress_delay_max", "ingress_delay_avg",
    "egress_delay_min", "egress_delay_max", "egress_delay_avg",
    "compute_delay_min", "compute_delay_max", "compute_delay_avg",
)
FLOAT_OUTPUTS = (
    "throughput_macs_per_cycle", "avg_utilized_pes", "energy_total", "energy_mac", "energy_l2_write",
    "energy_l2_read", "energy_l1_write", "energy_l1_read", "input_reuse_factor", "filter_reuse_factor",
    "output_reuse_factor", "overall_reuse_factor", "avg_noc_bw_req", "arithmetic_intensity",
    "area", "power", "pe_power", "l1_power", "l2_power", "noc_power",
)
OUTPUTS = INT_OUTPUTS + FLOAT_OUTPUTS
#: Integer outputs that are not MAESTRO's: `maestro_fault` (bits of `diffhw.cost.analysis.FAULT_*`, 0 when
#: the real tool reports the layer). Asked for by name (`evaluate_batches(outputs=OUTPUTS + DIAGNOSTICS)`).
DIAGNOSTICS = ("maestro_fault",)


def _getitem(self, name: str):
    """An output by its `dev.csv` name (`cost["runtime_cycles"]`), as the name lists select them."""
    if name not in _FIELDS:
        raise KeyError(name)
    return getattr(self, name)


def _as_dict(self, names: Sequence[str] = OUTPUTS + DIAGNOSTICS) -> dict[str, Any]:
    """The outputs `names` as a dict (e.g. a CSV row)."""
    return {k: getattr(self, k) for k in names}


_FIELDS = OUTPUTS + DIAGNOSTICS
#: The frozen pytree of one layer's outputs (fields: `OUTPUTS` then `DIAGNOSTICS`). Generated from the name
#: lists so that the names are written once.
LayerCost = dataclasses.make_dataclass(
    "LayerCost", [(k, Any) for k in _FIELDS], frozen=True,
    namespace={"__getitem__": _getitem, "as_dict": _as_dict,
               "__doc__": "Every per-layer output of the cost model (see `diffhw.results`)."})
LayerCost.__module__ = __name__
jax.tree_util.register_dataclass(LayerCost, data_fields=list(_FIELDS), meta_fields=[])
