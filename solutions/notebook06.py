"""Worked solutions to the exercises of notebook 06 (the learning rate)."""


def update_mini_batch(net, X, Y, eta):
    """One step of gradient descent on the mini-batch X (m, n_in), Y (m, n_out), in place:
    w -> w - (eta/m) sum_x dC_x/dw for every weight, and the same for every bias."""
    nabla_w, nabla_b = net.backprop(X, Y)  # sums over the m examples, computed once
    step = eta / len(X)  # eta times the mean: the sum divided by m = len(X)
    for w, nw in zip(net.weights, nabla_w):
        w -= step * nw  # in place: changes net.weights[l] itself
    for b, nb in zip(net.biases, nabla_b):
        b -= step * nb


SOLUTIONS = {
    "06.update_mini_batch": update_mini_batch,
}
