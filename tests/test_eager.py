"""The exact model run eagerly in NumPy (`diffhw.batched`, `diffhw.engine.eager`): the same results as the
compiled programs, bit for bit, on the reference sets; `jax.vmap`'s semantics for the array operations the
model uses; when the engine picks it; a bad DIFFHW_EAGER."""

import glob
import math
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.batched import NUMPY, Batched
from diffhw.engine import eager
from diffhw.engine.batches import evaluate_chunk_quick
from diffhw.engine.packing import pack_inputs
from diffhw.errors import InputError
from diffhw.numerics import JAX, NumpyExact, Exact
from tests.reference import group_arrays, load_rows

DATA = os.path.join(os.path.dirname(__file__), "data")


def _rows(mode: str, monkeypatch) -> list:
    from diffhw.cli.maestro import run_maestro

    monkeypatch.setenv("DIFFHW_EAGER", mode)
    mappings = sorted(glob.glob(os.path.join(DATA, "unseen", "mappings", "*.m")))
    hws = sorted(glob.glob(os.path.join(DATA, "dev", "hw", "*.m")))
    rows, errors = run_maestro(mappings, hws, warnings=[])
    assert rows
    return rows


def _same(a, b) -> bool:
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


@pytest.mark.slow
def test_eager_rows_equal_compiled_rows_on_the_unseen_set(monkeypatch):
    """Every row and every output of the unseen reference set (ResNet-50, random layers, every dataflow file,
    7 hardware files: 4,137 evaluations), integers and floats, bit for bit."""
    compiled, eager_rows = _rows("off", monkeypatch), _rows("on", monkeypatch)
    assert len(compiled) == len(eager_rows) > 4000
    for a, b in zip(compiled, eager_rows):
        bad = [k for k in a if not _same(a[k], b[k])]
        assert not bad, (a["mapping"], a["layer"], a["hw"], bad)


THREE_LEVELS = """Network three {
%s
}
"""
LAYER = """Layer l%d {
Type: CONV
Stride { X: %d, Y: %d }
Dimensions { K: %d, C: %d, R: %d, S: %d, Y: %d, X: %d }
Dataflow {
        SpatialMap(1,1) K;
        TemporalMap(32,32) C;
        TemporalMap(Sz(R),Sz(R)) R;
        TemporalMap(Sz(S),Sz(S)) S;
        TemporalMap(Sz(R),1) Y;
        TemporalMap(Sz(S),1) X;
        Cluster(16, P);
        SpatialMap(4,4) C;
        TemporalMap(Sz(R),1) Y;
        TemporalMap(Sz(S),1) X;
        TemporalMap(Sz(R),Sz(R)) R;
        TemporalMap(Sz(S),Sz(S)) S;
        Cluster(4, P);
        SpatialMap(1,1) C;
        TemporalMap(Sz(R),1) Y;
        TemporalMap(Sz(S),1) X;
        TemporalMap(Sz(R),Sz(R)) R;
        TemporalMap(Sz(S),Sz(S)) S;
}
}"""


@pytest.mark.slow
def test_eager_equals_compiled_with_three_cluster_levels(tmp_path, monkeypatch):
    """Two Cluster directives: the analysis recurses twice (a vmap inside a vmap in the eager namespace)."""
    from diffhw.cli.maestro import run_maestro

    shapes = [(1, 1, 64, 16, 3, 28), (2, 2, 32, 48, 5, 56), (1, 1, 96, 8, 1, 7), (2, 2, 16, 32, 3, 14)]
    path = tmp_path / "three.m"
    path.write_text(THREE_LEVELS % "\n".join(LAYER % (i, st, st, k, c, r, r, y, y)
                                             for i, (st, _, k, c, r, y) in enumerate(shapes)))
    hws = [os.path.join(DATA, "maestro_repo", "accelerator_1.m"), os.path.join(DATA, "maestro_repo", "pe64.m")]
    out = {}
    for mode in ("on", "off"):
        monkeypatch.setenv("DIFFHW_EAGER", mode)
        out[mode] = run_maestro([str(path)], hws, warnings=[])
    (eager_rows, e1), (compiled, e2) = out["on"], out["off"]
    assert len(eager_rows) == len(compiled) == 8 and [str(e) for e in e1] == [str(e) for e in e2]
    for a, b in zip(compiled, eager_rows):
        assert all(_same(a[k], b[k]) for k in a), a["layer"]


