"""The sliders, headless: set a value, check that the figure's data changed as the math says."""

import base64
import io

import matplotlib
import numpy as np
import pytest

from lectures_lib import descent, interactive, regression
from lectures_lib.surfaces import SURFACES

matplotlib.use("Agg")


def line(fig, gid):
    found = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, f"no single line with gid {gid}"
    return found[0]


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
    assert not np.allclose(before, after[: len(before)]) if len(before) == len(after) else True
    assert "η = 0.01" in explorer.figure._suptitle.get_text()


def test_descent_explorer_reports_divergence_in_words():
    explorer = interactive.descent_explorer("narrow bowl")
    explorer.controls["eta"].value = 0.3  # above 2 / lambda_max = 0.2
    assert "diverged" in explorer.figure._suptitle.get_text()


def test_descent_explorer_surface_and_steps():
    explorer = interactive.descent_explorer("narrow bowl")
    explorer.controls["surface"].value = "Himmelblau (four minima)"
    explorer.controls["eta"].value = 0.01
    explorer.controls["steps"].value = 30
    assert len(line(explorer.figure, "cost-0").get_ydata()) == 31
    assert explorer.figure.axes[0].get_title() == "Himmelblau (four minima)"


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


def test_neuron_explorer_saturated_start_learns_slowly():
    explorer = interactive.neuron_explorer()
    good = line(explorer.figure, "output").get_ydata().copy()
    explorer.controls["w0"].value = 2.0
    explorer.controls["b0"].value = 2.0
    saturated = line(explorer.figure, "output").get_ydata()
    np.testing.assert_allclose(saturated, interactive.train_neuron(2.0, 2.0, 0.15))
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
    explorer.figure.savefig(png, format="png", dpi=80)
    assert after == png.getvalue()
