"""Exercises of notebook 05: counting parameters and steps, backpropagation for a network
of any depth, and the lecture's quadratic cost."""

from __future__ import annotations

import numpy as np

from lectures_lib.exercises.cases import count_parameters, network_cases
from lectures_lib.exercises.checking import Function, Value, section
from lectures_lib.neurons import sigmoid, sigmoid_prime


def _count_weights(sizes) -> int:
    from lectures_lib.network import Network

    return sum(w.size for w in Network(sizes, rng=0).weights)


def _steps_per_epoch() -> int:
    from lectures_lib.data import N_TRAINING

    return N_TRAINING // 10


n_parameters = Value(
    id="05.n_parameters",
    expected=lambda: count_parameters([784, 100, 10]),
    count=True,
    slips=(
        (
            lambda: _count_weights([784, 100, 10]),
            "you counted the weights only: every hidden and output neuron has a bias too",
        ),
        (
            lambda: count_parameters([784, 100, 10]) - 10,
            "the 10 output neurons have a bias each too, not only the hidden ones",
        ),
        (
            lambda: count_parameters([784, 100, 10]) - 100,
            "the 100 hidden neurons have a bias each too, not only the output ones",
        ),
        (
            lambda: count_parameters([784, 100, 10]) + 784,
            "the 784 input neurons only hold the pixels: they have no bias",
        ),
        (
            lambda: count_parameters([784, 100]),
            "that is the hidden layer only: the output layer's weights and biases count too",
        ),
    ),
    hints=(
        "Count layer by layer. A layer from n_in to n_out neurons has a weight for every "
        "(input, neuron) pair and a bias for each of its own neurons.",
        section("05", "The network", "30, 10")
        + " counts them for [784, 30, 10]: the same sum, with 100 "
        "hidden neurons.",
    ),
)

steps = Value(
    id="05.steps",
    expected=_steps_per_epoch,
    count=True,
    slips=(
        (
            lambda: 10 * _steps_per_epoch(),
            "that is one step per example (per-example SGD); the lecture's SGD takes one "
            "step per mini-batch",
        ),
        (lambda: 30 * _steps_per_epoch(), "that is 30 epochs; the question asks for one"),
        (lambda: 10, "10 is the size of a mini-batch, not how many there are"),
        (
            lambda: 60_000 // 10,
            "that divides all 60,000 MNIST training images; the series trains on 50,000 of "
            "them and keeps 10,000 apart for validation (notebook 04)",
        ),
    ),
    hints=(
        "One epoch uses every training image once, cut into mini-batches.",
        "SGD takes one step per mini-batch. How many mini-batches of 10 images are there?",
    ),
)


# --- 05.backprop ---


def _backprop(
    net, X, Y, *, output_prime=True, hidden_prime=True, sign=1, rows=False, prime_at_a=()
):
    """Backpropagation with switches that make it go wrong the way a student might.

    output_prime / hidden_prime: multiply by σ′ at the output / in the hidden layers.
    sign: -1 for (y − a) instead of (a − y), 2 for the derivative of (a − y)² without the ½.
    rows: keep ∇b as one row per example instead of summing.  prime_at_a: where σ′(a)
    stands in place of σ′(z), "output" and/or "hidden".
    """
    activations, zs = [X], []
    for w, b in zip(net.weights, net.biases):
        zs.append(activations[-1] @ w.T + b)
        activations.append(sigmoid(zs[-1]))
    at = [a if "hidden" in prime_at_a else z for a, z in zip(activations[1:], zs)]
    at[-1] = activations[-1] if "output" in prime_at_a else zs[-1]
    delta = sign * (activations[-1] - Y) * (sigmoid_prime(at[-1]) if output_prime else 1)
    nabla_w, nabla_b = [None] * len(zs), [None] * len(zs)
    for layer in range(len(zs) - 1, -1, -1):
        nabla_w[layer] = delta.T @ activations[layer]
        nabla_b[layer] = delta if rows else delta.sum(axis=0)
        if layer > 0:
            passed = delta @ net.weights[layer]
            delta = passed * (sigmoid_prime(at[layer - 1]) if hidden_prime else 1)
    return nabla_w, nabla_b


