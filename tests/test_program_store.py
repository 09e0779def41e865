"""The program store (`diffhw.engine`): results are bit-identical with and without it, a damaged or foreign
entry is detected and rebuilt, concurrent writers never leave a partial entry. Every test uses its own
temporary cache directory ($DIFFHW_CACHE_DIR), never ~/.cache."""

import threading

import pytest

from diffhw.results import OUTPUTS
from diffhw.dataflow import TEMPLATES
from diffhw.engine import jit, store
from diffhw.evaluate import evaluate
from diffhw.hardware import HardwareSpec
from diffhw.layers import LayerSpec

HW = [HardwareSpec(64, 512, 65536, 32, 16, name="hw0"), HardwareSpec(168, 512, 110592, 64, 64, name="hw6")]
LAYERS = [LayerSpec(f"l{i}", "CONV", {"K": k, "C": c, "R": r, "S": r, "Y": y, "X": y}, {"Y": s, "X": s},
                    TEMPLATES["ws"])
          for i, (k, c, r, y, s) in enumerate([(16, 8, 3, 14, 1), (64, 3, 7, 56, 2), (33, 20, 1, 9, 1)])]


@pytest.fixture(autouse=True)
def compiled(monkeypatch):
    """The store keeps compiled programs: every test here compiles (small batches would run eagerly)."""
    monkeypatch.setenv("DIFFHW_EAGER", "off")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache root; the process forgets its loaded programs before and after."""
    monkeypatch.setenv(store.ENV, str(tmp_path))
    jit.forget()
    yield tmp_path
    jit.forget()


def rows():
    ev = evaluate(LAYERS, HW)
    assert ev.errors == []
    return ev.rows


def entries(root):
    return sorted((root / "programs").glob("*/*.prog"))


def test_results_are_bit_identical_with_and_without_the_store(cache, monkeypatch):
    stored = rows()  # built, then written to the store
    assert len(entries(cache)) == 2  # the state analysis and the evaluation
    jit.forget()
    loaded = rows()  # every program from the store
    monkeypatch.setenv(store.ENV, "off")
    plain = rows()
    assert stored == loaded == plain
    assert set(plain[0]) == set(OUTPUTS)


def test_damaged_and_foreign_entries_are_rebuilt(cache):
    want = rows()
    state, evaluation = entries(cache)
    good = {p: p.read_bytes() for p in (state, evaluation)}
    state.write_bytes(good[state][:len(good[state]) // 2])  # truncated
    foreign = good[evaluation].replace(b'"jax": "', b'"jax": "0.0.0-', 1)  # another JAX's header
    assert foreign != good[evaluation]
    for damaged in (foreign, b"garbage" * 100, good[evaluation][:-10] + b"0123456789"):
        evaluation.write_bytes(damaged)
        assert store.ProgramStore(cache).read(evaluation.name.split("-")[0], evaluation.stem.split("-")[-1]) is None
        assert not evaluation.exists()  # a failed check removes the entry
        evaluation.write_bytes(damaged)
        jit.forget()
        assert rows() == want
        assert evaluation.read_bytes() != damaged  # rebuilt and stored again
    key = state.stem.split("-")[-1]
    assert store.ProgramStore(cache).read(state.name.split("-")[0], key) is not None


def test_concurrent_writers_leave_whole_entries(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV, str(tmp_path))
    st = store.ProgramStore(tmp_path)
    payloads = [bytes([i]) * (1 << 20) for i in range(8)]
    seen = []

    def write(p):
        for _ in range(5):
            st.write("prog", "k", p)
            seen.append(st.read("prog", "k"))

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s in payloads for s in seen)  # never a partial or mixed entry
    assert st.read("prog", "k") in payloads
    assert [p.name for p in st.dir.iterdir()] == [st.path("prog", "k").name]  # no temporary file left


def test_cache_info_and_clear(cache):
    rows()
    got = store.info(cache)
    assert got["programs"]["entries"] == 2 and got["programs"]["bytes"] > 0
    assert store.clear(cache) >= got["programs"]["bytes"]
    assert store.info(cache)["programs"]["entries"] == 0


def _relaxed_step():
    """One codesign step (`gradient.Step` with an `opt_key`: its programs kept in the store) of a one-layer
    problem under ws: a function returning its outputs (params, Adam state, loss, gradients) as arrays."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax

    from diffhw.optimize import gradient
    from diffhw.optimize.problem import Problem
    from diffhw.optimize.tiles import KNOBS

    problem = Problem.make([("tiny", LAYERS[:1])], dataflows=("ws",), area_budget=2e7,
                           bounds={"num_pes": (16, 256), "noc_bw": (1, 64), "offchip_bw": (1, 64)})
    sur = gradient.Surrogate(problem, case_samples=2)
    rng = np.random.default_rng(0)
    params = (jnp.asarray(rng.normal(0, 1, (2, len(sur.free)))), jnp.asarray(rng.normal(0, 0.5, (2, 1, 1))),
              jnp.asarray(rng.normal(0, 1, (2, problem.num_tile_layers, 1, KNOBS))))
    opt = optax.adam(0.1)
    state = opt.init(params)

    def step():
        out = gradient.Step(sur, opt, 50.0, params, state, 0.1, opt_key="adam(0.1)")(params, state, 0.1)
        return [np.asarray(x) for x in jax.tree_util.tree_leaves(out)]

    return step


