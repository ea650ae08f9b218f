"""Linear regression y_hat = w1 x1 + w2 x2 + b with the loss L = (y_hat - y)^2, by SGD.

Derived in ``notebooks/02_linear_regression_sgd.ipynb``.  Inputs X have shape (n, 2),
targets y shape (n,), parameters are a `Params` (w of shape (2,), b a float).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lectures_lib.checks import check_eta, check_mini_batch_size


@dataclass
class Params:
    """The model's weights w (2,) and bias b."""

    w: np.ndarray
    b: float

    def copy(self) -> Params:
        return Params(np.array(self.w, dtype=float), float(self.b))


TRUE_PARAMS = Params(np.array([2.0, -3.0]), 1.0)
"""The parameters that `make_data` uses unless told otherwise."""


def make_data(n: int = 1000, params: Params = TRUE_PARAMS, noise: float = 0.5, rng=None):
    """X (n, 2) uniform in [-1, 1] and y (n,) = w . x + b + Gaussian noise of std ``noise``."""
    rng = np.random.default_rng(rng)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = X @ params.w + params.b + noise * rng.standard_normal(n)
    return X, y


def predict(params: Params, X):
    """y_hat (n,) = X (n, 2) . w + b."""
    return np.asarray(X) @ params.w + params.b


def loss(params: Params, X, y) -> float:
    """The mean of L = (y_hat - y)^2 over the examples."""
    return float(np.mean((predict(params, X) - y) ** 2))


def gradients(params: Params, X, y):
    """Mean gradient of L over a batch, by the chain rule: (dL/dw (2,), dL/db).

    dL/dy_hat = 2 (y_hat - y);  dy_hat/dw_i = x_i;  dy_hat/db = 1.
    """
    dL_dyhat = 2 * (predict(params, X) - y)  # (n,)
    return dL_dyhat @ X / len(y), float(dL_dyhat.mean())


def sgd(X, y, eta: float, mini_batch_size: int, epochs: int, params=None, rng=None):
    """Mini-batch SGD on the mean loss; m = 1 is per-example SGD, m = n full-batch descent.

    Returns the final `Params` and the loss on all data after every step, shape (steps,).
    """
    eta = check_eta(eta)
    n = len(y)
    mini_batch_size = check_mini_batch_size(mini_batch_size, n)
    params = Params(np.zeros(2), 0.0) if params is None else params.copy()
    rng = np.random.default_rng(rng)
    losses = []
    for _ in range(int(epochs)):
        perm = rng.permutation(n)
        for k in range(0, n, mini_batch_size):
            batch = perm[k : k + mini_batch_size]
            nabla_w, nabla_b = gradients(params, X[batch], y[batch])
            params.w = params.w - eta * nabla_w
            params.b = params.b - eta * nabla_b
            losses.append(loss(params, X, y))
    return params, np.array(losses)


def gradient_spread(X, y, params: Params, m: int, samples: int = 500, rng=None) -> float:
    """RMS distance between mini-batch gradients (m examples) and the full gradient."""
    rng = np.random.default_rng(rng)
    full_w, full_b = gradients(params, X, y)
    full = np.append(full_w, full_b)
    errors = []
    for _ in range(samples):
        batch = rng.choice(len(y), size=m, replace=False)
        g_w, g_b = gradients(params, X[batch], y[batch])
        errors.append(np.sum((np.append(g_w, g_b) - full) ** 2))
    return float(np.sqrt(np.mean(errors)))
