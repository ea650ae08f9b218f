"""Cost surfaces C(v) of two variables, v = (x, y), each with its exact gradient and Hessian.

Derived in ``notebooks/01_gradient_descent_2d.ipynb``.  Every function takes points as
an array of shape (..., 2) and returns C of shape (...), the gradient of shape (..., 2)
or the Hessian of shape (..., 2, 2), so one point and a whole grid work alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lectures_lib.checks import check_whole_number
from lectures_lib.gradcheck import numerical_gradient  # noqa: F401 - re-exported for notebook 01


# The surfaces below are declared alike on purpose: cost, gradient and Hessian written out
# by hand for each (tests/test_descent.py checks them against finite differences).
@dataclass(frozen=True)
class Surface:
    """A named cost C(v) with its gradient, Hessian, a plotting window and its minima."""

    name: str
    cost: Callable
    gradient: Callable
    hessian: Callable
    window: tuple  # (xmin, xmax, ymin, ymax) for plots
    minima: tuple  # the known local minima, as (x, y) pairs
    start: tuple  # a good default starting point

    def __call__(self, v):
        return self.cost(v)


def _xy(v):
    v = np.asarray(v, dtype=float)
    if v.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2), got {v.shape}")
    return v[..., 0], v[..., 1]


def _stack(a, b):
    """(..., 2) from a and b of broadcastable shapes (..., ): the gradient's two components."""
    a, b = np.asarray(a), np.asarray(b)
    out = np.empty(np.broadcast_shapes(a.shape, b.shape) + (2,))
    out[..., 0], out[..., 1] = a, b
    return out


def _hess(xx, xy, yy):
    xx, xy, yy = np.broadcast_arrays(xx, xy, yy)
    return np.stack([np.stack([xx, xy], -1), np.stack([xy, yy], -1)], -2)


def quadratic(a: float, b: float, name: str) -> Surface:
    """C = (a x^2 + b y^2) / 2: a bowl whose Hessian has eigenvalues a and b."""

    def cost(v):
        x, y = _xy(v)
        return 0.5 * (a * x**2 + b * y**2)

    def gradient(v):
        x, y = _xy(v)
        return _stack(a * x, b * y)

    def hessian(v):
        x, _ = _xy(v)
        return _hess(np.full_like(x, a), 0.0, b)

    return Surface(name, cost, gradient, hessian, (-3, 3, -3, 3), ((0.0, 0.0),), (-2.5, 2.0))


bowl = quadratic(1.0, 1.0, "round bowl")
narrow_bowl = quadratic(1.0, 10.0, "narrow bowl")


def _saddle_cost(v):
    x, y = _xy(v)
    return x**2 - y**2


def _saddle_gradient(v):
    x, y = _xy(v)
    return _stack(2 * x, -2 * y)


def _saddle_hessian(v):
    x, _ = _xy(v)
    return _hess(np.full_like(x, 2.0), 0.0, -2.0)


saddle = Surface(
    "saddle", _saddle_cost, _saddle_gradient, _saddle_hessian, (-2, 2, -2, 2), (), (-1.5, 1e-3)
)


def _himmelblau_cost(v):
    x, y = _xy(v)
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_gradient(v):
    x, y = _xy(v)
    p, q = x**2 + y - 11, x + y**2 - 7
    return _stack(4 * x * p + 2 * q, 2 * p + 4 * y * q)


def _himmelblau_hessian(v):
    x, y = _xy(v)
    return _hess(12 * x**2 + 4 * y - 42, 4 * (x + y), 4 * x + 12 * y**2 - 26)


himmelblau = Surface(
    "Himmelblau (four minima)",
    _himmelblau_cost,
    _himmelblau_gradient,
    _himmelblau_hessian,
    (-5, 5, -5, 5),
    ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
    (0.0, 0.0),
)


def _rosenbrock_cost(v):
    x, y = _xy(v)
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_gradient(v):
    x, y = _xy(v)
    return _stack(-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2))


def _rosenbrock_hessian(v):
    x, y = _xy(v)
    return _hess(2 - 400 * (y - x**2) + 800 * x**2, -400 * x, np.full_like(x, 200.0))


rosenbrock = Surface(
    "Rosenbrock's valley",
    _rosenbrock_cost,
    _rosenbrock_gradient,
    _rosenbrock_hessian,
    (-2, 2, -1, 3),
    ((1.0, 1.0),),
    (-1.5, 2.0),
)

SURFACES = {s.name: s for s in (bowl, narrow_bowl, saddle, himmelblau, rosenbrock)}
"""Every surface by name, for the surface chooser."""


def as_surface(surface) -> Surface:
    """``surface`` if it is a `Surface`, or a ValueError naming the surfaces there are (a
    name such as "round bowl" is text, not the surface: use ``SURFACES["round bowl"]``)."""
    if isinstance(surface, Surface):
        return surface
    hint = (
        f'; for the surface of that name use SURFACES["{surface}"]'
        if isinstance(surface, str) and surface in SURFACES
        else ""
    )
    raise ValueError(
        f"expected a Surface (one of lectures_lib.surfaces' {', '.join(SURFACES)}), "
        f"got {surface!r}{hint}"
    )


def grid(surface: Surface, n: int = 200):
    """Points X, Y (n, n) over the surface's window and the cost C (n, n), for contour plots."""
    surface = as_surface(surface)
    n = check_whole_number(n, "n, the number of grid points along each side,", 2)
    x0, x1, y0, y1 = surface.window
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return X, Y, surface.cost(np.stack([X, Y], axis=-1))
