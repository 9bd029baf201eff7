"""Data sets that ship with packages (nothing is downloaded): scikit-learn's 8x8 digits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwgen.errors import HwgenError

DATASETS = ("digits",)


@dataclass
class Split:
    """Inputs as the model takes them (float32) and integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def num_classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max())) + 1


def load_dataset(name: str, flat: bool = True, seed: int = 0) -> Split:
    """Load a data set: `digits` is 1,797 8x8 images, pixels scaled to [0, 1], a fixed
    stratified 75/25 split. `flat` gives (N, 64), else (N, 1, 8, 8)."""
    if name != "digits":
        raise HwgenError(f"--dataset: unknown data set '{name}' (available: {', '.join(DATASETS)})")
    # deferred: scikit-learn is slow to import
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    if not flat:
        x = x.reshape(-1, 1, 8, 8)
    xtr, xte, ytr, yte = train_test_split(
        x, d.target.astype(np.int64), test_size=0.25, random_state=seed, stratify=d.target
    )
    return Split(xtr, ytr, xte, yte)
