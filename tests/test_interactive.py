"""The sliders, headless: set a value, check that the figure's data changed as the math says."""

import base64
import io
import warnings

import matplotlib
import numpy as np
import pytest

from lectures_lib import descent, interactive, neurons, plots, regression
from lectures_lib.surfaces import SURFACES

matplotlib.use("Agg")


def line(fig, gid):
    found = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, f"no single line with gid {gid}"
    return found[0]


def suptitle(fig) -> str:
    """The figure's title above its panels, read through the public ``Figure.texts``."""
    return "\n".join(text.get_text() for text in fig.texts)


def test_descent_explorer_redraws_with_the_new_eta():
    explorer = interactive.descent_explorer("narrow bowl")
    before = line(explorer.figure, "trajectory-0").get_xydata().copy()
    explorer.controls["eta"].value = 0.01
    after = line(explorer.figure, "trajectory-0").get_xydata()
    v = explorer.values()
    expected = descent.gradient_descent(
        SURFACES["narrow bowl"], (v["x0"], v["y0"]), 0.01, v["steps"]
    )
    np.testing.assert_allclose(after, expected.points)
    assert len(before) == len(after) == v["steps"] + 1 and not np.allclose(before, after)
    assert "η = 0.01" in suptitle(explorer.figure)


def test_descent_explorer_reports_divergence_in_words():
    explorer = interactive.descent_explorer("narrow bowl")
    explorer.controls["eta"].value = 0.3  # above 2 / lambda_max = 0.2
    assert "diverged" in suptitle(explorer.figure)


def test_descent_explorer_surface_and_steps():
    explorer = interactive.descent_explorer("narrow bowl")
    explorer.controls["surface"].value = "Himmelblau (four minima)"
    explorer.controls["eta"].value = 0.01
    explorer.controls["steps"].value = 30
    assert len(line(explorer.figure, "cost-0").get_ydata()) == 31
    assert explorer.figure.axes[0].get_title() == "Himmelblau (four minima)"


def test_descent_figure_log_scales_and_a_legend_beside_the_data():
    """Costs spanning decades on a log scale (symmetric where C < 0, past a saddle); the
    legend below the panels, where it cannot cover a curve (issue 9's figures)."""
    explorer = interactive.descent_explorer("narrow bowl")
    right = explorer.figure.axes[1]
    assert right.get_yscale() == "log"
    assert len(explorer.figure.legends) == 1 and all(
        ax.get_legend() is None for ax in explorer.figure.axes
    )
    explorer.controls["surface"].value = "saddle"
    explorer.controls["x0"].value, explorer.controls["y0"].value = -1.5, 0.5
    costs = line(explorer.figure, "cost-0").get_ydata()
    assert costs.min() < 0 and explorer.figure.axes[1].get_yscale() == "symlog"


def test_regression_explorer_bigger_batches_are_smoother():
    X, y = regression.make_data(1000, rng=0)
    explorer = interactive.regression_explorer(X, y)
    explorer.controls["m"].value = 1
    noisy = line(explorer.figure, "loss").get_ydata()
    assert len(noisy) == 3000  # 3 epochs of 1000 one-example steps
    explorer.controls["m"].value = 100
    smooth = line(explorer.figure, "loss").get_ydata()
    assert len(smooth) == 30
    assert np.std(np.diff(np.log(noisy[-500:]))) > np.std(np.diff(np.log(smooth[-10:])))


@pytest.mark.parametrize("eta", [0.63, 1.0])
def test_regression_explorer_says_diverged_without_warnings(eta):
    X, y = regression.make_data(1000, rng=0)
    explorer = interactive.regression_explorer(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow RuntimeWarning would fail here
        explorer.controls["m"].value = 1
        explorer.controls["eta"].value = eta
    title = explorer.figure.axes[0].get_title()
    assert "diverged" in title and "try a smaller eta" in title and "nan" not in title
    assert np.all(np.isfinite(line(explorer.figure, "loss").get_ydata()))


def test_neuron_explorer_saturated_start_learns_slowly():
    explorer = interactive.neuron_explorer()
    good = line(explorer.figure, "output").get_ydata().copy()
    explorer.controls["w0"].value = 2.0
    explorer.controls["b0"].value = 2.0
    saturated = line(explorer.figure, "output").get_ydata()
    np.testing.assert_allclose(saturated, neurons.train_neuron(2.0, 2.0, 0.15))
    # the lecture's point: from the saturated start the output barely moves at first
    assert good[0] - good[30] > 0.2
    assert saturated[0] - saturated[30] < 0.02


@pytest.mark.parametrize("value", [1e-4, 1.0])
def test_eta_slider_is_logarithmic(value):
    slider = interactive.eta_slider(0.1, -4, 0)
    slider.value = value
    assert slider.value == pytest.approx(value)


def test_training_explorer_retrains_with_the_new_eta(mnist):
    training, validation, _ = mnist
    explorer = interactive.training_explorer(training, validation, n_train=2000, n_validation=500)
    good = line(explorer.figure, "accuracy").get_ydata().copy()
    explorer.controls["eta"].value = 0.001
    crawling = line(explorer.figure, "accuracy").get_ydata()
    assert good.max() > 70 and crawling.max() < 40
    assert "η = 0.001" in explorer.figure.axes[0].get_title()


def shown_png(output) -> bytes:
    """The one PNG an Output widget shows (its synced state, as the browser gets it)."""
    (shown,) = output.outputs
    assert shown["output_type"] == "display_data"
    png = base64.b64decode(shown["data"]["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return png


def test_the_output_widget_shows_the_latest_figure_and_only_it():
    explorer = interactive.descent_explorer("narrow bowl")
    before = shown_png(explorer.output)
    explorer.controls["eta"].value = 0.01
    after = shown_png(explorer.output)
    assert after != before
    png = io.BytesIO()
    explorer.figure.savefig(png, format="png", dpi=plots.DPI, bbox_inches="tight")  # as show_in
    assert after == png.getvalue()


def test_draw_descent_names_the_surfaces_it_knows():
    with pytest.raises(ValueError, match="no surface named 'no such surface'.*narrow bowl"):
        interactive.draw_descent("no such surface", 0.1, 1, 1, 10)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_draw_descent_from_the_origin_warns_of_nothing(surface):
    """A run from (0, 0) on the bowls or the saddle has C = 0 throughout: no log scale."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = interactive.draw_descent(surface, 10**0.5, 0.0, 0.0, 1)
        fig.canvas.draw()


def test_eta_slider_is_named_learning_rate():
    assert interactive.eta_slider(0.1, -4, 0).description == "learning rate η"


def test_the_pen_scales_with_the_drawing_so_a_small_digit_gets_mnists_ink():
    from lectures_lib.preprocess import draw_strokes, to_mnist

    tall = [[(140, 40), (140, 240)]]  # a "1" as tall as DRAWN_SIZE
    small = [[(140, 110), (140, 160)]]  # the same "1", a quarter as tall
    assert interactive.pen_for(tall) == pytest.approx(interactive.PEN_WIDTH)
    ink = [to_mnist(draw_strokes(s, 280, interactive.pen_for(s))).sum() for s in (tall, small)]
    fixed = to_mnist(draw_strokes(small, 280, interactive.PEN_WIDTH)).sum()
    assert abs(ink[1] - ink[0]) < 0.2 * ink[0] < fixed - ink[0]  # the fixed pen: far more ink
