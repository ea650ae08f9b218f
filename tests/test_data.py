"""MNIST: the real files, the real download path over HTTP, and the errors a user may meet."""

import gzip
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from lectures_lib import data
from lectures_lib.data import (
    SHA256,
    MNISTDownloadError,
    MNISTFormatError,
    fetch,
    load_mnist,
    one_hot,
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
        assert split.images.dtype == np.float64
        assert 0.0 == split.images.min() and split.images.max() == 1.0
        assert split.labels.shape == (len(split.images),)
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
        raw_values = np.rint(array * 255).astype(np.uint8) if magic == 2051 else array
        header = np.array([magic, *dims], dtype=">u4").tobytes()
        idx = header + raw_values.astype(np.uint8).tobytes()
        assert hashlib.md5(idx).hexdigest() == IDX_MD5[name], name


def test_cached_files_match_checksums(mnist):
    for name, digest in SHA256.items():
        path = data.default_data_dir() / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_one_hot():
    assert one_hot([6]).tolist() == [[0, 0, 0, 0, 0, 0, 1, 0, 0, 0]]
    assert one_hot(np.array([0, 9])).shape == (2, 10)
    with pytest.raises(ValueError, match="0..9"):
        one_hot([10])
    with pytest.raises(ValueError, match="integers"):
        one_hot([0.5])


# --- a real HTTP server on 127.0.0.1 ----------------------------------------------------


class MirrorHandler(http.server.BaseHTTPRequestHandler):
    """Serves files from ``self.server.root``; ``mode`` corrupts them or drops the connection."""

    def do_GET(self):  # noqa: N802 - http.server's name
        path = Path(self.server.root) / Path(self.path).name
        self.server.requests.append(self.path)
        if not path.exists():
            self.send_error(404)
            return
        body = path.read_bytes()
        if self.server.mode == "corrupt":
            body = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.server.mode == "drop":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve(mnist_mirror):
    """Start servers on 127.0.0.1 with a mode ('good', 'corrupt', 'drop'); yields their URLs."""
    servers = []

    def start(mode):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MirrorHandler)
        server.root, server.mode, server.requests = mnist_mirror, mode, []
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/mnist/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_download_from_a_good_mirror(serve, tmp_path):
    server, url = serve("good")
    path = fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert server.requests == [f"/mnist/{LABELS}"]
    assert read_idx(path)[:3].tolist() == [7, 2, 1]
    fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert len(server.requests) == 1, "a verified file in the cache is not downloaded again"


@pytest.mark.parametrize("mode", ["corrupt", "drop"])
def test_a_bad_download_never_stays_in_the_cache(serve, tmp_path, mode):
    _, url = serve(mode)
    with pytest.raises(MNISTDownloadError, match=LABELS) as error:
        fetch(LABELS, data_dir=tmp_path, mirror=url, progressbar=False)
    assert url in str(error.value) and "LECTURES_MNIST_MIRROR" in str(error.value)
    assert list(tmp_path.iterdir()) == [], "nothing, not even a temporary file, is left"


def test_mirrors_are_tried_in_order(serve, tmp_path, monkeypatch):
    bad, bad_url = serve("drop")
    good, good_url = serve("good")
    monkeypatch.delenv("LECTURES_MNIST_MIRROR", raising=False)
    monkeypatch.setattr(data, "MIRRORS", (bad_url, good_url))
    path = fetch(LABELS, data_dir=tmp_path, progressbar=False)
    assert len(bad.requests) == 1 and len(good.requests) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[LABELS]


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


def test_environment_variable_sets_the_mirror(mnist_mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("LECTURES_MNIST_MIRROR", mnist_mirror)
    assert fetch(LABELS, data_dir=tmp_path).exists()


def test_a_missing_local_mirror_says_what_to_do(tmp_path):
    with pytest.raises(MNISTDownloadError, match="no such file"):
        fetch(LABELS, data_dir=tmp_path, mirror=tmp_path / "nowhere")


# --- parsing ----------------------------------------------------------------------------


def _gz(path, raw):
    with gzip.open(path, "wb") as f:
        f.write(raw)
    return path


def test_wrong_magic_number_names_the_file(tmp_path):
    path = _gz(tmp_path / "x.gz", b"\x00\x00\x08\x04" + b"\x00" * 20)
    with pytest.raises(MNISTFormatError, match=r"x\.gz.*magic number 2052.*Delete"):
        read_idx(path)


def test_truncated_idx_file(tmp_path, mnist_mirror):
    raw = gzip.decompress((Path(mnist_mirror) / LABELS).read_bytes())
    path = _gz(tmp_path / LABELS, raw[:-10])
    with pytest.raises(MNISTFormatError, match="header announces 10008"):
        read_idx(path)


def test_truncated_gzip_file(tmp_path, mnist_mirror):
    path = tmp_path / LABELS
    path.write_bytes((Path(mnist_mirror) / LABELS).read_bytes()[:2000])
    with pytest.raises(MNISTFormatError, match="not a valid gzip file"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_idx(tmp_path / "absent.gz")


def test_images_and_labels_must_agree(tmp_path, mnist_mirror):
    shutil.copy(Path(mnist_mirror) / LABELS, tmp_path / LABELS)
    with pytest.raises(MNISTFormatError, match="images and labels"):
        data._read_pair(tmp_path / LABELS, tmp_path / LABELS)


def test_average_darkness_baseline_is_the_lectures(mnist):
    """The lecture: 2,225 of the 10,000 test images, from the 50,000 training images."""
    from lectures_lib.baselines import average_darkness, classify_by_darkness

    training, _, test = mnist
    means = average_darkness(training.images, training.labels)
    assert np.argmax(means) == 0 and np.argmin(means) == 1  # a 0 has the most ink, a 1 the least
    assert int(np.sum(classify_by_darkness(test.images, means) == test.labels)) == 2225
