"""Exercises of notebook 10: what σ′ ≤ 1/4 does to a gradient, and the size of the weights'
gradient layer by layer (the notebook measures the biases')."""

from __future__ import annotations

import numpy as np

from lectures_lib.exercises.cases import random_batch, random_network
from lectures_lib.exercises.checking import Function, Value, section
from lectures_lib.neurons import sigmoid, sigmoid_prime

N_LAYERS = 3  # 10.sigma_prime_bound: a gradient passes back through 3 sigmoid layers


def _largest_sigma_prime() -> float:
    """σ′'s largest value, found on a fine grid of z (which includes z = 0)."""
    return float(np.max(sigmoid_prime(np.linspace(-10, 10, 2001))))


sigma_prime_bound = Value(
    id="10.sigma_prime_bound",
    expected=lambda: _largest_sigma_prime() ** N_LAYERS,
    slips=(
        (lambda: _largest_sigma_prime(), "that is one layer's factor; there are three"),
        (
            lambda: N_LAYERS * _largest_sigma_prime(),
            "the factors multiply, one per layer: they do not add up",
        ),
        (
            lambda: _largest_sigma_prime() ** (N_LAYERS - 1),
            "that is two layers' factors; the gradient passes back through three",
        ),
        (
            lambda: sigmoid(0.0) ** N_LAYERS,
            "σ(0) = 1/2 is the sigmoid's value; the factor is its derivative σ′",
        ),
    ),
    hints=(
        section("03", "σ′ peaks at 1/4 and vanishes far out: saturation", "z = 0")
        + ": σ′ is largest at z = 0. How large is it there?",
        "Going back through a layer multiplies the gradient by σ′ of that layer (and by "
        "its weights, which this question leaves out). Three layers, three factors.",
    ),
)


def _cases(rng):
    shapes = (([6, 5, 4, 3], 4), ([5, 4, 4, 4, 2], 3), ([4, 3, 2], 6))
    return [(random_network(rng, sizes), *random_batch(rng, sizes, m)) for sizes, m in shapes]


def weight_gradient_norms(net, X, Y) -> np.ndarray:
    """‖∂C/∂w^l‖ of each layer (the square root of the sum of the squares of its entries),
    first hidden layer first, for the mean cost C over the mini-batch: from
    Network.backprop, which returns sums over the mini-batch."""
    nabla_w, _ = net.backprop(X, Y)
    return np.array([np.linalg.norm(g) / len(X) for g in nabla_w])


def _biases_instead(net, X, Y):
    _, nabla_b = net.backprop(X, Y)
    return np.array([np.linalg.norm(g) / len(X) for g in nabla_b])


def _largest_singular_values(net, X, Y):
    nabla_w, _ = net.backprop(X, Y)
    return np.array([np.linalg.norm(g, 2) / len(X) for g in nabla_w])


weight_gradient_sizes = Function(
    id="10.weight_gradient_sizes",
    signature="weight_gradient_sizes(net, X, Y)",
    cases=_cases,
    reference=weight_gradient_norms,
    against="the sizes of Network.backprop's ∂C/∂w",
    slips=(
        (
            lambda net, X, Y: len(X) * weight_gradient_norms(net, X, Y),
            "a missing 1/m: net.backprop sums over the mini-batch, and the cost C is the "
            "mean over it",
        ),
        (
            _biases_instead,
            "those are the sizes of ∂C/∂b, which the notebook measured; the exercise asks "
            "for the weights, ‖∂C/∂w‖",
        ),
        (
            lambda net, X, Y: weight_gradient_norms(net, X, Y)[::-1],
            "the layers are in reverse order: the first hidden layer comes first, as in "
            "net.weights",
        ),
        (
            lambda net, X, Y: weight_gradient_norms(net, X, Y) ** 2,
            "that is the squared size ‖∂C/∂w‖²: take its square root (np.linalg.norm)",
        ),
        (
            _largest_singular_values,
            "np.linalg.norm(g, 2) of a matrix is its largest singular value; the size "
            "asked for is the square root of the sum of the squares of all entries: "
            "np.linalg.norm(g), with no second argument",
        ),
    ),
    hints=(
        "net.backprop(X, Y) returns (nabla_w, nabla_b), one array per layer, summed over "
        "the m examples of the mini-batch.",
        "The cost C is the mean over the mini-batch, so ∂C/∂w^l is nabla_w[l] divided by m. "
        "Its size is the square root of the sum of the squares of all its entries: "
        "np.linalg.norm does that for a matrix, too.",
        "One number per layer, in the order of net.weights.",
    ),
)

EXERCISES = (sigma_prime_bound, weight_gradient_sizes)
