"""The sigmoid neuron: sigma(z) = 1/(1 + e^-z), its derivative sigma(z)(1 - sigma(z)),
and one neuron trained by gradient descent.

Derived in ``notebooks/03_sigmoid_and_chain_rule.ipynb``.
"""

from __future__ import annotations

import numpy as np

from lectures_lib.checks import check_eta, check_finite_number, check_whole_number


def sigmoid(z):
    """sigma(z) = 1/(1 + e^-z), elementwise, for an array of any shape.

    Numerically stable: it only ever evaluates e^-|z|, which cannot overflow, so
    ``sigmoid(-1000)`` is 0.0 and ``sigmoid(1000)`` is 1.0 without a warning.

    z must be numbers (else a ValueError); a single z that is NaN is refused too.  In an
    array a NaN gives NaN: a network whose training diverged computes with NaN until the
    end of its epoch, where the trainer says so (`checks.check_finite_parameters`).
    """
    given, z = z, np.asarray(z)
    if z.dtype.kind not in "biuf":
        raise ValueError(f"sigmoid needs numbers (a number or an array of them), got {given!r}")
    z = z.astype(float, copy=False)
    if z.ndim == 0 and np.isnan(z):
        raise ValueError("sigmoid(nan): z is NaN; find where the NaN came from (a 0/0, a log(0))")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """sigma'(z) = sigma(z)(1 - sigma(z)), elementwise; its peak is 1/4 at z = 0."""
    s = sigmoid(z)
    return s * (1.0 - s)


def train_neuron(w: float, b: float, eta: float, epochs: int = 300, x: float = 1.0, y: float = 0.0):
    """Gradient descent for one neuron a = sigma(w x + b) on the cost C = (a - y)^2 / 2.

    w, b (the start), x, y are numbers.  Each step uses the chain rule
    dC/dz = (a - y) sigma'(z), dC/dw = dC/dz x, dC/db = dC/dz.  Returns the output a
    before each of the ``epochs`` steps, shape (epochs,).  With x = 1, y = 0 this is
    Nielsen's example of slow learning from a saturated start (chapter 3).
    """
    eta = check_eta(eta)
    w, b = check_finite_number(w, "w, the starting weight,"), check_finite_number(b, "b")
    x, y = check_finite_number(x, "x, the input,"), check_finite_number(y, "y, the target,")
    outputs = np.empty(check_whole_number(epochs, "epochs"))
    for k in range(len(outputs)):
        z = w * x + b
        a = sigmoid(z)
        delta = (a - y) * sigmoid_prime(z)  # dC/dz
        w, b = w - eta * delta * x, b - eta * delta
        outputs[k] = a
    return outputs
