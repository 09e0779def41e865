"""The numerics the cost model is written against: exact (MAESTRO's integers) and relaxed (smooth).

The analysis in `diffhw.cost` is written once against the `Numerics` protocol: division, ceiling division,
comparisons, boolean logic, selection, max/min, reductions over the case axis (`reduce_cases`, several
at once), order statistics over the cases (`order_statistics`, from which `walk` builds MAESTRO's walk over
the cases in its order), input types, MAESTRO's int wrap-around and its stop conditions
(`diagnostics`, exact only). The model never asks which numerics it runs. Two implementations:

- `Exact`: MAESTRO's C++ semantics on int64 (truncating division; a negative numerator rounds toward
  zero, which several of its formulas rely on, e.g. `(dim - map) / ofs` when the map exceeds the
  dimension). A zero divisor yields 0 where MAESTRO would crash; callers reject such inputs first.
- `Relaxed(temperature)`: the same operations on float64 with smooth surrogates. Booleans become
  probabilities in [0, 1] (and = product, or = a + b - ab, not = 1 - a, select = convex mix);
  comparisons of integer quantities become sigmoids centred half a unit from the integer threshold;
  floor division becomes a smooth staircase; max/min become sigmoid- or softmax-weighted (exact at
  ties). `temperature` is a *relative* width: a comparison of a and b is smoothed over T * max(1, |a|,
  |b|) units, a floor over T quotient steps, so one temperature smooths small and large quantities
  alike (T ~ 0.05-0.3 follows trends; T -> 0 is exact). At integer inputs every surrogate converges to
  the exact value as T -> 0; T = 1e-6 reproduces every dev.csv row.

`Relaxed` is a pytree whose only leaf is the temperature, so annealing does not recompile.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Protocol

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from diffhw.batched import NUMPY

# The one place 64-bit mode is set: MAESTRO's integers are int64 and the relaxed model float64, so every
# path into the cost model (which all go through this module) has it before anything is traced.
jax.config.update("jax_enable_x64", True)

I64 = np.int64
F64 = np.float64
#: Default relaxed temperature (rank correlation with the exact model >= 0.99 on dev.csv) and the smallest
#: supported one (reproduces every dev.csv row; see tests/test_relaxed.py).
DEFAULT_TEMPERATURE = 0.05
MIN_TEMPERATURE = 1e-6
#: The temperatures (low, high) over which the relaxed model is finite and positive on the whole hardware box,
#: fewer PEs than a dataflow's clusters need included (tests/test_relaxed.py); searches anneal inside it.
#: Below it the model approaches the exact one, where such points are invalid (docs/relaxed.md).
SEARCH_TEMPERATURES = (0.01, 1.0)


class Numerics(Protocol):
    """The primitives the cost model uses; `Exact` and `Relaxed` implement all of them. Booleans are bool
    arrays (exact) or probabilities (relaxed); "the case axis" is the last one."""

    dtype: object

    def num(self, x): """A number of the model's dtype."""
    def count(self, c): """A boolean as a number (0/1, or its probability)."""
    def bool(self, x): """A constant boolean."""
    def div(self, a, b): """C integer division a / b (truncating; 0 where b == 0)."""
    def ceil_div(self, a, b): """MAESTRO's ceiling division."""
    def lt(self, a, b): """a < b."""
    def le(self, a, b): """a <= b."""
    def eq(self, a, b): """a == b."""
    def and_(self, a, b): """a and b."""
    def or_(self, a, b): """a or b."""
    def not_(self, a): """not a."""
    def where(self, c, a, b): """a where c, else b."""
    def maximum(self, a, b): """Elementwise max."""
    def minimum(self, a, b): """Elementwise min."""
    def max(self, x, where, axis=-1): """max of x over `axis` where `where` holds (0 if nowhere)."""
    def min(self, x, where, axis=-1): """min of x over `axis` where `where` holds."""
    def shift_right(self, v, k): """v >> k."""
    def reduce_cases(self, terms: dict) -> dict: """Several sum/max/min reductions over the case axis."""
    def floor_ratio(self, a, b): """floor(a / b) taken in floating point, as an integer output."""
    def round(self, x): """A discrete index (orders of cases)."""
    def order_statistics(self, queries: dict, count=None) -> dict:
        """Per query (flags, order): whether any flag holds and, per case, that none comes strictly earlier
        in `order`; with `count` (flags, order) the flagged cases at or after each case (`later`)."""
    def select_bits(self, conds, table): """Per case, the row of `table` [2^E] its E bits index."""
    def inputs(self, layer, hw, numbers): """The model's inputs (Layers, Hardware, numbers) in this numerics' types."""
    def wrap_int32(self, x): """MAESTRO's int product (wraps modulo 2^32 in the exact model)."""
    def diagnostics(self, build) -> dict: """`build()`'s MAESTRO stop-condition terms (exact model only)."""


