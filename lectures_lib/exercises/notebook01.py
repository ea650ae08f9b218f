"""Exercises of notebook 01: a gradient by hand, the largest stable η, central differences."""

from __future__ import annotations

import numpy as np

from lectures_lib import descent, gradcheck, surfaces
from lectures_lib.exercises.checking import Function, Value, section

# Both costs of the questions are bowls C = (a x² + b y²)/2 from lectures_lib.surfaces.
X2_3Y2 = surfaces.quadratic(2.0, 6.0, "x² + 3y²")
TWO_X2_Y2_HALF = surfaces.quadratic(4.0, 1.0, "2x² + y²/2")
POINT = np.array([1.0, 2.0])


def _eigenvalues(surface):
    return np.linalg.eigvalsh(surface.hessian(np.zeros(2)))


gradient = Value(
    id="01.gradient",
    expected=lambda: X2_3Y2.gradient(POINT),
    slips=(
        (
            lambda: X2_3Y2.gradient(POINT) / 2,
            "the derivative of x² is 2x and that of 3y² is 6y: a factor 2 went missing",
        ),
        (
            lambda: -X2_3Y2.gradient(POINT),
            "that is −∇C, the direction gradient descent steps in; ∇C itself points uphill",
        ),
        (
            lambda: X2_3Y2.gradient(POINT[::-1]),
            "that is ∇C at (2, 1): here x = 1 and y = 2",
        ),
        (
            lambda: X2_3Y2.cost(POINT),
            "that is C itself; ∇C is the pair of its partial derivatives",
        ),
    ),
    hints=(
        "∇C = (∂C/∂x, ∂C/∂y): differentiate once by x (holding y fixed), once by y.",
        "Each term depends on one variable only: ∂(3y²)/∂x = 0, and ∂(3y²)/∂y needs the "
        "power rule. Put in the point only at the end.",
    ),
)

eta_limit = Value(
    id="01.eta_limit",
    expected=lambda: descent.eta_limit(TWO_X2_Y2_HALF),
    slips=(
        (
            lambda: 2 / _eigenvalues(TWO_X2_Y2_HALF).min(),
            "that is 2/λ_min, the limit of the flat direction; the steep direction (largest "
            "λ) fails first",
        ),
        (
            lambda: 1 / _eigenvalues(TWO_X2_Y2_HALF).max(),
            "with that η the steep direction reaches its minimum in one step, but larger "
            "steps still shrink: the overshoot stays smaller than the distance until η is "
            "twice as large",
        ),
        (
            lambda: _eigenvalues(TWO_X2_Y2_HALF).max(),
            "that is λ_max, the largest eigenvalue of the Hessian; the limit on η is 2/λ_max",
        ),
        (
            lambda: 2 / (_eigenvalues(TWO_X2_Y2_HALF).max() / 2),
            "λ is the second derivative, not the coefficient: the second derivative of 2x² is 4",
        ),
    ),
    hints=(
        f"{section('01', 'The learning rate: how large may η be?', 'λ')}: on a "
        "bowl, one step multiplies each coordinate by "
        "(1 − η·λ), with λ the curvature (second derivative) in that direction.",
        "A coordinate shrinks only while |1 − ηλ| < 1. Find λ for x and for y "
        "(the diagonal of the Hessian); which direction limits η?",
    ),
)


def _cube(v):
    """A cost of three variables, for a test that v may have any length."""
    return float(np.sum(v**3) + v[0] * v[-1])


def _cases(rng):
    return [
        # h varies, and is large enough in some cases that a function using an h of its
        # own gives other numbers (central differences are exact only up to h²)
        (surfaces.himmelblau.cost, rng.uniform(-4, 4, 2), 1e-6),
        (surfaces.rosenbrock.cost, rng.uniform(-1.5, 1.5, 2), 0.01),
        (_cube, rng.uniform(-2, 2, 3), 0.1),
        (surfaces.himmelblau.cost, rng.uniform(-4, 4, 2), 0.05),
        (_cube, np.array([1, -2, 3]), 1e-6),  # integers: a nudge of h must not be lost
    ]


def _forward(f, v, h):
    v = np.asarray(v, dtype=float)
    return np.array([(f(v + h * e) - f(v)) / h for e in np.eye(len(v))])


def _integers(f, v, h):
    return np.asarray(v).dtype.kind in "iu"


central_differences = Function(
    id="01.central_differences",
    signature="central_differences(f, v, h)",
    cases=_cases,
    reference=gradcheck.numerical_gradient,
    against="lectures_lib.gradcheck.numerical_gradient",
    refuse=("lectures_lib.gradcheck:numerical_gradient",),
    rtol=1e-8,
    atol=1e-8,
    slips=(
        (
            lambda f, v, h: 2 * gradcheck.numerical_gradient(f, v, h),
            "your values are twice too large: the two points v + h·e and v − h·e are 2h "
            "apart, so divide their difference by 2h",
        ),
        (
            _forward,
            "those are forward differences, (C(v + h·e) − C(v))/h, whose error shrinks like "
            "h; central differences, (C(v + h·e) − C(v − h·e))/2h, are exact up to h²",
        ),
    ),
    symptoms=(
        (
            lambda f, v, h: h != 1e-6,
            "right where h = 1e-6, but not for the other h of the test calls: use the h "
            "your function is given, not a step of your own",
        ),
        (
            _integers,
            "right for v of floats, but wrong for v = [1, -2, 3], integers: adding h to an "
            "entry of an integer array rounds it away. Start from a float copy, "
            "np.array(v, dtype=float)",
        ),
    ),
    hints=(
        "One coordinate at a time: nudge v_i up by h and down by h, keeping the other "
        "coordinates as they are, and compare the two costs.",
        "e_i, the vector with 1 in place i and 0 elsewhere, is row i of np.eye(len(v)). "
        "The two points v + h·e_i and v − h·e_i are 2h apart.",
        "Collect one number per coordinate, and return them as an array of v's shape. "
        "Do not change v itself: the caller still needs it.",
    ),
)

EXERCISES = (gradient, eta_limit, central_differences)
