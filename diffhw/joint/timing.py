"""Search wall time with JAX's compiles and program loads set apart: `CompileClock`.

A method that meets a new program (a network's exact evaluator, a sweep's group program) first pays its
trace and compile, or its load from diffhw's program store, and a later method reuses it; charging these
one-off costs to no method makes the search seconds of methods that share programs comparable. The compile
time is the union of the time spans, from any thread, that fall inside the block, of JAX's compile events
(`jax.monitoring`: jaxpr tracing, lowering to MLIR, XLA compile or persistent-cache retrieval) and of
deserializing a stored executable (`jax.experimental.serialize_executable.deserialize_and_load`, what the
program store's loads call: timed by wrapping it for the block's duration).
"""

from __future__ import annotations

import threading
import time

__all__ = ["CompileClock", "COMPILE_EVENTS"]

_ACTIVE: list["CompileClock"] = []  # the clocks whose blocks are running (loads are reported to each)
_LOCK = threading.Lock()

#: JAX's compile events (the names of `jax._src.dispatch`'s *_EVENT constants).
COMPILE_EVENTS = ("/jax/core/compile/jaxpr_trace_duration", "/jax/core/compile/jaxpr_to_mlir_module_duration",
                  "/jax/core/compile/backend_compile_duration")


class CompileClock:
    """`with CompileClock() as c: ...` then `c.seconds` (wall), `c.compile_seconds` (JAX compiling, or
    loading stored programs, within the block) and `c.search_seconds` (the difference)."""

    def __init__(self):
        self._spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        self.seconds = self.compile_seconds = 0.0

    def _listen(self, event: str, start: float, end: float, **_) -> None:
        if event in COMPILE_EVENTS:
            with self._lock:
                self._spans.append((start, end))

    def __enter__(self) -> "CompileClock":
        import jax.monitoring

        self._t0, self._w0 = time.perf_counter(), time.time()
        jax.monitoring.register_event_time_span_listener(self._listen)
        with _LOCK:
            if not _ACTIVE:
                _wrap_loads(True)
            _ACTIVE.append(self)
        return self

    def __exit__(self, *exc) -> None:
        import jax.monitoring

        jax.monitoring.unregister_event_time_span_listener(self._listen)
        with _LOCK:
            _ACTIVE.remove(self)
            if not _ACTIVE:
                _wrap_loads(False)
        self.seconds = time.perf_counter() - self._t0
        w1 = time.time()
        total, end = 0.0, self._w0
        for a, b in sorted(self._spans):  # union of the spans, clipped to the block
            a, b = max(a, end), min(b, w1)
            if b > a:
                total += b - a
                end = b
        self.compile_seconds = min(total, self.seconds)

    @property
    def search_seconds(self) -> float:
        return self.seconds - self.compile_seconds



def _wrap_loads(on: bool) -> None:
    """Time every `deserialize_and_load` (a program store load) while a clock runs (`on`), else restore it."""
    from jax.experimental import serialize_executable as se

    if not on:
        se.deserialize_and_load = se.deserialize_and_load.__wrapped__
        return
    load = se.deserialize_and_load

    def timed(*args, **kwargs):
        start = time.time()
        try:
            return load(*args, **kwargs)
        finally:
            end = time.time()
            for clock in list(_ACTIVE):
                clock._listen(COMPILE_EVENTS[-1], start, end)

    timed.__wrapped__ = load
    se.deserialize_and_load = timed
