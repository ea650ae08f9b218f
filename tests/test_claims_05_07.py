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


def test_05_section_9_and_07_section_1_ten_epochs_from_each_n01_start(mnist):
    """05 section 9 and 07 section 1: [784, 100, 10] from N(0, 1), seeds 0-9, 10 epochs.

    Seed 9 reads the most validation images after epoch 1 (the choice 05 uses) and is
    still the best after 10 (to 0.2 points); most other starts end far below it (more than
    5 points). The one-epoch ranking says little about the others: two starts within a
    point of each other after epoch 1 end more than 5 points apart. A stuck output neuron
    can stay stuck for many epochs: after 10 epochs most networks still have a digit they
    answer for fewer than 10 of the first 1,000 validation images (07 found one in every
    network after epoch 1), at least one has none left, and in most runs the validation
    accuracy jumps by more than 5 points in one epoch, as a neuron escapes.
    """
    training, validation, _ = mnist
    jobs = [
        Job(sizes=(784, 100, 10), seed=s, epochs=10, evaluate=("validation",)) for s in range(10)
    ]
    runs = train_runs(jobs, training, validation=validation)
    curves = np.array([r.history.validation_accuracy for r in runs])  # (seed, epoch)
    first, last = curves[:, 0], curves[:, -1]
    print(
        f"after 10 epochs: median {np.median(last):.2%}, from {last.min():.2%} to {last.max():.2%};"
        f" seed 9 {last[9]:.2%}"
    )
    assert int(np.argmax(first)) == 9
    assert last[9] >= last.max() - 0.002 and last[9] > 0.95
    assert np.sum(last < last[9] - 0.05) >= 6
    assert np.median(last) < last[9] - 0.05

    level_then_apart = [
        (a, b)
        for a in range(10)
        for b in range(a + 1, 10)
        if abs(first[a] - first[b]) < 0.01 and abs(last[a] - last[b]) > 0.05
    ]
    print("level after epoch 1, more than 5 points apart after 10:", level_then_apart)
    assert level_then_apart

    rare = []
    for r in runs:
        answers = np.argmax(r.network.feedforward(validation.images[:1000]), axis=1)
        rare.append([d for d in range(10) if np.sum(answers == d) < 10])
    jumps = np.diff(curves, axis=1).max(axis=1)
    print(f"digits rarely answered after 10 epochs: {rare}; largest jump per run {jumps}")
    assert sum(len(r) > 0 for r in rare) >= 6 and sum(len(r) == 0 for r in rare) >= 1
    assert np.sum(jumps > 0.05) >= 6


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


