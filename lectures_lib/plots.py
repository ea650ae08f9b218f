"""Figures that more than one notebook (or an explorer and its static twin) draw.

Each function returns a `matplotlib.figure.Figure` made without pyplot, so it is shown
once (by ``display`` or as a cell's value) and never leaks into a later cell.  Lines
that tests look for carry a ``gid``.
"""

from __future__ import annotations

import base64
import io
import re
import weakref
from html import escape

import numpy as np
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import SymmetricalLogLocator

from lectures_lib.surfaces import Surface, grid

DPI = 100
"""Pixels per inch of every figure, static or redrawn by a slider: a figure 12.8 inches wide
is 1280 pixels, the width of a slide (and of a projector's 1280 × 720 screen), so a figure
shows at its own size, sharp, neither blown up nor squeezed."""

OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: faint on white)
)
"""Okabe and Ito's eight colours (2008), told apart by readers with any of the common
colour-vision deficiencies."""

LINESTYLES = ("-", "--", "-.", ":")
"""The line styles that tell lines apart where colour cannot (with `MARKERS`, for more)."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

LECTURE_STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": (8.0, 4.5),
    "figure.constrained_layout.use": True,  # larger labels never overlap the next axes
    "figure.facecolor": "white",  # opaque: a figure reads the same in a dark theme
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.facecolor": "white",
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "figure.titlesize": 16,
    "legend.fontsize": 13,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.linewidth": 1.2,
    "xtick.major.width": 1.2,
    "ytick.major.width": 1.2,
    "grid.linewidth": 1.0,
    "axes.grid": False,
    # each colour with a line style, and from the fifth on a marker too (every tenth of the
    # axes' width, so that a long curve keeps a readable line)
    "axes.prop_cycle": cycler(color=OKABE_ITO)
    + cycler(linestyle=LINESTYLES * 2)
    + cycler(marker=["None"] * 4 + ["o", "s", "^", "D"])
    + cycler(markevery=[None] * 4 + [0.1] * 4),
    "image.cmap": "viridis",
}
"""One style for every figure of the series, readable from the back of a lecture hall:
14-point labels are 19 pixels at `DPI`, 13-point ticks and legends 18 pixels (16 or more on
a slide that shows the figure at 90% of its size); lines 2.5 points wide, each colour of the
Okabe–Ito palette with a line style of its own; maps in viridis; opaque white backgrounds."""

SMALLEST_TEXT_PT = 13
"""The smallest text `LECTURE_STYLE` draws (ticks, legends), in points."""


def use_lecture_style() -> None:
    """Make `LECTURE_STYLE` matplotlib's default for the rest of the session, and, in IPython
    (a notebook, Voilà), describe every figure it displays (`describe`, `figure_outputs`).

    Every notebook calls it once, in its import cell; the figures that the package draws
    (the sliders' among them) are made in that session and so follow it too."""
    import matplotlib

    shell = _ipython()
    if shell is not None:
        # pyplot's backend (in a notebook, the inline one) sets its own defaults and its
        # own figure formatters when it starts, at the first figure: start it now, so
        # that the lecture style and the formatters below win
        import matplotlib.pyplot as plt

        plt.switch_backend(matplotlib.get_backend())
    matplotlib.rcParams.update(LECTURE_STYLE)
    if shell is not None:
        _install_formatters(shell)


# --- every figure described ---------------------------------------------------------------

_written: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def describe(fig, text: str):
    """Give the figure a description written by hand, used instead of the generated one
    (`description`) as its ``alt`` text and caption. Returns the figure."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(
            "describe(fig, text): text must be a sentence that says what the figure shows"
        )
    _written[fig] = " ".join(text.split())
    return fig


def _plain(text: str) -> str:
    """Matplotlib mathtext as plain text: "$\\eta$ = 0.1" -> "η = 0.1"."""
    for tex, char in _TEX.items():
        text = text.replace(tex, char)
    text = re.sub(
        r"\\mathrm\{([^}]*)\}|\\text\{([^}]*)\}", lambda m: m.group(1) or m.group(2), text
    )
    text = re.sub(r"_\{?([0-9a-z])\}?", lambda m: _SUB.get(m.group(1), m.group(1)), text)
    text = re.sub(r"\^\{?([0-9-])\}?", lambda m: _SUP.get(m.group(1), m.group(1)), text)
    text = text.replace("$", "").replace("\\", "").replace("{", "").replace("}", "")
    return " ".join(text.split())


_TEX = {
    r"\eta": "η", r"\lambda": "λ", r"\sigma": "σ", r"\delta": "δ", r"\Delta": "Δ",
    r"\nabla": "∇", r"\partial": "∂", r"\cdot": "·", r"\times": "×", r"\approx": "≈",
    r"\leq": "≤", r"\geq": "≥", r"\le": "≤", r"\ge": "≥", r"\prime": "′", r"\mu": "μ",
    r"\alpha": "α", r"\beta": "β", r"\theta": "θ", r"\gamma": "γ", r"\epsilon": "ε",
    r"\infty": "∞", r"\to": "→", r"\,": " ", r"\ ": " ",
}  # fmt: skip
_SUB = dict(zip("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
_SUP = dict(zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))


def _number(v: float, percent: bool = False) -> str:
    text = f"{v:.3g}" if abs(v) < 1e5 else f"{v:,.0f}"
    return text + ("%" if percent else "")


def _trend(y: np.ndarray, percent: bool, log: bool) -> str:
    """What a sequence does, in words: "rises from 10% to 92%", "falls from 2.3 to 0.001"."""
    y = y[np.isfinite(y)]
    if len(y) == 0:
        return "has no finite values"
    if len(y) == 1:
        return f"is {_number(y[0], percent)}"
    first, last, low, high = y[0], y[-1], y.min(), y.max()
    n = lambda v: _number(v, percent)  # noqa: E731
    scale = (lambda v: np.log10(abs(v)) if v != 0 else -300.0) if log and low > 0 else (lambda v: v)
    spread = scale(high) - scale(low)
    size = max(abs(scale(high)), abs(scale(low)), 1e-12)
    if spread <= 0.02 * size or (log and spread < 0.05):
        return f"stays near {n(first)}"
    rise, tol = scale(last) - scale(first), 0.1 * spread
    if high > max(first, last) and scale(high) - max(scale(first), scale(last)) > tol:
        return f"rises from {n(first)} to a peak of {n(high)}, then falls to {n(last)}"
    if low < min(first, last) and min(scale(first), scale(last)) - scale(low) > tol:
        return f"falls from {n(first)} to a low of {n(low)}, then rises to {n(last)}"
    if rise > 0:
        return f"rises from {n(first)} to {n(last)}"
    return f"falls from {n(first)} to {n(last)}"


def _axis(ax, which: str) -> str:
    axis = ax.xaxis if which == "x" else ax.yaxis
    label = _plain(axis.get_label_text())
    low, high = ax.get_xlim() if which == "x" else ax.get_ylim()
    scale = axis.get_scale()
    words = f"{which}: {label or 'unlabelled'} from {_number(low)} to {_number(high)}"
    return words + (f" ({scale} scale)" if scale != "linear" else "")


def _line_words(line, percent: bool, log: bool, on_map: bool) -> str | None:
    try:
        x = np.asarray(line.get_xdata(), dtype=float)
        y = np.asarray(line.get_ydata(), dtype=float)
    except (TypeError, ValueError):
        return None
    if x.size == 0 or y.size == 0 or x.shape != y.shape:
        return None
    label = line.get_label()
    name = _plain(label) if label and not label.startswith("_") else "a line"
    if x.size == 1:
        return f"{name if name != 'a line' else 'a marker'} at ({_number(x[0])}, {_number(y[0])})"
    steps = np.diff(x[np.isfinite(x)])
    if not on_map and steps.size and (np.all(steps >= 0) or np.all(steps <= 0)):
        return f"{name} {_trend(y, percent, log)}"
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size == 0:
        return f"{name}: no finite points"
    return (
        f"{name}: a path of {x.size} points from ({_number(x[0])}, {_number(y[0])}) "
        f"to ({_number(x[-1])}, {_number(y[-1])})"
    )


def _data_lines(ax) -> list:
    return [ln for ln in ax.get_lines() if ln.get_visible() and len(ln.get_xdata()) > 0]


def _colourbar_axes(fig) -> set:
    bars = set()
    for ax in fig.axes:
        for artist in [*ax.images, *ax.collections]:
            bar = getattr(artist, "colorbar", None)
            if bar is not None:
                bars.add(bar.ax)
    return bars


def _panel(ax, fig) -> str:
    """One axes in words: its title, axes, lines, images, bars, points, contours."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.contour import ContourSet

    parts = []
    title = _plain(ax.get_title())
    if ax.axison:
        parts.append(f"{_axis(ax, 'x')}; {_axis(ax, 'y')}")
    percent = "%" in ax.get_ylabel()
    log = ax.get_yscale() != "linear"
    on_map = bool(ax.images) or any(isinstance(c, ContourSet) for c in ax.collections)
    lines = [w for w in (_line_words(ln, percent, log, on_map) for ln in _data_lines(ax)) if w]
    if lines:
        shown = lines[:8]
        more = f"; and {len(lines) - 8} more lines" if len(lines) > 8 else ""
        parts.append(("lines: " if len(lines) > 1 else "") + "; ".join(shown) + more)
    for image in ax.images:
        shape = image.get_array().shape
        words = f"an image of {shape[0]} × {shape[1]} pixels"
        if len(shape) == 2:
            words += f" in the colour map {image.get_cmap().name}"
        bar = getattr(image, "colorbar", None)
        if bar is not None:
            words += _colourbar_words(bar)
        parts.append(words)
    for container in ax.containers:
        if isinstance(container, BarContainer) and len(container.patches):
            heights = np.array([p.get_height() for p in container.patches])
            top = int(np.argmax(heights))
            ticks = [t.get_text() for t in ax.get_xticklabels()]
            where = ticks[top] if len(ticks) == len(heights) and ticks[top] else f"bar {top + 1}"
            name = container.get_label()
            name = f"{_plain(name)}: " if name and not name.startswith("_") else ""
            tallest = _number(heights[top], percent)
            parts.append(f"{name}{len(heights)} bars, the tallest at {where} ({tallest})")
    for collection in ax.collections:
        if isinstance(collection, ContourSet):
            kind = "filled contours" if collection.filled else "contour lines"
            words = f"{kind} at {len(collection.levels)} levels"
            bar = getattr(collection, "colorbar", None)
            parts.append(words + (_colourbar_words(bar) if bar is not None else ""))
        elif isinstance(collection, PathCollection) and len(collection.get_offsets()):
            label = collection.get_label()
            name = f"{_plain(label)}: " if label and not label.startswith("_") else ""
            bar = getattr(collection, "colorbar", None)
            parts.append(
                f"{name}{len(collection.get_offsets())} points"
                + (_colourbar_words(bar) if bar is not None else "")
            )
    if not parts and not title:
        return ""
    return (f"{title}: " if title else "") + ("; ".join(parts) if parts else "")


def _colourbar_words(bar) -> str:
    label = _plain(bar.ax.get_ylabel() or bar.ax.get_xlabel())
    low, high = bar.mappable.get_clim()
    name = f" for {label}" if label else ""
    return f", with a colour bar{name} from {_number(low)} to {_number(high)}"


def description(fig) -> str:
    """A description of the figure in words, made from its data: its title, and for each
    panel its title, axes (label, range, scale), what each line does ("rises from 10% to
    92%"), its images' sizes and colour bars, bars, points and contours. A description
    given with `describe` comes instead."""
    if fig in _written:
        return _written[fig]
    bars = _colourbar_axes(fig)
    panels = [ax for ax in fig.axes if ax not in bars and ax.get_visible()]
    titles = " ".join(_plain(t.get_text()) for t in fig.texts if t.get_text().strip())
    texts = [_panel(ax, fig) for ax in panels]
    texts = [t for t in texts if t]
    # a grid of small images with no axes (digits): one phrase for all of them
    images_only = [ax for ax in panels if ax.images and not ax.axison and not _data_lines(ax)]
    head = f"Figure: {titles}. " if titles else "Figure. "
    if len(images_only) > 6 and len(images_only) >= len(panels) - 1:
        shapes = {ax.images[0].get_array().shape[:2] for ax in images_only}
        size = " × ".join(map(str, next(iter(shapes)))) if len(shapes) == 1 else "various"
        names = [_plain(ax.get_title()) for ax in images_only if ax.get_title()]
        named = (
            f", titled {', '.join(names[:12])}{' …' if len(names) > 12 else ''}" if names else ""
        )
        rest = [_panel(ax, fig) for ax in panels if ax not in images_only]
        extra = "".join(f" {t}." for t in rest if t)
        return f"{head}A grid of {len(images_only)} images of {size} pixels{named}.{extra}".strip()
    if len(texts) == 1:
        return f"{head}{texts[0]}.".strip()
    body = " ".join(f"Panel {k} of {len(texts)}, {t}." for k, t in enumerate(texts, 1))
    return f"{head}{body}".strip()


def caption(fig) -> str:
    """The one-line caption under a figure in a notebook: its description, cut at 300
    characters (the image's alt text keeps it whole)."""
    text = description(fig)
    return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + " …"


# --- colour is never the only cue ---------------------------------------------------------


def _style(line) -> tuple:
    style = line.get_linestyle()
    return ("None" if style in ("None", "none", " ", "") else style, str(line.get_marker()))


def distinguish_lines(fig) -> None:
    """Give each line a line style or marker of its own wherever two lines of one axes would
    differ by colour alone (a notebook's own ``ax.plot(x, y, "o-")`` twice, say), and update
    their legend entries to match. `LECTURE_STYLE`'s cycle already pairs each colour with a
    line style; this catches the lines drawn with an explicit format."""
    from matplotlib.colors import to_hex

    changed = {}
    for ax in fig.axes:
        taken: dict = {}  # (linestyle, marker) -> colour
        for line in _data_lines(ax):
            colour, style = to_hex(line.get_color()), _style(line)
            if taken.get(style, colour) == colour:
                taken[style] = colour
                continue
            used = {s for s, c in taken.items() if c != colour}
            candidates = (
                [("None", m) for m in MARKERS]
                if style[0] == "None"
                else [(ls, style[1]) for ls in LINESTYLES]
                + [(ls, m) for m in MARKERS for ls in LINESTYLES]
            )
            # a style no other colour has (this colour's own, from an earlier line, will do)
            new = next((c for c in candidates if c not in used), None)
            if new is None:
                continue
            line.set_linestyle(new[0])
            line.set_marker(new[1])
            if new[1] != style[1] and len(line.get_xdata()) > 15:
                line.set_markevery(max(1, len(line.get_xdata()) // 10))
            taken[new] = colour
            changed[line.get_label()] = line
    if not changed:
        return
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            line = changed.get(text.get_text())
            if (
                line is not None
                and hasattr(handle, "set_linestyle")
                and hasattr(handle, "set_marker")
            ):
                handle.set_linestyle(line.get_linestyle())
                handle.set_marker(line.get_marker())


def line_styles(fig) -> list[list[list[str]]]:
    """For each axes, each line's [colour, line style, marker]: what the display hook records
    in a figure's metadata, so that a test can check that lines differ by more than colour."""
    from matplotlib.colors import to_hex

    return [
        [[to_hex(ln.get_color()), str(_style(ln)[0]), _style(ln)[1]] for ln in _data_lines(ax)]
        for ax in fig.axes
    ]


def smallest_text_pt(fig) -> float:
    """The size in points of the smallest visible text in the figure (ticks, labels,
    legends, annotations)."""
    from matplotlib.text import Text

    sizes = [
        t.get_fontsize()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.figure is fig
    ]
    return min(sizes) if sizes else float("nan")


# --- the display hook ----------------------------------------------------------------------


def figure_outputs(fig) -> tuple[dict, dict]:
    """What a notebook shows for the figure: (data, metadata) of a display_data output.

    data has the PNG (``image/png``, base64, drawn at `DPI` with the bounding box trimmed,
    as IPython draws figures) and ``text/html``: the same image with its description
    (`description`) as ``alt``, and a one-line caption (`caption`) under it. metadata
    ``{"image/png": {"alt", "lines", "smallest_text_px", "width", ...}}`` is what tests and
    the slide decks read."""
    distinguish_lines(fig)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI, bbox_inches="tight")
    encoded = base64.b64encode(png.getvalue()).decode("ascii")
    alt = description(fig)
    smallest = round(smallest_text_pt(fig) * DPI / 72, 1)
    width, height = _png_size(png.getvalue())
    html = (
        f'<figure class="lecture-figure" style="margin: 0">'
        f'<img src="data:image/png;base64,{encoded}" alt="{escape(alt)}" '
        f'width="{width}" height="{height}" style="max-width: 100%; height: auto" '
        f'data-smallest-text-px="{smallest}" />'
        f'<figcaption aria-hidden="true" style="font-size: 0.85em">'
        f"{escape(caption(fig))}</figcaption></figure>"
    )
    data = {"image/png": encoded, "text/html": html, "text/plain": f"<Figure: {alt}>"}
    meta = {"alt": alt, "lines": line_styles(fig), "smallest_text_px": smallest}
    return data, {"image/png": meta}


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


_pending: list = []  # the figure whose HTML was just made, for the PNG formatter that follows


def _html_formatter(fig):
    data, meta = figure_outputs(fig)
    _pending[:] = [(fig, data["image/png"], meta["image/png"])]
    return data["text/html"]


def _png_formatter(fig):
    if _pending and _pending[0][0] is fig:
        _, encoded, meta = _pending.pop()
    else:
        data, metadata = figure_outputs(fig)
        encoded, meta = data["image/png"], metadata["image/png"]
    return encoded, meta


def _install_formatters(shell) -> None:
    """Every matplotlib figure the shell displays (``plt.show()``, a cell's value, display)
    gets its HTML with alt text and caption, and its PNG with the description in its
    metadata."""
    from matplotlib.figure import Figure

    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(Figure, _html_formatter)
    formatters["image/png"].for_type(Figure, _png_formatter)


def figure(ncols: int = 1, width: float = 5.0, height: float = 4.0):
    """A new Figure and its row of ``ncols`` axes."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, axes


def contour(ax, surface: Surface, levels: int = 30):
    """Contour lines of the surface's cost over its window (log-spaced where C > 0); returns
    the contour set, for a colour bar."""
    X, Y, C = grid(surface)
    if C.min() > -1e-12:
        levels = np.geomspace(max(C.min(), 1e-3), C.max(), levels)
    lines = ax.contour(X, Y, C, levels=levels, cmap="viridis", linewidths=0.7)
    for m in surface.minima:
        ax.plot(*m, "k*", markersize=10)
    ax.set_xlim(surface.window[:2])
    ax.set_ylim(surface.window[2:])
    ax.set_xlabel("$v_1$")
    ax.set_ylabel("$v_2$")
    ax.set_title(surface.name)
    return lines


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
    if costs.min() >= 0 and costs.max() <= 0:  # a run that starts at the minimum, C = 0
        right.set_ylim(-1, 1)  # linear: no log scale has room for a cost of exactly 0
    elif costs.min() >= 0:  # costs span decades: a log scale (a cost of exactly 0 is not drawn)
        right.set_yscale("log", nonpositive="mask")
    else:  # C < 0 somewhere (a saddle): logarithmic on both sides of a linear band around 0
        right.set_yscale("symlog", linthresh=1e-2)
        right.yaxis.set_major_locator(SymmetricalLogLocator(base=100, linthresh=1e-2))
        right.set_ylabel("C(v)   (symmetric log scale)")
    right.set_xlabel("step")
    fig.legend(loc="outside lower center")  # below the panels: it never covers a curve
    return fig
