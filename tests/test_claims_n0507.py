"""Seed sweeps behind the general claims of notebooks 05 and 07.

Each test names the notebook and the section it backs. The notebooks train one seed, or
three, to stay within their time; these repeat the experiment on five or ten seeds, with
the compiled trainer (`runs.train_runs`). Measured on the validation images, except where
the claim is about the test accuracy read once at the end (patience, section 4 of 07).
"""

import numpy as np
import pytest

from lectures_lib.network import Network
from lectures_lib.runs import Job, NetworkSaturated, sgd, train_runs

pytestmark = pytest.mark.claims

FIVE = range(5)


def test_05_section_9_seed_9_is_the_best_start_on_validation_and_most_stay_far_below(mnist):
    """05 section 9 (and 07 section 1): [784, 100, 10] from N(0, 1), seeds 0-9, 10 epochs.

    Seed 9 reads the most validation images after epoch 1 (the choice 05 uses) and is
    still the best after 10; most other starts end far below it (more than 5 points).
    """
    training, validation, _ = mnist
    jobs = [
        Job(sizes=(784, 100, 10), seed=s, epochs=10, evaluate=("validation",)) for s in range(10)
    ]
    runs = train_runs(jobs, training, validation=validation)
    first = np.array([r.history.validation_accuracy[0] for r in runs])
    last = np.array([r.history.validation_accuracy[-1] for r in runs])
    print(
        f"after 10 epochs: median {np.median(last):.2%}, from {last.min():.2%} to {last.max():.2%};"
        f" seed 9 {last[9]:.2%}"
    )
    assert int(np.argmax(first)) == 9
    assert last[9] >= last.max() - 0.002 and last[9] > 0.95
    assert np.sum(last < last[9] - 0.05) >= 6
    assert np.median(last) < last[9] - 0.05


def test_05_section_7_seed_0_is_a_typical_start_of_784_30_10(mnist):
    """05 section 7: [784, 30, 10] from N(0, 1), seeds 0-4, the lecture's 30 epochs.

    After 30 epochs all five end within a point of each other, seed 0 among them: seed 0
    is no lucky draw. (After epoch 1 they differ more: seed 3 is still below 85%.)
    """
    training, validation, _ = mnist
    jobs = [Job(sizes=(784, 30, 10), seed=s, epochs=30, evaluate=("validation",)) for s in FIVE]
    runs = train_runs(jobs, training, validation=validation)
    first = np.array([r.history.validation_accuracy[0] for r in runs])
    last = np.array([r.history.validation_accuracy[-1] for r in runs])
    print(f"epoch 1: {np.round(100 * first, 2)}; epoch 30: {np.round(100 * last, 2)}")
    assert first.min() > 0.8
    assert np.ptp(last) <= 0.01 and last.min() > 0.945
    assert last.min() <= last[0] <= last.max()


def test_07_section_2_too_little_data_overfits_on_every_seed(mnist):
    """07 section 2: the same 5,000 steps on 1,000 or 50,000 images, seeds 0-4."""
    training, validation, _ = mnist
    few = 1000
    jobs = [
        Job(sizes=(784, 30, 10), init="scaled", seed=s, epochs=50, n_train=few, evaluate=())
        for s in FIVE
    ] + [Job(sizes=(784, 30, 10), init="scaled", seed=s, epochs=1, evaluate=()) for s in FIVE]
    nets = [r.network for r in train_runs(jobs, training)]
    seen = (training.images[:few], training.labels[:few])
    on_seen = np.array([net.evaluate(*seen) / few for net in nets])
    on_new = np.array([net.evaluate(*validation) / 10_000 for net in nets])
    print(f"seen {np.round(100 * on_seen, 1)}; validation {np.round(100 * on_new, 1)}")
    assert np.all(on_seen[:5] - on_new[:5] > 0.08)  # about ten points, every seed
    assert np.all(np.abs(on_seen[5:] - on_new[5:]) < 0.03)
    assert on_new[5:].min() > on_new[:5].max()


