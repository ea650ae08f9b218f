"""Independent runs side by side: the same results as one after another, whatever the threads."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from lectures_lib import _compiled, runs
from lectures_lib.network import Network
from lectures_lib.runs import Job, train_runs


def parameters(net):
    return net.weights + net.biases


def assert_same_result(a, b):
    assert a.job == b.job
    assert all(np.array_equal(x, y) for x, y in zip(parameters(a.network), parameters(b.network)))
    assert (a.history.correct, a.history.validation_correct) == (
        b.history.correct,
        b.history.validation_correct,
    )
    assert a.history.training_cost == b.history.training_cost


@pytest.fixture(scope="module")
def small_mnist(mnist):
    """5,000 training images, 1,000 validation and 1,000 test images."""
    training, validation, test = mnist
    return (
        (training.images[:5000], training.labels[:5000]),
        (validation.images[:1000], validation.labels[:1000]),
        (test.images[:1000], test.labels[:1000]),
    )


JOBS = [
    Job(sizes=(784, 30, 10), eta=3.0, seed=1, epochs=2),
    Job(sizes=(784, 20, 10), eta=0.5, seed=2, epochs=2, init="scaled", monitor=True),
    Job(sizes=(784, 30, 10), eta=3.0, seed=3, epochs=2, dtype="float32", n_train=3000),
    Job(eta=3.0, seed=4, epochs=2, evaluate=("test", "validation"), mini_batch_size=20),
]


@pytest.mark.skipif(not _compiled.status()[0], reason="threads are used with numba only")
def test_two_workers_give_the_results_of_one_after_another(small_mnist, monkeypatch):
    training, validation, test = small_mnist
    pools = []

    class CountedPool(ThreadPoolExecutor):
        def __init__(self, workers):
            pools.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(runs, "ThreadPoolExecutor", CountedPool)
    together = train_runs(JOBS, training, test=test, validation=validation, workers=2)
    assert pools == [2]  # the jobs did run in two threads
    one_by_one = [runs.train(job, training, test, validation) for job in JOBS]
    for a, b in zip(together, one_by_one):
        assert_same_result(a, b)
    assert [r.job for r in together] == JOBS


def test_a_job_is_the_network_and_sgd_it_describes(small_mnist):
    """The job spelt out by hand, as its docstring says, gives the same network."""
    training, validation, test = small_mnist
    job = JOBS[1]
    (result,) = train_runs([job], training, test=test)
    rng = np.random.default_rng(job.seed)
    net = Network(job.sizes, rng=rng, init=job.init)
    history = runs.sgd(
        net, training, job.epochs, job.mini_batch_size, job.eta, test=test, rng=rng, monitor=True
    )
    assert all(np.array_equal(x, y) for x, y in zip(parameters(net), parameters(result.network)))
    assert result.history.correct == history.correct
    assert result.history.training_cost == history.training_cost
    (subset,) = train_runs([JOBS[2]], training, test=test)
    assert subset.history.n_training == 3000


def test_patience_in_a_job(small_mnist):
    training, validation, _ = small_mnist
    job = Job(eta=3.0, seed=5, epochs=3, evaluate=("validation",), patience=1)
    (result,) = train_runs([job], training, validation=validation)
    assert len(result.history.validation_correct) <= 3
    assert result.history.correct == []


_RUNS_WITHOUT_NUMBA = """
import sys
sys.modules["numba"] = None  # import numba fails, as where it is not installed
import numpy as np
from lectures_lib.runs import Job, train_runs

rng = np.random.default_rng(0)
training = rng.integers(0, 256, (300, 784), dtype=np.uint8), rng.integers(0, 10, 300)
test = training[0][:100], training[1][:100]
for result in train_runs([Job(seed=1, epochs=2), Job(seed=2, epochs=2)], training, test=test):
    print(result.history.engine, result.history.correct, result.network.weights[1].tobytes().hex())
"""


def test_without_numba_the_jobs_run_with_numpy_to_the_same_results():
    rng = np.random.default_rng(0)
    training = rng.integers(0, 256, (300, 784), dtype=np.uint8), rng.integers(0, 10, 300)
    test = training[0][:100], training[1][:100]
    done = subprocess.run(
        [sys.executable, "-c", _RUNS_WITHOUT_NUMBA], capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    assert "compiled path is off (numba cannot be imported" in lines[0]
    for seed, line in zip((1, 2), lines[1:], strict=True):
        expected = runs.train(Job(seed=seed, epochs=2), training, test, engine="numpy")
        history, network = expected.history, expected.network
        assert line == f"numpy {history.correct} {network.weights[1].tobytes().hex()}"


@pytest.mark.parametrize(
    "jobs, data, message",
    [
        ([Job(evaluate=("validation",))], {}, r"pass validation=\(images, labels\)"),
        ([Job(evaluate=("training",))], {}, "Job.evaluate names"),
        ([dict(eta=3.0)], {}, r"takes Job\(...\) descriptions"),
        ([Job(n_train=0)], {"workers": 1}, "n_train must be a whole number"),
        ([Job()], {"workers": 0}, "workers must be a whole number"),
    ],
)
def test_bad_jobs_are_clear_errors(small_mnist, jobs, data, message):
    training, _, test = small_mnist
    with pytest.raises(ValueError, match=message):
        train_runs(jobs, training, test=test, **data)


def test_the_records_only_read_the_network():
    """Evaluating test, validation and the monitored training set after every epoch (and
    the stall diagnosis) changes nothing: the weights are those of the plain algorithm."""
    rng = np.random.default_rng(3)
    X, labels = rng.random((120, 5)), rng.integers(0, 3, 120)
    recorded, plain = Network([5, 4, 3], rng=1), Network([5, 4, 3], rng=1)
    history = runs.sgd(
        recorded, (X, labels), 3, 10, 2.0, rng=2, test=(X[:30], labels[:30]),
        validation=(X[30:60], labels[30:60]), monitor=True, engine="numpy",
    )  # fmt: skip
    counts = plain.SGD((X, labels), 3, 10, 2.0, rng=2, test=(X[:30], labels[:30]))
    assert history.correct == counts and len(history.training_cost) == 3
    assert all(np.array_equal(a, b) for a, b in zip(parameters(recorded), parameters(plain)))


def test_two_threads_may_start_the_compiled_engine_at_once():
    """The first use of the compiled engine compiles it; two threads of a fresh process
    calling `runs.sgd` at the same moment (not through train_runs) both train."""
    script = """
import threading
import numpy as np
from lectures_lib import runs
from lectures_lib.network import Network

rng = np.random.default_rng(0)
X, labels = rng.integers(0, 256, (40, 6), dtype=np.uint8), rng.integers(0, 3, 40)
errors, start = [], threading.Barrier(2)

def train(seed):
    try:
        start.wait()
        runs.sgd(Network([6, 4, 3], rng=seed), (X, labels), 1, 10, 1.0, rng=seed)
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=train, args=(seed,)) for seed in (1, 2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(errors)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
