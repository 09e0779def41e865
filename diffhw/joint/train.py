"""Train networks of an MBConv space and measure their test accuracy: one compiled program for all of them.

`train_supernet(space, params, order, gates, x, y, lr)` trains K copies of the supernet (`MBConvNet(space)`,
variables with a leading axis [K, ...], `vmap`) with Adam (learning rate `lr` cosine-decayed over the steps)
on the training cross-entropy (batch normalization on the batch's statistics, running averages kept), one
`lax.scan` over the steps, with the per-step gates [steps, D, O] shared by the copies. Both trainings use it,
so neither compiles per architecture:

* `fit(space, encoding, data, epochs, seeds)` trains the network of one architecture from scratch, once per
  seed (the seeds' copies in one call): each seed's copy starts from that seed's initialization of the plain
  network (`MBConvNet(space, encoding)`,
  lecun-normal at the network's own widths) placed into zeros of the supernet's shape
  (`network_to_supernet`), trained at the architecture's one-hot gates, which computes and learns exactly
  that network (the supernet's other entries stay zero); batch 32, learning rate 1e-2, its own shuffle per
  seed. Returns each seed's accuracy on the validation and test splits (inference: batch normalization
  with the running averages) and the trained variables of the first seed as the plain network's;
* the semi-decoupled baseline's single-path one-shot supernet (one copy, a uniformly sampled path per step).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

from diffhw.joint.data import Split
from diffhw.joint.supernet import (MBConvNet, choice_mask, fold_batch_norm, leaves, network_to_supernet,
                                   one_hot_gates, supernet_key, supernet_to_network)

__all__ = ["Trained", "fit", "train_supernet", "supernet_loss", "correctness", "shuffles", "torch_weights"]


@dataclass
class Trained:
    """Accuracies per seed `[len(seeds)]` and the first seed's flax parameters (the plain network's)."""

    encoding: tuple
    val_accuracy: np.ndarray
    test_accuracy: np.ndarray
    params: dict
    seconds: float

    @property
    def summary(self) -> dict:
        return {"test_accuracy": float(self.test_accuracy.mean()), "test_accuracy_std": float(self.test_accuracy.std()),
                "val_accuracy": float(self.val_accuracy.mean()), "seeds": len(self.test_accuracy)}


def supernet_loss(net, variables, x, gates, y):
    """(Training cross-entropy of `net` (an `MBConvNet`) at `gates` on images x, labels y (batch statistics),
    the updated {"batch_stats": running averages})."""
    logits, stats = net.apply(variables, x, gates, train=True, mutable=["batch_stats"])
    return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean(), stats


@partial(jax.jit, static_argnames=("space", "lr"))
def train_supernet(space, params, order, gates, x, y, lr: float = 1e-2):
    """params [K, ...] (flax variables of `MBConvNet(space)` with a leading copy axis), order [K, steps, B]
    training indices, gates [steps, D, O], images x [N, H, W, C], labels y [N] -> trained params [K, ...]."""
    opt = optax.adam(optax.cosine_decay_schedule(lr, order.shape[1]))
    net = MBConvNet(space)

    def one(p, idx):
        def body(carry, inp):
            p, st = carry
            i, g = inp
            grad, stats = jax.grad(lambda p: supernet_loss(net, p, x[i], g, y[i]), has_aux=True)(p)
            upd, st = opt.update(grad, st, p)
            return (optax.apply_updates(p, upd) | stats, st), None

        (p, _), _ = jax.lax.scan(body, (p, opt.init(p)), (idx, gates))
        return p

    return jax.vmap(one)(params, order)


@partial(jax.jit, static_argnames=("space",))
def correctness(space, params, gates, x, y):
    """Correct predictions [K, N] (bool) of supernet copies params [K, ...] at gates [D, O] on images x [N, ...],
    labels y [N] (inference: batch normalization with the running averages)."""
    return jax.vmap(lambda p: MBConvNet(space).apply(p, x, gates).argmax(-1) == y)(params)


def shuffles(n: int, batch: int, epochs: int, seed) -> np.ndarray:
    """Training order [epochs * (n // batch), batch]: a fresh permutation of the n samples per epoch."""
    per_epoch = n // batch
    return np.concatenate([np.random.default_rng([seed, e]).permutation(n)[:per_epoch * batch]
                           for e in range(epochs)]).reshape(per_epoch * epochs, batch)


@partial(jax.jit, static_argnames=("space",))
def _supernet_init(space, key, x):
    return MBConvNet(space).init(key, x, jnp.ones(choice_mask(space).shape, jnp.float32))


def network_init(space, encoding, seed: int, x) -> tuple[dict, dict]:
    """A from-scratch initialization of the plain network of `encoding` (images x [n, H, W, C]) without
    compiling it: the leading corner of the supernet's initialization (`PRNGKey(seed)`), every kernel
    rescaled to lecun-normal at the network's own fan-in (flax's default initializer of `MBConvNet(space, encoding)`:
    a truncated normal of std 1/sqrt(fan_in) scaled by sqrt(fan_in of the supernet copy / fan_in) is one of
    std 1/sqrt(fan_in)), biases zero. Returns (the network's parameters, the same in the supernet's shape)."""
    sup = jax.tree_util.tree_map(np.asarray, _supernet_init(space, jax.random.PRNGKey(int(seed)), x[:1]))
    like = jax.eval_shape(MBConvNet(space, tuple(encoding)).init, jax.random.PRNGKey(0), x[:1])
    plain = supernet_to_network(space, sup, encoding, like)
    for path, a in leaves(plain):
        if path[-1] == "kernel":
            src = sup
            for k in supernet_key(space, encoding, path):
                src = src[k]
            axis = 2 if a.ndim == 4 else 0  # input channels: HWIO conv, [in, out] dense
            d = plain
            for k in path[:-1]:
                d = d[k]
            d["kernel"] = (a * np.sqrt(src.shape[axis] / a.shape[axis])).astype(a.dtype)
    return plain, network_to_supernet(space, plain, encoding, sup)


def fit(space, encoding: Sequence[int], data: Split, epochs: int = 30, seeds: Sequence[int] = (0, 1, 2),
        batch: int = 32, lr: float = 1e-2) -> Trained:
    """Train the network of `encoding` from scratch once per seed (see the module docstring)."""
    t0 = time.perf_counter()
    enc = tuple(int(e) for e in encoding)
    x_tr, y_tr = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    gates = jnp.asarray(one_hot_gates(space, enc), jnp.float32)
    inits = [network_init(space, enc, int(s), x_tr) for s in seeds]
    params = jax.tree_util.tree_map(lambda *a: jnp.asarray(np.stack(a)), *[p for _, p in inits])  # [K, ...]
    order = np.stack([shuffles(len(data.y_train), batch, epochs, int(s)) for s in seeds])
    params = train_supernet(space, params, jnp.asarray(order, jnp.int32),
                            jnp.broadcast_to(gates, (order.shape[1],) + gates.shape), x_tr, y_tr, lr=lr)
    # validation and test split in one call (one compiled program): per-sample correctness [K, N], then per split
    correct = np.asarray(correctness(space, params, gates, jnp.asarray(np.concatenate([data.x_val, data.x_test])),
                                     jnp.asarray(np.concatenate([data.y_val, data.y_test]))))
    acc = [correct[:, :len(data.y_val)].mean(1), correct[:, len(data.y_val):].mean(1)]
    first = supernet_to_network(space, jax.tree_util.tree_map(lambda a: np.asarray(a[0]), params), enc, inits[0][0])
    return Trained(enc, acc[0], acc[1], first, time.perf_counter() - t0)


def torch_weights(variables: dict) -> dict:
    """Plain-network flax variables -> {"<graph node>.weight" / ".bias": array} in PyTorch layouts (conv
    [out, in / groups, kh, kw], linear [out, in]) with the batch normalizations folded into the convs
    (`fold_batch_norm`), keyed by the node names of `space.decode` (what `diffhw export` reads from a run's
    weights.npz)."""
    out = {}
    for path, v in leaves(fold_batch_norm(variables)):
        *mod, leaf = path
        node = "stem.conv" if mod == ["stem"] else ".".join(m.replace("_", ".") for m in mod)
        if leaf == "kernel":
            out[f"{node}.weight"] = v.transpose(3, 2, 0, 1) if v.ndim == 4 else v.T
        else:
            out[f"{node}.bias"] = v
    return out
