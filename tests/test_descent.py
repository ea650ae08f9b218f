"""Surfaces, gradient descent and Newton's step against independent checks."""

import numpy as np
import pytest

from lectures_lib import descent
from lectures_lib.surfaces import SURFACES, himmelblau, narrow_bowl, numerical_gradient, saddle

POINTS = [(0.3, -0.7), (-1.2, 0.5), (2.0, 1.5), (-0.4, -2.2)]


@pytest.mark.parametrize("name", list(SURFACES))
def test_gradient_matches_finite_differences(name):
    surface = SURFACES[name]
    for v in POINTS:
        np.testing.assert_allclose(
            surface.gradient(v), numerical_gradient(surface.cost, v), rtol=1e-6, atol=1e-6
        )


@pytest.mark.parametrize("name", list(SURFACES))
def test_hessian_matches_finite_differences_of_the_gradient(name):
    surface = SURFACES[name]
    h = 1e-6
    for v in POINTS:
        v = np.array(v)
        columns = [
            (surface.gradient(v + e) - surface.gradient(v - e)) / (2 * h) for e in h * np.eye(2)
        ]
        np.testing.assert_allclose(surface.hessian(v), np.array(columns).T, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", list(SURFACES))
def test_minima_are_stationary_points(name):
    surface = SURFACES[name]
    for m in surface.minima:
        assert np.linalg.norm(surface.gradient(m)) < 1e-4
        assert np.all(np.linalg.eigvalsh(surface.hessian(np.array(m))) > 0)


def test_surfaces_work_on_grids():
    v = np.zeros((4, 3, 2))
    assert himmelblau.cost(v).shape == (4, 3)
    assert himmelblau.gradient(v).shape == (4, 3, 2)
    assert himmelblau.hessian(v).shape == (4, 3, 2, 2)
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        himmelblau.cost(np.zeros(3))


def test_small_eta_decreases_the_cost_every_step():
    run = descent.gradient_descent(himmelblau, (0.0, 0.0), 0.005, 200)
    assert np.all(np.diff(run.costs) < 0)
    assert np.linalg.norm(run.points[-1] - (3, 2)) < 1e-3


def test_eta_limit_on_a_quadratic():
    limit = descent.eta_limit(narrow_bowl)
    assert limit == pytest.approx(0.2)  # lambda_max = 10
    below = descent.gradient_descent(narrow_bowl, (1.0, 1.0), 0.95 * limit, 400)
    above = descent.gradient_descent(narrow_bowl, (1.0, 1.0), 1.05 * limit, 400)
    assert below.costs[-1] < 1e-6 and not below.diverged
    assert above.diverged and "try a smaller eta" in above.message


def test_newton_solves_a_quadratic_in_one_step():
    run = descent.newton(narrow_bowl, (2.0, -1.0), 1)
    np.testing.assert_allclose(run.points[-1], (0, 0), atol=1e-12)


def test_newton_jumps_to_the_saddle_point():
    run = descent.newton(saddle, (1.0, 0.5), 1)
    np.testing.assert_allclose(run.points[-1], (0, 0), atol=1e-12)


@pytest.mark.parametrize("eta", [0, -0.1, float("inf")])
def test_bad_eta(eta):
    with pytest.raises(ValueError, match="positive"):
        descent.gradient_descent(narrow_bowl, (1, 1), eta, 5)


def test_bad_start():
    with pytest.raises(ValueError, match="start must be a point"):
        descent.gradient_descent(narrow_bowl, (1, 1, 1), 0.1, 5)
