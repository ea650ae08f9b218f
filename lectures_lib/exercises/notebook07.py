"""Exercises of notebook 07: the spread of a weighted input, and when to stop training."""

from __future__ import annotations

import numpy as np

from lectures_lib.exercises.checking import Function, Value

N_INPUTS = 100  # 07.z_spread: a neuron with 100 inputs, all 1, weights drawn from N(0, 1)

z_spread = Value(
    id="07.z_spread",
    # z = Σ w_k is a sum of independent N(0, 1) draws: the variances add up
    expected=lambda: np.sqrt(N_INPUTS * 1.0**2),
    slips=(
        (
            lambda: N_INPUTS * 1.0**2,
            "that is the variance of z; its standard deviation is the square root",
        ),
        (lambda: 1.0, "that is the spread of one weight: a sum of 100 of them spreads more"),
        (lambda: 0.0, "the mean of z is 0, but it spreads around that mean"),
        (
            lambda: np.sqrt(784 * 1.0**2),
            "that is √784, the spread for 784 inputs, as a hidden neuron of the "
            "[784, 30, 10] network has; this neuron has 100 inputs",
        ),
    ),
    hints=(
        "z is a sum of 100 independent random numbers, each with mean 0 and variance 1.",
        "For independent terms the variances add up; the standard deviation is the "
        "square root of the variance.",
    ),
)


def stop_now(accuracies, patience) -> bool:
    """The stopping rule of runs.sgd(..., patience=k): True once the best validation
    accuracy so far is ``patience`` or more epochs old.

    accuracies: the validation accuracy after each epoch so far (at least one).  Only a
    new best counts as an improvement: a tie with the best does not.
    """
    best_epoch = int(np.argmax(accuracies))  # the first epoch that reached the best
    return len(accuracies) - 1 - best_epoch >= patience


SEQUENCES = (
    [90, 91, 91, 90, 89, 92, 92, 92, 88],
    [93, 92, 94, 94, 93, 92, 95, 91, 90, 90],
    [80, 85, 84, 86, 85, 85, 85, 87, 86, 84],
    [50, 50, 50, 50],
    [70, 72, 74, 76, 78],
)


def _cases(rng):
    random_runs = [rng.integers(90, 96, 10).tolist() for _ in range(3)]  # Python ints
    return [
        (list(sequence[:epochs]), patience)
        for sequence in (*SEQUENCES, *random_runs)
        for epochs in range(1, len(sequence) + 1)
        for patience in (1, 2, 3)
    ]


def _no_rise_since_previous(accuracies, patience):
    recent = accuracies[-patience - 1 :]
    return len(recent) == patience + 1 and all(b <= a for a, b in zip(recent, recent[1:]))


def _ties_improve(accuracies, patience):
    last_best = len(accuracies) - 1 - int(np.argmax(accuracies[::-1]))
    return len(accuracies) - 1 - last_best >= patience


should_stop = Function(
    id="07.should_stop",
    signature="should_stop(accuracies, patience)",
    cases=_cases,
    reference=stop_now,
    against="the stopping rule of runs.sgd(..., patience=k)",
    slips=(
        (
            _no_rise_since_previous,
            "you compare each epoch with the one before it; patience counts the epochs "
            "since the best accuracy so far, so a rise that stays below the best does not "
            "reset it",
        ),
        (
            _ties_improve,
            "a tie with the best is not an improvement: only a new best resets the count",
        ),
        (
            lambda accuracies, patience: not stop_now(accuracies, patience),
            "True and False are swapped: should_stop is True when training should stop",
        ),
        (
            lambda accuracies, patience: stop_now(accuracies, patience - 1),
            "one epoch too early: with patience k, stop once k epochs in a row have not "
            "improved on the best, not k − 1",
        ),
        (
            lambda accuracies, patience: stop_now(accuracies, patience + 1),
            "one epoch too late: with patience k, stop as soon as k epochs in a row have "
            "not improved on the best",
        ),
    ),
    hints=(
        "Find the epoch with the best accuracy so far, then count the epochs after it.",
        "If the best was reached more than once, the first time counts: a tie is not an "
        "improvement. np.argmax returns the first position of the largest value.",
        "The last epoch is len(accuracies) − 1. Stop when it is patience or more epochs "
        "after the best one.",
    ),
)

EXERCISES = (z_spread, should_stop)
