"""MNIST: download, verify, cache and parse the four original IDX files.

Derived in ``notebooks/00_start_here.ipynb`` and ``04_mnist_data_and_baselines.ipynb``.

The files come from public mirrors, tried in order, or from a mirror of your own: a base
URL or a folder holding the four ``.gz`` files, set with ``$LECTURES_MNIST_MIRROR`` or the
``mirror`` argument.  Each file is written to a partial file beside the cache, its size
and time bounded (the sizes are known), and moved into place only once its SHA-256
matches, so a failed, slow, oversized or corrupted download never stays in the cache;
partial files left by a download that was killed are removed on the next run
(`lectures_lib.files`: only the project's own partial files, never another file).  The cache
is ``data/`` of the project, ``$LECTURES_DATA_DIR``, or, for an installed copy of the
package, the platform's cache folder (``pooch.os_cache``).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.client
import os
import socket
import struct
import textwrap
import threading
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lectures_lib import files

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Public mirrors of the original files, tried in this order."""

MIRROR_ENV = "LECTURES_MNIST_MIRROR"
DATA_DIR_ENV = "LECTURES_DATA_DIR"

SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
"""SHA-256 of each original ``.gz`` file (the MD5s published with MNIST agree)."""

SIZES = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
"""Size in bytes of each original ``.gz`` file; a mirror that sends more is cut off."""

TIMEOUT = 15.0
"""Seconds to wait for a mirror to connect, and for each next piece of a file."""

GRACE = 30.0
MIN_RATE = 20_000
"""The whole exchange for a file (connecting, the status line, the headers and the body)
must end within ``GRACE + size / MIN_RATE`` seconds (20 kB/s: 9 min for the largest), or
the next mirror is tried."""

N_TRAINING = 50_000
"""The lecture keeps the first 50,000 training images for training, the rest for validation."""


class Dataset(NamedTuple):
    """Images (n, 784) as stored in the files, uint8 grey levels from 0 (white) to 255
    (black ink), and labels (n,), int64 from 0 to 9.

    A network reads each pixel as a number in [0, 1], x = level / 255.  The images stay
    bytes in memory (55 MB for all of MNIST instead of 440 MB as float64) and are scaled
    a mini-batch at a time, which gives exactly the same numbers as scaling them all.
    """

    images: np.ndarray
    labels: np.ndarray


class MNISTDownloadError(OSError):
    """No mirror delivered a file with the right size and checksum.

    Its message is the advice; IPython shows just that, without a traceback.
    """

    def _render_traceback_(self) -> list[str]:
        """What IPython and Jupyter show instead of a traceback: the message's lines."""
        return f"{type(self).__name__}: {self}".splitlines()


class MNISTFormatError(ValueError):
    """A file is not a valid MNIST IDX file (wrong magic number, truncated, corrupted)."""


class _MirrorFailed(Exception):
    """One mirror could not deliver one file; the reason is the message."""


class _CacheFailed(Exception):
    """The cache folder could not be written (full disk, no permission)."""


def default_data_dir() -> Path:
    """Where MNIST is cached: ``$LECTURES_DATA_DIR`` if set, else ``data/`` of the project
    when the package runs from a checkout, else the platform's cache folder
    (``~/.cache/lectures_lib`` on Linux, ``~/Library/Caches/lectures_lib`` on macOS,
    ``%LOCALAPPDATA%\\lectures_lib\\lectures_lib\\Cache`` on Windows)."""
    if os.environ.get(DATA_DIR_ENV, "").strip():
        return Path(os.environ[DATA_DIR_ENV].strip()).expanduser()
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").is_file() and (project / "notebooks").is_dir():
        return project / "data"
    import pooch

    return Path(pooch.os_cache("lectures_lib"))


