"""The stable sigmoid against an independent reference (scipy's expit), with no warnings."""

import numpy as np
import pytest
from scipy.special import expit

from lectures_lib.neurons import sigmoid, sigmoid_prime


def test_matches_scipy_everywhere():
    z = np.concatenate([np.linspace(-800, 800, 10001), [-1000.0, 1000.0, 0.0]])
    with np.errstate(over="raise", invalid="raise"):
        np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-14, atol=1e-300)


def test_extremes_without_warnings():
    with np.errstate(over="raise", invalid="raise"):
        assert sigmoid(-1000.0) == 0.0
        assert sigmoid(1000.0) == 1.0
        assert sigmoid_prime(np.array([-1000.0, 1000.0])).tolist() == [0.0, 0.0]


def test_derivative_peak_and_finite_differences():
    assert sigmoid_prime(0.0) == 0.25
    z = np.linspace(-10, 10, 2001)
    assert abs(z[np.argmax(sigmoid_prime(z))]) < 1e-12
    h = 1e-6
    np.testing.assert_allclose(
        sigmoid_prime(z), (sigmoid(z + h) - sigmoid(z - h)) / (2 * h), atol=1e-9
    )


@pytest.mark.parametrize("shape", [(), (3,), (2, 5)])
def test_keeps_shape(shape):
    assert np.shape(sigmoid(np.zeros(shape))) == shape
