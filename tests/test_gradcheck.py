"""Finite differences against derivatives known in closed form."""

import numpy as np

from lectures_lib.gradcheck import numerical_gradient


def test_polynomial_of_a_matrix_argument():
    """f(X) = sum(X^3) + 2 X[0, 1]: the gradient is 3 X^2, plus 2 at entry (0, 1)."""
    X = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5]])
    expected = 3 * X**2
    expected[0, 1] += 2
    got = numerical_gradient(lambda A: np.sum(A**3) + 2 * A[0, 1], X)
    assert got.shape == X.shape
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-7)


def test_leaves_its_argument_alone_and_takes_lists():
    x = np.array([0.3, -0.7])
    before = x.copy()
    got = numerical_gradient(lambda v: np.sin(v[0]) * np.exp(v[1]), x)
    np.testing.assert_array_equal(x, before)
    expected = [np.cos(0.3) * np.exp(-0.7), np.sin(0.3) * np.exp(-0.7)]
    np.testing.assert_allclose(got, expected, rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda v: v[0] * v[1], [2, 5]), [5, 2])
