"""Worked solutions to the exercises of notebook 08 (one-hot against four bits)."""

import numpy as np

from lectures_lib.encoding import binary_codes

# 08.extra_parameters: the one-hot network has 10 − 4 = 6 more output neurons, each with
# 30 weights (one per hidden neuron) and a bias.
EXTRA_PARAMETERS = (10 - 4) * (30 + 1)


def decode_bits(outputs):
    """For outputs (n, 4), the digit 0-9 whose 4-bit code is nearest to each row, (n,)."""
    codes = binary_codes()  # (10, 4), row d is the code of digit d
    differences = outputs[:, np.newaxis, :] - codes[np.newaxis, :, :]  # (n, 10, 4)
    squared_distances = (differences**2).sum(axis=2)  # (n, 10)
    return np.argmin(squared_distances, axis=1)


SOLUTIONS = {
    "08.extra_parameters": EXTRA_PARAMETERS,
    "08.decode_bits": decode_bits,
}
