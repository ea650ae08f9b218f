"""Independent training runs side by side: seeds, learning rates or sizes compared on two cores.

A `Job` says what to train, in the words of the lecture; ``train_runs(jobs, training,
test=test)`` trains one network per job and returns a `Result` for each, in the order of
the jobs.  With numba, jobs run ``workers`` at a time in threads: the compiled epoch
releases Python's lock (nogil), and BLAS is held to one thread per worker so that two
workers do not fight over the same two cores.  The results are exactly those of running
the jobs one after another; without numba, they are run one after another.

    jobs = [Job(eta=eta, seed=1, epochs=10) for eta in (0.5, 3.0, 100.0)]
    for result in train_runs(jobs, training, test=test):
        print(result.job.eta, result.history.best)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from lectures_lib import _compiled, checks
from lectures_lib.history import History
from lectures_lib.network import Network


@dataclass(frozen=True)
class Job:
    """One training run: ``rng = np.random.default_rng(seed)``, then
    ``Network(sizes, rng=rng, init=init).SGD(training, epochs, mini_batch_size, eta,
    rng=rng, monitor=monitor, patience=patience, dtype=dtype)``.

    evaluate: which of the data sets given to `train_runs` to evaluate after every
    epoch, among "test" and "validation".  n_train: train on the first n_train training
    examples only (None: all of them).
    """

    sizes: tuple[int, ...] = (784, 30, 10)
    eta: float = 3.0
    seed: int = 0
    epochs: int = 30
    mini_batch_size: int = 10
    init: str = "normal"
    dtype: str = "float64"
    evaluate: tuple[str, ...] = ("test",)
    monitor: bool | int = False
    patience: int | None = None
    n_train: int | None = None


@dataclass
class Result:
    """A trained network, the job that made it and what SGD recorded."""

    job: Job
    network: Network
    history: History


def train(job: Job, training, test=None, validation=None, engine="auto") -> Result:
    """Run one job here and now.  training, test, validation: (images, labels) pairs."""
    data = _data_for(job, test, validation)
    X, labels = checks.check_pair(training, "training")
    if job.n_train is not None:
        n = checks.check_whole_number(job.n_train, "n_train", 1, len(X))
        X, labels = X[:n], labels[:n]
    rng = np.random.default_rng(job.seed)
    net = Network(job.sizes, rng=rng, init=job.init)
    history = net.SGD(
        (X, labels), job.epochs, job.mini_batch_size, job.eta, rng=rng, monitor=job.monitor,
        patience=job.patience, engine=engine, dtype=job.dtype, **data,
    )  # fmt: skip
    return Result(job, net, history)


def train_runs(jobs, training, *, test=None, validation=None, workers: int = 2) -> list[Result]:
    """One `Result` per job, in the jobs' order, ``workers`` jobs at a time.

    training, test, validation: (images, labels) pairs shared by all jobs (read only).
    """
    jobs = list(jobs)
    workers = checks.check_whole_number(workers, "workers", 1, 64)
    for job in jobs:
        if not isinstance(job, Job):
            raise ValueError(f"train_runs takes Job(...) descriptions, got {job!r:.60}")
        _data_for(job, test, validation)  # a job that asks for missing data fails now

    def run(job):
        return train(job, training, test, validation)

    if workers == 1 or len(jobs) < 2 or not _compiled.status()[0]:
        return [run(job) for job in jobs]
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, jobs))


def _data_for(job: Job, test, validation) -> dict:
    """{"test": ..., "validation": ...} for SGD, as the job's ``evaluate`` asks."""
    given = {"test": test, "validation": validation}
    for name in job.evaluate:
        if name not in given:
            raise ValueError(f"Job.evaluate names 'test' and 'validation', got {name!r}")
        if given[name] is None:
            raise ValueError(f"the job evaluates on {name}: pass {name}=(images, labels)")
    return {name: given[name] for name in job.evaluate}
