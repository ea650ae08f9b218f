"""Worked solutions to the exercises of notebook 03 (the sigmoid neuron and the chain rule)."""

import numpy as np

from lectures_lib.neurons import sigmoid, sigmoid_prime

# 03.sigmoid_prime_2: s = σ(2) = 1/(1 + e^-2) = 0.8808; σ′(2) = s(1 − s) = 0.10499...
s = 1 / (1 + np.exp(-2))
SIGMOID_PRIME_2 = round(s * (1 - s), 3)

# 03.delta: δ = ∂C/∂a · ∂a/∂z = (a − y) · a(1 − a) = (0.8 − 1) · 0.8 · 0.2
DELTA = (0.8 - 1) * 0.8 * (1 - 0.8)


def neuron_gradients(w, b, X, y):
    """Mean gradient of C = (a − y)²/2 for one sigmoid neuron a = σ(x·w + b)."""
    z = X @ w + b  # (m,) one weighted input per example
    delta = (sigmoid(z) - y) * sigmoid_prime(z)  # (m,) ∂C/∂z for each example
    dC_dw = delta @ X / len(y)  # ∂z/∂w_k = x_k, averaged over the examples: (n,)
    dC_db = delta.mean()  # ∂z/∂b = 1
    return dC_dw, dC_db


SOLUTIONS = {
    "03.sigmoid_prime_2": SIGMOID_PRIME_2,
    "03.delta": DELTA,
    "03.neuron_gradients": neuron_gradients,
}
