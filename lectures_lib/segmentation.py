"""Read a string of handwritten digits: cut it into digits by the classifier's confidence.

Derived in ``notebooks/09_segmentation.ipynb``.  A string is a grey image (28, width),
ink high: uint8 levels 0-255 like MNIST's, or floats from 0 to 1 (see `preprocess`).
The lecture's idea: try many segmentations and keep the one whose every segment the
classifier is confident about.  A segmentation's score is the sum of its segments'
log-confidences (the log of the classifier's largest output), and no segment may be
wider than `MAX_WIDTH` columns, the widest a digit is in MNIST.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from threadpoolctl import threadpool_limits

from lectures_lib.preprocess import to_mnist

MAX_WIDTH = 20
"""MNIST scaled every digit to fit a 20 x 20 box: no digit is wider than 20 columns (the
widest of the training set is exactly 20; checked in tests/test_segmentation.py)."""


def inked_extent(image) -> slice:
    """The columns of an image (28, w) from its first inked column to its last, as a
    slice (empty for a blank image); blank columns between them are kept."""
    inked = np.flatnonzero(np.asarray(image).max(axis=0) > 0)
    return slice(int(inked[0]), int(inked[-1]) + 1) if inked.size else slice(0, 0)


def join_digits(images, gaps) -> np.ndarray:
    """A string (28, width) of 28 x 28 digits side by side.

    Each digit is cropped to the columns from its first inked column to its last: the
    blank margins go, a blank column inside a digit (a broken stroke, a speck of ink
    apart from the stroke) stays.  gaps[i] blank columns separate digit i from digit
    i + 1; a gap <= 0 makes them touch or overlap (ink combined with max).  The string
    keeps the digits' grey levels and dtype: MNIST's uint8 digits give a uint8 string.
    """
    images = [np.asarray(im) for im in images]
    if not images:
        raise ValueError("join_digits needs at least one digit")
    if any(im.size != 784 for im in images):
        raise ValueError("each digit must be a 28 x 28 image (or its 784 pixels in a row)")
    images = [im.reshape(28, 28) for im in images]
    if len(gaps) != len(images) - 1:
        raise ValueError(f"{len(images)} digits need {len(images) - 1} gaps, got {len(gaps)}")
    pieces = [im[:, inked_extent(im)] for im in images]
    gaps = [check_gap(g, i, pieces[i].shape[1], pieces[i + 1].shape[1]) for i, g in enumerate(gaps)]
    steps = [p.shape[1] + g for p, g in zip(pieces, gaps)]
    starts = np.concatenate([[0], np.cumsum(steps, dtype=int)])  # one digit: no steps
    starts -= min(starts.min(), 0)
    width = max(int(max(s + p.shape[1] for s, p in zip(starts, pieces))), 1)
    out = np.zeros((28, width), dtype=np.result_type(*images))
    for x, piece in zip(starts, pieces):
        out[:, x : x + piece.shape[1]] = np.maximum(out[:, x : x + piece.shape[1]], piece)
    return out


def check_gap(gap, i: int, left: int, right: int) -> int:
    """gaps[i] as an int, or a ValueError: a whole number of columns, overlapping the two
    digits (inked widths ``left`` and ``right``) by at most the narrower one's width, so
    that digit i + 1 never starts left of digit i."""
    name = f"gaps[{i}] (columns between digits {i} and {i + 1})"
    if not _is_whole(gap):
        raise ValueError(f"{name} must be a whole number of columns, got {gap!r}")
    if gap < -min(left, right):
        raise ValueError(
            f"{name} is {gap}: that overlap puts digit {i + 1} left of digit {i} (their inked "
            f"widths are {left} and {right} columns); use a gap of -{min(left, right)} or more"
        )
    return int(gap)


def _is_whole(value) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(value)
        and float(value).is_integer()
    )


def ink_runs(string) -> list[tuple[int, int]]:
    """(start, stop) of every run of inked columns: the pieces between blank columns."""
    inked = np.asarray(string).max(axis=0) > 0
    runs, start = [], None
    for c, on in enumerate(np.append(inked, False)):
        if on and start is None:
            start = c
        elif not on and start is not None:
            runs.append((start, c))
            start = None
    return runs


def ink_minima(run) -> list[int]:
    """Candidate cuts inside a run (28, w): both ends and every local minimum of the
    column ink, where two touching digits are most likely joined."""
    ink = np.asarray(run).sum(axis=0)
    inner = [c for c in range(1, len(ink) - 1) if ink[c] <= ink[c - 1] and ink[c] <= ink[c + 1]]
    return [0, *inner, len(ink)]


def score_segments(segments, classify):
    """(labels (k,), scores (k,)) of k image segments: each read as the classifier's most
    active output, scored log(confidence), the log of that largest output."""
    outputs = classify(np.array([to_mnist(s) for s in segments]))
    labels = outputs.argmax(axis=1)
    scores = np.log(np.maximum(outputs.max(axis=1), 1e-300))  # an output of 0: no log(0)
    return labels, scores


def allowed_segments(cuts, max_width: int = MAX_WIDTH) -> list[tuple[int, int]]:
    """(i, j) for every segment from cuts[i] to cuts[j] that may be one digit: at most
    ``max_width`` columns wide, or lying between two neighbouring cuts (it cannot be
    split further, so it must be read as one digit however wide it is)."""
    last = len(cuts) - 1
    return [
        (i, j)
        for i in range(last)
        for j in range(i + 1, last + 1)
        if cuts[j] - cuts[i] <= max_width or j == i + 1
    ]


def read_run(run, classify, max_width: int = MAX_WIDTH):
    """The best reading of one inked run (28, w): (labels, cuts).

    Every allowed segment between two candidate cuts (`allowed_segments`) is scored
    log(confidence), with the confidence the classifier's largest output; dynamic
    programming finds the cuts whose segments' scores add up to the most.
    """
    run = np.asarray(run)
    cuts = ink_minima(run)
    last = len(cuts) - 1
    pairs = allowed_segments(cuts, max_width)
    labels, score = score_segments([run[:, cuts[i] : cuts[j]] for i, j in pairs], classify)
    best = {0: (0.0, -1)}  # cut index -> (best total score up to it, previous cut)
    for j in range(1, last + 1):
        best[j] = max((best[i][0] + s, i) for (i, jj), s in zip(pairs, score) if jj == j)
    found, j = [], last
    label_of = dict(zip(pairs, labels))
    while j > 0:
        i = best[j][1]
        found.append((int(label_of[(i, j)]), cuts[i]))
        j = i
    found.reverse()
    return [label for label, _ in found], [cut for _, cut in found[1:]]


def read_string(string, classify, max_width: int = MAX_WIDTH) -> list[int]:
    """The digits of a string: cut at blank columns, then split each run by `read_run`.

    BLAS is held to one thread meanwhile: the classifier reads a few segments at a time,
    and for products that small a second thread costs more than it saves (measured on two
    busy cores: 200 strings took 7-11 s with two BLAS threads, 1.8 s with one).
    """
    digits = []
    with threadpool_limits(limits=1, user_api="blas"):
        for start, stop in ink_runs(string):
            digits += read_run(np.asarray(string)[:, start:stop], classify, max_width)[0]
    return digits


def read_by_blank_columns(string, classify) -> list[int]:
    """The naive baseline: one digit per run of inked columns."""
    runs = [np.asarray(string)[:, a:b] for a, b in ink_runs(string)]
    if not runs:
        return []
    return [int(d) for d in classify(np.array([to_mnist(r) for r in runs])).argmax(axis=1)]


def random_strings(images, labels, n: int, touching: bool, rng=None):
    """n strings of 3-6 random digits: gaps of 2-6 blank columns, or -2 to 0 (touching).

    Returns a list of (string (28, width), digits).
    """
    rng = np.random.default_rng(rng)
    images, labels, strings = np.asarray(images), np.asarray(labels), []
    for _ in range(n):
        k = int(rng.integers(3, 7))
        chosen = rng.choice(len(labels), size=k, replace=False)
        gaps = rng.integers(-2, 1, k - 1) if touching else rng.integers(2, 7, k - 1)
        strings.append((join_digits(images[chosen], list(gaps)), [int(d) for d in labels[chosen]]))
    return strings
