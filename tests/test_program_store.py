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
