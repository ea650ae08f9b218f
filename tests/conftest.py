"""Shared fixtures: the real MNIST, read through the project's mirror setting."""

import os
from pathlib import Path

import pytest

from lectures_lib.data import load_mnist

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "mnist"


@pytest.fixture(scope="session")
def mnist_mirror() -> str:
    """The local mirror of the four original files: $LECTURES_MNIST_MIRROR or ../shared/mnist."""
    mirror = os.environ.get("LECTURES_MNIST_MIRROR") or str(SHARED_MNIST)
    if "://" not in mirror and not Path(mirror, "train-images-idx3-ubyte.gz").exists():
        pytest.fail(f"no MNIST mirror at {mirror}: set LECTURES_MNIST_MIRROR to a folder or URL")
    return mirror


@pytest.fixture(scope="session")
def mnist(mnist_mirror):
    """(training, validation, test) of the real MNIST, cached in the project's data/."""
    return load_mnist(mirror=mnist_mirror, progressbar=False)
