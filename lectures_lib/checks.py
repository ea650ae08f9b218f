"""Checks of training settings shared by every optimizer in the package, with clear errors."""

from __future__ import annotations

import numpy as np


def check_eta(eta) -> float:
    """eta as a float, or a ValueError that says why it cannot be a learning rate."""
    if not np.isfinite(eta) or eta <= 0:
        raise ValueError(f"the learning rate eta must be a positive number, got {eta!r}")
    return float(eta)


def check_mini_batch_size(m, n: int) -> int:
    """m as an int, or a ValueError unless it is a whole number from 1 to the n examples."""
    if int(m) != m or not 1 <= m <= n:
        raise ValueError(
            f"mini_batch_size must be a whole number from 1 to the {n} training examples, got {m!r}"
        )
    return int(m)