def _model(xp, nm):
    """A function in the style of the cost model: per-item scalars and case vectors, static NumPy arrays,
    a nested vmap closing over outer values, stacks, Ellipsis indexing, variadic reductions."""
    slots = np.array([0, 1, 2, 1, 0])  # static [K]

    def f(x, y, v):
        st = xp.stack([x, y, x * y])  # [3]
        take = xp.where(slots == 0, st[0], xp.where(slots == 1, st[1], st[2]))  # [K]
        q = nm.div(take - 7, y)  # C division of negatives
        inner = xp.vmap(lambda d: {"a": d * x + q.sum(), "b": xp.maximum(d, y)})(v)  # closes over x, q
        word = xp.clip(take, 0, 63).astype(np.uint64)
        bits = xp.population_count((np.uint64(1) << word)[..., None] >> xp.where(word > 3, np.uint64(2), 0))
        r = nm.reduce_cases({"s": ("sum", take * inner["a"][0]), "m": ("max", take, take > 2),
                             "n": ("min", q, q != 0)})
        return {"q": q, "inner": inner, "bits": bits.astype(np.int64), **r, "c": nm.ceil_div(take, y),
                "shr": nm.shift_right(xp.abs(take), xp.minimum(y, 3)), "wrap": nm.wrap_int32(take * 2**31)}

    return f


def test_numpy_arrays_follow_vmap_semantics():
    rng = np.random.default_rng(0)
    x = rng.integers(-50, 50, 64)
    y = rng.integers(1, 9, 64)
    v = rng.integers(-20, 20, (64, 4))
    want = jax.jit(jax.vmap(_model(JAX, Exact())))(x, y, v)
    got = NUMPY.vmap(_model(NUMPY, NumpyExact()))(x, y, v)
    flat_w, tree_w = jax.tree_util.tree_flatten(want)
    flat_g, tree_g = jax.tree_util.tree_flatten(got)
    assert tree_w == tree_g
    for w, g in zip(flat_w, flat_g):
        np.testing.assert_array_equal(g, np.asarray(w))


def test_static_values_stay_numpy_and_batched_values_report_item_shapes():
    b = Batched(np.zeros((5, 3)), 1)  # item shape (5,), batch 3
    assert b.shape == (5,) and b.ndim == 1
    assert isinstance(NUMPY.where(np.arange(5) > 2, 1, 0), np.ndarray)
    assert (b + np.arange(5)).shape == (5,)
    assert b[..., None].shape == (5, 1)
    with pytest.raises(TypeError):
        bool(b)


def _one_group(n: int):
    rows = [r for r in load_rows("dev.csv") if r["dataflow"] == "os" and r["layer_type"] == "CONV"]
    program, layers, numbers, hw, _ = next(group_arrays(rows[:n]))
    return program, pack_inputs(layers, numbers, hw)


def test_the_engine_picks_eager_for_small_batches_without_a_program(monkeypatch):
    monkeypatch.setenv("DIFFHW_CACHE_DIR", "off")
    monkeypatch.setattr(eager, "_DONE", {})
    program, x = _one_group(8)
    args = (program, (("runtime_cycles",), ()), x)
    monkeypatch.setenv("DIFFHW_EAGER", "auto")
    assert not eager.prefer(evaluate_chunk_quick, eager.EAGER_ITEMS + 1, *args)  # large: compile
    assert eager.prefer(evaluate_chunk_quick, len(x), *args)
    monkeypatch.setenv("DIFFHW_EAGER", "off")
    assert not eager.prefer(evaluate_chunk_quick, len(x), *args)
    monkeypatch.setenv("DIFFHW_EAGER", "on")
    assert eager.prefer(evaluate_chunk_quick, eager.EAGER_ITEMS + 1, *args)


