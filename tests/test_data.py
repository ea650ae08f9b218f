"""MNIST: the real files, the real download path over HTTP, and the errors a user may meet.

The download faults are real: HTTP servers on 127.0.0.1 that corrupt a file, break off,
trickle one byte a second, send more than the file or announce a wrong size; a download
process killed with SIGKILL; a kernel in a network namespace with no network at all.
"""

import contextlib
import gzip
import hashlib
import http.server
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from lectures_lib import data, files
from lectures_lib.data import (
    SHA256,
    SIZES,
    MNISTDownloadError,
    MNISTFormatError,
    fetch,
    load_mnist,
    read_idx,
)

LABELS = "t10k-labels-idx1-ubyte.gz"


# --- known facts of the real data -----------------------------------------------------


def test_split_shapes_and_range(mnist):
    training, validation, test = mnist
    assert training.images.shape == (50_000, 784)
    assert validation.images.shape == (10_000, 784)
    assert test.images.shape == (10_000, 784)
    for split in mnist:
        assert split.images.dtype == np.uint8  # grey levels as stored (DESIGN D1)
        assert 0 == split.images.min() and split.images.max() == 255
        assert split.labels.shape == (len(split.images),) and split.labels.dtype == np.int64
        assert set(np.unique(split.labels)) == set(range(10))


def test_known_labels(mnist):
    training, validation, test = mnist
    assert list(training.labels[:8]) == [5, 0, 4, 1, 9, 2, 1, 3]
    assert list(np.bincount(test.labels)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert list(np.bincount(np.concatenate([training.labels, validation.labels]))) == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]  # fmt: skip
    assert test.labels[0] == 7


IDX_MD5 = {  # the published MD5s of the decompressed files (../shared/mnist/README.md)
    "train-images-idx3-ubyte.gz": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte.gz": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte.gz": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte.gz": "27ae3e4e09519cfbb04c329615203637",
}


def test_parsed_arrays_are_the_published_files(mnist):
    """Re-encoding the parsed arrays as IDX gives back the published bytes exactly."""
    training, validation, test = mnist
    train_images = np.concatenate([training.images, validation.images])
    train_labels = np.concatenate([training.labels, validation.labels])
    for name, array, magic in [
        ("train-images-idx3-ubyte.gz", train_images, 2051),
        ("train-labels-idx1-ubyte.gz", train_labels, 2049),
        ("t10k-images-idx3-ubyte.gz", test.images, 2051),
        ("t10k-labels-idx1-ubyte.gz", test.labels, 2049),
    ]:
        dims = [len(array), 28, 28] if magic == 2051 else [len(array)]
        header = np.array([magic, *dims], dtype=">u4").tobytes()
        idx = header + array.astype(np.uint8).tobytes()
        assert hashlib.md5(idx).hexdigest() == IDX_MD5[name], name


def test_cached_files_match_checksums_and_sizes(mnist_files):
    for name, digest in SHA256.items():
        raw = (mnist_files / name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == digest and len(raw) == SIZES[name]


# --- real HTTP servers on 127.0.0.1 ----------------------------------------------------


class MirrorHandler(http.server.BaseHTTPRequestHandler):
    """Serves files from ``server.root``; ``server.mode`` says how to misbehave."""

    def do_GET(self):  # noqa: N802 - http.server's name
        server = self.server
        path = Path(server.root) / Path(self.path).name
        server.requests.append(self.path)
        if not path.exists():
            self.send_error(404)
            return
        body = path.read_bytes()
        if server.mode == "corrupt":
            body = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
        self.send_response(200)
        if server.mode == "announce-huge":
            self.send_header("Content-Length", "300000000")
        elif server.mode != "oversized":  # that one sends no length and too much
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            getattr(self, f"_send_{server.mode.replace('-', '_')}", self._send_good)(body)
        except (BrokenPipeError, ConnectionResetError):
            server.hung_up = True  # the client closed the connection

    def _send_good(self, body):
        self.wfile.write(body)

    def _send_drop(self, body):
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def _send_slow(self, body):
        """One byte a second, for at most 30 s (the client must give up long before)."""
        for byte in body[:30]:
            if self.server.stopping.is_set():
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1)

    def _send_oversized(self, body):
        """The file, then up to 300 MB more (a mirror serving something else)."""
        self.wfile.write(body)
        junk = bytes(1 << 16)
        for _ in range(300_000_000 // len(junk)):
            self.wfile.write(junk)
            self.server.sent_extra += len(junk)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def serve(mnist_files):
    """Start servers on 127.0.0.1 in a mode ('good', 'corrupt', 'drop', 'slow', 'oversized',
    'announce-huge'); yields a function returning (server, base URL)."""
    servers = []

    def start(mode):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MirrorHandler)
        server.root, server.mode, server.requests = mnist_files, mode, []
        server.stopping, server.sent_extra, server.hung_up = threading.Event(), 0, False
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/mnist/"

    yield start
    for server in servers:
        server.stopping.set()
        server.shutdown()
        server.server_close()


