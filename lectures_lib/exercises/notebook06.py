"""Exercises of notebook 06: the learning rate. One step of SGD, written out: the update
w -> w - (eta/m) sum_x dC_x/dw, applied to the network's own arrays."""

from __future__ import annotations

from lectures_lib.exercises.cases import network_cases
from lectures_lib.exercises.checking import Function

# (sizes, m, eta) of the test calls: no mini-batch of 10, the lecture's size, so that a
# step divided by 10 instead of m shows; learning rates on both sides of 1
_SHAPES = (
    ([4, 3, 2], 3, 3.0),
    ([5, 4, 3, 2], 4, 0.5),
    ([3, 3, 3, 3], 2, 10.0),
    ([6, 5, 4], 5, 0.1),
)


def _cases(rng):
    """(net, X, Y, eta) for each shape; net's own update_mini_batch and SGD raise if called."""
    shapes = [(sizes, m) for sizes, m, _ in _SHAPES]
    cases = network_cases(rng, shapes, switched_off=("update_mini_batch", "SGD"))
    return [(*case, eta) for case, (_, _, eta) in zip(cases, _SHAPES)]


def library_step(net, X, Y, eta):
    """lectures_lib's Network.update_mini_batch (the class's method: the instance's is
    switched off)."""
    type(net).update_mini_batch(net, X, Y, eta)


def _step(*, scale=lambda eta, m: eta / m, weights=True, biases=True, backprop_again=False):
    """One step with switches that make it go wrong the way a student might.

    scale(eta, m): what the summed gradient is multiplied by (eta/m when right; a negative
    scale climbs).  weights / biases: which arrays move.  backprop_again: the biases' step
    uses gradients computed anew, after the weights have moved.
    """

    def model(net, X, Y, eta):
        nabla_w, nabla_b = net.backprop(X, Y)
        step = scale(eta, len(X))
        if weights:
            for w, nw in zip(net.weights, nabla_w):
                w -= step * nw
        if backprop_again:
            nabla_b = net.backprop(X, Y)[1]
        if biases:
            for b, nb in zip(net.biases, nabla_b):
                b -= step * nb

    return model


def _step_per_example(net, X, Y, eta):
    """A step of eta/m for each example in turn, each at the weights the last one left."""
    for x, y in zip(X, Y):
        nabla_w, nabla_b = net.backprop(x[None, :], y[None, :])
        for p, g in zip(net.weights + net.biases, nabla_w + nabla_b):
            p -= eta / len(X) * g


def _leaves_the_network(net, X, Y, eta):
    """Computes the step but keeps the network as it was (returns new arrays instead)."""


def _advice(error):
    if isinstance(error, ValueError) and "broadcast" in str(error):
        return (
            "An array and a gradient whose shapes do not fit: nabla_w[l] has the shape of "
            "net.weights[l], nabla_b[l] that of net.biases[l]. Pair them in that order, "
            "zip(net.weights, nabla_w) and zip(net.biases, nabla_b)."
        )
    if isinstance(error, RuntimeError) and "switched off" in str(error):
        return "Use net.backprop(X, Y) for the gradients, and take the step yourself."
    return None


update_mini_batch = Function(
    id="06.update_mini_batch",
    signature="update_mini_batch(net, X, Y, eta)",
    cases=_cases,
    reference=library_step,
    against="lectures_lib's Network.update_mini_batch",
    changes=(0,),
    in_place=True,
    parts=("net.weights", "net.biases"),
    slips=(
        (
            _step(scale=lambda eta, m: -eta / m),
            "wrong sign: that step climbs, gradient ascent; gradient descent moves against "
            "the gradient, w → w − (η/m) Σ_x ∂C_x/∂w",
        ),
        (
            _step(scale=lambda eta, m: eta),
            "a missing 1/m: net.backprop returns sums over the m examples of the mini-batch, "
            "and the step uses their mean, w → w − (η/m) Σ_x ∂C_x/∂w (m = len(X))",
        ),
        (
            _step(scale=lambda eta, m: eta / m**2),
            "divided by m twice: the sum from net.backprop divided by m is already the mean "
            "gradient; the step is η times that mean, (η/m) Σ_x ∇C_x",
        ),
        (
            _step(scale=lambda eta, m: eta / 10),
            "divided by 10, the lecture's mini-batch size: divide by m = len(X), the number "
            "of examples in this mini-batch",
        ),
        (
            _step(biases=False),
            "the biases did not move: every bias takes a step too, "
            "b → b − (η/m) Σ_x ∂C_x/∂b, with nabla_b from the same call of net.backprop",
        ),
        (
            _step(weights=False),
            "the weights did not move, only the biases: every weight takes a step too, "
            "w → w − (η/m) Σ_x ∂C_x/∂w",
        ),
        (
            _step(backprop_again=True),
            "net.backprop was called again after the weights had moved, so the biases took "
            "their step with the gradient at the new weights. Call it once, before changing "
            "anything: one step moves every weight and bias by the gradient at the same point",
        ),
        (
            _step_per_example,
            "that takes one small step per example, each from where the last one left the "
            "weights; the lecture's SGD takes one step per mini-batch, with the gradients of "
            "all m examples computed at the same weights (one call of net.backprop(X, Y))",
        ),
        (
            _leaves_the_network,
            "net.weights and net.biases are as they were: your function returned new arrays "
            "instead of changing the network's own. SGD calls update_mini_batch for what it "
            "does to net and ignores what it returns: change the arrays in place, `w -= …`",
        ),
    ),
    advice=_advice,
    refuse=(
        "lectures_lib.network:Network.update_mini_batch",
        "lectures_lib.network:Network.SGD",
        "lectures_lib.runs:sgd",  # one epoch of one mini-batch is one step
    ),
    hints=(
        "net.backprop(X, Y) returns (nabla_w, nabla_b): lists with one array per layer, "
        "shaped like net.weights and net.biases, each the gradient summed over the m "
        "examples of the mini-batch (m = len(X), the rows of X).",
        "The lecture's step: w → w − (η/m) Σ_x ∂C_x/∂w for every weight array, and "
        "b → b − (η/m) Σ_x ∂C_x/∂b for every bias array. The sum divided by m is the "
        "mean gradient over the mini-batch.",
        "Change the network's own arrays: in `for w, nw in zip(net.weights, nabla_w):`, "
        "`w -= …` changes net.weights[l] itself, while `w = w - …` only gives the name w a "
        "new array. Compute the gradients once, before changing anything.",
    ),
)

EXERCISES = (update_mini_batch,)