def _backprop_cases(rng):
    shapes = (([4, 3, 2], 3), ([5, 4, 3, 2], 4), ([3, 3, 3, 3], 2), ([6, 5, 4], 5))
    return network_cases(rng, shapes, switched_off=("backprop",))


def _library_backprop(net, X, Y):
    """lectures_lib's Network.backprop (the class's method: the instance's is switched off)."""
    return type(net).backprop(net, X, Y)


def _each(function):
    """A model that applies ``function`` to every array of the correct gradients."""

    def model(net, X, Y):
        nabla_w, nabla_b = _library_backprop(net, X, Y)
        return [function(a, X) for a in nabla_w], [function(a, X) for a in nabla_b]

    return model


def _reversed(net, X, Y):
    nabla_w, nabla_b = _library_backprop(net, X, Y)
    return nabla_w[::-1], nabla_b[::-1]


def _backprop_advice(error):
    if isinstance(error, ValueError) and "unpack" in str(error):
        return (
            "Your code takes the layers apart by name (like W1, W2 = net.weights): the "
            "test networks have two or three layers. Loop over the layers instead."
        )
    if isinstance(error, ValueError) and ("matmul" in str(error) or "shapes" in str(error)):
        return (
            "A matrix product whose shapes do not fit. With one example per row: a layer "
            "is Z = A @ W.T + b; δ goes back as δ @ W; and ∇W = δ.T @ A has W's shape."
        )
    return None


backprop = Function(
    id="05.backprop",
    signature="backprop(net, X, Y)",
    cases=_backprop_cases,
    reference=_library_backprop,
    against="lectures_lib's Network.backprop",
    parts=("nabla_w", "nabla_b"),
    slips=(
        (
            lambda net, X, Y: _backprop(net, X, Y, output_prime=False, hidden_prime=False),
            "σ′ forgotten: every δ is multiplied by σ′(z) of its layer, "
            "δ = (a − y) ⊙ σ′(z) at the output and δ = (δ_next @ W_next) ⊙ σ′(z) below",
        ),
        (
            lambda net, X, Y: _backprop(net, X, Y, output_prime=False),
            "σ′ forgotten at the output layer: δ_L = (a − y) ⊙ σ′(z_L)",
        ),
        (
            lambda net, X, Y: _backprop(net, X, Y, hidden_prime=False),
            "σ′ forgotten in the hidden layers: passing δ back through W gives ∂C/∂a; "
            "multiply by σ′(z) of that layer to get its δ",
        ),
        (lambda net, X, Y: _backprop(net, X, Y, sign=-1), "wrong sign: ∂C/∂a = a − y, not y − a"),
        (
            lambda net, X, Y: _backprop(net, X, Y, sign=2),
            "a factor 2 too many: the cost of one example is ‖y − a‖²/2, and the ½ cancels "
            "the 2 of the square, so ∂C/∂a = a − y",
        ),
        (
            lambda net, X, Y: _backprop(net, X, Y, prime_at_a=("output", "hidden")),
            "σ′ belongs at z, not at a: σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), while your "
            "code takes σ′ of the activation a itself",
        ),
        (
            lambda net, X, Y: _backprop(net, X, Y, prime_at_a=("output",)),
            "σ′ belongs at z, not at a: at the output layer your code takes σ′(a_L), σ′ of "
            "the activation; δ_L = (a − y) ⊙ σ′(z_L), and σ′(z_L) = a_L(1 − a_L)",
        ),
        (
            lambda net, X, Y: _backprop(net, X, Y, prime_at_a=("hidden",)),
            "σ′ belongs at z, not at a: in the hidden layers your code takes σ′ of the "
            "activation a; each δ is (δ_next @ W_next) ⊙ σ′(z), and σ′(z) = a(1 − a)",
        ),
        (
            _each(lambda a, X: a / len(X)),
            "that is the mean over the mini-batch; backprop returns the sums, as "
            "Network.backprop does (the 1/m comes in the update step)",
        ),
        (
            _each(lambda a, X: a.T),
            "the gradients of the weights are transposed: ∇W = δ.T @ A has W's shape "
            "(n_out, n_in), like net.weights",
        ),
        (
            lambda net, X, Y: _backprop(net, X, Y, rows=True),
            "∇b is one row per example: sum δ over the mini-batch's rows",
        ),
        (
            _reversed,
            "the layers are in reverse order: nabla_w[0] belongs to net.weights[0], the "
            "first layer, even though backprop computes it last",
        ),
    ),
    advice=_backprop_advice,
    refuse=("lectures_lib.network:Network.backprop", "lectures_lib.network:Network._backprop"),
    hints=(
        section("05", "Backpropagation for a mini-batch, derived", "backprop_by_hand")
        + " writes backpropagation for two layers. Make it a loop: "
        "forward through every layer, keeping each layer's Z and A; then backward.",
        "Backward: δ of the output layer is (A_L − Y) ⊙ σ′(Z_L). Each layer's gradients are "
        "δ.T @ A_in and δ summed over the rows; then δ goes one layer back.",
        "Going back: multiply δ by the layer's W (shape (n_out, n_in)), then by σ′ of the "
        "layer below. Fill lists with one entry per layer, first layer first.",
    ),
)


