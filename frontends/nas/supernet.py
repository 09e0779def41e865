"""Search spaces as arrays: decisions, slots x options, vectorized sampling (shared by the NAS spaces).

A space is a list of *decisions* (resolution, a stage's width, an edge's op, ...), each a choice among a few
values, and a list of *slots* (a layer group: a conv block, a cell edge). A slot depends on a few decisions;
each combination of their values is one *option* of the slot and has up to `Q` candidate layers (absent
layers, "skip" for depth and "none" ops are masked). So

* an architecture is one option index per decision, its *encoding* `[D]`;
* its layers are, slot by slot, the layers of the option its decisions select, padding dropped;
* a relaxed architecture is a softmax over the values of each decision; the weight of a slot option is the
  product of its decisions' probabilities (`SuperNet.option_weights`), so a cost that is a sum over layers
  relaxes to `sum_{s,j} w[s, j] * cost(options[s, j])`, exact at one-hot choices.

Layer dimensions follow `frontends/graph.py` (padded convention, square feature maps); `conv_layer` and
`linear_layer` are the vectorized forms of its conv and linear nodes, and each space's tests compare them
with the graphs its `decode` builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from diffhw.layers import CONV, DIM_FIELDS, DSCONV, GEMM, Layers

#: Layers fields in the order the tables stack them.
FIELDS = ("op",) + DIM_FIELDS + ("stride_y", "stride_x", "mask")

#: A layer row: field name -> int array, all broadcastable to the slot's `[J]` options.
Row = dict


@dataclass(frozen=True)
class Decision:
    """One architectural choice: `values` (ints) with display `labels`."""

    name: str
    values: tuple[int, ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slot:
    """A layer group whose candidate layers depend on decisions `deps`.

    `rows(values)` gets one int array `[J]` per dep (the decision's *value* under each option of the slot)
    and returns the slot's candidate layers, in network order, as rows (`conv_layer`, `linear_layer`)."""

    name: str
    deps: tuple[int, ...]
    rows: Callable[[list[np.ndarray]], list[Row]]


def conv_layer(cin, cout, kernel, h, stride=1, padding=0, dilation=1, depthwise=False, valid=True) -> Row:
    """A square conv (batch 1, `h` x `h` input) as `Graph` writes it in the padded convention: CONV with
    Y = h + 2*padding, or for dilated kernels Y = (h_out - 1)*stride + kernel (so R stays the tap count);
    depthwise (groups == cin == cout) is DSCONV with K = 1."""
    h = np.asarray(h)
    h_out = (h + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    y = np.where(np.asarray(dilation) > 1, (h_out - 1) * stride + kernel, h + 2 * padding)
    return dict(op=np.where(depthwise, DSCONV, CONV), N=1, K=np.where(depthwise, 1, cout), C=cin, R=kernel,
                S=kernel, Y=y, X=y, M=1, stride_y=stride, stride_x=stride, mask=valid)


def linear_layer(fin, fout, valid=True) -> Row:
    """A linear layer on a `[1, fin]` input: GEMM M=1, K=fin, N=fout (padded convention)."""
    return dict(op=GEMM, N=fout, K=fin, C=1, R=1, S=1, Y=1, X=1, M=1, stride_y=1, stride_x=1, mask=valid)


def conv_out(h, kernel, stride=1, padding=0, dilation=1):
    """Output size of a conv or pooling window along one axis."""
    return (h + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def make_divisible(v, divisor=8):
    """Round channel counts to a multiple of `divisor`, never more than 10 % down (the MobileNet/OFA rule)."""
    v = np.asarray(v)
    new = np.maximum(divisor, (v + divisor // 2) // divisor * divisor)
    return np.where(new < 0.9 * v, new + divisor, new)


def layer_macs(layers: Layers) -> np.ndarray:
    """MACs per layer (0 on padding) with `LayerSpec.num_macs`'s formula; any batch shape."""
    yo = (layers.Y - layers.R) // layers.stride_y + 1
    xo = (layers.X - layers.S) // layers.stride_x + 1
    k = np.where(layers.op == DSCONV, 1, layers.K)
    conv = layers.N * k * layers.C * layers.R * layers.S * yo * xo
    macs = np.where(layers.op == GEMM, layers.M * layers.N * layers.K, conv)
    return np.where(layers.mask, macs, 0)


@dataclass(frozen=True)
class Sample:
    """A batch of architectures: `layers` `[M, L]` (masked padding), `encodings` `[M, D]` (option index
    per decision), `names` `[M]`, `slot` `[M, L]` (the supernet slot each layer comes from, -1 on padding)
    and `macs` `[M]`."""

    layers: Layers
    encodings: np.ndarray
    names: tuple[str, ...]
    slot: np.ndarray
    macs: np.ndarray


@dataclass(frozen=True)
class SuperNet:
    """Slots x options as arrays.

    `options`: Layers `[S, J, Q]`, candidate layers of option j of slot s (mask False for absent layers and
    for options beyond the slot's `num_options`); `deps` `[S, T]` decision ids and `radix` `[S, T]` the
    mixed-radix strides of the option index (0 where a slot has fewer than T deps); `digits` `[S, J, T]`
    the option index of each dep under option j; `max_layers` the padded length L of sampled networks."""

    name: str
    decisions: tuple[Decision, ...]
    slot_names: tuple[str, ...]
    deps: np.ndarray
    radix: np.ndarray
    digits: np.ndarray
    num_options: np.ndarray
    options: Layers
    max_layers: int

    @property
    def num_choices(self) -> np.ndarray:
        """Number of values per decision `[D]`."""
        return np.array([len(d.values) for d in self.decisions])

    @property
    def choice_mask(self) -> np.ndarray:
        """`[D, O]` True where option o exists for decision d (mask logits with it before a softmax)."""
        return np.arange(self.num_choices.max()) < self.num_choices[:, None]

    def option_index(self, encodings: np.ndarray) -> np.ndarray:
        """Selected option per slot: encodings `[..., D]` -> `[..., S]`."""
        return (np.asarray(encodings)[..., self.deps] * self.radix).sum(-1)

    def option_weights(self, probs):
        """Relaxed option weights: per-decision probabilities `[..., D, O]` (numpy or jax, O >= the largest
        decision) -> `[..., S, J]`, the product of the deps' probabilities (0 on options beyond a slot's)."""
        p = probs[..., self.deps[:, None, :], self.digits]  # [..., S, J, T]
        used = (self.radix > 0)[:, None, :]
        valid = np.arange(self.digits.shape[1]) < self.num_options[:, None]
        return (p * used + (1 - used)).prod(-1) * valid

    def table(self) -> Layers:
        """Every option's candidate layers flattened: Layers `[S * J * Q]` (row (s * J + j) * Q + q; mask
        False where absent). `rows` indexes it."""
        return Layers(**{f: np.asarray(getattr(self.options, f)).reshape(-1) for f in FIELDS})

    def rows(self, encodings: np.ndarray) -> np.ndarray:
        """Network layers of encodings `[M, D]` as rows of `table()`: int32 `[M, L]`, -1 on padding.

        Slot by slot, the layers of the selected options in order; padding at the end."""
        n_s, n_j, n_q = self.options.op.shape
        j = self.option_index(encodings)  # [M, S]
        valid = self.options.mask[np.arange(n_s), j].reshape(len(j), n_s * n_q)
        rows, cols = np.nonzero(valid)  # row-major: each network's layers in order
        counts = valid.sum(1)
        dest = np.arange(len(rows)) - (np.cumsum(counts) - counts)[rows]  # position within the network
        if dest.size and dest.max() >= self.max_layers:
            raise ValueError(f"{self.name}: a network has more than max_layers={self.max_layers} layers")
        s, q = cols // n_q, cols % n_q
        index = np.full((len(j), self.max_layers), -1, dtype=np.int32)
        index[rows, dest] = (s * n_j + j[rows, s]) * n_q + q
        return index

    def layers(self, encodings: np.ndarray) -> tuple[Layers, np.ndarray]:
        """Network arrays of encodings `[M, D]`: (Layers `[M, L]`, slot index `[M, L]`, -1 on padding);
        `rows` gathered from `table()`, padding as masked 1x1 CONV rows."""
        index = self.rows(encodings)
        valid = index >= 0
        at = np.where(valid, index, 0)
        table = self.table()
        packed = {f: np.where(valid, getattr(table, f)[at], {"op": CONV, "mask": False}.get(f, 1)) for f in FIELDS}
        n_j, n_q = self.options.op.shape[1:]
        return Layers(**packed), np.where(valid, index // (n_j * n_q), -1).astype(np.int64)

    def names(self, n: int, seed: int) -> list[str]:
        """Names of `n` sampled architectures: `<space>-<seed>-<i>`."""
        return [f"{self.name}-{seed}-{i}" for i in range(n)]

    def sample(self, encodings: np.ndarray, names: Sequence[str]) -> Sample:
        """Bundle encodings `[M, D]` with their layer arrays."""
        layers, slot = self.layers(encodings)
        return Sample(layers=layers, encodings=np.asarray(encodings, dtype=np.int64), names=tuple(names),
                      slot=slot, macs=layer_macs(layers).sum(-1))


def uniform_encodings(decisions: Sequence[Decision], n: int, seed: int) -> np.ndarray:
    """`n` encodings `[n, D]`, each decision drawn uniformly (vectorized; deterministic per seed)."""
    choices = np.array([len(d.values) for d in decisions])
    return np.random.default_rng(seed).integers(0, choices, size=(n, len(choices)))


def check_encoding(space: str, decisions: Sequence[Decision], encoding: Sequence[int]) -> np.ndarray:
    """Check one encoding's shape and option ranges; returns it as an int array `[D]`."""
    enc = np.asarray(encoding, dtype=np.int64)
    if enc.shape != (len(decisions),):
        raise ValueError(f"{space}: an encoding has {len(decisions)} entries, got shape {enc.shape}")
    for d, i in zip(decisions, enc):
        if not 0 <= i < len(d.values):
            raise ValueError(f"{space}: decision {d.name!r} has {len(d.values)} options, got index {i}")
    return enc


def encode_values(space: str, decisions: Sequence[Decision], values: Sequence) -> np.ndarray:
    """The encoding `[D]` of one value per decision (the inverse of reading `d.values[i]`): a value outside
    its decision's options is a ValueError naming the space and the decision."""
    if len(values) != len(decisions):
        raise ValueError(f"{space}: a config has {len(decisions)} values, got {len(values)}")
    enc = []
    for d, v in zip(decisions, values):
        if v not in d.values:
            raise ValueError(f"{space}: {d.name} = {v} is not in the space {d.values}")
        enc.append(d.values.index(v))
    return np.array(enc, np.int64)


def build_supernet(name: str, decisions: Sequence[Decision], slots: Sequence[Slot],
                   max_layers: int | None = None) -> SuperNet:
    """Tabulate every slot's candidate layers under every option of its deps.

    `max_layers` defaults to the sum over slots of the most layers any option has (an upper bound)."""
    sizes = [[len(decisions[d].values) for d in s.deps] for s in slots]
    num_options = np.array([int(np.prod(z)) for z in sizes])
    n_s, n_j, n_t = len(slots), int(num_options.max()), max(1, max(len(s.deps) for s in slots))
    deps = np.zeros((n_s, n_t), np.int64)
    radix = np.zeros((n_s, n_t), np.int64)
    digits = np.zeros((n_s, n_j, n_t), np.int64)
    tables = []
    for i, (slot, size) in enumerate(zip(slots, sizes)):
        strides = np.cumprod([1] + size[:-1]).astype(np.int64)
        deps[i, :len(size)] = slot.deps
        radix[i, :len(size)] = strides
        j = np.arange(num_options[i])
        dig = [(j // st) % n for st, n in zip(strides, size)]
        digits[i, :num_options[i], :len(size)] = np.stack(dig, -1) if dig else 0
        vals = [np.asarray(decisions[d].values)[g] for d, g in zip(slot.deps, dig)]
        tables.append([{f: np.broadcast_to(np.asarray(r[f], np.int64), j.shape) for f in FIELDS}
                       for r in slot.rows(vals)])
    n_q = max(len(t) for t in tables)
    cols = {f: np.ones((n_s, n_j, n_q), np.int64) for f in FIELDS}
    cols["mask"] = np.zeros((n_s, n_j, n_q), bool)
    for i, rows in enumerate(tables):
        for q, row in enumerate(rows):
            for f in FIELDS:
                cols[f][i, :num_options[i], q] = row[f]
    if max_layers is None:
        max_layers = int(cols["mask"].sum(-1).max(-1).sum())
    return SuperNet(name=name, decisions=tuple(decisions), slot_names=tuple(s.name for s in slots), deps=deps,
                    radix=radix, digits=digits, num_options=num_options, options=Layers(**cols),
                    max_layers=max_layers)
