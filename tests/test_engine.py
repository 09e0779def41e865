"""The engine (`diffhw.engine`: case spaces split per part, packed inputs, chunks, stored programs, dispatch
threads), compiled or eager, computes exactly `jit(vmap(layer_cost))`: every output, integer and float, bit
for bit, but the float sums the engine adds up on the host (`diffhw.cost.model.FLOAT_SUMS`: XLA would fuse
their multiply-adds), which equal `float_sums` of its other outputs in NumPy."""

import jax
import numpy as np
import pytest

from diffhw import case_space, evaluate_arrays, layer_cost
from diffhw.cost.model import FLOAT_SUMS, float_sums
from diffhw.results import DIAGNOSTICS, OUTPUTS
from tests.reference import group_arrays, load_rows


def _group(dataflow: str, layer_type: str):
    rows = [r for r in load_rows("dev.csv") if r["dataflow"] == dataflow and r["layer_type"] == layer_type]
    return next(group_arrays(rows[:160]))


@pytest.mark.parametrize("mode", ["off", "on"])  # compiled programs; the eager NumPy model
@pytest.mark.parametrize("dataflow, layer_type", [("dla", "CONV"), ("gemm_nmk", "GEMM")])  # two levels; one
def test_engine_equals_jit_vmap_layer_cost(dataflow, layer_type, mode, monkeypatch):
    monkeypatch.setenv("DIFFHW_EAGER", mode)
    program, layers, numbers, hw, rows = _group(dataflow, layer_type)
    names = OUTPUTS + DIAGNOSTICS
    engine = evaluate_arrays(program, layers, numbers, hw, chunk=32, outputs=names)  # parts, chunks, padding
    union = program.with_space(case_space(program, layers, numbers, hw))
    plain = jax.jit(jax.vmap(lambda lay, h, n: layer_cost(union, lay, h, n)))(layers, hw, numbers)
    assert len(rows) > 32  # several chunks
    for k in names:
        if k not in FLOAT_SUMS:
            np.testing.assert_array_equal(engine[k], np.asarray(plain[k]), err_msg=k)
    sums = float_sums(engine, np.asarray(hw.num_pes), np.asarray(hw.noc_bw), np.asarray(hw.simd_lanes))
    for k in FLOAT_SUMS:
        np.testing.assert_array_equal(engine[k], sums[k], err_msg=k)
        np.testing.assert_allclose(engine[k], np.asarray(plain[k]), rtol=1e-15, err_msg=k)  # an FMA's rounding