def test_07_section_4_more_epochs_help_and_patience_saves_epochs_at_little_cost(mnist):
    """07 section 4: [784, 30, 10], scaled start, 10,000 training images, seeds 0-4,
    the fixed 30 epochs against patience 3, both watching the first 5,000 validation
    images. On every seed the fixed run's epoch 30 beats its epoch 5, and a later epoch by
    more than half a point; patience saves at least ten epochs, and on the other 5,000
    validation images its weights read within half a point of the fixed run's."""
    training, validation, _ = mnist
    watched = (validation.images[:5000], validation.labels[:5000])
    unseen = (validation.images[5000:], validation.labels[5000:])
    common = dict(
        sizes=(784, 30, 10), init="scaled", epochs=30, n_train=10_000, evaluate=("validation",)
    )
    jobs = [Job(**common, seed=s) for s in FIVE] + [Job(**common, seed=s, patience=3) for s in FIVE]
    runs = train_runs(jobs, training, validation=watched)
    fixed, patient = runs[:5], runs[5:]
    curves = [f.history.validation_correct for f in fixed]
    saved = np.array([30 - len(p.history.validation_correct) for p in patient])
    difference = np.array(
        [p.network.evaluate(*unseen) - f.network.evaluate(*unseen) for f, p in zip(fixed, patient)]
    )
    print(f"epochs saved {saved}; unseen images right, patience minus fixed {difference}")
    assert all(c[-1] > c[4] and max(c[5:]) - c[4] > 25 for c in curves)
    assert all(p.history.stopped_early for p in patient) and saved.min() >= 10
    assert np.abs(difference).max() <= 25


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
    first 5,000 training images, η from 0.001 to 100 by factors of 10, the accuracy on the
    first 1,000 validation images. η = 0.001 and η = 100 both stay near chance; at 0.001
    the cost falls every epoch by more than 2% of itself, yet stays above η = 100's; at
    η = 100 it never falls (flat or jumping up), or the trainer stops the run with
    NetworkSaturated. η = 0.01 (× 10) is still at chance; η = 10 (÷ 10 from 100) reads
    more than 600, and the best η on validation is 1 or 10."""
    training, validation, _ = mnist
    subset = (training.images[:5000], training.labels[:5000])
    held_out = (validation.images[:1000], validation.labels[:1000])
    common = dict(epochs=3, n_train=5000, evaluate=("validation",), monitor=True)
    etas = (0.001, 0.01, 0.1, 1.0, 10.0)
    jobs = [Job(seed=s, eta=eta, **common) for s in FIVE for eta in etas]
    by = {(r.job.seed, r.job.eta): r.history for r in train_runs(jobs, subset, validation=held_out)}
    outcomes = []
    for seed in FIVE:
        small = np.array(by[seed, 0.001].training_cost)
        assert np.all(small[1:] < 0.98 * small[:-1]), (seed, small)
        assert max(by[seed, 0.001].validation_correct + by[seed, 0.01].validation_correct) < 200
        assert by[seed, 10.0].validation_correct[-1] > 600
        assert max(etas, key=lambda eta: by[seed, eta].validation_correct[-1]) in (1.0, 10.0)
        try:
            [run] = train_runs([Job(seed=seed, eta=100.0, **common)], subset, validation=held_out)
        except NetworkSaturated:
            outcomes.append("saturated")
            continue
        cost = np.array(run.history.training_cost)
        assert np.all(np.diff(cost) > -1e-3), (seed, cost)
        assert max(run.history.validation_correct) < 200
        assert cost[0] < small[-1]  # by its level, η = 100 looks better
        outcomes.append("flat" if np.ptp(cost) < 1e-3 else "up")
    print(outcomes)


def test_07_section_1_the_stuck_digits_come_from_the_output_layer(mnist):
    """07 section 1, "Which layer's N(0, 1) weights leave the stuck digits": [784, 100, 10],
    seeds 0-9, one epoch, the N(0, 1) start with no layer, the hidden layer, the output
    layer or both divided by sqrt(n_in) (both: the scaled start). Scaling the output layer
    alone beats the N(0, 1) start on every seed and leaves far fewer stuck digits (answered
    for fewer than 10 of the first 1,000 validation images); scaling the hidden layer alone
    leaves stuck digits on every seed and reads less than the N(0, 1) start on most; both
    scaled beat the output layer alone on every seed, with no stuck digit."""
    training, validation, _ = mnist
    first = validation.images[:1000]
    seeds = range(10)
    variants = {"none": (), "hidden": (0,), "output": (1,), "both": (0, 1)}
    accuracy = {name: [] for name in variants}
    stuck = {name: [] for name in variants}
    for seed in seeds:
        for name, layers in variants.items():
            rng = np.random.default_rng(seed)
            net = Network([784, 100, 10], rng=rng, init="normal")
            for layer in layers:
                net.weights[layer] /= np.sqrt(net.weights[layer].shape[1])
            history = sgd(net, training, 1, 10, 3.0, rng=rng, validation=validation)
            accuracy[name].append(history.validation_accuracy[0])
            counts = np.bincount(np.argmax(net.feedforward(first), axis=1), minlength=10)
            stuck[name].append(int(np.sum(counts < 10)))
    a = {name: np.array(v) for name, v in accuracy.items()}
    s = {name: np.array(v) for name, v in stuck.items()}
    for name in variants:
        print(f"{name:6s} {np.round(100 * a[name], 1)} stuck {s[name]}")
    assert np.all(a["output"] > a["none"])
    assert s["output"].sum() < s["none"].sum() / 3
    assert np.all(s["hidden"] > 0) and np.sum(a["hidden"] < a["none"]) >= 6
    assert np.all(a["both"] > a["output"]) and np.all(s["both"] == 0)
    assert a["both"].min() > 0.94
