"""One figure style for the lecture hall: readable labels, and a slider's figure the same size
as its static twin (which IPython draws for a notebook cell)."""

from __future__ import annotations

import base64
import io
from types import SimpleNamespace

import matplotlib
import pytest
from IPython.core.pylabtools import print_figure
from matplotlib.figure import Figure
from PIL import Image

from lectures_lib.interactive import show_in
from lectures_lib.plots import DPI, figure, use_lecture_style


@pytest.fixture
def lecture_style():
    with matplotlib.rc_context():
        use_lecture_style()
        yield


def _size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_labels_are_large_enough_to_read_from_the_back_of_a_hall(lecture_style):
    fig, (ax,) = figure(1)
    title, label = ax.set_title("Hg"), ax.set_xlabel("Hg")
    fig.canvas.draw()
    # a capital and a descender: about 1.2 × the font size, in pixels at the figure's dpi
    assert label.get_window_extent().height >= 18
    assert title.get_window_extent().height >= label.get_window_extent().height
    assert min(t.get_window_extent().height for t in ax.get_xticklabels()) >= 15
    assert fig.dpi == DPI


def test_a_sliders_figure_is_drawn_as_the_notebook_draws_its_static_twin(lecture_style):
    """show_in (the sliders) and IPython's inline figures: the same pixels per inch, the
    same trimmed bounding box, so the same size on the screen."""
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("η = 0.1")
    output = SimpleNamespace(outputs=())
    show_in(output, fig)
    slider_png = base64.b64decode(output.outputs[0]["data"]["image/png"])
    static_png = print_figure(fig, "png")  # what a cell that shows the figure displays
    assert _size(slider_png) == _size(static_png)
    width, height = _size(static_png)
    # about 8 × 4 inches at DPI (the trimmed box keeps a margin of 0.1 inch)
    assert abs(width - 8 * DPI) <= 0.1 * 8 * DPI and abs(height - 4 * DPI) <= 0.1 * 4 * DPI
