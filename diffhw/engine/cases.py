"""Case spaces: which iteration cases a batch of items can reach (`item_states`, one compiled state analysis
per program family), the union over a batch (`case_space`), and the split of a large batch into a few parts
with smaller case spaces (`case_spaces`), so that most items are not evaluated over cases they never reach."""

from __future__ import annotations

import itertools

import jax
import numpy as np

from diffhw.compile_options import COMPILER_OPTIONS, QUICK_INTEGER_OPTIONS, quick
from diffhw.cost.analysis import possible_states
from diffhw.cost.model import layer_levels
from diffhw.engine import eager
from diffhw.engine.jit import StoredJit
from diffhw.engine.packing import chunk_size, pack_inputs, unpack_inputs
from diffhw.hardware import Hardware
from diffhw.layers import Layers
from diffhw.numerics import Exact
from diffhw.program import CaseSpace, Program

EXACT = Exact()

#: Items per call of the jitted state analysis (one compile per structure: every call is padded to it).
STATE_CHUNK = 1024


def _states_impl(program: Program, inputs):
    layers, numbers, hw = unpack_inputs(program, inputs)
    return jax.vmap(lambda lay, h, num: possible_states(layer_levels(program, lay, h, num, EXACT), EXACT))(
        layers, hw, numbers)


#: The state-analysis program, optimized and quickly compiled; kept in the program store (`diffhw.engine.jit`).
_item_states = StoredJit(_states_impl, (0,), COMPILER_OPTIONS)
_item_states_quick = StoredJit(_states_impl, (0,), QUICK_INTEGER_OPTIONS)


def item_states(program: Program, layers: Layers, numbers, hw: Hardware):
    """Per item of a batch under `program` (its case space is ignored), per level (see `possible_states`):
    the states each directive can take (bool [B, D, 3]) and which dimensions' edge tiles differ from their
    full tiles ({dim: bool [B]}), as numpy arrays. `layers` [B], `numbers` [B, n], `hw` [B]."""
    return packed_item_states(program, pack_inputs(layers, numbers, hw))


def packed_item_states(program: Program, inputs: np.ndarray):
    """`item_states` of a `pack_inputs` matrix [B, F]: a quickly compiled program for small batches (see
    `diffhw.compile_options`), or the analysis run eagerly when that is quicker (`diffhw.engine.eager`)."""
    n = len(inputs)
    jitted = _item_states_quick if quick(n) else _item_states
    program = program.with_space(None)
    chunk = lambda start: inputs[np.arange(start, start + STATE_CHUNK) % n]  # noqa: E731  the last one padded
    if eager.prefer(jitted, n, program, chunk(0)):  # one analysis in NumPy, no compile
        return eager.run(lambda lay, h, num, nm: possible_states(layer_levels(program, lay, h, num, nm), nm),
                         program, inputs)
    parts = [jitted(program, chunk(start)) for start in range(0, n, STATE_CHUNK)]
    return jax.tree_util.tree_map(lambda *xs: np.concatenate([np.asarray(x) for x in xs])[:n], *parts)


def _signature(states, differs) -> tuple[np.ndarray, int]:
    """Per item, what decides its case space as one bool row [B, W + E]: the reachable states of every
    directive (W = 3 x directives over the levels), then per level the flags of `differs` (sorted by dim).
    Returns (rows, W)."""
    n = len(states[0])
    cols = [ex.reshape(n, -1) for ex in states]
    cols += [np.stack([d[v] for v in sorted(d)], 1).reshape(n, -1) for d in differs if d]
    return np.concatenate(cols, axis=1), sum(ex.shape[1] * 3 for ex in states)


def _space(union: np.ndarray, states, differs) -> CaseSpace:
    """The case space of items whose `_signature` rows OR to `union` [W + E]."""
    combos, edge_dims, pos = [], [], 0
    for ex in states:
        rows = union[pos:pos + ex.shape[1] * 3].reshape(-1, 3)  # [D, 3]
        pos += rows.size
        combos.append(tuple(itertools.product(*(tuple(int(s) for s in np.flatnonzero(r)) for r in rows))))
    for d in differs:
        flags = union[pos:pos + len(d)]
        pos += len(d)
        edge_dims.append(tuple(v for v, f in zip(sorted(d), flags) if f))
    return CaseSpace(tuple(combos), tuple(edge_dims))