def mirrors(mirror=None) -> list[str]:
    """The mirrors to try, in order: ``mirror`` (one, or a list tried in turn), else
    ``$LECTURES_MNIST_MIRROR``, else `MIRRORS`.

    A mirror is a base URL (``https://…/``) or a folder; ``~`` and ``file://`` URLs
    name folders too.
    """
    if isinstance(mirror, Sequence) and not isinstance(mirror, str):
        return [m for one in mirror for m in mirrors(one)]
    chosen = os.fspath(mirror) if mirror is not None else os.environ.get(MIRROR_ENV, "")
    chosen = chosen.strip()
    if not chosen:
        return list(MIRRORS)
    if chosen.startswith("file:"):
        return [urllib.request.url2pathname(urllib.parse.urlparse(chosen).path)]
    if "://" in chosen:
        return [chosen]
    return [os.path.expanduser(chosen)]


def advice(data_dir=None) -> str:
    """What to do when MNIST cannot be downloaded (said by the error, `make lab` and the CLI)."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return textwrap.fill(
        f"To supply MNIST without a network, get the four files {', '.join(SHA256)} "
        "(from your instructor, or from any computer with a network), then either copy "
        f"them into {folder}, or point ${MIRROR_ENV} at the folder or web address that "
        "holds them (for a running notebook: restart its kernel). "
        "Notebooks 00-03 need no MNIST.",
        width=88,
        break_on_hyphens=False,
        break_long_words=False,
    )


# --- one download -------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(name: str, enabled: bool):
    if not enabled:
        return contextlib.nullcontext(None)
    from tqdm.auto import tqdm

    return tqdm(total=SIZES[name], unit="B", unit_scale=True, desc=name, leave=False)


class _Deadline:
    """The end of one download's time: at that moment every connection it opened (and any
    opened later) is shut, which wakes a read blocked anywhere in the exchange (the status
    line, the headers, the body), as no socket timeout does for a mirror that trickles."""

    def __init__(self, seconds: float):
        self.seconds, self.passed, self.received = seconds, False, 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.passed:
                self._shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the plain socket's call, under TLS too
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()

    def failure(self, name: str) -> _MirrorFailed:
        return _MirrorFailed(
            f"too slow: {self.received:,} of {SIZES[name]:,} bytes in {self.seconds:.0f} s; "
            "gave up on it"
        )


def _copy_checked(source, out, name: str, deadline: _Deadline | None, bar) -> None:
    """Copy ``source`` (a file or an HTTP response) into ``out``: at most the file's size,
    before ``deadline``, with the right SHA-256."""
    expected, digest, received = SIZES[name], hashlib.sha256(), 0
    read = getattr(source, "read1", source.read)
    while block := read(1 << 16):
        received += len(block)
        if received > expected:
            raise _MirrorFailed(f"sent more than the file's {expected:,} bytes; stopped")
        if deadline is not None:
            deadline.received = received
            if deadline.passed:
                raise deadline.failure(name)
        digest.update(block)
        try:
            out.write(block)
        except OSError as error:
            raise _CacheFailed(f"could not be written ({error.strerror or error})") from None
        if bar is not None:
            bar.update(len(block))
    if received < expected:
        if deadline is not None and deadline.passed:
            raise deadline.failure(name)
        raise _MirrorFailed(f"sent {received:,} of {expected:,} bytes; the transfer broke off")
    if digest.hexdigest() != SHA256[name]:
        raise _MirrorFailed("the file's SHA-256 does not match MNIST's; discarded")


def _watched(connection_class, deadline: _Deadline):
    """``connection_class`` (HTTP or HTTPS) whose sockets ``deadline`` shuts when it passes."""

    class Watched(connection_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = lambda *a, **k: deadline.watch(
                socket.create_connection(*a, **k)
            )

    return Watched


def _open_url(url: str, deadline: _Deadline):
    import ssl

    cafile = os.environ.get("SSL_CERT_FILE") or os.environ.get("REQUESTS_CA_BUNDLE")
    if not cafile:
        with contextlib.suppress(ImportError):
            import certifi  # the certificates requests uses (Python on macOS may have none)

            cafile = certifi.where()
    context = ssl.create_default_context(cafile=cafile)
    plain, tls = (
        _watched(c, deadline) for c in (http.client.HTTPConnection, http.client.HTTPSConnection)
    )

    class Plain(urllib.request.HTTPHandler):
        def http_open(self, request):
            return self.do_open(plain, request)

    class TLS(urllib.request.HTTPSHandler):
        def https_open(self, request):
            return self.do_open(tls, request, context=context)

    opener = urllib.request.build_opener(Plain(), TLS(context=context))
    request = urllib.request.Request(url, headers={"User-Agent": "lectures_lib"})
    return opener.open(request, timeout=TIMEOUT)


def _download(source: str, out, *, name: str, progressbar: bool, time_limit: float) -> None:
    """Write the verified file ``name`` from ``source`` (a URL or a local path) into ``out``;
    a URL's whole exchange within ``time_limit`` seconds."""
    expected = SIZES[name]
    deadline = None
    try:
        if "://" not in source:
            size = os.path.getsize(source)
            if size != expected:
                raise _MirrorFailed(f"holds {size:,} bytes; MNIST's file has {expected:,}")
            with open(source, "rb") as f:
                _copy_checked(f, out, name, None, None)
            return
        deadline = _Deadline(time_limit)
        with _open_url(source, deadline) as response, _progress(name, progressbar) as bar:
            announced = response.headers.get("Content-Length")
            if announced is not None and announced.isdigit() and int(announced) != expected:
                raise _MirrorFailed(
                    f"announces {int(announced):,} bytes; MNIST's file has {expected:,}"
                )
            _copy_checked(response, out, name, deadline, bar)
    # URLError, timeouts, refused connections, TLS, bad URLs; and what http.client raises for
    # an answer that is not HTTP (BadStatusLine, LineTooLong, too many headers, IncompleteRead)
    except (OSError, ValueError, http.client.HTTPException) as error:
        if deadline is not None and deadline.passed:
            raise deadline.failure(name) from None
        reason = getattr(error, "reason", None) or error
        if isinstance(reason, TimeoutError):
            reason = f"no answer for {TIMEOUT:g} s"
        described = str(reason).strip()
        if isinstance(error, http.client.HTTPException):
            described = f"not a valid HTTP answer ({type(error).__name__}: {described[:80]})"
        raise _MirrorFailed(described or type(error).__name__) from None
    finally:
        if deadline is not None:
            deadline.cancel()


