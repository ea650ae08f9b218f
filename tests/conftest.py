"""Shared fixtures: the real MNIST, from the cache or through the project's mirror setting.

Where MNIST comes from, first match wins: ``$LECTURES_MNIST_MIRROR`` (CI sets it to the
local mirror in ``../shared/mnist``); else ``../shared/mnist`` beside the project, if it
is there; else the verified files already in the cache (``data/`` after ``make lab``),
downloading from the public mirrors only what is missing. So a fresh clone whose
``data/`` holds the four files runs every test without a mirror and without a network.
"""

import os
from pathlib import Path

import pytest

from lectures_lib.data import MIRROR_ENV, SHA256, MNISTDownloadError, default_data_dir, load_mnist

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "mnist"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "main_job: a slow test whose result does not depend on the package versions; "
        "skipped by CI's lowest-version job (.ci/lowest, LECTURES_CI_JOB=lowest)",
    )


def pytest_collection_modifyitems(config, items):
    if os.environ.get("LECTURES_CI_JOB") == "lowest":
        skip = pytest.mark.skip(reason="main job only (see the main_job marker)")
        for item in items:
            if "main_job" in item.keywords:
                item.add_marker(skip)


def _mirror() -> str | None:
    """The mirror the tests use (None: the cache, then the public mirrors)."""
    if os.environ.get(MIRROR_ENV, "").strip():
        return os.environ[MIRROR_ENV].strip()
    if all((SHARED_MNIST / name).is_file() for name in SHA256):
        return str(SHARED_MNIST)
    return None


@pytest.fixture(scope="session")
def mnist():
    """(training, validation, test) of the real MNIST, cached in the project's data/."""
    try:
        return load_mnist(mirror=_mirror(), progressbar=False)
    except MNISTDownloadError as error:
        pytest.fail(f"these tests need MNIST. {error}", pytrace=False)


@pytest.fixture(scope="session")
def mnist_files(mnist) -> Path:
    """A folder holding the four verified original .gz files (the cache, once loaded)."""
    return default_data_dir()