def refusing_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def test_download_from_a_good_mirror(serve, tmp_path):
    server, url = serve("good")
    path = fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert server.requests == [f"/mnist/{LABELS}"]
    assert read_idx(path)[:3].tolist() == [7, 2, 1]
    fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert len(server.requests) == 1, "a verified file in the cache is not downloaded again"


@pytest.mark.parametrize("mode", ["corrupt", "drop", "announce-huge"])
def test_a_bad_download_never_stays_in_the_cache(serve, tmp_path, mode):
    _, url = serve(mode)
    with pytest.raises(MNISTDownloadError, match=LABELS) as error:
        fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    message = str(error.value)
    assert url in message and "LECTURES_MNIST_MIRROR" in message and str(tmp_path) in message
    reason = {"corrupt": "SHA-256 does not match", "drop": "broke off", "announce-huge": "300,000"}
    assert reason[mode] in message
    assert list(tmp_path.iterdir()) == [], "nothing, not even a partial file, is left"


def test_a_mirror_trickling_one_byte_a_second_is_given_up(serve, tmp_path, capsys):
    """Each file has a deadline (here 1.5 s); then the next mirror is tried, saying so."""
    slow, slow_url = serve("slow")
    good, good_url = serve("good")
    start = time.monotonic()
    path = fetch(LABELS, tmp_path, [slow_url, good_url], progressbar=True, time_limit=1.5)
    assert 1.5 <= time.monotonic() - start < 6
    assert len(slow.requests) == 1 and len(good.requests) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[LABELS]
    said = capsys.readouterr().out
    assert f"{slow_url}{LABELS}: too slow" in said and "trying the next mirror" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == [LABELS]


def test_the_deadline_names_the_mirror_and_the_limit(serve, tmp_path):
    _, url = serve("slow")
    with pytest.raises(MNISTDownloadError, match=r"too slow: \d+ of 4,542 bytes in 1 s"):
        fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False, time_limit=1.0)
    assert list(tmp_path.iterdir()) == []


def test_an_oversized_body_is_cut_off_at_the_files_size(serve, tmp_path):
    """A mirror sending 300 MB after the file: reading stops at the known size + one block."""
    server, url = serve("oversized")
    start = time.monotonic()
    with pytest.raises(MNISTDownloadError, match="sent more than the file's 4,542 bytes"):
        fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert time.monotonic() - start < 5
    deadline = time.monotonic() + 10
    while not server.hung_up and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.hung_up and server.sent_extra < 50_000_000, server.sent_extra
    assert list(tmp_path.iterdir()) == []


def test_a_local_mirror_with_a_wrong_file_is_refused(tmp_path, mnist_files):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / LABELS).write_bytes((mnist_files / LABELS).read_bytes() + b"x")
    with pytest.raises(MNISTDownloadError, match="holds 4,543 bytes; MNIST's file has 4,542"):
        fetch(LABELS, data_dir=tmp_path / "cache", mirror=mirror)


def test_mirrors_are_tried_in_order(serve, tmp_path):
    bad, bad_url = serve("drop")
    good, good_url = serve("good")
    path = fetch(LABELS, data_dir=tmp_path, mirror=[bad_url, good_url], progressbar=False)
    assert len(bad.requests) == 1 and len(good.requests) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[LABELS]


