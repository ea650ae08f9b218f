"""Wherever students open the series: a bare kernel, a (simulated) Colab, a fresh clone, a
machine without make or without POSIX.

The kernels are real IPython kernels run by jupyter_client, in throw-away virtual
environments that see this environment's packages but not lectures_lib; Colab is
simulated by a fake ``google.colab`` module imported when the kernel starts, and the
repository's archive by a zip of this working tree served from a file:// URL.
"""

from __future__ import annotations

import ast
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from lectures_lib import __version__
from lectures_lib.data import SHA256

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import tidy_notebooks  # noqa: E402

sys.path.pop(0)

HIDDEN = ("lectures_lib", "__editable__", "_lectures_lib")


# --- a kernel without lectures_lib ------------------------------------------------------------


def bare_python(folder: Path) -> Path:
    """A virtual environment that sees this environment's packages (pip, ipykernel, numpy, …)
    through a folder of links, all but lectures_lib; returns its python."""
    venv.EnvBuilder(with_pip=False).create(folder / "venv")
    shared = folder / "shared"
    shared.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(HIDDEN) and entry.suffix != ".pth":
            (shared / entry.name).symlink_to(entry)
    bin_dir = "Scripts" if os.name == "nt" else "bin"
    python = folder / "venv" / bin_dir / Path(sys.executable).name
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "zz_shared.pth").write_text(str(shared) + "\n")
    return python


def run_cells(python: Path, cells: list[str], cwd: Path, env: dict, preamble: str = "") -> list:
    """Run ``cells`` one by one in an IPython kernel of ``python`` (``preamble`` first, as the
    kernel starts); per cell, (text printed, error content or None)."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec_dir = cwd.parent / "kernels" / "sim"
    spec_dir.mkdir(parents=True, exist_ok=True)
    launch = f"{preamble}\nfrom ipykernel import kernelapp\nkernelapp.launch_new_instance()"
    argv = [str(python), "-c", launch, "-f", "{connection_file}"]
    (spec_dir / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python"}))
    manager = KernelManager(
        kernel_name="sim", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir.parent)])
    )
    manager.start_kernel(cwd=str(cwd), env=env)
    client = manager.client()
    results = []
    try:
        client.start_channels()
        client.wait_for_ready(timeout=120)
        for code in cells:
            messages = []
            client.execute_interactive(code, timeout=300, output_hook=messages.append)
            text = "".join(
                m["content"].get("text", "") for m in messages if m["msg_type"] == "stream"
            )
            errors = [m["content"] for m in messages if m["msg_type"] == "error"]
            results.append((text, errors[0] if errors else None))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return results


def clean_env(tmp_path: Path, **extra) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LECTURES_", "PYTHON", "PYTEST_"))
    }
    return {**env, "XDG_CACHE_HOME": str(tmp_path / "cache"), **extra}


def test_a_kernel_without_the_package_says_how_to_get_it(tmp_path):
    python = bare_python(tmp_path)
    notebooks = tmp_path / "project" / "notebooks"
    notebooks.mkdir(parents=True)
    setup = tidy_notebooks.setup_source(tidy_notebooks.repository())
    [(text, error)] = run_cells(python, [setup], notebooks, clean_env(tmp_path))
    assert error["ename"] == "ModuleNotFoundError", (text, error)
    assert "`%pip install ..`" in error["evalue"] and "`make lab`" in error["evalue"]
    assert text == ""


def repository_archive(folder: Path) -> Path:
    """This working tree as GitHub's archive of a branch: a zip of the files git tracks or
    would track, under one top-level folder."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    archive = folder / "repository-main.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in listed:
            if name and "node_modules/" not in name and (ROOT / name).is_file():
                zf.write(ROOT / name, f"repository-main/{name}")
    return archive


FAKE_COLAB = """
def enable_custom_widget_manager():
    print("colab: third-party widgets enabled")
"""


def fake_colab(folder: Path) -> Path:
    """A folder that holds a fake ``google.colab`` package (with ``output``), for PYTHONPATH."""
    fake = folder / "fake"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "output.py").write_text(FAKE_COLAB)
    return fake


