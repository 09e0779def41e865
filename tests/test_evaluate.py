"""Batched evaluation: vmap equals a loop, padding is harmless, one trace per structure, bad pairs are
reported while the valid ones are still evaluated."""

import numpy as np
import pytest

from diffhw import compile_options, dispatch
from diffhw.dataflow import TEMPLATES, Cluster, Dataflow, Map
from diffhw.engine.batches import Batch, evaluate_chunk, evaluate_arrays, evaluate_batches
from diffhw.engine.cases import case_space, case_spaces
from diffhw.engine.packing import chunk_size
from diffhw.errors import InputError
from diffhw.evaluate import evaluate
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec, take
from diffhw.program import Program
from diffhw.results import OUTPUTS
from tests.reference import group_arrays, load_rows

HW = [HardwareSpec(64, 512, 65536, 32, 16, name="hw0"), HardwareSpec(168, 512, 110592, 64, 64, name="hw6")]


def conv(name, K=16, C=8, R=3, S=3, Y=14, X=14, stride=1, df="os"):
    return LayerSpec(name, "CONV", {"K": K, "C": C, "R": R, "S": S, "Y": Y, "X": X},
                     {"Y": stride, "X": stride}, TEMPLATES[df])


def test_vmap_equals_loop():
    program, layers, numbers, hw, rows = next(group_arrays(load_rows("dev.csv")[:40]))
    batched = evaluate_arrays(program, layers, numbers, hw)
    for i in range(0, len(rows), 7):
        one = evaluate_arrays(program, take(layers, slice(i, i + 1)), numbers[i:i + 1], take(hw, slice(i, i + 1)))
        for k in OUTPUTS:
            assert np.asarray(batched[k])[i] == np.asarray(one[k])[0], k


def test_padding_does_not_change_results():
    layers = [conv("a"), conv("b", K=33, Y=20), conv("c", stride=2)]
    ev3 = evaluate(layers, HW)
    ev1 = evaluate(layers[1:2], HW)
    assert ev3.rows[2:4] == ev1.rows


def _traces(run) -> int:
    """JAX's own count of jaxpr traces while `run()` executes (its monitoring events, not a private cache)."""
    from jax import monitoring

    count = [0]

    def listen(name, secs, **kw):
        count[0] += name == "/jax/core/compile/jaxpr_trace_duration"

    monitoring.register_event_duration_secs_listener(listen)
    try:
        run()
    finally:
        monitoring.unregister_event_duration_listener(listen)
    return count[0]


def test_no_retrace_for_new_values_of_the_same_structure(monkeypatch):
    """One trace per (structure, case space, bucket): new sizes with the same iteration cases reuse it. The
    dataflow is this test's own (os with a 12-wide K tile) and no program store answers (an earlier run's
    store would hold its program), so its first call must trace. Compiled programs (DIFFHW_EAGER=off): small
    batches would run eagerly."""
    monkeypatch.setenv("DIFFHW_CACHE_DIR", "off")
    monkeypatch.setenv("DIFFHW_EAGER", "off")
    own = Dataflow(tuple(Map(d.kind, 12, 12, "K") if isinstance(d, Map) and d.dim == "K" and d.size == 16 else d
                         for d in TEMPLATES["os"].directives), "os12")
    layer = lambda name, **d: LayerSpec(name, "CONV", {"K": 16, "C": 8, "R": 3, "S": 3, "Y": 14, "X": 14, **d},
                                        {"Y": 1, "X": 1}, own)  # noqa: E731
    assert _traces(lambda: evaluate([layer("a", K=24, C=8, Y=14)], HW[:1])) > 0
    assert _traces(lambda: evaluate([layer("b", K=48, C=24, X=20)], HW[:1])) == 0  # the same cases as a


def test_quick_and_optimized_programs_agree_bit_for_bit(monkeypatch):
    """Small batches compile at lower LLVM optimization levels (`diffhw.compile_options`); every output,
    floats included, is the same as the optimized programs' and does not depend on the batch."""
    monkeypatch.setenv("DIFFHW_EAGER", "off")
    program, layers, numbers, hw, rows = next(group_arrays(load_rows("dev.csv")[:40]))
    quick = evaluate_arrays(program, layers, numbers, hw)
    one = evaluate_arrays(program, take(layers, slice(3, 4)), numbers[3:4], take(hw, slice(3, 4)))
    monkeypatch.setattr(compile_options, "QUICK_COMPILE_ITEMS", 0)
    before = evaluate_chunk.programs()
    optimized = evaluate_arrays(program, layers, numbers, hw)
    assert evaluate_chunk.programs() > before  # it did compile the optimized program
    for k in OUTPUTS:
        np.testing.assert_array_equal(quick[k], optimized[k], err_msg=k)
        assert one[k][0] == quick[k][3], k