# --- 05.quadratic_cost ---


def _cost_cases(rng):
    shapes = (([4, 3, 2], 5), ([5, 4, 3], 1), ([3, 4, 3, 2], 7), ([6, 5, 4], 3))
    return network_cases(rng, shapes, switched_off=("cost",))


def _library_cost(net, X, Y):
    """lectures_lib's Network.cost (the class's method: the instance's is switched off)."""
    return type(net).cost(net, X, Y)


def _cost_model(*, square=True, half=True, per_example=False, mean_of_entries=False):
    """The cost with switches that make it go wrong the way a student might."""

    def model(net, X, Y):
        error = Y - net.feedforward(X)  # (n, n_out): y(x) - a, one row per example
        lengths = np.sum(error**2, axis=1) if square else np.linalg.norm(error, axis=1)
        if per_example:
            return lengths / 2
        if mean_of_entries:
            return np.mean(error**2) / 2
        return np.sum(lengths) / (2 if half else 1) / len(X)

    return model


def _summed_cost(net, X, Y):
    return _library_cost(net, X, Y) * len(X)


def _cost_advice(error):
    if isinstance(error, ValueError) and ("broadcast" in str(error) or "shapes" in str(error)):
        return (
            "Shapes that do not fit: net.feedforward(X) gives the outputs a, one row per "
            "example, shaped like Y (n, n_out); subtract the two directly."
        )
    return None


quadratic_cost = Function(
    id="05.quadratic_cost",
    signature="quadratic_cost(net, X, Y)",
    cases=_cost_cases,
    reference=_library_cost,
    against="lectures_lib's Network.cost",
    slips=(
        (
            _cost_model(square=False),
            "the square is missing: each example adds the squared length ‖y − a‖², the sum "
            "of the squares of its errors (the lecture's slide writes ‖y − a‖/2 once, a slip)",
        ),
        (
            lambda net, X, Y: np.linalg.norm(Y - net.feedforward(X)) / (2 * len(X)),
            "the square is missing: each example adds the squared length ‖y − a‖², the sum "
            "of the squares of its errors (the lecture's slide writes ‖y − a‖/2 once, a slip)",
        ),
        (_cost_model(half=False), "a missing 1/2: C = (1/2n) Σ_x ‖y(x) − a‖²"),
        (
            _summed_cost,
            "that is the sum over the examples; the cost is their average: divide by n, the "
            "number of examples (the rows of X)",
        ),
        (
            _cost_model(mean_of_entries=True),
            "divided by too much: np.mean averages over every entry, n × n_out of them; "
            "the cost adds up the squares over the outputs and averages over the n examples "
            "only",
        ),
        (
            _cost_model(per_example=True),
            "that is one cost per example, C_x = ‖y(x) − a‖²/2; the cost C is their average, "
            "one number",
        ),
    ),
    advice=_cost_advice,
    refuse=("lectures_lib.network:Network.cost",),
    hints=(
        "The lecture's cost: C = (1/2n) Σ_x ‖y(x) − a‖², an average over the n examples. "
        "net.feedforward(X) gives every output a at once, one row per example.",
        "‖y − a‖² is the sum of the squares of one row of Y − A: the example's squared "
        "errors over all its outputs.",
        "Careful with np.mean: it divides by every entry of the array, n × n_out, while the "
        "cost divides by the number of examples n only.",
    ),
)

EXERCISES = (n_parameters, steps, backprop, quadratic_cost)
