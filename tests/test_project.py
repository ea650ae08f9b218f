"""The project keeps its promises: clean notebooks, one set of dependencies, a working lab."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
import requests
from project_tools import tool

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _requirements(extras=None) -> list[str]:
    """pyproject.toml's requirements: the dependencies and the extras (all but the
    instructor's "course", which neither the classroom environment nor the lowest-version
    job installs; or ``extras``), without the extras' references to lectures_lib itself."""
    groups = PYPROJECT["optional-dependencies"]
    listed = [*PYPROJECT["dependencies"]]
    for name in [g for g in groups if g != "course"] if extras is None else extras:
        listed += [r for r in groups[name] if not r.startswith("lectures_lib")]
    return listed


def _lower_bounds(requirements) -> dict[str, str]:
    bounds = {}
    for requirement in requirements:
        match = re.search(r">=\s*([\w.]+)", requirement)
        assert match, f"{requirement!r}: give every requirement a lower bound (>=)"
        bounds[_name(requirement)] = match[1]
    return bounds


def _conda_pins(path: Path) -> dict[str, str]:
    """{package: minor version} of a conda environment file (its pip section included)."""
    pins = {}
    for line in path.read_text().split("dependencies:")[1].splitlines():
        if match := re.match(r"^\s+- ([a-z][\w.-]*)\s*=\s*(\d+\.\d+)$", line):
            pins[_name(match[1])] = match[2]
        elif match := re.match(r"^\s+- ([a-z][\w.-]*)==(\d+\.\d+)\.\*", line):
            pins[_name(match[1])] = match[2]
        elif re.match(r"^\s+- [a-z]", line) and line.strip() not in ("- pip", "- pip:"):
            pytest.fail(f"{path.name}: {line.strip()!r} is not pinned to a minor version")
    return pins


def test_environment_yml_pins_what_pyproject_needs():
    pins = _conda_pins(ROOT / "environment.yml")
    wanted = {_name(r) for r in _requirements() if "python_version" not in r}
    assert set(pins) - {"python"} == wanted
    assert "--editable ." in (ROOT / "environment.yml").read_text()


def test_binder_builds_the_classroom_environment():
    """binder/: the classroom environment (environment.yml without the test tools, same
    pins); postBuild installs the package and fetches MNIST into the image."""
    binder, classroom = (
        _conda_pins(ROOT / "binder" / "environment.yml"),
        _conda_pins(ROOT / "environment.yml"),
    )
    expected = {_name(r) for r in _requirements(["fast", "lab"])} | {"python"}
    assert set(binder) == expected
    assert {name: classroom[name] for name in binder} == binder
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK) and post_build.read_text().startswith("#!")
    commands = [line for line in post_build.read_text().splitlines() if line.startswith("python")]
    assert commands == [
        "python -m pip install --no-cache-dir --no-deps --editable .",
        "python -m lectures_lib data",
    ]


def test_environment_yml_pins_are_the_versions_ci_installs():
    """In CI (CI=true), every pin matches the installed version; elsewhere a mismatch only
    skips (a laptop may have newer versions than CI tested)."""
    if os.environ.get("LECTURES_CI_JOB") == "lowest":
        pytest.skip("the lowest-version job checks the lower bounds instead")
    wrong = []
    for name, pin in _conda_pins(ROOT / "environment.yml").items():
        if name == "python":
            have = "{}.{}".format(*sys.version_info[:2])
        else:
            try:
                have = metadata.version(name)
            except metadata.PackageNotFoundError:
                have = "not installed"
        if have != pin and not have.startswith(pin + "."):
            wrong.append(f"{name}: environment.yml pins {pin}, CI has {have}")
    if wrong and os.environ.get("CI") != "true":
        pytest.skip("this environment is not the one CI tests: " + "; ".join(wrong))
    assert not wrong, "update environment.yml and binder/environment.yml:\n" + "\n".join(wrong)


LOWEST = ROOT / ".ci" / "lowest-constraints.txt"


def _constraints(caps: bool = False) -> dict[str, str]:
    """{package: version} pinned with == in .ci/lowest-constraints.txt (or, with ``caps``,
    {package: line} of the transitive caps)."""
    pins = {}
    for line in LOWEST.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if "==" in line and not caps:
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
        elif "==" not in line and caps:
            pins[_name(line)] = line
    return pins


def test_lowest_constraints_are_pyprojects_lower_bounds():
    """.ci/lowest-constraints.txt pins every requirement to exactly its lower bound (a bound
    "1.24" is the release 1.24.0); it caps other packages only with a reason."""
    bounds = _lower_bounds(_requirements())
    constraints = _constraints()
    assert set(constraints) == set(bounds)
    for name, line in _constraints(caps=True).items():
        assert name not in bounds and re.search(r"<[\d.]+\s+# \w", line), line
    for name, bound in bounds.items():
        assert constraints[name] in (bound, bound + ".0"), (name, bound, constraints[name])


