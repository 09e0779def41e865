"""The numerics primitives one by one (`diffhw.numerics`): `Exact` has C's semantics on int64 (truncating
division, MAESTRO's ceiling division, int wrap-around), and `Relaxed` at a tiny temperature equals `Exact` at
integer inputs, for every primitive of the `Numerics` protocol (property tests over random integers)."""

import inspect

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffhw.numerics import MIN_TEMPERATURE, Exact, Numerics, Relaxed, walk

EX, RX = Exact(), Relaxed(jnp.float64(MIN_TEMPERATURE))
SETTINGS = settings(max_examples=10, deadline=None)
N = 32  # one array length: each primitive compiles once
ints = st.lists(st.integers(-(2**40), 2**40), min_size=N, max_size=N)
small = st.lists(st.integers(-300, 300), min_size=N, max_size=N)


def c_div(a: int, b: int) -> int:
    """C's `a / b` on longs (0 for b == 0, where MAESTRO would crash and diffhw reports an error)."""
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def pairs(a, b):
    n = min(len(a), len(b))
    return np.asarray(a[:n], np.int64), np.asarray(b[:n], np.int64)


def test_both_numerics_implement_the_whole_protocol():
    names = [n for n, _ in inspect.getmembers(Numerics, inspect.isfunction) if not n.startswith("_")]
    assert len(names) >= 25
    for nm in (EX, RX):
        missing = [n for n in names if not callable(getattr(nm, n, None))]
        assert not missing, (type(nm).__name__, missing)


@SETTINGS
@given(ints, ints)
def test_exact_division_is_c_semantics(a, b):
    a, b = pairs(a, b)
    q = np.asarray(EX.div(jnp.asarray(a), jnp.asarray(b)))
    c = np.asarray(EX.ceil_div(jnp.asarray(a), jnp.asarray(b)))
    for x, y, qq, cc in zip(a.tolist(), b.tolist(), q.tolist(), c.tolist()):
        assert qq == c_div(x, y), (x, y)
        # MAESTRO's ceil: a/b + (a % b != 0), C's % takes the dividend's sign
        assert cc == (c_div(x, y) + (x - c_div(x, y) * y != 0) if y else (x != 0)), (x, y)


@SETTINGS
@given(st.lists(st.integers(-(2**33), 2**33), min_size=N, max_size=N))
def test_exact_int32_wrap(xs):
    got = np.asarray(EX.wrap_int32(jnp.asarray(xs, jnp.int64))).tolist()
    assert got == [int(np.int64(x).astype(np.int32)) for x in xs]


@SETTINGS
@given(st.lists(st.integers(0, 2**40), min_size=N, max_size=N), st.lists(st.integers(1, 300), min_size=N,
                                                                       max_size=N))
def test_relaxed_division_equals_exact_at_integers(a, b):
    a, b = pairs(a, b)
    for f in ("div", "ceil_div", "floor_ratio"):
        want = np.asarray(getattr(EX, f)(jnp.asarray(a), jnp.asarray(b)))
        got = np.asarray(getattr(RX, f)(jnp.asarray(a, jnp.float64), jnp.asarray(b, jnp.float64)))
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6, err_msg=f)


@SETTINGS
@given(st.lists(st.integers(0, 2**40), min_size=N, max_size=N),
       st.lists(st.integers(0, 8) | st.integers(62, 70), min_size=N, max_size=N))
def test_relaxed_shift_equals_exact_at_integers(v, k):
    """(A soft floor of a / b sits 1/(2b) quotient units from its jump, so at T = 1e-6 it is exact for
    divisors up to ~10^4: shifts of at most 8 bits here, and the >= 62 that give 0.)"""
    v, k = pairs(v, k)
    want = np.asarray(EX.shift_right(jnp.asarray(v), jnp.asarray(k)))
    got = np.asarray(RX.shift_right(jnp.asarray(v, jnp.float64), jnp.asarray(k, jnp.float64)))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6)


