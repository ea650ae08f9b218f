"""A feedforward network of sigmoid neurons, trained by mini-batch SGD.

Derived in ``notebooks/05_mnist_network_sgd.ipynb``; the scale and the names follow
Nielsen's ``network.py`` (Neural Networks and Deep Learning, chapter 1), with every
mini-batch computed as matrices instead of one example at a time.

Conventions: a batch of inputs X has shape (n, n_in), one example per row;
``weights[l]`` has shape (n_out, n_in), so that w_jk connects neuron k of one
layer to neuron j of the next, and ``biases[l]`` has shape (n_out,).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lectures_lib import _compiled
from lectures_lib.checks import check_eta, check_mini_batch_size
from lectures_lib.data import one_hot
from lectures_lib.neurons import sigmoid


class TrainingDiverged(ArithmeticError):
    """The weights stopped being finite numbers during training."""


@dataclass
class History:
    """What `Network.SGD` measured: per epoch, the test images classified correctly."""

    correct: list[int] = field(default_factory=list)
    n_test: int = 0
    seconds: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> np.ndarray:
        """Fraction correct per epoch, shape (epochs,)."""
        return np.asarray(self.correct, dtype=float) / max(self.n_test, 1)

    @property
    def best(self) -> int:
        """The most test images classified correctly in any epoch."""
        return max(self.correct)


class Network:
    """Sigmoid layers of the given sizes, e.g. ``Network([784, 30, 10])``."""

    def __init__(self, sizes, rng=None):
        """Weights and biases drawn from N(0, 1) with ``rng`` (a Generator or a seed)."""
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive layer sizes, got {sizes}")
        rng = np.random.default_rng(rng)
        self.sizes = sizes
        self.weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in self._pairs()]
        self.biases = [rng.standard_normal(n_out) for _, n_out in self._pairs()]

    def _pairs(self):
        return zip(self.sizes[:-1], self.sizes[1:])

    def feedforward(self, X):
        """Output activations (n, sizes[-1]) for inputs X (n, sizes[0]): a' = sigma(w a + b).

        Inside, as in the lecture, each activation is a column: a has shape (n_l, n).
        """
        return self._forward(self._check_inputs(X))

    def _forward(self, X):
        a = X.T
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b[:, np.newaxis])
        return a.T

    def _correct(self, X, labels) -> int:
        return int(np.sum(np.argmax(self._forward(X), axis=1) == labels))

    def backprop(self, X, Y):
        """Gradients of the quadratic cost, summed over the mini-batch.

        X (m, sizes[0]) inputs, Y (m, sizes[-1]) targets.  Returns (nabla_w, nabla_b),
        lists shaped like weights and biases, with nabla_w[l] = sum_x dC_x/dw^l for
        C_x = ||y(x) - a||^2 / 2.  No Python loop over examples.
        """
        activations = [np.asarray(X, dtype=float)]
        for w, b in zip(self.weights, self.biases):
            activations.append(sigmoid(activations[-1] @ w.T + b))
        a = activations[-1]
        delta = (a - Y) * a * (1 - a)  # (m, n_out): dC/dz of the output layer
        nabla_w = [np.empty_like(w) for w in self.weights]
        nabla_b = [np.empty_like(b) for b in self.biases]
        for layer in range(len(self.weights) - 1, -1, -1):
            nabla_w[layer] = delta.T @ activations[layer]
            nabla_b[layer] = delta.sum(axis=0)
            if layer > 0:
                a_in = activations[layer]
                delta = (delta @ self.weights[layer]) * a_in * (1 - a_in)
        return nabla_w, nabla_b

    def update_mini_batch(self, X, Y, eta):
        """One step of gradient descent on a mini-batch: w -> w - (eta/m) sum_x nabla C_x."""
        nabla_w, nabla_b = self.backprop(X, Y)
        step = eta / len(X)
        for w, b, nw, nb in zip(self.weights, self.biases, nabla_w, nabla_b):
            w -= step * nw
            b -= step * nb

    def SGD(  # noqa: N802 - the lecture's name
        self,
        training,
        epochs,
        mini_batch_size,
        eta,
        test=None,
        rng=None,
        verbose=False,
        progress=False,
        engine="auto",
    ) -> History:
        """Train by mini-batch stochastic gradient descent; return the `History`.

        training: (X, labels) with X (n, sizes[0]) and labels (n,) integers, or
        targets (n, sizes[-1]).  Every epoch draws one permutation from ``rng``,
        cuts it into mini-batches of ``mini_batch_size`` and takes one step per
        mini-batch.  With test=(X, labels), each epoch is evaluated; ``verbose``
        prints the lecture's ``Epoch k: n / 10000`` lines, ``progress`` shows a bar.
        engine: "numpy" (the code above), "numba" (compiled) or "auto" (numba if
        installed).
        """
        compiled = _choose_engine(engine)
        X, Y = self._check_training(training)
        eta = check_eta(eta)
        m = check_mini_batch_size(mini_batch_size, len(X))
        if int(epochs) != epochs or epochs < 1:
            raise ValueError(f"epochs must be a positive whole number, got {epochs!r}")
        if test is not None:
            test_X = self._check_inputs(test[0])
            test_labels = self._check_labels(test[1], len(test_X))
        rng = np.random.default_rng(rng)
        history = History(n_test=0 if test is None else len(test_X))
        epochs_iter = range(int(epochs))
        if progress:
            from tqdm.auto import tqdm

            epochs_iter = tqdm(epochs_iter, desc="epochs")
        for epoch in epochs_iter:
            start = time.perf_counter()
            perm = rng.permutation(len(X))
            with np.errstate(over="ignore", invalid="ignore"):  # checked below, in words
                if compiled:
                    _compiled.sgd_epoch(self.weights, self.biases, X, Y, perm, m, eta)
                else:
                    for k in range(0, len(X), m):
                        batch = perm[k : k + m]
                        self.update_mini_batch(X[batch], Y[batch], eta)
            history.seconds.append(time.perf_counter() - start)
            self._check_finite(epoch, eta)
            if test is not None:
                history.correct.append(self._correct(test_X, test_labels))  # checked above
                if verbose:
                    print(f"Epoch {epoch}: {history.correct[-1]} / {len(test_X)}")
            elif verbose:
                print(f"Epoch {epoch} complete")
        return history

    def evaluate(self, X, labels) -> int:
        """How many of the inputs X (n, sizes[0]) the network labels correctly (argmax)."""
        X = self._check_inputs(X)
        return self._correct(X, self._check_labels(labels, len(X)))

    def cost(self, X, Y) -> float:
        """The quadratic cost C = (1/2n) sum_x ||y(x) - a||^2, for targets Y (n, sizes[-1])."""
        a = self.feedforward(X)
        return float(0.5 * np.sum((np.asarray(Y) - a) ** 2) / len(a))

    def save(self, path) -> None:
        """Write sizes, weights and biases to ``path`` (.npz), atomically."""
        path = Path(path)
        arrays = {f"w{i}": w for i, w in enumerate(self.weights)}
        arrays |= {f"b{i}": b for i, b in enumerate(self.biases)}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.part")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, sizes=np.array(self.sizes), **arrays)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path) -> Network:
        """A network read from a file written by `save`."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: train a network and save() it first")
        with np.load(path) as data:
            net = cls([int(s) for s in data["sizes"]])
            for i, (w, b) in enumerate(zip(net.weights, net.biases)):
                if data[f"w{i}"].shape != w.shape or data[f"b{i}"].shape != b.shape:
                    raise ValueError(f"{path} is damaged: layer {i} has the wrong shape")
                w[...] = data[f"w{i}"]
                b[...] = data[f"b{i}"]
        return net

    # --- checks that turn bad input into a clear message -------------------------

    def _check_inputs(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[np.newaxis, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"inputs must have shape (n, {self.sizes[0]}), got {X.shape}; "
                "flatten each image to one row (MNIST: 28*28 = 784 numbers)"
            )
        if not _all_finite(X):
            raise ValueError("inputs contain NaN or infinite values; clean the data first")
        return X

    def _check_labels(self, labels, n):
        labels = np.asarray(labels)
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                f"labels must be {n} integers, one per input, got shape {labels.shape} "
                f"and dtype {labels.dtype}"
            )
        if n and (labels.min() < 0 or labels.max() >= self.sizes[-1]):
            raise ValueError(
                f"labels must lie in 0..{self.sizes[-1] - 1} for {self.sizes[-1]} output "
                f"neurons, got values from {labels.min()} to {labels.max()}"
            )
        return labels

    def _check_training(self, training):
        X, targets = training
        X = self._check_inputs(X)
        targets = np.asarray(targets)
        if targets.ndim == 1:
            Y = one_hot(self._check_labels(targets, len(X)), self.sizes[-1])
        elif targets.shape == (len(X), self.sizes[-1]):
            Y = targets.astype(float)
        else:
            raise ValueError(
                f"targets must be {len(X)} labels or have shape ({len(X)}, {self.sizes[-1]}), "
                f"got {targets.shape}"
            )
        if not _all_finite(Y):
            raise ValueError("targets contain NaN or infinite values; clean the data first")
        return X, Y

    def _check_finite(self, epoch, eta):
        if not all(np.all(np.isfinite(w)) for w in self.weights + self.biases):
            raise TrainingDiverged(
                f"the weights became NaN or infinite in epoch {epoch} with eta = {eta}: "
                "training diverged; try a smaller learning rate eta"
            )


def _all_finite(array) -> bool:
    """True when no entry is NaN or infinite (a finite sum proves it in one fast pass)."""
    return bool(np.isfinite(array.sum()) or np.all(np.isfinite(array)))


def _choose_engine(engine) -> bool:
    """True for the compiled path, False for numpy."""
    if engine not in ("auto", "numpy", "numba"):
        raise ValueError(f"engine must be 'auto', 'numpy' or 'numba', got {engine!r}")
    if engine == "numba" and not _compiled.AVAILABLE:
        raise ImportError("engine='numba' needs numba: pip install numba (or use engine='numpy')")
    return engine != "numpy" and _compiled.AVAILABLE
