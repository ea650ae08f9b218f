"""Checks that turn bad input into a clear message: training settings shared by every
optimizer in the package, labels, and the arrays a `lectures_lib.network.Network` is given.

Each ``check_*`` returns the value in the form the caller computes with, or raises a
ValueError that says what was wrong and how to fix it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

MAX_WEIGHTS = 50_000_000  # 400 MB of float64: far beyond any network of this course


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


def check_rng(rng) -> np.random.Generator:
    """A numpy Generator from rng: None (fresh entropy), a seed (a whole number >= 0) or
    a Generator, which is used as it is (so that draws continue where they stopped)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and not (_is_number(rng) and float(rng).is_integer() and rng >= 0):
        raise ValueError(
            f"rng must be a seed (a whole number of at least 0), a numpy Generator such as "
            f"np.random.default_rng(0), or None; got {rng!r}"
        )
    return np.random.default_rng(None if rng is None else int(rng))


# --- labels and the arrays a network is given ----------------------------------------------


def check_labels(labels, n: int | None = None, n_classes: int = 10) -> np.ndarray:
    """Labels (n,) as integers from 0 to n_classes - 1; any number of them if n is None.
    The one check of labels for the whole package (network, encodings, baselines)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or n not in (None, len(labels)):
        count = "a list of integers" if n is None else f"{n} integers, one per input"
        raise ValueError(
            f"labels must be {count} (whole numbers from 0 to {n_classes - 1}), got shape "
            f"{labels.shape} and dtype {labels.dtype}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1} (one class per output), got values "
            f"from {labels.min()} to {labels.max()}"
        )
    return labels


def check_targets(targets, n: int, n_out: int) -> np.ndarray:
    """Targets (n, n_out) as floats; labels (n,) are turned into one-hot rows."""
    targets = np.asarray(targets)
    if targets.ndim == 1:
        return np.eye(n_out)[check_labels(targets, n, n_out)]
    if targets.shape != (n, n_out) or targets.dtype.kind not in "fiu":
        raise ValueError(
            f"targets must be {n} labels or numbers of shape ({n}, {n_out}), "
            f"got shape {targets.shape} and dtype {targets.dtype}"
        )
    targets = targets.astype(np.float64, copy=False)
    if not all_finite(targets):
        raise ValueError("targets contain NaN or infinite values; clean the data first")
    return targets


def check_inputs(X, n_in: int) -> np.ndarray:
    """Inputs as an array (n, n_in), as given (no copy): integers (any integer dtype) are
    grey levels from 0 to 255, floats must lie in [0, 1].  One example may be a vector
    (n_in,)."""
    X = np.asarray(X)
    if X.dtype.kind not in "iuf":
        raise ValueError(
            "inputs must be numbers, integer grey levels 0-255 or floats in [0, 1], "
            f"got an array of dtype {X.dtype}"
        )
    if X.ndim == 1:
        X = X[np.newaxis, :]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(
            f"inputs must have shape (n, {n_in}), one example per row, got {X.shape}; "
            "flatten each image to one row (MNIST: 28*28 = 784 numbers)"
        )
    if X.size == 0 or X.dtype == np.uint8:
        return X
    low, high = X.min(), X.max()  # NaN and infinity show in these two
    if X.dtype.kind == "f" and not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError("inputs contain NaN or infinite values; clean the data first")
    if X.dtype.kind == "f" and (low < 0 or high > 1):
        raise ValueError(
            f"float inputs must lie in [0, 1], got values from {low:g} to {high:g}: divide "
            "grey levels by 255 (X / 255), or pass the integer grey levels 0-255 themselves"
        )
    if low < 0 or high > 255:
        raise ValueError(
            f"integer inputs are grey levels from 0 to 255, got values from {low} to {high}; "
            "give other data as floats scaled to [0, 1]"
        )
    return X


def check_batch(X, Y, sizes) -> tuple[np.ndarray, np.ndarray]:
    """A batch of at least one example: inputs (m, sizes[0]), float targets (m, sizes[-1])."""
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


def check_labelled(data, name: str, sizes) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, sizes[0]), labels (n,)) from data = (images, labels), e.g. test data."""
    X, labels = check_pair(data, name)
    X = check_inputs(X, sizes[0])
    return X, check_labels(labels, len(X), sizes[-1])


def check_training(training, sizes) -> tuple[np.ndarray, np.ndarray]:
    """(X (n, sizes[0]), labels (n,) or targets (n, sizes[-1])) from training = (X, labels
    or targets), as given: labels stay labels."""
    X, targets = check_pair(training, "training")
    X = check_inputs(X, sizes[0])
    if len(X) == 0:
        raise ValueError("training needs at least one example, got none")
    targets = np.asarray(targets)
    if targets.ndim == 1:
        return X, check_labels(targets, len(X), sizes[-1])
    return X, check_targets(targets, len(X), sizes[-1])


def check_parameters(weights, biases, sizes=None) -> list[int]:
    """The layer sizes of weights[l] (n_out, n_in) and biases[l] (n_out,), float arrays
    that fit together (and fit ``sizes`` when given)."""
    weights, biases = list(weights), list(biases)
    if sizes is None:
        first = weights[0] if weights and isinstance(weights[0], np.ndarray) else None
        if first is None or first.ndim != 2:
            raise ValueError("weights must be a list of 2-D float arrays (n_out, n_in), one each")
        sizes = check_sizes([first.shape[1]] + [np.shape(w)[0] for w in weights])
    if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
        raise ValueError(
            f"a network of sizes {sizes} has {len(sizes) - 1} weight matrices and bias vectors"
        )
    for layer, (w, b) in enumerate(zip(weights, biases)):
        shapes = (sizes[layer + 1], sizes[layer]), (sizes[layer + 1],)
        for name, p, shape in [("weights", w, shapes[0]), ("biases", b, shapes[1])]:
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f" or p.shape != shape:
                got = f"{p.dtype} {p.shape}" if isinstance(p, np.ndarray) else type(p).__name__
                raise ValueError(
                    f"net.{name}[{layer}] must be a float array of shape {shape}, got {got}; "
                    f"e.g. net.{name}[{layer}] = np.asarray(..., dtype=float)"
                )
    return sizes


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
