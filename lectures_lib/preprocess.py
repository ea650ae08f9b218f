"""Make any image of a digit look like an MNIST digit.

Derived in ``notebooks/09_segmentation.ipynb``; also used for digits drawn by hand
(``11_draw_your_own_digit``).  MNIST's recipe: the digit's bounding box is scaled to fit
a 20 x 20 box (keeping its aspect ratio), then placed in a 28 x 28 image so that its
centre of mass is at the centre.  Shrinking is anti-aliased, as MNIST's was: each new
pixel is the mean of the ink it covers, so stroke edges come out grey, not jagged.

Grey levels, ink high, in either of two scales (never guessed):
uint8 images hold MNIST's levels 0 (white) to 255 (ink); float images hold 0 to 1.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

SOLID_INK = 253 / 255
"""The grey level of a pen's solid stroke: MNIST's solid strokes are 252-254 (253 is its
most common level of all); only 3.8% of its inked pixels are 255."""

PEN_WIDTH = 32.0
"""Pen width (pixels) of the 280 x 280 drawing pad: MNIST's stroke width.  A digit drawn
about 200 pixels tall is shrunk ten times into the 20 x 20 box, so the stroke becomes
about 3 pixels wide, as MNIST's are: a drawn digit has as much ink as the average MNIST
digit of its class, within 15% (checked in tests/test_preprocess.py)."""


def to_mnist(image) -> np.ndarray:
    """A grey image (h, w) of one digit as an MNIST input, shape (784,).

    uint8 in (levels 0-255) gives uint8 out, rounded; float in (0 to 1) gives float out.
    A blank image gives a blank digit.  A line one pixel tall stays one pixel tall.
    """
    image = np.asarray(image)
    grey = _grey_levels(image)
    rows = np.flatnonzero(grey.max(axis=1) > 0)
    cols = np.flatnonzero(grey.max(axis=0) > 0)
    out = np.zeros((28, 28))
    if rows.size:
        box = fit_box(grey[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
        top, left = _centre_of_mass_offset(box)
        out[top : top + box.shape[0], left : left + box.shape[1]] = box
    if image.dtype == np.uint8:
        return np.round(out.ravel() * 255).astype(np.uint8)
    return out.ravel()


def fit_box(crop, size: int = 20) -> np.ndarray:
    """The crop (h, w), grey levels in [0, 1], scaled so its longer side is ``size``.

    Shrinking averages the area each new pixel covers (anti-aliasing); enlarging
    interpolates linearly.  Each side keeps at least one pixel.
    """
    crop = np.asarray(crop, dtype=float)
    scale = size / max(crop.shape)
    shape = [max(1, round(n * scale)) for n in crop.shape]
    if scale < 1:
        rows, cols = area_weights(crop.shape[0], shape[0]), area_weights(crop.shape[1], shape[1])
        box = rows @ crop @ cols.T
    else:
        zoom = [new / old for new, old in zip(shape, crop.shape)]
        box = ndimage.zoom(crop, zoom, order=1, grid_mode=True, mode="grid-constant")
    return np.clip(box, 0, 1)[: shape[0], : shape[1]]  # no rounding error outside [0, 1]


def area_weights(n: int, k: int) -> np.ndarray:
    """(k, n) matrix that shrinks n pixels to k: row i holds the share of each old pixel
    in new pixel i's footprint [i n/k, (i + 1) n/k), so each row sums to 1."""
    edges = np.linspace(0, n, k + 1)
    old = np.arange(n)
    overlap = np.minimum(old + 1, edges[1:, None]) - np.maximum(old, edges[:-1, None])
    overlap = np.clip(overlap, 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def draw_strokes(strokes, size: int = 280, width: float = PEN_WIDTH) -> np.ndarray:
    """Rasterize pen strokes into a grey image (size, size), like a drawing canvas; solid
    ink is `SOLID_INK`, as in MNIST.

    strokes: a list of strokes, each a sequence of (x, y) points in pixels.  The pen is
    round, ``width`` pixels across, with a soft edge: the ink fades from full to none
    across a band a quarter of the width wide, so that once shrunk to 20 x 20 a stroke
    has grey edges like MNIST's (tests/test_preprocess.py compares the grey levels).
    """
    if not width > 0:
        raise ValueError(f"the pen width must be a positive number of pixels, got {width!r}")
    image = np.zeros((size, size))
    for stroke in strokes:
        points = np.asarray(stroke, dtype=float).reshape(-1, 2)
        if not np.isfinite(points).all():
            raise ValueError("a stroke has a NaN or infinite point; give (x, y) in pixels")
        for start, end in zip(points, points[1:] if len(points) > 1 else points):
            _paint_segment(image, start, end, width / 2, width / 4)
    return image


def _paint_segment(image, start, end, radius, edge) -> None:
    """Ink (in place) the pixels near the segment start-end: full ink up to
    radius - edge/2 from it, none beyond radius + edge/2, linear in between."""
    limit = image.shape[::-1]  # (width, height): points are (x, y)
    low = np.clip(np.floor(np.minimum(start, end) - radius - edge), 0, limit).astype(int)
    high = np.clip(np.ceil(np.maximum(start, end) + radius + edge), 0, limit).astype(int)
    yy, xx = np.mgrid[low[1] : high[1], low[0] : high[0]] + 0.5  # pixel centres
    along = end - start
    length2 = along @ along
    t = ((xx - start[0]) * along[0] + (yy - start[1]) * along[1]) / max(length2, 1e-12)
    t = np.clip(t, 0, 1)  # the nearest point of the segment is start + t * along
    distance = np.hypot(xx - start[0] - t * along[0], yy - start[1] - t * along[1])
    ink = SOLID_INK * np.clip((radius - distance) / edge + 0.5, 0, 1)
    window = image[low[1] : high[1], low[0] : high[0]]
    np.maximum(window, ink, out=window)


def _grey_levels(image) -> np.ndarray:
    """The image as floats in [0, 1], or a ValueError that says what is wrong with it."""
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (height, width), got shape {image.shape}")
    if image.size == 0:
        raise ValueError(
            f"image has no pixels (shape {image.shape}): give a digit's grey image, "
            "for example the drawing pad's 280 x 280"
        )
    if image.dtype == np.uint8:
        return image / 255.0
    if image.dtype == bool:
        return image.astype(float)
    if not np.issubdtype(image.dtype, np.floating):
        raise ValueError(
            f"image has dtype {image.dtype}: give uint8 grey levels 0-255 (as MNIST stores "
            "them) or floats from 0 to 1"
        )
    if not np.isfinite(image).all():
        raise ValueError("image contains NaN or infinite values; clean it first")
    if image.size and (image.min() < 0 or image.max() > 1):
        raise ValueError(
            f"float grey levels must lie between 0 (white) and 1 (ink), got {image.min():g} "
            f"to {image.max():g}; for levels 0-255 pass the image as uint8, or divide it by 255"
        )
    return image.astype(float)


def _centre_of_mass_offset(box) -> tuple[int, int]:
    """(top, left) that puts the box's centre of mass at the centre of 28 x 28."""
    cy, cx = ndimage.center_of_mass(box)
    top = int(np.clip(round(14 - cy), 0, 28 - box.shape[0]))
    left = int(np.clip(round(14 - cx), 0, 28 - box.shape[1]))
    return top, left
