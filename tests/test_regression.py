"""Linear regression by SGD against independent checks: finite differences, plain
gradient descent, the true parameters the data were made with."""

import warnings

import numpy as np
import pytest

from lectures_lib import regression
from lectures_lib.gradcheck import numerical_gradient


def test_gradients_match_finite_differences():
    X, y = regression.make_data(50, rng=0)
    params = regression.Params(np.array([0.3, -0.2]), 0.1)
    nabla_w, nabla_b = regression.gradients(params, X, y)

    def loss_of(theta):  # theta = (w1, w2, b)
        return regression.loss(regression.Params(theta[:2], theta[2]), X, y)

    numeric = numerical_gradient(loss_of, np.array([0.3, -0.2, 0.1]))
    np.testing.assert_allclose(np.append(nabla_w, nabla_b), numeric, rtol=1e-6)


@pytest.mark.parametrize("m, eta", [(1, 0.01), (10, 0.05), (1000, 0.5)])
def test_sgd_finds_the_true_parameters(m, eta):
    X, y = regression.make_data(1000, rng=1)
    fit = regression.sgd(X, y, eta, m, 60 if m == 1000 else 5, rng=2)
    np.testing.assert_allclose(fit.params.w, regression.TRUE_PARAMS.w, atol=0.15)
    assert fit.params.b == pytest.approx(regression.TRUE_PARAMS.b, abs=0.15)
    assert fit.losses[-1] < 0.3 and not fit.diverged


def test_full_batch_sgd_is_plain_gradient_descent_whatever_the_seed():
    X, y = regression.make_data(200, rng=5)
    params = regression.Params(np.zeros(2), 0.0)
    for _ in range(7):
        nabla_w, nabla_b = regression.gradients(params, X, y)
        params = regression.Params(params.w - 0.3 * nabla_w, params.b - 0.3 * nabla_b)
    for seed in (0, 1):
        fit = regression.sgd(X, y, 0.3, 200, 7, rng=seed)
        np.testing.assert_allclose(fit.params.w, params.w, rtol=1e-12)
        assert fit.params.b == pytest.approx(params.b, rel=1e-12)


def test_losses_are_the_loss_on_all_data_after_each_step():
    X, y = regression.make_data(100, rng=6)
    fit = regression.sgd(X, y, 0.05, 10, 2, rng=7)
    assert fit.losses.shape == (20,)  # 2 epochs of 100 / 10 mini-batches
    assert fit.losses[-1] == regression.loss(fit.params, X, y)


def test_sgd_leaves_the_start_untouched():
    X, y = regression.make_data(100, rng=6)
    start = regression.Params(np.array([1.0, 1.0]), 0.5)
    regression.sgd(X, y, 0.05, 10, 1, params=start, rng=0)
    assert start.w.tolist() == [1.0, 1.0] and start.b == 0.5


@pytest.mark.parametrize("eta", [0.7, 1.0])
def test_a_diverging_run_stops_and_says_so_without_warnings(eta):
    X, y = regression.make_data(1000, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail the test
        fit = regression.sgd(X, y, eta, 1, 3, rng=0)
    assert fit.diverged and "diverged" in fit.message and "smaller eta" in fit.message
    assert len(fit.losses) < 3000 and np.all(np.isfinite(fit.losses))
    assert fit.losses[-1] > regression.DIVERGED_ABOVE


@pytest.mark.parametrize("epochs", [-3, 0, 2.7, True, None, "3", float("nan")])
def test_bad_epochs(epochs):
    X, y = regression.make_data(10, rng=0)
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        regression.sgd(X, y, 0.1, 2, epochs)


def test_whole_float_epochs_are_fine():
    X, y = regression.make_data(10, rng=0)
    assert len(regression.sgd(X, y, 0.1, 2, 2.0).losses) == 10


def test_gradient_spread_shrinks_like_one_over_root_m():
    X, y = regression.make_data(2000, rng=3)
    params = regression.Params(np.zeros(2), 0.0)
    spreads = [regression.gradient_spread(X, y, params, m, rng=4) for m in (4, 16, 64)]
    slope = np.polyfit(np.log([4, 16, 64]), np.log(spreads), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.1)


# --- bad input (issue 20.11) ---------------------------------------------------------------


def test_sgd_refuses_targets_that_are_not_one_per_row():
    X, y = regression.make_data(10, rng=0)
    with pytest.raises(ValueError, match="X has 10 rows, y has shape"):
        regression.sgd(X, y[:9], eta=0.1, mini_batch_size=2, epochs=1)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        regression.sgd(X[:, :1], y, eta=0.1, mini_batch_size=2, epochs=1)


def test_gradients_on_no_data_say_so_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="no examples"):
            regression.gradients(regression.TRUE_PARAMS, np.zeros((0, 2)), np.zeros(0))
