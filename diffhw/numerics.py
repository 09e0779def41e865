"""Integer primitives with MAESTRO's C++ semantics (exact mode).

MAESTRO computes with `int`/`long` and truncating division; a negative numerator therefore rounds toward
zero, which several of its formulas rely on (e.g. `(dim - map) / ofs` when the map is larger than the
dimension). All functions work on int64 `jax.Array`s of any shape and never divide by zero (a zero
divisor yields 0 where MAESTRO would crash; callers reject such inputs before evaluation).
"""

from __future__ import annotations

import jax.numpy as jnp


def tdiv(a, b):
    """C integer division (truncates toward zero)."""
    b_safe = jnp.where(b == 0, 1, b)
    q = jnp.abs(a) // jnp.abs(b_safe)
    return jnp.where(b == 0, 0, jnp.where((a < 0) != (b_safe < 0), -q, q))


def tmod(a, b):
    """C remainder, consistent with `tdiv`."""
    return a - b * tdiv(a, b)


def ceil_div(a, b):
    """MAESTRO's ceiling division `a/b + (a % b != 0)` in C semantics."""
    return tdiv(a, b) + (tmod(a, b) != 0)


def pmod(a, n):
    """Non-negative remainder (Python semantics) for n > 0; 0 where n == 0."""
    n_safe = jnp.where(n == 0, 1, n)
    return jnp.where(n == 0, 0, a % n_safe)
