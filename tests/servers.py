"""Start a Jupyter server (JupyterLab or Voila) on 127.0.0.1 for a test, and always stop it;
and a "tarpit", a loopback server that accepts connections and never answers (a lecture
hall's network that hangs instead of refusing)."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_command(target: str, **variables) -> tuple[list[str], dict]:
    """The server command that `make <target>` runs, read from `make -n`, with the
    environment assignments in front of it split off; the program runs from this
    interpreter's bin folder (the test's own environment)."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", target, *(f"{k}={v}" for k, v in variables.items())],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    words = shlex.split(dry_run.stdout.strip().splitlines()[-1])
    env = {}
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    words[0] = str(Path(sys.executable).parent / Path(words[0]).name)
    return words, env


def jupyter_env(tmp: Path) -> dict:
    """Throw-away config, runtime and data folders, so that nothing of the user's leaks in."""
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
    )
    return env


@contextlib.contextmanager
def running(
    command: list[str], ready_url: str, tmp: Path, headers=None, timeout: float = 90, env=None
):
    """Run ``command`` (a server, with ``env`` added to a throw-away Jupyter environment) until
    ``ready_url`` answers; stop it by its process id after."""
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**jupyter_env(tmp), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if requests.get(ready_url, headers=headers, timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited:\n{log_path.read_text()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer at {ready_url}:\n{log_path.read_text()}")
                time.sleep(0.5)
            yield server
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)  # the server and its kernels
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


@contextlib.contextmanager
def tarpit(limit: int = 256):
    """A server on 127.0.0.1 that accepts up to ``limit`` connections and never says a word,
    until the block ends; yields its port. A browser told to use it as its proxy sees every
    request to the outside hang, as on a network that drops packets."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    held, stop = [], threading.Event()

    def hold():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            if len(held) < limit:
                held.append(connection)
            else:
                connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in [*held, listener]:
            connection.close()
