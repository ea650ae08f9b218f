"""Worked solutions to the exercises of notebook 05 (backpropagation and SGD on MNIST)."""

import numpy as np

from lectures_lib.neurons import sigmoid, sigmoid_prime

# 05.n_parameters: [784, 100, 10] has two layers of weights and a bias per non-input neuron.
N_PARAMETERS = (784 * 100 + 100) + (100 * 10 + 10)

# 05.steps: one step per mini-batch; 50,000 training images in mini-batches of 10.
STEPS = 50_000 // 10


def backprop(net, X, Y):
    """Gradients of the quadratic cost summed over the mini-batch, for any number of layers.

    X (m, n_in), Y (m, n_out); returns (nabla_w, nabla_b) shaped like net.weights, net.biases.
    """
    activations, zs = [X], []  # forward: keep every layer's input and weighted input
    for w, b in zip(net.weights, net.biases):
        zs.append(activations[-1] @ w.T + b)  # (m, n_out)
        activations.append(sigmoid(zs[-1]))
    nabla_w, nabla_b = [None] * len(zs), [None] * len(zs)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])  # δ of the output layer, (m, n_out)
    for layer in reversed(range(len(zs))):  # backward, from the output layer
        nabla_w[layer] = delta.T @ activations[layer]  # Σ_x δ a_inᵀ: (n_out, n_in)
        nabla_b[layer] = delta.sum(axis=0)  # Σ_x δ: (n_out,)
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


def quadratic_cost(net, X, Y):
    """The lecture's C = (1/2n) sum_x ||y(x) - a||^2 for the examples X (n, n_in), Y (n, n_out)."""
    A = net.feedforward(X)  # (n, n_out): the output a of every example, one per row
    squared_lengths = np.sum((Y - A) ** 2, axis=1)  # ||y(x) - a||^2 of each example, (n,)
    return np.sum(squared_lengths) / (2 * len(X))  # the average over the examples, halved


SOLUTIONS = {
    "05.n_parameters": N_PARAMETERS,
    "05.steps": STEPS,
    "05.backprop": backprop,
    "05.quadratic_cost": quadratic_cost,
}
