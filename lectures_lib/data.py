"""MNIST: download, verify, cache and parse the four original IDX files.

Derived in ``notebooks/00_start_here.ipynb`` and ``04_mnist_data_and_baselines.ipynb``.

The files are fetched from public mirrors (tried in order), checked against their
SHA-256 checksums and cached in ``data/`` of the project (or ``$LECTURES_DATA_DIR``,
or the ``data_dir`` argument).  A mirror can be a base URL or a local folder; set it
with ``$LECTURES_MNIST_MIRROR`` or the ``mirror`` argument.  Downloads go to a
temporary file that is moved into the cache only once its checksum matches, so a
failed, partial or corrupted download never stays in the cache.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import struct
from pathlib import Path
from typing import NamedTuple

import numpy as np

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Public mirrors of the original files, tried in this order."""

MIRROR_ENV = "LECTURES_MNIST_MIRROR"
DATA_DIR_ENV = "LECTURES_DATA_DIR"

SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
"""SHA-256 of each original ``.gz`` file (the MD5s published with MNIST agree)."""

N_TRAINING = 50_000
"""The lecture keeps the first 50,000 training images for training, the rest for validation."""


class Dataset(NamedTuple):
    """Images of shape (n, 784), float64 in [0, 1], and labels of shape (n,), integers 0-9."""

    images: np.ndarray
    labels: np.ndarray


class MNISTDownloadError(OSError):
    """No mirror delivered a file with the right checksum."""


class MNISTFormatError(ValueError):
    """A file is not a valid MNIST IDX file (wrong magic number, truncated, corrupted)."""


def default_data_dir() -> Path:
    """``$LECTURES_DATA_DIR`` if set, else ``data/`` of the project checkout."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").exists():
        return project / "data"
    return Path.home() / ".cache" / "lectures_lib"


def mirrors(mirror: str | os.PathLike | None = None) -> list[str]:
    """The mirrors to try, in order: ``mirror``, else ``$LECTURES_MNIST_MIRROR``, else `MIRRORS`."""
    chosen = mirror if mirror is not None else os.environ.get(MIRROR_ENV)
    if chosen:
        return [os.fspath(chosen)]
    return list(MIRRORS)


def _copy_local(source: str, output_file, pooch) -> None:
    """A pooch downloader that copies from a local folder instead of the network."""
    with open(source, "rb") as src:
        if isinstance(output_file, str):
            with open(output_file, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            shutil.copyfileobj(src, output_file)


def fetch(name: str, data_dir=None, mirror=None, progressbar: bool = True) -> Path:
    """Path of the verified file ``name`` in the cache, downloading it if needed.

    Each mirror is tried in turn; a file whose SHA-256 does not match is discarded.
    Raises `MNISTDownloadError` naming every mirror tried when none succeeds.
    """
    import pooch

    if name not in SHA256:
        raise ValueError(f"unknown MNIST file {name!r}; expected one of {sorted(SHA256)}")
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    pooch.get_logger().setLevel(logging.WARNING)
    failures = []
    for base in mirrors(mirror):
        is_url = "://" in base
        source = base.rstrip("/") + "/" + name if is_url else os.path.join(base, name)
        if not is_url and not os.path.exists(source):
            failures.append(f"  {source}: no such file")
            continue
        try:
            path = pooch.retrieve(
                source,
                known_hash=f"sha256:{SHA256[name]}",
                fname=name,
                path=data_dir,
                downloader=None if is_url else _copy_local,
                progressbar=progressbar and is_url,
            )
            return Path(path)
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            failures.append(f"  {source}: {reason}")
    raise MNISTDownloadError(
        f"could not get a verified copy of {name}. Tried:\n"
        + "\n".join(failures)
        + f"\nCheck your network, or point ${MIRROR_ENV} (or the mirror argument) at a "
        "base URL or a folder that holds the original MNIST .gz files."
    )


def read_idx(path) -> np.ndarray:
    """Parse a gzipped IDX file of MNIST images (n, 28, 28) or labels (n,), as uint8."""
    path = Path(path)
    advice = f"Delete {path} and run again, or check the mirror it came from."
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist; load_mnist() downloads it.") from None
    except (OSError, EOFError) as error:
        raise MNISTFormatError(f"{path} is not a valid gzip file ({error}). {advice}") from None
    if len(raw) < 8:
        raise MNISTFormatError(f"{path} is too short to be an IDX file. {advice}")
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 2049:
        shape, offset = (n,), 8
    elif magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        shape, offset = (n, rows, cols), 16
    else:
        raise MNISTFormatError(
            f"{path} has magic number {magic}, expected 2049 (labels) or 2051 (images). {advice}"
        )
    expected = offset + int(np.prod(shape))
    if len(raw) != expected:
        raise MNISTFormatError(
            f"{path} holds {len(raw)} bytes but its header announces {expected}. {advice}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape)


def _read_pair(images_file: Path, labels_file: Path) -> Dataset:
    images = read_idx(images_file)
    labels = read_idx(labels_file)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.ndim != 1:
        raise MNISTFormatError(f"{images_file} and {labels_file} are not MNIST images and labels.")
    if len(images) != len(labels):
        raise MNISTFormatError(
            f"{images_file} has {len(images)} images but {labels_file} has {len(labels)} labels."
        )
    if labels.max() > 9:
        raise MNISTFormatError(f"{labels_file} holds a label above 9.")
    flat = images.reshape(len(images), 784) / 255.0
    return Dataset(flat, labels.astype(np.int64))


def load_mnist(data_dir=None, mirror=None, progressbar: bool = True):
    """The lecture's three MNIST sets: ``(training, validation, test)``.

    training: the first 50,000 training images; validation: the last 10,000;
    test: the 10,000 test images.  Each is a `Dataset` of images (n, 784), float64
    in [0, 1], and labels (n,), int64 in 0-9.  Files are downloaded on first use.
    """
    paths = {name: fetch(name, data_dir, mirror, progressbar) for name in SHA256}
    train = _read_pair(paths["train-images-idx3-ubyte.gz"], paths["train-labels-idx1-ubyte.gz"])
    test = _read_pair(paths["t10k-images-idx3-ubyte.gz"], paths["t10k-labels-idx1-ubyte.gz"])
    training = Dataset(train.images[:N_TRAINING], train.labels[:N_TRAINING])
    validation = Dataset(train.images[N_TRAINING:], train.labels[N_TRAINING:])
    return training, validation, test


def one_hot(labels, n_classes: int = 10) -> np.ndarray:
    """One-hot targets: labels (n,) of integers in [0, n_classes) -> array (n, n_classes).

    ``one_hot([6])`` is ``[[0, 0, 0, 0, 0, 0, 1, 0, 0, 0]]``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be a 1-D array of integers, got shape {labels.shape} "
            f"and dtype {labels.dtype}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1}, got values from "
            f"{labels.min()} to {labels.max()}"
        )
    return np.eye(n_classes)[labels]


def main() -> None:
    """``python -m lectures_lib.data``: download and verify MNIST into the cache."""
    training, validation, test = load_mnist()
    print(
        f"MNIST ready in {default_data_dir()}: {len(training.images)} training, "
        f"{len(validation.images)} validation, {len(test.images)} test images."
    )


if __name__ == "__main__":
    main()
