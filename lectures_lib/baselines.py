"""The lecture's baselines for MNIST: random guessing and average darkness.

Derived in ``notebooks/04_mnist_data_and_baselines.ipynb``.  Images have shape (n, 784).
"""

from __future__ import annotations

import numpy as np


def random_guesses(n: int, rng=None) -> np.ndarray:
    """n labels drawn uniformly from 0-9, shape (n,)."""
    return np.random.default_rng(rng).integers(0, 10, size=n)


def darkness(images) -> np.ndarray:
    """Total ink of each image: the sum of its pixels, shape (n,)."""
    return np.asarray(images).sum(axis=1)


def average_darkness(images, labels) -> np.ndarray:
    """The mean darkness of each digit 0-9 over the given images, shape (10,)."""
    d = darkness(images)
    return np.array([d[labels == digit].mean() for digit in range(10)])


def classify_by_darkness(images, means) -> np.ndarray:
    """For each image, the digit whose average darkness ``means`` (10,) is nearest, (n,)."""
    d = darkness(images)
    return np.argmin(np.abs(d[:, np.newaxis] - means[np.newaxis, :]), axis=1)
