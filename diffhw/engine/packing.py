"""A batch's inputs as one int64 matrix: the engine's transport format (one gather and one transfer per
chunk, not one per field), and the chunk sizes its compiled calls take."""

from __future__ import annotations

import numpy as np

from diffhw.hardware import MODEL_HW_FIELDS, Hardware
from diffhw.layers import OP_CODES, SHAPE_FIELDS, Layers
from diffhw.program import Program


def pack_inputs(layers: Layers, numbers, hw: Hardware) -> np.ndarray:
    """Layers `[B]`, the dataflow's number slots `[B, n]` and Hardware `[B]` as one int64 matrix [B, F]:
    the columns SHAPE_FIELDS, MODEL_HW_FIELDS, then the number slots."""
    cols = [getattr(layers, k) for k in SHAPE_FIELDS] + [getattr(hw, k) for k in MODEL_HW_FIELDS]
    numbers = np.asarray(numbers, np.int64).reshape(len(cols[0]), -1)
    head = np.empty((len(cols), len(numbers)), np.int64)  # fields as rows, then one transposing copy:
    for i, c in enumerate(cols):  # faster than stacking columns (docs/performance.md)
        head[i] = c
    out = np.empty((len(numbers), len(cols) + numbers.shape[1]), np.int64)
    out[:, :len(cols)] = head.T
    out[:, len(cols):] = numbers
    return out


def unpack_inputs(program: Program, inputs) -> tuple[Layers, object, Hardware]:
    """(Layers [B], numbers [B, n], Hardware [B]) of a `pack_inputs` matrix [B, F] (numpy or traced); the
    layers' `op` is the program's, every `mask` True."""
    nl, nh = len(SHAPE_FIELDS), len(MODEL_HW_FIELDS)
    col = {k: inputs[:, i] for i, k in enumerate(SHAPE_FIELDS)}
    one = inputs[:, 0] * 0 + 1
    layers = Layers(op=one * OP_CODES[program.op], mask=one == 1, **col)
    hw = Hardware(**{k: inputs[:, nl + i] for i, k in enumerate(MODEL_HW_FIELDS)})
    return layers, inputs[:, nl + nh:], hw


def chunk_size(m: int, chunk: int) -> int:
    """Items per compiled call for a part of `m` items and at most `chunk` per call: the next power of two
    for a part that fits one call (few shapes, few compiles); otherwise the part's calls share one size,
    a multiple of 128, close to an even division, so the last call is not mostly padding (1,288 items:
    2 x 768 rather than 2 x 1,024; at most four sizes per case space)."""
    if m <= chunk:
        return min(chunk, 1 << max(0, (m - 1).bit_length()))
    calls = -(-m // chunk)
    return min(chunk, -(-m // (calls * 128)) * 128)