def test_many_small_calls_of_one_program_compile_it(monkeypatch):
    """A search's evaluator calls the same program again and again: eager until the items it ran that way
    would have paid for a compile, then compiled."""
    monkeypatch.setenv("DIFFHW_CACHE_DIR", "off")
    monkeypatch.setenv("DIFFHW_EAGER", "auto")
    monkeypatch.setattr(eager, "_DONE", {})
    program, x = _one_group(8)
    args = (program, (("runtime_cycles",), ()), x)
    calls = [eager.prefer(evaluate_chunk_quick, 1000, *args) for _ in range(eager.EAGER_ITEMS // 1000 + 3)]
    assert calls[:eager.EAGER_ITEMS // 1000] == [True] * (eager.EAGER_ITEMS // 1000) and not any(calls[-2:])


def test_the_engine_uses_a_held_program(monkeypatch):
    monkeypatch.setenv("DIFFHW_CACHE_DIR", "off")
    program, x = _one_group(4)
    from diffhw.engine.cases import union_space, packed_item_states

    program = program.with_space(union_space(packed_item_states(program, x)))
    args = (program, (("runtime_cycles",), ()), x)
    evaluate_chunk_quick(*args)
    monkeypatch.setenv("DIFFHW_EAGER", "auto")
    assert evaluate_chunk_quick.held(*args)
    assert not eager.prefer(evaluate_chunk_quick, len(x), *args)


def test_a_bad_diffhw_eager_is_an_input_error(monkeypatch):
    monkeypatch.setenv("DIFFHW_EAGER", "sometimes")
    with pytest.raises(InputError, match="DIFFHW_EAGER"):
        eager.mode()


def test_cli_reports_a_bad_diffhw_eager_without_a_traceback(tmp_path):
    env = dict(os.environ, DIFFHW_EAGER="fast", DIFFHW_SERVE="off")
    mapping = sorted(glob.glob(os.path.join(DATA, "unseen", "mappings", "*.m")))[0]
    hw = sorted(glob.glob(os.path.join(DATA, "dev", "hw", "*.m")))[0]
    p = subprocess.run([sys.executable, "-m", "diffhw.cli", "maestro", "--mapping", mapping, "--hw", hw,
                        "--out", str(tmp_path / "rows.csv")], env=env, capture_output=True, text=True)
    assert p.returncode != 0
    assert "DIFFHW_EAGER" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "rows.csv").exists()


def test_jax_arrays_namespace_is_jax_numpy():
    assert JAX.where is jnp.where and JAX.vmap is jax.vmap


def test_cache_warm_compiles_and_restores_diffhw_eager(monkeypatch, tmp_path, capsys):
    """`diffhw cache warm` forces compiled programs while it runs, and leaves DIFFHW_EAGER as it found it (a
    `diffhw serve` process runs later commands)."""
    from types import SimpleNamespace

    from diffhw.cli import cache

    monkeypatch.setenv("DIFFHW_CACHE_DIR", str(tmp_path))
    seen = []
    monkeypatch.setattr(cache, "_compile_all", lambda args: seen.append(os.environ.get("DIFFHW_EAGER")) or 0)
    for before in (None, "on"):
        if before is None:
            monkeypatch.delenv("DIFFHW_EAGER", raising=False)
        else:
            monkeypatch.setenv("DIFFHW_EAGER", before)
        assert cache._warm(SimpleNamespace()) == 0
        assert os.environ.get("DIFFHW_EAGER") == before
    assert seen == ["off", "off"]
