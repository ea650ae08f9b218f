"""The first cell of every notebook: are Python and the libraries new enough?

Each notebook's generated setup cell ends with ``check_environment()``; it prints the
versions found and where MNIST is cached and, when a library is too old or missing,
raises an error that says what to install.  The versions needed are read from the
package's metadata (pyproject.toml's dependencies, as pip installed them), not typed again.
"""

from __future__ import annotations

import sys
from importlib import metadata

# packaging (pip's own parser of requirements and versions) reads pyproject's bounds as
# pip does; only the wording of what to install is this module's own.
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

OPTIONAL = {"numba": "trains about twice as fast (pip install numba)"}
"""Libraries the notebooks use when present."""


def requirements() -> list[Requirement]:
    """What lectures_lib needs to run, read from its installed package metadata (which
    pip builds from pyproject.toml's dependencies): the extras' tools are left out."""
    return [
        requirement
        for requirement in map(Requirement, metadata.requires("lectures_lib") or [])
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""})
    ]


def problems(versions: dict, python=sys.version_info[:2], needs=None) -> list[str]:
    """What is wrong, in words, given {package: installed version or None}, the Python
    version and the requirements (default: `requirements()`)."""
    needs = requirements() if needs is None else needs
    found = []
    python_needed = SpecifierSet(metadata.metadata("lectures_lib")["Requires-Python"] or "")
    if not python_needed.contains(".".join(map(str, python))):
        found.append(
            f"Python {'.'.join(map(str, python))} cannot run the series: install a Python "
            f"{python_needed}"
        )
    for requirement in needs:
        have = versions.get(requirement.name)
        wanted = f"'{requirement.name}{requirement.specifier}'"
        if have is None:
            found.append(f"{requirement.name} is missing: pip install {wanted}")
        elif not requirement.specifier.contains(have, prereleases=True):
            found.append(f"{requirement.name} {have} is too old: pip install --upgrade {wanted}")
    return found


def installed_versions(names=None) -> dict:
    """{package: version} for ``names`` (default: those `requirements()` names); None
    where it is missing."""
    versions = {}
    for name in [r.name for r in requirements()] if names is None else names:
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

    try:
        versions = installed_versions()
    except metadata.PackageNotFoundError:  # imported from a folder, never pip-installed
        print("lectures_lib is not installed (pip install -e .): versions not checked")
        return
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
