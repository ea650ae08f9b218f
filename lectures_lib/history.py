"""What the trainer (`lectures_lib.runs.sgd`) records after each epoch, and how.

`History` is what `runs.sgd` returns.  `Recorder` does the work after each epoch: it
evaluates the network (through `Network.evaluate` and `Network.cost`), prints the
lecture's ``Epoch k: n / 10000`` lines and reports a network that diverged
(`TrainingDiverged`), saturated (`NetworkSaturated`) or stalled (`TrainingStalled`).
It reads the network and never changes it.
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


class TrainingDiverged(ArithmeticError):
    """The weights stopped being finite numbers during training."""


class TrainingStalled(ArithmeticError):
    """A step of gradient descent no longer changes any weight or bias.

    ``history`` holds what was recorded up to the epoch that found it.
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


class NetworkSaturated(TrainingStalled):
    """Stalled because the sigmoids saturated (sigma' = 0): eta far too large, or inputs
    far outside [0, 1]."""


@dataclass
class History:
    """Per epoch: test images right (``correct``, the lecture's "Epoch k: n / 10000"),
    validation images right, and with monitor=True the cost C = (1/2n) sum ||y - a||^2
    and the images right on the whole training set (monitor=k: on its first k examples,
    ``n_training`` of them, the images right only when it was given labels); ``seconds``
    of training.  Once: whether patience stopped it early, and which engine trained."""

    correct: list[int] = field(default_factory=list)
    n_test: int = 0
    validation_correct: list[int] = field(default_factory=list)
    n_validation: int = 0
    training_cost: list[float] = field(default_factory=list)
    training_correct: list[int] = field(default_factory=list)
    n_training: int = 0
    seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False
    engine: str = ""  # which engine trained: "numpy" or "numba"

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
            raise ValueError("no test accuracy was recorded: pass test=(images, labels) to sgd")
        return max(self.correct)

    @property
    def best_epoch(self) -> int:
        """The index (from 0) of the epoch with the most validation images right, the first if
        several tie: the epoch whose weights runs.sgd(patience=k) puts back."""
        if not self.validation_correct:
            raise ValueError(
                "no validation accuracy was recorded: pass validation=(images, labels) to runs.sgd"
            )
        return int(np.argmax(self.validation_correct))


class Recorder:
    """Fills a `History` after each epoch; see `lectures_lib.runs.sgd` for the settings.

    training: (X, labels or targets) as `checks.check_training` returns it; test and
    validation: (X, labels) pairs or None.  Labels stay labels: accuracy and cost come
    from the network's own `evaluate` and `cost`.
    """

    def __init__(self, net, training, eta, mini_batch_size, test, validation, monitor, verbose):
        self.net, self.eta, self.mini_batch_size, self.verbose = net, eta, mini_batch_size, verbose
        self.X, self.Y = training
        self.test, self.validation = test, validation
        self.monitor = _monitored(monitor, len(self.X))  # training examples measured (0: none)
        n_test, n_validation = (0 if d is None else len(d[0]) for d in (test, validation))
        self.history = History(
            n_test=n_test, n_validation=n_validation, n_training=self.monitor or len(self.X)
        )

    def after_epoch(self, epoch: int, seconds: float) -> None:
        """Record the epoch that has just been trained (``epoch`` its index from 0; messages
        count epochs from 1, as the notebooks do); raise if training went wrong."""
        history, net = self.history, self.net
        history.seconds.append(seconds)
        if not all(checks.all_finite(p) for p in net.weights + net.biases):
            raise TrainingDiverged(
                f"the weights became NaN or infinite in epoch {epoch + 1} with eta = {self.eta}: "
                "training diverged; try a smaller learning rate eta"
            )
        if self.test is not None:
            history.correct.append(net.evaluate(*self.test))
        if self.validation is not None:
            history.validation_correct.append(net.evaluate(*self.validation))
        if self.monitor:
            X, Y = self.X[: self.monitor], self.Y[: self.monitor]
            history.training_cost.append(net.cost(X, Y))
            if Y.ndim == 1:  # labels: the images right, too
                history.training_correct.append(net.evaluate(X, Y))
        self._print_epoch(epoch)
        self._check_still_learning(epoch)

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
        print(f"Epoch {epoch + 1}: " + ", ".join(parts) if parts else f"Epoch {epoch + 1} complete")

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
            f"after epoch {epoch + 1} with eta = {self.eta:g}, training has stalled: a whole "
            f"epoch would move no weight or bias by more than {self.eta * gradient * steps:.0e}, "
            f"against weights as large as {largest:.0e}. "
        )
        if gradient * steps < FROZEN * largest:  # frozen even at eta = 1
            raise NetworkSaturated(
                message + "The network has saturated: its sigmoids answer (almost) exactly "
                "0 or 1, where sigma'(z) is about 0, so the gradient has vanished (at most "
                f"{gradient:.0e}). Likely causes: eta is far too large (try a smaller learning "
                "rate, around 3), or inputs far outside [0, 1] (scale grey levels by 1/255).",
                self.history,
            )
        raise TrainingStalled(
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
