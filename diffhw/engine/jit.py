"""Compiled programs that outlive the process: `StoredJit` (a `jax.jit` whose executables go to the program
store), and `compiled` / `call` (one program by key, for callers that lower programs themselves).

A program is looked up in this order: the process's own (one per key, built once even when several dispatch
threads ask at the same time), the program store (`diffhw.engine.store`: no tracing, no lowering, no XLA
compile), else traced, lowered, compiled and written to the store. The first run of a program loaded from
the store is checked (its result awaited, `call`); one that fails is removed from the store and rebuilt.
Without a store ($DIFFHW_CACHE_DIR unset or `off`) a `StoredJit` is plain `jax.jit`. The key is the SHA-256
of the program's name and the text of what decides it (static arguments, input shapes and dtypes, compiler
options); a static argument whose repr is not a value (an object address) is not stored.

A program built for the store is compiled afresh, never taken from JAX's persistent compilation cache: an
executable that cache returns is itself deserialized, and serialized again it lacks its kernels (jaxlib
0.10.2, CPU: the next process fails with "Function ... not found"). `fresh` compiles under a compile option
of its own (`FRESH_OPTION`, set to its default value: the same code, another cache key) with the cache's
writes off in the compiling thread, and a program the cache answered anyway is not stored.
"""

from __future__ import annotations

import contextlib
import pickle
import re
import threading
import time
from typing import Callable, Optional, Sequence

import jax
import numpy as np
from jax.experimental import serialize_executable

from diffhw.dispatch import usable_cores
from diffhw.engine.store import LOAD_EVENT, ProgramStore, cache_root, digest

_LOADED: dict[tuple, object] = {}  # (name, key) -> jax.stages.Compiled, for the life of the process
_LOCKS: dict[str, threading.Lock] = {}
_KEYS: dict[tuple, str] = {}  # (name, what) -> key
_UNCHECKED: set[tuple] = set()  # loaded from the store, not yet run (see `call`)
FAILED_FIRST_RUNS = 0  # programs of this process loaded from the store whose first run failed (rebuilt)
_GUARD = threading.Lock()
_LOADING = threading.BoundedSemaphore(usable_cores())  # deserializations at a time (`_load`)
_STORES: dict = {}
#: An XLA option at its default value: it changes no code, only JAX's cache key of a program built for the
#: store (so that no entry a plain `jax.jit` wrote to JAX's persistent cache answers it; see the docstring).
FRESH_OPTION = {"xla_embed_ir_in_executable": False}
_CACHE_HITS = threading.local()  # .count: JAX persistent-cache hits in this thread


def _on_event(event: str, **_) -> None:
    if event == "/jax/compilation_cache/cache_hits":
        _CACHE_HITS.count = getattr(_CACHE_HITS, "count", 0) + 1


jax.monitoring.register_event_listener(_on_event)


def _no_cache_writes():
    """This thread's compiles do not write JAX's persistent cache (a context manager: JAX writes a program
    that took at least this thread's `jax_persistent_cache_min_compile_time_secs` to compile)."""
    from jax._src import config

    state = getattr(config, "persistent_cache_min_compile_time_secs", None)
    return state(float("inf")) if state is not None else contextlib.nullcontext()


def fresh(lowered: "jax.stages.Lowered") -> tuple["jax.stages.Compiled", bool]:
    """(`lowered` compiled by XLA, whether it may be stored): never an executable of JAX's persistent
    compilation cache (see the module docstring)."""
    before = getattr(_CACHE_HITS, "count", 0)
    with _no_cache_writes():
        prog = lowered.compile(FRESH_OPTION)
    return prog, getattr(_CACHE_HITS, "count", 0) == before


def store() -> Optional[ProgramStore]:
    """The program store of the current $DIFFHW_CACHE_DIR, or None."""
    root = cache_root()
    if root is None:
        return None
    if root not in _STORES:
        _STORES[root] = ProgramStore(root)
    return _STORES[root]


def compiled(name: str, what: str, lower: Optional[Callable[[], "jax.stages.Lowered"]] = None):
    """The compiled program `name` decided by `what` (a deterministic description: see the module
    docstring), from this process, the store, or `fresh(lower())` (then stored). Returns a
    `jax.stages.Compiled`, or None when it is not held or stored and there is no `lower`."""
    st = store()
    key = _key(name, what)
    prog = _LOADED.get((name, key))
    if prog is not None:
        return prog
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        prog = _LOADED.get((name, key))
        if prog is None:
            prog = _load(st, name, key) if st is not None else None
            if prog is not None:
                _UNCHECKED.add((name, key))
            elif lower is not None:
                prog, storable = fresh(lower())
                if st is not None and storable:
                    _save(st, name, key, prog)
            if prog is not None:
                _LOADED[name, key] = prog
    return prog


def stored(name: str, what: str) -> bool:
    """Whether program (name, what) is held by this process or has an entry in the store (not yet checked:
    `compiled` may still have to build it)."""
    key = _key(name, what)
    if (name, key) in _LOADED:
        return True
    st = store()
    return st is not None and st.path(name, key).is_file()


def call(name: str, what: str, lower: Callable[[], "jax.stages.Lowered"], *args):
    """Run program (name, what) (`compiled`) on `args`. The first run of a program loaded from the store
    waits for its result: one that fails (a kernel missing from the executable, a foreign program) is
    removed from the store and rebuilt from `lower()`."""
    prog = compiled(name, what, lower)
    key = (name, _key(name, what))
    if key not in _UNCHECKED:
        return prog(*args)
    try:
        out = jax.block_until_ready(prog(*args))
    except Exception:  # noqa: BLE001 - whatever the stored executable raises, the rebuilt one decides
        global FAILED_FIRST_RUNS
        FAILED_FIRST_RUNS += 1
        discard(name, what)
        return compiled(name, what, lower)(*args)
    _UNCHECKED.discard(key)
    return out