def test_the_lowest_job_runs_the_lowest_versions():
    if os.environ.get("LECTURES_CI_JOB") != "lowest":
        pytest.skip("only in the lowest-version job (.ci/lowest)")
    assert sys.version_info[:2] == (3, 10) or os.environ.get("CI") != "true"
    for name, version in _constraints().items():
        try:
            assert metadata.version(name) == version, name
        except metadata.PackageNotFoundError:
            assert name in {"ruff", "nbstripout", "playwright"}, f"{name} is not installed"


def test_one_version_string():
    import lectures_lib

    assert PYPROJECT["dynamic"] == ["version"] and "version" not in PYPROJECT
    assert metadata.version("lectures_lib") == lectures_lib.__version__
    others = [p for p in ROOT.glob("*.yml") if lectures_lib.__version__ in p.read_text()]
    assert others == []


def test_check_environment_names_the_optional_extra():
    from lectures_lib import environment

    assert set(environment.OPTIONAL) == {
        _name(r) for r in PYPROJECT["optional-dependencies"]["fast"]
    }


def test_the_library_needs_no_jupyterlab():
    """A `pip install` into Colab or a hub's kernel brings what the notebooks import only."""
    runtime = {_name(r) for r in PYPROJECT["dependencies"]}
    assert not runtime & {"jupyterlab", "notebook", "voila", "pytest", "nbval", "playwright"}
    imported = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                imported |= set(re.findall(r"^\s*(?:from|import) (\w+)", source, re.M))
    distributions = {"sklearn": "scikit-learn", "lectures_lib": None, "google": None}
    needed = {distributions.get(m, m) for m in imported if m not in sys.stdlib_module_names}
    assert needed - {None} <= runtime


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
    """Each notebook becomes a reveal.js deck (tools/build_slides.py; here without outputs):
    a section per heading, no navigation, no setup cell, nothing loaded from outside.
    tests/test_decks.py walks the real decks in Chromium."""
    import nbformat

    build_slides = tool("build_slides")
    nb = nbformat.read(path, as_version=4)
    html, _ = build_slides.exporter().from_notebook_node(build_slides.for_slides(nb))
    headings = sum(c.metadata["slideshow"]["slide_type"] == "slide" for c in nb.cells)
    assert headings >= 2
    assert html.count("<section") >= headings
    assert "Reveal.initialize" in html
    assert "[Contents]" not in html and "check_environment()" not in html
    loaded = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert loaded and not [url for url in loaded if "://" in url], "a deck loads from outside"


def test_start_here_links_every_notebook():
    text = (ROOT / "notebooks" / "00_start_here.ipynb").read_text()
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"]({path.name})" in text, f"00_start_here does not link {path.name}"
        assert path.stem in readme, f"README's table misses {path.name}"


def _tidy_tool():
    return tool("tidy_notebooks")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_starts_with_the_setup_cell_and_launch_links(path):
    """The first code cell is the generated setup cell (Colab install, then the environment
    check); the first cell links this notebook in Colab and on Binder, for the repository
    set in pyproject.toml (`make publish`), and, until one is set, links nowhere."""
    tidy = _tidy_tool()
    repo = tidy.repository()
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == tidy.setup_source(repo), "run make clean-notebooks"
    top = "".join(cells[0]["source"])
    if not tidy.published(repo):  # no dead links: none at all, and a word in 00 only
        assert "colab.research.google.com" not in top and "mybinder.org" not in top
        assert (tidy.UNPUBLISHED_NOTE in top) == path.name.startswith("00_")
        return
    owner, name, branch = repo
    colab = f"colab.research.google.com/github/{owner}/{name}/blob/{branch}/notebooks/{path.name}"
    binder = f"mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=lab/tree/notebooks/{path.name}"
    assert f"[Open in Colab](https://{colab})" in top
    assert f"[Launch Binder](https://{binder})" in top


