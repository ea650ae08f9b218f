"""Keep the notebooks' shared structure in sync: navigation links and slide types.

    python tools/tidy_notebooks.py          # rewrite the notebooks that are out of date
    python tools/tidy_notebooks.py --check  # exit 1 and name them instead (used by the tests)

Navigation: a markdown cell tagged "navigation" first and last in each notebook, with
links to the previous notebook, the contents (00_start_here) and the next one.
Slides: a "# " or "## " heading starts a slide, a "### " heading a sub-slide; navigation
cells and the environment check are skipped; every other cell continues its slide, so
that `jupyter nbconvert --to slides` makes a deck of each notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TAG = "navigation"


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def is_navigation(cell) -> bool:
    return TAG in cell.metadata.get("tags", [])


def title(nb) -> str:
    """The notebook's first level-1 heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not is_navigation(cell):
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("a notebook needs a '# Title' heading")


def navigation(paths, titles, i) -> str:
    parts = []
    if i > 0:
        parts.append(f"← [{titles[i - 1]}]({paths[i - 1].name})")
    parts.append(f"[Contents]({paths[0].name}#Contents)")
    if i + 1 < len(paths):
        parts.append(f"[{titles[i + 1]}]({paths[i + 1].name}) →")
    return " | ".join(parts)


def slide_type(cell) -> str:
    source = cell.source.lstrip()
    if is_navigation(cell) or "check_environment()" in source:
        return "skip"
    if cell.cell_type == "markdown" and source.startswith(("# ", "## ")):
        return "slide"
    if cell.cell_type == "markdown" and source.startswith("### "):
        return "subslide"
    return "-"


def tidy(nb, nav_text: str) -> list:
    """The notebook's cells with fresh navigation cells and slide types."""

    def nav():
        return nbformat.v4.new_markdown_cell(nav_text, metadata={"tags": [TAG]})

    cells = [nav(), *[c for c in nb.cells if not is_navigation(c)], nav()]
    for cell in cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
    return cells


def _signature(cells):
    return [(c.cell_type, c.source, dict(c.metadata.get("slideshow", {}))) for c in cells]


def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    paths = notebooks()
    books = [nbformat.read(p, as_version=4) for p in paths]
    titles = [title(nb) for nb in books]
    stale = []
    for i, (path, nb) in enumerate(zip(paths, books)):
        before = _signature(nb.cells)  # before tidy() sets the slide types of these cells
        cells = tidy(nb, navigation(paths, titles, i))
        if _signature(cells) != before:
            stale.append(path.name)
            if not check:
                nb.cells = cells
                nbformat.write(nb, path)
    if check and stale:
        print("out of date:", ", ".join(stale), "- run: python tools/tidy_notebooks.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
