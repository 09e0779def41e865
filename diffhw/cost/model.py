"""The exact cost model of one layer on one accelerator: every per-layer quantity MAESTRO reports.

`layer_cost` is the single-instance function (one layer, one hardware, one dataflow structure); the
batched entry points in `diffhw.evaluate` vmap it. Output names follow `dev.csv`. `case_space` and
`case_spaces` enumerate, at trace time, the iteration cases a batch (or parts of it) can reach.
"""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from diffhw.compile_options import COMPILER_OPTIONS, QUICK_INTEGER_OPTIONS, quick
from diffhw.cost.analysis import CaseSpace, analyze_level, possible_states
from diffhw.cost.clusters import build_levels, layer_tensors
from diffhw.engine.jit import StoredJit
from diffhw.engine.program import Program
from diffhw.numerics import Exact, Numerics

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
#: Integer outputs that are not MAESTRO's: `maestro_fault` (bits of `diffhw.cost.analysis.FAULT_*`, 0 when
#: the real tool reports the layer). Asked for by name (`evaluate_batches(outputs=OUTPUTS + DIAGNOSTICS)`).
DIAGNOSTICS = ("maestro_fault",)
TENSOR_NAMES = ("input", "filter", "output")


#: The layer and hardware fields `layer_cost` takes.
LAYER_FIELDS = ("K", "C", "R", "S", "Y", "X", "N", "M", "stride_y", "stride_x")
MODEL_HW_FIELDS = ("num_pes", "noc_bw", "offchip_bw", "simd_lanes", "noc_hops")


def pack_inputs(layers: dict, numbers, hw: dict) -> np.ndarray:
    """A batch's inputs as one int64 matrix [B, F]: the columns LAYER_FIELDS, MODEL_HW_FIELDS, then the
    dataflow's number slots [B, n]. A chunk is then one gather and one transfer, not one per field."""
    cols = [layers[k] for k in LAYER_FIELDS] + [hw[k] for k in MODEL_HW_FIELDS]
    numbers = np.asarray(numbers, np.int64).reshape(len(cols[0]), -1)
    head = np.empty((len(cols), len(numbers)), np.int64)  # fields as rows, then one transposing copy:
    for i, c in enumerate(cols):  # 2x faster than stacking columns
        head[i] = c
    out = np.empty((len(numbers), len(cols) + numbers.shape[1]), np.int64)
    out[:, :len(cols)] = head.T
    out[:, len(cols):] = numbers
    return out


def unpack_inputs(inputs):
    """(layers dict, numbers [B, n], hw dict) of a `pack_inputs` matrix (numpy or traced)."""
    nl, nh = len(LAYER_FIELDS), len(MODEL_HW_FIELDS)
    layers = {k: inputs[:, i] for i, k in enumerate(LAYER_FIELDS)}
    hw = {k: inputs[:, nl + i] for i, k in enumerate(MODEL_HW_FIELDS)}
    return layers, inputs[:, nl + nh:], hw


def layer_levels(structure, numbers, op, has_batch, layer: dict, hw: dict, nm: Numerics, where="dataflow"):
    """Cluster levels of one layer (see `diffhw.cost.clusters.build_levels`)."""
    dims = {k: layer[k] for k in ("K", "C", "R", "S", "Y", "X")} if op != "GEMM" else {
        "M": layer["M"], "N": layer["N"], "K": layer["K"]}
    if op == "NGCONV":
        dims["G"] = layer["M"]  # an NGCONV's groups travel in the M field (see `diffhw.layers.DIM_FIELDS`)
    if has_batch:
        dims["N"] = layer["N"]
    stride = {"Y": layer["stride_y"], "X": layer["stride_x"]}
    return build_levels(structure, numbers, op, has_batch, dims, stride, hw["num_pes"], nm, where)


#: Items per call of the jitted state analysis (one compile per structure: every call is padded to it).
STATE_CHUNK = 1024


def _states_impl(program: Program, inputs):
    layers, numbers, hw = unpack_inputs(inputs)
    p = program
    return jax.vmap(lambda lay, num, h: possible_states(
        layer_levels(p.structure, num, p.op, p.has_batch, lay, h, EXACT)))(layers, numbers, hw)


