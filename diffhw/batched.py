"""NumPy arrays with trailing batch axes: the array namespace that runs the exact model eagerly over a batch.

The cost model is written for one layer on one accelerator (`diffhw.cost.model.layer_cost`) and batched with
`jax.vmap`; compiled, that costs a trace and an XLA compile per program (seconds) before the first result.
`NUMPY` runs the same code in NumPy, one operation per array operation of the model, on whole batches:
a value is a `Batched` array whose NumPy shape is (*item shape, *batch axes). With the batch axes last,
NumPy's right-aligned broadcasting of item shapes is the model's own (an item scalar against an item vector
of cases); values without batch axes (the model's static NumPy constants, Python numbers) are lifted by
appending singleton axes. `vmap` adds a batch axis in front of the existing ones (the newest level first),
so values closed over from an outer level broadcast against the inner level's. Integer results are
MAESTRO's int64 arithmetic, as XLA's; floating reductions over cases add in case order, as XLA CPU does
(checked bit for bit against the compiled programs by tests/test_eager.py).

Only what the exact model uses is here (`diffhw.numerics.NumpyExact`); anything else fails loudly.
"""

from __future__ import annotations

import dataclasses
import operator

import numpy as np

I64 = np.int64


class Batched:
    """An array of per-item values: `a` has shape (*item shape, *batch shape) with `nb` batch axes. Its
    `shape`, `ndim`, axes and indices are the item's, as the model sees them under `jax.vmap`."""

    __slots__ = ("a", "nb")
    __array_ufunc__ = None  # NumPy scalars and arrays defer to the reflected operators below

    def __init__(self, a: np.ndarray, nb: int):
        self.a, self.nb = a, nb

    @property
    def shape(self) -> tuple:
        return self.a.shape[:self.a.ndim - self.nb]

    @property
    def ndim(self) -> int:
        return self.a.ndim - self.nb

    @property
    def dtype(self):
        return self.a.dtype

    def astype(self, dtype) -> "Batched":
        return Batched(self.a.astype(dtype), self.nb)

    def _axis(self, axis) -> int:
        return axis - self.nb if axis < 0 else axis

    def sum(self, axis=None) -> "Batched":
        axes = tuple(range(self.ndim)) if axis is None else (self._axis(axis),)
        return Batched(np.add.reduce(self.a, axis=axes), self.nb)

    def max(self, axis=-1, initial=None) -> "Batched":
        kw = {} if initial is None else {"initial": initial}
        return Batched(np.maximum.reduce(self.a, axis=self._axis(axis), **kw), self.nb)

    def min(self, axis=-1, initial=None) -> "Batched":
        kw = {} if initial is None else {"initial": initial}
        return Batched(np.minimum.reduce(self.a, axis=self._axis(axis), **kw), self.nb)

    def __getitem__(self, idx) -> "Batched":
        idx = idx if isinstance(idx, tuple) else (idx,)
        if any(i is Ellipsis for i in idx):  # an ellipsis spans the item's axes only
            k = idx.index(Ellipsis)
            used = sum(i is not None for i in idx if i is not Ellipsis)
            idx = idx[:k] + (slice(None),) * (self.ndim - used) + idx[k + 1:]
        return Batched(self.a[idx], self.nb)

    def __bool__(self):
        raise TypeError("a batched value has no single truth value")

    def __repr__(self) -> str:
        return f"Batched(item shape {self.shape}, batch {self.a.shape[self.ndim:]}, {self.dtype})"


def lift(x, nb: int):
    """`x` (Batched, NumPy array or Python number) as an array with `nb` trailing batch axes (singletons
    where it has none of its own): ready for NumPy's broadcasting against other lifted values."""
    if isinstance(x, Batched):
        if x.nb == nb:
            return x.a
        pos = x.a.ndim - x.nb  # the missing (newer) levels go in front of the value's own
        return x.a.reshape(x.a.shape[:pos] + (1,) * (nb - x.nb) + x.a.shape[pos:])
    if isinstance(x, (int, float, bool)) or nb == 0:
        return x
    x = np.asarray(x)
    return x.reshape(x.shape + (1,) * nb)


def _depth(args) -> int:
    return max((x.nb for x in args if isinstance(x, Batched)), default=0)


def apply(fn, *args):
    """fn on the lifted arguments: Batched when any argument is, else fn's own result (a static value)."""
    nb = _depth(args)
    if nb == 0:
        return fn(*args)
    return Batched(fn(*(lift(x, nb) for x in args)), nb)


def _binary(op):
    return lambda self, other: apply(op, self, other), lambda self, other: apply(op, other, self)


for _name, _op in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv), ("mod", operator.mod),
                   ("and", operator.and_), ("or", operator.or_), ("xor", operator.xor),
                   ("lshift", operator.lshift), ("rshift", operator.rshift)):
    _fwd, _rev = _binary(_op)
    setattr(Batched, f"__{_name}__", _fwd)
    setattr(Batched, f"__r{_name}__", _rev)
for _name, _op in (("lt", operator.lt), ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge),
                   ("eq", operator.eq), ("ne", operator.ne)):
    setattr(Batched, f"__{_name}__", _binary(_op)[0])
Batched.__hash__ = None
Batched.__neg__ = lambda self: Batched(-self.a, self.nb)
Batched.__invert__ = lambda self: Batched(~self.a, self.nb)
Batched.__abs__ = lambda self: Batched(np.abs(self.a), self.nb)


