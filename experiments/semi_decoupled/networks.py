"""The tinyML'22 semi-decoupled study's NAS-Bench-301 networks as MAESTRO files, regenerated from its genotypes.

The study (Lu et al., tinyML'22, github.com/Ren-Research/CoDesign) builds DARTS `NetworkCIFAR(36, 10, 20,
auxiliary, genotype)` and writes one MAESTRO layer per `nn.Conv2d` / `nn.Linear` in
the order their forward hooks fire, named `<class>-<n>` (`Conv2d-1`, ..., `Linear-n`), with MAESTRO's
convention: Y and X are the layer's input size (padding is not modelled), a conv whose groups equal its input
channels is `DSCONV` with K 1, a Linear is a 1x1 `CONV` on a 1x1 map without a Stride line. Its mapping step
appends the `rs` Dataflow block after each Dimensions line (the depthwise `dpt` block for DSCONV).

This module follows that naming and order without PyTorch: `layers(genotype)` -> [Layer], `model_text` ->
the MAESTRO model file, `mapping_text` -> the mapping file.
"""

from __future__ import annotations

import pickle
from collections import namedtuple
from dataclasses import dataclass
from typing import Optional

Genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")

#: the study's network: DARTS NetworkCIFAR(C=36, classes=10, layers=20) on a 3x16x16 input, with the auxiliary
#: head its summary ran (the model is in training mode); its released numbers are these networks', not the
#: 3x32x32 ones its README's command line names
CHANNELS, CLASSES, CELLS, INPUT, AUXILIARY = 36, 10, 20, 16, True
STEM_MULTIPLIER = 3


@dataclass(frozen=True)
class Layer:
    """One MAESTRO layer: `kind` CONV | DSCONV | LINEAR; stride None for a Linear (no Stride line)."""
    kind: str
    k: int
    c: int
    r: int
    y: int
    stride: Optional[int]


class _GenotypeUnpickler(pickle.Unpickler):
    """Reads the study's pickles (lists, tuples, numpy scalars, Genotype namedtuples) and nothing else."""
    ALLOWED = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str):
        if name == "Genotype":
            return Genotype
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a study pickle")


def load_pickle(path):
    """A study pickle (genotypes, model indexes, per-model latency/energy lists) as plain Python values."""
    with open(path, "rb") as f:
        return _GenotypeUnpickler(f).load()


def _conv(c_in: int, c_out: int, k: int, stride: int, size: int) -> Layer:
    return Layer("CONV", c_out, c_in, k, size, stride)


def _depthwise(c: int, k: int, stride: int, size: int) -> Layer:
    return Layer("DSCONV", 1, c, k, size, stride)


