"""NAS search spaces as batched arrays (`diffhw.frontends.nas`).

* `darts` — the DARTS / NAS-Bench-301 cell space on CIFAR-10.
* `alphanet` — the AlphaNet / AttentiveNAS MobileNetV3-style space on ImageNet.
* `digits` — an AlphaNet-derived MBConv space for scikit-learn's 8x8 digits (the joint search's space).

Each space has `sample(n, seed) -> Sample` (padded `[M, L]` Layers, encodings `[M, D]`), the encodings
alone (`random_encodings(n, seed)` `[M, D]`; `SuperNet.rows` turns them into rows of its layer table),
`supernet() -> SuperNet` (slots x options, for relaxed search) and `decode(encoding) -> Graph`; the
machinery they share is in `supernet`.
"""

from diffhw.frontends.nas.supernet import Decision, Sample, SuperNet, layer_macs

__all__ = ["Decision", "Sample", "SuperNet", "layer_macs"]
