"""Make any image of a digit look like an MNIST digit.

Derived in ``notebooks/08_segmentation.ipynb``; also used for digits drawn by hand.
MNIST's recipe: the digit's bounding box is scaled to fit a 20 x 20 box (keeping its
aspect ratio), then placed in a 28 x 28 image so that its centre of mass is at the
centre.  Images are arrays of grey levels in [0, 1], ink high.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def to_mnist(image) -> np.ndarray:
    """A grey image (h, w) of one digit as an MNIST input, shape (784,)."""
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (height, width), got shape {image.shape}")
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    if rows.size == 0:
        return np.zeros(784)
    crop = image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = 20.0 / max(crop.shape)
    box = np.clip(ndimage.zoom(crop, scale, order=1, grid_mode=True, mode="grid-constant"), 0, 1)
    box = box[:20, :20]
    cy, cx = ndimage.center_of_mass(box) if box.sum() > 0 else (box.shape[0] / 2, box.shape[1] / 2)
    top = int(np.clip(round(14 - cy), 0, 28 - box.shape[0]))
    left = int(np.clip(round(14 - cx), 0, 28 - box.shape[1]))
    out = np.zeros((28, 28))
    out[top : top + box.shape[0], left : left + box.shape[1]] = box
    return out.ravel()


def draw_strokes(strokes, size: int = 280, width: float = 18.0) -> np.ndarray:
    """Rasterize pen strokes into a grey image (size, size), ink 1, like a drawing canvas.

    strokes: a list of strokes, each a sequence of (x, y) points in pixels; the pen is a
    disc of diameter ``width``.
    """
    image = np.zeros((size, size))
    yy, xx = np.mgrid[0:size, 0:size]
    radius2 = (width / 2) ** 2
    for stroke in strokes:
        points = np.asarray(stroke, dtype=float).reshape(-1, 2)
        if len(points) == 1:
            points = np.vstack([points, points])
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
            steps = max(int(np.hypot(x1 - x0, y1 - y0) / (width / 4)), 1)
            for t in np.linspace(0, 1, steps + 1):
                x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                image[(xx - x) ** 2 + (yy - y) ** 2 <= radius2] = 1.0
    return image
