"""What `Network.SGD` records after each epoch, and the bookkeeping that records it.

`History` is what SGD returns.  `Recorder` does the work after each epoch: it evaluates
the network, prints the lecture's ``Epoch k: n / 10000`` lines, stops early on
validation accuracy (patience) and reports a network that diverged or saturated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lectures_lib import checks

SATURATION_SAMPLE = 256  # training examples whose mean gradient tells whether steps still move
FROZEN = 1e-8  # an epoch moving no weight by more than this times the largest has stalled
# Measured on MNIST with [784, 30, 10], m = 10 (the predicted move per epoch, relative to the
# largest weight): notebook 06's eta = 100 run (seed 0) never falls below 5e-5 in 30 epochs,
# and its accuracy keeps changing; frozen runs, whose accuracy stays the same to the image,
# sit at 1e-11 or below: eta = 1e4 from the first epoch (3 seeds of 3), eta = 1e3 (3 of 5),
# eta = 100 from seed 2.  Between the two: stuck but still creeping (eta = 300, 6e-7).
LEARNED = 1e-4  # ... unless the cost on the sample is below this: the network fits its data


@dataclass
class History:
    """Per epoch: test images right (``correct``, the lecture's "Epoch k: n / 10000"),
    validation images right, and with monitor=True the cost C = (1/2n) sum ||y - a||^2
    and the images right on the whole training set (monitor=k: on its first k examples,
    ``n_training`` of them); ``seconds`` of training."""

    correct: list[int] = field(default_factory=list)
    n_test: int = 0
    validation_correct: list[int] = field(default_factory=list)
    n_validation: int = 0
    training_cost: list[float] = field(default_factory=list)
    training_correct: list[int] = field(default_factory=list)
    n_training: int = 0
    seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def accuracy(self) -> np.ndarray:
        """Fraction of the test images right per epoch, shape (epochs,)."""
        return np.asarray(self.correct, dtype=float) / max(self.n_test, 1)

    @property
    def validation_accuracy(self) -> np.ndarray:
        """Fraction of the validation images right per epoch, shape (epochs,)."""
        return np.asarray(self.validation_correct, dtype=float) / max(self.n_validation, 1)

    @property
    def training_accuracy(self) -> np.ndarray:
        """Fraction of the monitored training images right per epoch, shape (epochs,)."""
        return np.asarray(self.training_correct, dtype=float) / max(self.n_training, 1)

    @property
    def best(self) -> int:
        """The most test images classified correctly in any epoch."""
        if not self.correct:
            raise ValueError("no test accuracy was recorded: pass test=(images, labels) to SGD")
        return max(self.correct)

    @property
    def best_epoch(self) -> int:
        """The epoch (counted from 0) with the most validation images right, the first if
        several tie: the epoch whose weights patience keeps."""
        if not self.validation_correct:
            raise ValueError(
                "no validation accuracy was recorded: pass validation=(images, labels) to SGD"
            )
        return int(np.argmax(self.validation_correct))


class Recorder:
    """Fills a `History` after each epoch of SGD; see `Network.SGD` for the settings."""

    def __init__(self, net, training, eta, m, test, validation, monitor, patience, verbose):
        self.net, self.eta, self.mini_batch_size, self.verbose = net, eta, m, verbose
        self.X, self.Y = training
        self.test = _labelled(test, "test", net.sizes)
        self.validation = _labelled(validation, "validation", net.sizes)
        self.monitor = _monitored(monitor, len(self.X))  # training examples measured (0: none)
        self.training_labels = _labels_of(self.Y[: self.monitor]) if self.monitor else None
        if patience is not None:
            patience = checks.check_whole_number(patience, "patience")
            if self.validation is None:
                raise ValueError("patience needs validation=(images, labels) to watch")
        self.patience, self.best_weights, self.since_best = patience, None, 0
        self.history = History(
            n_test=_count(self.test),
            n_validation=_count(self.validation),
            n_training=self.monitor or len(self.X),
        )

    def after_epoch(self, epoch: int, seconds: float) -> bool:
        """Record the epoch; True when patience says stop."""
        history, net = self.history, self.net
        history.seconds.append(seconds)
        checks.check_finite_parameters(net, epoch, self.eta)
        if self.test is not None:
            history.correct.append(net.evaluate(*self.test))
        if self.validation is not None:
            history.validation_correct.append(net.evaluate(*self.validation))
        if self.monitor:
            self._measure_training()
        self._print_epoch(epoch)
        self._check_still_learning(epoch)
        return self.patience is not None and self._patience_says_stop(epoch)

    def finish(self):
        """The history; with patience, the network gets the best validation epoch's weights."""
        if self.best_weights is not None:
            for p, best in zip(self.net.weights + self.net.biases, self.best_weights):
                p[...] = best
        return self.history

    def _measure_training(self) -> None:
        """Cost and (for one-hot targets) images right on the monitored training examples
        (all of them, or the first k with monitor=k), in one pass."""
        X, Y = self.X[: self.monitor], self.Y[: self.monitor]
        outputs = self.net.feedforward(X)
        self.history.training_cost.append(float(0.5 * np.sum((Y - outputs) ** 2) / len(Y)))
        if self.training_labels is not None:
            right = np.sum(np.argmax(outputs, axis=1) == self.training_labels)
            self.history.training_correct.append(int(right))

    def _patience_says_stop(self, epoch: int) -> bool:
        history = self.history
        if history.best_epoch == epoch:
            self.best_weights = [p.copy() for p in self.net.weights + self.net.biases]
            self.since_best = 0
            return False
        self.since_best += 1
        if self.since_best < self.patience:
            return False
        history.stopped_early = True
        if self.verbose:
            print(
                f"Stopped after epoch {epoch}: validation accuracy has not improved for "
                f"{self.patience} epochs; keeping the weights of epoch {history.best_epoch}"
            )
        return True

    def _print_epoch(self, epoch: int) -> None:
        if not self.verbose:
            return
        h, parts = self.history, []
        if h.correct:
            parts.append(f"{h.correct[-1]} / {h.n_test}")
        if h.validation_correct:
            parts.append(f"validation {h.validation_correct[-1]} / {h.n_validation}")
        if h.training_cost:
            parts.append(f"training cost {h.training_cost[-1]:.4f}")
        if h.training_correct:
            parts.append(f"training {h.training_correct[-1]} / {h.n_training}")
        print(f"Epoch {epoch}: " + ", ".join(parts) if parts else f"Epoch {epoch} complete")

    def _check_still_learning(self, epoch: int) -> None:
        """TrainingStalled when a whole epoch of steps could move no weight or bias by more
        than FROZEN times the largest of them, judged from the mean gradient over a sample
        of the training set; NetworkSaturated (a TrainingStalled) when that is because the
        gradient itself vanished.  A network that fits its sample (cost below LEARNED) has
        stopped for the right reason and is left alone."""
        net, n = self.net, min(SATURATION_SAMPLE, len(self.X))
        nabla_w, nabla_b = net.backprop(self.X[:n], self.Y[:n])
        gradient = max(float(np.max(np.abs(g))) for g in nabla_w + nabla_b) / n
        largest = max(float(np.max(np.abs(p))) for p in net.weights + net.biases)
        steps = -(-len(self.X) // self.mini_batch_size)  # mini-batches per epoch
        if self.eta * gradient * steps >= FROZEN * largest:
            return
        if net.cost(self.X[:n], self.Y[:n]) < LEARNED:
            return
        message = (
            f"after epoch {epoch} with eta = {self.eta:g}, training has stalled: a whole "
            f"epoch would move no weight or bias by more than {self.eta * gradient * steps:.0e}, "
            f"against weights as large as {largest:.0e}. "
        )
        if gradient * steps < FROZEN * largest:  # frozen even at eta = 1
            raise checks.NetworkSaturated(
                message + "The network has saturated: its sigmoids answer (almost) exactly "
                "0 or 1, where sigma'(z) is about 0, so the gradient has vanished (at most "
                f"{gradient:.0e}). eta is far too large; try a smaller learning rate, around 3.",
                self.history,
            )
        raise checks.TrainingStalled(
            message + "eta is too small to move the weights; try a larger learning rate.",
            self.history,
        )


def _monitored(monitor, n: int) -> int:
    """How many training examples monitor= asks to measure after each epoch: all n (True),
    none (False or None), or the first k (a whole number k from 1 to n, which costs less)."""
    if monitor is None or isinstance(monitor, (bool, np.bool_)):
        return n if monitor else 0
    return checks.check_whole_number(
        monitor, "monitor (True, False, or how many training examples to measure)", 1, n
    )


def _labelled(data, name, sizes):
    """(X, labels) checked for a network of these sizes, or None."""
    if data is None:
        return None
    X, labels = checks.check_pair(data, name)
    X = checks.check_inputs(X, sizes[0])
    return X, checks.check_labels(labels, len(X), sizes[-1])


def _count(data) -> int:
    return 0 if data is None else len(data[0])


def _labels_of(Y):
    """The labels (n,) of one-hot targets Y (n, k); None for any other targets."""
    labels = np.argmax(Y, axis=1)
    one_hot = np.array_equal(Y, np.eye(Y.shape[1])[labels])
    return labels if one_hot else None
