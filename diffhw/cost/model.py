"""The exact cost model of one layer on one accelerator: every per-layer quantity MAESTRO reports.

`layer_cost` is the single-instance function (one layer, one hardware, one dataflow structure); the
batched entry points in `diffhw.evaluate` vmap it. Output names follow `dev.csv`.
"""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.cost.analysis import CaseSpace, analyze_level, possible_states
from diffhw.cost.lowering import build_levels, layer_tensors
from diffhw.numerics import Exact

EXACT = Exact()

#: Energy per access in MAC-energy units (MAESTRO's l2/l1 energy multipliers).
L2_ENERGY, L1_ENERGY = 18.61, 1.68

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
TENSOR_NAMES = ("input", "filter", "output")


def layer_levels(structure, numbers, op, has_batch, layer: dict, hw: dict, where="dataflow", nm=EXACT):
    """Cluster levels of one layer (see `diffhw.cost.lowering.build_levels`)."""
    dims = {k: layer[k] for k in ("K", "C", "R", "S", "Y", "X")} if op != "GEMM" else {
        "M": layer["M"], "N": layer["N"], "K": layer["K"]}
    if has_batch:
        dims["N"] = layer["N"]
    stride = {"Y": layer["stride_y"], "X": layer["stride_x"]}
    return build_levels(structure, numbers, op, has_batch, dims, stride, hw["num_pes"], where, nm)


def case_space(structure, op, has_batch, layers: dict, numbers, hw: dict) -> CaseSpace:
    """Static case enumeration for a batch (see `CaseSpace`): per level, the state-slot combos any item
    can reach and the dimensions whose edge tiles differ from their full tiles for any item.

    `layers`, `numbers`, `hw` carry a common batch axis (already broadcast), so one trace serves the
    whole batch."""

    def one(lay, num, h):
        return possible_states(layer_levels(structure, num, op, has_batch, lay, h))

    states, differs = jax.vmap(one)(layers, numbers, hw)
    combos, edge_dims = [], []
    for ex, diff in zip(states, differs):
        ex = np.asarray(ex).any(axis=0)  # [D, 3]
        slots = [tuple(int(s) for s in np.flatnonzero(row)) for row in ex]
        combos.append(tuple(itertools.product(*slots)))
        edge_dims.append(tuple(sorted(v for v, d in diff.items() if np.asarray(d).any())))
    return CaseSpace(tuple(combos), tuple(edge_dims))


def hardware_cost(num_pes, noc_bw, simd_lanes, l1_req, l2_req) -> dict:
    """MAESTRO's area and power model (DSE::Accelerator) for the given L1/L2 sizes (elements)."""
    p = num_pes.astype(jnp.float64)
    vw = simd_lanes.astype(jnp.float64)
    bw = noc_bw.astype(jnp.float64)
    l1 = jnp.maximum(l1_req, 1).astype(jnp.float64)
    l2 = jnp.maximum(l2_req, 1).astype(jnp.float64)
    arbiter = 1.2886 * p * p + 5.5814 * p - 23.711
    bus = 14.662 * p + 28.895
    area = p * (283.0 * vw + 0.104 * l1) + 0.104 * l2 + 101.7938 * bus * bw + 395.473 * jnp.maximum(arbiter, 1.0)
    pe_power = 1.2223 * vw * p
    l1_power = 0.00345 * l1 * p
    l2_power = 0.00345 * l2
    noc_power = 0.8 * bus / 1000.0 * bw + jnp.maximum(0.34 * arbiter / 1000.0, 0.34)
    return {
        "area": area, "power": pe_power + l1_power + l2_power + noc_power,
        "pe_power": pe_power, "l1_power": l1_power, "l2_power": l2_power, "noc_power": noc_power,
    }


def layer_cost(structure, space: CaseSpace, op, has_batch, layer: dict, numbers, hw: dict, nm=EXACT) -> dict:
    """Every MAESTRO output of one layer on one accelerator under one dataflow.

    layer: scalars K C R S Y X N M stride_y stride_x; numbers: the dataflow's resolved number slots [n];
    hw: scalars num_pes noc_bw offchip_bw simd_lanes noc_hops (l1/l2 sizes are not used by MAESTRO).
    With `nm=Exact()` (default) the results are MAESTRO's (int64); with `nm=Relaxed(T)` every input may
    be a float and every output is a smooth float64 function of them."""
    if nm.relaxed:
        layer = {k: jnp.asarray(v, jnp.float64) for k, v in layer.items()}
        numbers = jnp.asarray(numbers, jnp.float64)
        hw = {k: jnp.asarray(v, jnp.float64) for k, v in hw.items()}
    levels = layer_levels(structure, numbers, op, has_batch, layer, hw, nm=nm)
    tensors = layer_tensors(op, has_batch)
    r = analyze_level(levels, 0, levels[0].dims, space, tensors, op != "GEMM", hw, nm)
    out = dict(r)
    f = lambda x: x.astype(jnp.float64)  # noqa: E731
    out["total_l1_size_req"] = sum(r[f"{t}_l1_size_req"] for t in TENSOR_NAMES)
    out["total_l2_size_req"] = sum(r[f"{t}_l2_size_req"] for t in TENSOR_NAMES)
    macs = r["num_macs"]
    out["throughput_macs_per_cycle"] = f(macs) / f(r["runtime_cycles"])
    l2w = sum(r[f"{t}_l2_write"] for t in TENSOR_NAMES)
    l2r = sum(r[f"{t}_l2_read"] for t in TENSOR_NAMES)
    l1w = sum(r[f"{t}_l1_write"] for t in TENSOR_NAMES)
    l1r = sum(r[f"{t}_l1_read"] for t in TENSOR_NAMES)
    out["energy_l2_write"] = f(l2w) * L2_ENERGY
    out["energy_l2_read"] = f(l2r) * L2_ENERGY
    out["energy_l1_write"] = f(l1w) * L1_ENERGY
    out["energy_l1_read"] = f(l1r) * L1_ENERGY
    out["energy_mac"] = f(macs)
    out["energy_total"] = (out["energy_l2_write"] + out["energy_l2_read"] + out["energy_l1_write"]
                           + out["energy_l1_read"] + f(macs))
    for t in TENSOR_NAMES:
        out[f"{t}_reuse_factor"] = f(r[f"{t}_l1_read"]) / f(r[f"{t}_l1_write"])
    out["overall_reuse_factor"] = f(l1r) / f(l1w)
    out.update(hardware_cost(hw["num_pes"], hw["noc_bw"], hw["simd_lanes"],
                             out["total_l1_size_req"], out["total_l2_size_req"]))
    return {k: out[k] for k in OUTPUTS}
