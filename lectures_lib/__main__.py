"""``python -m lectures_lib COMMAND``: the Makefile's commands without ``make`` (Windows).

    python -m lectures_lib lab        # MNIST (advice if it cannot be had), then JupyterLab
    python -m lectures_lib data       # download and verify MNIST (--optional: advice only)
    python -m lectures_lib test       # lint, unit tests and every notebook (as CI does)
    python -m lectures_lib notebooks  # every notebook under nbval, in fresh kernels
    python -m lectures_lib present    # the presenter view (Voila)
    python -m lectures_lib slides     # slide decks in build/slides/
    python -m lectures_lib publish OWNER/REPO   # for a course: where the series lives
    python -m lectures_lib release DIR          # the student copy (COURSE.md)
    python -m lectures_lib grade DIR            # grade submitted notebooks with Otter

Run it with the Python of the environment that has lectures_lib installed (``.venv``: on
Windows ``.venv\\Scripts\\python``, elsewhere ``.venv/bin/python``). Words after the
command go to the program it starts (``lab --port=8890``, ``test -k data``);
``--dry-run`` prints the commands instead. ``make lab`` and friends call this.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "notebooks/00_start_here.ipynb"
PORT, VOILA_PORT = 8888, 8866


def project() -> Path:
    """The project's folder: this checkout, or the current folder if it holds the notebooks."""
    for folder in (ROOT, Path.cwd()):
        if (folder / START).is_file():
            return folder
    raise SystemExit(
        f"No {START} here or beside lectures_lib: run this in the project's folder "
        "(the one with notebooks/ and pyproject.toml)."
    )


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _as_root() -> list[str]:
    """Jupyter refuses to run as root (CI, containers) unless told to."""
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def _given(args: list[str], option: str) -> bool:
    return any(a == option or a.startswith(option + "=") for a in args)


def lab_command(args: list[str]) -> list[str]:
    """JupyterLab on 127.0.0.1 with the project as its root, opening 00_start_here; the
    URL it prints opens 00_start_here too (its default URL). notebook_shim, which only
    serves the classic notebook's extensions, is off: it read ServerApp.token, deprecated,
    and so printed a warning at every start."""
    command = _python("-m", "jupyterlab")
    if not _given(args, "--ip"):
        command.append("--ip=127.0.0.1")
    if not _given(args, "--port"):
        command.append(f"--port={PORT}")
    command += [
        *_as_root(),
        f"--ServerApp.root_dir={project()}",
        f"--LabApp.default_url=/lab/tree/{START}",
        "--ServerApp.jpserver_extensions=notebook_shim=False",
        *args,
        START,
    ]
    return command


def present_command(args: list[str]) -> list[str]:
    """The presenter view, as `make present` starts it (presenter/present.py: Voila with a
    token, on 127.0.0.1, asking nothing of the internet)."""
    defaults = {"--port": VOILA_PORT, "--max-kernels": 4, "--cull-idle": 120}
    options = [f"{k}={v}" for k, v in defaults.items() if not _given(args, k)]
    folder = [] if any(not a.startswith("-") for a in args) else ["notebooks"]
    return _python("presenter/present.py", *options, *args, *folder)