@contextlib.contextmanager
def raw_mirror(answer):
    """A server on 127.0.0.1 that reads each request and then calls ``answer(connection,
    stopping)`` to send whatever bytes it likes; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stopping = threading.Event()

    def serve_one(connection):
        with connection:
            connection.settimeout(5)
            request = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in request and (chunk := connection.recv(4096)):
                    request += chunk
                answer(connection, stopping)

    def accept():
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=serve_one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/mnist/"
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()


NOT_HTTP = {  # what http.client raises for each (issue 20.4: it escaped, no mirror after it)
    "BadStatusLine": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "LineTooLong": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "HTTPException": b"HTTP/1.1 200 OK\r\n"
    + b"".join(b"X-%d: 1\r\n" % i for i in range(150))
    + b"\r\n",
}


def test_a_mirror_that_does_not_speak_http_moves_on_to_the_next(serve, tmp_path):
    """Each answer that is not HTTP fails that mirror only: the good one after them
    delivers; and with only such mirrors, one `MNISTDownloadError` lists each of them."""
    _, good_url = serve("good")
    with contextlib.ExitStack() as stack:
        bad = {kind: stack.enter_context(raw_mirror(lambda c, _, a=answer: c.sendall(a)))
               for kind, answer in NOT_HTTP.items()}  # fmt: skip
        path = fetch(LABELS, tmp_path / "a", [*bad.values(), good_url], progressbar=False)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[LABELS]
        with pytest.raises(MNISTDownloadError) as error:
            fetch(LABELS, tmp_path / "b", list(bad.values()), progressbar=False)
    message = str(error.value)
    for kind, url in bad.items():
        assert f"{url}{LABELS}: not a valid HTTP answer ({kind}" in message, message
    assert message.endswith(data.advice(tmp_path / "b"))
    assert list((tmp_path / "b").iterdir()) == []


def test_the_deadline_covers_the_status_line_and_headers(tmp_path):
    """Issue 20.5: a status line, then a header at one byte a second (for up to 60 s): no
    socket timeout fires, yet the whole exchange must end by its deadline (here 2 s)."""

    def trickle(connection, stopping):
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for byte in b"X-Slow: " + b"a" * 60:
            if stopping.wait(1):
                return
            connection.sendall(bytes([byte]))

    with raw_mirror(trickle) as url:
        start = time.monotonic()
        with pytest.raises(MNISTDownloadError, match=r"too slow: 0 of 4,542 bytes in 2 s"):
            fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False, time_limit=2)
        took = time.monotonic() - start
    assert 2 <= took < 10, took
    assert list(tmp_path.iterdir()) == []


def test_a_corrupted_cache_file_is_replaced(serve, tmp_path):
    _, url = serve("good")
    (tmp_path / LABELS).write_bytes(b"not the file")
    path = fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[LABELS]


def test_load_mnist_through_http(serve, tmp_path):
    _, url = serve("good")
    training, validation, test = load_mnist(data_dir=tmp_path, mirror=url, progressbar=False)
    assert len(training.images) + len(validation.images) == 60_000
    assert training.labels[0] == 5 and len(test.labels) == 10_000


# --- partial files and permissions ---------------------------------------------------------


def test_a_download_killed_with_sigkill_leaves_nothing_after_the_next_run(serve, tmp_path):
    """SIGKILL in the middle of a (slow) download leaves a partial file; the next run of
    `fetch` removes it, because the process that wrote it is gone."""
    if os.name != "posix":
        pytest.skip("SIGKILL is POSIX")
    _, slow_url = serve("slow")
    _, good_url = serve("good")
    code = (
        f"from lectures_lib.data import fetch; fetch({LABELS!r}, {str(tmp_path)!r}, {slow_url!r})"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not list(tmp_path.glob("*.lectures-partial")) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling: the download has begun once its partial file exists
    finally:
        child.kill()
        child.wait()
    [partial] = list(tmp_path.glob("*.lectures-partial"))
    assert partial.name.startswith(f".{LABELS}.") and partial.stat().st_size < SIZES[LABELS]
    fetch(LABELS, data_dir=tmp_path, mirror=good_url, progressbar=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [LABELS]


def test_only_stale_partial_files_are_removed(tmp_path, mnist_files):
    """Kept: a live download's partial (this process), a young one from another machine,
    and every file the project did not write, whatever its name or age (issue 20.6: a
    user's `tmpbackup01`, two hours old, was deleted as a guess at pooch's temporary
    files). Removed: an hour-old partial file of the project's own."""
    live = files.partial_path(tmp_path / LABELS)
    other_host = tmp_path / f".{LABELS}.elsewhere-1-0123abcd.lectures-partial"
    old = tmp_path / f".{LABELS}.elsewhere-2-0123abcd.lectures-partial"
    users = [tmp_path / name for name in ("tmpbackup01", "tmpab12cd_3", "notes.part")]
    for path in [live, other_host, old, *users]:
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 2 * 3600
    for path in [old, *users]:
        os.utime(path, (two_hours_ago, two_hours_ago))
    fetch(LABELS, data_dir=tmp_path, mirror=mnist_files)
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {LABELS, live.name, other_host.name, *(p.name for p in users)}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_cache_files_respect_the_umask(tmp_path, mnist_files, umask, mode):
    """A class's shared data folder: files get the permissions the umask allows."""
    previous = os.umask(umask)
    try:
        path = fetch(LABELS, data_dir=tmp_path / "cache", mirror=mnist_files)
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode


