"""The project keeps its promises: clean notebooks, one set of dependencies, a working lab."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_need_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {
            _name(r)
            for r in extra
            if not r.startswith("lectures_lib") and "python_version" not in r
        }
    text = (ROOT / "environment.yml").read_text()
    dependencies = text.split("dependencies:")[1].splitlines()
    pins = [line for line in dependencies if re.match(r"^  - [a-z]", line) and "pip" not in line]
    pip_pins = [line for line in dependencies if re.match(r"^      - [a-z]", line)]
    conda = {_name(line.strip()[2:]) for line in pins + pip_pins}
    assert conda - {"python"} == wanted
    assert all(re.search(r"==\d+\.\d+\.\*", line) for line in pip_pins)
    assert all(re.search(r"=\d+\.\d+$", line) for line in pins), (
        "pin every package to a minor version"
    )
    assert "--editable ." in (ROOT / "environment.yml").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_are_clean(path):
    nb = json.loads(path.read_text())
    assert "widgets" not in nb["metadata"], "saved widget state: run `make clean-notebooks`"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, (
                "outputs saved in the notebook: run `make clean-notebooks`"
            )


def test_navigation_and_slide_types_are_up_to_date():
    result = subprocess.run(
        [sys.executable, "tools/tidy_notebooks.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slide_decks_build(path):
    """Each notebook becomes a reveal.js deck: one section per heading, no navigation."""
    import nbformat
    from nbconvert import SlidesExporter

    nb = nbformat.read(path, as_version=4)
    html, _ = SlidesExporter().from_notebook_node(nb)
    headings = sum(c.metadata["slideshow"]["slide_type"] == "slide" for c in nb.cells)
    assert headings >= 2
    assert html.count("<section") >= headings
    assert "Reveal.initialize" in html
    assert "[Contents]" not in html and "check_environment()" not in html


def test_start_here_links_every_notebook():
    text = (ROOT / "notebooks" / "00_start_here.ipynb").read_text()
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"]({path.name})" in text, f"00_start_here does not link {path.name}"
        assert path.stem in readme, f"README's table misses {path.name}"


def test_every_notebook_starts_by_checking_the_environment():
    for path in NOTEBOOKS:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert "check_environment()" in "".join(cells[0]["source"]), path.name


def test_readme_gives_the_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_jupyterlab_serves_the_notebooks(tmp_path):
    """Start JupyterLab as `make lab` does, headless, and ask its REST API for notebooks/."""
    from servers import free_port, make_command, running

    port, token = free_port(), "test-token"
    command, env = make_command("lab", PORT=port)
    assert command[0].endswith("jupyter") and command[1] == "lab" and not env, command
    command += ["--no-browser", f"--IdentityProvider.token={token}"]
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    with running(command, f"{base}/api/status", tmp_path, headers):
        # opened on notebooks/00_start_here.ipynb, the server's root is notebooks/
        listing = requests.get(f"{base}/api/contents", headers=headers, timeout=10)
        names = {item["name"] for item in listing.json()["content"]}
        assert {p.name for p in NOTEBOOKS} <= names
        notebook = requests.get(
            f"{base}/api/contents/00_start_here.ipynb", headers=headers, timeout=10
        ).json()
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]
        page = requests.get(f"{base}/lab/tree/00_start_here.ipynb", headers=headers, timeout=10)
        assert page.ok and "JupyterLab" in page.text
        assert requests.get(f"{base}/api/contents", timeout=10).status_code == 403
