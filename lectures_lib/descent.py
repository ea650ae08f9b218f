"""Gradient descent v -> v - eta grad C(v) on a 2-D surface, and Newton's step for comparison.

Derived in ``notebooks/01_gradient_descent_2d.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lectures_lib.checks import check_eta
from lectures_lib.surfaces import Surface, as_surface

DIVERGED_ABOVE = 1e12
"""A run whose cost passes this is stopped and reported as diverged."""


@dataclass
class Trajectory:
    """The points visited, shape (steps + 1, 2), and their costs, shape (steps + 1,)."""

    points: np.ndarray
    costs: np.ndarray
    diverged: bool = False
    message: str = ""


def _run(surface: Surface, start, steps: int, step_fn) -> Trajectory:
    surface = as_surface(surface)
    v = np.asarray(start, dtype=float)
    if v.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {v.shape}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    points, costs = [v], [float(surface.cost(v))]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(int(steps)):
            v = step_fn(v)
            cost = float(surface.cost(v))
            if not np.isfinite(cost) or abs(cost) > DIVERGED_ABOVE:
                message = f"diverged: after {k + 1} steps C = {cost:.3g}; try a smaller eta"
                return Trajectory(np.array(points), np.array(costs), True, message)
            points.append(v)
            costs.append(cost)
    return Trajectory(np.array(points), np.array(costs))


def gradient_descent(surface: Surface, start, eta: float, steps: int) -> Trajectory:
    """``steps`` updates v -> v - eta grad C(v) from ``start`` (x, y).

    A run whose cost grows past `DIVERGED_ABOVE` stops early with ``diverged=True``
    and a message in words, rather than overflowing.
    """
    eta = check_eta(eta)
    surface = as_surface(surface)
    return _run(surface, start, steps, lambda v: v - eta * surface.gradient(v))


def newton(surface: Surface, start, steps: int) -> Trajectory:
    """``steps`` Newton updates v -> v - H(v)^-1 grad C(v), using second derivatives."""

    surface = as_surface(surface)

    def step(v):
        return v - np.linalg.solve(surface.hessian(v), surface.gradient(v))

    return _run(surface, start, steps, step)


def eta_limit(surface: Surface, v=(0.0, 0.0)) -> float:
    """2 / lambda_max of the Hessian at v: on a quadratic whose Hessian is positive
    definite (a bowl), gradient descent converges for eta below it and diverges above it.

    Where the Hessian is not positive definite (a saddle, a ridge) no eta makes the
    descent converge, so no limit is given: a ValueError says so.
    """
    surface = as_surface(surface)
    eigenvalues = np.linalg.eigvalsh(surface.hessian(_point(v)))
    if eigenvalues.min() <= 0:
        shape = "indefinite (a saddle)" if eigenvalues.max() > 0 else "not positive definite"
        raise ValueError(
            f"the Hessian of {surface.name} at {tuple(map(float, _point(v)))} has eigenvalues "
            f"{', '.join(f'{lam:.3g}' for lam in eigenvalues)}: it is {shape}. The limit "
            "2/lambda_max holds only for a quadratic whose Hessian is positive definite; "
            "along a direction of negative curvature gradient descent moves away from the "
            "point for every eta (along zero curvature it never comes closer), so no eta "
            "converges there"
        )
    return 2.0 / eigenvalues.max()


def _point(v) -> np.ndarray:
    """v as a point (x, y), or a ValueError."""
    try:
        point = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"v must be a point (x, y), got {v!r}") from None
    if point.shape != (2,) or not np.isfinite(point).all():
        raise ValueError(f"v must be a point (x, y) of two finite numbers, got {v!r}")
    return point


def nearest_minimum(surface: Surface, v) -> int:
    """Index of the known minimum of ``surface`` closest to the point v."""
    surface = as_surface(surface)
    if not surface.minima:
        raise ValueError(
            f"{surface.name} has no minimum to be near (a saddle falls away forever along "
            "one direction): choose a surface with minima, such as surfaces.himmelblau"
        )
    distances = np.linalg.norm(np.asarray(surface.minima) - _point(v), axis=1)
    return int(np.argmin(distances))