# --- the cache ----------------------------------------------------------------------------


# pooch.retrieve fetches, verifies and caches one URL; what this adds: mirrors tried in turn,
# one deadline on each whole exchange (status line and headers too), the size bound, any
# failure of one mirror moving on to the next, and one error that lists them all.
def fetch(name: str, data_dir=None, mirror=None, progressbar: bool = True, time_limit=None) -> Path:
    """Path of the verified file ``name`` in the cache, downloading it if needed.

    Each mirror (``mirror``: one or a list, see `mirrors`) is tried in turn, each within a
    bounded size and time (``time_limit`` seconds for the whole exchange; by default
    ``GRACE + size / MIN_RATE``); a file whose SHA-256 does not match is discarded.  Raises
    `MNISTDownloadError` naming every mirror tried, with what went wrong at each and what
    to do.
    """
    if name not in SHA256:
        raise ValueError(f"unknown MNIST file {name!r}; expected one of {sorted(SHA256)}")
    if time_limit is None:
        time_limit = GRACE + SIZES[name] / MIN_RATE
    if isinstance(time_limit, bool) or not (
        isinstance(time_limit, (int, float)) and 0 < time_limit < float("inf")
    ):
        raise ValueError(f"time_limit must be a number of seconds above 0, not {time_limit!r}")
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    target = data_dir / name
    files.remove_stale_partials(data_dir)
    if target.is_file() and _sha256(target) == SHA256[name]:
        return target
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MNISTDownloadError(
            f"cannot create the MNIST cache folder {data_dir} ({error.strerror or error}). "
            f"Set ${DATA_DIR_ENV} to a folder you can write to."
        ) from None
    failures = []
    candidates = mirrors(mirror)
    for i, base in enumerate(candidates):
        is_url = "://" in base
        source = base.rstrip("/") + "/" + name if is_url else os.path.join(base, name)
        if not is_url and not os.path.isfile(source):
            failures.append(f"  {source}: no such file")
            continue
        try:
            bar = progressbar and is_url
            files.write_atomically(
                target,
                functools.partial(
                    _download, source, name=name, progressbar=bar, time_limit=time_limit
                ),
            )
            return target
        except _MirrorFailed as error:
            failures.append(f"  {source}: {error}")
        except _CacheFailed as error:
            failures.append(f"  {target}: {error}")
            break
        except OSError as error:  # creating or renaming the partial file
            failures.append(f"  {target}: could not be written ({error.strerror or error})")
            break
        if progressbar and i + 1 < len(candidates):
            print(f"{failures[-1].strip()}; trying the next mirror.")
    raise MNISTDownloadError(
        f"could not get a verified copy of {name}. Tried:\n"
        + "\n".join(failures)
        + "\n"
        + advice(data_dir)
    )


