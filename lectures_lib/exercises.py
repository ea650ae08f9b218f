"""Checkers for the exercises at the end of each notebook, with feedback that helps.

``check("01.gradient", answer)`` prints whether the answer is right and, when it is
not, what the likely slip was.  Solutions live apart, in ``solutions/answers.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Exercise:
    """The expected value, a tolerance, a hint, and {known wrong answer: what went wrong}."""

    expected: object
    hint: str
    slips: tuple = field(default_factory=tuple)  # ((wrong value, feedback), ...)
    rtol: float = 1e-3


def _sigma(z):
    return 1 / (1 + np.exp(-z))


EXERCISES = {
    "01.gradient": Exercise(
        (2.0, 12.0),
        "differentiate x² + 3y² once by x and once by y, then put in x = 1, y = 2",
        (
            ((1.0, 6.0), "the derivative of x² is 2x: you lost the factor 2"),
            ((-2.0, -12.0), "that is -∇C, the direction of the step; ∇C itself points uphill"),
            ((2.0, 6.0), "∂(3y²)/∂y = 6y, and y = 2 here"),
        ),
    ),
    "01.eta_limit": Exercise(
        0.5,
        "the Hessian of 2x² + y²/2 is diagonal; the limit is 2/λ_max",
        (
            (2.0, "that is 2/λ_min: the steepest direction (largest λ) diverges first"),
            (0.25, "1/λ_max is the best step for the steep direction; the limit is twice that"),
        ),
    ),
    "01.one_step": Exercise(
        (0.9, 1.8),
        "on the round bowl ∇C(v) = v; the update is v - η∇C(v)",
        (((1.1, 2.2), "you stepped uphill: the update subtracts η∇C"),),
    ),
    "02.grad_b": Exercise(
        2.0,
        "ŷ = 1·1 + 1·2 + 0 = 3; then ∂L/∂b = 2(ŷ - y)·1",
        (
            (1.0, "the derivative of (ŷ - y)² is 2(ŷ - y): you lost the factor 2"),
            (-2.0, "check the sign: ŷ - y, not y - ŷ"),
        ),
    ),
    "02.grad_w2": Exercise(
        4.0,
        "∂L/∂w₂ = 2(ŷ - y)·x₂ with ŷ = 3, y = 2, x₂ = 2",
        (
            (8.0, "that is the slide's slip 2y(ŷ - y)x₂, with a stray y: drop the y"),
            (2.0, "you forgot x₂: ∂ŷ/∂w₂ = x₂ = 2"),
        ),
    ),
    "02.batch_growth": Exercise(
        4.0,
        "the spread of the mini-batch estimate falls like 1/√m",
        ((2.0, "doubling m divides the spread by √2 only, not by 2"),),
    ),
    "03.sigmoid_prime_0": Exercise(
        0.25,
        "σ′(z) = σ(z)(1 - σ(z)), and σ(0) = 1/2",
        ((0.5, "that is σ(0); σ′(0) = σ(0)(1 - σ(0))"),),
    ),
    "03.sigmoid_prime_2": Exercise(
        float(_sigma(2.0) * (1 - _sigma(2.0))),
        "compute s = σ(2) first, then s(1 - s)",
        (
            (float(_sigma(2.0)), "that is σ(2); the derivative is σ(2)(1 - σ(2))"),
            (float(np.exp(-2.0)), "e^-z alone is not the derivative: σ′ = e^-z/(1 + e^-z)²"),
        ),
    ),
    "03.delta": Exercise(
        -0.032,
        "δ = ∂C/∂z = (a - y)·σ′(z), and σ′(z) = a(1 - a)",
        (
            (-0.2, "that is ∂C/∂a = a - y only: multiply by σ′(z) = a(1 - a) = 0.16"),
            (0.032, "check the sign: a - y = 0.8 - 1 is negative"),
        ),
    ),
    "04.always_one": Exercise(
        0.1135,
        "count the 1s among the 10,000 test images (np.bincount), as a fraction",
        ((0.1, "that is uniform guessing; the test set has more 1s than any other digit"),),
    ),
    "04.one_hot_3": Exercise(
        (0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
        "ten numbers, a 1 at position 3 counting from 0",
        (((0, 0, 1, 0, 0, 0, 0, 0, 0, 0), "positions count from 0: digit 0 is the first"),),
    ),
    "05.n_parameters": Exercise(
        79_510,
        "784·100 + 100·10 weights, plus one bias per hidden and output neuron",
        (
            (79_400, "you counted the weights only: add the 110 biases"),
            (79_510 - 110 + 794, "biases belong to neurons with inputs: not to the 784 pixels"),
        ),
    ),
    "05.steps": Exercise(
        5_000,
        "one step per mini-batch: 50,000 images in mini-batches of 10",
        ((50_000, "that is one step per example; SGD takes one per mini-batch"),),
    ),
    "06.total_steps": Exercise(
        150_000,
        "steps per epoch (50,000 / 10) times 30 epochs",
        ((30, "one step per mini-batch, not per epoch"),),
    ),
    "06.z_spread": Exercise(
        10.0,
        "variances of independent terms add: 100 terms of variance 1",
        (
            (100.0, "100 is the variance; the standard deviation is its square root"),
            (1.0, "that is one term's spread; the sum of 100 spreads more"),
        ),
    ),
    "07.code_of_5": Exercise(
        (0, 1, 0, 1),
        "5 = 4 + 1, written with four bits, most significant first",
        (((1, 0, 1, 0), "the most significant bit (8) comes first: 5 = 0101"),),
    ),
    "07.extra_parameters": Exercise(
        186,
        "six more output neurons, each with 30 weights and a bias",
        (
            (180, "you counted the weights only: each neuron has a bias too"),
            (6, "each extra neuron has 30 weights as well as its bias"),
        ),
    ),
    "08.segmentations": Exercise(
        8,
        "each of the 3 cuts is either made or not",
        (
            (3, "that counts the cuts; each may be made or not, independently"),
            (6, "2 × 3 is not 2³"),
        ),
    ),
    "08.string_accuracy": Exercise(
        0.975**5,
        "all five digits must be right: multiply the five probabilities",
        (
            (0.975, "that is one digit; all five must be right"),
            (0.875, "errors do not add up: multiply"),
        ),
    ),
    "09.shrink": Exercise(
        14.0,
        "the drawing's longest side goes from 280 pixels to 20",
        ((10.0, "28 is the image, but the digit is fitted into the 20 × 20 box inside it"),),
    ),
}


def _close(answer, value, rtol) -> bool:
    try:
        a = np.asarray(answer, dtype=float)
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == v.shape and bool(np.allclose(a, v, rtol=rtol, atol=1e-9))


def feedback(exercise_id: str, answer) -> tuple[bool, str]:
    """(right?, the message) for ``answer`` to the exercise ``exercise_id``."""
    if exercise_id not in EXERCISES:
        raise KeyError(f"no exercise {exercise_id!r}; the exercises are {sorted(EXERCISES)}")
    exercise = EXERCISES[exercise_id]
    if answer is None:
        return False, f"Not answered yet. Hint: {exercise.hint}."
    if _close(answer, exercise.expected, exercise.rtol):
        return True, "Correct!"
    for wrong, why in exercise.slips:
        if _close(answer, wrong, exercise.rtol):
            return False, f"Not quite: {why}."
    shape = np.shape(exercise.expected)
    if np.shape(answer) != shape:
        expected = "one number" if shape == () else f"{shape[0]} numbers"
        return False, f"The answer should be {expected}. Hint: {exercise.hint}."
    return False, f"Not yet. Hint: {exercise.hint}."


def check(exercise_id: str, answer) -> bool:
    """Print feedback on ``answer``; return True when it is right."""
    right, message = feedback(exercise_id, answer)
    print(f"{exercise_id}: {message}")
    return right
