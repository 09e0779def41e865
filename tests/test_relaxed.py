"""Relaxed numerics of the one cost model: convergence to exact, rank agreement, gradients, no re-trace.

The full-dev figures (all 4,319 rows, 10,000 gradient points) come from experiments/relaxed/check.py;
these tests run the same checks on two dataflow groups of the dev set (one single-level, one two-level).
"""

import glob

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from diffhw.cli.common import load_inputs as _load_inputs
from diffhw.cost.model import layer_cost
from diffhw.engine.batches import evaluate_arrays
from diffhw.engine.cases import case_space
from diffhw.pairs import prepare
from diffhw.layers import take
from diffhw.compile_options import QUICK_OPTIONS
from diffhw.numerics import DEFAULT_TEMPERATURE, MIN_TEMPERATURE, SEARCH_TEMPERATURES, Exact, Relaxed, walk

DATA = "tests/data/dev"
#: How far (relative) a relaxed runtime between two integer bandwidths may leave the range of its neighbours'.
SMOOTH_SLACK = 0.01


def _group(mapping: str):
    nets, specs, errs = _load_inputs([f"{DATA}/mappings/{mapping}.m"], sorted(glob.glob(f"{DATA}/hw/*.m")))
    layers = [l for _, n in nets for l in n.layers]
    _, groups, _ = prepare(layers, specs)
    g = groups[0]
    lay, num, hw = g.take(np.arange(len(g.items)))
    program = g.program.with_space(case_space(g.program, lay, num, hw))
    return program, lay, num, hw


@pytest.fixture(scope="module", params=["vgg16__ws", "random_dev__gemm_nmk"])
def group(request):
    program, lay, num, hw = _group(request.param)
    exact = evaluate_arrays(program, lay, num, hw)
    traces = []

    def relaxed_fn(l, n, h, t):
        traces.append(1)
        return layer_cost(program, l, h, n, Relaxed(t))

    relaxed = jax.jit(jax.vmap(relaxed_fn, in_axes=(0, 0, 0, None)))
    return program, lay, num, hw, exact, relaxed, traces


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.abs(a - b) / np.maximum(np.abs(b), 1.0)


def test_smallest_temperature_reproduces_exact(group):
    _, lay, num, hw, exact, relaxed, _ = group
    r = relaxed(lay, num, hw, jnp.asarray(MIN_TEMPERATURE))
    for k in ("runtime_cycles", "energy_total", "total_l1_size_req", "total_l2_size_req", "num_macs"):
        assert _rel(r[k], exact[k]).max() < 1e-6, k


def test_default_temperature_keeps_the_ranking(group):
    from scipy.stats import spearmanr

    _, lay, num, hw, exact, relaxed, _ = group
    r = relaxed(lay, num, hw, jnp.asarray(DEFAULT_TEMPERATURE))
    for k in ("runtime_cycles", "energy_total"):
        assert np.isfinite(np.asarray(r[k])).all()
        assert spearmanr(np.asarray(exact[k]), np.asarray(r[k])).statistic >= 0.98, k


def test_new_temperature_does_not_retrace(group):
    _, lay, num, hw, exact, relaxed, traces = group
    relaxed(lay, num, hw, jnp.asarray(0.2))
    n = len(traces)
    relaxed(lay, num, hw, jnp.asarray(0.07))
    assert len(traces) == n


def test_relaxed_is_smooth_between_integers(group):
    """Non-integer hardware gives values between the neighbouring integers' (no garbage off the lattice)."""
    _, lay, num, hw, _, relaxed, _ = group
    bw = np.asarray(hw.noc_bw, float) * 0.77 + 0.3  # off the integer lattice
    t = jnp.asarray(DEFAULT_TEMPERATURE)
    real = jax.tree_util.tree_map(lambda v: np.asarray(v, float), hw)
    at = lambda b: np.asarray(relaxed(lay, num, real._replace(noc_bw=b), t).runtime_cycles)  # noqa: E731
    mid, lo, hi = at(bw), at(np.floor(bw)), at(np.ceil(bw))
    assert np.isfinite(mid).all() and (mid > 0).all()
    below, above = np.minimum(lo, hi), np.maximum(lo, hi)
    assert (mid >= below * (1 - SMOOTH_SLACK)).all() and (mid <= above * (1 + SMOOTH_SLACK)).all()


