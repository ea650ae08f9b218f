"""The compiled training path: one epoch of mini-batch SGD in numba.

It computes exactly what `lectures_lib.network.Network.update_mini_batch` computes,
with the same matrix products, but without Python's overhead between them and
without temporary arrays.  numba is optional: `AVAILABLE` says whether it is here.
Checked against the numpy path in ``tests/test_network.py``.
"""

from __future__ import annotations

import numpy as np

try:
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

AVAILABLE = numba is not None


def _sigmoid_plus_bias(z, b):
    """z (k, n_out) <- sigma(z + b), in place.

    Compiled code raises no warnings: for z + b < -709, e^-(z+b) is inf and 1/(1 + inf)
    is exactly 0, so the plain formula is safe here and needs no branch.
    """
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] = 1.0 / (1.0 + np.exp(-(z[i, j] + b[j])))


def _sgd_epoch(weights, biases, X, Y, perm, m, eta):
    """One epoch, in place on weights[l] (n_out, n_in) and biases[l] (n_out,).

    X (n, n_in) and Y (n, n_out) are the data, perm (n,) the epoch's shuffle,
    m the mini-batch size and eta the learning rate.  All buffers are allocated
    once: activations[l] (m, n_l), deltas[l] (m, n_out of layer l), grads like weights.
    """
    n, n_layers = perm.shape[0], len(weights)
    grads = [np.empty_like(w) for w in weights]
    activations = [np.empty((m, X.shape[1]))]
    for w in weights:
        activations.append(np.empty((m, w.shape[0])))
    deltas = [np.empty((m, w.shape[0])) for w in weights]
    for start in range(0, n, m):
        k = min(m, n - start)
        x = activations[0]
        for i in range(k):
            x[i, :] = X[perm[start + i]]
        for layer in range(n_layers):  # feedforward: a' = sigma(a w^T + b)
            z = activations[layer + 1][:k]
            np.dot(activations[layer][:k], weights[layer].T, z)
            _sigmoid_plus_bias(z, biases[layer])
        a, delta = activations[n_layers], deltas[n_layers - 1]
        scale = eta / k  # delta is kept multiplied by eta/m from here on
        for i in range(k):
            y = Y[perm[start + i]]
            for j in range(a.shape[1]):
                delta[i, j] = (a[i, j] - y[j]) * a[i, j] * (1.0 - a[i, j]) * scale
        for layer in range(n_layers - 1, -1, -1):  # backpropagate, then step
            a_in, delta = activations[layer][:k], deltas[layer][:k]
            w, grad, b = weights[layer], grads[layer], biases[layer]
            np.dot(delta.T, a_in, grad)
            if layer > 0:
                previous = deltas[layer - 1][:k]
                np.dot(delta, w, previous)
                for i in range(k):
                    for j in range(previous.shape[1]):
                        previous[i, j] *= a_in[i, j] * (1.0 - a_in[i, j])
            for j in range(w.shape[0]):
                b[j] -= delta[:, j].sum()
                for q in range(w.shape[1]):
                    w[j, q] -= grad[j, q]


if AVAILABLE:
    _sigmoid_plus_bias = numba.njit(cache=True)(_sigmoid_plus_bias)
    _sgd_epoch = numba.njit(cache=True)(_sgd_epoch)


def sgd_epoch(weights, biases, X, Y, perm, m, eta) -> None:
    """Run `_sgd_epoch` compiled on lists of float64 arrays."""
    from numba.typed import List

    _sgd_epoch(List(weights), List(biases), X, Y, perm, m, float(eta))
