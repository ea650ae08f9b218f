"""Reading strings of digits, and the drawing pad (preprocessing: test_preprocess.py)."""

from itertools import combinations

import numpy as np
import pytest

from lectures_lib import segmentation as seg
from lectures_lib.preprocess import PEN_WIDTH, to_mnist
from lectures_lib.reader import train_reader


@pytest.fixture(scope="module")
def reader(mnist):
    """A quickly trained [784, 100, 10] reader (3 epochs on 10,000 images, about 93%)."""
    training = mnist[0]
    return train_reader((training.images[:10_000], training.labels[:10_000]), epochs=3)


def _width(image):
    """Columns from a digit's first inked column to its last."""
    extent = seg.inked_extent(np.asarray(image).reshape(28, 28))
    return extent.stop - extent.start


def test_join_digits_gaps_and_touching(mnist):
    images = mnist[2].images[:3]
    widths = [_width(im) for im in images]
    apart = seg.join_digits(images, [4, 4])
    assert apart.shape == (28, sum(widths) + 8)
    assert len(seg.ink_runs(apart)) >= 3
    touching = seg.join_digits(images, [-1, -1])
    assert touching.shape == (28, sum(widths) - 2)
    with pytest.raises(ValueError, match="need 2 gaps"):
        seg.join_digits(images, [1])
    with pytest.raises(ValueError, match="28 x 28"):
        seg.join_digits([np.zeros(780)], [])


def test_join_digits_keeps_blank_columns_inside_a_digit(mnist):
    """A digit with a broken stroke keeps its blank inner columns: only its margins go
    (the string used to keep inked columns only, closing every gap inside a digit)."""
    test = mnist[2]
    digit = test.images[694].reshape(28, 28)  # a 5 with a blank column inside its ink
    inked = digit.max(axis=0) > 0
    first, last = np.flatnonzero(inked)[[0, -1]]
    assert not inked[first:last].all()
    assert seg.inked_extent(digit) == slice(first, last + 1)
    np.testing.assert_array_equal(seg.join_digits([digit], []), digit[:, first : last + 1])
    string = seg.join_digits([test.images[0], digit], [3])
    assert string.shape[1] == _width(test.images[0]) + 3 + _width(digit)
    assert len(seg.ink_runs(string)) == 1 + len(seg.ink_runs(digit))  # its pieces stay apart
    assert seg.inked_extent(np.zeros((28, 28))) == slice(0, 0)


def test_strings_keep_mnist_grey_levels(mnist):
    """uint8 digits make a uint8 string with the same levels (a float copy of 0-255 levels
    used to be clipped to 0-1 by to_mnist: every segment came out black and white)."""
    images = mnist[2].images[:2]
    string = seg.join_digits(images, [3])
    assert string.dtype == np.uint8
    assert sorted(np.unique(string)) == sorted(np.unique(images))
    first = string[:, : seg.ink_runs(string)[0][1]]
    np.testing.assert_array_equal(to_mnist(first), to_mnist(images[0].reshape(28, 28)))


def test_max_width_is_the_widest_mnist_digit(mnist):
    inked = mnist[0].images.reshape(-1, 28, 28).max(axis=1) > 0  # (n, 28) inked columns
    widths = 28 - np.argmax(inked[:, ::-1], axis=1) - np.argmax(inked, axis=1)
    assert widths.max() == seg.MAX_WIDTH == 20


def test_allowed_segments_by_hand():
    cuts = [0, 8, 15, 30, 38]  # the piece 15-30 is wider than 20 columns but cannot be cut
    assert seg.allowed_segments(cuts) == [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4)]
    assert seg.allowed_segments(cuts, max_width=99) == [
        (i, j) for i in range(4) for j in range(i + 1, 5)
    ]


def test_score_is_the_log_of_the_largest_output():
    outputs = np.array([[0.1, 0.8, 0.3], [0.5, 0.05, 0.2]])
    labels, scores = seg.score_segments([np.ones((28, 5))] * 2, lambda _: outputs)
    assert labels.tolist() == [1, 0]
    np.testing.assert_allclose(scores, [np.log(0.8), np.log(0.5)])
    _, never_minus_inf = seg.score_segments([np.ones((28, 5))], lambda _: np.zeros((1, 10)))
    assert np.isfinite(never_minus_inf).all()


