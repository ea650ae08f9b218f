"""The sliders and the drawing pad in a real browser: JupyterLab, driven by Playwright in
headless Chromium (tests/browsers.py; the presenter view's tests are in test_presenter.py).

nbval proves that cells run; this proves that a student who drags the η slider sees the
figure change, and that a digit drawn with the mouse is read.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from browsers import (
    chromium,
    eta_explorer,
    figure_src,
    move_eta_and_check,
    new_page,
    slider_section,
)
from browsers import wait_for_new_image as _wait_for_new_image
from servers import free_port, running

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the tests skip (or fail in CI) in browsers.chromium
    PlaywrightTimeout = TimeoutError

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def browser():
    with chromium("unresolvable") as browser:
        yield browser


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def _copy_of_notebooks(tmp: Path) -> Path:
    served = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", served)
    return served


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of notebooks/ (and the slider
    section of 06 as its own notebook); stopped by its process id."""
    tmp = tmp_path_factory.mktemp("lab")
    served = _copy_of_notebooks(tmp)  # JupyterLab autosaves: never into the repository
    nbformat.write(
        slider_section(served / "06_learning_rate.ipynb"),
        served / "06_slider_section.ipynb",
    )
    # render every cell (no virtual scrolling, so the slider stays where it was found)
    # and ask no questions about news
    settings = tmp / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false"}'
    )
    port = free_port()
    command = [
        _bin("jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={served}",
        "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with running(command, f"{base}/api/status?token={TOKEN}", tmp):
        yield base


def run_all_cells(page, base: str, notebook: str, timeout: float, ready=".widget-slider") -> None:
    """Open the notebook in JupyterLab, run all its cells, wait for ``ready`` and the end."""
    page.goto(f"{base}/lab/tree/{notebook}?token={TOKEN}&reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    started = (
        "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
        ".some(p => /\\[[*0-9]/.test(p.textContent))"
    )
    for attempt in range(3):  # a click can land while JupyterLab is still settling
        page.locator(".jp-CodeCell .jp-InputPrompt").first.click()  # focus the notebook
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(
            "li.lm-Menu-item[data-command='runmenu:run-all']:not(.lm-mod-disabled)"
        ).click()
        try:
            page.wait_for_function(started, timeout=20_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    page.wait_for_selector(ready, timeout=timeout)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputPrompt')]"
        ".some(p => p.textContent.includes('*'))",
        timeout=timeout,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request, tmp_path):
    """Keep a screenshot of the page when a browser test fails, and say where it is."""
    yield
    report = getattr(request.node, "rep_call", None)
    page = request.node.funcargs.get("page")
    if report is not None and report.failed and page is not None:
        path = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(path), full_page=False)
            print(f"screenshot of the failing page: {path}")
        except Exception as error:  # the page fixture may have closed it first
            print(f"no screenshot of the failing page: {error}")


def test_slider_section_is_the_notebooks_own():
    """06's slider section holds the notebook's own setup, imports and slider cells."""
    path = ROOT / "notebooks" / "06_learning_rate.ipynb"
    whole = nbformat.read(path, as_version=4)
    section = slider_section(path)
    sources = [c.source for c in whole.cells]
    assert all(cell.source in sources for cell in section.cells)
    code = [c.source for c in section.cells if c.cell_type == "code"]
    assert "check_environment()" in code[0] and "load_mnist" in code[1]
    assert "explorer(" in code[-1]
    assert len(code) < sum(c.cell_type == "code" for c in whole.cells)


@pytest.mark.parametrize(
    "notebook, timeout",
    [
        ("01_gradient_descent_2d.ipynb", 240_000),  # the whole notebook, as a student runs it
        ("06_slider_section.ipynb", 240_000),  # 06's slider, without the training before it
    ],
)
def test_eta_slider_redraws_in_jupyterlab(page, lab, notebook, timeout):
    run_all_cells(page, lab, notebook, timeout)
    move_eta_and_check(page, eta_explorer(page))
    assert page.js_errors == []
    assert page.outside_requests == [], "JupyterLab asked the internet for these"


def test_drawing_a_digit_on_the_canvas(page, lab):
    """Notebook 09: draw a "1" with the mouse on the real canvas; the network reads it."""
    run_all_cells(page, lab, "11_draw_your_own_digit.ipynb", 180_000, ready=".widget-hbox canvas")
    pad = page.locator(".widget-hbox").filter(has=page.locator("canvas")).first
    pad.scroll_into_view_if_needed()
    label = pad.locator(".widget-html")
    assert "Draw a digit" in label.inner_text()
    before = figure_src(page, pad)
    box = pad.locator("canvas").first.bounding_box()
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + 0.15 * box["height"])
    page.mouse.down()
    page.mouse.move(x, box["y"] + 0.85 * box["height"], steps=20)
    page.mouse.up()
    page.wait_for_function(
        "el => el.textContent.includes('reads: 1')", arg=label.element_handle(), timeout=30_000
    )
    _wait_for_new_image(page, pad, before)
    alt = pad.locator(".widget-output img").first.get_attribute("alt")
    assert "28 × 28 image the network sees" in alt and "for digit 1" in alt

    # a stroke that leaves the pad lifts the pen: coming back in with the button up draws
    # nothing (the dash drawn after it, far away, redraws once the kernel has handled every
    # move before it)
    canvas = pad.locator("canvas").first
    shown = figure_src(page, pad)
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.8 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] + 40, box["y"] + 0.8 * box["height"], steps=10)
    page.mouse.up()  # outside the pad, which never hears it
    _wait_for_new_image(page, pad, shown)  # leaving the pad ended the stroke
    shown = figure_src(page, pad)
    page.mouse.move(box["x"] + 0.9 * box["width"], box["y"] + 0.3 * box["height"], steps=5)
    page.mouse.move(box["x"] + 0.1 * box["width"], box["y"] + 0.3 * box["height"], steps=20)
    page.mouse.move(box["x"] + 0.85 * box["width"], box["y"] + 0.95 * box["height"])
    page.mouse.down()  # a short dash far from the return path: its redraw is the sync point
    page.mouse.move(box["x"] + 0.95 * box["width"], box["y"] + 0.95 * box["height"], steps=5)
    page.mouse.up()
    _wait_for_new_image(page, pad, shown)
    ink = canvas.evaluate(
        """(c, [x, y]) => {
            const r = c.getBoundingClientRect();
            const px = Math.round((x - r.left) * c.width / r.width);
            const py = Math.round((y - r.top) * c.height / r.height);
            return c.getContext("2d").getImageData(px, py, 1, 1).data[3];
        }""",
        [box["x"] + 0.25 * box["width"], box["y"] + 0.3 * box["height"]],
    )
    assert ink == 0, "the pen drew after the pointer left the pad with the button down"
    pad.get_by_role("button", name="clear").click()
    page.wait_for_function(
        "el => el.textContent.includes('Draw a digit')", arg=label.element_handle(), timeout=30_000
    )
    assert page.js_errors == []
    assert page.outside_requests == [], "JupyterLab asked the internet for these"
