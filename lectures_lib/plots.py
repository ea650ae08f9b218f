"""Figures that more than one notebook (or an explorer and its static twin) draw.

Each function returns a `matplotlib.figure.Figure` made without pyplot, so it is shown
once (by ``display`` or as a cell's value) and never leaks into a later cell.  Lines
that tests look for carry a ``gid``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lectures_lib.surfaces import Surface, grid


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

    runs: {label: Trajectory}.  A diverged run says so in its legend entry.
    """
    fig, (left, right) = figure(2)
    contour(left, surface)
    for k, (label, run) in enumerate(runs.items()):
        if run.diverged:
            label = f"{label} ({run.message})"
        (line,) = left.plot(*run.points.T, ".-", markersize=3, label=label)
        line.set_gid(f"trajectory-{k}")
        (curve,) = right.plot(run.costs, color=line.get_color(), label=label)
        curve.set_gid(f"cost-{k}")
    costs = np.concatenate([run.costs for run in runs.values()])
    if costs.min() > 0:
        right.set_yscale("log")
    right.set_xlabel("step")
    right.set_ylabel("C(v)")
    right.legend(fontsize=8)
    return fig
