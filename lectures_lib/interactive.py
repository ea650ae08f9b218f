"""Sliders that let students feel the learning rate: one call in a notebook each.

An `Explorer` binds ipywidgets controls to a function that draws a new figure from
their values; moving a control redraws.  ``explorer.figure`` is the latest figure, so
tests can set ``explorer.controls["eta"].value`` and check what was drawn.
"""

from __future__ import annotations

import numpy as np
from IPython.display import display

from lectures_lib import descent, regression
from lectures_lib.neurons import train_neuron
from lectures_lib.plots import descent_figure, describe, figure, figure_outputs
from lectures_lib.preprocess import PEN_WIDTH
from lectures_lib.surfaces import SURFACES


def _widgets():
    import ipywidgets

    return ipywidgets


def eta_slider(value, low_exp, high_exp, description="learning rate η"):
    """A log-scale slider for a learning rate from 10^low_exp to 10^high_exp.

    Its description is its visible label and, in the presenter view, its accessible name;
    there a screen reader announces the value shown (0.631), not the exponent that
    ipywidgets' slider moves (presenter/voila/templates/lecture names each slider's handle
    from its label and readout: ipywidgets gives no way to set either,
    jupyter-widgets/ipywidgets#2650)."""
    return _widgets().FloatLogSlider(
        value=value,
        base=10,
        min=low_exp,
        max=high_exp,
        step=0.05,
        description=description,
        readout_format=".3g",
        continuous_update=False,
        tooltip=f"{description} (a logarithmic scale)",
        style={"description_width": "initial"},
    )


def show_in(output, fig) -> None:
    """Replace what the Output widget shows by the figure, as a PNG whatever the backend.

    It sets the widget's outputs directly rather than capturing a display() inside
    ``with output:``: Voila (0.5) can stall for good while it renders a page whose cells
    capture output into Output widgets (voila-dashboards/voila#1428), and a presenter's
    page must not.

    The PNG is drawn as a notebook draws its static figures (`lectures_lib.plots.DPI`,
    the figure's bounding box trimmed), so that a slider's figure and its static twin
    are the same size.
    Like every figure a notebook displays, it comes with its description
    (`lectures_lib.plots.figure_outputs`): the image's alt text and a caption under it.
    """
    data, metadata = figure_outputs(fig)
    output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)


class Explorer:
    """Controls {name: widget} bound to ``draw(**values) -> Figure``."""

    def __init__(self, draw, controls: dict):
        widgets = _widgets()
        self.controls = controls
        self._draw = draw
        self.output = widgets.Output()
        self.figure = None
        self.box = widgets.VBox(
            [widgets.HBox(list(controls.values()), layout={"flex_flow": "row wrap"}), self.output]
        )
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self, change=None) -> None:
        """Draw a new figure from the controls' values and show it in place of the old."""
        self.figure = self._draw(**self.values())
        show_in(self.output, self.figure)

    def _ipython_display_(self):
        display(self.box)


# --- 01: gradient descent on a surface ---------------------------------------------------


def draw_descent(surface, eta, x0, y0, steps):
    """One run of gradient descent from (x0, y0) on the surface named ``surface`` (a key of
    `lectures_lib.surfaces.SURFACES`)."""
    if surface not in SURFACES:
        names = ", ".join(repr(name) for name in SURFACES)
        raise ValueError(f"there is no surface named {surface!r}: choose one of {names}")
    run = descent.gradient_descent(SURFACES[surface], (x0, y0), eta, steps)
    fig = descent_figure(SURFACES[surface], {f"η = {eta:.3g}": run})
    end = run.message or f"C = {run.costs[-1]:.4g} after {steps} steps"
    fig.suptitle(f"η = {eta:.3g}: {end}")
    return fig


def descent_explorer(surface="narrow bowl") -> Explorer:
    """η (log scale), the start point, the number of steps and the surface."""
    widgets = _widgets()
    x0, y0 = SURFACES[surface].start
    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface"),
        "eta": eta_slider(0.05, -4, 0.5),
        "x0": widgets.FloatSlider(value=x0, min=-5, max=5, step=0.1, description="start x"),
        "y0": widgets.FloatSlider(value=y0, min=-5, max=5, step=0.1, description="start y"),
        "steps": widgets.IntSlider(value=50, min=1, max=500, description="steps"),
    }
    return Explorer(draw_descent, controls)


# --- 02: linear regression by mini-batch SGD ------------------------------------------------

BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def draw_regression(X, y, eta, m, epochs=3, seed=0):
    """Loss against the step for mini-batch SGD with learning rate eta and batch size m."""
    fit = regression.sgd(X, y, eta, m, epochs, rng=seed)
    fig, (ax,) = figure(1, width=7)
    (line,) = ax.plot(np.arange(1, len(fit.losses) + 1), fit.losses)
    line.set_gid("loss")
    ax.set_yscale("log")
    ax.set_xlabel("step (one mini-batch each)")
    ax.set_ylabel("mean loss on all data")
    w, b = fit.params.w, fit.params.b
    result = f"\n{fit.message}" if fit.diverged else f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}"
    ax.set_title(f"η = {eta:.3g}, m = {m}: {result}")
    return fig


