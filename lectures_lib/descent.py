"""Gradient descent v -> v - eta grad C(v) on a 2-D surface, and Newton's step for comparison.

Derived in ``notebooks/01_gradient_descent_2d.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lectures_lib.checks import check_eta
from lectures_lib.surfaces import Surface

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
    return _run(surface, start, steps, lambda v: v - eta * surface.gradient(v))


def newton(surface: Surface, start, steps: int) -> Trajectory:
    """``steps`` Newton updates v -> v - H(v)^-1 grad C(v), using second derivatives."""

    def step(v):
        return v - np.linalg.solve(surface.hessian(v), surface.gradient(v))

    return _run(surface, start, steps, step)


def eta_limit(surface: Surface, v=(0.0, 0.0)) -> float:
    """2 / lambda_max of the Hessian at v: on a quadratic, gradient descent converges
    for eta below it and diverges above it."""
    lam_max = np.max(np.linalg.eigvalsh(surface.hessian(np.asarray(v, dtype=float))))
    if lam_max <= 0:
        raise ValueError("the Hessian has no positive eigenvalue here: no step-size limit")
    return 2.0 / lam_max


def nearest_minimum(surface: Surface, v) -> int:
    """Index of the known minimum of ``surface`` closest to the point v."""
    distances = np.linalg.norm(np.asarray(surface.minima) - np.asarray(v), axis=1)
    return int(np.argmin(distances))
