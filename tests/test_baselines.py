"""The lecture's baselines: right answers on hand-made cases, clear errors on bad input."""

import numpy as np
import pytest

from lectures_lib import baselines


def toy_images():
    """Ten images of 4 pixels: digit d has 25 * d grey levels of ink in one pixel."""
    images = np.zeros((10, 4), dtype=np.uint8)
    images[:, 0] = 25 * np.arange(10)
    return images, np.arange(10)


def test_average_darkness_by_hand():
    images, labels = toy_images()
    np.testing.assert_array_equal(baselines.average_darkness(images, labels), 25 * np.arange(10))
    guessed = baselines.classify_by_darkness(images + 3, 25.0 * np.arange(10))
    np.testing.assert_array_equal(guessed, labels)


def test_labels_as_a_list_give_the_same_means():
    """A list used to compare unequal to every digit: NaN means, every image read as 0."""
    images, labels = toy_images()
    means = baselines.average_darkness(images, labels.tolist())
    np.testing.assert_array_equal(means, baselines.average_darkness(images, labels))
    assert np.isfinite(means).all()


def test_a_missing_digit_is_named():
    images, labels = toy_images()
    with pytest.raises(ValueError, match=r"no image of the digit\(s\) \[3\]"):
        baselines.average_darkness(images[labels != 3], labels[labels != 3])


@pytest.mark.parametrize(
    "labels, message",
    [
        (np.arange(9), "10 integers, one per input"),  # one label short
        (np.arange(10) + 0.5, "10 integers, one per input"),  # not whole
        (np.arange(10) + 1, r"0\.\.9"),  # 10 is no digit
    ],
)
def test_bad_labels_are_explained(labels, message):
    images, _ = toy_images()
    with pytest.raises(ValueError, match=message):
        baselines.average_darkness(images, labels)


@pytest.mark.parametrize("means", [np.zeros(9), np.full(10, np.nan)])
def test_bad_means_are_explained(means):
    images, _ = toy_images()
    with pytest.raises(ValueError, match="10 finite numbers"):
        baselines.classify_by_darkness(images, means)


def test_darkness_of_bytes_does_not_overflow():
    """784 pixels of full ink: 784 * 255 = 199,920, beyond what 16 bits can hold."""
    full = np.full((2, 784), 255, dtype=np.uint8)
    np.testing.assert_array_equal(baselines.darkness(full), [784 * 255, 784 * 255])
    with pytest.raises(ValueError, match=r"shape \(n, 784\)"):
        baselines.darkness(full[0])
