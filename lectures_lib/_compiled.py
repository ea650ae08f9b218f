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
    from numba import types
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

AVAILABLE = numba is not None

if AVAILABLE:
    # BLAS's dgemm, C = alpha A B + beta C, as numba itself calls it for np.dot (through
    # scipy's BLAS).  Declared by name, so the compiled functions stay cacheable.
    _double_pointer = types.CPointer(types.float64)
    _xxgemm = types.ExternalFunction(
        "numba_xxgemm",
        types.intc(
            types.char, types.char, types.char,  # kind ('d'), transa, transb
            types.intp, types.intp, types.intp,  # M, N, K
            _double_pointer, _double_pointer, types.intp,  # alpha, A, lda
            _double_pointer, types.intp,  # B, ldb
            _double_pointer, _double_pointer, types.intp,  # beta, C, ldc
        ),
    )  # fmt: skip


def _subtract_product(w, delta, a, minus_one, one):
    """w (n_out, n_in) -= delta.T @ a, in place, for delta (k, n_out) and a (k, n_in).

    All C-contiguous.  One dgemm with beta = 1 adds the product straight into w, so no
    gradient array is written and read back.  In BLAS's column-major terms w is w.T
    (n_in, n_out), so the call computes w.T <- w.T - a.T @ delta (a.T as is, delta
    transposed).  minus_one and one are arrays of one float64 (BLAS takes pointers).
    """
    _xxgemm(
        ord("d"), ord("N"), ord("T"), w.shape[1], w.shape[0], a.shape[0],
        minus_one.ctypes, a.ctypes, a.shape[1], delta.ctypes, delta.shape[1],
        one.ctypes, w.ctypes, w.shape[1],
    )  # fmt: skip


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
    once: activations[l] (m, n_l) and deltas[l] (m, n_out of layer l).
    """
    n, n_layers = perm.shape[0], len(weights)
    minus_one, one = np.full(1, -1.0), np.ones(1)
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
            w, b = weights[layer], biases[layer]
            if layer > 0:  # the previous layer's delta, with w before its step
                previous = deltas[layer - 1][:k]
                np.dot(delta, w, previous)
                for i in range(k):
                    for j in range(previous.shape[1]):
                        previous[i, j] *= a_in[i, j] * (1.0 - a_in[i, j])
            _subtract_product(w, delta, a_in, minus_one, one)  # w -= (eta/m) nabla_w
            for j in range(w.shape[0]):
                b[j] -= delta[:, j].sum()


if AVAILABLE:
    _sigmoid_plus_bias = numba.njit(cache=True)(_sigmoid_plus_bias)
    _subtract_product = numba.njit(cache=True)(_subtract_product)
    _sgd_epoch = numba.njit(cache=True)(_sgd_epoch)


def sgd_epoch(weights, biases, X, Y, perm, m, eta) -> None:
    """Run `_sgd_epoch` compiled; weights[l] and biases[l] are updated in place.

    BLAS needs C-contiguous float64 weights: any other array (a transposed or Fortran-
    ordered one, say) is trained as a C-contiguous copy, which is copied back at the end.
    """
    from numba.typed import List

    params = weights + biases
    work = [np.ascontiguousarray(p, dtype=np.float64) for p in params]
    n = len(weights)
    _sgd_epoch(List(work[:n]), List(work[n:]), X, Y, perm, m, float(eta))
    for p, w in zip(params, work):
        if w is not p:
            p[...] = w
