"""Exercises of notebook 03: σ′, δ of one output neuron, and the gradient of a sigmoid neuron."""

from __future__ import annotations

import numpy as np

from lectures_lib.exercises.checking import Function, Value, section
from lectures_lib.neurons import sigmoid, sigmoid_prime

# 03.delta: an output neuron with activation a = 0.8 and target y = 1.
A, Y = 0.8, 1.0
Z = np.log(A / (1 - A))  # the weighted input with σ(z) = a


sigmoid_prime_2 = Value(
    id="03.sigmoid_prime_2",
    expected=lambda: sigmoid_prime(2.0),
    digits=3,
    slips=(
        (lambda: sigmoid(2.0), "that is σ(2) itself; its derivative is σ(2)(1 − σ(2))"),
        (lambda: 1 - sigmoid(2.0), "that is 1 − σ(2): multiply it by σ(2)"),
        (
            lambda: np.exp(-2.0),
            "e^(−z) alone is the inner derivative only: σ′ = e^(−z)/(1 + e^(−z))²",
        ),
        (lambda: 2.0 * (1 - 2.0), "σ(z)(1 − σ(z)) needs σ(2) first; you used z = 2 itself"),
    ),
    hints=(
        section("03", "σ and its derivative", "σ(z)(1") + ": σ′(z) = σ(z)(1 − σ(z)).",
        "σ′ needs the value of σ at the same z first (numpy, or lectures_lib.neurons."
        "sigmoid, computes it). Round only at the end.",
    ),
)

delta = Value(
    id="03.delta",
    expected=lambda: (sigmoid(Z) - Y) * sigmoid_prime(Z),
    slips=(
        (
            lambda: sigmoid(Z) - Y,
            "that is ∂C/∂a = a − y only: δ = ∂C/∂z multiplies it by ∂a/∂z = σ′(z)",
        ),
        (lambda: -(sigmoid(Z) - Y) * sigmoid_prime(Z), "check the sign: a − y = 0.8 − 1"),
        (lambda: sigmoid_prime(Z), "that is σ′(z) alone; multiply by ∂C/∂a = a − y"),
        (
            lambda: (sigmoid(Z) - Y) * sigmoid_prime(A),
            "σ′ belongs at z, not at a: σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)",
        ),
        (
            lambda: 2 * (sigmoid(Z) - Y) * sigmoid_prime(Z),
            "C = (a − y)²/2: the ½ cancels the 2, so ∂C/∂a = a − y",
        ),
    ),
    hints=(
        "δ = ∂C/∂z = ∂C/∂a · ∂a/∂z, the chain rule through a = σ(z) "
        f"({section('03', 'One neuron learning', 'chain rule')}).",
        "You do not need z: σ′(z) = σ(z)(1 − σ(z)), and σ(z) is a.",
    ),
)


def _cases(rng):
    cases = []
    for n, m in ((3, 5), (2, 4), (4, 6)):
        w, b = rng.normal(size=n), float(rng.normal())
        # inputs in [0, 1): the reference is a Network, which takes no others
        cases.append((w, b, rng.random((m, n)), rng.uniform(0, 1, m)))
    return cases


def _reference(w, b, X, y):
    """From lectures_lib's backpropagation, for a network of this one neuron."""
    from lectures_lib.network import Network

    neuron = Network([len(w), 1])
    neuron.weights, neuron.biases = [w.reshape(1, -1).astype(float)], [np.array([b])]
    nabla_w, nabla_b = neuron.backprop(X, y[:, np.newaxis])  # summed over the examples
    return nabla_w[0][0] / len(y), nabla_b[0][0] / len(y)


def _gradients(delta_of):
    """A model of the gradients with δ computed by ``delta_of(a, y, z)``."""

    def model(w, b, X, y):
        z = X @ w + b
        delta = delta_of(sigmoid(z), y, z)
        return delta @ X / len(y), delta.mean()

    return model


def _summed(w, b, X, y):
    dw, db = _reference(w, b, X, y)
    return len(y) * dw, len(y) * db


def _per_example(w, b, X, y):
    z = X @ w + b
    delta = (sigmoid(z) - y) * sigmoid_prime(z)
    return delta[:, np.newaxis] * X, delta


neuron_gradients = Function(
    id="03.neuron_gradients",
    signature="neuron_gradients(w, b, X, y)",
    cases=_cases,
    reference=_reference,
    against="lectures_lib's backpropagation (Network.backprop)",
    parts=("dC_dw", "dC_db"),
    slips=(
        (
            _gradients(lambda a, y, z: a - y),
            "σ′ forgotten: δ = ∂C/∂z = (a − y)·σ′(z). Without σ′ this is the gradient of "
            "notebook 02's straight line, not of a sigmoid neuron",
        ),
        (
            _gradients(lambda a, y, z: (a - y) * sigmoid_prime(a)),
            "σ′ belongs at z, not at a: σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)",
        ),
        (
            _gradients(lambda a, y, z: (a - y) * z * (1 - z)),
            "σ′(z) = σ(z)(1 − σ(z)) needs σ(z) first; you used z(1 − z)",
        ),
        (
            _gradients(lambda a, y, z: 2 * (a - y) * sigmoid_prime(z)),
            "a factor 2 too many: C = (a − y)²/2, and the ½ cancels the 2 of the square",
        ),
        (_gradients(lambda a, y, z: (y - a) * sigmoid_prime(z)), "wrong sign: a − y, not y − a"),
        (_summed, "a missing 1/m: average the examples' gradients (the mean, not the sum)"),
        (
            lambda w, b, X, y: _reference(w, b, X[:1], y[:1]),
            "only the first example counts in your result: average over all m rows of X",
        ),
        (
            _per_example,
            "that is one gradient per example (one row each): average them over the mini-batch",
        ),
    ),
    hints=(
        section("03", "One neuron learning", "\\sigma'(z)")
        + " did this for one input x: ∂C/∂w = (a − y)·σ′(z)·x and "
        "∂C/∂b = (a − y)·σ′(z). Here each example has n inputs, and there are m examples.",
        "z = X @ w + b gives the m weighted inputs at once; δ = (a − y)·σ′(z) is then m "
        "numbers, one per example.",
        "∂C/∂w_k is δ times input k of the same example, averaged over the examples: a "
        "matrix product of δ with X sums over them; divide by m.",
    ),
)

EXERCISES = (sigmoid_prime_2, delta, neuron_gradients)