def read_idx(path) -> np.ndarray:
    """Parse a gzipped IDX file of MNIST images (n, 28, 28) or labels (n,), as uint8."""
    path = Path(path)
    advice = f"Delete {path} and run again, or check the mirror it came from."
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist; load_mnist() downloads it.") from None
    except (OSError, EOFError) as error:
        raise MNISTFormatError(f"{path} is not a valid gzip file ({error}). {advice}") from None
    if len(raw) < 8:
        raise MNISTFormatError(f"{path} is too short to be an IDX file. {advice}")
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 2049:
        shape, offset = (n,), 8
    elif magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        shape, offset = (n, rows, cols), 16
    else:
        raise MNISTFormatError(
            f"{path} has magic number {magic}, expected 2049 (labels) or 2051 (images). {advice}"
        )
    expected = offset + int(np.prod(shape))
    if len(raw) != expected:
        raise MNISTFormatError(
            f"{path} holds {len(raw)} bytes but its header announces {expected}. {advice}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape)


def _read_pair(images_file: Path, labels_file: Path) -> Dataset:
    images = read_idx(images_file)
    labels = read_idx(labels_file)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.ndim != 1:
        raise MNISTFormatError(f"{images_file} and {labels_file} are not MNIST images and labels.")
    if len(images) != len(labels):
        raise MNISTFormatError(
            f"{images_file} has {len(images)} images but {labels_file} has {len(labels)} labels."
        )
    if labels.max() > 9:
        raise MNISTFormatError(f"{labels_file} holds a label above 9.")
    flat = images.reshape(len(images), 784).copy()  # writable, and frees the file's bytes
    return Dataset(flat, labels.astype(np.int64))


def load_mnist(data_dir=None, mirror=None, progressbar: bool = True):
    """The lecture's three MNIST sets: ``(training, validation, test)``.

    training: the first 50,000 training images; validation: the last 10,000;
    test: the 10,000 test images.  Each is a `Dataset` of images (n, 784), uint8 grey
    levels 0-255, and labels (n,), int64 in 0-9.  Files are downloaded on first use.
    """
    paths = {name: fetch(name, data_dir, mirror, progressbar) for name in SHA256}
    train = _read_pair(paths["train-images-idx3-ubyte.gz"], paths["train-labels-idx1-ubyte.gz"])
    test = _read_pair(paths["t10k-images-idx3-ubyte.gz"], paths["t10k-labels-idx1-ubyte.gz"])
    training = Dataset(train.images[:N_TRAINING], train.labels[:N_TRAINING])
    validation = Dataset(train.images[N_TRAINING:], train.labels[N_TRAINING:])
    return training, validation, test


def main(argv=None) -> int:
    """``python -m lectures_lib.data``: download and verify MNIST into the cache.

    Prints what went wrong and what to do (no traceback) and returns 1 when it cannot.
    """
    try:
        training, validation, test = load_mnist()
    except MNISTDownloadError as error:
        print(f"MNIST could not be fetched: {error}")
        return 1
    print(
        f"MNIST ready in {default_data_dir()}: {len(training.images):,} training, "
        f"{len(validation.images):,} validation, {len(test.images):,} test images."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