@pytest.mark.main_job
def test_colab_installs_the_package_and_caches_mnist_where_it_should(tmp_path, mnist_files):
    """The generated setup cell in a simulated Colab: it installs lectures_lib from the
    repository's archive (here a file:// URL, as GitHub's would be), enables Colab's widget
    manager, checks the environment; MNIST then lands in the platform's cache folder. A
    second run installs nothing."""
    python = bare_python(tmp_path)
    fake = fake_colab(tmp_path)
    archive = repository_archive(tmp_path)
    real = tidy_notebooks.setup_source(("an-owner", "a-repository", "main"))
    github = "https://github.com/an-owner/a-repository/archive/main.zip"
    assert f'%pip install --quiet "lectures_lib @ {github}"' in real
    setup = real.replace(github, archive.as_uri())
    content = tmp_path / "content"  # Colab's working folder; no project around it
    content.mkdir()
    env = clean_env(tmp_path, PYTHONPATH=str(fake), LECTURES_MNIST_MIRROR=str(mnist_files))
    cells = [
        setup,
        "import os, lectures_lib; print(lectures_lib.__file__)",
        "print(os.stat(lectures_lib.__file__).st_mtime_ns)",
        "from lectures_lib.data import load_mnist\n"
        "training, _, _ = load_mnist(progressbar=False); print(len(training.images))",
        setup,
        "print(os.stat(lectures_lib.__file__).st_mtime_ns)",
    ]
    results = run_cells(python, cells, content, env, preamble="import google.colab")
    for text, error in results:
        assert error is None, (text, error)
    (first, _), (where, _), (installed, _), (loaded, _), (again, _), (still, _) = results
    cache = tmp_path / "cache" / "lectures_lib"
    assert "colab: third-party widgets enabled" in first
    assert f"lectures_lib {__version__}; MNIST is cached in {cache}" in first
    assert "site-packages" in where and str(ROOT) not in where
    assert loaded.strip() == "50000" and {p.name for p in cache.iterdir()} == set(SHA256)
    assert f"lectures_lib {__version__}" in again and still == installed, "installed twice"


def test_colab_without_a_repository_setting_says_so(tmp_path):
    """Not published: the setup cell says so (and how to publish) in one message, with no
    traceback, and stops a Run All there."""
    python = bare_python(tmp_path)
    setup = tidy_notebooks.setup_source((tidy_notebooks.PLACEHOLDER, "YOUR-REPOSITORY", "main"))
    env = clean_env(tmp_path, PYTHONPATH=str(fake_colab(tmp_path)))
    [(_, error)] = run_cells(python, [setup], tmp_path, env, preamble="import google.colab")
    assert error["ename"] == "NotPublished" and "make publish" in error["evalue"]
    assert error["traceback"] == [error["evalue"]]  # the message alone


@pytest.mark.main_job
def test_every_published_setup_cell_installs_the_package_in_colab(tmp_path):
    """A clone published to a placeholder repository; each notebook's setup cell, run in a
    simulated Colab (a kernel without lectures_lib, a fake google.colab), with pip pointed
    at a wheel of the clone in place of the repository's archive: the first installs it,
    every one ends in a working import."""
    from lectures_lib import course

    with zipfile.ZipFile(repository_archive(tmp_path)) as zf:
        zf.extractall(tmp_path)
    clone = tmp_path / "repository-main"
    course.publish("a-course/gradient-descent", root=clone)
    wheels = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, clone],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    [wheel] = wheels.glob("lectures_lib-*.whl")
    github = "https://github.com/a-course/gradient-descent/archive/main.zip"
    cells = []
    for path in tidy_notebooks.notebooks(clone / "notebooks"):
        nb = json.loads(path.read_text())
        setup = "".join(next(c["source"] for c in nb["cells"] if c["cell_type"] == "code"))
        assert f'%pip install --quiet "lectures_lib @ {github}"' in setup, path.name
        cells += [setup.replace(github, wheel.as_uri()), "import lectures_lib.exercises"]
    cells.append("print(lectures_lib.__file__)")
    content = tmp_path / "content"
    content.mkdir()
    env = clean_env(tmp_path, PYTHONPATH=str(fake_colab(tmp_path)))
    python = bare_python(tmp_path)
    results = run_cells(python, cells, content, env, preamble="import google.colab")
    assert [error for _, error in results if error] == []
    assert "colab: third-party widgets enabled" in results[0][0]
    assert "site-packages" in results[-1][0] and str(clone) not in results[-1][0]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://github.com/org/repo", ("org", "repo", "main")),
        ("https://github.com/org/repo.git", ("org", "repo", "main")),
        ("https://github.com/org/my.repo/tree/spring-2027/", ("org", "my.repo", "spring-2027")),
    ],
)
def test_the_repository_setting(tmp_path, url, expected):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n[project.urls]\nRepository = "{url}"\n')
    assert tidy_notebooks.repository(pyproject) == expected
    links = tidy_notebooks.launch_links(expected, "05_x.ipynb")
    owner, name, branch = expected
    assert f"colab.research.google.com/github/{owner}/{name}/blob/{branch}/notebooks/05_x" in links


@pytest.mark.parametrize("url", ["https://gitlab.com/org/repo", "", "github.com/org/repo"])
def test_a_repository_setting_colab_cannot_use_is_refused(tmp_path, url):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n[project.urls]\nRepository = "{url}"\n')
    with pytest.raises(SystemExit, match="not a GitHub repository"):
        tidy_notebooks.repository(pyproject)


