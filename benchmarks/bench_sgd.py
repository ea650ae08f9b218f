"""Time one epoch of [784, 30, 10] at m = 10 (plus one evaluation of 10,000) on real MNIST.

Compares, in one run and from the same weights and shuffle:
  - a per-example reference: the textbook algorithm (Nielsen's network.py, in Python 3),
    one column vector and one backprop call per training example;
  - lectures_lib's numpy path (what the notebooks teach: a mini-batch as matrices);
  - lectures_lib's default path (compiled with numba when it is installed);
  - the compiled path in float32 (dtype="float32": faster, a little less exact);
and, with numba, two such runs (two seeds) one after another against the same two runs
side by side in two threads (`lectures_lib.runs.train_runs`, workers=2).
It checks that the float64 implementations end with the same weights and prints the
speed-up ratios, each the median of the ratios in alternating rounds.

Run: python benchmarks/bench_sgd.py  (set LECTURES_MNIST_MIRROR to use a local mirror)
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from lectures_lib import _compiled
from lectures_lib.data import load_mnist
from lectures_lib.encoding import one_hot
from lectures_lib.network import Network
from lectures_lib.runs import Job, sgd, train_runs

TARGET_RATIO = 12.0
TOLERANCE = 1e-10
ENGINES_AGREE = 1e-12  # the compiled engine against the numpy path it compiles
ROUNDS = 5


# --- the per-example reference, as in the textbook -----------------------------------


def ref_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_sigmoid_prime(z):
    return ref_sigmoid(z) * (1 - ref_sigmoid(z))


def ref_backprop(weights, biases, x, y):
    """Gradient of C_x for one example x (n_in, 1), y (n_out, 1)."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    activation, activations, zs = x, [x], []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = ref_sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * ref_sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for layer in range(2, len(weights) + 1):
        delta = np.dot(weights[-layer + 1].transpose(), delta) * ref_sigmoid_prime(zs[-layer])
        nabla_b[-layer] = delta
        nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
    return nabla_b, nabla_w