@pytest.mark.slow
def test_gradients_finite_and_equal_finite_differences():
    """d/d log(num_pes, noc_bw, offchip_bw) of log(runtime) + log(energy) at random off-lattice points
    equals central finite differences of the relaxed function (float64) to 1e-3 of the gradient's norm. (One single-level group:
    compiling the gradient of a two-level dataflow takes minutes on 2 cores; experiments/relaxed/check.py
    covers every dev group.)"""
    program, lay, num, hw = _group("vgg16__ws")

    def f(x, nums, layer, hw0):
        h = hw0._replace(num_pes=x[0], noc_bw=x[1], offchip_bw=x[2])
        out = layer_cost(program, layer, h, nums, Relaxed(jnp.asarray(DEFAULT_TEMPERATURE)))
        return jnp.log(out.runtime_cycles) + jnp.log(out.energy_total)

    rng = np.random.default_rng(0)
    points = []
    for i in rng.choice(len(num), 4, replace=False):
        layer = take(lay, i)
        hw0 = jax.tree_util.tree_map(lambda v: jnp.asarray(float(v)), take(hw, i))
        x = jnp.array([float(hw.num_pes[i]) * rng.uniform(0.8, 1.2), float(hw.noc_bw[i]) * rng.uniform(0.6, 0.9),
                       float(hw.offchip_bw[i]) * rng.uniform(0.6, 0.9)])
        points.append((i, (x, jnp.asarray(num[i], float), layer, hw0)))
    # compiled with the quick LLVM options the engine uses for small batches: half the compile, same numbers
    value = jax.jit(f).lower(*points[0][1]).compile(QUICK_OPTIONS)
    grad = jax.jit(jax.grad(f, argnums=(0, 1))).lower(*points[0][1]).compile(QUICK_OPTIONS)
    checked = 0
    for i, (x, nums, layer, hw0) in points:
        gx, gn = grad(x, nums, layer, hw0)
        assert np.isfinite(np.asarray(gx)).all() and np.isfinite(np.asarray(gn)).all()
        # relative to the gradient's largest component (a component 1e-3 of the others is FD noise)
        scale = max(float(jnp.abs(gx * x).max()), 1e-12)
        for j in range(3):
            eps = 1e-6 * float(x[j])
            e = jnp.zeros(3).at[j].set(eps)
            fd = float(value(x + e, nums, layer, hw0) - value(x - e, nums, layer, hw0)) / (2 * eps)
            assert abs(float(gx[j]) - fd) * float(x[j]) <= 1e-3 * scale, (i, j, float(gx[j]), fd)
            checked += 1
    assert checked == 12


def test_exact_numerics_is_the_default():
    program, lay, num, hw = _group("vgg16__ws")
    layer, h = take(lay, 0), take(hw, 0)
    a = layer_cost(program, layer, h, num[0])
    b = layer_cost(program, layer, h, num[0], Exact())
    assert all(int(a[k]) == int(b[k]) for k in ("runtime_cycles", "num_macs"))
    assert a.runtime_cycles.dtype == jnp.int64


