"""`diffhw.network_cost` (`diffhw.api`, `diffhw.optimize.relaxed`): a network's relaxed cost and its gradient
with respect to the hardware in one call; equal to the exact model at integer hardware and the smallest
temperature; a MODEL string is read by the frontends (`diffhw.api`), the same network as its layers."""

import math

import pytest

from diffhw.dataflow import TEMPLATES
from diffhw.evaluate import evaluate
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec
from diffhw.numerics import MIN_TEMPERATURE
from diffhw import network_cost

NET = [LayerSpec("c1", "CONV", {"K": 16, "C": 8, "R": 3, "S": 3, "Y": 18, "X": 18}),
       LayerSpec("dw", "DSCONV", {"K": 1, "C": 16, "R": 3, "S": 3, "Y": 10, "X": 10}),
       LayerSpec("fc", "GEMM", {"M": 1, "N": 10, "K": 512})]
HW = {"num_pes": 64, "noc_bw": 32, "offchip_bw": 16}


def test_equals_the_exact_model_at_the_smallest_temperature():
    cost = network_cost(NET, dataflow="ws", temperature=MIN_TEMPERATURE)
    v = cost(HW)
    hw = HardwareSpec(**HW)
    rows = [evaluate([s], [hw], TEMPLATES[{"CONV": "ws", "DSCONV": "dpt", "GEMM": "gemm"}[s.op]]).rows[0]
            for s in NET]
    assert v["latency"] == pytest.approx(sum(r["runtime_cycles"] for r in rows), rel=1e-9)
    assert v["energy"] == pytest.approx(sum(r["energy_total"] for r in rows), rel=1e-9)
    assert v["max_l2_req"] == pytest.approx(max(r["total_l2_size_req"] for r in rows), rel=1e-6)


@pytest.mark.slow
def test_gradient_is_finite_and_follows_the_value():
    cost = network_cost(NET, dataflow="ws")
    v, g = cost.value_and_grad(HW, of="latency")
    assert set(g) == set(HW) and all(math.isfinite(x) for x in g.values())
    for k in HW:  # central differences agree with the gradient
        h = HW[k] * 1e-4
        slope = (cost(dict(HW, **{k: HW[k] + h}))["latency"] - cost(dict(HW, **{k: HW[k] - h}))["latency"]) / (2 * h)
        assert slope == pytest.approx(g[k], rel=0.02, abs=1e-9 * v["latency"]), k
    with pytest.raises(ValueError, match="missing"):
        cost({"num_pes": 64.0})


def test_a_model_file_is_the_same_network_as_its_layers(tmp_path):
    from diffhw.frontends.maestro import write_model
    from diffhw.layers import Network

    path = tmp_path / "net.m"
    path.write_text(write_model(Network("net", tuple(NET)), with_dataflow=False))
    from_file = network_cost(str(path), dataflow="ws").surrogate.problem.networks[0][1]
    assert [(s.op, dict(s.input_dims())) for s in from_file] == [(s.op, dict(s.input_dims())) for s in NET]