def regression_explorer(X, y) -> Explorer:
    """η (log scale) and the mini-batch size m, on the data X (n, 2), y (n,)."""
    widgets = _widgets()
    sizes = [m for m in BATCH_SIZES if m <= len(y)]
    controls = {
        "eta": eta_slider(0.1, -3, 0),
        "m": widgets.SelectionSlider(options=sizes, value=10, description="m"),
    }
    return Explorer(lambda eta, m: draw_regression(X, y, eta, m), controls)


# --- 03: one sigmoid neuron ---------------------------------------------------------------


def draw_neuron(eta, w0, b0, epochs=300):
    """The neuron's output and cost over the epochs, for input 1 and target 0."""
    a = train_neuron(w0, b0, eta, epochs)
    fig, (left, right) = figure(2, width=4.5, height=3.5)
    (line,) = left.plot(a)
    line.set_gid("output")
    left.set_ylim(0, 1)
    left.set_xlabel("epoch")
    left.set_ylabel("output a")
    (cost,) = right.plot(0.5 * a**2)
    cost.set_gid("cost")
    right.set_xlabel("epoch")
    right.set_ylabel("cost (a - 0)²/2")
    fig.suptitle(f"start w = {w0:.2f}, b = {b0:.2f}, η = {eta:.3g}: final a = {a[-1]:.3f}")
    return fig


def neuron_explorer() -> Explorer:
    """η and the starting w, b of one neuron learning to map 1 to 0."""
    widgets = _widgets()
    controls = {
        "eta": eta_slider(0.15, -2, 1),
        "w0": widgets.FloatSlider(value=0.6, min=-3, max=3, step=0.1, description="start w"),
        "b0": widgets.FloatSlider(value=0.9, min=-3, max=3, step=0.1, description="start b"),
    }
    return Explorer(draw_neuron, controls)


# --- 06: training on MNIST, live ----------------------------------------------------------


def draw_training(training, validation, eta, hidden=30, epochs=10, m=10, seed=0):
    """Train Network([784, hidden, 10]) on ``training`` and plot validation accuracy per epoch.

    training, validation: (images (n, 784), labels (n,)).
    """
    from lectures_lib.network import Network
    from lectures_lib.runs import sgd

    rng = np.random.default_rng(seed)
    net = Network([784, hidden, 10], rng=rng)
    history = sgd(net, training, epochs, m, eta, test=validation, rng=rng)
    fig, (ax,) = figure(1, width=7, height=3.5)
    (line,) = ax.plot(np.arange(1, epochs + 1), 100 * history.accuracy, "o-")
    line.set_gid("accuracy")
    ax.set_ylim(0, 100)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy (%)")
    ax.set_title(
        f"η = {eta:.3g}: best {100 * history.best / history.n_test:.1f}% "
        f"({len(training[0]):,} training images, {sum(history.seconds):.1f} s)"
    )
    return fig


def training_explorer(training, validation, n_train=5000, n_validation=1000) -> Explorer:
    """An η slider that retrains [784, 30, 10] on a subset for 10 epochs (a few seconds)."""
    train = (training[0][:n_train], training[1][:n_train])
    check = (validation[0][:n_validation], validation[1][:n_validation])
    controls = {"eta": eta_slider(3.0, -3, 2)}
    return Explorer(lambda eta: draw_training(train, check, eta), controls)


# --- 09: draw your own digit ------------------------------------------------------------------


DRAWN_SIZE = 200.0
"""The height in pad pixels of a digit drawn with the pen `PEN_WIDTH` wide for which that pen
gives MNIST's stroke width once the digit is shrunk into MNIST's 20 x 20 box
(`lectures_lib.preprocess.PEN_WIDTH`)."""


def pen_for(strokes, size: int = 280) -> float:
    """The pen width (pad pixels) that gives a drawing MNIST's ink whatever its size: the
    network sees the drawing shrunk into a 20 x 20 box, so a digit drawn half as tall as
    `DRAWN_SIZE` is drawn, for the network, with a pen half as wide. A drawing at least 80%
    of `DRAWN_SIZE` across keeps the pad's own pen, `PEN_WIDTH` (its stroke then within 20%
    of MNIST's), so that a digit drawn at full size is drawn as `draw_strokes` draws it.

    strokes: a list of strokes, each a sequence of (x, y) points in pad pixels."""
    points = np.array([p for stroke in strokes for p in stroke], dtype=float).reshape(-1, 2)
    if len(points) == 0:
        return PEN_WIDTH
    extent = float(np.max(points.max(axis=0) - points.min(axis=0)))
    if extent >= 0.8 * DRAWN_SIZE:
        return PEN_WIDTH
    return max(2.0, PEN_WIDTH * extent / DRAWN_SIZE)


