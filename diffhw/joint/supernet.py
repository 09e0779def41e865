"""An MBConv space (`space`: an `MBConvSpace` of the NAS frontend, e.g. the digits space) as a flax network: a
weight-sharing supernet for search and the plain network of one architecture for training from scratch.

`MBConvNet(space)` is the supernet, called as `apply(params, x, gates)` with per-decision gates
`gates` [D, O] (rows of the space's decisions): one-hot values (a sampled or chosen architecture) whose
gradient reaches the architecture logits (`gumbel_gates`: straight-through Gumbel-softmax, GDAS):

* every block holds each of its candidate ops (own weights) but runs only the op of the largest gate and
  scales its output by that gate (`MixedBlock`, `nn.switch`), so a step costs one path, not all ops;
* widths are FBNetV2-style channel masks at the largest width: a stage's output channels are scaled by
  sum_o gate[o] * (c < width[o]), a block's expanded channels by the same mask of its input width x expand
  (at one-hot gates the supernet computes exactly the chosen network with its ops' weights cut to size).

`MBConvNet(space, encoding=(...))` is the network of one encoding `[D]`: only the chosen ops, at the chosen
widths (the layers `space.decode(encoding)` lists, so its cost is the cost the model evaluates). Images are
NHWC `[N, H, W, C]` (the space's resolution and input channels); the output is logits `[N, classes]`.
"""

from __future__ import annotations

from typing import Optional

import flax.linen as nn
import jax.numpy as jnp
import numpy as np

__all__ = ["Depthwise", "Pointwise", "MBConv", "MixedBlock", "MBConvNet", "batch_norm", "fold_batch_norm",
           "choice_mask", "masked_softmax", "gumbel_gates", "one_hot_gates", "supernet_key", "leaves",
           "network_to_supernet", "supernet_to_network"]

BN_EPSILON = 1e-5


def choice_mask(space) -> np.ndarray:
    """[D, O] True where option o exists for decision d of `space`."""
    n = np.array([len(d.values) for d in space.decisions()])
    return np.arange(n.max()) < n[:, None]


def masked_softmax(logits, mask, temperature=1.0):
    """Per-decision probabilities [D, O] of architecture logits [D, O] (options outside `mask` [D, O] get 0)."""
    import jax

    return jax.nn.softmax(jnp.where(mask, logits / temperature, -jnp.inf), axis=-1)


class Depthwise(nn.Module):
    """Depthwise kxk conv, padding k//2, without bias (batch normalization follows): the parameters of
    `nn.Conv(C, (k, k), stride, k // 2, feature_group_count=C, use_bias=False)` (kernel [k, k, 1, C], float32
    like every parameter of the network, also with JAX's 64-bit mode on),
    computed as a sum of k*k shifted, scaled inputs (one fused loop: XLA's CPU grouped convolution is ~15x
    slower on these 8x8 maps)."""

    kernel: int
    stride: int

    @nn.compact
    def __call__(self, x):
        k, s, c = self.kernel, self.stride, x.shape[-1]
        w = self.param("kernel", nn.initializers.lecun_normal(), (k, k, 1, c), jnp.float32)
        p = k // 2
        xp = jnp.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
        ho = (x.shape[1] + 2 * p - k) // s + 1
        wo = (x.shape[2] + 2 * p - k) // s + 1
        return sum(xp[:, i:i + (ho - 1) * s + 1:s, j:j + (wo - 1) * s + 1:s, :] * w[i, j, 0]
                   for i in range(k) for j in range(k))


class Pointwise(nn.Module):
    """1x1 conv without bias (batch normalization follows): the parameters of `nn.Conv(cout, (1, 1),
    use_bias=False)` (kernel [1, 1, C, cout]), computed as one matrix product (5x faster than XLA's CPU
    convolution here)."""

    cout: int

    @nn.compact
    def __call__(self, x):
        w = self.param("kernel", nn.initializers.lecun_normal(), (1, 1, x.shape[-1], self.cout), jnp.float32)
        return (x.reshape(-1, x.shape[-1]) @ w[0, 0]).reshape(x.shape[:-1] + (self.cout,))


def batch_norm(name: str, train: bool) -> nn.BatchNorm:
    """The batch normalization after conv `name` (named `<name>_bn`): batch statistics when `train`
    (running averages, momentum 0.9, updated in the `batch_stats` collection), else the running averages,
    a per-channel affine map that `fold_batch_norm` folds into the conv."""
    return nn.BatchNorm(use_running_average=not train, momentum=0.9, epsilon=BN_EPSILON, dtype=jnp.float32,
                        name=f"{name}_bn")


