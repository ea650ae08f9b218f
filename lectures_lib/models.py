"""A trained digit reader that later notebooks share instead of each training its own.

Derived in ``notebooks/07_debugging_a_network.ipynb`` (the better start) and used
by ``09_segmentation`` and ``11_draw_your_own_digit``.

The reader is trained once and cached in ``data/networks/``: the network (``.npz``, written
by `network_file.save`) and, beside it, a record (``.json``) of what made it — the settings, the
training images — and how many held-out images it read correctly.  Loading checks all of
it; a cache that is damaged or stale is trained again, with one line saying why.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from lectures_lib import network_file
from lectures_lib.data import default_data_dir
from lectures_lib.files import write_atomically
from lectures_lib.network import Network
from lectures_lib.runs import sgd

READER_FILE = "mnist_784_100_10_scaled.npz"

SETTINGS = {"sizes": [784, 100, 10], "init": "scaled", "epochs": 10, "m": 10, "eta": 3.0, "seed": 1}
"""How the reader is made: notebook 07's better start, 10 epochs of SGD, m = 10, eta = 3.0."""

HELD_OUT = 1000
"""The last 1,000 training images are kept out of training, to check a cached reader on."""

SLACK = 2
"""A reloaded reader may read this many held-out images fewer than it did when saved (a
different BLAS can round a near tie the other way); more means the cache is wrong."""


class StaleReader(Exception):
    """The cached reader cannot be used; the message says why."""


def train_reader(training, epochs=None, seed=None) -> Network:
    """A [784, 100, 10] `Network` trained on ``training`` = (images (n, 784), labels (n,)),
    as `SETTINGS` says unless ``epochs`` or ``seed`` is given."""
    rng = np.random.default_rng(SETTINGS["seed"] if seed is None else seed)
    net = Network(SETTINGS["sizes"], rng=rng, init=SETTINGS["init"])
    epochs = SETTINGS["epochs"] if epochs is None else epochs
    sgd(net, training, epochs, SETTINGS["m"], SETTINGS["eta"], rng=rng)
    return net


def digit_reader(training, path=None) -> Network:
    """The reader cached at ``path`` (data/networks/ by default), trained and cached first
    if it is absent, damaged or stale.

    training: (images (n, 784), labels (n,)), e.g. MNIST's training set; the last
    `HELD_OUT` images (a fifth, for fewer than 5,000) are held out to check the cache.
    """
    path = Path(path) if path is not None else default_data_dir() / "networks" / READER_FILE
    learn, held_out = split_held_out(training)
    made_of = {"settings": SETTINGS, "training": fingerprint(learn)}
    if path.exists():
        try:
            return load_reader(path, made_of, held_out)
        except StaleReader as why:
            print(f"The saved reader {path} {why}: training a new one.")
    net = train_reader(learn)
    record = made_of | {"held_out_correct": net.evaluate(*held_out)}
    try:
        network_file.save(net, path)
        write_atomically(record_path(path), json.dumps(record))
    except OSError as error:  # e.g. a class's read-only data folder: use it unsaved
        print(f"Could not save the reader to {path} ({error}); it is trained anew each time.")
    return net


def load_reader(path, made_of: dict, held_out) -> Network:
    """The network at ``path`` if its record says ``made_of`` and it still reads the
    held-out images as well as it did; else `StaleReader`."""
    record = read_record(path)
    if {key: record.get(key) for key in made_of} != made_of:
        raise StaleReader("was made with other settings or other training images")
    try:
        net = network_file.load(path)  # checks the file (shapes, finite weights), never unpickles
    except (OSError, ValueError):
        raise StaleReader("is damaged: it cannot be read as a saved network") from None
    if net.sizes != SETTINGS["sizes"]:
        raise StaleReader(f"has layers {net.sizes}, not {SETTINGS['sizes']}")
    correct, stated = net.evaluate(*held_out), record.get("held_out_correct")
    if not isinstance(stated, int) or correct < stated - SLACK:
        raise StaleReader(f"reads {correct} of {len(held_out[1])} held-out images, not {stated}")
    return net


def read_record(path) -> dict:
    """The record saved beside the network at ``path``, or `StaleReader`."""
    try:
        record = json.loads(record_path(path).read_text())
    except FileNotFoundError:
        raise StaleReader("has no record of the settings that made it") from None
    except (OSError, ValueError):
        raise StaleReader("has a damaged record of the settings that made it") from None
    if not isinstance(record, dict):
        raise StaleReader("has a damaged record of the settings that made it")
    return record


def record_path(path) -> Path:
    """Where the record of the network at ``path`` is kept: beside it, ending in .json."""
    return Path(path).with_suffix(".json")


def split_held_out(training):
    """((images, labels) to learn from, (images, labels) held out): the last `HELD_OUT`."""
    images, labels = training
    n = min(HELD_OUT, len(labels) // 5)
    if n < 1:
        raise ValueError(f"a reader needs at least 5 training images, got {len(labels)}")
    return (images[:-n], labels[:-n]), (images[-n:], labels[-n:])


def fingerprint(training) -> dict:
    """How many images, and a hash of their bytes and labels: what the reader learnt from."""
    digest = hashlib.blake2b(digest_size=16)
    for array in training:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.data)
    return {"images": len(training[1]), "blake2b": digest.hexdigest()}