def _key(name: str, what: str) -> str:
    """The store key of (name, what), computed once per process (a chunk's call must not hash its text)."""
    key = _KEYS.get((name, what))
    if key is None:
        key = _KEYS[name, what] = digest(f"{name}\n{what}")
    return key


def shapes(tree) -> str:
    """The structure, shapes and dtypes of a pytree of arrays (or `jax.ShapeDtypeStruct`s) as text."""
    leaves, treedef = jax.tree_util.tree_flatten(tree)
    return repr(treedef) + repr([(tuple(np.shape(x)), str(x.dtype)) for x in leaves])


def discard(name: str, what: str) -> None:
    """Drop program (name, what) from this process and from the store (it failed: it is rebuilt)."""
    key = _key(name, what)
    _LOADED.pop((name, key), None)
    _UNCHECKED.discard((name, key))
    st = store()
    if st is not None:
        st.path(name, key).unlink(missing_ok=True)


def forget() -> None:
    """Drop the programs this process holds: the next call of each loads it from the store (or builds it)."""
    _LOADED.clear()
    _UNCHECKED.clear()


def _load(st: ProgramStore, name: str, key: str):
    """The stored program (name, key). XLA deserializes a CPU executable in the calling thread (the GIL
    released), so loads run side by side, at most one per usable core: on an idle 2-core machine the
    unseen reference set's 14 programs (6.6 MB) load in 0.48 s in two threads and 0.81 s one after the other
    (docs/startup.md)."""
    payload = st.read(name, key)
    if payload is None:
        return None
    try:
        exe, in_tree, out_tree = pickle.loads(payload)
        with _LOADING:
            start = time.time()
            prog = serialize_executable.deserialize_and_load(exe, in_tree, out_tree)
            jax.monitoring.record_event_time_span(LOAD_EVENT, start, time.time())
            return prog
    except Exception:  # noqa: BLE001 - checked bytes that still do not load (e.g. a runtime change): rebuild
        st.path(name, key).unlink(missing_ok=True)
        return None


def _save(st: ProgramStore, name: str, key: str, prog) -> None:
    try:
        payload = pickle.dumps(serialize_executable.serialize(prog), protocol=pickle.HIGHEST_PROTOCOL)
    except (ValueError, NotImplementedError, TypeError, pickle.PicklingError):
        return  # a program the runtime cannot serialize: it is simply rebuilt next time
    st.write(name, key, payload)


def stable_repr(x) -> str:
    """repr of a value that decides a program; TypeError when it names an object address (not the same in
    the next process: such a program is not stored)."""
    text = repr(x)
    if " at 0x" in text:
        raise TypeError(f"{type(x).__name__} has no stable repr")
    return text


class StoredJit:
    """`jax.jit(fn, static_argnums, compiler_options)` whose compiled programs are kept in the program store
    (see the module docstring). Call it like the jitted function; positional arguments only."""

    def __init__(self, fn: Callable, static_argnums: Sequence[int], compiler_options: Optional[dict] = None):
        self.name = re.sub(r"[^A-Za-z0-9]+", "_", f"{fn.__module__}.{fn.__qualname__}").strip("_")
        self.static = tuple(static_argnums)
        self.options = dict(compiler_options or {})
        self.jit = jax.jit(fn, static_argnums=self.static, compiler_options=compiler_options)
        self._what: dict[tuple, Optional[str]] = {}  # (static args, input shapes and dtypes) -> what
        self._called: set[tuple] = set()  # signatures this process has run

    def _dynamic(self, args) -> list:
        return [a for i, a in enumerate(args) if i not in self.static]

    def _signature(self, args) -> tuple:
        """(static arguments, input shapes and dtypes): what decides the program of a call."""
        return (tuple(args[i] for i in self.static),
                tuple((np.shape(a), np.result_type(a)) for a in self._dynamic(args)))

    def _what_of(self, sig) -> Optional[str]:
        """The store's description of a call signature (None: not storable)."""
        if sig not in self._what:
            try:
                self._what[sig] = "\n".join([stable_repr(list(sig[0])), repr([(s, str(t)) for s, t in sig[1]]),
                                             repr(sorted(self.options.items()))])
            except TypeError:
                self._what[sig] = None
        return self._what[sig]

    def __call__(self, *args):
        sig = self._signature(args)
        self._called.add(sig)
        if store() is None:
            return self.jit(*args)
        dynamic = self._dynamic(args)
        if any(isinstance(a, jax.Array) and len(a.sharding.device_set) > 1 for a in dynamic):
            return self.jit(*args)  # sharded over several devices: the key does not describe the sharding
        what = self._what_of(sig)
        if what is None:
            return self.jit(*args)
        return call(self.name, what, lambda: self.jit.lower(*args), *dynamic)

    def held(self, *args) -> bool:
        """Whether this process has run the program of `args` (the call's arguments): it is compiled."""
        return self._signature(args) in self._called

    def in_store(self, *args) -> bool:
        """Whether the program store holds the program of `args` (loading it costs no trace or compile)."""
        what = self._what_of(self._signature(args)) if store() is not None else None
        return what is not None and stored(self.name, what)

    def programs(self) -> int:
        """Compiled programs this process holds for the function (from the store or built)."""
        return self.jit._cache_size() + sum(1 for name, _ in _LOADED if name == self.name)