def ref_epoch(weights, biases, X, Y, perm, m, eta):
    """One epoch of the textbook SGD; returns new weights and biases (n_out,)."""
    biases = [b.reshape(-1, 1) for b in biases]
    for k in range(0, len(perm), m):
        batch = perm[k : k + m]
        nabla_b = [np.zeros(b.shape) for b in biases]
        nabla_w = [np.zeros(w.shape) for w in weights]
        for i in batch:
            x = (X[i] / 255.0).reshape(-1, 1)  # uint8 grey levels, read as level / 255
            y = Y[i].reshape(-1, 1)
            delta_nabla_b, delta_nabla_w = ref_backprop(weights, biases, x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        weights = [w - (eta / len(batch)) * nw for w, nw in zip(weights, nabla_w)]
        biases = [b - (eta / len(batch)) * nb for b, nb in zip(biases, nabla_b)]
    return weights, [b.ravel() for b in biases]


def ref_evaluate(weights, biases, X, labels):
    correct = 0
    for x, label in zip(X, labels):
        a = (x / 255.0).reshape(-1, 1)
        for w, b in zip(weights, biases):
            a = ref_sigmoid(np.dot(w, a) + b.reshape(-1, 1))
        correct += int(np.argmax(a) == label)
    return correct


# --- the run -------------------------------------------------------------------------


def max_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def run_library(start, training, test, m, eta, seed, engine, dtype="float64"):
    """One epoch plus one evaluation from the start's weights: (seconds, network, correct)."""
    net = Network.from_parameters(
        [w.copy() for w in start.weights], [b.copy() for b in start.biases]
    )
    t0 = time.perf_counter()
    sgd(net, training, 1, m, eta, rng=np.random.default_rng(seed), engine=engine, dtype=dtype)
    correct = net.evaluate(*test)
    return time.perf_counter() - t0, net, correct


def run_two(training, test, eta, workers):
    """Two one-epoch runs of [784, 30, 10] (seeds 1 and 2), each evaluated: (seconds, results)."""
    jobs = [Job(sizes=(784, 30, 10), eta=eta, seed=seed, epochs=1) for seed in (1, 2)]
    t0 = time.perf_counter()
    results = train_runs(jobs, training, test=test, workers=workers)
    return time.perf_counter() - t0, results


def median_ratio(times, slow, fast) -> float:
    return float(np.median(np.array(times[slow]) / np.array(times[fast])))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--eta",
        type=float,
        default=0.5,
        help="learning rate (default 0.5: at 3.0, rounding differences grow past 1e-10)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    training, _, test = load_mnist()
    m = 10
    start = Network([784, 30, 10], rng=args.seed)
    compiled = _compiled.status()[0]
    arms = {"numpy": ("numpy", "float64")}
    if compiled:
        arms |= {"numba": ("numba", "float64"), "float32": ("numba", "float32")}
    default = "numba" if compiled else "numpy"  # what sgd(engine="auto") uses
    if compiled:  # compile (or load the compiled code) once, outside the timing
        for engine, dtype in arms.values():
            warm = Network([784, 30, 10], rng=1)
            few = (training.images[:20], training.labels[:20])
            sgd(warm, few, 1, m, args.eta, engine=engine, dtype=dtype)

    perm = np.random.default_rng(args.seed + 1).permutation(len(training.images))
    Y = one_hot(training.labels)
    times = {name: [] for name in ["reference", *arms, "1 worker", "2 workers"]}
    results, runs = {}, {}
    # Each round times every implementation once, so that a slow spell of a shared
    # machine hits all of them alike; a ratio is the median of the rounds' ratios.
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        ref_w, ref_b = ref_epoch(start.weights, start.biases, training.images, Y, perm, m, args.eta)
        ref_correct = ref_evaluate(ref_w, ref_b, *test)
        times["reference"].append(time.perf_counter() - t0)
        for name, (engine, dtype) in arms.items():
            seconds, net, correct = run_library(
                start, training, test, m, args.eta, args.seed + 1, engine, dtype
            )
            times[name].append(seconds)
            results[name] = (net, correct)
        if compiled:
            for workers, name in [(1, "1 worker"), (2, "2 workers")]:
                seconds, runs[name] = run_two(training, test, args.eta, workers)
                times[name].append(seconds)

    print(f"one epoch of [784, 30, 10], m = {m}, eta = {args.eta}, plus one evaluation;")
    print(f"best of {args.rounds} rounds; speed-up = median of the rounds' ratios")
    print(f"per-example reference:  {min(times['reference']):6.3f} s   test {ref_correct} / 10000")
    ok = True
    for name in arms:
        net, correct = results[name]
        diff = max_difference(net.weights + net.biases, ref_w + ref_b)
        same = diff <= TOLERANCE or name == "float32"  # float32 is not meant to agree to 1e-10
        ok &= same
        label = "numba, float32" if name == "float32" else name
        print(
            f"lectures_lib ({label:14s}):  {min(times[name]):6.3f} s   test {correct} / 10000   "
            f"x{median_ratio(times, 'reference', name):5.1f} faster   "
            f"max |weight difference| {diff:.1e}"
            + ("" if same else f"  > {TOLERANCE:g}: NOT THE SAME")
        )
    ratio = median_ratio(times, "reference", default)
    print(f"default path ({default}, float64): x{ratio:.1f} faster (target >= {TARGET_RATIO:g})")
    if compiled:
        numpy_net, numba_net = results["numpy"][0], results["numba"][0]
        engines_apart = max_difference(parameters(numpy_net), parameters(numba_net))
        ok &= engines_apart <= ENGINES_AGREE
        print(
            f"compiled against numpy path (float64): max |weight difference| "
            f"{engines_apart:.1e} (at most {ENGINES_AGREE:g})"
        )
        print(f"float32 against float64 (compiled): x{median_ratio(times, 'numba', 'float32'):.2f}")
        same_runs = all(
            max_difference(parameters(a.network), parameters(b.network)) == 0
            for a, b in zip(runs["1 worker"], runs["2 workers"])
        )
        ok &= same_runs
        print(
            f"two runs (seeds 1, 2), one after another: {min(times['1 worker']):.3f} s; "
            f"side by side in 2 threads: {min(times['2 workers']):.3f} s; "
            f"x{median_ratio(times, '1 worker', '2 workers'):.2f} faster, "
            + ("identical weights" if same_runs else "WEIGHTS DIFFER")
        )
    if ratio < TARGET_RATIO:
        print("below target")
        ok = False
    return 0 if ok else 1


def parameters(net):
    return net.weights + net.biases


if __name__ == "__main__":
    sys.exit(main())