def test_07_section_3_more_hidden_neurons_read_more_seed_by_seed(mnist):
    """07 section 3: [784, h, 10] for h = 10, 30, 100, scaled start, one epoch, seeds 0-4."""
    training, validation, _ = mnist
    sizes = (10, 30, 100)
    jobs = [
        Job(sizes=(784, h, 10), init="scaled", seed=s, epochs=1, evaluate=("validation",))
        for h in sizes
        for s in FIVE
    ]
    runs = train_runs(jobs, training, validation=validation)
    a = np.array([r.history.validation_accuracy[0] for r in runs]).reshape(len(sizes), len(FIVE))
    print(np.round(100 * a, 2))
    assert np.all(a[0] < a[1]) and np.all(a[1] < a[2])


def test_07_section_4_patience_saves_epochs_at_little_cost(mnist):
    """07 section 4: [784, 30, 10], scaled, 10,000 training images, seeds 0-4: patience 3
    against the fixed 30 epochs. It saves at least ten epochs every time; the test accuracy
    of the kept weights is within 0.3 points of the fixed run's, below it on most seeds."""
    training, validation, test = mnist
    common = dict(
        sizes=(784, 30, 10), init="scaled", epochs=30, n_train=10_000, evaluate=("validation",)
    )
    jobs = [Job(**common, seed=s) for s in FIVE] + [Job(**common, seed=s, patience=3) for s in FIVE]
    runs = train_runs(jobs, training, validation=validation)
    fixed, patient = runs[:5], runs[5:]
    saved = np.array([30 - len(p.history.validation_correct) for p in patient])
    difference = np.array(
        [p.network.evaluate(*test) - f.network.evaluate(*test) for f, p in zip(fixed, patient)]
    )
    print(f"epochs saved {saved}; test images right, patience minus fixed {difference}")
    assert all(p.history.stopped_early for p in patient) and saved.min() >= 10
    assert np.abs(difference).max() <= 30
    assert np.sum(difference < 0) >= 3


def test_07_section_5_darkness_alone_stays_near_the_baseline(mnist):
    """07 section 5: [1, 30, 10] on the darkness stretched to [0, 1], 5 epochs, seeds 0-4: the
    validation accuracy stays between 19% and 25% after every epoch."""
    training, validation, _ = mnist
    darkness = training.images.mean(axis=1) / 255
    lightest, darkest = darkness.min(), darkness.max()

    def feature(images):
        stretched = (images.mean(axis=1) / 255 - lightest) / (darkest - lightest)
        return np.clip(stretched, 0, 1)[:, None]

    for seed in FIVE:
        rng = np.random.default_rng(seed)
        net = Network([1, 30, 10], rng=rng, init="scaled")
        history = sgd(
            net, (feature(training.images), training.labels), 5, 10, 3.0, rng=rng,
            validation=(feature(validation.images), validation.labels),
        )  # fmt: skip
        a = history.validation_accuracy
        assert 0.19 < a.min() and a.max() < 0.25, (seed, a)


def test_07_section_6_the_cost_curve_tells_eta_too_small_from_too_large(mnist):
    """07 section 6 and its table: [784, 30, 10], N(0, 1), seeds 0-4, 3 epochs on the
    first 5,000 training images. Both η = 0.001 and η = 100 stay near chance on the first
    1,000 validation images; at η = 0.001 the cost falls every epoch, at η = 100 it never
    falls (flat or jumping up), or the trainer stops the run with NetworkSaturated."""
    training, validation, _ = mnist
    subset = (training.images[:5000], training.labels[:5000])
    held_out = (validation.images[:1000], validation.labels[:1000])
    common = dict(epochs=3, n_train=5000, evaluate=("validation",), monitor=True)
    small = train_runs(
        [Job(seed=s, eta=0.001, **common) for s in FIVE], subset, validation=held_out
    )
    for run in small:
        assert np.all(np.diff(run.history.training_cost) < 0)
        assert max(run.history.validation_correct) < 200
    outcomes = []
    for seed in FIVE:
        try:
            [run] = train_runs([Job(seed=seed, eta=100.0, **common)], subset, validation=held_out)
        except NetworkSaturated:
            outcomes.append("saturated")
            continue
        cost = np.array(run.history.training_cost)
        assert np.all(np.diff(cost) > -1e-3), (seed, cost)
        assert max(run.history.validation_correct) < 200
        outcomes.append("flat" if np.ptp(cost) < 1e-3 else "up")
    print(outcomes)
