"""Output encodings for ten digits: one neuron per digit, or four bits.

Derived in ``notebooks/07_output_encoding.ipynb``.
"""

from __future__ import annotations

import numpy as np

N_BITS = 4


def binary_codes(n_classes: int = 10, n_bits: int = N_BITS) -> np.ndarray:
    """Row d is digit d in binary, most significant bit first: shape (n_classes, n_bits)."""
    if 2**n_bits < n_classes:
        raise ValueError(f"{n_bits} bits cannot encode {n_classes} classes")
    digits = np.arange(n_classes)[:, np.newaxis]
    return ((digits >> np.arange(n_bits - 1, -1, -1)) & 1).astype(float)


def encode_binary(labels) -> np.ndarray:
    """Targets (n, 4): each label 0-9 as its four bits."""
    labels = np.asarray(labels)
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError("labels must lie in 0..9")
    return binary_codes()[labels]


def decode_nearest(outputs, codes=None) -> np.ndarray:
    """For outputs (n, n_bits), the class whose code is nearest (Euclidean), shape (n,).

    Only the valid codes count: the output (0.9, 0.1, 0.9, 0.9) is not read as 11 but
    as whichever of 0-9 lies closest.
    """
    codes = binary_codes() if codes is None else codes
    outputs = np.asarray(outputs)
    distances = ((outputs[:, np.newaxis, :] - codes[np.newaxis, :, :]) ** 2).sum(axis=2)
    return np.argmin(distances, axis=1)