def _masked_exp(w, z):
    """w * exp(z), 0 where w == 0 (a masked-out value above the kept maximum would give 0 * inf = NaN); the
    inner `where` keeps the gradient finite too."""
    return jnp.where(w > 0, w * jnp.exp(jnp.where(w > 0, z, 0.0)), 0.0)


class JaxArrays:
    """The array namespace of the traced numerics: jax.numpy, and the lax operations the model uses under
    the names `diffhw.batched.NumpyArrays` gives them (the exact model's eager NumPy twin of this one)."""

    def __getattr__(self, name):
        return getattr(jnp, name)

    vmap = staticmethod(jax.vmap)
    int_div = staticmethod(lax.div)
    population_count = staticmethod(lax.population_count)

    @staticmethod
    def reduce(xs, inits, ops, axis: int):
        """Reductions `ops` ("sum" | "max" | "min", one per array) of same-shaped `xs` over `axis`, as one
        variadic reduce."""
        fns = [{"sum": lax.add, "max": lax.max, "min": lax.min}[op] for op in ops]
        return lax.reduce(tuple(xs), tuple(inits), lambda a, b: tuple(f(p, q) for f, p, q in zip(fns, a, b)),
                          (axis % xs[0].ndim,))


JAX = JaxArrays()


def _promote(xp, a, b):
    dtype = xp.result_type(a, b)
    return xp.broadcast_arrays(xp.asarray(a, dtype), xp.asarray(b, dtype))


def tdiv(a, b, xp=JAX):
    """C integer division (truncates toward zero); 0 where b == 0. Dividing magnitudes and fixing the sign
    compiles to faster CPU code than a signed `lax.div` (measured 1.7x on the whole model)."""
    a, b = _promote(xp, a, b)
    b_safe = xp.where(b == 0, 1, b)
    q = xp.int_div(xp.abs(a), xp.abs(b_safe))
    return xp.where(b == 0, 0, xp.where((a < 0) != (b_safe < 0), -q, q))


def ceil_div(a, b, xp=JAX):
    """MAESTRO's ceiling division `a/b + (a % b != 0)` in C semantics (one division)."""
    q = tdiv(a, b, xp)
    return q + (a != q * b)


