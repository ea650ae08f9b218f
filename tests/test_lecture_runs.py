"""The notebooks' long MNIST runs, disturbed: do their claims survive another computer?

With eta = 3, SGD amplifies a difference in the last digit of a number from step to step,
until two runs from the same start part ways, and another machine's arithmetic (another
BLAS, another order of a sum) makes such differences.  These tests change eta in its 15th
digit, which disturbs the path in the same way, and check that what a notebook asserts
about its run still holds.
"""

import numpy as np

from lectures_lib.runs import Job, train_runs

DISTURBED_ETA = 3.0 * (1 + 1e-15)


def test_the_two_attempts_of_05_keep_their_claims_when_disturbed(mnist):
    """05 trains [784, 30, 10] from seed 0 for 30 epochs and, beside it, [784, 100, 10]
    from seed 9 for 10 epochs with monitor=10_000, and asserts what is asserted here: about
    95% (the lecture: 95.42%) with about 90% after epoch 0; about 96% within 10 epochs
    (the lecture: 96.59% in 30) from a start that is not stuck; a training cost that falls
    and a training accuracy that pulls ahead of the test accuracy."""
    training, _, test = mnist
    assert DISTURBED_ETA != 3.0
    jobs = [
        Job(sizes=(784, 30, 10), seed=0, epochs=30, eta=DISTURBED_ETA),
        Job(sizes=(784, 100, 10), seed=9, epochs=10, eta=DISTURBED_ETA, monitor=10_000),
    ]
    first, second = (result.history for result in train_runs(jobs, training, test=test))

    gain = (first.best - first.correct[0]) / 100
    assert 0.945 <= first.accuracy.max() <= 0.96
    assert 0.88 <= first.accuracy[0] <= 0.93 and 3 <= gain <= 6

    assert 0.955 <= second.accuracy.max() <= 0.97
    assert second.correct[0] > 8000
    assert np.all(np.diff(second.training_cost[:3]) < 0)
    gaps = 100 * (second.training_accuracy - second.accuracy)
    assert gaps[-1] > 0.5 and gaps[-1] > gaps[0]