# --- the mirror setting ---------------------------------------------------------------------


def test_environment_variable_sets_the_mirror(mnist_files, tmp_path, monkeypatch):
    monkeypatch.setenv("LECTURES_MNIST_MIRROR", str(mnist_files))
    assert fetch(LABELS, data_dir=tmp_path).exists()


def test_a_tilde_in_the_mirror_setting_is_the_home_folder(mnist_files, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))  # Windows
    (tmp_path / "mnist").mkdir()
    shutil.copy(mnist_files / LABELS, tmp_path / "mnist" / LABELS)
    monkeypatch.setenv("LECTURES_MNIST_MIRROR", "~/mnist/")
    assert data.mirrors() == [str(tmp_path / "mnist") + os.sep]
    assert fetch(LABELS, data_dir=tmp_path / "cache").exists()


def test_a_file_url_names_a_folder(mnist_files, tmp_path):
    path = fetch(LABELS, data_dir=tmp_path, mirror=Path(mnist_files).as_uri())
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[LABELS]


def test_a_missing_local_mirror_says_what_to_do(tmp_path):
    with pytest.raises(MNISTDownloadError, match="no such file") as error:
        fetch(LABELS, data_dir=tmp_path, mirror=tmp_path / "nowhere")
    assert data.advice(tmp_path) in str(error.value)


def test_an_unwritable_cache_folder_says_what_to_do(tmp_path, mnist_files):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(MNISTDownloadError, match="cannot create the MNIST cache folder"):
        fetch(LABELS, data_dir=blocker / "cache", mirror=mnist_files)


