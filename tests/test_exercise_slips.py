"""Typical wrong solutions to the exercises that check code, each written as a student
might, with one slip: every one must be rejected with the message that names its slip."""

import math

import numpy as np
import pytest

from lectures_lib.exercises import feedback
from lectures_lib.neurons import sigmoid, sigmoid_prime

WRONG = []  # (exercise id, wrong solution, a phrase its message must contain)


def slip(exercise_id, phrase):
    def register(function):
        WRONG.append(pytest.param(exercise_id, function, phrase, id=function.__name__))
        return function

    return register


# --- 01.central_differences ---


@slip("01.central_differences", "divide their difference by 2h")
def divides_by_h(f, v, h):
    v = np.array(v, dtype=float)
    gradient = np.zeros(len(v))
    for i in range(len(v)):
        e = np.zeros(len(v))
        e[i] = h
        gradient[i] = (f(v + e) - f(v - e)) / h
    return gradient


def with_its_own_h(step, name):
    """Central differences right but for h: a fixed step of the student's own."""

    def central_differences(f, v, h):
        v = np.array(v, dtype=float)
        return np.array([(f(v + step * e) - f(v - step * e)) / (2 * step) for e in np.eye(len(v))])

    central_differences.__name__ = name
    return slip("01.central_differences", "use the h your function is given")(central_differences)


with_its_own_h(1e-6, "ignores_h")
with_its_own_h(1e-5, "uses_its_own_h_of_1e_5")


@slip("01.central_differences", "forward differences")
def forward_differences(f, v, h):
    v = np.array(v, dtype=float)
    return np.array([(f(v + h * e) - f(v)) / h for e in np.eye(len(v))])


@slip("01.central_differences", "integer array rounds it away")
def nudges_a_copy_of_integers(f, v, h):
    x = v.copy()  # keeps integers integers
    gradient = np.zeros(len(v))
    for i in range(len(v)):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        gradient[i] = (up - down) / (2 * h)
    return gradient


@slip("01.central_differences", "changed its argument v")
def nudges_v_itself(f, v, h):
    gradient = np.zeros(len(v))
    for i in range(len(v)):
        v[i] += h
        up = f(v)
        v[i] -= 2 * h
        down = f(v)
        v[i] += h  # back where it was, up to rounding
        gradient[i] = (up - down) / (2 * h)
    return gradient


@slip("01.central_differences", "should be an array of shape (2,)")
def one_number(f, v, h):
    return (f(v + h) - f(v - h)) / (2 * h)


@slip("01.central_differences", "Not accepted: central_differences calls gradcheck.numerical")
def central_differences_by_the_library(f, v, h):
    from lectures_lib import gradcheck

    return gradcheck.numerical_gradient(f, v, h)


@slip("01.central_differences", "Not accepted: central_differences calls gradcheck.numerical")
def central_differences_by_surfaces(f, v, h):
    from lectures_lib import surfaces  # which re-exports gradcheck's

    return surfaces.numerical_gradient(f, v, h)


@slip("01.central_differences", "returns None, from a `return`")
def central_differences_returning_none(f, v, h):
    return None  # written, not the stub: not "not attempted"


# --- 02.batch_gradients ---


@slip("02.batch_gradients", "wrong sign")
def regression_sign(w, b, X, y):
    dL = 2 * (y - (X @ w + b))
    return dL @ X / len(y), dL.mean()


@slip("02.batch_gradients", "factor 2")
def regression_no_two(w, b, X, y):
    dL = X @ w + b - y
    return dL @ X / len(y), dL.mean()


@slip("02.batch_gradients", "missing 1/m")
def regression_sum(w, b, X, y):
    dL = 2 * (X @ w + b - y)
    return dL @ X, dL.sum()


@slip("02.batch_gradients", "only the first example")
def regression_first_only(w, b, X, y):
    for x_j, y_j in zip(X, y):
        dL = 2 * (w @ x_j + b - y_j)
        return dL * x_j, dL