#: The state-analysis program, optimized and quickly compiled; kept in the program store (`diffhw.engine.jit`).
_item_states = StoredJit(_states_impl, (0,), COMPILER_OPTIONS)
_item_states_quick = StoredJit(_states_impl, (0,), QUICK_INTEGER_OPTIONS)


def item_states(structure, op, has_batch, layers: dict, numbers, hw: dict):
    """Per item, per level (see `possible_states`): the states each directive can take (bool [B, D, 3])
    and which dimensions' edge tiles differ from their full tiles ({dim: bool [B]}), as numpy arrays.

    `layers`, `numbers`, `hw` carry a common batch axis (already broadcast)."""
    return packed_item_states(structure, op, has_batch, pack_inputs(layers, numbers, hw))


def packed_item_states(structure, op, has_batch, inputs: np.ndarray):
    """`item_states` of a `pack_inputs` matrix [B, F] (a quickly compiled program for small batches, see
    `diffhw.compile_options`)."""
    n = len(inputs)
    program = _item_states_quick if quick(n) else _item_states
    parts = [program(Program(structure, op, has_batch), inputs[np.arange(start, start + STATE_CHUNK) % n])
             for start in range(0, n, STATE_CHUNK)]  # the last call is padded with repeats
    return jax.tree_util.tree_map(lambda *xs: np.concatenate([np.asarray(x) for x in xs])[:n], *parts)


def _signature(states, differs) -> tuple[np.ndarray, int]:
    """Per item, what decides its case space as one bool row [B, W + E]: the reachable states of every
    directive (W = 3 x directives over the levels), then per level the flags of `differs` (sorted by dim).
    Returns (rows, W)."""
    n = len(states[0])
    cols = [ex.reshape(n, -1) for ex in states]
    cols += [np.stack([d[v] for v in sorted(d)], 1).reshape(n, -1) for d in differs if d]
    return np.concatenate(cols, axis=1), sum(ex.shape[1] * 3 for ex in states)


def _space(union: np.ndarray, states, differs) -> CaseSpace:
    """The case space of items whose `_signature` rows OR to `union` [W + E]."""
    combos, edge_dims, pos = [], [], 0
    for ex in states:
        rows = union[pos:pos + ex.shape[1] * 3].reshape(-1, 3)  # [D, 3]
        pos += rows.size
        combos.append(tuple(itertools.product(*(tuple(int(s) for s in np.flatnonzero(r)) for r in rows))))
    for d in differs:
        flags = union[pos:pos + len(d)]
        pos += len(d)
        edge_dims.append(tuple(v for v, f in zip(sorted(d), flags) if f))
    return CaseSpace(tuple(combos), tuple(edge_dims))


def case_space(structure, op, has_batch, layers: dict, numbers, hw: dict) -> CaseSpace:
    """Static case enumeration for a batch (see `CaseSpace`): per level, the state-slot combos any item
    can reach and the dimensions whose edge tiles differ from their full tiles for any item.

    `layers`, `numbers`, `hw` carry a common batch axis (already broadcast), so one trace serves the
    whole batch."""
    return union_space(item_states(structure, op, has_batch, layers, numbers, hw))


def union_space(analysis) -> CaseSpace:
    """The case space of a batch from its `item_states` (states, differs): every case any item reaches."""
    states, differs = analysis
    return _space(_signature(states, differs)[0].any(axis=0), states, differs)


