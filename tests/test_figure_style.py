"""One figure style for the lecture hall: readable labels, and a slider's figure the same size
as its static twin (which IPython draws for a notebook cell)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import pytest
from IPython.core.pylabtools import print_figure
from matplotlib.figure import Figure
from PIL import Image

from lectures_lib.interactive import show_in
from lectures_lib.plots import DPI, figure, figure_outputs, use_lecture_style


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


# --- colour is never the only cue; every figure described ---------------------------------

EXECUTED = Path(__file__).resolve().parents[1] / "build" / "executed"


def test_the_palette_is_okabe_ito_and_each_colour_has_its_own_line_style(lecture_style):
    from lectures_lib.plots import OKABE_ITO

    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    assert [c.upper() for c in cycle["color"]] == [c.upper() for c in OKABE_ITO]
    assert {c.upper() for c in OKABE_ITO} == {
        "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"
    }  # fmt: skip
    styles = set(zip(cycle["linestyle"], cycle["marker"]))
    assert len(styles) == len(cycle["color"])  # no two colours of the cycle look alike in grey
    assert matplotlib.rcParams["image.cmap"] in ("viridis", "cividis")
    assert matplotlib.colors.to_rgba(matplotlib.rcParams["figure.facecolor"])[3] == 1


def test_lines_drawn_with_one_format_get_styles_of_their_own(lecture_style):
    fig, (ax,) = figure(1)
    for k in range(3):
        ax.plot([0, 1, 2], [k, k + 1, k], "o-", label=f"run {k}")
    ax.legend()
    data, metadata = figure_outputs(fig)
    styles = [tuple(line[1:]) for line in metadata["image/png"]["lines"][0]]
    assert len(set(styles)) == 3
    handles = ax.get_legend().legend_handles
    assert [(h.get_linestyle(), h.get_marker()) for h in handles] == [
        (ln.get_linestyle(), ln.get_marker()) for ln in ax.get_lines()
    ]
    assert "run 1 rises from 1 to a peak of 2, then falls to 1" in metadata["image/png"]["alt"]
    assert 'alt="' in data["text/html"] and "<figcaption" in data["text/html"]


def _executed_figures():
    import nbformat

    for path in sorted(EXECUTED.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for number, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    yield f"{path.stem} cell {number}", output


@pytest.mark.after_notebooks
def test_every_figure_of_the_executed_notebooks_is_described_opaque_and_not_colour_only():
    figures = list(_executed_figures())
    if not figures:
        pytest.skip("no executed notebooks in build/executed (run a notebook with nbval)")
    for where, output in figures:
        meta = output["metadata"].get("image/png", {})
        assert len(meta.get("alt", "")) > 20, f"{where}: a figure without a description"
        assert 'alt="' in output["data"].get("text/html", ""), f"{where}: no alt in its HTML"
        for lines in meta["lines"]:
            by_style: dict = {}
            for colour, style, marker in lines:
                by_style.setdefault((style, marker), set()).add(colour)
            assert all(len(c) == 1 for c in by_style.values()), (
                f"{where}: lines that differ by colour alone: {lines}"
            )
        image = Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"])))
        alpha = image.convert("RGBA").getchannel("A")
        assert alpha.getextrema() == (255, 255), f"{where}: a transparent background"
