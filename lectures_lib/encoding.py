"""Output encodings for ten digits: one neuron per digit (one-hot), or four bits.

One-hot targets are introduced in ``notebooks/04_mnist_data_and_baselines.ipynb``; the
four-bit encoding is derived in ``notebooks/08_output_encoding.ipynb``.
"""

from __future__ import annotations

import numpy as np

from lectures_lib.checks import check_labels

N_BITS = 4


def one_hot(labels, n_classes: int = 10) -> np.ndarray:
    """One-hot targets: labels (n,) of integers in [0, n_classes) -> array (n, n_classes).

    ``one_hot([6])`` is ``[[0, 0, 0, 0, 0, 0, 1, 0, 0, 0]]``.
    """
    labels = check_labels(labels, n_classes=n_classes)
    return np.eye(n_classes)[labels]


def binary_codes(n_classes: int = 10, n_bits: int = N_BITS) -> np.ndarray:
    """Row d is digit d in binary, most significant bit first: shape (n_classes, n_bits)."""
    if 2**n_bits < n_classes:
        raise ValueError(f"{n_bits} bits cannot encode {n_classes} classes")
    digits = np.arange(n_classes)[:, np.newaxis]
    return ((digits >> np.arange(n_bits - 1, -1, -1)) & 1).astype(float)


def encode_binary(labels) -> np.ndarray:
    """Targets (n, 4): each label 0-9 (labels (n,) integers) as its four bits."""
    return one_hot(labels) @ binary_codes()  # the same checks of the labels as one_hot


def decode_nearest(outputs, codes=None) -> np.ndarray:
    """For outputs (n, n_bits), the class whose code is nearest (Euclidean), shape (n,).

    Only the valid codes count: the output (0.9, 0.1, 0.9, 0.9) is not read as 11 but
    as whichever of 0-9 lies closest.
    """
    codes = binary_codes() if codes is None else np.asarray(codes)
    outputs = np.asarray(outputs)
    if outputs.ndim != 2 or outputs.shape[1] != codes.shape[1]:
        raise ValueError(
            f"outputs must have shape (n, {codes.shape[1]}), one row per image, got "
            f"{outputs.shape}; for one image pass outputs[np.newaxis]"
        )
    distances = ((outputs[:, np.newaxis, :] - codes[np.newaxis, :, :]) ** 2).sum(axis=2)
    return np.argmin(distances, axis=1)