@SETTINGS
@given(small, small)
def test_relaxed_comparisons_logic_and_selection_equal_exact_at_integers(a, b):
    a, b = pairs(a, b)
    ea, eb, ra, rb = jnp.asarray(a), jnp.asarray(b), jnp.asarray(a, jnp.float64), jnp.asarray(b, jnp.float64)
    for f in ("lt", "le", "eq", "maximum", "minimum"):
        np.testing.assert_allclose(np.asarray(getattr(RX, f)(ra, rb)),
                                   np.asarray(getattr(EX, f)(ea, eb)).astype(np.float64), atol=1e-9, err_msg=f)
    p, q = EX.lt(ea, eb), EX.le(eb, ea)
    rp, rq = RX.count(EX.count(p)), RX.count(EX.count(q))
    for f in ("and_", "or_"):
        np.testing.assert_array_equal(np.asarray(getattr(RX, f)(rp, rq)), np.asarray(getattr(EX, f)(p, q)), f)
    np.testing.assert_array_equal(np.asarray(RX.not_(rp)), np.asarray(EX.not_(p)))
    np.testing.assert_array_equal(np.asarray(RX.where(rp, ra, rb)), np.asarray(EX.where(p, ea, eb)))


@pytest.mark.slow
@SETTINGS
@given(st.sampled_from([1, 7, 64, 65, 130]), st.integers(0, 2**32 - 1), st.randoms(use_true_random=False))
def test_case_reductions_and_order_statistics_agree_at_hard_flags(k, seed, rnd):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 1000, k)
    flags = rng.random(k) < rnd.random()
    order = rng.permutation(k)
    ex, rx = jnp.asarray(flags), jnp.asarray(flags, jnp.float64)
    xe, xr, o = jnp.asarray(x), jnp.asarray(x, jnp.float64), jnp.asarray(order)
    terms = lambda f, v: {"s": ("sum", v), "mx": ("max", v, f), "mn": ("min", v, f)}  # noqa: E731
    want, got = EX.reduce_cases(terms(ex, xe)), RX.reduce_cases(terms(rx, xr))
    if not flags.any():  # the exact min of nothing is MAESTRO's initial INT64_MAX; the soft one 0
        want["mn"] = 0
    for key in want:
        np.testing.assert_allclose(float(got[key]), float(want[key]), rtol=1e-9, err_msg=key)
    want = {"a": (np.any(flags), order <= np.where(flags, order, k).min()),
            "later": (flags[None, :] & (order[None, :] >= order[:, None])).sum(axis=1)}
    for nm, f in ((EX, ex), (RX, rx)):
        got = nm.order_statistics({"a": (f, o)}, count=(f, o))
        assert float(got["a"][0]) == want["a"][0]
        np.testing.assert_array_equal(np.asarray(got["a"][1]).astype(np.int64), want["a"][1].astype(np.int64))
        np.testing.assert_allclose(np.asarray(got["later"]), want["later"], atol=1e-9)
    a, b = walk(EX, ex, jnp.ones(k, bool), o, True), walk(RX, rx, jnp.ones(k), o, True)
    for key in a:
        np.testing.assert_allclose(np.asarray(b[key]), np.asarray(a[key]).astype(np.float64), atol=1e-9,
                                   err_msg=key)


@SETTINGS
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_select_bits_picks_the_indexed_row(e, seed):
    k = N
    rng = np.random.default_rng(seed)
    table = {"v": jnp.asarray(rng.integers(0, 10**6, 1 << e))}
    bits = rng.random((e, k)) < 0.5
    want = table["v"][np.sum(bits * (1 << np.arange(e))[:, None], axis=0)]
    np.testing.assert_array_equal(np.asarray(EX.select_bits([jnp.asarray(b) for b in bits], table)["v"]), want)
    got = RX.select_bits([jnp.asarray(b, jnp.float64) for b in bits], {"v": table["v"].astype(jnp.float64)})
    np.testing.assert_allclose(np.asarray(got["v"]), np.asarray(want, np.float64))


def test_diagnostics_and_inputs():
    """MAESTRO's stop conditions exist in the exact model only; relaxed inputs become floats."""
    assert EX.diagnostics(lambda: {"stops": 1}) == {"stops": 1} and RX.diagnostics(lambda: {"stops": 1}) == {}
    layer, hw, numbers = RX.inputs({"K": 3}, {"num_pes": 4}, [1, 2])  # any pytrees (Layers, Hardware)
    assert layer["K"].dtype == numbers.dtype == hw["num_pes"].dtype == jnp.float64
    assert EX.inputs({"K": 3}, {}, [1]) == ({"K": 3}, {}, [1])
