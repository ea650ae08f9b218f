"""MNIST-like preprocessing, reading strings of digits, and the drawing pad."""

import numpy as np
import pytest

from lectures_lib import segmentation as seg
from lectures_lib.models import digit_reader, train_reader
from lectures_lib.preprocess import draw_strokes, to_mnist


@pytest.fixture(scope="module")
def reader(mnist):
    """A quickly trained [784, 100, 10] reader (3 epochs on 10,000 images, about 93%)."""
    training = mnist[0]
    return train_reader((training.images[:10_000], training.labels[:10_000]), epochs=3)


def test_mnist_digits_are_already_in_mnist_form(mnist):
    """MNIST's own recipe applied to MNIST digits changes nothing."""
    test = mnist[2]
    same = [np.array_equal(to_mnist(im.reshape(28, 28)), im) for im in test.images[:300]]
    assert np.mean(same) > 0.99


def test_size_and_position_do_not_matter(mnist):
    digit = mnist[2].images[0].reshape(28, 28)
    big = np.kron(digit, np.ones((3, 3)))  # three times larger
    canvas = np.zeros((200, 200))
    canvas[60:144, 100:184] = big
    np.testing.assert_allclose(to_mnist(canvas), to_mnist(digit), atol=1e-9)


def test_empty_and_bad_images():
    assert not to_mnist(np.zeros((30, 30))).any()
    with pytest.raises(ValueError, match="2-D"):
        to_mnist(np.zeros(784))


def test_draw_strokes_paints_a_thick_line():
    image = draw_strokes([[(50, 20), (50, 80)]], size=100, width=10)
    assert image[50, 50] == 1 and image[50, 46] == 1 and image[50, 60] == 0
    assert image[10, 50] == 0 and image[90, 50] == 0


def test_join_digits_gaps_and_touching(mnist):
    images = mnist[2].images[:3]
    widths = [int((im.reshape(28, 28).max(axis=0) > 0).sum()) for im in images]
    apart = seg.join_digits(images, [4, 4])
    assert apart.shape == (28, sum(widths) + 8)
    assert len(seg.ink_runs(apart)) >= 3
    touching = seg.join_digits(images, [-1, -1])
    assert touching.shape == (28, sum(widths) - 2)
    with pytest.raises(ValueError, match="need 2 gaps"):
        seg.join_digits(images, [1])


def test_width_prior_says_ones_are_narrow(mnist):
    training = mnist[0]
    log_prior = seg.width_log_prior(training.images, training.labels)
    assert log_prior.shape == (10, 60)
    assert np.allclose(np.exp(log_prior).sum(axis=1), 1)
    assert np.argmax(log_prior[1]) < np.argmax(log_prior[0])


def test_reading_strings_beats_cutting_at_blank_columns(mnist, reader):
    training, validation, _ = mnist
    log_prior = seg.width_log_prior(training.images, training.labels)
    touching = seg.random_strings(validation.images, validation.labels, 40, True, rng=0)
    apart = seg.random_strings(validation.images, validation.labels, 40, False, rng=1)

    def accuracy(strings, read):
        return np.mean([read(s) == digits for s, digits in strings])

    def ours(s):
        return seg.read_string(s, reader.feedforward, log_prior, 0.1)

    def naive(s):
        return seg.read_by_blank_columns(s, reader.feedforward)

    assert accuracy(touching, naive) == 0  # blank columns never separate touching digits
    assert accuracy(touching, ours) >= 0.1
    assert accuracy(apart, ours) > 0.6
    assert accuracy(apart, ours) > accuracy(touching, ours)


def test_digit_reader_is_saved_and_reloaded(mnist, tmp_path, monkeypatch):
    training = mnist[0]
    small = (training.images[:500], training.labels[:500])
    calls = []
    monkeypatch.setattr(
        "lectures_lib.models.train_reader", lambda t: calls.append(1) or train_reader(t, 1)
    )
    first = digit_reader(small, tmp_path / "net.npz")
    second = digit_reader(small, tmp_path / "net.npz")
    assert calls == [1]
    np.testing.assert_array_equal(first.weights[0], second.weights[0])


def test_digit_pad_reads_drawn_digits(reader):
    from lectures_lib.interactive import DigitPad

    pad = DigitPad(reader)
    assert pad.prediction is None
    pad.add_stroke([(140, 40), (140, 240)])  # a "1"
    assert pad.prediction == 1
    pad.clear()
    angles = np.linspace(0, 2 * np.pi, 40)
    pad.add_stroke(list(zip(140 + 60 * np.cos(angles), 140 + 90 * np.sin(angles))))  # a "0"
    assert pad.prediction == 0
    heights = [p.get_height() for p in pad.figure.axes[0].patches]
    np.testing.assert_allclose(heights, pad.outputs)
    pad.clear()
    assert pad.prediction is None and not pad.outputs.any()
