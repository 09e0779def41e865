"""NAS search spaces as batched arrays (`diffhw.frontends.nas`).

* `darts` — the DARTS / NAS-Bench-301 cell space on CIFAR-10.
* `alphanet` — the AlphaNet / AttentiveNAS MobileNetV3-style space on ImageNet.
* `digits` — an AlphaNet-derived MBConv space for scikit-learn's 8x8 digits (the joint search's space).

Each space has `sample(n, seed) -> Sample` (padded `[M, L]` Layers, encodings `[M, D]`), the encodings
alone (`random_encodings(n, seed)` `[M, D]`; `SuperNet.rows` turns them into rows of its layer table),
`supernet() -> SuperNet` (slots x options, for relaxed search) and `decode(encoding) -> Graph`; the
machinery they share is in `supernet`. `sample_models(space, n, seed)` gives `n` sampled networks as the
batched `diffhw.sweep.Models` that `diffhw eval` sweeps.
"""

from diffhw.frontends.nas.supernet import Decision, Sample, SuperNet, layer_macs

__all__ = ["Decision", "Sample", "SuperNet", "layer_macs", "sample_models"]


def sample_models(space: str, samples: int, seed: int = 0):
    """`samples` architectures of a NAS space (`darts`, `alphanet`), the networks of `sample(samples, seed)`,
    as `diffhw.sweep.Models`: rows of the space's layer table (no per-network layer arrays)."""
    import numpy as np

    from diffhw.frontends.nas import alphanet, darts
    from diffhw.layers import GEMM
    from diffhw.sweep import Models

    spaces = {"darts": darts, "alphanet": alphanet}
    if space not in spaces:
        raise ValueError(f"unknown search space {space!r}; use {' or '.join(spaces)}")
    net = spaces[space].supernet()
    table = net.table()
    has_batch = (np.asarray(table.op) != GEMM) & (np.asarray(table.N) > 1)
    return Models(tuple(net.names(samples, seed)), table, has_batch,
                  net.rows(spaces[space].random_encodings(samples, seed)))
