"""Checks that turn bad input into a clear message: training settings shared by every
optimizer in the package, and the arrays a `lectures_lib.network.Network` is given.

Each ``check_*`` returns the value in the form the caller computes with, or raises a
ValueError that says what was wrong and how to fix it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from lectures_lib.encoding import one_hot

MAX_WEIGHTS = 50_000_000  # 400 MB of float64: far beyond any network of this course


class TrainingDiverged(ArithmeticError):
    """The weights stopped being finite numbers during training."""


class TrainingStalled(ArithmeticError):
    """A step of gradient descent no longer changes any weight or bias.

    ``history`` holds what was recorded up to the epoch that found it.
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


class NetworkSaturated(TrainingStalled):
    """Stalled because the sigmoids saturated (sigma' = 0): eta was far too large."""


# --- training settings ----------------------------------------------------------------


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def check_eta(eta) -> float:
    """eta as a float, or a ValueError that says why it cannot be a learning rate."""
    if not _is_number(eta) or not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"the learning rate eta must be a positive number, got {eta!r}")
    return float(eta)


def check_whole_number(value, name: str, low: int = 1, high: int | None = None) -> int:
    """value as an int, or a ValueError unless it is a whole number from low to high."""
    whole = _is_number(value) and math.isfinite(value) and float(value).is_integer()
    if not whole or value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ValueError(f"{name} must be a whole number {bounds}, got {value!r}")
    return int(value)


def check_mini_batch_size(m, n: int) -> int:
    """m as an int, or a ValueError unless it is a whole number from 1 to the n examples."""
    return check_whole_number(m, f"mini_batch_size (for {n} training examples)", 1, n)


def check_sizes(sizes) -> list[int]:
    """Layer sizes as a list of ints: at least two, each a positive whole number, with no
    more than MAX_WEIGHTS weights in all."""
    listed = list(sizes) if np.iterable(sizes) and not isinstance(sizes, (str, bytes)) else []
    if len(listed) < 2:
        raise ValueError(
            f"sizes must list at least two layer sizes, e.g. [784, 30, 10], got {sizes!r}"
        )
    sizes = [check_whole_number(s, "every layer size") for s in listed]
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    if n_weights > MAX_WEIGHTS:
        raise ValueError(
            f"sizes {sizes} would need {n_weights:,} weights ({8 * n_weights / 1e9:.1f} GB); "
            f"networks here have at most {MAX_WEIGHTS:,}"
        )
    return sizes


def check_init(init: str) -> str:
    if init not in ("normal", "scaled"):
        raise ValueError(
            f"init must be 'normal' (N(0, 1)) or 'scaled' (N(0, 1/n_in)), got {init!r}"
        )
    return init


def check_dtype(dtype) -> np.dtype:
    """np.float64 or np.float32, from a name or a numpy type."""
    if dtype not in ("float64", "float32", np.float64, np.float32):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    return np.dtype(dtype)


# --- the arrays a network is given ------------------------------------------------------


def check_inputs(X, n_in: int) -> np.ndarray:
    """Inputs as an array (n, n_in): uint8 grey levels and floats as they are (no copy),
    other numbers as float64.  One example may be given as a vector (n_in,)."""
    X = np.asarray(X)
    if X.dtype != np.uint8 and X.dtype.kind != "f":
        if X.dtype.kind not in "iu":
            raise ValueError(f"inputs must be numbers, got an array of dtype {X.dtype}")
        X = X.astype(np.float64)
    if X.ndim == 1:
        X = X[np.newaxis, :]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(
            f"inputs must have shape (n, {n_in}), one example per row, got {X.shape}; "
            "flatten each image to one row (MNIST: 28*28 = 784 numbers)"
        )
    if X.dtype != np.uint8 and not all_finite(X):
        raise ValueError("inputs contain NaN or infinite values; clean the data first")
    return X


