"""The cached digit reader: loaded when sound, rebuilt with one line when damaged or stale."""

import json
import os
import shutil
import stat

import numpy as np
import pytest

from lectures_lib import files, network_file, reader
from lectures_lib.network import Network


@pytest.fixture(scope="module")
def small(mnist):
    """1,000 training images (200 held out) and two epochs: a reader in a moment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(reader.SETTINGS, "epochs", 2)
        yield mnist[0].images[:1000], mnist[0].labels[:1000]


@pytest.fixture(scope="module")
def saved(small, tmp_path_factory):
    """A folder with a sound cache: net.npz and its record net.json."""
    folder = tmp_path_factory.mktemp("reader")
    reader.digit_reader(small, folder / "net.npz")
    return folder


@pytest.fixture
def path(saved, tmp_path):
    """A copy of the sound cache, to damage."""
    for name in ("net.npz", "net.json"):
        shutil.copy(saved / name, tmp_path / name)
    return tmp_path / "net.npz"


@pytest.fixture
def trainings(monkeypatch):
    """Counts the readers trained."""
    calls = []
    train = reader.train_reader
    monkeypatch.setattr(reader, "train_reader", lambda t: calls.append(1) or train(t))
    return calls


def test_a_sound_cache_is_loaded_not_retrained(small, path, trainings, capsys):
    first = reader.digit_reader(small, path)
    second = reader.digit_reader(small, path)
    assert trainings == [] and capsys.readouterr().out == ""
    np.testing.assert_array_equal(first.weights[0], second.weights[0])
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["settings"] == reader.SETTINGS and record["training"]["images"] == 800
    _, held_out = reader.split_held_out(small)
    assert record["held_out_correct"] == first.evaluate(*held_out) > 40  # of 200: twice chance


def test_an_absent_cache_is_trained_and_saved(small, tmp_path, trainings, capsys):
    reader.digit_reader(small, tmp_path / "net.npz")
    assert trainings == [1] and capsys.readouterr().out == ""
    assert sorted(os.listdir(tmp_path)) == ["net.json", "net.npz"]


def truncate(path):
    path.write_bytes(path.read_bytes()[:1000])


def not_a_zip(path):
    path.write_text("not a network\n")  # numpy would suggest the unsafe allow_pickle


def wrong_shapes(path):
    network_file.save(Network([784, 30, 10], rng=0), path)


def nan_weights(path):
    with np.load(path) as data:
        arrays = dict(data)
    arrays["w1"][3, 4] = np.nan
    np.savez(path, **arrays)


def damage_a_compressed_member(path):
    """The network saved compressed (np.savez_compressed), then bytes of w0 flipped: reading
    it raised zlib.error, which no one caught."""
    import struct
    import zipfile

    with np.load(path) as data:
        np.savez_compressed(path, **dict(data))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("w0.npy").header_offset
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    start = offset + 30 + name_length + extra_length + 1000  # inside w0's deflated data
    data[start : start + 200] = bytes(b ^ 0xFF for b in data[start : start + 200])
    path.write_bytes(bytes(data))


def lose_the_record(path):
    path.with_suffix(".json").unlink()


def damage_the_record(path):
    path.with_suffix(".json").write_text('{"settings": ')


def stale_settings(path):
    record = json.loads(path.with_suffix(".json").read_text())
    record["settings"]["eta"] = 0.5
    path.with_suffix(".json").write_text(json.dumps(record))


def untrained_claiming(stated):
    """An untrained [784, 100, 10] at the reader's path, its record (settings and training
    images right) claiming held_out_correct = stated: it used to be used silently."""

    def damage(path):
        network_file.save(Network([784, 100, 10], rng=5, init="scaled"), path)
        record = json.loads(path.with_suffix(".json").read_text())
        path.with_suffix(".json").write_text(json.dumps(record | {"held_out_correct": stated}))

    damage.__name__ = f"untrained_claiming_{stated!r}"
    return damage


def link_to(device, suffix):
    def damage(path):
        path.with_suffix(suffix).unlink()
        path.with_suffix(suffix).symlink_to(device)

    damage.__name__ = f"{suffix}_linked_to_{device}"
    return damage


def overstated_accuracy(path):
    record = json.loads(path.with_suffix(".json").read_text())
    record["held_out_correct"] += 50
    path.with_suffix(".json").write_text(json.dumps(record))


@pytest.mark.parametrize(
    "damage, reason",
    [
        (truncate, "is damaged"),
        (not_a_zip, "is damaged"),
        (wrong_shapes, "has layers [784, 30, 10]"),
        (nan_weights, "is damaged"),
        (damage_a_compressed_member, "is damaged"),
        (lose_the_record, "has no record"),
        (damage_the_record, "damaged record"),
        (stale_settings, "other settings"),
        (overstated_accuracy, "held-out images, but its record says it read"),
        (untrained_claiming(0), "held-out images, but its record says it read 0"),
        (untrained_claiming(True), "held_out_correct is True, not a whole number"),
        (untrained_claiming("931"), "held_out_correct is '931', not a whole number"),
        (untrained_claiming(150), "held-out images, but its record says it read 150"),
        (link_to("/dev/zero", ".npz"), "is damaged"),
        (link_to("/dev/urandom", ".npz"), "is damaged"),
        (link_to("/dev/zero", ".json"), "record that is not a regular file"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_damaged_or_stale_cache_is_rebuilt_with_one_line(
    small, path, trainings, capsys, damage, reason
):
    damage(path)
    net = reader.digit_reader(small, path)
    out, err = capsys.readouterr()
    assert trainings == [1] and err == ""
    assert out.count("\n") == 1 and str(path) in out and reason in out
    assert "allow_pickle" not in out
    assert net.sizes == [784, 100, 10] and all(np.isfinite(w).all() for w in net.weights)
    reader.digit_reader(small, path)  # the rebuilt cache is sound again
    assert trainings == [1] and capsys.readouterr().out == ""


def test_other_training_images_make_the_cache_stale(small, mnist, path, trainings, capsys):
    other = (mnist[0].images[1000:2000], mnist[0].labels[1000:2000])
    reader.digit_reader(other, path)
    assert trainings == [1] and "other training images" in capsys.readouterr().out


def test_a_folder_that_cannot_be_written_still_gives_a_reader(small, tmp_path, monkeypatch, capsys):
    """A class's shared, read-only data folder: the reader is used unsaved, with one line."""

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(network_file, "save", refuse)
    net = reader.digit_reader(small, tmp_path / "net.npz")
    out = capsys.readouterr().out
    assert net.sizes == [784, 100, 10] and out.count("\n") == 1 and "Could not save" in out
    assert os.listdir(tmp_path) == []


def test_an_interrupted_write_of_the_record_leaves_the_old_file_whole(tmp_path):
    """The record goes through files.write_atomically: a write that fails halfway (text
    that cannot be encoded) leaves the old record as it was and no partial file."""
    path = reader.record_path(tmp_path / "net.npz")
    files.write_atomically(path, "old")
    with pytest.raises(UnicodeEncodeError):
        files.write_atomically(path, "new \udc80")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["net.json"]


def test_cache_files_respect_the_umask(small, tmp_path):
    """A class's shared data folder: files readable by the group and others (umask 022)."""
    old = os.umask(0o022)
    try:
        reader.digit_reader(small, tmp_path / "net.npz")
    finally:
        os.umask(old)
    for name in ("net.npz", "net.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_too_few_training_images_are_explained():
    with pytest.raises(ValueError, match="at least 5 training images"):
        reader.split_held_out((np.zeros((4, 784)), np.zeros(4, dtype=int)))
