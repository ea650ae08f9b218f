"""Build a reveal.js slide deck of every notebook, that works with no network (`make slides`).

    python tools/build_slides.py                  # every notebook, into build/slides/
    python tools/build_slides.py notebooks/01_gradient_descent_2d.ipynb

A deck shows the notebook's prose and its outputs (figures, printed results): one slide per
"#"/"##" heading (tools/tidy_notebooks.py sets the slide types), one sub-slide (a step down)
per paragraph and what its code draws, code hidden unless a cell is tagged
"slides-show-code", cells tagged "slides-hide" left out. Slides are 1280 × 720, scaled to
the screen; tests/test_decks.py checks in Chromium that no slide is taller.

A slide teaches from its heading, formulas, tables and figures, and at most `WORDS` words
of prose: the rule in `on_screen` keeps a slide's first sentences and list items up to that
budget, and moves the rest of its prose, whole sentences in their order, into the slide's
speaker notes (a cell of slide type "notes", which nbconvert writes as reveal.js's
``<aside class="notes">``). The notebook stays the one source of the prose; "s" opens the
speaker view with the notes beside the slide. A figure's ``alt`` is the description that
`lectures_lib.plots` gave it when the notebook ran.

Everything a deck loads is in build/slides/lib/ beside it: reveal.js and MathJax, pinned in
presenter/package.json and package-lock.json and installed by `npm ci` (`make slides` does
it). Open build/slides/01_gradient_descent_2d.slides.html in a browser: arrow keys move,
"f" is full screen, "s" the speaker view.

Decks need executed notebooks. `make test` leaves one in build/executed/ for every notebook
it ran (the root conftest.py writes what nbval computed); a notebook without an up-to-date
copy there is executed here, in a fresh kernel (the slow way, minutes for the series).
"""

from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path

import nbformat

from lectures_lib.files import write_atomically

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
SLIDES = ROOT / "build" / "slides"
PRESENTER = ROOT / "presenter"
NODE_MODULES = PRESENTER / "node_modules"
TEMPLATE = "lecture-slides"  # presenter/nbconvert/templates/lecture-slides
WIDTH, HEIGHT = 1280, 720  # one slide, in CSS pixels
WORDS = 50  # the most words of prose a slide shows; the rest goes into its speaker notes