@dataclass(frozen=True)
class Exact:
    """MAESTRO's integer semantics (int64, truncating division, hard booleans)."""

    dtype = I64
    xp = JAX  # the array namespace (`NumpyExact`: the same model eagerly in NumPy)

    def num(self, x):
        """A number of the model's dtype."""
        return self.xp.asarray(x, I64)

    def count(self, c):
        """A boolean as a number (0/1)."""
        return self.xp.asarray(c).astype(I64)

    def div(self, a, b):
        return tdiv(a, b, self.xp)

    def ceil_div(self, a, b):
        return ceil_div(a, b, self.xp)

    def lt(self, a, b):
        return a < b

    def le(self, a, b):
        return a <= b

    def eq(self, a, b):
        return a == b

    def and_(self, a, b):
        return a & b

    def or_(self, a, b):
        return a | b

    def not_(self, a):
        return ~a

    def where(self, c, a, b):
        return self.xp.where(c, a, b)

    def maximum(self, a, b):
        return self.xp.maximum(a, b)

    def minimum(self, a, b):
        return self.xp.minimum(a, b)

    def max(self, x, where, axis=-1):
        """max of x over `axis` where `where` holds (0 if nowhere)."""
        return self.xp.where(where, x, 0).max(axis=axis, initial=0)

    def min(self, x, where, axis=-1):
        """min of x over `axis` where `where` holds (INT64_MAX if nowhere, as MAESTRO's initial value)."""
        return self.xp.where(where, x, np.iinfo(np.int64).max).min(axis=axis)

    def shift_right(self, v, k):
        """v >> k for 0 <= k (0 for k >= 62, as C's shift of a long by a large count is avoided)."""
        xp = self.xp
        return xp.where(k >= 62, 0, xp.right_shift(v, xp.minimum(k, 62)))

    def bool(self, x):
        return self.xp.asarray(x, bool)

    def reduce_cases(self, terms: dict) -> dict:
        """Several reductions over the case axis (the last) as one variadic reduce. terms: name -> ("sum",
        x) | ("max", x, where) | ("min", x, where), each as `x.sum(-1)`, `max`, `min`. Taken separately,
        each reduction's fusion recomputes the per-case values it needs (XLA duplicates elementwise
        producers into every consumer, and a case's traffic and delays take hundreds of operations); one
        reduce computes them once (docs/performance.md)."""
        xp = self.xp
        big = np.iinfo(np.int64).max
        xs, inits, ops = [], [], []
        for op, x, *where in terms.values():
            x = xp.asarray(x)
            if op == "max":
                x, init = xp.where(where[0], x, 0), 0
            elif op == "min":
                x, init = xp.where(where[0], x, big), big
            else:
                init = 0
            xs.append(x)
            inits.append(xp.asarray(init, x.dtype))
            ops.append(op)
        shape = xp.broadcast_shapes(*(x.shape for x in xs))
        assert all(x.shape == shape for x, (op, *_) in zip(xs, terms.values()) if op == "sum"), \
            "a summed term must carry the case axis"
        out = xp.reduce([xp.broadcast_to(x, shape) for x in xs], inits, ops, -1)
        return dict(zip(terms, out))

    def floor_ratio(self, a, b):
        """floor(a / b) of integers computed as a float64 ratio (MAESTRO averages in floating point), as an
        integer output."""
        xp = self.xp
        return xp.floor(xp.asarray(a, F64) / xp.asarray(b, F64)).astype(I64)

    def round(self, x):
        """An integer-valued quantity used as an index (orders of cases): exact already."""
        return x

    def order_statistics(self, queries: dict, count=None) -> dict:
        """Per query name -> (flags [K], order [K], distinct ints in [0, K)): `name` -> (whether any flag
        holds, per case whether no flagged case comes strictly earlier in `order`); with `count` = (flags,
        order), `later` -> per case the count of flagged cases whose order is at least its own. Every
        reduction goes into one `reduce_cases`. `later` counts with a bit set of the flagged cases' orders
        (one uint64 word per 64 cases) and a popcount above each case's order: O(K) vector work, where a
        histogram needs a scatter that XLA CPU runs as a serial loop."""
        xp = self.xp
        big = np.iinfo(np.int64).max
        terms = {name: ("min", order, flags) for name, (flags, order) in queries.items()}
        if count is not None:
            flags, order = count
            k = order.shape[-1]
            o = xp.clip(order, 0, k - 1).astype(np.uint64)
            word, bit = o >> 6, o & 63
            for w in range(-(-k // 64)):
                terms[("word", w)] = ("sum", xp.where(flags & (word == w), np.uint64(1) << bit, np.uint64(0)))
        r = self.reduce_cases(terms)
        out = {name: (r[name] < big, order <= r[name]) for name, (_, order) in queries.items()}
        if count is not None:
            later = xp.zeros(order.shape, I64)
            for w in range(-(-k // 64)):
                # a case in this word counts the bits from its own up; one in a lower word all of them
                above = xp.population_count(r[("word", w)][..., None] >> xp.where(word == w, bit, 0)).astype(I64)
                later = later + xp.where(word <= w, above, 0)
            out["later"] = later
        return out

    def select_bits(self, conds, table):
        """Per case, the row of `table` (a pytree of arrays [2^E]) that the case's bits `conds` (E flags
        [K], bit i = conds[i]) index: a tree of selects on the bits (a gather is slow on CPU). -> [K]."""
        k = conds[0].shape[-1] if conds else 1

        def select(x):
            vals = [x[p] for p in range(x.shape[0])]
            for c in conds:
                vals = [self.xp.where(c, hi, lo) for lo, hi in zip(vals[0::2], vals[1::2])]
            return self.xp.broadcast_to(vals[0], (k,))

        return jax.tree_util.tree_map(select, table)

    def inputs(self, layer, hw, numbers):
        """The model's inputs (Layers, Hardware, numbers) as this numerics takes them (exact: the integers
        as given)."""
        return layer, hw, numbers

    def wrap_int32(self, x):
        """MAESTRO's C `int` arithmetic: a product kept in an int wraps modulo 2^32."""
        return ((x + 2**31) & (2**32 - 1)) - 2**31

    def diagnostics(self, build):
        """MAESTRO's stop conditions (crashes, exits) as `build()`'s dict of terms: only the exact model
        reports them; a smooth model has no such discrete events."""
        return build()


@dataclass(frozen=True)
class NumpyExact(Exact):
    """`Exact` run eagerly in NumPy over a whole batch (`diffhw.batched`): the same model and results as the
    compiled exact programs, with no trace and no compile; for batches too small to repay a compile."""

    xp = NUMPY


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Relaxed:
    """Smooth surrogates with step width `temperature` (a traced float64 scalar)."""

    temperature: jax.Array
    dtype = F64
    xp = JAX

    def num(self, x):
        return jnp.asarray(x, F64)

    def count(self, c):
        return jnp.asarray(c, F64)

    def _width(self, a, b):
        """Smoothing width for comparing a and b: T relative to their magnitude."""
        return self.temperature * jnp.maximum(1.0, jnp.maximum(jnp.abs(a), jnp.abs(b)))

    def _step(self, x, a, b):
        """Soft Heaviside of x (a difference of a and b): 0 below, 1 above."""
        return jax.nn.sigmoid(x / self._width(a, b))

    def _floor_pos(self, a, b):
        """Soft floor(a / b) for a >= 0, b > 0, exact at integers as T -> 0.

        floor(a/b) = floor((a + 1/2)/b) for integers, and (a + 1/2)/b is at least 1/(2b) away from the
        jumps, so the staircase is evaluated there. The two nearest jumps are smoothed with width T in
        quotient units (capped at 1/4 so farther jumps stay negligible). Below the first step (x < 1) there
        is no jump at 0 to smooth (a >= 0), so the result never goes below 0: a count of clusters or tiles
        that is negative would make costs negative (e.g. fewer PEs than a cluster needs, at large T)."""
        x = (a + 0.5) / b
        w = jnp.minimum(self.temperature, 0.25)
        n = lax.stop_gradient(jnp.floor(x))
        r = x - n
        lower = jnp.where(n >= 1.0, jax.nn.sigmoid(r / w), 1.0)
        return n - 1.0 + lower + jax.nn.sigmoid((r - 1.0) / w)

    def div(self, a, b):
        a, b = _promote(JAX, self.num(a), self.num(b))
        b_safe = jnp.where(b == 0, 1.0, jnp.abs(b))
        q = self._floor_pos(jnp.abs(a), b_safe)
        sign = jnp.where((a < 0) != (b < 0), -1.0, 1.0)
        return jnp.where(b == 0, 0.0, sign * q)

    def ceil_div(self, a, b):
        """Soft ceil(a/b) for the non-negative numerators the model divides: ceil(a/b) = floor((a+b-1)/b)
        for integers a >= 0, b >= 1 (and `a > 0` where b == 0, as the exact version)."""
        a, b = _promote(JAX, self.num(a), self.num(b))
        b_safe = jnp.where(b == 0, 1.0, b)
        return jnp.where(b == 0, self.lt(0, a), self._floor_pos(jnp.maximum(a + b_safe - 1.0, 0.0), b_safe))

    def lt(self, a, b):
        return self._step(b - a - 0.5, a, b)

    def le(self, a, b):
        return self._step(b - a + 0.5, a, b)

    def eq(self, a, b):
        return self._step(0.5 - jnp.abs(a - b), a, b)

    def and_(self, a, b):
        return jnp.asarray(a, F64) * b

    def or_(self, a, b):
        a = jnp.asarray(a, F64)
        return a + b - a * b

    def not_(self, a):
        return 1.0 - jnp.asarray(a, F64)

    def where(self, c, a, b):
        c = jnp.asarray(c, F64)
        return c * a + (1.0 - c) * b

    def maximum(self, a, b):
        """b + (a - b) * sigmoid((a - b) / T): symmetric, exact when a == b, and off by at most
        |a - b| exp(-|a - b| / T) otherwise (log-sum-exp would be off by T log 2 at ties)."""
        d = a - b
        return b + d * jax.nn.sigmoid(d / self._width(a, b))

    def minimum(self, a, b):
        return -self.maximum(-a, -b)

    def max(self, x, where, axis=-1):
        """Softmax-weighted mean of x over `axis` and a 0 (the exact max starts from 0), each weighted by
        the soft mask `where`: exact at ties, smooth in x and in the mask."""
        x = jnp.moveaxis(jnp.asarray(x, F64), axis, -1)
        w = jnp.moveaxis(jnp.broadcast_to(jnp.asarray(where, F64), x.shape), axis, -1)
        x = jnp.concatenate([jnp.zeros(x.shape[:-1] + (1,)), x], axis=-1)
        w = jnp.concatenate([jnp.ones(w.shape[:-1] + (1,)), w], axis=-1)
        top = jnp.where(w > 0, x, -jnp.inf).max(axis=-1, keepdims=True)
        x0 = lax.stop_gradient(top)  # a shift that cancels in the ratio
        e = _masked_exp(w, (x - x0) / self._width(top, 0.0))
        return (e * x).sum(axis=-1) / e.sum(axis=-1)

    def min(self, x, where, axis=-1):
        """Softmin-weighted mean of x over `axis` where `where` holds (0 where nothing holds)."""
        x = jnp.moveaxis(jnp.asarray(x, F64), axis, -1)
        w = jnp.moveaxis(jnp.broadcast_to(jnp.asarray(where, F64), x.shape), axis, -1)
        x0 = lax.stop_gradient(jnp.where(w > 0, x, jnp.inf).min(axis=-1, keepdims=True))
        top = jnp.where(w > 0, x, jnp.inf).min(axis=-1, keepdims=True)
        top = jnp.where(jnp.isfinite(top), top, 0.0)
        x0 = lax.stop_gradient(top)
        e = _masked_exp(w, (x0 - x) / self._width(top, 0.0))
        s = e.sum(axis=-1)
        return jnp.where(s > 0, (e * x).sum(axis=-1) / jnp.where(s > 0, s, 1.0), 0.0)

    def shift_right(self, v, k):
        """Soft floor(v / 2^k) for v >= 0 (exact `v >> k` at integers as T -> 0)."""
        return self.div(v, jnp.exp2(k))

    def bool(self, x):
        return jnp.asarray(x, F64)

    def order_statistics(self, queries: dict, count=None) -> dict:
        """As `Exact.order_statistics` with soft flags: "any" is 1 - prod(1 - p); "none earlier" a product
        of (1 - p) over the earlier cases; `later` a histogram over orders, suffix sums."""
        out = {}
        for name, (flags, order) in queries.items():
            p = jnp.asarray(flags, F64)
            slot = jnp.clip(order, 0, order.shape[-1] - 1)
            logq = jnp.log1p(-jnp.clip(p, 0.0, 1.0 - 1e-12))
            hist = jnp.zeros(order.shape[-1], F64).at[slot].add(logq)
            out[name] = (1.0 - jnp.prod(1.0 - p, axis=-1), jnp.exp((jnp.cumsum(hist) - hist)[slot]))
        if count is not None:
            flags, order = count
            slot = jnp.clip(order, 0, order.shape[-1] - 1)
            hist = jnp.zeros(order.shape[-1], F64).at[slot].add(jnp.asarray(flags, F64))
            out["later"] = jnp.cumsum(hist[::-1])[::-1][slot]
        return out

    def reduce_cases(self, terms: dict) -> dict:
        """As `Exact.reduce_cases`, with the smooth `max` / `min`."""
        return {name: jnp.asarray(x, F64).sum(axis=-1) if op == "sum" else getattr(self, op)(x, where[0])
                for name, (op, x, *where) in terms.items()}

    def floor_ratio(self, a, b):
        """The soft floor of a / b (`div`): exact at integers as T -> 0."""
        return self.div(a, b)

    def round(self, x):
        return lax.stop_gradient(jnp.round(x)).astype(I64)

    def select_bits(self, conds, table):
        """As `Exact.select_bits` with soft bits: the mixture of the rows weighted by the product of the
        bits' probabilities (the exact row when they are 0/1)."""
        k = conds[0].shape[-1] if conds else 1
        npat = 1 << len(conds)
        bits = (np.arange(npat)[:, None] >> np.arange(len(conds))[None, :]) & 1  # static [P, E]
        w = jnp.ones((k, npat))
        for i, c in enumerate(conds):
            p = jnp.asarray(c, F64)[:, None]
            w = w * jnp.where(bits[None, :, i] == 1, p, 1.0 - p)
        return jax.tree_util.tree_map(lambda x: w @ x, table)

    def inputs(self, layer, hw, numbers):
        """The model's inputs (Layers, Hardware, numbers) as floats (every input may be continuous)."""
        layer, hw = jax.tree_util.tree_map(lambda v: jnp.asarray(v, F64), (layer, hw))
        return layer, hw, jnp.asarray(numbers, F64)

    def wrap_int32(self, x):
        return x

    def diagnostics(self, build):
        return {}


def walk(nm: Numerics, processed, exists, order, top: bool) -> dict:
    """MAESTRO's walk over the cases in `order` (distinct ints in [0, K) for existing cases), as flags per
    case [K]: `first_out`, the case whose output size it reports (the first processed one, else the last
    existing one); `prefix`, the existing cases up to the first processed one; with `top` also `last`, the
    last processed case, and `later`, the count of processed cases at or after each one."""
    rev = order.shape[-1] - 1 - order
    queries = {"first": (processed, order), "last_exist": (exists, rev)}
    if top:
        queries["last"] = (processed, rev)
    st = nm.order_statistics(queries, count=(processed, order) if top else None)
    (any_processed, before), (_, none_after) = st["first"], st["last_exist"]
    out = {"first_out": nm.where(any_processed, nm.and_(processed, before), nm.and_(exists, none_after)),
           "prefix": nm.and_(exists, before)}
    if top:
        out["last"] = nm.and_(processed, st["last"][1])
        out["later"] = st["later"]
    return out