# --- a fresh clone: data/ holds MNIST, no ../shared, no mirror, no network -----------------


def _no_network(command: list[str]) -> list[str]:
    """``command`` in a network namespace without even loopback, where this machine allows."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0:
        return ["unshare", "-n", *command]
    return command


@pytest.mark.main_job
def test_a_fresh_clone_tests_with_the_files_in_data_alone(tmp_path, mnist_files):
    """`make test`'s MNIST in a fresh clone: no ../shared beside it, no LECTURES_MNIST_MIRROR,
    no network (where a namespace can cut it); data/ holds the four verified files."""
    clone = tmp_path / "clone"
    archive = repository_archive(tmp_path)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    (tmp_path / "repository-main").rename(clone)
    assert not (clone.parent / "shared").exists()
    (clone / "data").mkdir(exist_ok=True)
    for name in SHA256:
        shutil.copy(mnist_files / name, clone / "data" / name)
    env = clean_env(tmp_path, PYTHONPATH=str(clone))  # the clone's lectures_lib, not ours
    where = subprocess.run(
        [sys.executable, "-c", "from lectures_lib.data import default_data_dir as d; print(d())"],
        cwd=clone, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip() == str(clone / "data")
    tests = [
        "tests/test_data.py::test_known_labels",
        "tests/test_data.py::test_split_shapes_and_range",
    ]
    result = subprocess.run(
        _no_network([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]),
        cwd=clone, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0 and "2 passed" in result.stdout, result.stdout + result.stderr


# --- the route without make ---------------------------------------------------------------


def _dry_run(*args: str) -> list[list[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "lectures_lib", *args, "--dry-run"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [shlex.split(line) for line in result.stdout.splitlines()]


def test_the_entry_point_runs_what_make_runs():
    """`python -m lectures_lib lab|test|notebooks|present` start the programs `make` starts,
    from this environment's Python (no make, no .venv/bin paths, no POSIX shell)."""
    from servers import make_command

    python = sys.executable
    [lab] = _dry_run("lab")
    assert lab[:3] == [python, "-m", "jupyterlab"] and lab[-1] == "notebooks/00_start_here.ipynb"
    assert (
        "--ip=127.0.0.1" in lab and "--port=8888" in lab and f"--ServerApp.root_dir={ROOT}" in lab
    )
    [lab] = _dry_run("lab", "--port=9999", "--no-browser")
    assert "--port=9999" in lab and "--port=8888" not in lab and "--no-browser" in lab
    assert _dry_run("test") == [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "pytest", "tests", "notebooks"],
    ]
    assert _dry_run("test", "-k", "data") == [[python, "-m", "pytest", "-k", "data"]]
    assert _dry_run("notebooks") == [[python, "-m", "pytest", "notebooks"]]
    for target in ("present", "slides"):
        made, env = make_command(target)
        assert _dry_run(target)[-1] == [python, *made[1:]] and not env, target


def test_an_unknown_command_gets_the_list():
    result = subprocess.run(
        [sys.executable, "-m", "lectures_lib", "lap"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and "unknown command 'lap'" in result.stdout
    assert "python -m lectures_lib lab" in result.stdout


POSIX_ONLY = {
    "fcntl", "resource", "pwd", "grp", "termios", "tty", "pty",  # modules
    "fork", "kill", "getuid", "geteuid", "getgid", "killpg", "setsid", "getpgid",  # os
    "SIGKILL", "SIGHUP", "SIGUSR1", "SIGALRM",  # signal
}  # fmt: skip


class PosixCalls(ast.NodeVisitor):
    """POSIX-only names used outside a function that tests ``os.name`` or ``hasattr(os, …)``."""

    def __init__(self):
        self.found, self.guarded = [], [False]

    def visit_FunctionDef(self, node):  # noqa: N802 - ast's name
        text = ast.unparse(node)
        self.guarded.append("os.name" in text or "hasattr(os" in text)
        self.generic_visit(node)
        self.guarded.pop()

    def visit_Attribute(self, node):  # noqa: N802
        if node.attr in POSIX_ONLY and not self.guarded[-1]:
            self.found.append(ast.unparse(node))
        self.generic_visit(node)

    def visit_alias(self, node):
        if node.name.split(".")[0] in POSIX_ONLY and not self.guarded[-1]:
            self.found.append(f"import {node.name}")


def test_the_library_uses_no_posix_only_calls():
    """Windows: no POSIX-only module or call, except in a function that tests ``os.name`` or
    ``hasattr(os, …)`` first and does something else on Windows."""
    found = []
    for path in sorted((ROOT / "lectures_lib").rglob("*.py")):
        visitor = PosixCalls()
        visitor.visit(ast.parse(path.read_text()))
        found += [f"{path.relative_to(ROOT)}: {name}" for name in visitor.found]
    assert found == []