@slip("02.batch_gradients", "slide's slip")
def regression_stray_y(w, b, X, y):
    dL = 2 * y * (X @ w + b - y)
    return dL @ X / len(y), dL.mean()


@slip("02.batch_gradients", "swapped")
def regression_swapped(w, b, X, y):
    dL = 2 * (X @ w + b - y)
    return np.array([dL @ X[:, 1], dL @ X[:, 0]]) / len(y), dL.mean()


@slip("02.batch_gradients", "one gradient per example")
def regression_per_example(w, b, X, y):
    dL = 2 * (X @ w + b - y)
    return dL[:, None] * X, dL


@slip("02.batch_gradients", "Not accepted: batch_gradients calls regression.gradients")
def regression_by_the_library(w, b, X, y):
    from lectures_lib import regression

    return regression.gradients(regression.Params(w, b), X, y)


@slip("02.batch_gradients", "changed its argument X")
def regression_scales_X_in_place(w, b, X, y):
    dL = 2 * (X @ w + b - y)
    X *= dL[:, None] / len(y)
    return X.sum(axis=0), dL.mean()


# --- 03.neuron_gradients ---


@slip("03.neuron_gradients", "σ′ forgotten")
def neuron_no_sigma_prime(w, b, X, y):
    delta = sigmoid(X @ w + b) - y
    return delta @ X / len(y), delta.mean()


@slip("03.neuron_gradients", "σ′ belongs at z")
def neuron_sigma_prime_of_a(w, b, X, y):
    a = sigmoid(X @ w + b)
    delta = (a - y) * sigmoid_prime(a)
    return delta @ X / len(y), delta.mean()


@slip("03.neuron_gradients", "z(1 − z)")
def neuron_z_times_one_minus_z(w, b, X, y):
    z = X @ w + b
    delta = (sigmoid(z) - y) * z * (1 - z)
    return delta @ X / len(y), delta.mean()


@slip("03.neuron_gradients", "a factor 2 too many")
def neuron_factor_two(w, b, X, y):
    z = X @ w + b
    delta = 2 * (sigmoid(z) - y) * sigmoid_prime(z)
    return delta @ X / len(y), delta.mean()


@slip("03.neuron_gradients", "wrong sign")
def neuron_sign(w, b, X, y):
    z = X @ w + b
    delta = (y - sigmoid(z)) * sigmoid_prime(z)
    return delta @ X / len(y), delta.mean()


@slip("03.neuron_gradients", "missing 1/m")
def neuron_sum(w, b, X, y):
    z = X @ w + b
    delta = (sigmoid(z) - y) * sigmoid_prime(z)
    return delta @ X, delta.sum()


@slip("03.neuron_gradients", "only the first example")
def neuron_first_only(w, b, X, y):
    z = X[0] @ w + b
    delta = (sigmoid(z) - y[0]) * sigmoid_prime(z)
    return delta * X[0], delta


@slip("03.neuron_gradients", "one gradient per example")
def neuron_per_example(w, b, X, y):
    z = X @ w + b
    delta = (sigmoid(z) - y) * sigmoid_prime(z)
    return delta[:, None] * X, delta


@slip("03.neuron_gradients", "only works on a single number")
def neuron_math_exp(w, b, X, y):
    a = 1 / (1 + math.exp(-(X @ w + b)))  # math.exp takes one number only
    delta = (a - y) * a * (1 - a)
    return delta @ X / len(y), delta.mean()


# --- 04.one_hot_targets ---


@slip("04.one_hot_targets", "transposed")
def one_hot_transposed(labels):
    Y = np.zeros((10, len(labels)))
    Y[labels, np.arange(len(labels))] = 1
    return Y


@slip("04.one_hot_targets", "column 10 or more")
def one_hot_counting_from_one(labels):
    Y = np.zeros((len(labels), 10))
    for i, label in enumerate(labels):
        Y[i, label + 1] = 1
    return Y


@slip("04.one_hot_targets", "one column too far left")
def one_hot_minus_one(labels):
    Y = np.zeros((len(labels), 10))
    for i, label in enumerate(labels):
        Y[i, label - 1] = 1
    return Y