class MBConv(nn.Module):
    """MobileNetV2 block (see the space): expand 1x1 (if expand > 1), depthwise kxk with the stride,
    pointwise 1x1 to `cout`, each followed by batch normalization; ReLU6 after expand and depthwise; the
    identity shortcut when `residual`."""

    cout: int
    kernel: int
    expand: int
    stride: int
    residual: bool

    @nn.compact
    def __call__(self, x, mid_mask=1.0, train: bool = False):
        """x [N, H, W, C]; mid_mask [C * expand] scales the expanded channels (supernet width masks)."""
        mid = x.shape[-1] * self.expand
        h = x
        if self.expand > 1:
            h = nn.relu6(batch_norm("expand", train)(Pointwise(mid, name="expand")(h))) * mid_mask
        h = nn.relu6(batch_norm("dw", train)(Depthwise(self.kernel, self.stride, name="dw")(h))) * mid_mask
        h = batch_norm("pw", train)(Pointwise(self.cout, name="pw")(h))
        return h + x if self.residual else h


def _width_mask(gates_row, widths) -> jnp.ndarray:
    """Channel mask [max width] of a width decision: sum_o gate[o] * (c < width[o])."""
    c = np.arange(max(widths))
    keep = (c[None, :] < np.array(widths)[:, None]).astype(np.float32)  # [O, C]
    return (gates_row[:len(widths), None] * keep).sum(0)


class MixedBlock(nn.Module):
    """One supernet block: its candidate ops (`ops`: the space's op names, "skip" = identity) with their own
    weights; runs only the op of the largest gate (`nn.switch`) and scales its output by that gate."""

    space: object
    ops: tuple
    cout: int
    stride: int
    residual: bool

    def setup(self):
        self.candidates = [None if op == "skip" else
                           MBConv(self.cout, *self.space.kernel_expand(op), self.stride, self.residual, name=op)
                           for op in self.ops]

    def __call__(self, x, gates_row, width_gates, widths, train: bool = False, all_ops: bool = False):
        """x [N, H, W, C]; gates_row [O] of the op decision; width_gates [O] of the input width decision
        with its `widths` (the expanded channels of an input of width w are the first w * expand).
        `all_ops`: every op runs and the output is the gate-weighted sum (DARTS' mixed op)."""
        def branch(o):
            if self.ops[o] == "skip":
                return lambda mdl, x, g: x * g[o]
            e = self.space.kernel_expand(self.ops[o])[1]
            mid_mask = _width_mask(width_gates, tuple(w * e for w in widths))
            return lambda mdl, x, g: mdl.candidates[o](x, mid_mask, train) * g[o]

        branches = [branch(o) for o in range(len(self.ops))]
        if all_ops or self.is_mutable_collection("params"):  # (initialization: create every op's weights)
            out = [b(self, x, gates_row) for b in branches]
            if all_ops:
                return sum(out)
        return nn.switch(jnp.argmax(gates_row[:len(self.ops)]), branches, self, x, gates_row)


class MBConvNet(nn.Module):
    """The supernet of `space` (`encoding=None`, call with gates [D, O]) or one architecture (`encoding`, a
    tuple). `train=True` normalizes with the batch's statistics (call with `mutable=["batch_stats"]` to get
    the updated running averages), `train=False` with the running averages."""

    space: object
    encoding: Optional[tuple] = None

    @nn.compact
    def __call__(self, x, gates=None, train: bool = False, all_ops: bool = False):
        sp, fixed = self.space, self.encoding is not None
        cfg = sp.config(self.encoding) if fixed else None
        stem_w = cfg["stem"] if fixed else max(sp.stem_widths)
        x = nn.relu6(batch_norm("stem", train)(nn.Conv(stem_w, (3, 3), padding=1, use_bias=False, name="stem")(x)))
        if not fixed:
            x = x * _width_mask(gates[sp.W_STEM], sp.stem_widths)
        for s, (name, widths, _) in enumerate(sp.stages):
            width = cfg["widths"][s] if fixed else max(widths)
            for i in range(sp.blocks):
                stride = sp.block_shape(s, i)[1]
                if fixed:
                    op = cfg["ops"][s][i]
                    if op != "skip":
                        x = MBConv(width, *sp.kernel_expand(op), stride, i > 0, name=f"{name}_{i}")(x, train=train)
                    continue
                d = sp.op_decision(s, i)
                ops = tuple(sp.ops[v] for v in sp.decisions()[d].values)
                w_in, in_widths = sp.block_input(s, i)
                x = MixedBlock(sp, ops, width, stride, i > 0, name=f"{name}_{i}")(x, gates[d], gates[w_in], in_widths,
                                                                                  train, all_ops)
                x = x * _width_mask(gates[sp.stage_width(s)], widths)
        x = x.mean(axis=(1, 2))
        return nn.Dense(sp.num_classes, name="classifier")(x)