class DigitPad:
    """A canvas to draw a digit with the mouse; the 28 x 28 image the network sees, and its
    ten outputs as bars.

    Strokes are recorded as points, turned into an image by `preprocess.draw_strokes` with
    a pen scaled to the drawing (`pen_for`: a digit drawn small gets MNIST's ink, not twice
    as much), made MNIST-like by `preprocess.to_mnist` and read by ``net``; the image and
    the bars update after each stroke. A drawing smaller than half the pad's height is read
    all the same, and the pad asks for a larger one. The pen lifts when the pointer leaves
    the pad. ``add_stroke`` is what the mouse does, so tests can draw too.
    """

    size, pen = 280, PEN_WIDTH  # the pen on screen; the network's image uses pen_for

    def __init__(self, net):
        import ipycanvas

        widgets = _widgets()
        self.net = net
        self.strokes = []
        self.outputs = np.zeros(10)
        self.canvas = ipycanvas.Canvas(width=self.size, height=self.size)
        self.canvas.layout = {"border": "1px solid #999", "width": f"{self.size}px"}
        self.canvas.line_width, self.canvas.line_cap = self.pen, "round"
        self.canvas.line_join = "round"
        self.canvas.on_mouse_down(self._down)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._up)
        self.canvas.on_mouse_out(self._up)  # leaving the pad lifts the pen
        self.button = widgets.Button(description="clear")
        self.button.on_click(lambda _: self.clear())
        self.output = widgets.Output()
        self.label = widgets.HTML()
        self._pen_down = False
        pad = widgets.VBox(
            [self.canvas, self.button], layout={"flex": "0 0 auto"}
        )  # never squeezed
        self.box = widgets.HBox([pad, widgets.VBox([self.label, self.output])])
        self.redraw()

    def _down(self, x, y):
        self._pen_down = True
        self.strokes.append([(x, y)])

    def _move(self, x, y):
        if self._pen_down:
            (x0, y0) = self.strokes[-1][-1]
            self.canvas.stroke_line(x0, y0, x, y)
            self.strokes[-1].append((x, y))

    def _up(self, x, y):
        if self._pen_down:
            self._pen_down = False
            self.redraw()

    def add_stroke(self, points) -> None:
        """Draw a stroke through the points [(x, y), ...] and read the digit again."""
        points = [tuple(map(float, p)) for p in points]
        self.strokes.append(points)
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
            self.canvas.stroke_line(x0, y0, x1, y1)
        self.redraw()

    def clear(self) -> None:
        self.strokes = []
        self.canvas.clear()
        self.redraw()

    @property
    def image(self) -> np.ndarray:
        """What the network sees: the drawing as an MNIST input (784,)."""
        from lectures_lib.preprocess import draw_strokes, to_mnist

        return to_mnist(draw_strokes(self.strokes, self.size, pen_for(self.strokes, self.size)))

    @property
    def drawn_small(self) -> bool:
        """Whether the drawing is less than half as tall (and as wide) as `DRAWN_SIZE`."""
        points = np.array([p for s in self.strokes for p in s], dtype=float).reshape(-1, 2)
        return bool(len(points)) and np.ptp(points, axis=0).max() < DRAWN_SIZE / 2

    @property
    def prediction(self):
        """The digit read, or None when nothing is drawn."""
        return int(np.argmax(self.outputs)) if self.strokes else None

    def redraw(self) -> None:
        self.outputs = (
            self.net.feedforward(self.image[np.newaxis, :])[0] if self.strokes else np.zeros(10)
        )
        fig, (seen, ax) = figure(2, width=3.6, height=3.2)
        image = self.image.reshape(28, 28)
        seen.imshow(image, cmap="gray_r", vmin=0, vmax=image.max() if image.max() > 1 else 1)
        seen.set_title("what the network sees")
        seen.set_xticks([0, 27])
        seen.set_yticks([0, 27])
        bars = ax.bar(range(10), self.outputs, color="#0072B2")
        if self.strokes:
            bars[self.prediction].set_color("#D55E00")
            bars[self.prediction].set_hatch("//")  # not by colour alone
        ax.set_xticks(range(10))
        ax.set_ylim(0, 1)
        ax.set_xlabel("digit")
        ax.set_ylabel("output activation")
        if self.strokes:
            ax.set_title(f"reads {self.prediction}")
            describe(
                fig,
                f"Left: the 28 × 28 image the network sees, the drawing shrunk into MNIST's "
                f"20 × 20 box. Right: the network's ten outputs as bars; the tallest, "
                f"{self.outputs[self.prediction]:.2f}, is for digit {self.prediction}.",
            )
        else:
            describe(fig, "Nothing drawn yet: a blank 28 × 28 image and ten empty bars.")
        self.figure = fig
        if not self.strokes:
            self.label.value = "Draw a digit, as tall as the pad."
        elif self.drawn_small:
            self.label.value = (
                f"<b>The network reads: {self.prediction}</b><br>"
                "Drawn small: draw large, about as tall as the pad, for a fairer read."
            )
        else:
            self.label.value = f"<b>The network reads: {self.prediction}</b>"
        show_in(self.output, fig)

    def _ipython_display_(self):
        display(self.box)
