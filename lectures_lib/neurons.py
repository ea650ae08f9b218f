"""The sigmoid neuron: sigma(z) = 1/(1 + e^-z) and its derivative sigma(z)(1 - sigma(z)).

Derived in ``notebooks/03_sigmoid_and_chain_rule.ipynb``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    """sigma(z) = 1/(1 + e^-z), elementwise, for an array of any shape.

    Numerically stable: it only ever evaluates e^-|z|, which cannot overflow, so
    ``sigmoid(-1000)`` is 0.0 and ``sigmoid(1000)`` is 1.0 without a warning.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z)(1 - sigma(z)), elementwise; its peak is 1/4 at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)
