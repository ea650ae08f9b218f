"""A trained digit reader that later notebooks share instead of each training its own.

Derived in ``notebooks/06_learning_rate_and_debugging.ipynb`` (the better start) and used by
``08_segmentation`` and ``09_draw_your_own_digit``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lectures_lib.data import default_data_dir
from lectures_lib.network import Network

READER_FILE = "mnist_784_100_10_scaled.npz"


def train_reader(training, epochs: int = 10, seed: int = 1) -> Network:
    """[784, 100, 10] with weights drawn from N(0, 1/n_in), 10 epochs, m = 10, eta = 3.0.

    training: (images (n, 784), labels (n,)).  About 97.5% on the MNIST test set.
    """
    rng = np.random.default_rng(seed)
    net = Network([784, 100, 10], rng=rng)
    net.weights = [w / np.sqrt(w.shape[1]) for w in net.weights]  # the start of notebook 06
    net.SGD(training, epochs, 10, 3.0, rng=rng)
    return net


def digit_reader(training, path=None) -> Network:
    """The network saved at ``path`` (data/networks/ by default), trained and saved if absent."""
    path = Path(path) if path is not None else default_data_dir() / "networks" / READER_FILE
    if path.exists():
        return Network.load(path)
    net = train_reader(training)
    net.save(path)
    return net
