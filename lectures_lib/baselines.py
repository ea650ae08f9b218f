"""The lecture's baselines for MNIST: random guessing and average darkness.

Derived in ``notebooks/04_mnist_data_and_baselines.ipynb``.  Images have shape (n, 784),
one per row: MNIST's uint8 grey levels 0-255, or floats.  Labels are integers 0-9.
"""

from __future__ import annotations

import numpy as np

from lectures_lib.checks import check_labels


def random_guesses(n: int, rng=None) -> np.ndarray:
    """n labels drawn uniformly from 0-9, shape (n,)."""
    return np.random.default_rng(rng).integers(0, 10, size=n)


def darkness(images) -> np.ndarray:
    """Total ink of each image: the sum of its grey levels, shape (n,).

    uint8 images are summed as whole numbers (up to 784 * 255, no overflow).
    """
    images = np.asarray(images)
    if images.ndim != 2:
        raise ValueError(f"images must have shape (n, 784), one image per row, got {images.shape}")
    exact = np.issubdtype(images.dtype, np.integer) or images.dtype == bool
    return images.sum(axis=1, dtype=np.int64 if exact else np.float64)


def average_darkness(images, labels) -> np.ndarray:
    """The mean darkness of each digit 0-9 over the given images, shape (10,).

    Every digit needs at least one image: a digit without any has no average.
    """
    d = darkness(images)
    labels = check_labels(labels, len(d))
    missing = [digit for digit in range(10) if not np.any(labels == digit)]
    if missing:
        raise ValueError(
            f"no image of the digit(s) {missing} among the labels, so their average darkness "
            "is undefined; use a sample that holds every digit 0-9 (e.g. more images)"
        )
    return np.array([d[labels == digit].mean() for digit in range(10)])


def classify_by_darkness(images, means) -> np.ndarray:
    """For each image, the digit whose average darkness ``means`` (10,) is nearest, (n,)."""
    d = darkness(images)
    means = np.asarray(means, dtype=float)
    if means.shape != (10,) or not np.isfinite(means).all():
        raise ValueError(
            f"means must be 10 finite numbers, one per digit, as average_darkness() returns; "
            f"got shape {means.shape}" + ("" if means.shape != (10,) else " with NaN or inf")
        )
    return np.argmin(np.abs(d[:, np.newaxis] - means[np.newaxis, :]), axis=1)
