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


# --- the presenter view: 01, 05 and 06, once every cell's output is in ---------------------

PRESENTED = {  # page -> what must be on it when its outputs are in
    "01_gradient_descent_2d.ipynb": ".widget-slider",
    "05_mnist_network_sgd.ipynb": ".jp-OutputArea-output img",
    "06_slider_section.ipynb": ".widget-slider",  # 06's slider, without its minutes of training
}


@pytest.fixture(scope="module")
def presenter(tmp_path_factory):
    """`make present` (as tests/test_presenter.py starts it), serving also 06's slider
    section as a notebook of its own."""
    from browsers import slider_section
    from test_presenter import Presenter, start_presenter

    tmp = tmp_path_factory.mktemp("presenter")
    server, base, served = start_presenter(tmp)
    import nbformat

    nbformat.write(
        slider_section(served / "06_learning_rate.ipynb"), served / "06_slider_section.ipynb"
    )
    with server:
        yield Presenter(base, tmp / "server.log", served)


def open_presented(browser, presenter, name: str, timeout_s: float = 240):
    """The presenter's page of the notebook, once Voilà has sent the last cell's output and
    the page has typeset its formulas (body[data-typeset])."""
    import time

    page = new_page(browser, WIDTH, HEIGHT)
    page.goto(presenter.ready_url)
    done = []

    def watch(socket):
        def frame(payload):
            if isinstance(payload, str) and '"execution_result"' in payload:
                result = json.loads(payload)["payload"]
                if result["cell_index"] == result["total_cell"] - 1:
                    done.append(True)

        socket.on("framereceived", frame)

    page.on("websocket", watch)
    page.goto(f"{presenter.base}/voila/render/{name}")
    deadline = time.monotonic() + timeout_s
    while not done:  # a condition polled, not a sleep standing for one
        assert time.monotonic() < deadline, f"{name}: the last cell's output never came"
        page.wait_for_timeout(250)
    page.wait_for_selector(PRESENTED[name], timeout=60_000)
    page.wait_for_selector("body[data-typeset]", state="attached", timeout=60_000)
    return page


RAW_TEX = """() => [...document.querySelectorAll('.jp-RenderedMarkdown > *')]
  .filter(e => e.checkVisibility({visibilityProperty: true}))
  .filter(e => {
    const copy = e.cloneNode(true);
    copy.querySelectorAll('mjx-container').forEach(m => m.remove());
    return /\\$[^$]+\\$/.test(copy.textContent);
  })
  .map(e => e.textContent.slice(0, 80))"""


def check_eta_slider(page, step_down: str | None = None) -> None:
    """The η slider's handle is named "learning rate η" and announces the value its readout
    shows; after one step down with the keyboard, ``step_down``, still as shown."""
    handle = page.get_by_role("slider", name="learning rate η")
    assert handle.count() == 1, "no slider named 'learning rate η'"
    slider = page.locator(".widget-slider").filter(has=handle)
    shown = slider.locator(".widget-readout").inner_text().strip()
    assert handle.get_attribute("aria-valuetext") == shown
    if step_down is None:
        return
    handle.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "([el, old]) => el.getAttribute('aria-valuetext') !== old",
        arg=[handle.element_handle(), shown],
    )
    now = handle.get_attribute("aria-valuetext")
    assert now == slider.locator(".widget-readout").inner_text().strip() == step_down


@pytest.mark.after_notebooks
@pytest.mark.parametrize("name", list(PRESENTED))
def test_a_presenter_page_has_no_serious_accessibility_violation(name, presenter, browser):
    """Once every output is in: no raw TeX on screen, every image with alt text, axe finds
    nothing serious or critical, and the η slider (01, 06) is named and says its value."""
    page = open_presented(browser, presenter, name)
    assert page.evaluate(RAW_TEX) == [], "raw TeX on screen once the page says it is typeset"
    assert page.locator(".lecture-has-tex:not(.lecture-typeset)").count() == 0  # none hidden
    if name.startswith("01"):
        assert page.locator(".lecture-typeset mjx-container").count() > 10  # typeset, shown
    images = page.locator("img")
    missing = [i for i in range(images.count()) if not images.nth(i).get_attribute("alt")]
    assert missing == [], f"{len(missing)} images without alt text"
    violations = axe_violations(page)
    failing = [v for v in violations if v["impact"] in FAILING]
    print(name, "moderate and minor:", json.dumps([v for v in violations if v not in failing]))
    assert failing == [], json.dumps(failing, indent=1, ensure_ascii=False)
    if name.startswith("01"):
        # 0.05 sits at 10^-1.30 on the slider's grid of exponents (step 0.05): one step down
        # is 10^-1.35, announced as the readout shows it, not as the exponent -1.35
        check_eta_slider(page, step_down=f"{10**-1.35:.3g}")
    elif PRESENTED[name] == ".widget-slider":
        check_eta_slider(page)
    page.context.close()
