"""One definition of a design's area, power and feasibility, used by `diffhw eval`, `diffhw codesign` and the
Python API alike.

MAESTRO's semantics decide which requirements are hard:

* Buffers are hard. A layer needs `total_l1_size_req` / `total_l2_size_req` elements of buffer; a design whose
  provisioned `l1_size` / `l2_size` is smaller cannot hold the tiles its dataflow moves (MAESTRO itself never
  checks, so its numbers would be wrong): `fits_l1`, `fits_l2`.
* Bandwidth is soft. MAESTRO's delays already divide every transfer by the NoC and off-chip bandwidth, so a
  design below `peak_noc_bw_req` / `offchip_bw_req` is slower (its latency says by how much), not invalid:
  `noc_ok` / `offchip_ok` are reported (the design is bandwidth-bound) but do not make it infeasible.
* Area and power are those of the accelerator as built: MAESTRO's area/power model at the provisioned
  `l1_size` / `l2_size`. A size left at MAESTRO's default (INT_MAX: the hardware file or grid does not give
  it) is priced at the requirement instead, since nobody builds 2^31 elements of SRAM. `area_req` /
  `power_req` price the buffers at the requirement (the smallest buffers that hold every layer), and are
  reported beside the provisioned figures. `area_ok` / `power_ok` compare the provisioned figures with the
  budgets.
* feasible = fits_l1 and fits_l2 and area_ok and power_ok (and the design evaluates at all: `valid`).
"""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np

from diffhw.hardware import INT_MAX

#: The flags `design_checks` returns, in the order of the output columns.
FLAGS = ("fits_l1", "fits_l2", "noc_ok", "offchip_ok", "area_ok", "power_ok")
#: The flags that make a design infeasible (bandwidth below the requirement only slows it down).
HARD_FLAGS = ("fits_l1", "fits_l2", "area_ok", "power_ok")


def area_power(num_pes, noc_bw, l1_size, l2_size, simd_lanes=1) -> tuple[np.ndarray, np.ndarray]:
    """MAESTRO's area and power (`diffhw.cost.model.hardware_cost`) of integer designs, any common shape, in
    numpy on the host."""
    from diffhw.cost.model import hardware_cost

    args = [np.asarray(a, np.int64) for a in (num_pes, noc_bw, simd_lanes, l1_size, l2_size)]
    shape = np.broadcast_shapes(*(a.shape for a in args))
    c = hardware_cost(*(np.broadcast_to(a, shape) for a in args))
    return np.asarray(c["area"], np.float64), np.asarray(c["power"], np.float64)


def design_checks(hw: Mapping[str, np.ndarray], req: Mapping[str, np.ndarray], area_budget: Optional[float] = None,
                  power_budget: Optional[float] = None) -> dict:
    """Area, power and feasibility flags of designs.

    hw: `num_pes, noc_bw, l1_size, l2_size, offchip_bw` (and optionally `simd_lanes`), int arrays of a common
    (broadcastable) shape; req: the network's `max_l1_req, max_l2_req, peak_noc_bw_req, offchip_bw_req`
    (maxima over its layers), same shape. Returns arrays of that shape: area, power (as built), area_req,
    power_req (buffers at the requirement), the `FLAGS` and `feasible` (the `HARD_FLAGS`; see the module
    docstring)."""
    l1_req, l2_req = np.asarray(req["max_l1_req"], np.int64), np.asarray(req["max_l2_req"], np.int64)
    l1 = np.asarray(hw["l1_size"], np.int64)
    l2 = np.asarray(hw["l2_size"], np.int64)
    simd = hw.get("simd_lanes", 1)
    built_l1 = np.where(l1 >= INT_MAX, l1_req, l1)
    built_l2 = np.where(l2 >= INT_MAX, l2_req, l2)
    area, power = area_power(hw["num_pes"], hw["noc_bw"], built_l1, built_l2, simd)
    area_req, power_req = area_power(hw["num_pes"], hw["noc_bw"], l1_req, l2_req, simd)
    out = {"area": area, "power": power, "area_req": area_req, "power_req": power_req,
           "fits_l1": l1_req <= l1, "fits_l2": l2_req <= l2,
           "noc_ok": np.asarray(req["peak_noc_bw_req"]) <= np.asarray(hw["noc_bw"]),
           "offchip_ok": np.asarray(req["offchip_bw_req"]) <= np.asarray(hw["offchip_bw"]),
           "area_ok": np.ones(area.shape, bool) if area_budget is None else area <= area_budget,
           "power_ok": np.ones(area.shape, bool) if power_budget is None else power <= power_budget}
    shape = area.shape
    out = {k: np.broadcast_to(v, shape) for k, v in out.items()}
    out["feasible"] = np.logical_and.reduce([out[k] for k in HARD_FLAGS])
    return out
