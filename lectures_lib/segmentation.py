"""Read a string of handwritten digits: cut it into digits by the classifier's confidence.

Derived in ``notebooks/08_segmentation.ipynb``.  A string is a grey image (28, width),
ink high.  The lecture's idea: try many segmentations and keep the one whose every
segment the classifier is confident about.
"""

from __future__ import annotations

import numpy as np

from lectures_lib.preprocess import to_mnist


def join_digits(images, gaps) -> np.ndarray:
    """A string (28, width) of 28 x 28 digits side by side, inked columns only.

    gaps[i] blank columns separate digit i from digit i + 1; a gap <= 0 makes them touch
    or overlap (ink combined with max).
    """
    images = [np.asarray(im, dtype=float).reshape(28, 28) for im in images]
    if len(gaps) != len(images) - 1:
        raise ValueError(f"{len(images)} digits need {len(images) - 1} gaps, got {len(gaps)}")
    pieces = [im[:, np.flatnonzero(im.max(axis=0) > 0)] for im in images]
    starts = np.concatenate([[0], np.cumsum([p.shape[1] + g for p, g in zip(pieces, gaps)])])
    starts -= min(starts.min(), 0)
    out = np.zeros((28, max(int(max(s + p.shape[1] for s, p in zip(starts, pieces))), 1)))
    for x, piece in zip(starts, pieces):
        out[:, x : x + piece.shape[1]] = np.maximum(out[:, x : x + piece.shape[1]], piece)
    return out


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


def width_log_prior(images, labels, max_width: int = 60) -> np.ndarray:
    """log P(width | digit), (10, max_width), from the inked widths of training digits."""
    inked = np.asarray(images).reshape(-1, 28, 28).max(axis=1) > 0
    widths = 28 - np.argmax(inked[:, ::-1], axis=1) - np.argmax(inked, axis=1)
    counts = np.ones((10, max_width))  # add-one smoothing: no width is impossible
    for digit in range(10):
        counts[digit] += np.bincount(widths[labels == digit], minlength=max_width)[:max_width]
    return np.log(counts / counts.sum(axis=1, keepdims=True))


def score_segments(segments, classify, log_prior, beta: float):
    """(labels (k,), scores (k,)) of image segments: log(confidence) + beta log P(width | label)."""
    outputs = classify(np.array([to_mnist(s) for s in segments]))
    labels = outputs.argmax(axis=1)
    widths = np.minimum([_inked_width(s) for s in segments], log_prior.shape[1] - 1)
    scores = np.log(np.maximum(outputs.max(axis=1), 1e-300)) + beta * log_prior[labels, widths]
    return labels, scores


def read_run(run, classify, log_prior, beta: float, max_width: int = 20):
    """The best reading of one inked run: (labels, cuts).

    Every segment between two candidate cuts (at most ``max_width`` wide, unless it is
    the whole run) is scored log(confidence) + beta * log P(width | label), with the
    confidence the classifier's largest output; dynamic programming finds the cuts
    whose segments' scores add up to the most.
    """
    run = np.asarray(run)
    cuts = ink_minima(run)
    last = len(cuts) - 1
    pairs = [
        (i, j)
        for i in range(last)
        for j in range(i + 1, last + 1)
        if cuts[j] - cuts[i] <= max_width or (i, j) == (0, last)
    ]
    labels, score = score_segments(
        [run[:, cuts[i] : cuts[j]] for i, j in pairs], classify, log_prior, beta
    )
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


def read_string(string, classify, log_prior, beta: float = 0.1) -> list[int]:
    """The digits of a string: cut at blank columns, then split each run by `read_run`."""
    digits = []
    for start, stop in ink_runs(string):
        digits += read_run(np.asarray(string)[:, start:stop], classify, log_prior, beta)[0]
    return digits


def read_by_blank_columns(string, classify) -> list[int]:
    """The naive baseline: one digit per run of inked columns."""
    runs = [np.asarray(string)[:, a:b] for a, b in ink_runs(string)]
    if not runs:
        return []
    return [int(d) for d in classify(np.array([to_mnist(r) for r in runs])).argmax(axis=1)]


def _inked_width(image) -> int:
    cols = np.flatnonzero(np.asarray(image).max(axis=0) > 0)
    return int(cols[-1] - cols[0] + 1) if cols.size else 0


def random_strings(images, labels, n: int, touching: bool, rng=None):
    """n strings of 3-6 random digits: gaps of 2-6 blank columns, or -2 to 0 (touching).

    Returns a list of (string (28, width), digits).
    """
    rng = np.random.default_rng(rng)
    strings = []
    for _ in range(n):
        k = int(rng.integers(3, 7))
        chosen = rng.choice(len(labels), size=k, replace=False)
        gaps = rng.integers(-2, 1, k - 1) if touching else rng.integers(2, 7, k - 1)
        strings.append((join_digits(images[chosen], list(gaps)), [int(d) for d in labels[chosen]]))
    return strings