def gumbel_gates(key, logits, mask, tau):
    """Straight-through Gumbel-softmax gates [D, O] of architecture logits (GDAS; options outside `mask` [D, O]
    never drawn): the value is the one-hot of a sample of each decision, the gradient that of the softmax of
    (logits + Gumbel noise) / tau."""
    import jax

    g = jax.random.gumbel(key, logits.shape)
    soft = masked_softmax(logits + g, mask, tau)
    hard = jax.nn.one_hot(jnp.argmax(soft, -1), soft.shape[-1], dtype=soft.dtype)
    return hard - jax.lax.stop_gradient(soft) + soft


def one_hot_gates(space, encoding) -> np.ndarray:
    """The gates [..., D, O] of architectures of `space` (encodings [..., D] option indices)."""
    return np.eye(choice_mask(space).shape[1])[np.asarray(encoding)]


def supernet_key(space, encoding, path: tuple) -> tuple:
    """Where a leaf of the plain network of `encoding` sits in the supernet's parameters: a block's layers
    sit under its chosen op (`stage1_0/expand/kernel` -> `stage1_0/mb3_e3/expand/kernel`)."""
    cfg = space.config(encoding)
    ops = {f"{name}_{i}": cfg["ops"][s][i] for s, (name, _, _) in enumerate(space.stages) for i in range(space.blocks)}
    j = next((j for j, k in enumerate(path) if k in ops), None)
    return tuple(path) if j is None else tuple(path[:j + 1]) + (ops[path[j]],) + tuple(path[j + 1:])


def leaves(tree: dict, prefix=()):
    """(path tuple, leaf) of a nested dict."""
    for k, v in tree.items():
        if isinstance(v, dict):
            yield from leaves(v, prefix + (k,))
        else:
            yield prefix + (k,), v


def network_to_supernet(space, params: dict, encoding, supernet_like: dict) -> dict:
    """Parameters of the plain network of `encoding` (`MBConvNet(space, encoding).init`) placed into zeros shaped
    like the supernet's (`supernet_like`, any leaves with .shape / .dtype): every tensor in the leading corner
    of its supernet copy. Trained with `one_hot_gates(encoding)`, the supernet then computes and learns
    exactly that network: the other entries get zero inputs or are masked, so their gradients are zero."""
    import jax

    out = jax.tree_util.tree_map(lambda a: np.zeros(a.shape, a.dtype), supernet_like)
    for path, v in leaves(params):
        d = out
        *head, leaf = supernet_key(space, encoding, path)
        for k in head:
            d = d[k]
        d[leaf][tuple(slice(0, n) for n in np.shape(v))] = np.asarray(v)
    return out


def supernet_to_network(space, params: dict, encoding, network_like: dict) -> dict:
    """Inverse of `network_to_supernet`: the plain network's parameters (shaped like `network_like`) cut
    from the supernet's."""
    out: dict = {}
    for path, v in leaves(network_like):
        src = params
        for k in supernet_key(space, encoding, path):
            src = src[k]
        d = out
        for k in path[:-1]:
            d = d.setdefault(k, {})
        d[path[-1]] = np.asarray(src)[tuple(slice(0, n) for n in np.shape(v))]
    return out


def fold_batch_norm(variables: dict) -> dict:
    """The parameters of a network (`variables`: "params" and "batch_stats") with every batch normalization
    folded into the conv before it (inference: y = (conv(x) - mean) * scale / sqrt(var + eps) + bias, so
    the conv's kernel is scaled per output channel and gets the bias): the same nested dict of "params"
    without the `*_bn` entries, every conv with a kernel and a bias. (The convs before a batch normalization
    have no bias of their own: its gradient is zero, and Adam would turn the rounding noise of that zero
    into steps that move the running means.)"""
    stats = variables.get("batch_stats", {})

    def walk(p: dict, st: dict) -> dict:
        out = {}
        for k, v in p.items():
            if k.endswith("_bn"):
                continue
            if f"{k}_bn" in p:
                bn, s = p[f"{k}_bn"], st[f"{k}_bn"]
                g = np.asarray(bn["scale"]) / np.sqrt(np.asarray(s["var"]) + BN_EPSILON)
                out[k] = {"kernel": np.asarray(v["kernel"]) * g,
                          "bias": np.asarray(bn["bias"]) - np.asarray(s["mean"]) * g}
            else:
                out[k] = walk(v, st.get(k, {})) if isinstance(v, dict) else np.asarray(v)
        return out

    return walk(variables["params"], stats)