def slides_commands(args: list[str]) -> list[list[str]]:
    """`make slides`: reveal.js and MathJax once (npm ci, pinned in presenter/), then the decks."""
    commands = []
    if not (project() / "presenter" / "node_modules" / ".package-lock.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("The slides need Node.js's npm once, to fetch reveal.js and MathJax.")
        commands.append([npm, "ci", "--prefix", "presenter", "--no-audit", "--no-fund"])
    return [*commands, _python("tools/build_slides.py", *args)]


def test_commands(name: str, args: list[str]) -> list[list[str]]:
    """`test`: lint, then the unit tests and the notebooks; `notebooks`: the notebooks.
    Words after the command replace what pytest runs (and skip the lint)."""
    lint = [_python("-m", "ruff", "check", "."), _python("-m", "ruff", "format", "--check", ".")]
    default = ["tests", "notebooks"] if name == "test" else ["notebooks"]
    return [
        *(lint if name == "test" and not args else []),
        _python("-m", "pytest", *(args or default)),
    ]


def fetch_mnist(*, required: bool, anyway: str = "Opening JupyterLab anyway") -> bool:
    """Download and verify MNIST; on failure say once why and what to do (and, unless it
    is ``required``, that ``anyway``: notebooks 00-03 need no MNIST)."""
    from lectures_lib.data import MNISTDownloadError, load_mnist

    try:
        load_mnist()
    except MNISTDownloadError as error:
        print(f"MNIST could not be fetched: {error}\n", flush=True)
        if required:
            raise SystemExit(1) from None
        print(f"{anyway}: notebooks 00-03 need no MNIST.\n", flush=True)
        return False
    return True


def describe_data() -> str:
    """What ``data`` does (said by ``data --dry-run``)."""
    from lectures_lib.data import SHA256, default_data_dir, mirrors

    return (
        f"would fetch the four MNIST files ({', '.join(SHA256)}) into {default_data_dir()} "
        f"(those already there with the right SHA-256 are kept), trying in turn: "
        f"{', '.join(mirrors())}; then compile numba's training kernels into its cache"
    )


def prepare_compiled_path() -> int:
    """Compile numba's training kernels into its cache once, so that notebooks load them
    (lectures_lib._compiled.warm_cache); a numba that is missing only says so."""
    from lectures_lib._compiled import warm_cache

    print(warm_cache(), flush=True)
    return 0


# what every kernel that nbclient starts logs (ipykernel 7), once per notebook: its ports
# are on 127.0.0.1 only, where nobody else can listen in, so it says nothing to act on
KERNEL_TCP_NOTICE = "Kernel is running over TCP without encryption"


def run(
    command: list[str], env: dict | None = None, dry_run: bool = False, drop: tuple = ()
) -> int:
    """Run ``command`` in the project's folder and return its exit code. Ctrl-C reaches it
    too (a Jupyter server then asks whether to stop); SIGTERM sent to this process is
    passed on to it (a server then stops); either way this waits until it has ended.
    Lines of its standard error that hold one of the texts in ``drop`` are not shown."""
    if dry_run:
        setting = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        print(f"{setting} {shlex.join(command)}".strip())
        return 0
    stderr = subprocess.PIPE if drop else None
    with subprocess.Popen(
        command, cwd=project(), env={**os.environ, **(env or {})}, stderr=stderr,
        text=True, errors="replace",
    ) as child:  # fmt: skip
        previous = signal.signal(signal.SIGTERM, lambda number, _: child.send_signal(number))
        copier = None
        if drop:
            copier = threading.Thread(target=_show_lines, args=(child.stderr, drop), daemon=True)
            copier.start()
        try:
            while True:
                try:
                    return child.wait()
                except KeyboardInterrupt:
                    continue
        finally:
            signal.signal(signal.SIGTERM, previous)
            if copier is not None:
                copier.join(timeout=10)


def _show_lines(stream, drop: tuple) -> None:
    """Copy ``stream`` to this process's standard error, less the lines holding ``drop``."""
    for line in stream:
        if not any(text in line for text in drop):
            sys.stderr.write(line)
            sys.stderr.flush()


def needs(module: str, extra: str) -> None:
    """Stop with the install command if ``module`` is missing."""
    if importlib.util.find_spec(module) is None:
        raise SystemExit(f'{module} is missing: pip install -e ".[{extra}]" (README.md)')


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    dry_run = "--dry-run" in argv
    argv = [a for a in argv if a != "--dry-run"]
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    name, args = argv[0], argv[1:]
    if name in ("publish", "release", "grade", "autograder"):  # a course's commands
        from lectures_lib.course import main as course_main

        return course_main([name, *args])
    if name == "data":
        from lectures_lib.data import main as data_main

        if dry_run:
            print(describe_data())
            return 0
        if "--optional" in args:  # `make present`: MNIST if it can be had, else the advice
            fetch_mnist(required=False, anyway="Starting anyway")
            return prepare_compiled_path()
        return data_main() or prepare_compiled_path()
    if name == "lab":
        needs("jupyterlab", "lab")
        if not dry_run:
            fetch_mnist(required=False)
            prepare_compiled_path()
            print("JupyterLab prints its address with the token below (open it if no browser "
                  "window opens); `jupyter server list` shows it again.\n", flush=True)  # fmt: skip
        return run(lab_command(args), dry_run=dry_run)
    if name in ("test", "notebooks"):
        needs("pytest", "test")
        if not dry_run:
            fetch_mnist(required=True)
        for command in test_commands(name, args):
            if code := run(command, dry_run=dry_run):
                return code
        return 0
    if name == "present":
        needs("voila", "lab")
        if not dry_run:
            fetch_mnist(required=False, anyway="Starting the presenter view anyway")
            prepare_compiled_path()
        return run(present_command(args), dry_run=dry_run)
    if name == "slides":
        if not dry_run:
            fetch_mnist(required=True)
        for command in slides_commands(args):
            if code := run(command, dry_run=dry_run, drop=(KERNEL_TCP_NOTICE,)):
                return code
        return 0
    print(f"unknown command {name!r}: one of lab, data, test, notebooks, present, slides\n")
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