@slip("04.one_hot_targets", "first label only")
def one_hot_returns_in_loop(labels):
    for label in labels:
        y = np.zeros(10)
        y[label] = 1
        return y


@slip("04.one_hot_targets", "a single row of 10")
def one_hot_one_row(labels):
    y = np.zeros(10)
    y[labels] = 1
    return y


@slip("04.one_hot_targets", "Not accepted: one_hot_targets calls encoding.one_hot")
def one_hot_by_the_library(labels):
    from lectures_lib.encoding import one_hot

    return one_hot(labels)


@slip("04.one_hot_targets", "changed its argument labels")
def one_hot_sorts(labels):
    labels.sort()
    return np.eye(10)[labels]


# --- 05.backprop ---


def forward(net, X):
    activations, zs = [X], []
    for w, b in zip(net.weights, net.biases):
        zs.append(activations[-1] @ w.T + b)
        activations.append(sigmoid(zs[-1]))
    return activations, zs


@slip("05.backprop", "σ′ forgotten: every δ")
def backprop_no_sigma_prime(net, X, Y):
    activations, zs = forward(net, X)
    delta = activations[-1] - Y
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta.sum(axis=0))
        delta = delta @ net.weights[layer]
    return nabla_w, nabla_b


@slip("05.backprop", "σ′ forgotten in the hidden layers")
def backprop_no_hidden_sigma_prime(net, X, Y):
    activations, zs = forward(net, X)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta.sum(axis=0))
        delta = delta @ net.weights[layer]
    return nabla_w, nabla_b


@slip("05.backprop", "σ′ forgotten at the output layer")
def backprop_no_output_sigma_prime(net, X, Y):
    activations, zs = forward(net, X)
    delta = activations[-1] - Y
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "two or three layers")
def backprop_two_layers_only(net, X, Y):
    W1, W2 = net.weights
    b1, b2 = net.biases
    Z1 = X @ W1.T + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2.T + b2
    delta2 = (sigmoid(Z2) - Y) * sigmoid_prime(Z2)
    delta1 = (delta2 @ W2) * sigmoid_prime(Z1)
    return [delta1.T @ X, delta2.T @ A1], [delta1.sum(axis=0), delta2.sum(axis=0)]


@slip("05.backprop", "the mean over the mini-batch")
def backprop_averaged(net, X, Y):
    activations, zs = forward(net, X)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer] / len(X))
        nabla_b.insert(0, delta.mean(axis=0))
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "Z = A @ W.T + b")
def backprop_weights_transposed_back(net, X, Y):
    activations, zs = forward(net, X)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ net.weights[layer].T) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "gradients of the weights are transposed")
def backprop_nabla_w_transposed(net, X, Y):
    activations, zs = forward(net, X)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, activations[layer].T @ delta)
        nabla_b.insert(0, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "reverse order")
def backprop_appends(net, X, Y):
    activations, zs = forward(net, X)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.append(delta.T @ activations[layer])
        nabla_b.append(delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "sum δ over the mini-batch's rows")
