"""A feedforward network of sigmoid neurons, trained by mini-batch SGD.

Derived in ``notebooks/05_mnist_network_sgd.ipynb``; the scale and the names follow
Nielsen's ``network.py`` (Neural Networks and Deep Learning, chapter 1), with every
mini-batch computed as matrices instead of one example at a time.

One layout, as in the notebooks: a batch X has shape (n, n_in), one example per row;
``weights[l]`` has shape (n_out, n_in), so that w_jk connects neuron k of one layer to
neuron j of the next; ``biases[l]`` has shape (n_out,); a layer computes
a' = sigma(a w^T + b).  Images given as uint8 grey levels (0-255) are read as
x = level / 255, a mini-batch at a time; float inputs are used as they are.

The algorithm comes first; the bookkeeping (checks of the input, the per-epoch record,
saving and loading, the compiled engine) lives in `checks`, `history`, `network_file`
and `_compiled`.
"""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits

from lectures_lib import _compiled, checks, network_file
from lectures_lib.checks import (  # noqa: F401 - re-exported for notebooks and tests
    NetworkSaturated,
    TrainingDiverged,
    TrainingStalled,
)
from lectures_lib.history import History, Recorder
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
        rng = np.random.default_rng(rng)
        layers = list(zip(self.sizes[:-1], self.sizes[1:]))
        self.weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in layers]
        self.biases = [rng.standard_normal(n_out) for _, n_out in layers]
        if checks.check_init(init) == "scaled":
            self.weights = [w / np.sqrt(w.shape[1]) for w in self.weights]

    def feedforward(self, X):
        """Output activations (n, sizes[-1]) for inputs X (n, sizes[0]): a' = sigma(a w^T + b)."""
        X = checks.check_inputs(X, self.sizes[0])
        if len(X) > CHUNK:  # piece by piece: no float copy of a whole data set
            return np.concatenate([self.feedforward(x) for x in pieces(X)])
        a = as_float(X)
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(a @ w.T + b)
        return a

    def backprop(self, X, Y):
        """Gradients of the quadratic cost, summed over the mini-batch.

        X (m, sizes[0]) inputs, Y (m, sizes[-1]) targets.  Returns (nabla_w, nabla_b),
        lists shaped like weights and biases, with nabla_w[l] = sum_x dC_x/dw^l for
        C_x = ||y(x) - a||^2 / 2.  No Python loop over examples.
        """
        X, Y = checks.check_batch(X, Y, self.sizes)
        if len(X) > CHUNK:  # piece by piece: no float copy of a whole data set
            return add_gradients(self.backprop(x, y) for x, y in pieces(X, Y))
        activations, zs = [as_float(X)], []  # activations[l] (m, n_l), zs[l] (m, n_l+1)
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

    def update_mini_batch(self, X, Y, eta):
        """One step of gradient descent on the mini-batch X (m, sizes[0]), Y (m, sizes[-1]):
        w -> w - (eta/m) sum_x nabla_w C_x, and b likewise."""
        checks.check_parameters(self)
        X, Y = checks.check_batch(X, Y, self.sizes)
        nabla_w, nabla_b = self.backprop(X, Y)
        step = checks.check_eta(eta) / len(X)
        for w, b, nw, nb in zip(self.weights, self.biases, nabla_w, nabla_b):
            w -= step * nw
            b -= step * nb

    def SGD(  # noqa: N802 - the lecture's name
        self,
        training,
        epochs,
        mini_batch_size,
        eta,
        *,
        test=None,
        validation=None,
        monitor=False,
        patience=None,
        rng=None,
        verbose=False,
        engine="auto",
        dtype="float64",
    ) -> History:
        """Train by mini-batch stochastic gradient descent; return the `History`.

        training: (X, labels) with X (n, sizes[0]) and labels (n,) integers, or targets
        (n, sizes[-1]).  Every epoch draws one permutation from ``rng``, cuts it into
        mini-batches of ``mini_batch_size`` and takes one step per mini-batch.

        test, validation: (X, labels), evaluated after every epoch; monitor=True also
        records the cost and accuracy on the whole training set, monitor=k on its first k
        examples (less work: one pass over k examples per epoch).  patience=k (needs
        validation) stops once validation accuracy has not improved for k epochs and
        keeps the weights of the best validation epoch.  verbose prints the lecture's
        ``Epoch k: n / 10000`` lines.  engine: "numpy" (the code above), "numba" (the
        same arithmetic compiled) or "auto" (numba when it works here).  dtype="float32":
        compiled float32 arithmetic, faster and slightly less exact; the weights stay
        float64 between calls.
        """
        X, Y = checks.check_training(training, self.sizes)
        epochs = checks.check_whole_number(epochs, "epochs")
        m = checks.check_mini_batch_size(mini_batch_size, len(X))
        eta = checks.check_eta(eta)
        dtype = checks.check_dtype(dtype)
        checks.check_parameters(self)
        compiled = _compiled.use(engine, dtype)
        record = Recorder(self, (X, Y), eta, m, test, validation, monitor, patience, verbose)
        rng = np.random.default_rng(rng)
        # one BLAS thread, and overflow reported in words after the epoch: see one_blas_thread
        with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(epochs):
                start = time.perf_counter()
                perm = rng.permutation(len(X))
                if compiled:  # the same steps, compiled: lectures_lib/_compiled.py
                    _compiled.sgd_epoch(self.weights, self.biases, X, Y, perm, m, eta, dtype)
                else:
                    for k in range(0, len(X), m):
                        mini_batch = perm[k : k + m]
                        self.update_mini_batch(X[mini_batch], Y[mini_batch], eta)
                if record.after_epoch(epoch, time.perf_counter() - start):
                    break
        return record.finish()

    def evaluate(self, X, labels) -> int:
        """How many of the inputs X (n, sizes[0]) the network labels right (argmax)."""
        X = checks.check_inputs(X, self.sizes[0])
        labels = checks.check_labels(labels, len(X), self.sizes[-1])
        return int(np.sum(np.argmax(self.feedforward(X), axis=1) == labels))

    def cost(self, X, Y) -> float:
        """The quadratic cost C = (1/2n) sum_x ||y(x) - a(x)||^2.

        X (n, sizes[0]) inputs; Y (n, sizes[-1]) targets, or labels (n,) read as one-hot.
        """
        X, Y = checks.check_batch(X, Y, self.sizes)
        return float(0.5 * np.sum((Y - self.feedforward(X)) ** 2) / len(Y))

    # --- saving and loading: lectures_lib/network_file.py -------------------------

    def save(self, path) -> None:
        """Write sizes, weights and biases to ``path`` (.npz), atomically."""
        network_file.save(path, self.sizes, self.weights, self.biases)

    @classmethod
    def load(cls, path) -> Network:
        """A network read from a file written by `save`, checked before it is trusted."""
        sizes, weights, biases = network_file.load(path)
        net = cls(sizes)
        net.weights, net.biases = weights, biases
        return net


def one_blas_thread():
    """BLAS held to one thread while SGD runs: a mini-batch's matrix products are too
    small to share out, and on a busy machine sharing them costs far more than they do
    (measured on two busy cores: an epoch of [784, 100, 10] took 20 times as long with
    two BLAS threads as with one).  Overflow in a diverging run is reported, in words,
    after the epoch (`checks.check_finite_parameters`), not as a numpy warning."""
    return threadpool_limits(limits=1, user_api="blas")


def as_float(X):
    """uint8 grey levels 0-255 as x = level / 255.0 (float64); any other array as it is."""
    return X / 255.0 if X.dtype == np.uint8 else X


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
