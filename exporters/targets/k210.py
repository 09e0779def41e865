"""Kendryte K210 KPU limits, checked for every MAC node of an op graph.

The KPU runs 2-D convolutions (dense or depthwise) with 1x1 or 3x3 kernels, stride 1 or 2, no dilation,
at most 1,024 input and output channels, on inputs at most 320 wide and 240 high, with the layer's int8
input and output feature maps within its 2 MB of KPU RAM, and all KPU layers' int8 weights within 6 MB
(layers are admitted in graph order until the weights are full). Every other MAC node (linear, matmul,
transposed or grouped convolutions) runs on the host. Producing a kmodel binary needs Kendryte's nncase
compiler, which is not part of this export.
"""

from __future__ import annotations

import math

__all__ = ["NAME", "DESCRIPTION", "refusals"]

NAME = "k210"
DESCRIPTION = ("Kendryte K210 KPU: conv 1x1/3x3, stride 1/2, <= 1,024 channels, input <= 320x240, "
               "feature maps <= 2 MB, weights <= 6 MB (int8)")
MAX_CHANNELS = 1024
MAX_WIDTH, MAX_HEIGHT = 320, 240
FEATURE_BYTES = 2 * 1024 * 1024
WEIGHT_BYTES = 6 * 1024 * 1024


def _conv_reasons(graph, node) -> list[str]:
    a = node.attrs
    shape = graph.shape(node.inputs[0])
    if len(shape) != 4:
        return [f"{len(shape) - 2}-D convolution (KPU: 2-D only)"]
    n, c, h, w = shape
    out = []
    if tuple(a["kernel"]) not in ((1, 1), (3, 3)):
        out.append(f"kernel {a['kernel'][0]}x{a['kernel'][1]} (KPU: 1x1 or 3x3)")
    if tuple(a["stride"]) not in ((1, 1), (2, 2)):
        out.append(f"stride {tuple(a['stride'])} (KPU: 1 or 2)")
    if tuple(a["dilation"]) != (1, 1):
        out.append(f"dilation {tuple(a['dilation'])} (KPU: none)")
    if a["groups"] not in (1, c):
        out.append(f"{a['groups']} groups (KPU: dense or depthwise)")
    if max(c, a["out_channels"]) > MAX_CHANNELS:
        out.append(f"{max(c, a['out_channels'])} channels (KPU: <= {MAX_CHANNELS})")
    if w > MAX_WIDTH or h > MAX_HEIGHT:
        out.append(f"input {w}x{h} (KPU: <= {MAX_WIDTH}x{MAX_HEIGHT})")
    fmap = n * c * h * w + math.prod(node.shape)
    if fmap > FEATURE_BYTES:
        out.append(f"feature maps {fmap / 2**20:.2f} MB (KPU RAM: <= 2 MB)")
    return out


def refusals(graph) -> dict[str, str]:
    """{MAC node name: why the KPU cannot run it} for the graph's MAC nodes it refuses."""
    out, weights = {}, 0
    for node in graph.nodes:
        if not node.is_mac:
            continue
        if node.kind != "conv":
            out[node.name] = f"{node.kind} (the KPU runs 2-D convolutions only)"
            continue
        reasons = _conv_reasons(graph, node)
        if not reasons and weights + node.params > WEIGHT_BYTES:
            reasons.append(f"KPU weight memory full ({weights / 2**20:.2f} MB used, this layer "
                           f"{node.params / 2**20:.2f} MB; <= 6 MB)")
        if reasons:
            out[node.name] = "; ".join(reasons)
        else:
            weights += node.params
    return out
