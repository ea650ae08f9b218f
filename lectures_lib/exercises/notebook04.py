"""Exercises of notebook 04: a classifier that always says 1 (on the validation images),
and one-hot targets."""

from __future__ import annotations

import functools
import re

import numpy as np

from lectures_lib.encoding import one_hot
from lectures_lib.exercises.checking import Function, Value, section


@functools.cache
def _labels(split: int) -> np.ndarray:
    """The labels of MNIST's training (0), validation (1) or test (2) images."""
    from lectures_lib.data import load_mnist

    return load_mnist(progressbar=False)[split].labels


def _ones(split: int = 1) -> int:
    return int(np.sum(_labels(split) == 1))


always_one = Value(
    id="04.always_one",
    expected=_ones,  # the question asks about the validation images
    count=True,
    slips=(
        (
            lambda: _ones() / len(_labels(1)),
            "that is the fraction; the question asks how many images (a count)",
        ),
        (
            lambda: 100 * _ones() / len(_labels(1)),
            "that is a percentage; the question asks how many images (a count)",
        ),
        (
            lambda: len(_labels(1)) / 10,
            "one in ten would be right if every digit were equally common, but they are not",
        ),
        (
            lambda: _ones(2),
            "that is the number of 1s among the test images; the question asks about the "
            "10,000 validation images",
        ),
        (
            lambda: _ones(0),
            "that is the number of 1s among the 50,000 training images; the question asks "
            "about the 10,000 validation images",
        ),
    ),
    hints=(
        "It is right exactly on the validation images whose label is 1.",
        section("04", "How many of each digit?", "bincount")
        + " counts how often each digit occurs in the test set, with np.bincount; "
        "do the same with validation.labels.",
    ),
)


def _cases(rng):
    return [
        (rng.integers(0, 10, 7),),
        (rng.permutation(10),),
        (np.array([3]),),
        (rng.integers(0, 10, 25),),
    ]


def _one_row_with_all(labels):
    row = np.zeros(10)
    row[labels] = 1
    return row


def _one_hot_advice(error):
    if not isinstance(error, IndexError):
        return None
    size = re.search(r"size (\d+)", str(error))
    if size and int(size.group(1)) != 10:
        return (
            f"An array with {size.group(1)} rows or columns where there should be 10: "
            "np.eye(len(labels)) has one column per label, but the targets have one column "
            "per digit, 10 of them: np.eye(10)."
        )
    return "A column 10 or more does not exist: digit d has its 1 in column d, columns 0 to 9."


one_hot_targets = Function(
    id="04.one_hot_targets",
    signature="one_hot_targets(labels)",
    cases=_cases,
    reference=one_hot,
    against="lectures_lib.encoding.one_hot",
    refuse=("lectures_lib.encoding:one_hot",),
    rtol=0,
    atol=0,
    slips=(
        (
            lambda labels: one_hot(labels).T,
            "transposed: the targets have one row per label, shape (n, 10)",
        ),
        (
            lambda labels: np.roll(one_hot(labels), -1, axis=1),
            "the 1 is one column too far left: positions count from 0, so digit d has its 1 "
            "in column d (digit 0 in the first column)",
        ),
        (
            lambda labels: one_hot(labels)[0],
            "that is the row of the first label only: the targets need a row for every label",
        ),
        (
            _one_row_with_all,
            "that is a single row of 10 with a 1 for every label: the targets need a row "
            "per label, shape (n, 10)",
        ),
    ),
    advice=_one_hot_advice,
    hints=(
        section("04", "Inputs and targets: 784 in, 10 out", "one_hot")
        + " builds the target for one label. Here every label of the "
        "array gets its own row.",
        "Start from zeros of shape (len(labels), 10); row i needs a 1 in column labels[i].",
        "A loop over the rows works. Without one: indexing with two arrays, "
        "Y[rows, columns], reaches one entry per (row, column) pair. Which rows, and "
        "which columns?",
    ),
)

EXERCISES = (always_one, one_hot_targets)
