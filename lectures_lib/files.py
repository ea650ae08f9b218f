"""Files the project writes: whole or not at all, and its own leftovers cleaned up.

Every file the project writes (MNIST downloads, saved networks, the digit reader's record,
executed notebooks, reports) goes through `write_atomically`: the bytes go to a partial file
beside the target, named by `partial_path`, which is renamed over the target only once it
is complete.  A writer killed halfway (SIGKILL, a power cut) leaves its partial file;
`remove_stale_partials` removes those, and only those: a name made by `partial_path`
(ending in ``.lectures-partial``), whose process is gone or which has not changed for an
hour.  No other file is ever removed, whatever its name.

A partial file is created with mode 0o666 less the umask, like any file the user writes.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

SUFFIX = ".lectures-partial"
STALE_AFTER = 3600.0  # seconds without a change after which any partial file is stale

_HOST = re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:40] or "host"
_PARTIAL = re.compile(
    r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)-(?P<pid>\d+)-[0-9a-f]{8}" + re.escape(SUFFIX) + "$"
)


def partial_path(target) -> Path:
    """Where a write of ``target`` goes until it is complete: a hidden file beside it,
    ``.NAME.HOST-PID-RANDOM.lectures-partial``."""
    target = Path(target)
    return target.with_name(f".{target.name}.{_HOST}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}")


def write_atomically(path, write: Callable[[BinaryIO], None] | bytes | str) -> Path:
    """Write ``path`` whole or not at all; return it.

    write: the bytes, a text (written as UTF-8), or a function that writes to the open
    binary file it is given.  The folder is created if needed.  If anything fails, the
    old file (if any) stays as it was and no partial file is left.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = partial_path(path)
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as out:
            if isinstance(write, str):
                out.write(write.encode("utf-8"))
            elif isinstance(write, bytes):
                out.write(write)
            else:
                write(out)
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(part)
    return path


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine runs (assumed so where that cannot be asked)."""
    if os.name != "posix":
        return True  # Windows: os.kill would end the process; rely on the partial's age
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def remove_stale_partials(folder) -> list[Path]:
    """Remove the partial files that killed writers of this project left in ``folder``;
    return their paths.

    Only names made by `partial_path` are considered.  One is stale when the process that
    wrote it (on this machine) is gone, or when it has not changed for `STALE_AFTER`
    seconds.  A live writer's partial file is kept.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no such folder yet
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            age = time.time() - entry.stat().st_mtime
            dead = match["host"] == _HOST and not _process_alive(int(match["pid"]))
            if dead or age > STALE_AFTER:
                os.remove(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # removed meanwhile by another process, or not ours to remove
            continue
    return removed
