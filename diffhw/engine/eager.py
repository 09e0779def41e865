"""The exact model run eagerly in NumPy over a batch (`diffhw.numerics.NumpyExact`): the engine's programs
without a trace or an XLA compile, for batches too small to repay one.

A compiled program costs 0.3-3 s of tracing and compiling before its first result, then evaluates millions
of items per second; the eager model starts at once and evaluates ~10^4-10^5 items per second. `prefer`
picks per batch part (see docs/startup.md): compiled when this process holds the program, when the store
holds it and it is used again or for many items, or when the items run eagerly would outgrow a compile;
eager otherwise. `DIFFHW_EAGER=on|off` forces one of them (`auto`, the default, picks). This
module imports no JAX (the `diffhw` command checks DIFFHW_EAGER before it imports anything heavy).
"""

from __future__ import annotations

import os
import threading

import numpy as np

from diffhw.batched import NUMPY
from diffhw.engine.packing import unpack_inputs
from diffhw.errors import InputError
from diffhw.program import Program

#: Batches of at most this many items are evaluated eagerly when their program is not compiled yet (the
#: eager model's ~10k items/s against 1-3 s of tracing and compiling a program), and of at most
#: EAGER_ITEMS_STORED when the program store holds it (against ~0.05-0.1 s to load one; docs/startup.md).
EAGER_ITEMS = 16_384
EAGER_ITEMS_STORED = 1_024
MODES = ("auto", "on", "off")
_DONE: dict[tuple, int] = {}  # (program name, static arguments) -> items run eagerly by this process
_LOCK = threading.Lock()


def mode() -> str:
    """$DIFFHW_EAGER: auto (default), on or off."""
    m = os.environ.get("DIFFHW_EAGER", "auto").strip().lower() or "auto"
    if m not in MODES:
        raise InputError(message=f"DIFFHW_EAGER={m!r} is not one of {', '.join(MODES)}",
                         fix="unset DIFFHW_EAGER, or set it to auto, on or off")
    return m


def prefer(jitted, items: int, *args) -> bool:
    """Whether `items` items of the program `jitted(*args)` (a `diffhw.engine.jit.StoredJit`; args: one
    chunk's arguments) should run eagerly: by `mode`; in auto mode never once this process holds the
    compiled program; when the program store holds it, only the program's first use, and only up to
    `EAGER_ITEMS_STORED` items (a second use suggests a search, whose many calls repay the load); else
    while the items this process has run eagerly under the program's static arguments, these included,
    stay within `EAGER_ITEMS`. So a large batch, or many small calls of the same program (a search's
    evaluator), compile or load it once; a few small batches never do."""
    m = mode()
    if m != "auto":
        return m == "on"
    if jitted.held(*args):
        return False
    stored = jitted.in_store(*args)
    key = (jitted.name, tuple(args[i] for i in jitted.static))
    with _LOCK:
        done = _DONE.get(key)
        if stored:
            ok = done is None and items <= EAGER_ITEMS_STORED
        else:
            ok = (done or 0) + items <= EAGER_ITEMS
        _DONE[key] = (done or 0) + (items if ok else 0)
    return ok


def run(fn, program: Program, inputs: np.ndarray):
    """fn(layers, hw, numbers, nm) on a batch's `pack_inputs` matrix [B, F], eagerly: `NUMPY.vmap` of it, a
    pytree of lists / tuples / dicts of NumPy arrays [B, ...] (what `jax.vmap(fn)` would return).
    Floating-point warnings are off: the model's 0/0 and x/0 are MAESTRO's NaN / inf outputs."""
    from diffhw.numerics import NumpyExact  # JAX (64-bit mode): the model's modules import it anyway

    nm = NumpyExact()
    layers, numbers, hw = unpack_inputs(program, np.asarray(inputs))
    with np.errstate(all="ignore"):
        return NUMPY.vmap(lambda lay, h, num: fn(lay, h, num, nm))(layers, hw, numbers)
