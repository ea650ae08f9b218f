"""The trainer around the algorithm: `sgd` trains a `Network` and records each epoch;
`train_runs` trains independent networks side by side (seeds, learning rates or sizes
compared on two cores).

``sgd(net, training, epochs, mini_batch_size, eta, test=test)`` runs the algorithm of
`lectures_lib.network` (`Network.SGD`, one epoch at a time) or, with numba, the same
arithmetic compiled (`lectures_lib._compiled`, equal to 1e-12); it returns a `History`
(accuracy, cost, validation), stops early with patience, and reports a run that
diverged, saturated or stalled (`TrainingDiverged`, `NetworkSaturated`, `TrainingStalled`).

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

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from lectures_lib import _compiled, checks
from lectures_lib.history import (  # noqa: F401 - the trainer's records and errors, named here
    History,
    NetworkSaturated,
    Recorder,
    TrainingDiverged,
    TrainingStalled,
)
from lectures_lib.network import Network


def sgd(
    net, training, epochs, mini_batch_size, eta, *, rng=None, test=None, validation=None,
    monitor=False, patience=None, engine="auto", dtype="float64", verbose=False,
) -> History:  # fmt: skip
    """Train ``net`` by mini-batch SGD, as `Network.SGD` does, and return the `History`.

    training: (X, labels) with X (n, sizes[0]) and labels (n,) integers, or targets
    (n, sizes[-1]); test, validation: (X, labels), evaluated after every epoch.  Each
    epoch draws one permutation from ``rng`` (a Generator or a seed) and takes one step
    per mini-batch, then the `Recorder` records it.  monitor=True also records the cost
    (and, for labels, the accuracy) on the whole training set, monitor=k on its first k
    examples.  verbose prints the lecture's ``Epoch k: n / 10000`` lines.

    engine: "numpy" (`Network.SGD`, one epoch at a time: `Network.update_mini_batch` for
    every mini-batch), "numba" (the same arithmetic compiled, `_compiled.sgd_epoch`) or
    "auto" (numba when it works here and ``net`` is a plain `Network`; a subclass that
    changes the algorithm is trained by its own methods).  dtype="float32": compiled
    float32 arithmetic, faster and slightly less exact; the weights stay float64.

    patience=k (needs validation): training stops once validation accuracy has not
    improved for k epochs, and then, as its last step, sgd puts back into ``net`` the
    weights and biases of the best validation epoch (`History.best_epoch`), which it
    copied when that epoch ended.  Without patience the network keeps its last weights.
    """
    X, Y = checks.check_training(training, net.sizes)
    epochs = checks.check_whole_number(epochs, "epochs")
    m = checks.check_mini_batch_size(mini_batch_size, len(X))
    eta, rng, dtype = checks.check_eta(eta), checks.check_rng(rng), checks.check_dtype(dtype)
    checks.check_parameters(net.weights, net.biases, net.sizes)
    test, validation = (
        None if data is None else checks.check_labelled(data, name, net.sizes)
        for data, name in [(test, "test"), (validation, "validation")]
    )
    if patience is not None:
        patience = checks.check_whole_number(patience, "patience")
        if validation is None:
            raise ValueError("patience needs validation=(images, labels) to watch")
    if engine == "auto" and not _plain(net):
        engine = "numpy"
    compiled = _compiled.use(engine, dtype)
    record = Recorder(net, (X, Y), eta, m, test, validation, monitor, verbose)
    history, best = record.history, None
    history.engine = "numba" if compiled else "numpy"
    if compiled:  # what the compiled epoch reads: targets (n, n_out), inputs of its dtypes
        inputs, targets = _compiled.readable(X), checks.check_targets(Y, len(X), net.sizes[-1])
    # one BLAS thread, and overflow reported in words after the epoch: see one_blas_thread
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            start = time.perf_counter()
            if compiled:  # the same steps, compiled: lectures_lib/_compiled.py
                perm = rng.permutation(len(X))
                _compiled.sgd_epoch(net.weights, net.biases, inputs, targets, perm, m, eta, dtype)
            else:
                net.SGD((X, Y), 1, m, eta, rng=rng)
            record.after_epoch(epoch, time.perf_counter() - start)
            if patience is None:
                continue
            if history.best_epoch == epoch:  # copied now, put back at the end
                best = [p.copy() for p in net.weights + net.biases]
            elif epoch - history.best_epoch >= patience:
                history.stopped_early = True
                if verbose:
                    print(
                        f"Stopped after epoch {epoch + 1}: validation accuracy has not improved "
                        f"for {patience} epochs; keeping the weights of epoch "
                        f"{history.best_epoch + 1}"
                    )
                break
    if best is not None:  # the last step with patience: the best epoch's weights, put back
        for p, kept in zip(net.weights + net.biases, best):
            p[...] = kept
    return history


def one_blas_thread():
    """BLAS held to one thread while SGD runs: a mini-batch's matrix products are too
    small to share out, and on a busy machine sharing them costs far more than they do
    (measured on two busy cores: an epoch of [784, 100, 10] took 20 times as long with
    two BLAS threads as with one).  Overflow in a diverging run is reported, in words,
    after the epoch (`TrainingDiverged`), not as a numpy warning."""
    return threadpool_limits(limits=1, user_api="blas")


def _plain(net) -> bool:
    """Whether ``net`` trains by Network's own steps, which the compiled engine runs."""
    return all(
        getattr(type(net), name) is getattr(Network, name)
        for name in ("SGD", "update_mini_batch", "backprop", "_backprop")
    )


@dataclass(frozen=True)
class Job:
    """One training run: ``rng = np.random.default_rng(seed)``, then
    ``sgd(Network(sizes, rng=rng, init=init), training, epochs, mini_batch_size, eta,
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
    """A trained network, the job that made it and what `sgd` recorded."""

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
    history = sgd(
        net, (X, labels), job.epochs, job.mini_batch_size, job.eta, rng=rng,
        monitor=job.monitor, patience=job.patience, engine=engine, dtype=job.dtype, **data,
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
    with one_blas_thread(), ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, jobs))


def _data_for(job: Job, test, validation) -> dict:
    """{"test": ..., "validation": ...} for `sgd`, as the job's ``evaluate`` asks."""
    given = {"test": test, "validation": validation}
    for name in job.evaluate:
        if name not in given:
            raise ValueError(f"Job.evaluate names 'test' and 'validation', got {name!r}")
        if given[name] is None:
            raise ValueError(f"the job evaluates on {name}: pass {name}=(images, labels)")
    return {name: given[name] for name in job.evaluate}