def _best_by_brute_force(run, classify):
    """Every allowed choice of cuts scored in full: (labels, cuts) of the best."""
    cuts = seg.ink_minima(run)
    best = None
    for k in range(len(cuts) - 1):
        for inner in combinations(cuts[1:-1], k):
            bounds = [0, *inner, run.shape[1]]
            if any(b - a > seg.MAX_WIDTH and (a, b) not in zip(cuts, cuts[1:])
                   for a, b in zip(bounds, bounds[1:])):  # fmt: skip
                continue
            pieces = [run[:, a:b] for a, b in zip(bounds[:-1], bounds[1:])]
            labels, scores = seg.score_segments(pieces, classify)
            if best is None or scores.sum() > best[0] + 1e-12:
                best = (scores.sum(), labels.tolist(), list(inner))
    return best[1], best[2]


def test_dynamic_programming_finds_the_best_segmentation(mnist, reader):
    test = mnist[2]
    rng = np.random.default_rng(5)
    for _ in range(6):
        chosen = rng.choice(len(test.labels), size=2, replace=False)
        run = seg.join_digits(test.images[chosen], [int(rng.integers(-2, 1))])
        if len(seg.ink_runs(run)) != 1:
            continue
        labels, cuts = seg.read_run(run, reader.feedforward)
        assert (labels, cuts) == _best_by_brute_force(run, reader.feedforward)
        bounds = [0, *cuts, run.shape[1]]
        neighbours = set(zip(seg.ink_minima(run), seg.ink_minima(run)[1:]))
        widths = [(a, b) for a, b in zip(bounds, bounds[1:]) if b - a > seg.MAX_WIDTH]
        assert set(widths) <= neighbours  # only a piece that cannot be cut is wider


def test_reading_strings_beats_cutting_at_blank_columns(mnist, reader):
    _, validation, _ = mnist
    touching = seg.random_strings(validation.images, validation.labels, 40, True, rng=0)
    apart = seg.random_strings(validation.images, validation.labels, 40, False, rng=1)

    def accuracy(strings, read):
        return np.mean([read(s) == digits for s, digits in strings])

    def ours(s):
        return seg.read_string(s, reader.feedforward)

    def naive(s):
        return seg.read_by_blank_columns(s, reader.feedforward)

    assert accuracy(touching, naive) == 0  # blank columns never separate touching digits
    assert accuracy(touching, ours) >= 0.25  # about half with this quickly trained reader
    assert accuracy(apart, ours) >= 0.35


def test_digit_pad_reads_drawn_digits(reader):
    from lectures_lib.interactive import DigitPad

    pad = DigitPad(reader)
    assert pad.prediction is None
    pad.add_stroke([(140, 40), (140, 240)])  # a "1"
    assert pad.prediction == 1
    pad.clear()
    pad.add_stroke([(80, 60), (200, 60), (110, 240)])  # notebook 11's "7"
    assert pad.prediction == 7
    pad.clear()
    angles = np.linspace(0, 2 * np.pi, 40)
    pad.add_stroke(list(zip(140 + 60 * np.cos(angles), 140 + 90 * np.sin(angles))))  # a "0"
    assert pad.prediction == 0
    assert pad.pen == PEN_WIDTH  # the pad draws with the pen that makes MNIST's stroke width
    bars = [ax for ax in pad.figure.axes if ax.patches]  # beside the 28 x 28 image it reads
    assert len(bars) == 1
    np.testing.assert_allclose([p.get_height() for p in bars[0].patches], pad.outputs)
    pad.clear()
    assert pad.prediction is None and not pad.outputs.any()


def _bar(width: int) -> np.ndarray:
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[4:24, 10 : 10 + width] = 255
    return digit


@pytest.mark.parametrize("gap", [2.5, "3", None, float("nan"), True])
def test_a_gap_that_is_not_a_whole_number_of_columns_is_refused(gap):
    with pytest.raises(ValueError, match=r"gaps\[0\] .* must be a whole number of columns"):
        seg.join_digits([_bar(5), _bar(5)], [gap])


def test_an_overlap_wider_than_a_digit_is_refused():
    """-100 put the second digit 95 columns left of the first; -3 (the narrower digit's
    width) is the most overlap allowed, and np.int64 gaps are whole numbers too."""
    with pytest.raises(ValueError, match=r"gaps\[0\] .* is -100: .* use a gap of -3 or more"):
        seg.join_digits([_bar(5), _bar(3)], [-100])
    with pytest.raises(ValueError, match="use a gap of -3 or more"):
        seg.join_digits([_bar(5), _bar(3)], [-4])
    string = seg.join_digits([_bar(5), _bar(3)], [np.int64(-3)])
    assert string.shape == (28, 5) and seg.inked_extent(string) == slice(0, 5)
