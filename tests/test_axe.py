"""axe-core (pinned in presenter/package-lock.json) on every slide deck, in Chromium: no
serious or critical accessibility violation (missing alt text, unnamed controls, contrast).

The decks are built from the notebooks' executed copies, as in tests/test_decks.py, and run
after the notebooks (marker ``after_notebooks``). Every slide is checked at once: the walk
makes all of a deck's slides visible to axe after the deck reports itself ready (formulas
typeset, slides split to fit).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browsers import chromium, new_page
from test_decks import HEIGHT, NOTEBOOKS, WIDTH, build_slides

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "presenter" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")

SHOW_EVERY_SLIDE = """() => {
  for (const section of document.querySelectorAll(".reveal .slides section")) {
    section.style.display = "block";
    section.removeAttribute("hidden");
    section.removeAttribute("aria-hidden");
  }
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; its violations as {id, impact, help, nodes: [html, ...]}."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed in {AXE.parent}: run `npm ci --prefix presenter`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:160] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slides")
    build_slides.copy_libraries(folder)
    return folder


@pytest.fixture(scope="module")
def browser():
    with chromium("unresolvable") as browser:
        yield browser


@pytest.mark.after_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_deck_has_no_serious_accessibility_violation(path, out, browser):
    deck = build_slides.build_deck(path, out)
    page = new_page(browser, WIDTH, HEIGHT)
    page.goto(deck.as_uri())
    page.wait_for_selector("body[data-deck-ready]", state="attached", timeout=30_000)
    page.evaluate(SHOW_EVERY_SLIDE)
    violations = axe_violations(page)
    page.context.close()
    failing = [v for v in violations if v["impact"] in FAILING]
    assert failing == [], json.dumps(failing, indent=1, ensure_ascii=False)
