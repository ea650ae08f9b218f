"""What the checks of several notebooks share: parameters counted in a network, and random
networks and mini-batches to call a student's function on (inputs in [0, 1], as the
network takes them)."""

from __future__ import annotations

import numpy as np


def count_parameters(sizes) -> int:
    """Weights and biases of a lectures_lib Network of these sizes, counted in the network."""
    from lectures_lib.network import Network

    net = Network(sizes, rng=0)
    return sum(w.size + b.size for w, b in zip(net.weights, net.biases))


def random_network(rng, sizes):
    """A lectures_lib Network of these sizes with N(0, 1) weights drawn from rng."""
    from lectures_lib.network import Network

    return Network(sizes, rng=rng)


def random_batch(rng, sizes, m):
    """Inputs X (m, sizes[0]) in [0, 1) and one-hot targets Y (m, sizes[-1])."""
    Y = np.zeros((m, sizes[-1]))
    Y[np.arange(m), rng.integers(0, sizes[-1], m)] = 1.0
    return rng.random((m, sizes[0])), Y


def network_cases(rng, shapes, switched_off=()):
    """(net, X, Y) for each (sizes, m); the methods named in switched_off raise if called."""
    cases = []
    for sizes, m in shapes:
        net = random_network(rng, sizes)
        for method in switched_off:
            setattr(net, method, SwitchedOff(method))
        cases.append((net, *random_batch(rng, sizes, m)))
    return cases


class SwitchedOff:
    """Stands in for a method of the network that the exercise asks you to write."""

    def __init__(self, method):
        self.method = method

    def __call__(self, *arguments, **keywords):
        raise RuntimeError(
            f"net.{self.method} is switched off in this exercise: the point is to write it"
        )