def _map_batched(fn, x):
    return Batched(fn(x.a), x.nb) if isinstance(x, Batched) else fn(x)


def _trunc_div(a, b):
    """C integer division of integer arrays (truncating toward zero), as `lax.div`."""
    q = np.floor_divide(a, b)
    return q + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))


class NumpyArrays:
    """The subset of jax.numpy / lax the exact model uses, on `Batched` values (see the module docstring).
    Mirrors `diffhw.numerics.JaxArrays`."""

    int64, uint64, float64, bool_ = np.int64, np.uint64, np.float64, np.bool_
    nan, inf = np.nan, np.inf
    iinfo = staticmethod(np.iinfo)

    @staticmethod
    def asarray(x, dtype=None):
        if isinstance(x, Batched):
            return x if dtype is None or x.dtype == dtype else x.astype(dtype)
        return np.asarray(x, dtype)

    @staticmethod
    def where(c, a, b):
        return apply(np.where, c, a, b)

    @staticmethod
    def maximum(a, b):
        return apply(np.maximum, a, b)

    @staticmethod
    def minimum(a, b):
        return apply(np.minimum, a, b)

    @staticmethod
    def abs(x):
        return _map_batched(np.abs, x)

    @staticmethod
    def floor(x):
        return _map_batched(np.floor, x)

    @staticmethod
    def right_shift(a, b):
        return apply(np.right_shift, a, b)

    @staticmethod
    def clip(x, lo, hi):
        return apply(np.clip, x, lo, hi)

    @staticmethod
    def int_div(a, b):
        """`lax.div` of integers: truncating division."""
        return apply(_trunc_div, a, b)

    @staticmethod
    def population_count(x):
        return _map_batched(np.bitwise_count, x)

    @staticmethod
    def result_type(*xs):
        return np.result_type(*(x.dtype if isinstance(x, Batched) else x for x in xs))

    @staticmethod
    def broadcast_arrays(*xs):
        nb = _depth(xs)
        if nb == 0:
            return np.broadcast_arrays(*xs)
        return [Batched(a, nb) for a in np.broadcast_arrays(*(lift(x, nb) for x in xs))]

    @staticmethod
    def broadcast_shapes(*shapes):
        return np.broadcast_shapes(*shapes)

    @staticmethod
    def broadcast_to(x, shape):
        if not isinstance(x, Batched):
            return np.broadcast_to(x, shape)
        return Batched(np.broadcast_to(x.a, tuple(shape) + x.a.shape[x.ndim:]), x.nb)

    @staticmethod
    def stack(xs, axis=0):
        assert axis == 0, "the exact model stacks along the first axis"
        nb = _depth(xs)
        if nb == 0:
            return np.stack(xs)
        arrays = [lift(x, nb) for x in xs]
        return Batched(np.stack(np.broadcast_arrays(*arrays)), nb)

    @staticmethod
    def zeros(shape, dtype=float):
        return np.zeros(shape, dtype)

    @staticmethod
    def ones_like(x):
        return _map_batched(np.ones_like, x)

    @staticmethod
    def reduce(xs, inits, ops, axis: int):
        """Reductions `ops` ("sum" | "max" | "min", one per array) of `xs` over the item axis `axis` (<0)."""
        ufuncs = {"sum": np.add, "max": np.maximum, "min": np.minimum}
        out = []
        for x, init, op in zip(xs, inits, ops):
            kw = {} if op == "sum" else {"initial": init}
            out.append(Batched(ufuncs[op].reduce(x.a, axis=axis - x.nb, **kw), x.nb) if isinstance(x, Batched)
                       else ufuncs[op].reduce(np.asarray(x), axis=axis, **kw))
        return tuple(out)

    @staticmethod
    def vmap(fn):
        """`jax.vmap(fn)` over the first item axis of every argument leaf (a dict / list / tuple tree). At
        the outermost level (NumPy arrays in) the results are NumPy arrays [B, ...] (read-only views where
        an output is shared by the items)."""

        def mapped(*args):
            leaves = _leaves(args)
            nb = _depth(leaves)
            size = next(x.shape[0] for x in leaves if isinstance(x, (Batched, np.ndarray)))

            def inward(x):  # item axis 0 -> the newest batch axis
                x = Batched(lift(x, nb), nb) if not isinstance(x, Batched) or x.nb < nb else x
                return Batched(np.moveaxis(x.a, 0, x.a.ndim - nb - 1), nb + 1)

            def outward(x):  # the newest batch axis -> item axis 0 (a plain array at the outermost level)
                a = lift(x, nb + 1)
                a = np.moveaxis(a, a.ndim - nb - 1, 0)
                a = np.broadcast_to(a, (size,) + a.shape[1:])
                return Batched(a, nb) if nb else a

            return tree_map(outward, fn(*tree_map(inward, args)))

        return mapped


def _leaves(tree) -> list:
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in _leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [x for v in tree for x in _leaves(v)]
    return [] if tree is None else [tree]


def tree_map(fn, tree):
    """fn on every leaf of a tree of dicts, lists, tuples, named tuples and dataclasses (the model's
    outputs: `diffhw.results.LayerCost`); None is an empty subtree."""
    if tree is None:  # an empty subtree, as in JAX
        return None
    if dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        return type(tree)(**{f.name: tree_map(fn, getattr(tree, f.name)) for f in dataclasses.fields(tree)})
    if isinstance(tree, dict):
        return {k: tree_map(fn, v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        items = [tree_map(fn, v) for v in tree]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    return fn(tree)


NUMPY = NumpyArrays()
