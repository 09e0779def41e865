"""Validation in one place (`diffhw.validation`), before anything is traced: a dataflow built in Python with a
structural problem the cost model could not build cluster levels for is an error for its items (file, layer,
cause, fix), never an exception from inside a trace, and the valid items of the same call are evaluated."""

from dataclasses import replace

from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, Map
from diffhw.evaluate import evaluate
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec
from diffhw.validation import check_hardware, check_pair, hardware_problem

CONV = LayerSpec("c1", "CONV", {"K": 8, "C": 8, "R": 3, "S": 3, "Y": 8, "X": 8})
GEMM = LayerSpec("g1", "GEMM", {"M": 8, "N": 8, "K": 8})
HW = HardwareSpec(num_pes=256)
WS = TEMPLATES["ws"].directives


def test_structural_problems_are_item_errors_before_tracing():
    no_spatial = Dataflow(tuple(d for d in WS if not (isinstance(d, Map) and d.kind == "spatial")), "nospatial")
    too_deep = Dataflow(WS + (Cluster(2, "P"),) + WS + (Cluster(2, "P"),) + WS + (Cluster(2, "P"),) + WS
                        + (Cluster(2, "P"),) + WS, "deep")
    for df, says in ((no_spatial, "no SpatialMap"), (too_deep, "Cluster levels")):
        err = check_pair(CONV, HW, df)
        assert err is not None and says in err.message and err.layer == "c1" and err.fix
        r = evaluate([CONV], [HW], dataflow=df)  # an item error, not an exception
        assert len(r.errors) == 1 and says in str(r.errors[0])
    # a dataflow whose dimensions the layer type lacks: the GEMM item fails, the CONV item of the call does not
    r = evaluate([replace(CONV, dataflow=TEMPLATES["ws"]), replace(GEMM, dataflow=TEMPLATES["ws"])], [HW])
    assert r.rows[0]["runtime_cycles"] > 0 and len(r.errors) == 1 and "g1" in str(r.errors[0])


def test_hardware_checks_are_one_definition():
    bad = HardwareSpec(name="zero", num_pes=0)
    assert hardware_problem(HW) is None and "num_pes must be positive" in hardware_problem(bad)[0]
    assert check_hardware([HW, bad]) == ["; ".join(hardware_problem(bad))]
    err = check_pair(CONV, bad, TEMPLATES["ws"])
    assert err.message == hardware_problem(bad)[0] and err.fix == hardware_problem(bad)[1]
