"""The stable sigmoid against an independent reference (scipy's expit), with no warnings;
one neuron trained by gradient descent against finite differences."""

import numpy as np
import pytest
from scipy.special import expit

from lectures_lib.gradcheck import numerical_gradient
from lectures_lib.neurons import sigmoid, sigmoid_prime, train_neuron


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


def test_train_neuron_steps_down_the_finite_difference_gradient():
    """Two steps by hand, with the gradient of C = (sigma(w x + b) - y)^2 / 2 taken by
    finite differences (no chain rule), against the outputs train_neuron reports."""
    x, y, eta = 0.7, 0.2, 0.5
    theta = np.array([0.6, 0.9])  # (w, b)

    def cost(t):
        return 0.5 * (expit(t[0] * x + t[1]) - y) ** 2

    expected = []
    for _ in range(3):
        expected.append(expit(theta[0] * x + theta[1]))
        theta = theta - eta * numerical_gradient(cost, theta)
    np.testing.assert_allclose(train_neuron(0.6, 0.9, eta, 3, x=x, y=y), expected, rtol=1e-9)


def test_train_neuron_learns_slowly_from_a_saturated_start():
    good, saturated = train_neuron(0.6, 0.9, 0.15), train_neuron(2.0, 2.0, 0.15)
    assert good.shape == saturated.shape == (300,)
    assert good[0] - good[30] > 0.2 and saturated[0] - saturated[30] < 0.02
    assert saturated[-1] < 0.25  # it does get going in the end


@pytest.mark.parametrize("epochs", [0, 2.5, True])
def test_train_neuron_bad_epochs(epochs):
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        train_neuron(0.6, 0.9, 0.15, epochs)


# --- bad input (issue 20.11) ---------------------------------------------------------------


@pytest.mark.parametrize("z", [None, "3", [1.0, "x"], float("nan")])
def test_sigmoid_refuses_what_is_not_a_number(z):
    with pytest.raises(ValueError, match="sigmoid"):
        sigmoid(z)


def test_sigmoid_of_an_array_with_nan_gives_nan_where_it_was():
    """In an array (a network in a diverging epoch) NaN stays NaN; the trainer reports it."""
    out = sigmoid(np.array([0.0, np.nan]))
    assert out[0] == 0.5 and np.isnan(out[1])


@pytest.mark.parametrize("name", ["w", "b", "x", "y"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), None, "1"])
def test_train_neuron_refuses_a_start_that_is_not_a_finite_number(name, value):
    arguments = {"w": 2.0, "b": 2.0, "eta": 0.15, "epochs": 3, "x": 1.0, "y": 0.0, name: value}
    with pytest.raises(ValueError, match=f"^{name}\\b.*must be a finite number"):
        train_neuron(**arguments)
