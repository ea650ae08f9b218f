"""Seed sweeps behind the general claims of notebooks 01 and 02 (run by `pytest -m claims`).

Each test names the notebook and the section it backs, and re-runs the claim on draws the
notebook does not show.
"""

import numpy as np
import pytest

from lectures_lib import descent, regression
from lectures_lib.surfaces import himmelblau


def himmelblau_ends(starts, eta):
    """The minimum each start reaches (500 steps of gradient descent), and the runs."""
    runs = [descent.gradient_descent(himmelblau, s, eta, 500) for s in starts]
    return [descent.nearest_minimum(himmelblau, run.points[-1]) for run in runs], runs


@pytest.mark.claims
@pytest.mark.parametrize("seed", range(5))
def test_01_section6_start_and_eta_decide_the_minimum(seed):
    """01, section 6 (Himmelblau, 20 random starts): with η = 0.01 every run converges and
    all four minima are reached; doubling η sends at least one start to another minimum,
    without diverging. The notebook shows seed 42; this checks seeds 0-4."""
    starts = np.random.default_rng(seed).uniform(-5, 5, size=(20, 2))
    reached, runs = himmelblau_ends(starts, 0.01)
    assert all(run.costs[-1] < 1e-6 for run in runs)
    assert len(set(reached)) == 4
    reached_doubled, runs_doubled = himmelblau_ends(starts, 0.02)
    assert not any(run.diverged for run in runs_doubled)
    assert any(a != b for a, b in zip(reached, reached_doubled))


def examples_to_threshold(X, y, X_val, y_val, eta, m, seed, budget, threshold=0.3):
    """One epoch of mini-batch SGD from 0: the validation loss after `budget` examples and
    the number of examples looked at until it first falls below `threshold`."""
    rng = np.random.default_rng(seed)
    w, b = np.zeros(2), 0.0
    order = rng.permutation(len(y))
    losses = []
    for k in range(0, len(y), m):
        batch = order[k : k + m]
        nabla_w, nabla_b = regression.gradients(regression.Params(w, b), X[batch], y[batch])
        w, b = w - eta * nabla_w, b - eta * nabla_b
        losses.append(regression.loss(regression.Params(w, b), X_val, y_val))
    losses = np.array(losses)
    below = np.flatnonzero(losses < threshold)
    return losses[budget // m - 1], m * (below[0] + 1) if len(below) else np.inf


@pytest.mark.claims
@pytest.mark.parametrize("draw", range(1, 6))
def test_02_section4_tuned_per_example_and_mini_batch_tie(draw):
    """02, section 4: each mini-batch size given its best η on a grid (median validation
    loss after 200 examples over seeds 0-9), one example per step and ten per step reach
    about the same validation loss after the 200 examples (medians over seeds 10-19 within
    0.03), and the best η for m = 10 is larger than for m = 1. The notebook shows data drawn
    with seed 0; this checks five other draws of the data (seeds 1-5). (The number of
    examples until the loss falls below 0.3 does not tie on every draw with this grid.)"""
    X, y = regression.make_data(1000, noise=0.5, rng=draw)
    X_val, y_val = regression.make_data(1000, noise=0.5, rng=100 + draw)
    etas = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    chosen, final = {}, {}
    for m in (1, 10):
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging η: never chosen
            scores = [
                np.median(
                    [
                        examples_to_threshold(X, y, X_val, y_val, eta, m, s, 200)[0]
                        for s in range(10)
                    ]
                )
                for eta in etas
            ]
        chosen[m] = etas[int(np.nanargmin(scores))]
        final[m] = np.median(
            [
                examples_to_threshold(X, y, X_val, y_val, chosen[m], m, s, 200)[0]
                for s in range(10, 20)
            ]
        )
    assert chosen[10] > chosen[1]
    assert abs(final[1] - final[10]) < 0.03


@pytest.mark.claims
@pytest.mark.parametrize("seed", range(5))
def test_02_section6_divergence_depends_on_m(seed):
    """02, section 6: on the notebook's data, η = 0.63 diverges within three epochs with one
    example per step and not with ten; η = 0.5 does not diverge with one. The notebook
    asserts it for seed 0; this checks shuffling seeds 0-4."""
    X, y = regression.make_data(1000, noise=0.5, rng=0)
    assert regression.sgd(X, y, 0.63, 1, 3, rng=seed).diverged
    assert not regression.sgd(X, y, 0.5, 1, 3, rng=seed).diverged
    assert not regression.sgd(X, y, 0.63, 10, 3, rng=seed).diverged
