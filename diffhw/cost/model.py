"""The cost model of one layer on one accelerator: every per-layer quantity MAESTRO reports.

`layer_cost` is the single-instance function (one layer, one accelerator, one program: dataflow structure,
layer type, batch flag, case space) written against the numerics protocol; `diffhw.engine` batches it.
Output names follow `dev.csv` (`diffhw.results`).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from diffhw.cost.analysis import analyze_level
from diffhw.cost.clusters import build_levels, layer_tensors
from diffhw.hardware import Hardware
from diffhw.layers import Layers
from diffhw.numerics import Exact, Numerics
from diffhw.program import Program
from diffhw.results import DIAGNOSTICS, OUTPUTS, LayerCost

#: Energy per access in MAC-energy units (MAESTRO's l2/l1 energy multipliers).
L2_ENERGY, L1_ENERGY = 18.61, 1.68
TENSOR_NAMES = ("input", "filter", "output")


def layer_levels(program: Program, layer: Layers, hw: Hardware, numbers, nm: Numerics, where="dataflow"):
    """Cluster levels of one layer (see `diffhw.cost.clusters.build_levels`)."""
    op = program.op
    dims = {k: getattr(layer, k) for k in ("K", "C", "R", "S", "Y", "X")} if op != "GEMM" else {
        "M": layer.M, "N": layer.N, "K": layer.K}
    if op == "NGCONV":
        dims["G"] = layer.M  # an NGCONV's groups travel in the M field (see `diffhw.layers.DIM_FIELDS`)
    if program.has_batch:
        dims["N"] = layer.N
    stride = {"Y": layer.stride_y, "X": layer.stride_x}
    return build_levels(program.structure, numbers, op, program.has_batch, dims, stride, hw.num_pes, nm, where)


def hardware_cost(num_pes, noc_bw, simd_lanes, l1_req, l2_req, xp=None) -> dict:
    """MAESTRO's area and power model (DSE::Accelerator) for the given L1/L2 sizes (elements), in the array
    namespace `xp`; by default numpy inputs are computed in numpy (host-side search code calls it with
    batches of every size: jnp would compile its eager ops once per shape), anything else with jax.numpy."""
    args = (num_pes, noc_bw, simd_lanes, l1_req, l2_req)
    if xp is None:
        xp = np if all(isinstance(a, (np.ndarray, np.generic, int, float)) for a in args) else jnp
    p = xp.asarray(num_pes).astype(xp.float64)
    vw = xp.asarray(simd_lanes).astype(xp.float64)
    bw = xp.asarray(noc_bw).astype(xp.float64)
    l1 = xp.maximum(l1_req, 1).astype(xp.float64)
    l2 = xp.maximum(l2_req, 1).astype(xp.float64)
    arbiter = 1.2886 * p * p + 5.5814 * p - 23.711
    bus = 14.662 * p + 28.895
    area = p * (283.0 * vw + 0.104 * l1) + 0.104 * l2 + 101.7938 * bus * bw + 395.473 * xp.maximum(arbiter, 1.0)
    pe_power = 1.2223 * vw * p
    l1_power = 0.00345 * l1 * p
    l2_power = 0.00345 * l2
    noc_power = 0.8 * bus / 1000.0 * bw + xp.maximum(0.34 * arbiter / 1000.0, 0.34)
    return {
        "area": area, "power": pe_power + l1_power + l2_power + noc_power,
        "pe_power": pe_power, "l1_power": l1_power, "l2_power": l2_power, "noc_power": noc_power,
    }


#: Outputs that add floating-point products (`float_sums`): the exact engine computes them from the other
#: outputs on the host in NumPy (`diffhw.engine.batches`), where no fused multiply-add rounds them
#: differently (XLA CPU contracts a * b + c to one FMA wherever the CPU has one).
FLOAT_SUMS = ("energy_total", "area", "power", "pe_power", "l1_power", "l2_power", "noc_power")
#: The outputs they are computed from.
SUM_TERMS = ("energy_l2_write", "energy_l2_read", "energy_l1_write", "energy_l1_read", "energy_mac",
             "total_l1_size_req", "total_l2_size_req")


def float_sums(out: dict, num_pes, noc_bw, simd_lanes, xp=np) -> dict:
    """The `FLOAT_SUMS` outputs from the others (`out`: energy parts and total L1/L2 sizes) and the hardware."""
    energy = (out["energy_l2_write"] + out["energy_l2_read"] + out["energy_l1_write"] + out["energy_l1_read"]
              + out["energy_mac"])
    return {"energy_total": energy, **hardware_cost(num_pes, noc_bw, simd_lanes, out["total_l1_size_req"],
                                                    out["total_l2_size_req"], xp)}


def layer_cost(program: Program, layer: Layers, hw: Hardware, numbers, nm: Numerics = Exact()) -> LayerCost:
    """Every MAESTRO output of one layer on one accelerator under one program.

    program: the dataflow structure, layer type, batch flag and case space (`diffhw.program`); layer: a
    `Layers` of scalars (its `op` and `mask` are not read: the program's layer type decides); hw: a
    `Hardware` of scalars; numbers: the dataflow's resolved number slots [n]. With `nm=Exact()` (default)
    the results are MAESTRO's (int64); with `nm=Relaxed(T)` every input may be a float and every output is
    a smooth float64 function of them. Batch it with `jax.vmap` (or the engine, `diffhw.engine.batches`)."""
    layer, hw, numbers = nm.inputs(layer, hw, numbers)
    levels = layer_levels(program, layer, hw, numbers, nm)
    op, has_batch = program.op, program.has_batch
    tensors = layer_tensors(op, has_batch)
    r = analyze_level(levels, 0, levels[0].dims, program.space, tensors, op != "GEMM", hw, nm)
    out = dict(r)
    f = lambda x: x.astype(np.float64)  # noqa: E731
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
    for t in TENSOR_NAMES:
        out[f"{t}_reuse_factor"] = f(r[f"{t}_l1_read"]) / f(r[f"{t}_l1_write"])
    out["overall_reuse_factor"] = f(l1r) / f(l1w)
    out.update(float_sums(out, hw.num_pes, hw.noc_bw, hw.simd_lanes, nm.xp))
    return LayerCost(**{k: out[k] for k in OUTPUTS + DIAGNOSTICS})
