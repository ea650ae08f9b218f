"""Exercises of notebook 11: how much a drawing shrinks, and cropping it to its ink."""

from __future__ import annotations

import functools

import numpy as np

from lectures_lib.exercises.checking import Function, Value, section

CANVAS = 280  # 11.shrink: the drawing pad's canvas is 280 x 280 pixels


@functools.cache
def _box_side() -> int:
    """The side of the box MNIST fits a digit into, measured: a canvas full of ink, made
    MNIST-like by lectures_lib.preprocess.to_mnist, fills a square this many pixels wide."""
    from lectures_lib.preprocess import to_mnist

    inked_rows = np.flatnonzero(to_mnist(np.ones((CANVAS, CANVAS))).reshape(28, 28).max(axis=1))
    return len(inked_rows)


shrink = Value(
    id="11.shrink",
    expected=lambda: CANVAS / _box_side(),
    slips=(
        (
            lambda: CANVAS / 28,
            "28 × 28 is the whole image, but the digit is fitted into the box inside it",
        ),
        (
            lambda: _box_side() / CANVAS,
            "that is the fraction of its size that remains; the factor it shrinks by is "
            "the old size divided by the new one",
        ),
    ),
    hints=(
        "A drawing that fills the canvas has its longest side equal to the canvas's side.",
        "MNIST scales that longest side down to the side of its box "
        f"({section('09', 'Making a segment look like MNIST', '20 × 20')}).",
    ),
)


def crop_ink(image):
    """The smallest rectangle of ``image`` (h, w) that holds all its ink (pixels > 0), as
    lectures_lib.preprocess.to_mnist crops a digit before scaling it."""
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _blob(rng, shape, top, left, height, width):
    image = np.zeros(shape)
    image[top : top + height, left : left + width] = rng.uniform(0.05, 1, (height, width))
    image[top : top + height, left] = rng.uniform(0.05, 0.3, height)  # a pale left edge
    return image


def _gap_and_faint_edges(rng):
    """Two strokes with blank rows and columns between them, framed by faint ink (≤ 0.1)."""
    image = np.zeros((30, 30))
    image[6:12, 5:11] = rng.uniform(0.3, 1, (6, 6))
    image[18:25, 16:24] = rng.uniform(0.3, 1, (7, 8))  # rows 12-17, columns 11-15 blank
    image[4, 9] = image[27, 20] = image[15, 2] = image[10, 26] = rng.uniform(0.02, 0.1)
    return image


def _cases(rng):
    single = np.zeros((28, 28))
    single[9, 17] = 0.8
    return [
        (_gap_and_faint_edges(rng),),
        (_blob(rng, (28, 28), 5, 8, 14, 10),),
        (_blob(rng, (40, 30), 12, 3, 20, 18),),
        (single,),
        (_blob(rng, (20, 25), 0, 10, 20, 15),),  # ink touching the top, bottom and right
    ]


def _swapped(image):
    rows = np.flatnonzero(image.max(axis=0) > 0)
    cols = np.flatnonzero(image.max(axis=1) > 0)
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _dark_only(image):
    rows = np.flatnonzero(image.max(axis=1) > 0.5)
    cols = np.flatnonzero(image.max(axis=0) > 0.5)
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _threshold(level):
    def model(image):
        rows = np.flatnonzero(image.max(axis=1) > level)
        cols = np.flatnonzero(image.max(axis=0) > level)
        return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    return model


def _inked_only(image):
    """Every inked row and column, the blank ones between them dropped."""
    return image[np.flatnonzero(image.max(axis=1) > 0)][:, np.flatnonzero(image.max(axis=0) > 0)]


def _one_short(image):
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    return image[rows[0] : rows[-1], cols[0] : cols[-1]]


def _top_left_only(image):
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    return image[rows[0] :, cols[0] :]


crop_to_ink = Function(
    id="11.crop_to_ink",
    signature="crop_to_ink(image)",
    cases=_cases,
    reference=crop_ink,
    against="the crop of lectures_lib.preprocess.to_mnist",
    rtol=0,
    atol=0,
    slips=(
        (
            _one_short,
            "one row and one column short: a slice stops before its end, so to keep the "
            "last inked row r, slice up to r + 1",
        ),
        (
            _swapped,
            "rows and columns are swapped: a row has ink where image.max(axis=1) > 0, a "
            "column where image.max(axis=0) > 0",
        ),
        (
            _top_left_only,
            "blank rows and columns remain at the bottom and on the right: cut them too",
        ),
        (
            _inked_only,
            "blank rows or columns inside the digit are gone: the crop keeps everything "
            "from the first inked row to the last, blank rows between included (a 0 has a "
            "hole). Slice from the first to the last, instead of picking the inked ones",
        ),
        (
            _threshold(0.1),
            "faint ink counts too: a pixel is inked when it is above 0, however pale",
        ),
        (
            _dark_only,
            "pale grey counts as ink too: a pixel is inked when it is above 0",
        ),
    ),
    hints=(
        "Find the rows that hold some ink, and the columns that hold some ink.",
        "image.max(axis=1) > 0 says for each row whether it is inked; np.flatnonzero "
        "gives the positions of the True entries.",
        "Keep from the first inked row to the last one, and likewise for the columns. "
        "Mind that a slice a:b stops before b.",
    ),
)

EXERCISES = (shrink, crop_to_ink)
