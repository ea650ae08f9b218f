"""Worked solutions to the exercises of notebook 10 (why deep?)."""

import numpy as np

# 10.sigma_prime_bound: σ′ is largest at z = 0, where σ′(0) = σ(0)(1 − σ(0)) = 1/2 · 1/2.
# Each of the three layers multiplies the gradient by its σ′, so at most by (1/4)³.
SIGMA_PRIME_BOUND = (1 / 4) ** 3


def weight_gradient_sizes(net, X, Y):
    """‖∂C/∂w^l‖ of each layer (first hidden layer first), for the mean cost over X, Y."""
    nabla_w, _ = net.backprop(X, Y)  # sums over the m examples
    m = len(X)
    return [np.linalg.norm(g / m) for g in nabla_w]  # sqrt of the sum of squares of all entries


SOLUTIONS = {
    "10.sigma_prime_bound": SIGMA_PRIME_BOUND,
    "10.weight_gradient_sizes": weight_gradient_sizes,
}
