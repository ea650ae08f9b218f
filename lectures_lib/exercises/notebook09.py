"""Exercises of notebook 09: counting segmentations, the accuracy of a string, and the
confidence score of a segmentation."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from lectures_lib.exercises.checking import Function, Value, section
from lectures_lib.neurons import sigmoid

N_CUTS = 3  # 09.segmentations: candidate cuts inside a string
DIGIT_ACCURACY, N_DIGITS = 0.975, 5  # 09.string_accuracy


def _segmentations(n_cuts: int) -> int:
    """Every choice of cuts, listed the way notebook 09 lists them, and counted."""
    return sum(1 for k in range(n_cuts + 1) for _ in combinations(range(n_cuts), k))


segmentations = Value(
    id="09.segmentations",
    expected=lambda: _segmentations(N_CUTS),
    count=True,
    slips=(
        (lambda: N_CUTS, "that counts the cuts; a segmentation is a choice of which to make"),
        (lambda: 2 * N_CUTS, "each cut is made or not, independently: 2 · 2 · 2, not 2 · 3"),
        (lambda: N_CUTS + 1, "that is how many pieces all the cuts make together"),
        (
            lambda: _segmentations(N_CUTS) - 1,
            "the segmentation with no cut at all counts too: the whole run read as one digit",
        ),
    ),
    hints=(
        "A segmentation is a choice, for every candidate cut, of making it or not.",
        "With one cut there are 2 segmentations: cut, or not. What does a second cut, "
        "made or not, do to that count?",
    ),
)

string_accuracy = Value(
    id="09.string_accuracy",
    expected=lambda: DIGIT_ACCURACY**N_DIGITS,
    decimals=4,
    slips=(
        (lambda: DIGIT_ACCURACY, "that is one digit; all five must be right"),
        (
            lambda: 1 - N_DIGITS * (1 - DIGIT_ACCURACY),
            "the chances of error do not add up: the chances of being right multiply",
        ),
    ),
    hints=(
        "The string is right only if the first digit is right, and the second, and so on.",
        "For independent events, the probability that all of them happen is the product "
        "of their probabilities.",
    ),
)


def _library_score(outputs) -> float:
    """lectures_lib.segmentation's score of a segmentation, for the network's outputs
    (k, 10) on its k segments: the sum of the segments' scores."""
    from lectures_lib import segmentation

    blank_segments = [np.zeros((28, 1))] * len(outputs)
    _, scores = segmentation.score_segments(blank_segments, lambda _: outputs)
    return float(np.sum(scores))


def _cases(rng):
    return [(sigmoid(rng.normal(0, 3, (k, 10))),) for k in (3, 1, 5, 4)]


segmentation_score = Function(
    id="09.segmentation_score",
    signature="segmentation_score(outputs)",
    cases=_cases,
    reference=_library_score,
    against="lectures_lib.segmentation.score_segments",
    slips=(
        (
            lambda outputs: np.sum(outputs.max(axis=1)),
            "you added the confidences themselves. The score adds their logarithms, that "
            "is, it multiplies them: then a single unsure segment pulls the whole "
            "segmentation down",
        ),
        (
            lambda outputs: np.prod(outputs.max(axis=1)),
            "that is the product of the confidences, e^score: return its logarithm, the "
            "sum of the logs (a product of many numbers below 1 soon underflows to 0)",
        ),
        (
            lambda outputs: np.mean(np.log(outputs.max(axis=1))),
            "the mean of the logs: the score is their sum, over every segment",
        ),
        (
            lambda outputs: np.sum(np.log(outputs.max(axis=0))),
            "outputs.max(axis=0) is the largest output for each digit, over all segments; a "
            "segment's confidence is the largest of its own ten outputs, axis=1",
        ),
        (
            lambda outputs: np.sum(np.log(outputs)),
            "only the largest output of each segment counts, the one of the digit it is read as",
        ),
        (
            lambda outputs: np.min(np.log(outputs.max(axis=1))),
            "that is the weakest segment alone: the score adds the log-confidence of every segment",
        ),
    ),
    hints=(
        section("09", "Segmentation by confidence", "confidence")
        + ": a segment's confidence is the network's largest output "
        "for it; a segmentation scores high when the network is confident in every segment.",
        "Each row of outputs is one segment. Take the largest value of each row, then "
        "the logarithm of each.",
        "The score adds those logarithms over the segments: one number.",
    ),
)

EXERCISES = (segmentations, string_accuracy, segmentation_score)
