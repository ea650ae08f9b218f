"""The first cell of every notebook: are Python and the libraries new enough?

Each notebook's generated setup cell ends with ``check_environment()``; it prints the
versions found and where MNIST is cached and, when a library is too old or missing,
raises an error that says what to install.
"""

from __future__ import annotations

import sys
from importlib import metadata

MINIMUM = {
    "numpy": "1.24",
    "scipy": "1.10",
    "matplotlib": "3.7",
    "ipywidgets": "8.0.5",
    "ipycanvas": "0.13",
    "scikit-learn": "1.3",
    "sympy": "1.12",
    "pooch": "1.7",
    "tqdm": "4.60",
    "threadpoolctl": "3.5",
}
"""The oldest versions the notebooks are tested with: pyproject.toml's dependencies (a test
keeps the two equal; CI runs the notebooks with exactly these on Python 3.10)."""

OPTIONAL = {"numba": "trains about twice as fast (pip install numba)"}
"""Libraries the notebooks use when present."""

PYTHON = (3, 10)


def _as_tuple(version: str) -> tuple:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def problems(versions: dict, python=sys.version_info[:2]) -> list[str]:
    """What is wrong, in words, given {package: installed version or None}."""
    found = []
    if tuple(python) < PYTHON:
        found.append(
            f"Python {'.'.join(map(str, python))} is too old: install Python "
            f"{'.'.join(map(str, PYTHON))} or newer"
        )
    for name, minimum in MINIMUM.items():
        have = versions.get(name)
        if have is None:
            found.append(f"{name} is missing: pip install '{name}>={minimum}'")
        elif _as_tuple(have) < _as_tuple(minimum):
            found.append(f"{name} {have} is too old: pip install --upgrade '{name}>={minimum}'")
    return found


def installed_versions(names=None) -> dict:
    """{package: version} for ``names`` (default: `MINIMUM`); None where it is missing."""
    versions = {}
    for name in MINIMUM if names is None else names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def check_environment() -> None:
    """Print Python's, the libraries' and lectures_lib's versions and the MNIST cache;
    raise RuntimeError saying what to fix."""
    from lectures_lib import __version__
    from lectures_lib.data import default_data_dir

    versions = installed_versions()
    print(f"Python {sys.version.split()[0]}, " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    for name, gain in OPTIONAL.items():
        have = installed_versions([name])[name]
        print(f"{name} {have}" if have else f"{name} not installed (optional: {gain})")
    print(f"lectures_lib {__version__}; MNIST is cached in {default_data_dir()}")
    found = problems(versions)
    if found:
        raise RuntimeError(
            "This environment cannot run the series:\n  - "
            + "\n  - ".join(found)
            + "\nThe simplest fix: `make lab` in the project's folder (on Windows: "
            "README.md, section Windows)."
        )
