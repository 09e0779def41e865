"""Networks as rows of a layer table (`Models`): the batch of models a sweep evaluates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from diffhw.layers import OP_NAMES, SHAPE_FIELDS, Layers, LayerSpec
from diffhw.program import Program


#: Layer key fields (one distinct layer = one distinct key).
KEY_FIELDS = ("op",) + SHAPE_FIELDS + ("has_batch",)



def _layer_keys(layers: Layers, has_batch, where=Ellipsis) -> np.ndarray:
    """Keys (KEY_FIELDS) of the layers selected by `where` (default: all): int64 `[n, len(KEY_FIELDS)]`."""
    cols = [np.asarray(getattr(layers, f), np.int64)[where] for f in KEY_FIELDS[:-1]]
    return np.stack(cols + [np.asarray(has_batch, np.int64)[where]], -1)


def layers_of_keys(keys: np.ndarray) -> Layers:
    """`Layers` `[n]` of layer keys `[n, len(KEY_FIELDS)]` (every mask True)."""
    return Layers(**{f: keys[:, k] for k, f in enumerate(KEY_FIELDS[:-1])}, mask=np.ones(len(keys), bool))


def program_of_key(structure: tuple, key: np.ndarray) -> Program:
    """The program family of a layer key under a dataflow structure."""
    return Program(structure, OP_NAMES[int(key[0])], bool(key[-1]))


def spec_of_key(key: np.ndarray) -> LayerSpec:
    """The `LayerSpec` (named "layer", no dataflow) of one layer key `[len(KEY_FIELDS)]`."""
    op = OP_NAMES[int(key[0])]
    f = dict(zip(KEY_FIELDS, (int(v) for v in key)))
    if op == "GEMM":
        return LayerSpec("layer", op, {"M": f["M"], "N": f["N"], "K": f["K"]})
    dims = {"K": f["K"], "C": f["C"], "R": f["R"], "S": f["S"], "Y": f["Y"], "X": f["X"]}
    if f["has_batch"]:
        dims = {"N": f["N"], **dims}
    return LayerSpec("layer", op, dims, {"Y": f["stride_y"], "X": f["stride_x"]})


def _unique_rows(a: np.ndarray):
    """np.unique(a, axis=0, return_inverse=True) through a void view (much faster on millions of rows)."""
    a = np.ascontiguousarray(a)
    v = a.view(np.dtype((np.void, a.dtype.itemsize * a.shape[1]))).ravel()
    _, first, inv = np.unique(v, return_index=True, return_inverse=True)
    return a[first], inv.ravel()



@dataclass(frozen=True)
class Models:
    """Networks as rows of a layer table: `table` Layers `[T]` with `table_batch` bool `[T]` (the layer has
    an N dimension), `index` int32 `[M, L]` (each network's layers in order as table rows, -1 on padding),
    names `[M]` and optional per-layer names (files and zoo models). NAS samples share a few hundred
    distinct layers, so 100,000 networks take 4 bytes per layer position instead of 12 int64 fields."""

    names: tuple[str, ...]
    table: Layers
    table_batch: np.ndarray
    index: np.ndarray
    layer_names: Optional[tuple[tuple[str, ...], ...]] = None

    @staticmethod
    def from_arrays(names: Sequence[str], layers: Layers, has_batch: np.ndarray, layer_names=None) -> "Models":
        """From padded layer arrays `[M, L]` (mask False on padding) and `has_batch` `[M, L]`."""
        mask = np.asarray(layers.mask, bool)
        rows, inv = _unique_rows(_layer_keys(layers, has_batch, mask))
        index = np.full(mask.shape, -1, np.int32)
        index[mask] = inv
        return Models(tuple(names), layers_of_keys(rows), rows[:, -1].astype(bool), index, layer_names)

    def __len__(self) -> int:
        return len(self.names)

    def keys(self) -> np.ndarray:
        """Table row keys `[T, len(KEY_FIELDS)]` int64."""
        return _layer_keys(self.table, self.table_batch)

    def lengths(self) -> np.ndarray:
        """Layers per network `[M]`."""
        return (self.index >= 0).sum(1)

    def network_keys(self, m: int) -> np.ndarray:
        """Keys of network m's layers in order `[n_m, len(KEY_FIELDS)]`."""
        row = self.index[m]
        return self.keys()[row[row >= 0]]

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """(keys of the distinct layers the networks use `[U, len(KEY_FIELDS)]`, sorted; each position's
        distinct-layer index `[M, L]`, -1 on padding): the same for equal networks however stored."""
        used = np.unique(self.index[self.index >= 0])
        keys, inv = _unique_rows(self.keys()[used])
        remap = np.full(len(self.table_batch) + 1, -1, np.int64)
        remap[used] = inv
        return keys, remap[self.index]  # index -1 reads the trailing -1

    def take(self, idx: np.ndarray) -> "Models":
        """The networks `idx` (same table)."""
        return Models(tuple(self.names[i] for i in idx), self.table, self.table_batch, self.index[idx],
                      None if self.layer_names is None else tuple(self.layer_names[i] for i in idx))

    def digest(self) -> str:
        keys, inv = self.distinct()
        h = hashlib.sha256("\n".join(self.names).encode())
        for a in (keys, self.lengths(), inv[inv >= 0]):
            h.update(np.ascontiguousarray(a, np.int64).tobytes())
        return h.hexdigest()[:16]



def models_from_networks(networks: Sequence[tuple[str, Sequence[LayerSpec]]]) -> Models:
    """Networks given as (name, layer specs), padded to the longest."""
    if not networks:
        raise ValueError("no models")
    length = max(len(ls) for _, ls in networks)
    rows, hb = [], []
    for _, specs in networks:
        rows.append(Layers.from_specs(list(specs), pad_to=length))
        hb.append([s.has_batch for s in specs] + [False] * (length - len(specs)))
    return Models.from_arrays([n for n, _ in networks], Layers.stack(rows), np.array(hb, bool),
                              tuple(tuple(s.name for s in ls) for _, ls in networks))