# what a deck loads, copied from presenter/node_modules/ into lib/ beside the decks
LIBRARY_FILES = {
    "reveal.js/dist/reveal.js": "reveal.js/dist/reveal.js",
    "reveal.js/dist/reveal.css": "reveal.js/dist/reveal.css",
    "reveal.js/dist/theme/white.css": "reveal.js/dist/theme/white.css",
    "reveal.js/dist/theme/fonts/source-sans-pro": "reveal.js/dist/theme/fonts/source-sans-pro",
    "reveal.js/plugin/notes/notes.js": "reveal.js/plugin/notes/notes.js",
    "mathjax/es5/tex-chtml-full.js": "mathjax/tex-chtml-full.js",
    "mathjax/es5/output/chtml/fonts/woff-v2": "mathjax/output/chtml/fonts/woff-v2",
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _cells(nb) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def executed_copy(path: Path, cache: Path = EXECUTED):
    """The notebook at ``path`` with its outputs: the copy in ``cache`` if its cells are the
    notebook's own, otherwise the notebook executed now in a fresh kernel (and kept there)."""
    nb = nbformat.read(path, as_version=4)
    kept = cache / path.name
    if kept.exists():
        copy_ = nbformat.read(kept, as_version=4)
        if _cells(copy_) == _cells(nb):
            return copy_
    from nbclient import NotebookClient

    print(f"executing {path.name} (no up-to-date executed copy in {cache}) ...", flush=True)
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    write_atomically(kept, nbformat.writes(nb))
    return nb


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _shows_something(cell) -> bool:
    return cell.cell_type == "markdown" or bool(cell.outputs) or "slides-show-code" in _tags(cell)


def for_slides(nb):
    """A copy of the executed notebook as its deck shows it: code hidden (unless tagged
    "slides-show-code"), no cells tagged "slides-hide", no widgets (a static page cannot run
    them: the figure they start from shows instead, in its own cell), no stderr; and a new
    sub-slide wherever prose, code or a figure follows a slide that already shows an output
    or code."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if "slides-hide" in _tags(cell) or _slide_type(cell) == "skip":
            continue
        if cell.cell_type == "code":
            if "slides-show-code" not in _tags(cell):
                cell.metadata["transient"] = {"remove_source": True}
            cell.outputs = [
                out
                for out in cell.outputs
                if WIDGET_VIEW not in out.get("data", {}) and out.get("name") != "stderr"
            ]
        if _shows_something(cell):
            cells.append(cell)
    shown = False  # the current (sub-)slide shows an output or code already
    for cell in cells:
        kind = _slide_type(cell)
        starts_step = (
            cell.cell_type == "markdown"
            or "slides-show-code" in _tags(cell)
            or any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        )
        if kind == "-" and shown and starts_step:
            cell.metadata["slideshow"] = {"slide_type": "subslide"}
            kind = "subslide"
        if kind in ("slide", "subslide"):
            shown = False
        if cell.cell_type == "code":
            shown = True
    nb.cells = _with_notes(cells)
    return nb


# --- a slide's prose: a few words on screen, the rest in its speaker notes ------------------


def words(text: str) -> int:
    """Words of prose as a reader counts them: a formula ($…$) or a piece of code (`…`)
    is one word, a link counts its text only, markdown's marks none."""
    text = re.sub(r"\$[^$]+\$|`[^`]+`", " formula ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return len(re.findall(r"[\w\u0370-\u03ff∇Δ≈]+", text))


def blocks(source: str) -> list[str]:
    """Markdown split into blocks at blank lines, keeping fenced code and $$ … $$ whole."""
    out, current, fenced, math = [], [], False, False
    for line in source.split("\n"):
        if not line.strip() and not fenced and not math:
            if current:
                out.append("\n".join(current))
                current = []
            continue
        current.append(line)
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if line.count("$$") % 2:
            math = not math
    if current:
        out.append("\n".join(current))
    return out


def _kind(block: str) -> str:
    first = block.lstrip()
    if first.startswith("#"):
        return "heading"
    if first.startswith(("$$", "\\begin", "```", "|", "![", "<")):
        return "shown"  # a formula, code, a table, an image or HTML: what the slide is about
    if re.match(r"([-*+]|\d+[.)]) ", first):
        return "list"
    return "prose"


def _sentences(paragraph: str) -> list[str]:
    """A paragraph cut after each full stop, question or exclamation mark that ends a
    sentence (not inside a formula: $…$ and $$…$$ stay whole)."""
    # the next sentence starts with a capital, a Greek letter (η = 0.1 …), a formula, …
    ends = re.compile(r"[*_)\"”’]*\s+[A-Z(*_\"“‘$\[\u0370-\u03ff∇Δ]")
    pieces, start, i = [], 0, 0
    while i < len(paragraph):
        if paragraph.startswith("$$", i):
            close = paragraph.find("$$", i + 2)
            i = len(paragraph) if close < 0 else close + 2
            continue
        if paragraph[i] == "$":
            close = paragraph.find("$", i + 1)
            i = len(paragraph) if close < 0 else close + 1
            continue
        match = ends.match(paragraph, i + 1) if paragraph[i] in ".?!" else None
        if match:
            end = i + 1 + len(re.match(r"[*_)\"”’]*", paragraph[i + 1 :]).group(0))
            pieces.append(paragraph[start:end].strip())
            start = end
        i += 1
    rest = paragraph[start:].strip()
    return [*pieces, rest] if rest else pieces


def _items(block: str) -> list[str]:
    """A markdown list's items (each with its continuation lines)."""
    items: list[list[str]] = []
    for line in block.split("\n"):
        if re.match(r"\s{0,1}([-*+]|\d+[.)]) ", line) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return ["\n".join(item) for item in items]


def on_screen(source: str, budget: int = WORDS) -> tuple[str, str, int]:
    """Cut a markdown cell into what its slide shows and what goes into its notes.

    The slide keeps every heading, formula, table, image and code block, and the cell's
    first sentences and list items while they fit in ``budget`` words; from the first that
    does not fit, the prose (in its order) goes into the notes. A first sentence longer
    than the whole budget shows its start, cut at a word, with "…". Returns (shown, notes,
    words of prose shown)."""
    shown, notes, used, full = [], [], 0, False
    for block in blocks(source):
        kind = _kind(block)
        if kind in ("heading", "shown"):
            shown.append(block)
            continue
        units = _items(block) if kind == "list" else _sentences(block)
        kept, moved = [], []
        for unit in units:
            n = words(unit)
            if not full and used + n <= budget:
                kept.append(unit)
                used += n
            elif not full and used == 0 and budget >= WORDS // 2 and kind == "prose":
                # a first sentence longer than the slide's budget: its start, then "…"
                # on screen, and the whole sentence in the notes
                start = _first_words(unit, budget - 1)
                kept.append(start + " …")
                used += words(start) + 1
                full = True
                moved.append(unit)
            else:
                full = True
                moved.append(unit)
        joiner = "\n" if kind == "list" else " "
        if kept:
            shown.append(joiner.join(kept))
        if moved:
            notes.append(joiner.join(moved))
    return "\n\n".join(shown), "\n\n".join(notes), used


def _first_words(sentence: str, budget: int) -> str:
    """The start of the sentence, ``budget`` words long at most, cut between words (a
    formula or a piece of code stays whole) and without an unclosed emphasis mark."""
    tokens = re.findall(r"\$[^$]*\$\S*|`[^`]*`\S*|\S+", sentence)
    kept, count = [], 0
    for token in tokens:
        count += max(1, words(token))
        if count > budget:
            break
        kept.append(token)
    text = " ".join(kept).rstrip(",;:—–-")
    for mark in ("**", "*", "_"):
        if text.count(mark) % 2:
            text = text.replace(mark, "")
    return text


def _with_notes(cells: list) -> list:
    """The deck's cells with each slide's prose cut to `WORDS` words: the rest of each
    markdown cell follows it as a cell of slide type "notes" (its speaker notes)."""
    out, used = [], 0
    for cell in cells:
        if _slide_type(cell) in ("slide", "subslide"):
            used = 0
        if cell.cell_type != "markdown":
            out.append(cell)
            continue
        shown, notes, n = on_screen(cell.source, WORDS - used)
        used += n
        if shown.strip() or not notes:
            cell.source = shown
            out.append(cell)
        else:  # nothing left on screen: the cell's slide type passes to what follows
            kind = _slide_type(cell)
            if kind in ("slide", "subslide"):
                cell.source = ""
                out.append(cell)
        if notes:
            out.append(
                nbformat.v4.new_markdown_cell(
                    notes, metadata={"slideshow": {"slide_type": "notes"}}
                )
            )
    return out


def exporter():
    from nbconvert import SlidesExporter

    return SlidesExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(PRESENTER / "nbconvert" / "templates")],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        reveal_url_prefix="lib/reveal.js",
        reveal_theme="white",
        reveal_transition="none",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
    )


