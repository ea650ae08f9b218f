"""The slide decks (`make slides`): each heading a slide, code hidden, every slide within a
1280 × 720 screen, and a deck that works with no network (arrow keys, typeset formulas).

The decks are built from the notebooks' executed copies in build/executed/, which the root
conftest.py writes while nbval runs the notebooks in `make test`; these tests run after the
notebooks (marker ``after_notebooks``). Run alone, a notebook without an up-to-date copy is
executed first (minutes for the series).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from browsers import chromium, new_page
from project_tools import tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDTH, HEIGHT = 1280, 720


build_slides = tool("build_slides")
tidy_notebooks = tool("tidy_notebooks")

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


# --- the tidy tool: every "#"/"##" heading starts a cell, and so a slide -----------------------


def test_tidy_cuts_cells_at_headings_and_check_names_them(tmp_path, capsys):
    setup = code("from lectures_lib.environment import check_environment\n\ncheck_environment()")
    body = "Text.\n\n## 2. Next\n\nMore:\n\n```python\n# a comment, no heading\n```\n\n### A step"
    cells = [md("# 00 Title\n\nIntro."), setup, md(body, metadata={"tags": ["keep"]})]
    for name in ("00_first.ipynb", "01_second.ipynb"):
        nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / name)

    assert tidy_notebooks.main(["--check", str(tmp_path)]) == 1
    assert (
        "00_first.ipynb, cell 2: the heading '## 2. Next' is in mid-cell" in capsys.readouterr().out
    )
    assert tidy_notebooks.main([str(tmp_path)]) == 0
    assert tidy_notebooks.main(["--check", str(tmp_path)]) == 0

    nb = nbformat.read(tmp_path / "00_first.ipynb", as_version=4)
    setup = [c for c in nb.cells if "check_environment()" in c.source]
    assert len(setup) == 1 and setup[0].metadata["slideshow"]["slide_type"] == "skip"
    assert "presenter-hide" in setup[0].metadata["tags"]
    kinds = [
        (c.source.split("\n")[0], c.metadata["slideshow"]["slide_type"])
        for c in nb.cells
        if c.cell_type == "markdown" and "navigation" not in c.metadata.get("tags", [])
    ]
    assert kinds == [
        ("# 00 Title", "slide"),
        ("Text.", "-"),
        ("## 2. Next", "slide"),
        ("### A step", "subslide"),
    ]
    pieces = [c for c in nb.cells if "keep" in c.metadata.get("tags", [])]
    assert [c.source.split("\n")[0] for c in pieces] == ["Text.", "## 2. Next", "### A step"]
    assert "# a comment, no heading" in pieces[1].source  # fenced code is not cut


# --- what a deck shows ---------------------------------------------------------------------


def _png() -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0K"}}


def test_a_deck_shows_prose_and_outputs_not_code():
    text = {"output_type": "stream", "name": "stdout", "text": "result 42\n"}
    widget = {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
            "text/plain": "VBox()",
        },
    }
    slide = {"slideshow": {"slide_type": "slide"}}
    nb = nbformat.v4.new_notebook(
        cells=[
            md("## Section", metadata=slide),
            code("hidden_source = 1\nprint('result 42')", outputs=[text]),
            md("Prose after an output starts a sub-slide."),
            code("for step in range(3):  # the lesson", metadata={"tags": ["slides-show-code"]}),
            code("left_out()", outputs=[text], metadata={"tags": ["slides-hide"]}),
            code("explorer()", outputs=[widget]),
            code("figure_one()", outputs=[_png()]),
            code("figure_two()", outputs=[_png()]),
        ]
    )
    deck = build_slides.for_slides(nb)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in deck.cells]
    assert [c.source.split("\n")[0] for c in deck.cells] == [
        "## Section", "hidden_source = 1", "Prose after an output starts a sub-slide.",
        "for step in range(3):  # the lesson", "figure_one()", "figure_two()",
    ]  # fmt: skip
    assert kinds == ["slide", "-", "subslide", "-", "subslide", "subslide"]  # a figure each
    html, _ = build_slides.exporter().from_notebook_node(deck)
    assert "hidden_source" not in html and "result 42" in html
    assert "# the lesson" in html  # the one cell whose code the slides show
    assert "left_out" not in html and "VBox()" not in html
    assert "In&nbsp;[" not in html
    assert 'src="lib/reveal.js/dist/reveal.js"' in html and "tex-chtml-full.js" in html
    assert "https://" not in "".join(_attributes(html, "src") + _attributes(html, "href"))


def test_a_slide_keeps_fifty_words_and_its_notes_keep_the_rest():
    sentence = "One two three four five six seven eight nine ten. "
    source = "## Heading\n\n" + sentence * 3 + "\n\n$$C = v^2$$\n\n" + sentence * 4
    shown, notes, used = build_slides.on_screen(source)
    assert used == 50 and build_slides.words(shown) == 50 + 2  # the heading, the formula
    assert "## Heading" in shown and "$$C = v^2$$" in shown  # heading and formula stay
    assert build_slides.words(notes) == 20 and notes.startswith("One two")  # in order
    nb = nbformat.v4.new_notebook(
        cells=[md(source, metadata={"slideshow": {"slide_type": "slide"}})]
    )
    html, _ = build_slides.exporter().from_notebook_node(build_slides.for_slides(nb))
    assert html.count('<aside class="notes">') == 1


def _attributes(html: str, name: str) -> list[str]:
    import re

    return re.findall(rf'{name}="([^"]*)"', html)


# --- every deck, in Chromium, with no network ---------------------------------------------

WALK = """async () => {
  // each slide as shown at 1280 × 720: its height, its first element, the words of prose on
  // screen (a typeset formula counts as one), its speaker notes, and each figure's scale
  // (shown width / its own width), smallest text in pixels on screen, and alt text
  function words(element) {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("mjx-container").forEach(m => m.replaceWith(" formula "));
    return copy.textContent.split(/\\s+/).filter(w => /[\\p{L}\\p{N}]/u.test(w)).length;
  }
  const slides = [];
  const columns = [...document.querySelectorAll(".reveal .slides > section")];
  for (const [h, column] of columns.entries()) {
    // a slide that still overflows when shown is split then: count the stack as it grows
    const stack = () => column.querySelectorAll(":scope > section");
    for (let v = 0; v < Math.max(1, stack().length); v++) {
      const slide = stack().length ? stack()[v] : column;
      Reveal.slide(h, v);
      await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const first = slide.querySelector(".jp-RenderedMarkdown > *");
      const prose = [...slide.querySelectorAll(
        ".jp-RenderedMarkdown p, .jp-RenderedMarkdown li, .jp-RenderedMarkdown blockquote"
      )].filter(e => !e.closest("aside.notes") && !e.parentElement.closest("li, blockquote"));
      const figures = [...slide.querySelectorAll(".jp-OutputArea-output img")].map(img => {
        const scale = img.getBoundingClientRect().width / img.naturalWidth;
        const px = parseFloat(img.dataset.smallestTextPx || "NaN");
        return {scale, text_px: px * scale, alt: img.getAttribute("alt") || ""};
      });
      slides.push({
        h, v, height: slide.scrollHeight, first: first ? first.tagName : "",
        words: prose.reduce((sum, e) => sum + words(e), 0),
        notes: [...slide.querySelectorAll("aside.notes")].map(a => a.textContent.trim()).join(""),
        figures,
      });
    }
  }
  return slides;
}"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """A folder with the libraries, where ``decks(path)`` builds the notebook's deck."""
    out = tmp_path_factory.mktemp("slides")
    build_slides.copy_libraries(out)
    return lambda path: build_slides.build_deck(path, out)


