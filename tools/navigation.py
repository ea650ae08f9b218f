"""Regenerate the navigation cells (previous / contents / next) of every notebook.

    python tools/navigation.py          # rewrite the notebooks whose navigation is stale
    python tools/navigation.py --check  # exit 1 and name them instead (used by the tests)

A navigation cell is a markdown cell tagged "navigation", first and last in each notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TAG = "navigation"


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def title(nb) -> str:
    """The notebook's first level-1 heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and TAG not in cell.metadata.get("tags", []):
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("a notebook needs a '# Title' heading")


def link(path: Path, text: str) -> str:
    return f"[{text}]({path.name})"


def navigation(paths, titles, i) -> str:
    parts = []
    if i > 0:
        parts.append("← " + link(paths[i - 1], titles[i - 1]))
    parts.append(f"[Contents]({paths[0].name}#Contents)")
    if i + 1 < len(paths):
        parts.append(link(paths[i + 1], titles[i + 1]) + " →")
    return " | ".join(parts)


def updated(nb, text):
    cells = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]

    def nav():
        return nbformat.v4.new_markdown_cell(text, metadata={"tags": [TAG]})

    return [nav(), *cells, nav()]


def main(argv=None) -> int:
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    paths = notebooks()
    books = [nbformat.read(p, as_version=4) for p in paths]
    titles = [title(nb) for nb in books]
    stale = []
    for i, (path, nb) in enumerate(zip(paths, books)):
        cells = updated(nb, navigation(paths, titles, i))
        same = [(c.cell_type, c.source) for c in cells] == [
            (c.cell_type, c.source) for c in nb.cells
        ]
        if not same:
            stale.append(path.name)
            if not check:
                nb.cells = cells
                nbformat.write(nb, path)
    if check and stale:
        print("stale navigation in:", ", ".join(stale), "- run: python tools/navigation.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