def chunk_size(m: int, chunk: int) -> int:
    """Items per compiled call for a part of `m` items and at most `chunk` per call: the next power of two
    for a part that fits one call (few shapes, few compiles); otherwise the part's calls share one size,
    a multiple of 128, close to an even division, so the last call is not mostly padding (1,288 items:
    2 x 768 rather than 2 x 1,024; at most four sizes per case space)."""
    if m <= chunk:
        return min(chunk, 1 << max(0, (m - 1).bit_length()))
    calls = -(-m // chunk)
    return min(chunk, -(-m // (calls * 128)) * 128)


#: Per-item work of the exact model outside the case axes, in cases (measured: an item costs about as
#: much as 8 more top-level cases), and the least relative saving that pays for another compile.
FIXED_CASES, MIN_SPLIT_GAIN = 8, 0.1


def case_spaces(structure, op, has_batch, layers: dict, numbers, hw: dict, chunk: int,
                max_spaces: int = 4, states=None) -> list[tuple[np.ndarray, CaseSpace]]:
    """Split a batch into at most `max_spaces` parts (item indices, case space), each of at least `chunk`
    items, so that items that reach few cases are not evaluated over the whole batch's union.

    A batch's case space is the union of its items' (a product over directives of the states any item
    reaches), while one item typically reaches a fifth of it. Parts are found greedily: a part is split
    by whether its items reach one directive state, taking the split that saves the most work (items
    padded to whole chunks x (cases + FIXED_CASES)), while it saves at least MIN_SPLIT_GAIN of that
    part's work. Each part costs one more compile, hence the minimum size and the cap. `states`: the
    batch's `item_states`, when already computed."""
    states, differs = states or item_states(structure, op, has_batch, layers, numbers, hw)
    bits, w = _signature(states, differs)
    packed = np.packbits(bits, axis=1)
    packed = np.pad(packed, ((0, 0), (0, -packed.shape[1] % 8))).view(np.uint64)  # [B, words]
    keys = packed[:, 0] if packed.shape[1] == 1 else packed.view(np.dtype((np.void, packed.shape[1] * 8))).ravel()
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    sig = bits[first]  # the distinct signatures [S, W + E]
    levels = np.split(np.arange(w), np.cumsum([ex.shape[1] * 3 for ex in states])[:-1])

    def cases(unions):  # bool [..., W + E] -> the case count of each union (summed over the levels)
        return sum(np.prod(unions[..., c].reshape(*unions.shape[:-1], -1, 3).sum(-1), axis=-1) for c in levels)

    def padded(items):  # items in whole calls
        return np.array([-(-m // chunk_size(m, chunk)) * chunk_size(m, chunk) if m else 0 for m in map(int, items)])

    parts = [np.ones(len(sig), bool)]
    while len(parts) < max_spaces:
        best = None
        for i, group in enumerate(parts):
            g, c = sig[group].astype(np.int64), counts[group]
            base = padded([c.sum()])[0] * (cases(g.any(axis=0)) + FIXED_CASES)
            on = (c @ g)[:w]  # per state column: the items that reach it, and the union of their signatures
            off = c.sum() - on
            work = (padded(on) * (cases(g[:, :w].T @ g > 0) + FIXED_CASES)
                    + padded(off) * (cases((1 - g[:, :w]).T @ g > 0) + FIXED_CASES))
            gain = np.where((on >= chunk) & (off >= chunk), base - work, -1)
            b = int(np.argmax(gain))
            if gain[b] >= MIN_SPLIT_GAIN * base and gain[b] > 0 and (best is None or gain[b] > best[0]):
                best = (gain[b], i, group & sig[:, b], group & ~sig[:, b])
        if best is None:
            break
        _, i, on, off = best
        parts[i:i + 1] = [on, off]
    return [(np.flatnonzero(group[inverse]), _space(sig[group].any(axis=0), states, differs)) for group in parts]


def hardware_cost(num_pes, noc_bw, simd_lanes, l1_req, l2_req) -> dict:
    """MAESTRO's area and power model (DSE::Accelerator) for the given L1/L2 sizes (elements). numpy inputs
    are computed in numpy (host-side search code calls it with batches of every size: jnp would compile its
    eager ops once per shape), anything else with jax.numpy."""
    args = (num_pes, noc_bw, simd_lanes, l1_req, l2_req)
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


def layer_cost(structure, space: CaseSpace, op, has_batch, layer: dict, numbers, hw: dict, nm=EXACT) -> dict:
    """Every MAESTRO output of one layer on one accelerator under one dataflow.

    layer: scalars K C R S Y X N M stride_y stride_x; numbers: the dataflow's resolved number slots [n];
    hw: scalars num_pes noc_bw offchip_bw simd_lanes noc_hops (l1/l2 sizes are not used by MAESTRO).
    With `nm=Exact()` (default) the results are MAESTRO's (int64); with `nm=Relaxed(T)` every input may
    be a float and every output is a smooth float64 function of them."""
    layer, numbers, hw = nm.inputs(layer, numbers, hw)
    levels = layer_levels(structure, numbers, op, has_batch, layer, hw, nm)
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
    return {k: out[k] for k in OUTPUTS + DIAGNOSTICS}