def backprop_bias_rows(net, X, Y):
    activations, zs = forward(net, X)
    delta = (activations[-1] - Y) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta)
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "wrong sign")
def backprop_sign(net, X, Y):
    activations, zs = forward(net, X)
    delta = (Y - activations[-1]) * sigmoid_prime(zs[-1])
    nabla_w, nabla_b = [], []
    for layer in reversed(range(len(zs))):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(zs[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "changed net.weights or net.biases")
def backprop_steps_too(net, X, Y):
    nabla_w, nabla_b = backprop_appends(net, X, Y)
    for w, g in zip(net.weights, nabla_w[::-1]):
        w -= g
    return nabla_w[::-1], nabla_b[::-1]


@slip("05.backprop", "net.backprop is switched off")
def backprop_by_the_library(net, X, Y):
    return net.backprop(X, Y)


@slip("05.backprop", "Not accepted: backprop calls Network.backprop")
def backprop_by_the_class(net, X, Y):
    from lectures_lib.network import Network

    return Network.backprop(net, X, Y)


@slip("05.backprop", "Not accepted: backprop calls Network.backprop")
def backprop_by_the_type(net, X, Y):
    return type(net).backprop(net, X, Y)


@slip("05.backprop", "Not accepted: backprop calls Network.backprop")
def backprop_by_a_copy_of_the_network(net, X, Y):
    from lectures_lib.network import Network

    copy = Network.from_parameters([w.copy() for w in net.weights], [b.copy() for b in net.biases])
    return copy.backprop(X, Y)


@slip("05.backprop", "Not accepted: backprop calls Network._backprop")
def backprop_by_the_private_method(net, X, Y):
    return net._backprop(X, Y)


def _backprop_written(net, X, Y, *, factor=1, at_a=False, at_a_output=None):
    activations, zs = [X], []
    for w, b in zip(net.weights, net.biases):
        zs.append(activations[-1] @ w.T + b)
        activations.append(sigmoid(zs[-1]))
    where = activations[1:] if at_a else zs
    at_output = at_a if at_a_output is None else at_a_output
    delta = factor * (activations[-1] - Y) * sigmoid_prime(activations[-1] if at_output else zs[-1])
    nabla_w, nabla_b = [], []
    for layer in range(len(zs) - 1, -1, -1):
        nabla_w.insert(0, delta.T @ activations[layer])
        nabla_b.insert(0, delta.sum(axis=0))
        if layer:
            delta = (delta @ net.weights[layer]) * sigmoid_prime(where[layer - 1])
    return nabla_w, nabla_b


@slip("05.backprop", "at the output layer your code takes σ′(a_L)")
def backprop_sigma_prime_of_a_at_the_output(net, X, Y):
    return _backprop_written(net, X, Y, at_a_output=True)


@slip("05.backprop", "in the hidden layers your code takes σ′ of the activation")
def backprop_sigma_prime_of_a_in_hidden_layers(net, X, Y):
    return _backprop_written(net, X, Y, at_a=True, at_a_output=False)


@slip("05.backprop", "a factor 2 too many")
def backprop_with_the_square_s_two(net, X, Y):
    return _backprop_written(net, X, Y, factor=2)


@slip("05.backprop", "σ′ belongs at z, not at a")
def backprop_sigma_prime_of_a(net, X, Y):
    return _backprop_written(net, X, Y, at_a=True)


# --- 05.quadratic_cost ---


@slip("05.quadratic_cost", "the square is missing")
def cost_of_lengths(net, X, Y):
    A = net.feedforward(X)
    return np.sum(np.linalg.norm(Y - A, axis=1)) / (2 * len(X))  # the slide's ||y - a|| / 2


@slip("05.quadratic_cost", "the square is missing")
def cost_of_one_length(net, X, Y):
    return np.linalg.norm(Y - net.feedforward(X)) / (2 * len(X))


@slip("05.quadratic_cost", "a missing 1/2")
def cost_without_half(net, X, Y):
    return np.sum((Y - net.feedforward(X)) ** 2) / len(X)


@slip("05.quadratic_cost", "divide by n")
def cost_summed(net, X, Y):
    return 0.5 * np.sum((Y - net.feedforward(X)) ** 2)


@slip("05.quadratic_cost", "np.mean averages over every entry")
def cost_mean_of_entries(net, X, Y):
    return np.mean((Y - net.feedforward(X)) ** 2) / 2


@slip("05.quadratic_cost", "one cost per example")
def cost_per_example(net, X, Y):
    return 0.5 * np.sum((Y - net.feedforward(X)) ** 2, axis=1)


@slip("05.quadratic_cost", "one cost per example")
def cost_per_example_in_a_loop(net, X, Y):
    costs = []
    for x, y in zip(X, Y):
        a = net.feedforward(x[np.newaxis])[0]
        costs.append(0.5 * np.sum((y - a) ** 2))
    return costs


@slip("05.quadratic_cost", "Shapes that do not fit")
def cost_against_transposed_outputs(net, X, Y):
    return np.sum((Y - net.feedforward(X).T) ** 2) / (2 * len(X))


@slip("05.quadratic_cost", "net.cost is switched off")
def cost_by_the_library(net, X, Y):
    return net.cost(X, Y)


@slip("05.quadratic_cost", "Not accepted: quadratic_cost calls Network.cost")
def cost_by_the_class(net, X, Y):
    from lectures_lib.network import Network

    return Network.cost(net, X, Y)


@slip("05.quadratic_cost", "your result is text")
def cost_as_text(net, X, Y):
    return str(np.sum((Y - net.feedforward(X)) ** 2) / (2 * len(X)))


# --- 06.update_mini_batch ---


@slip("06.update_mini_batch", "gradient ascent")
def step_uphill(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    for w, nw in zip(net.weights, nabla_w):
        w += eta / len(X) * nw
    for b, nb in zip(net.biases, nabla_b):
        b += eta / len(X) * nb


@slip("06.update_mini_batch", "a missing 1/m")
def step_with_the_sum(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    for w, nw in zip(net.weights, nabla_w):
        w -= eta * nw
    for b, nb in zip(net.biases, nabla_b):
        b -= eta * nb


@slip("06.update_mini_batch", "divided by m twice")
def step_averaged_twice(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    m = len(X)
    mean_w = [nw / m for nw in nabla_w]  # the mean ...
    mean_b = [nb / m for nb in nabla_b]
    for w, g in zip(net.weights, mean_w):
        w -= eta / m * g  # ... divided by m once more
    for b, g in zip(net.biases, mean_b):
        b -= eta / m * g


@slip("06.update_mini_batch", "the lecture's mini-batch size")
def step_divided_by_ten(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    for w, nw in zip(net.weights, nabla_w):
        w -= eta / 10 * nw
    for b, nb in zip(net.biases, nabla_b):
        b -= eta / 10 * nb


@slip("06.update_mini_batch", "the biases did not move")
def step_weights_only(net, X, Y, eta):
    nabla_w, _ = net.backprop(X, Y)
    for w, nw in zip(net.weights, nabla_w):
        w -= eta / len(X) * nw


@slip("06.update_mini_batch", "the weights did not move")
def step_biases_only(net, X, Y, eta):
    _, nabla_b = net.backprop(X, Y)
    for b, nb in zip(net.biases, nabla_b):
        b -= eta / len(X) * nb


@slip("06.update_mini_batch", "net.backprop was called again after the weights had moved")
def step_backprop_per_list(net, X, Y, eta):
    for w, nw in zip(net.weights, net.backprop(X, Y)[0]):
        w -= eta / len(X) * nw
    for b, nb in zip(net.biases, net.backprop(X, Y)[1]):
        b -= eta / len(X) * nb


@slip("06.update_mini_batch", "one small step per example")
def step_per_example(net, X, Y, eta):
    for x, y in zip(X, Y):
        nabla_w, nabla_b = net.backprop(x[np.newaxis], y[np.newaxis])
        for w, nw in zip(net.weights, nabla_w):
            w -= eta / len(X) * nw
        for b, nb in zip(net.biases, nabla_b):
            b -= eta / len(X) * nb


@slip("06.update_mini_batch", "returned new arrays")
def step_into_new_arrays(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    weights = [w - eta / len(X) * nw for w, nw in zip(net.weights, nabla_w)]
    biases = [b - eta / len(X) * nb for b, nb in zip(net.biases, nabla_b)]
    return weights, biases


@slip("06.update_mini_batch", "`w = w - …` makes a new array")
def step_rebinds_names(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    for w, nw in zip(net.weights, nabla_w):
        w = w - eta / len(X) * nw  # noqa: PLW2901 - the slip: a new array named w
    for b, nb in zip(net.biases, nabla_b):
        b = b - eta / len(X) * nb  # noqa: PLW2901


@slip("06.update_mini_batch", "Pair them in that order")
def step_with_swapped_gradients(net, X, Y, eta):
    nabla_w, nabla_b = net.backprop(X, Y)
    for w, nb in zip(net.weights, nabla_b):
        w -= eta / len(X) * nb


@slip("06.update_mini_batch", "net.update_mini_batch is switched off")
def step_by_the_library(net, X, Y, eta):
    net.update_mini_batch(X, Y, eta)


@slip("06.update_mini_batch", "Not accepted: update_mini_batch calls Network.update_mini_batch")
def step_by_the_class(net, X, Y, eta):
    type(net).update_mini_batch(net, X, Y, eta)


@slip("06.update_mini_batch", "Not accepted: update_mini_batch calls runs.sgd")
def step_by_the_trainer(net, X, Y, eta):
    from lectures_lib import runs

    runs.sgd(net, (X, Y), 1, len(X), eta, rng=0)  # one epoch of one mini-batch


@slip("06.update_mini_batch", "changed its argument X")
def step_rescales_the_inputs(net, X, Y, eta):
    X /= X.max()  # "inputs from 0 to 1", in place: X is the caller's array
    nabla_w, nabla_b = net.backprop(X, Y)
    for w, b, nw, nb in zip(net.weights, net.biases, nabla_w, nabla_b):
        w -= eta / len(X) * nw
        b -= eta / len(X) * nb


# --- 07.should_stop ---


@slip("07.should_stop", "compare each epoch with the one before it")
def stop_after_falls(accuracies, patience):
    if len(accuracies) <= patience:
        return False
    recent = accuracies[-patience - 1 :]
    return all(later <= earlier for earlier, later in zip(recent, recent[1:]))


@slip("07.should_stop", "a tie with the best is not an improvement")
def stop_ties_reset(accuracies, patience):
    best = max(accuracies)
    last_best = max(i for i, a in enumerate(accuracies) if a == best)
    return len(accuracies) - 1 - last_best >= patience


@slip("07.should_stop", "one epoch too early")
def stop_too_early(accuracies, patience):
    return len(accuracies) - 1 - int(np.argmax(accuracies)) >= patience - 1


@slip("07.should_stop", "one epoch too late")
def stop_too_late(accuracies, patience):
    return len(accuracies) - 1 - int(np.argmax(accuracies)) > patience


@slip("07.should_stop", "True and False are swapped")
def keep_going(accuracies, patience):
    return len(accuracies) - 1 - int(np.argmax(accuracies)) < patience


@slip("07.should_stop", "returns the numbers 1 and 0")
def stop_as_a_number(accuracies, patience):
    return int(len(accuracies) - 1 - int(np.argmax(accuracies)) >= patience)


@slip("07.should_stop", "yours is the number 0, for accuracies = [90], patience = 1")
def stop_returns_epochs_since_best(accuracies, patience):
    return np.argmax(accuracies[::-1])  # an np.int64, shown as a plain number


@slip("07.should_stop", ".sort()")
def stop_sorts(accuracies, patience):
    best = accuracies.index(max(accuracies))
    accuracies.sort()
    return len(accuracies) - 1 - best >= patience


# --- 07.decode_bits ---


@slip("08.decode_bits", "Not accepted: decode_bits calls encoding.decode_nearest")
def decode_by_the_library(outputs):
    from lectures_lib.encoding import decode_nearest

    return decode_nearest(outputs)


@slip("08.decode_bits", "rounded each output")
def decode_by_rounding(outputs):
    bits = np.round(outputs).astype(int)
    return 8 * bits[:, 0] + 4 * bits[:, 1] + 2 * bits[:, 2] + bits[:, 3]


@slip("08.decode_bits", "reverse order")
def decode_least_significant_first(outputs):
    codes = np.array([[(d >> k) & 1 for k in range(4)] for d in range(10)])
    return np.array([np.argmin(((row - codes) ** 2).sum(axis=1)) for row in outputs])


@slip("08.decode_bits", "distances to the ten codes")
def decode_returns_distances(outputs):
    codes = np.array([[(d >> k) & 1 for k in (3, 2, 1, 0)] for d in range(10)])
    return ((outputs[:, None, :] - codes[None, :, :]) ** 2).sum(axis=2)


@slip("08.decode_bits", "argmin over the wrong axis")
def decode_wrong_axis(outputs):
    codes = np.array([[(d >> k) & 1 for k in (3, 2, 1, 0)] for d in range(10)])
    return np.argmin(((outputs[:, None, :] - codes[None, :, :]) ** 2).sum(axis=2), axis=0)


# --- 08.segmentation_score ---


@slip("09.segmentation_score", "added the confidences themselves")
def score_without_log(outputs):
    return outputs.max(axis=1).sum()


@slip("09.segmentation_score", "product of the confidences")
def score_product(outputs):
    return np.prod(outputs.max(axis=1))


@slip("09.segmentation_score", "the mean of the logs")
def score_mean(outputs):
    return np.log(outputs.max(axis=1)).mean()


@slip("09.segmentation_score", "axis=1")
def score_max_over_segments(outputs):
    return np.log(outputs.max(axis=0)).sum()


@slip("09.segmentation_score", "only the largest output of each segment")
def score_every_output(outputs):
    return np.log(outputs).sum()


@slip("09.segmentation_score", "weakest segment alone")
def score_weakest(outputs):
    return np.log(outputs.max(axis=1)).min()


# --- 09.crop_to_ink ---


@slip("11.crop_to_ink", "blank rows or columns inside the digit are gone")
def crop_to_the_inked_lines(image):
    inked_rows = [r for r in range(image.shape[0]) if image[r].max() > 0]
    inked_cols = [c for c in range(image.shape[1]) if image[:, c].max() > 0]
    return image[np.ix_(inked_rows, inked_cols)]


@slip("11.crop_to_ink", "faint ink counts too")
def crop_above_a_tenth(image):
    rows = np.flatnonzero(image.max(axis=1) > 0.1)
    cols = np.flatnonzero(image.max(axis=0) > 0.1)
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


@slip("11.crop_to_ink", "slice up to r + 1")
def crop_one_short(image):
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    return image[rows[0] : rows[-1], cols[0] : cols[-1]]


@slip("11.crop_to_ink", "rows and columns are swapped")
def crop_swapped(image):
    rows = np.flatnonzero(image.max(axis=0) > 0)
    cols = np.flatnonzero(image.max(axis=1) > 0)
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


@slip("11.crop_to_ink", "bottom and on the right")
def crop_top_left(image):
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    return image[rows[0] :, cols[0] :]


@slip("11.crop_to_ink", "pale grey counts as ink")
def crop_dark_ink(image):
    rows = np.flatnonzero(image.max(axis=1) > 0.5)
    cols = np.flatnonzero(image.max(axis=0) > 0.5)
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


@slip("11.crop_to_ink", "changed its argument image")
def crop_blanks_the_image(image):
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy()
    image[:] = 0  # "clean up"
    return crop


# --- 10.weight_gradient_sizes ---


@slip("10.weight_gradient_sizes", "missing 1/m")
def weight_sizes_of_sums(net, X, Y):
    return [np.linalg.norm(g) for g in net.backprop(X, Y)[0]]


@slip("10.weight_gradient_sizes", "sizes of ∂C/∂b")
def sizes_of_biases(net, X, Y):
    return [np.linalg.norm(g) / len(X) for g in net.backprop(X, Y)[1]]


@slip("10.weight_gradient_sizes", "reverse order")
def weight_sizes_output_first(net, X, Y):
    return [np.linalg.norm(g) / len(X) for g in reversed(net.backprop(X, Y)[0])]


@slip("10.weight_gradient_sizes", "squared size")
def weight_sizes_squared(net, X, Y):
    return [np.sum((g / len(X)) ** 2) for g in net.backprop(X, Y)[0]]


@slip("10.weight_gradient_sizes", "largest singular value")
def weight_sizes_spectral(net, X, Y):
    return [np.linalg.norm(g / len(X), 2) for g in net.backprop(X, Y)[0]]


@pytest.mark.parametrize(("exercise_id", "wrong", "phrase"), WRONG)
def test_typical_slip_gets_its_message(exercise_id, wrong, phrase):
    verdict = feedback(exercise_id, wrong)
    assert not verdict.right
    assert verdict.status != "not attempted" or "Not finished" in verdict.message
    assert phrase in verdict.message, verdict.message
    assert "Traceback" not in verdict.message
    assert "np.int64(" not in verdict.message and "np.float64(" not in verdict.message


# --- wrong values, as a student might type them ---

WRONG_VALUES = [  # (exercise id, answer, a phrase its message must contain)
    ("01.gradient", "2", "Your answer is text"),
    ("01.gradient", "12", "Your answer is text"),
    ("01.gradient", ("2", "12"), "Your answer is text"),
    ("01.gradient", np.array(["2", "12"]), "Your answer is text"),
    ("01.eta_limit", (0.5,), "holding one number"),
    ("01.eta_limit", [0.5], "holding one number"),
    ("02.grad_w2", 36, "doubled factor"),  # y = 2: the slide's 2y and a doubled 2 coincide
    ("05.n_parameters", [79510], "holding one number"),
    ("05.n_parameters", 79511, "counting slip"),
    ("05.n_parameters", 79509, "counting slip"),
    ("05.steps", 4999, "counting slip"),
    ("05.steps", 5001, "counting slip"),
    ("05.steps", 6000, "60,000"),
    ("07.z_spread", 28, "√784"),
    ("07.z_spread", 28.0, "√784"),
    ("10.sigma_prime_bound", 0.016, "fewer than three significant digits"),
    ("01.eta_limit", 1, "second derivative"),  # 2/2: the coefficient of 2x² taken for λ
    ("09.string_accuracy", 0.875, "do not add up"),  # 1 - 5 x 0.025, the added chances of error
    ("09.string_accuracy", 0.88, "the question asks for"),  # what 0.875 rounds to, as well
    ("10.sigma_prime_bound", 1 / 16, "two layers"),
]


@pytest.mark.parametrize("answer", [0.0156, 0.01562, 0.01563, 1 / 64])
def test_an_exact_answer_rounded_either_way_at_a_tie_is_right(answer):
    """1/64 = 0.015625: to four significant digits both 0.01562 and 0.01563 are right."""
    assert feedback("10.sigma_prime_bound", answer).right


@pytest.mark.parametrize(("exercise_id", "answer", "phrase"), WRONG_VALUES)
def test_wrong_value_gets_its_message(exercise_id, answer, phrase):
    verdict = feedback(exercise_id, answer)
    assert not verdict.right
    assert phrase in verdict.message, verdict.message
    assert "1 numbers" not in verdict.message and "nothing to round" not in verdict.message


def test_a_count_off_by_one_is_a_counting_slip(mnist):
    from lectures_lib.exercises import find

    ones = int(find("04.always_one").expected())
    for answer in (ones - 1, ones + 1):
        verdict = feedback("04.always_one", answer)
        assert not verdict.right and "counting slip" in verdict.message, verdict.message


def test_every_exercise_that_checks_code_has_typical_slips():
    from lectures_lib.exercises import all_exercises
    from lectures_lib.exercises.checking import Function

    ids = {param.values[0] for param in WRONG}
    code = {i for i, e in all_exercises().items() if isinstance(e, Function)}
    assert code <= ids
    for exercise_id in code:
        assert sum(param.values[0] == exercise_id for param in WRONG) >= 4, exercise_id


def test_every_slip_the_checker_knows_is_met_by_a_wrong_solution():
    """No slip model that no real wrong solution reaches (one would never be said)."""
    from lectures_lib.exercises import all_exercises
    from lectures_lib.exercises.checking import Function

    messages = [feedback(p.values[0], p.values[1]).message for p in WRONG]
    for exercise_id, exercise in all_exercises().items():
        if isinstance(exercise, Function):
            for _, why in exercise.slips + exercise.symptoms:
                assert any(why in m for m in messages), (exercise_id, why)
