"""Worked solutions to the exercises of notebook 11 (draw your own digit)."""

import numpy as np

# 11.shrink: a drawing that fills the 280 × 280 canvas has its longest side, 280 pixels,
# scaled down to MNIST's 20 × 20 box.
SHRINK = 280 / 20


def crop_to_ink(image):
    """The smallest rectangle of image (h, w) holding all its ink (the pixels above 0)."""
    rows = np.flatnonzero(image.max(axis=1) > 0)  # the rows with some ink
    cols = np.flatnonzero(image.max(axis=0) > 0)  # the columns with some ink
    return image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # + 1: a slice stops before


SOLUTIONS = {
    "11.shrink": SHRINK,
    "11.crop_to_ink": crop_to_ink,
}
