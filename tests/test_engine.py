"""The engine (`diffhw.engine`: case spaces split per part, packed inputs, chunks, stored programs, dispatch
threads) computes exactly `jit(vmap(layer_cost))`: every output, integer and float, bit for bit."""

import jax
import numpy as np
import pytest

from diffhw import case_space, evaluate_arrays, layer_cost
from diffhw.results import DIAGNOSTICS, OUTPUTS
from tests.reference import group_arrays, load_rows


def _group(dataflow: str, layer_type: str):
    rows = [r for r in load_rows("dev.csv") if r["dataflow"] == dataflow and r["layer_type"] == layer_type]
    return next(group_arrays(rows[:160]))


@pytest.mark.parametrize("dataflow, layer_type", [("dla", "CONV"), ("gemm_nmk", "GEMM")])  # two levels; one
def test_engine_equals_jit_vmap_layer_cost(dataflow, layer_type):
    program, layers, numbers, hw, rows = _group(dataflow, layer_type)
    names = OUTPUTS + DIAGNOSTICS
    engine = evaluate_arrays(program, layers, numbers, hw, chunk=32, outputs=names)  # parts, chunks, padding
    union = program.with_space(case_space(program, layers, numbers, hw))
    plain = jax.jit(jax.vmap(lambda lay, h, n: layer_cost(union, lay, h, n)))(layers, hw, numbers)
    assert len(rows) > 32  # several chunks
    for k in names:
        np.testing.assert_array_equal(engine[k], np.asarray(plain[k]), err_msg=k)