def test_bad_pairs_are_reported_and_valid_ones_evaluated():
    dw = LayerSpec("dw", "DSCONV", {"K": 1, "C": 32, "R": 3, "S": 3, "Y": 16, "X": 16}, {}, TEMPLATES["os"])
    small = conv("small", Y=2, X=2)
    layers = [conv("ok"), dw, small]
    ev = evaluate(layers, [HardwareSpec(64, name="big"), HardwareSpec(8, name="tiny")])
    ok = [r is not None for r in ev.rows]
    assert ok == [True, False, False, False, True, False]  # Y < R: MAESTRO's numbers, with a warning
    text = "\n".join(str(e) for e in ev.errors)
    assert "needs" not in text or "16 PEs" in text
    assert "Dimension K not found" in text and "layer 'dw'" in text
    assert "16 PEs" in text and "tiny" in text
    assert [w.layer for w in ev.warnings] == ["small", "small"]  # Y < R and X < S, once per layer
    assert "smaller than the filter" in str(ev.warnings[0])


def test_bad_hardware_and_missing_dataflow():
    no_df = LayerSpec("nodf", "CONV", {"K": 4, "C": 4, "R": 1, "S": 1, "Y": 4, "X": 4})
    ev = evaluate([no_df, conv("x", df="ws")], [HardwareSpec(16, noc_bw=0, name="zero")])
    assert all(r is None for r in ev.rows)
    text = "\n".join(str(e) for e in ev.errors)
    assert "no Dataflow" in text and "noc_bw must be positive" in text


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_arbitrary_programs_with_up_to_three_cluster_levels(levels):
    t, s = (lambda a, b, d: Map("temporal", a, b, d)), (lambda a, b, d: Map("spatial", a, b, d))
    prog = [t(8, 8, "K"), s(1, 1, "C")]
    if levels >= 2:
        prog += [Cluster(4), s(1, 1, "K"), t(3, 1, "Y")]
    if levels >= 3:
        prog += [Cluster(2), s(1, 1, "X"), t(3, 3, "R")]
    df = Dataflow(tuple(prog), "custom")
    lay = LayerSpec("l", "CONV", {"K": 24, "C": 20, "R": 3, "S": 3, "Y": 12, "X": 12}, {}, df)
    ev = evaluate([lay], [HardwareSpec(64, name="h")])
    assert ev.errors == []
    row = ev.rows[0]
    assert row["runtime_cycles"] > 0 and row["num_macs"] == 24 * 20 * 9 * 10 * 10


def test_split_case_spaces_give_the_union_space_results():
    """Parts of a batch evaluated under their own (smaller) case spaces give the whole-batch results."""
    rows = [r for r in load_rows("dev.csv") if r["dataflow"] == "dpt"]
    program, layers, numbers, hw, _ = next(group_arrays(rows))
    parts = case_spaces(program, layers, numbers, hw, chunk=32)
    assert len(parts) > 1
    assert sorted(np.concatenate([rows for rows, _ in parts])) == list(range(len(numbers)))
    split = evaluate_arrays(program, layers, numbers, hw, chunk=32)
    union = evaluate_arrays(program.with_space(case_space(program, layers, numbers, hw)), layers, numbers, hw,
                            chunk=32)
    for k in OUTPUTS:
        np.testing.assert_array_equal(split[k], union[k], err_msg=k)


def test_chunk_size_pads_little_with_few_shapes():
    """A part that fits one call gets the next power of two; a larger part's calls share one size, a
    multiple of 128, with less than 128 padded items per call and at most four sizes overall."""
    assert [chunk_size(m, 1024) for m in (1, 3, 100, 1024)] == [1, 4, 128, 1024]
    sizes = set()
    for m in range(1025, 40_000, 7):
        size = chunk_size(m, 1024)
        calls = -(-m // size)
        assert size <= 1024 and size % 128 == 0 and calls == -(-m // 1024)
        assert calls * size - m < 128 * calls
        sizes.add(size)
    assert sizes == {640, 768, 896, 1024}


def test_batches_in_one_pipeline_equal_separate_calls_whatever_the_threads(monkeypatch):
    """`evaluate_batches` gives each batch what `evaluate_arrays` gives it alone, with one or several
    dispatch threads; a batch whose structure cannot run gets its InputError and the others still run."""
    groups = list(group_arrays(load_rows("dev.csv")[:300]))[:3]
    batches = [Batch(program, layers, numbers, hw) for program, layers, numbers, hw, _ in groups]
    alone = [evaluate_arrays(b.program, b.layers, b.numbers, b.hw, chunk=16) for b in batches]
    dsconv = groups[0]  # a CONV template on a depthwise layer type: Dimension K is not found
    bad = Batch(Program(TEMPLATES["os"].structure, "DSCONV", False), *dsconv[1:4])
    for threads in (1, 3):
        monkeypatch.setattr(dispatch, "host_threads", lambda t=threads: t)
        out = evaluate_batches([batches[0], bad, *batches[1:]], chunk=16)
        assert isinstance(out[1], InputError) and "Dimension K" in out[1].message
        for got, want in zip(out[:1] + out[2:], alone):
            for k in OUTPUTS:
                np.testing.assert_array_equal(got[k], want[k], err_msg=k)
