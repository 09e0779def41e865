"""scikit-learn's handwritten digits (1,797 8x8 grayscale images, 10 classes; ships inside the sklearn
package, no download) with one fixed, stratified train / validation / test split.

Split: 60 % / 20 % / 20 % (1,078 / 359 / 360 images), `sklearn.model_selection.train_test_split` with
`random_state=0`, stratified by class; the same for every search and every seed, so every method's test
accuracy is measured on the same 360 images that no search ever saw. Pixels 0..16 are scaled to [0, 1];
images are NHWC `[N, 8, 8, 1]` float32, labels int32 `[N]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["Split", "digits"]


@dataclass(frozen=True)
class Split:
    """Images `[N, 8, 8, 1]` and labels `[N]` of the three parts."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@lru_cache(maxsize=1)
def digits() -> Split:
    """The fixed digits split (see the module docstring)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[..., None]
    y = d.target.astype(np.int32)
    x_tr, x_rest, y_tr, y_rest = train_test_split(x, y, test_size=0.4, random_state=0, stratify=y)
    x_va, x_te, y_va, y_te = train_test_split(x_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest)
    return Split(x_tr, y_tr, x_va, y_va, x_te, y_te)