def test_relaxed_step_is_bit_identical_with_and_without_the_store(cache, monkeypatch):
    """The codesign step's relaxed programs: built and stored, then loaded from the store, one step gives
    the same parameters, Adam state, loss and gradients as without a store; an entry that checks out but
    fails its first run (here: the group program's bytes in the inputs program's entry) is rebuilt."""
    import numpy as np

    step = _relaxed_step()
    built = step()  # traced, compiled and stored
    codesign = [p for p in entries(cache) if p.name.startswith("codesign_")]
    assert sorted(p.name.split("-")[0] for p in codesign) == ["codesign_grads", "codesign_group0",
                                                             "codesign_inputs"]
    jit.forget()
    loaded = step()
    monkeypatch.setenv(store.ENV, "off")
    plain = step()
    assert len(built) == len(loaded) == len(plain) == 14  # params 3, Adam (count, mu 3, nu 3), loss, grads 3
    for a, b, c in zip(built, loaded, plain):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    monkeypatch.setenv(store.ENV, str(cache))
    st = store.ProgramStore(cache)
    name = {p.name.split("-")[0]: p.stem.split("-") for p in codesign}
    st.write(*name["codesign_inputs"], st.read(*name["codesign_group0"]))
    jit.forget()
    for a, b in zip(built, step()):
        np.testing.assert_array_equal(a, b)
    assert st.read(*name["codesign_inputs"]) not in (None, st.read(*name["codesign_group0"]))  # rebuilt


_RUN = """
import json, os, sys
import jax
jax.config.update("jax_compilation_cache_dir", sys.argv[1])
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
from diffhw.engine import jit
from test_program_store import rows
print(json.dumps({"rows": rows(), "failed_first_runs": jit.FAILED_FIRST_RUNS}))
"""


def test_programs_in_jax_compilation_cache_are_stored_whole(tmp_path):
    """JAX's persistent compilation cache returns deserialized executables, which serialized again lack their
    kernels ("Function ... not found" in the next process, jaxlib 0.10.2). A run without the store fills
    JAX's cache; a run with the store must still store whole programs: a third process runs them from the
    store and none fails its first run (a failing one would be rebuilt silently)."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.dirname(__file__), os.environ.get("PYTHONPATH", "")]))

    def run(cache_dir):
        out = subprocess.run([sys.executable, "-c", _RUN, str(tmp_path / "jax")], capture_output=True, text=True,
                             check=True, env=dict(env, DIFFHW_CACHE_DIR=cache_dir)).stdout
        return json.loads(out.strip().splitlines()[-1])

    plain = run("off")  # fills JAX's cache with the programs
    assert list((tmp_path / "jax").iterdir())
    built = run(str(tmp_path))  # builds and stores them
    stored = {p: p.stat().st_ino for p in entries(tmp_path)}
    assert len(stored) == 2
    loaded = run(str(tmp_path))
    assert plain["rows"] == built["rows"] == loaded["rows"]
    assert loaded["failed_first_runs"] == 0
    assert {p: p.stat().st_ino for p in entries(tmp_path)} == stored  # nothing rebuilt


def test_a_stored_program_that_fails_to_run_is_rebuilt(cache):
    """An entry whose header checks out but whose program is not the key's (here: the state analysis and
    the evaluation swapped) fails its first run; it is removed and rebuilt, with the same results."""
    want = rows()
    st = store.ProgramStore(cache)
    (a, pa), (b, pb) = [(p, st.read(*p.stem.split("-"))) for p in entries(cache)]
    st.write(*a.stem.split("-"), pb)
    st.write(*b.stem.split("-"), pa)
    jit.forget()
    assert rows() == want
    assert st.read(*a.stem.split("-")) not in (None, pb) and st.read(*b.stem.split("-")) not in (None, pa)


def test_cache_command_warms_reports_and_clears(cache, capsys):
    """`diffhw cache warm` fills the store (here: a one-layer model under ws, no codesign), `info` counts
    the entries, `clear` removes them."""
    import jax

    from diffhw.cli import main

    model = cache / "tiny.m"
    model.write_text("Network tiny {\nLayer c1 {\nType: CONV\n"
                     "Dimensions { K: 16, C: 8, R: 3, S: 3, Y: 14, X: 14 }\n}\n}\n")
    saved = {k: getattr(jax.config, k) for k in ("jax_compilation_cache_dir",
                                                  "jax_persistent_cache_min_compile_time_secs")}
    try:
        assert main(["cache", "warm", "--models", str(model), "--templates", "ws", "--codesign"]) == 0
        assert "warm: 2 programs added" in capsys.readouterr().out
        assert main(["cache", "info"]) == 0
        assert "programs: 2 compiled programs" in capsys.readouterr().out
        assert main(["cache", "clear"]) == 0
        assert store.info(cache)["programs"]["entries"] == 0
    finally:
        for k, v in saved.items():
            jax.config.update(k, v)
