"""The first cell of every notebook: are Python and the libraries new enough?

Each notebook starts with ``check_environment()``; it prints the versions found and,
when one is too old or missing, raises an error that says what to install.
"""

from __future__ import annotations

import sys
from importlib import metadata

MINIMUM = {
    "numpy": "1.24",
    "scipy": "1.10",
    "matplotlib": "3.7",
    "ipywidgets": "8.0",
    "pooch": "1.7",
    "tqdm": "4.60",
}
"""The oldest versions the notebooks are known to work with (as in pyproject.toml)."""

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


def installed_versions() -> dict:
    """{package: version} for every package in `MINIMUM`; None where it is missing."""
    versions = {}
    for name in MINIMUM:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def check_environment() -> None:
    """Print Python's and the libraries' versions; raise RuntimeError saying what to fix."""
    versions = installed_versions()
    print(f"Python {sys.version.split()[0]}, " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    found = problems(versions)
    if found:
        raise RuntimeError(
            "This environment cannot run the series:\n  - "
            + "\n  - ".join(found)
            + "\nThe simplest fix: `make lab` from the project's folder (see README.md)."
        )
