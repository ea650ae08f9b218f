"""A feedforward network of sigmoid neurons, trained by mini-batch SGD: the algorithm.

Derived in ``notebooks/05_mnist_network_sgd.ipynb``; the scale and the names follow
Nielsen's ``network.py`` (Neural Networks and Deep Learning, chapter 1), with every
mini-batch computed as matrices instead of one example at a time.

One layout, as in the notebooks: a batch X has shape (n, n_in), one example per row;
``weights[l]`` has shape (n_out, n_in), so that w_jk connects neuron k of one layer to
neuron j of the next; ``biases[l]`` has shape (n_out,); a layer computes
a' = sigma(a w^T + b).

Inputs: an integer array (any integer dtype, e.g. MNIST's uint8) holds grey levels 0-255,
read as x = level / 255 a mini-batch at a time; a float array must already lie in [0, 1].

This module is the whole algorithm and nothing else: each public method checks its
arguments (`checks`), then computes.  The trainer around it (a compiled engine, records
per epoch, early stopping, parallel runs) is `lectures_lib.runs`; files are
`lectures_lib.network_file`.
"""

from __future__ import annotations

import numpy as np

from lectures_lib import checks
from lectures_lib.neurons import sigmoid, sigmoid_prime

# examples per piece when a large batch is fed forward: a piece's float copy is 1.6 MB for
# MNIST (pieces of 1,000 rows, 6.3 MB, raised a notebook's peak memory by 15 MB when two
# training threads evaluated at once). Evaluating the 10,000 test images takes as long
# either way (measured: about 30 ms for [784, 30, 10], 50 ms for [784, 100, 10]).
CHUNK = 250


