"""The environment check of every notebook's first cell: versions from the package's metadata."""

from importlib import metadata

import pytest

from lectures_lib import environment


def test_the_requirements_are_the_packages_own_without_the_extras():
    names = {r.name for r in environment.requirements()}
    assert "numpy" in names and not names & {"numba", "jupyterlab", "pytest"}
    assert all(r.specifier for r in environment.requirements())  # each with a lower bound


def test_this_environment_has_no_problems():
    assert environment.problems(environment.installed_versions()) == []


def test_a_version_below_the_bound_or_missing_is_named_with_what_to_install():
    versions = environment.installed_versions()
    bounds = {r.name: r.specifier for r in environment.requirements()}
    found = environment.problems(versions | {"numpy": "0.9", "scipy": None}, python=(3, 8))
    assert found == [
        f"Python 3.8 cannot run the series: install a Python "
        f"{metadata.metadata('lectures_lib')['Requires-Python']}",
        f"numpy 0.9 is too old: pip install --upgrade 'numpy{bounds['numpy']}'",
        f"scipy is missing: pip install 'scipy{bounds['scipy']}'",
    ]


def test_check_environment_raises_saying_what_to_fix(monkeypatch, capsys):
    monkeypatch.setattr(metadata, "version", lambda name: "0.1")
    with pytest.raises(RuntimeError, match="numpy 0.1 is too old: pip install --upgrade"):
        environment.check_environment()
