"""A trained digit reader that later notebooks share instead of each training its own.

Derived in ``notebooks/07_debugging_a_network.ipynb`` (the better start) and used
by ``09_segmentation`` and ``11_draw_your_own_digit``.

The reader is trained once and cached in ``data/networks/``: the network (``.npz``, written
by `network_file.save`) and, beside it, a record (``.json``) of what made it — the settings, the
training images — and how many held-out images it read correctly.  Loading checks all of
it, and measures the network again on the held-out images; a cache that is damaged or
stale is trained again, with one line saying why.  Every file goes through
`files.write_atomically` (network files through `network_file.save`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
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
"""A reloaded reader may read this many held-out images more or fewer than its record
says (a different BLAS can round a near tie the other way); more means the cache is wrong."""


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
    """The network at ``path`` if its record says ``made_of`` and the network, measured
    again on the held-out images (1,000: a few milliseconds), reads as many of them as
    the record states (within `SLACK`); else `StaleReader`."""
    record = read_record(path)
    if {key: record.get(key) for key in made_of} != made_of:
        raise StaleReader("was made with other settings or other training images")
    n, stated = len(held_out[1]), record.get("held_out_correct")
    if not isinstance(stated, int) or isinstance(stated, bool) or not 0 <= stated <= n:
        raise StaleReader(
            f"has a damaged record: held_out_correct is {stated!r}, not a whole number of "
            f"images from 0 to {n}"
        )
    try:
        net = network_file.load(path)  # checks the file (shapes, finite weights), never unpickles
    except (OSError, ValueError):
        raise StaleReader("is damaged: it cannot be read as a saved network") from None
    if net.sizes != SETTINGS["sizes"]:
        raise StaleReader(f"has layers {net.sizes}, not {SETTINGS['sizes']}")
    correct = net.evaluate(*held_out)
    if abs(correct - stated) > SLACK:
        raise StaleReader(
            f"reads {correct} of {n} held-out images, but its record says it read {stated}"
        )
    return net


RECORD_BYTES = 10_000
"""A record is a few hundred bytes; a file longer than this is not one."""


def read_record(path) -> dict:
    """The record saved beside the network at ``path``, or `StaleReader`.  Only a regular
    file of at most `RECORD_BYTES` is read (not a device such as /dev/zero)."""
    try:
        with open(record_path(path), "rb", opener=_open_nonblocking) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise StaleReader("has a record that is not a regular file")
            text = f.read(RECORD_BYTES + 1)
    except FileNotFoundError:
        raise StaleReader("has no record of the settings that made it") from None
    except OSError:
        raise StaleReader("has a damaged record of the settings that made it") from None
    try:
        record = json.loads(text) if len(text) <= RECORD_BYTES else None
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise StaleReader("has a damaged record of the settings that made it")
    return record


def _open_nonblocking(name, flags):
    """os.open that does not wait for a writer when ``name`` is a pipe."""
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


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