def test_readme_gives_the_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_make_lab_serves_the_project_and_says_once_that_mnist_is_missing(tmp_path):
    """`make lab` as it runs, headless, with no way to get MNIST (a mirror that refuses
    connections, an empty cache): it says so once, with the advice and no traceback, and
    opens JupyterLab anyway, with the project as its root and 00_start_here open."""
    from servers import free_port, make_command, running

    from lectures_lib.data import advice

    port = free_port()
    command, env = make_command("lab", PORT=port)
    assert command[1:4] == ["-m", "lectures_lib", "lab"] and f"--port={port}" in command, command
    command += ["--no-browser"]
    with socket.socket() as s:  # a port where nothing listens: connections are refused
        s.bind(("127.0.0.1", 0))
        refusing = f"http://127.0.0.1:{s.getsockname()[1]}/"
    cache = tmp_path / "empty-cache"
    env = {"LECTURES_MNIST_MIRROR": refusing, "LECTURES_DATA_DIR": str(cache)}
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    with running(command, f"{base}/login", tmp_path, env=env) as entry:
        # the token as the user reads it: in the URL the terminal shows (issue 20.14: one
        # that opens 00_start_here)
        url = re.escape(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token=")
        deadline = time.monotonic() + 30
        while not (shown := re.search(rf"{url}(\w+)", log_path.read_text())):
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        token = shown.group(1)
        headers = {"Authorization": f"token {token}"}
        listing = requests.get(f"{base}/api/contents", headers=headers, timeout=10)
        names = {item["name"] for item in listing.json()["content"]}
        assert {"notebooks", "solutions", "README.md", "lectures_lib"} <= names
        notebook = requests.get(
            f"{base}/api/contents/notebooks/00_start_here.ipynb", headers=headers, timeout=10
        ).json()
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]
        page = requests.get(
            f"{base}/lab/tree/notebooks/00_start_here.ipynb", headers=headers, timeout=10
        )
        assert page.ok and "JupyterLab" in page.text
        assert requests.get(f"{base}/api/contents", timeout=10).status_code == 403
        [opened] = (tmp_path / "runtime").glob("jpserver-file-to-run-*-open.html")
        assert f"{base}/lab/tree/notebooks/00_start_here.ipynb" in opened.read_text()
        # issue 20.16: SIGTERM to the entry point alone reaches JupyterLab, and the entry
        # point waits for it to end
        entry.send_signal(signal.SIGTERM)
        entry.wait(timeout=60)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{base}/api/status", timeout=5)
    log = (tmp_path / "server.log").read_text()
    # issue 20.14: the URL printed opens 00_start_here, with the token; no deprecation warning
    printed = set(re.findall(r"http://127\.0\.0\.1:\d+/\S*token=\S+", log))
    assert printed == {f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={token}"}, printed
    # at the lowest versions (jupyterlab 4.0), a server extension still reads ServerApp.token
    if os.environ.get("LECTURES_CI_JOB") != "lowest":
        assert "deprecated" not in log.lower(), log
    assert log.count("MNIST could not be fetched") == 1 and advice(cache) in log
    assert "Traceback" not in log and "token" in log
    assert not cache.exists() or not any(cache.iterdir())


def test_make_lab_without_a_package_index_removes_the_half_built_environment(tmp_path):
    """Issue 20.13: `make lab` on a fresh copy of the project, with pip pointed at an index
    that refuses connections (no network): no minute of retries, no half-built .venv left
    to be taken as ready next time, and a few lines saying what to do instead."""
    copy = tmp_path / "project"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env.update(
        PIP_INDEX_URL="http://127.0.0.1:9/simple",  # nothing listens on port 9: refused
        PIP_CONFIG_FILE=os.devnull,  # no pip.conf of this machine (a local mirror, say)
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    start = time.monotonic()
    result = subprocess.run(
        ["make", "lab", f"PYTHON={sys.executable}"], cwd=copy, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    took, said = time.monotonic() - start, result.stdout + result.stderr
    assert result.returncode != 0, said
    assert not (copy / ".venv").exists(), "a half-built .venv was left"
    assert "the half-built .venv was removed" in said and "connect to the internet once" in said
    assert (copy / "build" / "pip-install.log").is_file()
    assert "PIP_FIND_LINKS" in said and "environment.yml" in said and "README.md" in said
    assert said.count("Retrying") <= 4, said
    print(f"make lab without an index gave up in {took:.0f} s")
    assert took < 120, f"{took:.0f} s:\n{said}"


def test_slides_show_no_kernel_transport_warning(tmp_path):
    """Issue 20.17: `python -m lectures_lib slides` (here on one small notebook, executed
    for its deck in a fresh kernel) writes the deck, and the kernel's "running over TCP
    without encryption" notice (its ports are on 127.0.0.1) does not reach the terminal."""
    import nbformat

    name = f"slides_check_{os.getpid()}"
    notebook = tmp_path / f"{name}.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell("# A deck"), nbformat.v4.new_code_cell("6 * 7")],
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        ),
        notebook,
    )
    made = [
        ROOT / "build" / "executed" / notebook.name,
        ROOT / "build" / "slides" / f"{name}.slides.html",
    ]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lectures_lib", "slides", str(notebook)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"executing {notebook.name}" in result.stdout and made[1].is_file()
        assert "without encryption" not in result.stderr + result.stdout, result.stderr
    finally:
        for path in made:
            path.unlink(missing_ok=True)


def test_data_dry_run_says_what_it_would_do_and_does_nothing(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "LECTURES_DATA_DIR": str(cache), "LECTURES_MNIST_MIRROR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "lectures_lib", "data", "--dry-run"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    said = result.stdout
    assert said.startswith("would fetch the four MNIST files") and str(cache) in said
    assert str(tmp_path) in said and "numba" in said
    assert not cache.exists()
