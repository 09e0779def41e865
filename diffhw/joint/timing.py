"""Search wall time with JAX's compiles and program loads set apart: `CompileClock`.

A method that meets a new program (a network's exact evaluator, a sweep's group program) first pays its
trace and compile, or its load from diffhw's program store, and a later method reuses it; charging these
one-off costs to no method makes the search seconds of methods that share programs comparable. The compile
time is the union of the time spans, from any thread, that fall inside the block, of JAX's compile events
(`jax.monitoring`: jaxpr tracing, lowering to MLIR, XLA compile or persistent-cache retrieval) and of
the program store's loads (`diffhw.engine.store.LOAD_EVENT`, recorded by `diffhw.engine.jit`).
"""

from __future__ import annotations

import threading
import time

from diffhw.engine.store import LOAD_EVENT

__all__ = ["CompileClock", "COMPILE_EVENTS"]

#: JAX's compile events (the names of `jax._src.dispatch`'s *_EVENT constants) and the program store's loads.
COMPILE_EVENTS = ("/jax/core/compile/jaxpr_trace_duration", "/jax/core/compile/jaxpr_to_mlir_module_duration",
                  "/jax/core/compile/backend_compile_duration", LOAD_EVENT)


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
        return self

    def __exit__(self, *exc) -> None:
        import jax.monitoring

        jax.monitoring.unregister_event_time_span_listener(self._listen)
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