def check_labels(labels, n: int, n_out: int) -> np.ndarray:
    """Labels (n,) as integers from 0 to n_out - 1."""
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be {n} integers, one per input, got shape {labels.shape} "
            f"and dtype {labels.dtype}"
        )
    if n and (labels.min() < 0 or labels.max() >= n_out):
        raise ValueError(
            f"labels must lie in 0..{n_out - 1} for {n_out} output neurons, got values "
            f"from {labels.min()} to {labels.max()}"
        )
    return labels


def check_targets(targets, n: int, n_out: int) -> np.ndarray:
    """Targets (n, n_out) as floats; labels (n,) are turned into one-hot rows."""
    targets = np.asarray(targets)
    if targets.ndim == 1:
        return one_hot(check_labels(targets, n, n_out), n_out)
    if targets.shape != (n, n_out) or targets.dtype.kind not in "fiu":
        raise ValueError(
            f"targets must be {n} labels or numbers of shape ({n}, {n_out}), "
            f"got shape {targets.shape} and dtype {targets.dtype}"
        )
    targets = targets.astype(np.float64, copy=False)
    if not all_finite(targets):
        raise ValueError("targets contain NaN or infinite values; clean the data first")
    return targets


def check_batch(X, Y, sizes) -> tuple[np.ndarray, np.ndarray]:
    """A batch of at least one example: inputs (m, sizes[0]), targets (m, sizes[-1])."""
    X = check_inputs(X, sizes[0])
    if len(X) == 0:
        raise ValueError("a batch needs at least one example, got none")
    return X, check_targets(Y, len(X), sizes[-1])


def check_pair(data, name: str):
    """(images, labels) from a pair or a `Dataset`, or a ValueError that shows the form."""
    if isinstance(data, np.ndarray) or not isinstance(data, (tuple, list)) or len(data) != 2:
        what = (
            f"an array of shape {data.shape}" if isinstance(data, np.ndarray) else repr(data)[:60]
        )
        raise ValueError(
            f"{name} must be a pair (images, labels), e.g. {name}=(X, labels) or a Dataset "
            f"from load_mnist(); got {what}"
        )
    return data


def check_training(training, sizes) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, sizes[0]), Y (n, sizes[-1]) float targets) from training = (X, labels or Y)."""
    X, targets = check_pair(training, "training")
    return check_batch(X, targets, sizes)


def check_parameters(net) -> None:
    """weights[l] (n_out, n_in) and biases[l] (n_out,) float arrays, as ``net.sizes`` says."""
    sizes = net.sizes
    if len(net.weights) != len(sizes) - 1 or len(net.biases) != len(sizes) - 1:
        raise ValueError(
            f"a network of sizes {sizes} has {len(sizes) - 1} weight matrices and bias vectors"
        )
    for layer, (w, b) in enumerate(zip(net.weights, net.biases)):
        shapes = (sizes[layer + 1], sizes[layer]), (sizes[layer + 1],)
        for name, p, shape in [("weights", w, shapes[0]), ("biases", b, shapes[1])]:
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f" or p.shape != shape:
                got = f"{p.dtype} {p.shape}" if isinstance(p, np.ndarray) else type(p).__name__
                raise ValueError(
                    f"net.{name}[{layer}] must be a float array of shape {shape}, got {got}; "
                    f"e.g. net.{name}[{layer}] = np.asarray(..., dtype=float)"
                )


def check_finite_parameters(net, epoch: int, eta: float) -> None:
    if not all(all_finite(p) for p in net.weights + net.biases):
        raise TrainingDiverged(
            f"the weights became NaN or infinite in epoch {epoch} with eta = {eta}: "
            "training diverged; try a smaller learning rate eta"
        )


def all_finite(array) -> bool:
    """True when no entry is NaN or infinite.  A large array is summed first: a finite sum
    proves it in one fast pass, with no array of booleans the size of the data."""
    if array.size < 100_000:
        return bool(np.isfinite(array).all())
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(array.sum()) or np.all(np.isfinite(array)))


def check_finite_number(value, name: str) -> float:
    """value as a float, or a ValueError unless it is a finite real number (not NaN, not
    infinite, not True/False, not text)."""
    if not _is_number(value) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)
