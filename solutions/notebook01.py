"""Worked solutions to the exercises of notebook 01 (gradient descent in 2-D)."""

import numpy as np

# 01.gradient: C = x² + 3y², so ∂C/∂x = 2x and ∂C/∂y = 6y; at (x, y) = (1, 2):
GRADIENT = (2 * 1, 6 * 2)

# 01.eta_limit: the Hessian of 2x² + y²/2 is diag(4, 1). One step multiplies x by (1 − 4η)
# and y by (1 − η); both shrink while |1 − 4η| < 1 and |1 − η| < 1, i.e. for η < 2/4.
# At η = 2/4 exactly, x flips sign at every step and never shrinks (from any start with
# x ≠ 0; from x = 0 it stays 0 and the run converges): 2/4 is the limit
# that every convergent η stays below (the supremum), not a rate that converges.
ETA_LIMIT = 2 / 4


def central_differences(f, v, h):
    """∇f at v by central differences: (f(v + h e_i) − f(v − h e_i)) / 2h for each i."""
    v = np.array(v, dtype=float)  # a float copy: v itself stays as it was
    gradient = np.zeros(len(v))
    for i, e in enumerate(np.eye(len(v))):
        gradient[i] = (f(v + h * e) - f(v - h * e)) / (2 * h)
    return gradient


SOLUTIONS = {
    "01.gradient": GRADIENT,
    "01.eta_limit": ETA_LIMIT,
    "01.central_differences": central_differences,
}
