"""Network files: saved whole or not at all, read back trusting nothing in the file."""

import os
import signal
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest

from lectures_lib import files, network_file
from lectures_lib.network import Network


def same_parameters(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.weights + a.biases, b.weights + b.biases))


def test_save_and_load(tmp_path):
    net = Network([4, 3, 2], rng=0)
    network_file.save(net, tmp_path / "net.npz")
    loaded = network_file.load(tmp_path / "net.npz")
    assert loaded.sizes == [4, 3, 2]
    assert same_parameters(net, loaded)
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]
    with pytest.raises(FileNotFoundError, match="train a network"):
        network_file.load(tmp_path / "missing.npz")


def test_a_saved_network_follows_the_umask(tmp_path):

    old = os.umask(0o022)
    try:
        network_file.save(Network([2, 2], rng=0), tmp_path / "net.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "net.npz").stat().st_mode & 0o777 == 0o644


def write_npz(path, **arrays):
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def good_arrays():
    rng = np.random.default_rng(0)
    return dict(
        sizes=np.array([4, 3, 2]),
        w0=rng.random((3, 4)),
        b0=rng.random(3),
        w1=rng.random((2, 3)),
        b1=rng.random(2),
    )


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda a: a.update(sizes=np.array([4.0, 3.0, 2.0])), "sizes is float64"),
        (lambda a: a.update(sizes=np.array([4, 3])), "call for the arrays"),  # fewer layers
        (lambda a: a.update(sizes=np.array([4, -3, 2])), "whole number of at least 1"),
        (lambda a: a.update(sizes=np.array([784, 10**8, 10])), "would need"),
        (lambda a: a.pop("b1"), "call for the arrays"),
        (lambda a: a.update(w1=np.zeros((3, 2))), r"w1.npy is float64 \(3, 2\)"),
        (lambda a: a.update(w1=np.zeros((2, 3), dtype=np.float32)), "not float64"),
        (lambda a: a.update(b0=np.array([1.0, np.nan, 0.0])), "NaN or infinite"),
        (lambda a: a.update(w0=np.array([None] * 12).reshape(3, 4)), "not float64"),
    ],
)
def test_a_damaged_file_is_refused_with_its_name(tmp_path, damage, message):
    arrays = good_arrays()
    damage(arrays)
    write_npz(tmp_path / "net.npz", **arrays)
    with pytest.raises(ValueError, match=rf"{tmp_path / 'net.npz'} is damaged \(.*{message}"):
        network_file.load(tmp_path / "net.npz")


