"""Train an architecture of the digits space from scratch and measure its test accuracy.

`fit(encoding, data, epochs, seeds)` trains `DigitsNet(encoding)` (only the chosen ops, at the chosen widths)
on the training split with Adam (learning rate 1e-2, cosine-decayed; batch 32: the search's settings), once
per seed: the seeds run
together (`vmap` over independently initialized and shuffled copies, one `lax.scan` over the steps), so an
architecture compiles once. Returns each seed's accuracy on the validation and test splits and the trained
weights of the first seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

from diffhw.joint.data import Split
from diffhw.joint.supernet import DigitsNet

__all__ = ["Trained", "fit", "flat_weights"]


@dataclass
class Trained:
    """Accuracies per seed `[len(seeds)]` and the first seed's flax parameters."""

    encoding: tuple
    val_accuracy: np.ndarray
    test_accuracy: np.ndarray
    params: dict
    seconds: float

    @property
    def summary(self) -> dict:
        return {"test_accuracy": float(self.test_accuracy.mean()), "test_accuracy_std": float(self.test_accuracy.std()),
                "val_accuracy": float(self.val_accuracy.mean()), "seeds": len(self.test_accuracy)}


def fit(encoding: Sequence[int], data: Split, epochs: int = 30, seeds: Sequence[int] = (0, 1, 2), batch: int = 32,
        lr: float = 1e-2) -> Trained:
    """Train the network of `encoding` from scratch once per seed (see the module docstring)."""
    import time

    t0 = time.perf_counter()
    model = DigitsNet(encoding=tuple(int(e) for e in encoding))
    n = len(data.y_train)
    per_epoch = n // batch
    steps = per_epoch * epochs
    opt = optax.adam(optax.cosine_decay_schedule(lr, steps))
    idx = np.stack([np.concatenate([np.random.default_rng([s, e]).permutation(n)[:per_epoch * batch]
                                    for e in range(epochs)]).reshape(steps, batch) for s in seeds])  # [K, steps, B]
    x_tr, y_tr = jnp.asarray(data.x_train), jnp.asarray(data.y_train)

    def loss(p, i):
        return optax.softmax_cross_entropy_with_integer_labels(model.apply(p, x_tr[i]), y_tr[i]).mean()

    def train_one(key, order):
        p = model.init(key, x_tr[:2])

        def body(carry, i):
            p, st = carry
            g = jax.grad(loss)(p, i)
            upd, st = opt.update(g, st, p)
            return (optax.apply_updates(p, upd), st), None

        (p, _), _ = jax.lax.scan(body, (p, opt.init(p)), order)
        return p

    def accuracy(p, x, y):
        return (model.apply(p, x).argmax(-1) == y).mean()

    @jax.jit
    def run(keys, order):
        params = jax.vmap(train_one)(keys, order)
        acc = jax.vmap(lambda p: jnp.stack([accuracy(p, data.x_val, data.y_val),
                                            accuracy(p, data.x_test, data.y_test)]))(params)
        return params, acc

    keys = jnp.stack([jax.random.PRNGKey(int(s)) for s in seeds])
    params, acc = run(keys, jnp.asarray(idx, jnp.int32))
    acc = np.asarray(acc)
    first = jax.tree_util.tree_map(lambda a: np.asarray(a[0]), params)
    return Trained(tuple(int(e) for e in encoding), acc[:, 0], acc[:, 1], first, time.perf_counter() - t0)


def flat_weights(params: dict) -> dict:
    """Flax parameters -> flat {"stage1_0/expand/kernel": array, ...} (for `weights.npz`)."""
    flat = {}

    def walk(d, prefix):
        for k, v in d.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}/")
            else:
                flat[f"{prefix}{k}"] = np.asarray(v)

    walk(params.get("params", params), "")
    return flat
