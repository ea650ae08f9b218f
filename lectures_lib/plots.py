"""Figures that more than one notebook (or an explorer and its static twin) draw.

Each function returns a `matplotlib.figure.Figure` made without pyplot, so it is shown
once (by ``display`` or as a cell's value) and never leaks into a later cell.  Lines
that tests look for carry a ``gid``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import SymmetricalLogLocator

from lectures_lib.surfaces import Surface, grid

DPI = 100
"""Pixels per inch of every figure, static or redrawn by a slider: a figure 12.8 inches wide
is 1280 pixels, the width of a slide (and of a projector's 1280 × 720 screen), so a figure
shows at its own size, sharp, neither blown up nor squeezed."""

LECTURE_STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": (8.0, 4.5),
    "figure.constrained_layout.use": True,  # larger labels never overlap the next axes
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "figure.titlesize": 16,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.linewidth": 1.2,
    "xtick.major.width": 1.2,
    "ytick.major.width": 1.2,
    "grid.linewidth": 1.0,
    "axes.grid": False,
}
"""One style for every figure of the series, readable from the back of a lecture hall:
14-point labels are 19 pixels at `DPI`, as large as the slides' small print; lines 2.5
points wide."""


def use_lecture_style() -> None:
    """Make `LECTURE_STYLE` matplotlib's default for the rest of the session. Every notebook
    calls it once, in its import cell; the figures that the package draws (the sliders'
    among them) are made in that session and so follow it too."""
    import matplotlib

    matplotlib.rcParams.update(LECTURE_STYLE)


def figure(ncols: int = 1, width: float = 5.0, height: float = 4.0):
    """A new Figure and its row of ``ncols`` axes."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, axes


def contour(ax, surface: Surface, levels: int = 30) -> None:
    """Contour lines of the surface's cost over its window (log-spaced where C > 0)."""
    X, Y, C = grid(surface)
    if C.min() > -1e-12:
        lv = np.geomspace(max(C.min(), 1e-3), C.max(), levels)
        ax.contour(X, Y, C, levels=lv, cmap="viridis", linewidths=0.7)
    else:
        ax.contour(X, Y, C, levels=levels, cmap="viridis", linewidths=0.7)
    for m in surface.minima:
        ax.plot(*m, "k*", markersize=10)
    ax.set_xlim(surface.window[:2])
    ax.set_ylim(surface.window[2:])
    ax.set_xlabel("$v_1$")
    ax.set_ylabel("$v_2$")
    ax.set_title(surface.name)


def descent_figure(surface: Surface, runs: dict) -> Figure:
    """Trajectories on the contour plot (left) and C against the step number (right).

    runs: {label: Trajectory}.  A diverged run says so in its legend entry, which sits
    below the two panels.
    """
    fig, (left, right) = figure(2)
    contour(left, surface)
    for k, (label, run) in enumerate(runs.items()):
        if run.diverged:
            label = f"{label} ({run.message})"
        (line,) = left.plot(*run.points.T, ".-", markersize=3, label=label)
        line.set_gid(f"trajectory-{k}")
        (curve,) = right.plot(run.costs, color=line.get_color())
        curve.set_gid(f"cost-{k}")
    costs = np.concatenate([run.costs for run in runs.values()])
    right.set_ylabel("C(v)")
    if costs.min() >= 0:  # costs span decades: a log scale (a cost of exactly 0 is not drawn)
        right.set_yscale("log", nonpositive="mask")
    else:  # C < 0 somewhere (a saddle): logarithmic on both sides of a linear band around 0
        right.set_yscale("symlog", linthresh=1e-2)
        right.yaxis.set_major_locator(SymmetricalLogLocator(base=100, linthresh=1e-2))
        right.set_ylabel("C(v)   (symmetric log scale)")
    right.set_xlabel("step")
    fig.legend(loc="outside lower center")  # below the panels: it never covers a curve
    return fig
