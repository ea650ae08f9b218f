"""Exercises of notebook 02: one gradient by the chain rule, the 1/√m spread, and the mean
gradient of a mini-batch."""

from __future__ import annotations

import numpy as np

from lectures_lib import regression
from lectures_lib.exercises.checking import Function, Value, section

# The question's example: w = (1, 1), b = 0, one example x = (2, 3) with target y = 2.
W, B, X_ONE, Y_ONE = np.array([1.0, 1.0]), 0.0, np.array([[2.0, 3.0]]), np.array([2.0])


def _one_example():
    """(dL/dw (2,), dL/db) for the question's example, from lectures_lib.regression."""
    return regression.gradients(regression.Params(W, B), X_ONE, Y_ONE)


grad_w2 = Value(
    id="02.grad_w2",
    expected=lambda: _one_example()[0][1],
    slips=(
        (
            lambda: _one_example()[1],
            "that is ∂L/∂b; for w₂ the chain rule multiplies ∂L/∂ŷ by ∂ŷ/∂w₂ = x₂",
        ),
        (
            lambda: _one_example()[0][0],
            "that is ∂L/∂w₁, which multiplies by x₁; w₂ goes with x₂",
        ),
        (
            lambda: _one_example()[0][1] / 2,
            "the derivative of (ŷ − y)² is 2(ŷ − y): the factor 2 is missing",
        ),
        (
            lambda: -_one_example()[0][1],
            "check the sign: ∂L/∂ŷ = 2(ŷ − y), and here ŷ is larger than y",
        ),
        (
            lambda: Y_ONE[0] * _one_example()[0][1],
            "that is the slide's slip, 2y(ŷ − y)x₂, and with y = 2 also what a doubled "
            "factor gives, 4(ŷ − y)x₂: ∂L/∂ŷ = 2(ŷ − y), with a single 2 and no y",
        ),
    ),
    hints=(
        "First the prediction: ŷ = w₁x₁ + w₂x₂ + b for this example.",
        "The chain rule: ∂L/∂w₂ = ∂L/∂ŷ · ∂ŷ/∂w₂. "
        + section("02", "The model, the loss, and every gradient by the chain rule", "chain rule")
        + " has both factors.",
    ),
)

SPREAD_DIVIDED_BY = 3.0  # the question: divide the spread by 3

batch_growth = Value(
    id="02.batch_growth",
    # the spread falls like 1/√m: dividing it by 3 needs √m three times as large
    expected=lambda: SPREAD_DIVIDED_BY**2,
    slips=(
        (
            lambda: SPREAD_DIVIDED_BY,
            "multiplying m by 3 divides the spread by √3 only, not by 3",
        ),
        (
            lambda: np.sqrt(SPREAD_DIVIDED_BY),
            "that is what the spread is divided by when m is multiplied by 3",
        ),
        (
            lambda: 1 / SPREAD_DIVIDED_BY**2,
            "that is the factor for the other direction: a larger mini-batch has a smaller "
            "spread, so m must grow, by a factor larger than 1",
        ),
    ),
    hints=(
        section("02", "The polling analogy, measured", "√m")
        + " measured it: the spread of the mini-batch gradient falls like 1/√m.",
        "For the spread to become a third as large, how much larger must √m become? And m?",
    ),
)


def _cases(rng):
    cases = []
    for m in (5, 3, 8):
        X, y = rng.uniform(-1, 1, (m, 2)), rng.normal(size=m)
        cases.append((rng.normal(size=2), float(rng.normal()), X, y))
    return cases


def _reference(w, b, X, y):
    return regression.gradients(regression.Params(w, b), X, y)


def _scaled(factor):
    def model(w, b, X, y):
        dw, db = _reference(w, b, X, y)
        return factor * dw, factor * db

    return model


def _per_example(w, b, X, y):
    dL_dyhat = 2 * (X @ w + b - y)
    return dL_dyhat[:, np.newaxis] * X, dL_dyhat


def _slide(w, b, X, y):
    dL_dyhat = 2 * y * (X @ w + b - y)
    return dL_dyhat @ X / len(y), dL_dyhat.mean()


batch_gradients = Function(
    id="02.batch_gradients",
    signature="batch_gradients(w, b, X, y)",
    cases=_cases,
    reference=_reference,
    against="lectures_lib.regression.gradients",
    refuse=("lectures_lib.regression:gradients",),
    parts=("dL_dw", "dL_db"),
    slips=(
        (_scaled(-1), "wrong sign: ∂L/∂ŷ = 2(ŷ − y), not 2(y − ŷ)"),
        (_scaled(0.5), "the factor 2 of ∂(ŷ − y)²/∂ŷ = 2(ŷ − y) is missing"),
        (
            lambda w, b, X, y: _scaled(len(y))(w, b, X, y),
            "a missing 1/m: that is the sum over the mini-batch; the gradient of the mean "
            "loss is the mean of the examples' gradients",
        ),
        (
            lambda w, b, X, y: _reference(w, b, X[:1], y[:1]),
            "only the first example counts in your result: average over all m rows of X",
        ),
        (
            lambda w, b, X, y: (_reference(w, b, X, y)[0][::-1], _reference(w, b, X, y)[1]),
            "∂L/∂w₁ and ∂L/∂w₂ are swapped: w₁ goes with x₁, the first column of X",
        ),
        (_slide, "that is the slide's slip, with a stray y: ∂L/∂ŷ = 2(ŷ − y)"),
        (
            _per_example,
            "that is one gradient per example (one row each): average them over the "
            "mini-batch, to get one number per parameter",
        ),
    ),
    hints=(
        "Start from notebook 02's gradients_one, the chain rule for one example, and "
        "compute it for every row of X at once: ŷ = X @ w + b is all m predictions.",
        "∂L/∂ŷ = 2(ŷ − y) is then an array of m numbers. For w_i each is multiplied by "
        "x_i of its own row; for b by 1.",
        "The mini-batch's gradient is the mean of the m examples' gradients: one "
        "number for each of w₁, w₂ and b. A matrix product with X sums over the rows.",
    ),
)

EXERCISES = (grad_w2, batch_growth, batch_gradients)