def copy_libraries(out: Path, node_modules: Path = NODE_MODULES) -> None:
    """Copy reveal.js and MathJax from presenter/node_modules into ``out``/lib."""
    missing = [name for name in LIBRARY_FILES if not (node_modules / name).exists()]
    if missing:
        raise SystemExit(
            f"reveal.js and MathJax are not installed in {node_modules} (missing: "
            f"{', '.join(missing)}): run `make slides`, or `npm ci --prefix presenter`"
        )
    for source, target in LIBRARY_FILES.items():
        src, dst = node_modules / source, out / "lib" / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def build_deck(path: Path, out: Path = SLIDES, cache: Path = EXECUTED) -> Path:
    """Write ``out``/<notebook>.slides.html from the notebook's executed copy."""
    executed = executed_copy(path, cache)
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise SystemExit(f"{path.name} raised {output['ename']} when it ran: fix it first")
    html, _ = exporter().from_notebook_node(
        for_slides(executed), resources={"metadata": {"name": path.stem}}
    )
    deck = out / f"{path.stem}.slides.html"
    deck.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(deck, html.encode("utf-8"))
    return deck


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a).resolve() for a in args] or notebooks()
    copy_libraries(SLIDES)
    for path in paths:
        deck = build_deck(path)
        print(f"wrote {deck.relative_to(ROOT)}")
    print(f"open {(SLIDES / paths[0].stem).relative_to(ROOT)}.slides.html in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
