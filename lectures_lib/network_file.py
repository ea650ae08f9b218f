"""Saving a network to a .npz file and reading it back, trusting nothing in the file.

A file holds ``sizes`` (integers) and, for each layer l, ``w{l}`` (n_out, n_in) and
``b{l}`` (n_out,), float64.  `load` checks every array's header against ``sizes``, and
every member's size in the archive against its header, before it reads (allocates)
anything, then checks that every weight is finite; any failure (a damaged compressed
member too) is a `DamagedNetworkFile` naming the file.  `save` writes through
`files.write_atomically`, so a half-written file never takes a network's name.
"""

from __future__ import annotations

import math
import os
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np

from lectures_lib import checks, files
from lectures_lib.network import Network

MAX_LAYERS = 100


class DamagedNetworkFile(ValueError):
    """A network file that cannot be what `save` wrote."""


def save(net, path) -> None:
    """Write net's sizes, weights[l] (n_out, n_in) and biases[l] (n_out,) to ``path`` (.npz).

    Written whole or not at all (`files.write_atomically`); partial files that an earlier,
    killed save left in the folder are removed first.
    """
    path = Path(path)
    checks.check_parameters(net.weights, net.biases, net.sizes)
    for p in net.weights + net.biases:
        if not checks.all_finite(p):
            raise ValueError(f"cannot save to {path}: the network has NaN or infinite weights")
    arrays = {f"w{i}": np.asarray(w, dtype=np.float64) for i, w in enumerate(net.weights)}
    arrays |= {f"b{i}": np.asarray(b, dtype=np.float64) for i, b in enumerate(net.biases)}
    files.remove_stale_partials(path.parent)
    files.write_atomically(
        path, lambda f: np.savez(f, sizes=np.array(net.sizes, dtype=np.int64), **arrays)
    )


def load(path) -> Network:
    """The network saved at ``path``, every array checked before it is trusted; built
    from the file's arrays (`Network.from_parameters`), nothing drawn at random.

    Only a regular file is read (not a device such as /dev/zero, a pipe or a folder, even
    behind a symbolic link), and no more of it than its headers declare.
    """
    path = Path(path)
    files.remove_stale_partials(path.parent)
    try:  # O_NONBLOCK: opening a pipe must not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} does not exist: train a network and save it (network_file.save) first"
        ) from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise DamagedNetworkFile(
            f"{path} is not a regular file (a device, pipe or folder): give the path of "
            "a network file written by network_file.save"
        )
    with os.fdopen(fd, "rb") as f:
        try:
            with zipfile.ZipFile(f) as archive:
                sizes, weights, biases = _read(archive, status.st_size)
        except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError, KeyError) as err:
            raise DamagedNetworkFile(
                f"{path} is damaged ({err}): it is not a network written by network_file.save; "
                "delete it, then train and save the network again"
            ) from None
    return Network.from_parameters(weights, biases)


def _read(archive, file_bytes: int):
    sizes = _sizes(archive)
    expected = {f"w{i}.npy": (n_out, n_in) for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]))}
    expected |= {f"b{i}.npy": (n_out,) for i, n_out in enumerate(sizes[1:])}
    stored = set(archive.namelist()) - {"sizes.npy"}
    if stored != set(expected):
        raise ValueError(
            f"sizes {sizes} call for the arrays {sorted(expected)}, found {sorted(stored)}"
        )
    for name, shape in expected.items():  # every header first: nothing is allocated yet
        found, dtype, header_bytes = _header(archive, name)
        if found != shape or dtype != np.float64:
            raise ValueError(f"{name} is {dtype} {found}, not float64 {shape}")
        _check_member_size(archive.getinfo(name), header_bytes + 8 * math.prod(shape), file_bytes)
    arrays = {name: _array(archive, name) for name in expected}
    for name, array in arrays.items():
        if not checks.all_finite(array):
            raise ValueError(f"{name} holds NaN or infinite numbers")
    n = len(sizes) - 1
    return sizes, [arrays[f"w{i}.npy"] for i in range(n)], [arrays[f"b{i}.npy"] for i in range(n)]


def _sizes(archive) -> list[int]:
    shape, dtype, _ = _header(archive, "sizes.npy")
    if len(shape) != 1 or not 2 <= shape[0] <= MAX_LAYERS or dtype.kind not in "iu":
        raise ValueError(f"sizes is {dtype} {shape}, not 2 to {MAX_LAYERS} whole numbers")
    return checks.check_sizes(_array(archive, "sizes.npy").tolist())


def _check_member_size(info, needed: int, file_bytes: int) -> None:
    """The member's sizes in the archive agree with its header (``needed`` bytes), and the
    file can hold them, so reading it cannot ask for memory the file does not back: a 1 kB
    file whose headers claim 400 MB of weights is refused here, before anything is read."""
    if info.file_size != needed:
        raise ValueError(f"{info.filename} holds {info.file_size:,} bytes, its header {needed:,}")
    # a stored member is as long as its data; deflate shrinks data at most about 1,032-fold
    most = info.compress_size
    if info.compress_type != zipfile.ZIP_STORED:
        most = 1100 * info.compress_size + 1024
    if info.compress_size > file_bytes or info.file_size > most:
        raise ValueError(
            f"{info.filename} claims {info.file_size:,} bytes from {info.compress_size:,} "
            f"stored in a file of {file_bytes:,}"
        )


def _header(archive, name):
    """(shape, dtype, the header's length in bytes) of the .npy member ``name``, read from
    its header alone."""
    with archive.open(name) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"{name} has .npy format version {version}")
        return shape, dtype, f.tell()


def _array(archive, name) -> np.ndarray:
    with archive.open(name) as f:
        return np.lib.format.read_array(f, allow_pickle=False)