@pytest.fixture(scope="module")
def hanging():
    with chromium("hanging") as browser:
        yield browser


def open_deck(browser, deck: Path):
    page = new_page(browser, WIDTH, HEIGHT)
    page.goto(deck.as_uri())
    page.wait_for_selector("body[data-deck-ready]", state="attached", timeout=30_000)
    return page


@pytest.mark.after_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_fits_the_screen_with_the_network_hanging(path, decks, hanging):
    """Walk every slide: none taller than 1280 × 720, one horizontal slide per heading,
    formulas typeset, nothing asked of the outside (every such request would hang)."""
    page = open_deck(hanging, decks(path))
    slides = page.evaluate(WALK)
    too_tall = [s for s in slides if s["height"] > HEIGHT]
    assert not too_tall, f"slides taller than {HEIGHT} px: {json.dumps(too_tall)}"
    # a slide teaches: at most about WORDS words of prose on screen, the rest in its notes;
    # every figure described, at 90% of its size or more, its smallest text 16 px or more
    wordy = [(s["h"], s["v"], s["words"]) for s in slides if s["words"] > build_slides.WORDS + 5]
    assert not wordy, f"slides with more than {build_slides.WORDS} words on screen: {wordy}"
    figures = [(s["h"], s["v"], f) for s in slides for f in s["figures"]]
    small = [(h, v, f["scale"]) for h, v, f in figures if f["scale"] < 0.9]
    assert not small, f"figures shown at less than 90% of their size: {small}"
    tiny = [(h, v, f["text_px"]) for h, v, f in figures if not f["text_px"] >= 16]
    assert not tiny, f"figures whose smallest text is under 16 px (or unknown): {tiny}"
    assert all(len(f["alt"]) > 40 for _, _, f in figures), "a figure without its description"
    headings = [
        c
        for c in nbformat.read(path, as_version=4).cells
        if c.metadata.get("slideshow", {}).get("slide_type") == "slide"
        and "slides-hide" not in c.metadata.get("tags", [])
    ]
    columns = [s for s in slides if s["v"] == 0]
    assert len(columns) == len(headings) and all(s["first"] in ("H1", "H2") for s in columns)
    raw = page.evaluate(
        "() => [...document.querySelectorAll('.jp-RenderedMarkdown')]"
        ".filter(e => !e.closest('aside.notes')).map(e => e.textContent)"
        ".filter(t => t.includes('$'))"
    )
    assert raw == [], "formulas left untypeset"
    executed = nbformat.read(build_slides.EXECUTED / path.name, as_version=4)
    notes = [
        c for c in build_slides.for_slides(executed).cells
        if c.metadata.get("slideshow", {}).get("slide_type") == "notes"
    ]  # fmt: skip
    prose = sum(build_slides.words(c.source) for c in notes)
    assert prose == 0 or any(s["notes"] for s in slides), "prose moved off screen, but no notes"
    assert page.outside_requests == [] and page.js_errors == []
    page.context.close()


@pytest.mark.after_notebooks
def test_a_deck_navigates_and_typesets_with_outside_hosts_unresolvable(decks):
    with chromium("unresolvable") as browser:
        page = open_deck(browser, decks(ROOT / "notebooks" / "01_gradient_descent_2d.ipynb"))
        assert page.evaluate("() => Reveal.getIndices()")["h"] == 0
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert page.evaluate("() => Reveal.getIndices()")["h"] == 2
        page.keyboard.press("ArrowDown")
        assert page.evaluate("() => Reveal.getIndices()")["v"] == 1
        assert page.locator(".reveal section.present mjx-container").count() > 0
        assert page.outside_requests == [] and page.js_errors == []
