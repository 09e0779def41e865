"""Layers: one DNN layer as MAESTRO sees it, and batches of layers as a struct of arrays.

`LayerSpec` is the plain-Python form a frontend produces (name, type, dimensions as written, stride,
optional dataflow, source location). `Layers` is what the cost model consumes: one int64 array per field,
any leading batch shape (`[L]` for a network, `[M, L]` for a padded batch of networks) and a `mask`
that is False on padding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, NamedTuple, Optional, Sequence

import numpy as np

from diffhw.dataflow import Dataflow

#: Layer type codes (the `op` array). NGCONV is MAESTRO's nested grouped convolution (ResNeXt): G groups of
#: a K x C conv, whose output tensor keeps C (MAESTRO's tensor couplings, reproduced as they are).
CONV, DSCONV, GEMM, NGCONV = 0, 1, 2, 3
OP_NAMES = {CONV: "CONV", DSCONV: "DSCONV", GEMM: "GEMM", NGCONV: "NGCONV"}
OP_CODES = {v: k for k, v in OP_NAMES.items()}

#: Array fields of `Layers` (GEMM uses M, N, K; CONV/DSCONV use N as batch; NGCONV keeps its G in M).
DIM_FIELDS = ("N", "K", "C", "R", "S", "Y", "X", "M")
#: The integer fields of `Layers` the cost model reads (all but `op`, which the program fixes, and `mask`).
SHAPE_FIELDS = DIM_FIELDS + ("stride_y", "stride_x")


@dataclass(frozen=True)
class SourceLoc:
    """Where an item came from, for error messages."""

    file: str = "<memory>"
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class LayerSpec:
    """One layer. `dims` holds the dimensions exactly as written (e.g. K C R S Y X, or Y'/X', or M N K for
    GEMM); `stride` maps a dimension name (Y, X) to its stride; `dataflow` is the mapping, if any."""

    name: str
    op: str
    dims: Mapping[str, int]
    stride: Mapping[str, int] = field(default_factory=dict)
    dataflow: Optional[Dataflow] = None
    loc: SourceLoc = SourceLoc()
    #: what the frontend wants said about the layer's numbers (e.g. "Type TRCONV is evaluated as CONV");
    #: `diffhw.evaluate.evaluate` reports each as a warning
    notes: tuple[str, ...] = ()

    @property
    def has_batch(self) -> bool:
        return self.op != "GEMM" and "N" in self.dims

    def input_dims(self) -> dict[str, int]:
        """Dimensions in MAESTRO's input-centric form: Y/X given or derived from Y'/X' (Y = Y' + R - 1)."""
        d = dict(self.dims)
        if self.op != "GEMM":
            if "Y" not in d and "Y'" in d:
                d["Y"] = d["Y'"] + d.get("R", 1) - 1
            if "X" not in d and "X'" in d:
                d["X"] = d["X'"] + d.get("S", 1) - 1
            d.pop("Y'", None)
            d.pop("X'", None)
        return d

    def field_dims(self) -> dict[str, int]:
        """The `Layers` fields of the layer (DIM_FIELDS; missing ones are 1, an NGCONV's G goes to M)."""
        d = self.input_dims()
        out = {f: d.get(f, 1) for f in DIM_FIELDS}
        if self.op == "NGCONV":
            out["M"] = d.get("G", 1)
        return out

    def num_macs(self) -> int:
        """MACs of the layer as MAESTRO's dimensions describe it: K*C*R*S*Y'*X' (N, G if present)."""
        d = self.input_dims()
        if self.op == "GEMM":
            return d["M"] * d["N"] * d["K"]
        sy, sx = self.stride.get("Y", 1), self.stride.get("X", 1)
        yo = (d["Y"] - d["R"]) // sy + 1
        xo = (d["X"] - d["S"]) // sx + 1
        k = 1 if self.op == "DSCONV" else d["K"]
        return d.get("N", 1) * d.get("G", 1) * k * d["C"] * d["R"] * d["S"] * yo * xo


@dataclass(frozen=True)
class Network:
    """A named list of layers (plus anything a frontend keeps beside the arrays)."""

    name: str
    layers: tuple[LayerSpec, ...]
    source: str = "<memory>"


class Layers(NamedTuple):
    """Struct of int64 arrays, all of the same (batch) shape. Padding rows have mask False. A NamedTuple, as
    `Hardware`: a JAX pytree without registration, so parsing layer files imports no JAX."""

    op: np.ndarray
    N: np.ndarray
    K: np.ndarray
    C: np.ndarray
    R: np.ndarray
    S: np.ndarray
    Y: np.ndarray
    X: np.ndarray
    M: np.ndarray
    stride_y: np.ndarray
    stride_x: np.ndarray
    mask: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.op))

    @staticmethod
    def from_specs(specs: Sequence[LayerSpec], pad_to: Optional[int] = None) -> "Layers":
        """Pack layer specs into arrays `[L]` (padded with masked copies of a 1x1 layer up to `pad_to`)."""
        n = len(specs) if pad_to is None else max(pad_to, len(specs))
        cols = {f: np.ones(n, dtype=np.int64) for f in DIM_FIELDS + ("stride_y", "stride_x")}
        op = np.zeros(n, dtype=np.int64)
        mask = np.zeros(n, dtype=bool)
        for i, spec in enumerate(specs):
            d = spec.field_dims()
            op[i] = OP_CODES[spec.op]
            mask[i] = True
            for f in DIM_FIELDS:
                cols[f][i] = d[f]
            cols["stride_y"][i] = spec.stride.get("Y", 1)
            cols["stride_x"][i] = spec.stride.get("X", 1)
        return Layers(op=op, mask=mask, **cols)

    @staticmethod
    def stack(batches: Sequence["Layers"]) -> "Layers":
        """Stack equally long layer arrays into a leading batch axis: `[M, L]`."""
        return _fieldwise(np.stack, batches)


def _fieldwise(fn, trees: Sequence):
    """One NamedTuple of arrays (`Layers`, `Hardware`) from `fn(tuple of the trees' values)` per field (a
    field that is None in the first tree stays None)."""
    return type(trees[0])(*(None if xs[0] is None else fn(xs) for xs in zip(*trees)))


def take(tree, index):
    """A NamedTuple of numpy arrays (`Layers`, `Hardware`) at `index` of its leading axis."""
    return _fieldwise(lambda xs: xs[0][index], [tree])


def concatenate(trees: Sequence):
    """NamedTuples of numpy arrays of one type (`Layers`, `Hardware`) joined along their leading axis."""
    return _fieldwise(np.concatenate, trees)