def test_the_cache_folder_outside_a_checkout_is_the_platforms(tmp_path):
    """Installed (a copy of the package with no project around it, as in site-packages):
    pooch.os_cache, i.e. ~/.cache on Linux; in a checkout, its data/; `LECTURES_DATA_DIR`
    (with ~) wins over both."""
    import pooch

    import lectures_lib

    package = Path(lectures_lib.__file__).parent
    site = tmp_path / "site-packages"
    shutil.copytree(package, site / "lectures_lib", ignore=shutil.ignore_patterns("__pycache__"))
    show = "from lectures_lib.data import default_data_dir; print(default_data_dir())"
    env = {k: v for k, v in os.environ.items() if k != "LECTURES_DATA_DIR"}
    home = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def folder(where: Path, **extra) -> Path:
        run = subprocess.run(
            [sys.executable, "-c", show], cwd=tmp_path, capture_output=True, text=True,
            env={**env, "PYTHONPATH": str(where), **home, **extra}, check=True,
        )  # fmt: skip
        return Path(run.stdout.strip())

    cache = subprocess.run(
        [sys.executable, "-c", "import pooch; print(pooch.os_cache('lectures_lib'))"],
        env={**env, **home}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert folder(site) == Path(cache) and Path(cache) != Path(pooch.os_cache("lectures_lib"))
    assert folder(package.parent) == package.parent / "data"
    assert folder(site, LECTURES_DATA_DIR="~/mnist-cache") == tmp_path / "mnist-cache"


# --- no network: advice, not a traceback --------------------------------------------------


def test_the_error_shows_in_ipython_as_its_message_only(tmp_path):
    with pytest.raises(MNISTDownloadError) as error:
        fetch(LABELS, data_dir=tmp_path, mirror=refusing_url())
    lines = error.value._render_traceback_()
    assert lines[0].startswith("MNISTDownloadError: could not get a verified copy of")
    assert "Connection refused" in lines[1]
    assert "\n".join(lines).endswith(data.advice(tmp_path))


def test_the_command_line_prints_advice_not_a_traceback(tmp_path):
    env = {
        **os.environ,
        "LECTURES_DATA_DIR": str(tmp_path),
        "LECTURES_MNIST_MIRROR": refusing_url(),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lectures_lib.data"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.startswith("MNIST could not be fetched: could not get a verified copy")
    assert "LECTURES_MNIST_MIRROR" in result.stdout and "Traceback" not in result.stderr


NO_NETWORK_KERNEL = """
import json
from jupyter_client.manager import start_new_kernel

manager, client = start_new_kernel(kernel_name="python3")
outputs = []
try:
    for code in ["from lectures_lib.data import load_mnist", "training, _, _ = load_mnist()"]:
        outputs.clear()
        client.execute_interactive(code, timeout=120, output_hook=outputs.append)
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=True)
print(json.dumps([m["content"] for m in outputs if m["msg_type"] == "error"]))
"""


def _without_network(command: list[str]) -> tuple[list[str], str]:
    """``command`` in a network namespace with only loopback, if this machine allows one;
    else as it is (the caller then points the mirror at a refusing port)."""
    probe = ["unshare", "-n", "true"]
    if shutil.which("unshare") and subprocess.run(probe, capture_output=True).returncode == 0:
        line = "ip link set lo up && exec " + shlex.join(command)
        return ["unshare", "-n", "sh", "-c", line], "no network"
    return command, "refusing mirror"


def test_a_kernel_without_network_shows_the_advice_in_the_first_mnist_cell(tmp_path):
    """The first MNIST cell of a notebook, in a kernel that reaches no network (a network
    namespace with only loopback; the public mirrors, as a student has them), fails with
    the advice as its whole error output."""
    command, how = _without_network([sys.executable, "-c", NO_NETWORK_KERNEL])
    env = {**os.environ, "LECTURES_DATA_DIR": str(tmp_path)}
    env.pop("LECTURES_MNIST_MIRROR", None)
    if how == "refusing mirror":
        env["LECTURES_MNIST_MIRROR"] = refusing_url()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert result.stdout, result.stderr
    [error] = json.loads(result.stdout.splitlines()[-1])
    assert error["ename"] == "MNISTDownloadError"
    shown = "\n".join(error["traceback"])
    assert shown.startswith("MNISTDownloadError: could not get a verified copy"), shown
    assert shown.endswith(data.advice(tmp_path)), shown
    assert "Traceback" not in shown and "File " not in shown and len(error["traceback"]) < 15
    assert list(tmp_path.iterdir()) == []


# --- parsing ----------------------------------------------------------------------------


def _gz(path, raw):
    with gzip.open(path, "wb") as f:
        f.write(raw)
    return path


def test_wrong_magic_number_names_the_file(tmp_path):
    path = _gz(tmp_path / "x.gz", b"\x00\x00\x08\x04" + b"\x00" * 20)
    with pytest.raises(MNISTFormatError, match=r"x\.gz.*magic number 2052.*Delete"):
        read_idx(path)


def test_truncated_idx_file(tmp_path, mnist_files):
    raw = gzip.decompress((mnist_files / LABELS).read_bytes())
    path = _gz(tmp_path / LABELS, raw[:-10])
    with pytest.raises(MNISTFormatError, match="header announces 10008"):
        read_idx(path)


def test_truncated_gzip_file(tmp_path, mnist_files):
    path = tmp_path / LABELS
    path.write_bytes((mnist_files / LABELS).read_bytes()[:2000])
    with pytest.raises(MNISTFormatError, match="not a valid gzip file"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_idx(tmp_path / "absent.gz")


def test_images_and_labels_must_agree(tmp_path, mnist_files):
    shutil.copy(mnist_files / LABELS, tmp_path / LABELS)
    with pytest.raises(MNISTFormatError, match="images and labels"):
        data._read_pair(tmp_path / LABELS, tmp_path / LABELS)


def test_average_darkness_baseline_is_the_lectures(mnist):
    """The lecture: 2,225 of the 10,000 test images, from the 50,000 training images."""
    from lectures_lib.baselines import average_darkness, classify_by_darkness

    training, _, test = mnist
    means = average_darkness(training.images, training.labels)
    assert np.argmax(means) == 0 and np.argmin(means) == 1  # a 0 has the most ink, a 1 the least
    assert int(np.sum(classify_by_darkness(test.images, means) == test.labels)) == 2225
