"""Linear regression y_hat = w1 x1 + w2 x2 + b with the loss L = (y_hat - y)^2, by SGD.

Derived in ``notebooks/02_linear_regression_sgd.ipynb``, whose mini-batch loop `sgd`
repeats step for step.  Inputs X have shape (n, 2), targets y shape (n,), parameters
are a `Params` (w of shape (2,), b a float).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lectures_lib.checks import check_eta, check_mini_batch_size, check_whole_number
from lectures_lib.descent import DIVERGED_ABOVE


@dataclass
class Params:
    """The model's weights w (2,) and bias b."""

    w: np.ndarray
    b: float

    def copy(self) -> Params:
        return Params(np.array(self.w, dtype=float), float(self.b))


@dataclass
class Fit:
    """What `sgd` returns: the final `Params` and the mean loss on all data after every
    step, shape (steps,).  A run whose loss passes `DIVERGED_ABOVE` stops there, with
    ``diverged=True`` and a ``message`` in words."""

    params: Params
    losses: np.ndarray
    diverged: bool = False
    message: str = ""


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


def check_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """X as an (n, 2) float array and y as (n,), n >= 1, or a ValueError saying which is
    wrong and how."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), one row (x1, x2) per example; got {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"y must hold one target per row of X: X has {len(X)} rows, y has shape {y.shape}"
        )
    if len(y) == 0:
        raise ValueError("no examples: X and y are empty; a gradient needs at least one")
    return X, y


def gradients(params: Params, X, y):
    """Mean gradient of L over a batch, by the chain rule: (dL/dw (2,), dL/db).

    dL/dy_hat = 2 (y_hat - y);  dy_hat/dw_i = x_i;  dy_hat/db = 1.
    """
    X, y = check_data(X, y)
    error = predict(params, X) - y  # y_hat - y, shape (n,)
    return 2 * error @ X / len(y), float(2 * error.mean())


def sgd(X, y, eta: float, mini_batch_size: int, epochs: int, params=None, rng=None) -> Fit:
    """Mini-batch SGD on the mean loss, from ``params`` (default w = (0, 0), b = 0).

    Each epoch shuffles the n examples with ``rng`` (a Generator or a seed), cuts them
    into mini-batches of ``mini_batch_size`` (the last may be smaller) and takes one
    step per mini-batch.  m = 1 is per-example SGD, m = n full-batch gradient descent.
    """
    eta = check_eta(eta)
    epochs = check_whole_number(epochs, "epochs")
    X, y = check_data(X, y)
    n = len(y)
    m = check_mini_batch_size(mini_batch_size, n)
    start = Params(np.zeros(2), 0.0) if params is None else params
    w, b = np.array(start.w, dtype=float), float(start.b)
    rng = np.random.default_rng(rng)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is caught below
        for _ in range(epochs):
            order = rng.permutation(n)  # shuffle
            for k in range(0, n, m):  # one step per mini-batch
                batch = order[k : k + m]
                nabla_w, nabla_b = gradients(Params(w, b), X[batch], y[batch])
                w, b = w - eta * nabla_w, b - eta * nabla_b
                losses.append(loss(Params(w, b), X, y))
                if not losses[-1] <= DIVERGED_ABOVE:  # also true for NaN
                    message = (
                        f"diverged: after {len(losses)} steps the loss is {losses[-1]:.3g}; "
                        "try a smaller eta"
                    )
                    return Fit(Params(w, b), np.array(losses), True, message)
    return Fit(Params(w, b), np.array(losses))


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
