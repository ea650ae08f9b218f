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


# --- bad input: a ValueError that names the problem and the fix (issue 20.11) -------------


def test_a_surface_given_by_name_is_refused_with_the_way_to_get_it():
    for call in (
        lambda: descent.gradient_descent("round bowl", (1.0, 1.0), 0.1, 3),
        lambda: descent.newton("round bowl", (1.0, 1.0), 3),
        lambda: descent.nearest_minimum("round bowl", (1.0, 1.0)),
    ):
        with pytest.raises(ValueError, match=r'expected a Surface .* SURFACES\["round bowl"\]'):
            call()


def test_nearest_minimum_of_a_surface_without_minima_says_so():
    with pytest.raises(ValueError, match="saddle has no minimum to be near"):
        descent.nearest_minimum(saddle, (0.0, 0.0))
    with pytest.raises(ValueError, match=r"v must be a point \(x, y\)"):
        descent.nearest_minimum(himmelblau, (1.0, 2.0, 3.0))


@pytest.mark.parametrize("v", [(0.0, 0.0), (1.0, -2.0)])
def test_eta_limit_refuses_a_hessian_that_is_not_positive_definite(v):
    """Notebook 01's saddle: descent from near it diverges for every eta (checked here for
    eta from 1e-3 to 0.9), so no limit 2/lambda_max is given; the message says why."""
    with pytest.raises(ValueError, match="indefinite") as error:
        descent.eta_limit(saddle, v)
    assert "holds only for a quadratic whose Hessian is positive definite" in str(error.value)
    for eta in (1e-3, 0.1, 0.5, 0.9):
        run = descent.gradient_descent(saddle, (1e-3, 1e-3), eta, 20_000)
        assert run.diverged, eta


def test_eta_limit_of_a_bowl_is_two_over_the_largest_curvature():
    hessian = narrow_bowl.hessian(np.zeros(2))
    assert descent.eta_limit(narrow_bowl) == pytest.approx(2 / np.linalg.eigvalsh(hessian).max())


@pytest.mark.parametrize("n", [-1, 0, 1, 2.5, "200", True])
def test_grid_refuses_a_number_of_points_that_makes_no_grid(n):
    from lectures_lib.surfaces import grid

    with pytest.raises(ValueError, match="n, the number of grid points along each side,"):
        grid(narrow_bowl, n=n)
    X, Y, C = grid(narrow_bowl, n=3)
    assert X.shape == Y.shape == C.shape == (3, 3)
