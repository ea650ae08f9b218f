"""Exercises of notebook 08: the price of ten outputs, and reading four output bits as the
nearest digit."""

from __future__ import annotations

import numpy as np

from lectures_lib.encoding import binary_codes, decode_nearest
from lectures_lib.exercises.cases import count_parameters
from lectures_lib.exercises.checking import Function, Value, section

extra_parameters = Value(
    id="08.extra_parameters",
    expected=lambda: count_parameters([784, 30, 10]) - count_parameters([784, 30, 4]),
    count=True,
    slips=(
        (
            lambda: (10 - 4) * 30,
            "you counted the weights only: each output neuron has a bias too",
        ),
        (lambda: 10 - 4, "each extra output neuron has 30 weights as well as its bias"),
        (
            lambda: count_parameters([30, 10]),
            "that is every parameter of the ten output neurons; the question asks how many "
            "more than the four of the binary network have",
        ),
    ),
    hints=(
        "The two networks differ only in their output layer: 10 neurons against 4.",
        "Each output neuron has one weight per hidden neuron, and a bias.",
    ),
)


def _cases(rng):
    codes = binary_codes()
    beyond_nine = np.clip(
        np.vstack([(d >> np.arange(3, -1, -1)) & 1 for d in range(10, 16)])
        + rng.uniform(-0.3, 0.3, (6, 4)),
        0,
        1,
    )
    return [
        (rng.uniform(0, 1, (12, 4)),),
        (codes[rng.permutation(10)],),
        (beyond_nine,),  # would round to 10-15, which are no digits
        (rng.uniform(0, 1, (1, 4)),),
        (rng.uniform(0, 1, (40, 4)),),
    ]


def _rounded(outputs):
    return np.round(outputs) @ np.array([8, 4, 2, 1])


def _squared_distances(outputs):
    return ((outputs[:, np.newaxis, :] - binary_codes()[np.newaxis]) ** 2).sum(axis=2)


decode_bits = Function(
    id="08.decode_bits",
    signature="decode_bits(outputs)",
    cases=_cases,
    reference=decode_nearest,
    against="lectures_lib.encoding.decode_nearest",
    rtol=0,
    atol=0,
    refuse=("lectures_lib.encoding:decode_nearest",),
    slips=(
        (
            _rounded,
            "you rounded each output to a bit and read the number: (0.9, 0.1, 0.9, 0.9) "
            "becomes 1011 = 11, which is no digit. Choose the nearest of the ten valid codes",
        ),
        (
            lambda outputs: decode_nearest(outputs[:, ::-1]),
            "the bits are read in reverse order: the first output is the most significant "
            "bit, worth 8 (the code of 6 is 0110)",
        ),
        (
            _squared_distances,
            "those are the (squared) distances to the ten codes: return, for each row, the "
            "digit whose code is nearest (np.argmin over axis 1)",
        ),
        (
            lambda outputs: np.argmin(_squared_distances(outputs), axis=0),
            "np.argmin over the wrong axis: each row (one image's outputs) needs the digit "
            "whose code is nearest, so take the minimum over the ten codes, axis 1",
        ),
    ),
    hints=(
        section("08", "Two encodings of the answer", "nearest")
        + ": a row of four outputs is read as the digit 0-9 whose "
        "4-bit code is nearest to it. binary_codes() gives the ten codes as rows.",
        "For one row: the squared distance to each code is the sum of (output − bit)² "
        "over the four bits; the answer is the digit with the smallest one.",
        "A loop over the rows works. Without one, broadcasting gives every difference at "
        "once: an array (n, 1, 4) minus one (1, 10, 4) has shape (n, 10, 4).",
    ),
)

EXERCISES = (extra_parameters, decode_bits)