@pytest.mark.parametrize("k", [1, 7, 64, 65, 81, 200])
def test_case_walk_matches_a_direct_walk(k):
    """The walk over the cases (one `walk` over the numerics' order statistics: exact min-reductions and a
    bit-set count, one word per 64 orders; relaxed at hard 0/1 flags: products and histograms) agrees with walking the cases directly, for case
    orders that are a permutation of [0, K) and any flags, batched (vmap)."""
    rng = np.random.default_rng(k)
    order = np.stack([rng.permutation(k) for _ in range(16)])
    exists = rng.random((16, k)) < 0.8
    processed = exists & (rng.random((16, k)) < (0.0 if k == 7 else 0.6))  # k = 7: nothing processed
    big = np.iinfo(np.int64).max
    first = np.where(processed, order, big).min(1, keepdims=True)
    last_exist = np.where(exists, order, -1).max(1, keepdims=True)
    want = {
        "first_out": np.where(processed.any(1, keepdims=True), processed & (order == first),
                              exists & (order == last_exist)),
        "prefix": exists & (order <= first),
        "last": processed & (order == np.where(processed, order, -1).max(1, keepdims=True)),
        "later": (processed[:, None, :] & (order[:, None, :] >= order[:, :, None])).sum(axis=2),
    }
    args = (jnp.asarray(processed), jnp.asarray(exists), jnp.asarray(order))
    for nm in (Exact(), Relaxed(jnp.float64(0.1))):
        got = jax.vmap(lambda p, e, o: walk(nm, p, e, o, top=True))(*args)
        assert sorted(got) == sorted(want)
        for key, w in want.items():
            np.testing.assert_array_equal(np.asarray(got[key]).astype(np.int64), w.astype(np.int64), err_msg=key)
    assert got["later"].dtype == jnp.float64 and jax.vmap(lambda p, e, o: walk(Exact(), p, e, o, True))(
        *args)["later"].dtype == jnp.int64


@pytest.mark.parametrize("t", [*SEARCH_TEMPERATURES, 0.3, 0.1, DEFAULT_TEMPERATURE, 1e-3])
def test_costs_finite_and_positive_over_the_hardware_box(group, t):
    """Over the whole PE / bandwidth box, fewer PEs than a cluster needs included (gemm's Cluster(32) on 1-31
    PEs), at every search temperature: runtime and energy stay positive, so log-costs are finite (they went
    negative at T = 0.3 when a soft floor of clusters dipped below 0). Below the search range the relaxed
    model approaches the exact one, where such points are invalid (zero clusters): there the box starts at
    the PEs the clusters need (docs/relaxed.md)."""
    g, lay, num, hw, *_, relaxed, _ = group
    rng = np.random.default_rng(int(t * 1000))
    n = len(num)
    low = 1 if t >= SEARCH_TEMPERATURES[0] else 32
    box = hw._replace(
        num_pes=np.concatenate([np.arange(low, 33), np.exp(rng.uniform(np.log(low), np.log(1024), n))])[:n],
        noc_bw=np.exp(rng.uniform(0, np.log(1024), n)), offchip_bw=np.exp(rng.uniform(0, np.log(1024), n)))
    r = relaxed(lay, num, jax.tree_util.tree_map(lambda v: np.asarray(v, float), box), jnp.asarray(t))
    for k in ("runtime_cycles", "energy_total"):
        v = np.asarray(r[k])
        assert np.isfinite(np.log(v)).all(), (k, v[~np.isfinite(np.log(v))][:5])


def test_soft_floor_never_negative_and_exact_at_integers():
    a = jnp.asarray(np.concatenate([np.arange(0, 40), np.linspace(0, 3, 61)]), jnp.float64)
    for t in (1.0, 0.3, 0.05):
        for b in (1.0, 3.0, 32.0):
            q = np.asarray(Relaxed(jnp.asarray(t)).div(a, b))
            assert (q >= 0).all(), (t, b, q.min())
    ints = jnp.arange(0, 200, dtype=jnp.float64)
    for b in (1, 3, 7, 32):
        soft = np.asarray(Relaxed(jnp.asarray(MIN_TEMPERATURE)).div(ints, float(b)))
        np.testing.assert_allclose(soft, np.asarray(Exact().div(ints.astype(jnp.int64), b)), atol=1e-9)
