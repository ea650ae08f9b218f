"""Finite differences: a gradient computed with no calculus, to check one computed with it.

Used by notebooks 01-05 and by the tests, wherever a derivative worked out by hand (or by
backpropagation) is compared with an independent reference.
"""

from __future__ import annotations

import numpy as np


def numerical_gradient(f, x, h: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h for every entry x_i.

    f maps an array shaped like x (any shape) to a number; the result has x's shape.
    x itself is left as it was.  The error is of order h^2 times f's third derivative,
    plus rounding of order (f's size) * 1e-16 / h: h = 1e-6 balances the two for
    values of order 1.
    """
    x = np.array(x, dtype=float)  # a copy: the caller's array is never touched
    gradient = np.empty_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        gradient[i] = (up - down) / (2 * h)
    return gradient