def test_a_file_that_is_no_archive_or_is_cut_short_is_refused(tmp_path):
    (tmp_path / "text.npz").write_text("not a network")
    write_npz(tmp_path / "whole.npz", **good_arrays())
    data = (tmp_path / "whole.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    for name in ["text.npz", "cut.npz"]:
        with pytest.raises(
            ValueError, match=f"{name} is damaged.*save the network again"
        ) as caught:
            network_file.load(tmp_path / name)
        assert "allow_pickle" not in str(caught.value)


def write_huge_claim(path, sizes, name, shape):
    """A network file whose member ``name`` claims ``shape`` in its header and holds no data."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        with archive.open("sizes.npy", "w") as f:
            np.lib.format.write_array(f, np.array(sizes))
        for member in ["w0.npy", "b0.npy"]:
            with archive.open(member, "w") as f:
                header = {"descr": "<f8", "fortran_order": False}
                if member == name:
                    np.lib.format.write_array_header_1_0(f, header | {"shape": shape})
                else:
                    np.lib.format.write_array(f, np.zeros(3))


@pytest.mark.parametrize(
    "sizes, shape, message",
    [
        ([100_000, 100_000], (100_000, 100_000), "would need"),  # sizes asking for 80 GB
        ([4, 3], (100_000, 100_000), r"w0.npy is float64 \(100000, 100000\), not float64 \(3, 4\)"),
    ],
)
def test_a_small_file_asking_for_a_huge_network_is_refused_before_allocating(
    tmp_path, sizes, shape, message
):
    write_huge_claim(tmp_path / "net.npz", sizes, "w0.npy", shape)
    assert (tmp_path / "net.npz").stat().st_size < 1000
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="is damaged.*" + message):
            network_file.load(tmp_path / "net.npz")
        assert tracemalloc.get_traced_memory()[1] < 10**7
    finally:
        tracemalloc.stop()


def test_a_small_file_whose_headers_match_its_sizes_is_refused_before_allocating(tmp_path):
    """Sizes within bounds ([784, 60000, 10]: 376 MB of weights) and headers that agree
    with them, but no data: the members' sizes in the archive give it away, before the
    first array is allocated (it used to allocate 376 MB, then find the data missing)."""
    import zipfile

    sizes, shapes = [784, 60_000, 10], {"w0": (60_000, 784), "b0": (60_000,)}
    shapes |= {"w1": (10, 60_000), "b1": (10,)}
    with zipfile.ZipFile(tmp_path / "net.npz", "w") as archive:
        with archive.open("sizes.npy", "w") as f:
            np.lib.format.write_array(f, np.array(sizes))
        for name, shape in shapes.items():
            with archive.open(f"{name}.npy", "w") as f:
                header = {"descr": "<f8", "fortran_order": False, "shape": shape}
                np.lib.format.write_array_header_1_0(f, header)
    assert (tmp_path / "net.npz").stat().st_size < 2000
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"net.npz is damaged \(w0.npy holds 128 bytes"):
            network_file.load(tmp_path / "net.npz")
        assert tracemalloc.get_traced_memory()[1] < 10**7
    finally:
        tracemalloc.stop()


def test_a_damaged_compressed_member_is_refused_with_the_files_name(tmp_path):
    """np.savez_compressed's deflated members: damage in one used to raise zlib.error."""
    import struct
    import zipfile

    np.savez_compressed(tmp_path / "net.npz", **good_arrays())
    assert network_file.load(tmp_path / "net.npz").sizes == [4, 3, 2]  # a sound one loads
    data = bytearray((tmp_path / "net.npz").read_bytes())
    with zipfile.ZipFile(tmp_path / "net.npz") as archive:
        info = archive.getinfo("w0.npy")
    assert info.compress_type == zipfile.ZIP_DEFLATED
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
    start = info.header_offset + 30 + name_length + extra_length  # its deflated data
    data[start + 20 : start + 60] = bytes(b ^ 0xFF for b in data[start + 20 : start + 60])
    (tmp_path / "net.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=rf"{tmp_path / 'net.npz'} is damaged.*save the network"):
        network_file.load(tmp_path / "net.npz")


def test_loading_draws_nothing_and_allocates_no_more_than_the_file_holds(tmp_path):
    """A compressed file of [2000, 2000] zero weights (32 MB once read): loading it used
    to draw a random network of those sizes first, then overwrite it (twice the memory)."""
    zeros = Network.from_parameters([np.zeros((2000, 2000))], [np.zeros(2000)])
    np.savez_compressed(
        tmp_path / "net.npz", sizes=np.array(zeros.sizes), w0=zeros.weights[0], b0=zeros.biases[0]
    )
    assert (tmp_path / "net.npz").stat().st_size < 100_000
    tracemalloc.start()
    try:
        net = network_file.load(tmp_path / "net.npz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert net.sizes == [2000, 2000] and same_parameters(net, zeros)
    assert peak < 1.2 * zeros.weights[0].nbytes


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path, device):
    (tmp_path / "net.npz").symlink_to(device)
    tracemalloc.start()
    try:
        with pytest.raises(network_file.DamagedNetworkFile, match="is not a regular file"):
            network_file.load(tmp_path / "net.npz")
        assert tracemalloc.get_traced_memory()[1] < 10**6
    finally:
        tracemalloc.stop()


def test_a_pipe_or_a_folder_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.npz")  # opening it for reading would wait for a writer
    (tmp_path / "folder.npz").mkdir()
    for name in ("pipe.npz", "folder.npz"):
        with pytest.raises(ValueError, match="is not a regular file|is damaged"):
            network_file.load(tmp_path / name)


_SAVE_A_BIG_NETWORK = """
import sys
import numpy as np
from lectures_lib import files, network_file
from lectures_lib.network import Network

weights = [np.ones((3000, 4000)), np.ones((3000, 3000)), np.ones((3000, 3000)), np.ones((10, 3000))]
net = Network.from_parameters(weights, [np.ones(len(w)) for w in weights])
network_file.save(net, sys.argv[1])
"""


def test_a_save_killed_halfway_leaves_a_partial_that_the_next_save_removes(tmp_path):
    """SIGKILL while a 240 MB network is written: the partial file it leaves (never under
    the network's name) goes at the next save or load in that folder."""
    target = tmp_path / "net.npz"
    child = subprocess.Popen([sys.executable, "-c", _SAVE_A_BIG_NETWORK, str(target)])
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 10**6 for p in tmp_path.glob(f"*{files.SUFFIX}")):
            assert child.poll() is None, "the save ended before it could be killed"
            assert time.monotonic() < deadline, "no partial file appeared"
            time.sleep(0.001)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    (partial,) = tmp_path.glob(f"*{files.SUFFIX}")
    assert 10**6 < partial.stat().st_size < 240 * 10**6 and not target.exists()
    network_file.save(Network([2, 2], rng=0), tmp_path / "other.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.npz"]


def test_loading_removes_the_partials_of_killed_saves_too(tmp_path):
    network_file.save(Network([2, 2], rng=0), tmp_path / "net.npz")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = files.partial_path(tmp_path / "net.npz")
    leftover = leftover.with_name(
        leftover.name.replace(f"-{os.getpid()}-", f"-{dead.stdout.strip()}-")
    )
    leftover.write_bytes(b"half a network")
    (tmp_path / "tmpbackup01").write_bytes(b"the user's")  # not the project's: kept
    assert network_file.load(tmp_path / "net.npz").sizes == [2, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.npz", "tmpbackup01"]
