"""Give every notebook cell its slide type, so that `jupyter nbconvert --to slides` makes a deck.

    python tools/slides.py          # rewrite the slide metadata where it is stale
    python tools/slides.py --check  # exit 1 and name the stale notebooks (used by the tests)

Rules: a "# " or "## " heading starts a slide, a "### " heading a sub-slide; navigation
cells and the environment check are skipped; every other cell continues its slide.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def slide_type(cell) -> str:
    source = cell.source.lstrip()
    if "navigation" in cell.metadata.get("tags", []) or "check_environment()" in source:
        return "skip"
    if cell.cell_type == "markdown" and (source.startswith("# ") or source.startswith("## ")):
        return "slide"
    if cell.cell_type == "markdown" and source.startswith("### "):
        return "subslide"
    return "-"


def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            wanted = {"slide_type": slide_type(cell)}
            if cell.metadata.get("slideshow") != wanted:
                cell.metadata["slideshow"] = wanted
                changed = True
        if changed:
            stale.append(path.name)
            if not check:
                nbformat.write(nb, path)
    if check and stale:
        print("stale slide metadata in:", ", ".join(stale), "- run: python tools/slides.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
