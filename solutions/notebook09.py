"""Worked solutions to the exercises of notebook 09 (segmentation by confidence)."""

import numpy as np

# 09.segmentations: each of the 3 candidate cuts is made or not, independently: 2 · 2 · 2.
SEGMENTATIONS = 2**3

# 09.string_accuracy: all five digits must be right, independently: 0.975^5 = 0.8811...
STRING_ACCURACY = round(0.975**5, 4)


def segmentation_score(outputs):
    """Sum over the segments of log(the largest output): outputs (k, 10) -> one number."""
    confidences = outputs.max(axis=1)  # (k,) how sure the network is of each segment
    return np.sum(np.log(confidences))


SOLUTIONS = {
    "09.segmentations": SEGMENTATIONS,
    "09.string_accuracy": STRING_ACCURACY,
    "09.segmentation_score": segmentation_score,
}