def _out(size: int, k: int, stride: int, padding: int, dilation: int = 1) -> int:
    return (size + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _factorized_reduce(c_in: int, c_out: int, size: int) -> list[Layer]:
    """FactorizedReduce: two 1x1 stride-2 convs, the second on x[:, :, 1:, 1:]."""
    return [_conv(c_in, c_out // 2, 1, 2, size), _conv(c_in, c_out // 2, 1, 2, size - 1)]


def _op(name: str, c: int, stride: int, size: int) -> tuple[list[Layer], int]:
    """The conv layers of one DARTS operation on a size x size input, and its output size."""
    if name in ("max_pool_3x3", "avg_pool_3x3"):
        return [], _out(size, 3, stride, 1)
    if name == "skip_connect":
        return ([], size) if stride == 1 else (_factorized_reduce(c, c, size), _out(size, 1, 2, 0))
    kind, k = name.rsplit("_", 1)
    k = int(k.split("x")[0])
    if kind == "sep_conv":
        mid = _out(size, k, stride, k // 2)
        return [_depthwise(c, k, stride, size), _conv(c, c, 1, 1, mid),
                _depthwise(c, k, 1, mid), _conv(c, c, 1, 1, mid)], mid
    if kind == "dil_conv":
        mid = _out(size, k, stride, k - 1, dilation=2)
        return [_depthwise(c, k, stride, size), _conv(c, c, 1, 1, mid)], mid
    raise ValueError(f"unknown DARTS operation {name!r}")


def layers(genotype: Genotype, channels: int = CHANNELS, cells: int = CELLS, classes: int = CLASSES,
           size: int = INPUT, auxiliary: bool = AUXILIARY) -> list[Layer]:
    """The MAC layers of NetworkCIFAR(channels, classes, cells, auxiliary, genotype) on 3 x size x size, in
    forward order (a model in training mode runs its auxiliary head after cell 2 * cells // 3)."""
    c_curr = STEM_MULTIPLIER * channels
    out = [_conv(3, c_curr, 3, 1, size)]
    (c_pp, s_pp), (c_p, s_p), c_curr = (c_curr, size), (c_curr, size), channels
    reduction_prev = False
    for i in range(cells):
        reduction = i in (cells // 3, 2 * cells // 3)
        c_curr *= 2 if reduction else 1
        if reduction_prev:
            out += _factorized_reduce(c_pp, c_curr, s_pp)
        else:
            out.append(_conv(c_pp, c_curr, 1, 1, s_pp))
        out.append(_conv(c_p, c_curr, 1, 1, s_p))
        ops = genotype.reduce if reduction else genotype.normal
        sizes = [s_p, s_p]  # both preprocessed states are at s1's size
        for step in range(len(ops) // 2):
            step_sizes = []
            for name, index in ops[2 * step:2 * step + 2]:
                index = int(index)
                stride = 2 if reduction and index < 2 else 1
                op_layers, s = _op(name, c_curr, stride, sizes[index])
                out += op_layers
                step_sizes.append(s)
            sizes.append(step_sizes[0])
        concat = genotype.reduce_concat if reduction else genotype.normal_concat
        (c_pp, s_pp), (c_p, s_p) = (c_p, s_p), (len(concat) * c_curr, sizes[concat[0]])
        reduction_prev = reduction
        if auxiliary and i == 2 * cells // 3:
            pooled = _out(s_p, 5, 3, 2)  # AvgPool2d(5, stride=3, padding=2)
            out += [_conv(c_p, 128, 1, 1, pooled), _conv(128, 768, 2, 1, pooled),
                    Layer("LINEAR", classes, 768, 1, 1, None)]
    out.append(Layer("LINEAR", classes, c_p, 1, 1, None))
    return out


def model_text(net: list[Layer], network: str = "nasbench.darts.model") -> str:
    """The study's MAESTRO model file: `Layer Conv2d-n { Type, Stride, Dimensions }`, `Linear-n` last."""
    lines = [f"Network {network} {{"]
    for n, l in enumerate(net, 1):
        linear = l.kind == "LINEAR"
        lines.append(f"Layer {'Linear' if linear else 'Conv2d'}-{n} {{")
        lines.append(f"Type: {'CONV' if linear else l.kind}")
        if not linear:
            lines.append(f"Stride {{ X: {l.stride}, Y: {l.stride} }}")
        lines.append(f"Dimensions {{ K: {l.k}, C: {l.c}, R: {l.r}, S: {l.r}, Y: {l.y}, X: {l.y} }}")
        lines.append("}")
    return "\n".join(lines) + "\n}"


def mapping_text(model: str, dataflow: str, depthwise: str) -> str:
    """The study's mapping step (its modelfile_to_mapping.py): after each Dimensions line, the text of the
    dataflow file, or of the depthwise one for a DSCONV layer."""
    out, dsconv = [], False
    for line in model.splitlines(keepends=True):
        dsconv = dsconv or "DSCONV" in line
        out.append(line)
        if "Dimensions" in line:
            out.append(depthwise if dsconv else dataflow)
            dsconv = False
    return "".join(out)