def case_space(program: Program, layers: Layers, numbers, hw: Hardware) -> CaseSpace:
    """Static case enumeration for a batch (see `CaseSpace`): per level, the state-slot combos any item
    can reach and the dimensions whose edge tiles differ from their full tiles for any item.

    `layers`, `numbers`, `hw` carry a common batch axis (already broadcast), so one trace serves the
    whole batch."""
    return union_space(item_states(program, layers, numbers, hw))


def union_space(analysis) -> CaseSpace:
    """The case space of a batch from its `item_states` (states, differs): every case any item reaches."""
    states, differs = analysis
    return _space(_signature(states, differs)[0].any(axis=0), states, differs)


#: Per-item work of the exact model outside the case axes, in cases (measured: an item costs about as
#: much as 8 more top-level cases), and the least relative saving that pays for another compile.
FIXED_CASES, MIN_SPLIT_GAIN = 8, 0.1


def case_spaces(program: Program, layers: Layers, numbers, hw: Hardware, chunk: int,
                max_spaces: int = 4, states=None) -> list[tuple[np.ndarray, CaseSpace]]:
    """Split a batch into at most `max_spaces` parts (item indices, case space), each of at least `chunk`
    items, so that items that reach few cases are not evaluated over the whole batch's union.

    A batch's case space is the union of its items' (a product over directives of the states any item
    reaches), while one item typically reaches a fifth of it. Parts are found greedily: a part is split
    by whether its items reach one directive state, taking the split that saves the most work (items
    padded to whole chunks x (cases + FIXED_CASES)), while it saves at least MIN_SPLIT_GAIN of that
    part's work. Each part costs one more compile, hence the minimum size and the cap. `states`: the
    batch's `item_states`, when already computed."""
    states, differs = states or item_states(program, layers, numbers, hw)
    bits, w = _signature(states, differs)
    packed = np.packbits(bits, axis=1)
    packed = np.pad(packed, ((0, 0), (0, -packed.shape[1] % 8))).view(np.uint64)  # [B, words]
    keys = packed[:, 0] if packed.shape[1] == 1 else packed.view(np.dtype((np.void, packed.shape[1] * 8))).ravel()
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    sig = bits[first]  # the distinct signatures [S, W + E]
    levels = np.split(np.arange(w), np.cumsum([ex.shape[1] * 3 for ex in states])[:-1])

    def cases(unions):  # bool [..., W + E] -> the case count of each union (summed over the levels)
        return sum(np.prod(unions[..., c].reshape(*unions.shape[:-1], -1, 3).sum(-1), axis=-1) for c in levels)

    def padded(items):  # items in whole calls
        return np.array([-(-m // chunk_size(m, chunk)) * chunk_size(m, chunk) if m else 0 for m in map(int, items)])

    parts = [np.ones(len(sig), bool)]
    while len(parts) < max_spaces:
        best = None
        for i, group in enumerate(parts):
            g, c = sig[group].astype(np.int64), counts[group]
            base = padded([c.sum()])[0] * (cases(g.any(axis=0)) + FIXED_CASES)
            on = (c @ g)[:w]  # per state column: the items that reach it, and the union of their signatures
            off = c.sum() - on
            work = (padded(on) * (cases(g[:, :w].T @ g > 0) + FIXED_CASES)
                    + padded(off) * (cases((1 - g[:, :w]).T @ g > 0) + FIXED_CASES))
            gain = np.where((on >= chunk) & (off >= chunk), base - work, -1)
            b = int(np.argmax(gain))
            if gain[b] >= MIN_SPLIT_GAIN * base and gain[b] > 0 and (best is None or gain[b] > best[0]):
                best = (gain[b], i, group & sig[:, b], group & ~sig[:, b])
        if best is None:
            break
        _, i, on, off = best
        parts[i:i + 1] = [on, off]
    return [(np.flatnonzero(group[inverse]), _space(sig[group].any(axis=0), states, differs)) for group in parts]