class Network:
    """Sigmoid layers of the given sizes, e.g. ``Network([784, 30, 10])``."""

    def __init__(self, sizes, rng=None, init="normal"):
        """Biases from N(0, 1); weights from N(0, 1) (init="normal", the lecture's) or
        N(0, 1/n_in) (init="scaled": the same draws divided by sqrt(n_in)).

        rng: a numpy Generator or a seed.  All weights are drawn first, then all biases.
        """
        self.sizes = checks.check_sizes(sizes)
        init, rng = checks.check_init(init), checks.check_rng(rng)
        layers = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in layers]
        self.biases = [rng.standard_normal(n_out) for _, n_out in layers]
        if init == "scaled":
            self.weights = [w / np.sqrt(w.shape[1]) for w in self.weights]

    @classmethod
    def from_parameters(cls, weights, biases) -> Network:
        """The network with these weights[l] (n_out, n_in) and biases[l] (n_out,), float
        arrays used as they are (no copy, nothing drawn); sizes follow from their shapes."""
        net = cls.__new__(cls)
        net.sizes = checks.check_parameters(weights, biases)
        net.weights, net.biases = list(weights), list(biases)
        return net

    def feedforward(self, X):
        """Output activations (n, sizes[-1]) for inputs X (n, sizes[0]): a' = sigma(a w^T + b)."""
        return self._feedforward(checks.check_inputs(X, self.sizes[0]))

    def backprop(self, X, Y):
        """Gradients of the quadratic cost, summed over the mini-batch.

        X (m, sizes[0]) inputs, Y (m, sizes[-1]) targets or labels (m,).  Returns
        (nabla_w, nabla_b), lists shaped like weights and biases, with
        nabla_w[l] = sum_x dC_x/dw^l for C_x = ||y(x) - a||^2 / 2.  No loop over examples.
        """
        return self._backprop(*checks.check_batch(X, Y, self.sizes))

    def update_mini_batch(self, X, Y, eta):
        """One step of gradient descent on the mini-batch X (m, sizes[0]), Y (m, sizes[-1])
        or labels (m,): w -> w - (eta/m) sum_x nabla_w C_x, and b likewise."""
        checks.check_parameters(self.weights, self.biases, self.sizes)
        eta = checks.check_eta(eta)
        nabla_w, nabla_b = self.backprop(X, Y)  # which checks the mini-batch
        step = eta / len(np.atleast_2d(X))  # eta/m, for m examples (a vector is one)
        for w, b, nw, nb in zip(self.weights, self.biases, nabla_w, nabla_b):
            w -= step * nw
            b -= step * nb

    def SGD(  # noqa: N802 - the lecture's name
        self, training, epochs, mini_batch_size, eta, *, test=None, rng=None, verbose=False
    ) -> list[int]:
        """Train by mini-batch stochastic gradient descent; return the test images right
        after each epoch (a list of ints; empty without ``test``).

        training: (X, labels) with X (n, sizes[0]) and labels (n,), or targets
        (n, sizes[-1]).  Every epoch draws one permutation from ``rng`` (a Generator or a
        seed), cuts it into mini-batches of ``mini_batch_size`` and calls
        `update_mini_batch` once for each.  test: (X, labels), evaluated after every
        epoch; verbose prints the lecture's ``Epoch k: n / 10000`` lines (counted from 1).
        """
        X, Y = checks.check_training(training, self.sizes)
        epochs = checks.check_whole_number(epochs, "epochs")
        m = checks.check_mini_batch_size(mini_batch_size, len(X))
        eta, rng = checks.check_eta(eta), checks.check_rng(rng)
        test = None if test is None else checks.check_labelled(test, "test", self.sizes)
        correct = []
        for epoch in range(epochs):
            perm = rng.permutation(len(X))
            for k in range(0, len(X), m):
                mini_batch = perm[k : k + m]
                self.update_mini_batch(X[mini_batch], Y[mini_batch], eta)
            if test is not None:
                correct.append(self.evaluate(*test))
            if verbose and test is not None:
                print(f"Epoch {epoch + 1}: {correct[-1]} / {len(test[1])}")
            elif verbose:
                print(f"Epoch {epoch + 1} complete")
        return correct

    def evaluate(self, X, labels) -> int:
        """How many of the inputs X (n, sizes[0]) the network labels right (argmax)."""
        X = checks.check_inputs(X, self.sizes[0])
        labels = checks.check_labels(labels, len(X), self.sizes[-1])
        return int(np.sum(np.argmax(self._feedforward(X), axis=1) == labels))

    def cost(self, X, Y) -> float:
        """The quadratic cost C = (1/2n) sum_x ||y(x) - a(x)||^2.

        X (n, sizes[0]) inputs; Y (n, sizes[-1]) targets, or labels (n,) read as one-hot.
        """
        X, Y = checks.check_batch(X, Y, self.sizes)
        return float(0.5 * np.sum((Y - self._feedforward(X)) ** 2) / len(Y))

    # --- the computations, on checked arguments ------------------------------------------

    def _feedforward(self, X):
        if len(X) > CHUNK:  # piece by piece: no float copy of a whole data set
            return np.concatenate([self._feedforward(x) for x in pieces(X)])
        a = scaled(X)
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(a @ w.T + b)
        return a

    def _backprop(self, X, Y):
        if len(X) > CHUNK:  # piece by piece: no float copy of a whole data set
            return add_gradients(self._backprop(x, y) for x, y in pieces(X, Y))
        activations, zs = [scaled(X)], []  # activations[l] (m, n_l), zs[l] (m, n_l+1)
        for w, b in zip(self.weights, self.biases):
            zs.append(activations[-1] @ w.T + b)
            activations.append(sigmoid(zs[-1]))
        delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])  # (m, n_out): dC_x/dz
        nabla_w, nabla_b = [], []
        for layer in reversed(range(len(self.weights))):
            nabla_w.insert(0, delta.T @ activations[layer])  # (n_out, n_in), summed over x
            nabla_b.insert(0, delta.sum(axis=0))
            if layer > 0:  # one layer back: delta' = (delta w) * sigma'(z')
                delta = (delta @ self.weights[layer]) * sigmoid_prime(zs[layer - 1])
        return nabla_w, nabla_b


def scaled(X):
    """Inputs as float64 numbers in [0, 1]: integer grey levels as x = level / 255.0,
    floats as they are (converted to float64 if they are of another float type)."""
    return X / 255.0 if X.dtype.kind in "iu" else X.astype(np.float64, copy=False)


def pieces(*arrays):
    """The arrays (n, ...) cut into consecutive pieces of CHUNK rows, taken together."""
    n = len(arrays[0])
    for k in range(0, n, CHUNK):
        piece = tuple(a[k : k + CHUNK] for a in arrays)
        yield piece if len(arrays) > 1 else piece[0]


def add_gradients(gradients):
    """The sum of (nabla_w, nabla_b) pairs, each a list of arrays shaped like the weights."""
    total_w, total_b = next(gradients)
    for nabla_w, nabla_b in gradients:
        total_w = [t + nw for t, nw in zip(total_w, nabla_w)]
        total_b = [t + nb for t, nb in zip(total_b, nabla_b)]
    return total_w, total_b
