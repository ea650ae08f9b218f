"""Headless Chromium for the browser tests (JupyterLab, the presenter view, the slide decks).

They use Debian's chromium (/usr/bin/chromium, or $LECTURES_CHROMIUM) through Playwright and
never download a browser; without one they skip on a laptop and fail in CI (CI=true).

Two networks, both with no internet, as in a lecture hall:
- "unresolvable": every host name but 127.0.0.1 fails to resolve, so an outside request
  fails at once;
- "hanging": every outside request goes to a proxy that accepts and never answers
  (servers.tarpit), as on a network that drops packets; a page that waits for anything
  from outside then never finishes.
Every page records what it asked of hosts other than the test's servers (and its local
files) in ``page.outside_requests``, and its JavaScript errors in ``page.js_errors``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import nbformat
import pytest

CHROMIUM = os.environ.get("LECTURES_CHROMIUM", "/usr/bin/chromium")
# Chromium's own background traffic off
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-quic", "--disable-component-update", "--disable-sync",
]  # fmt: skip
UNRESOLVABLE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "file:", "about:")


def missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "pip install playwright (never `playwright install`: it uses Debian's chromium)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return "sudo apt-get install chromium (or set LECTURES_CHROMIUM to a Chromium binary)"
    return None


@contextlib.contextmanager
def chromium(network: str = "unresolvable"):
    """A headless Chromium on the given network ("unresolvable" or "hanging"); skips the
    test (fails it in CI) when there is none."""
    reason = missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests need a browser in CI: {reason}")
        pytest.skip(f"no headless browser here: {reason}")
    from servers import tarpit

    with contextlib.ExitStack() as stack:
        options = {"executable_path": CHROMIUM, "headless": True, "args": list(FLAGS)}
        if network == "hanging":
            port = stack.enter_context(tarpit())
            # Chromium sends no loopback request through a proxy: only outside requests hang
            # (Playwright's own proxy option would add "<-loopback>" and send them too)
            options["args"].append(f"--proxy-server=http://127.0.0.1:{port}")
        else:
            options["args"].append(UNRESOLVABLE)
        playwright = stack.enter_context(_driver())
        browser = playwright.chromium.launch(**options)
        stack.callback(browser.close)
        yield browser


_playwright, _users = None, 0  # one Playwright driver for all the browsers open at a time


@contextlib.contextmanager
def _driver():
    global _playwright, _users
    if _playwright is None:
        from playwright.sync_api import sync_playwright

        _playwright = sync_playwright().start()
    _users += 1
    try:
        yield _playwright
    finally:
        _users -= 1
        if _users == 0:
            _playwright.stop()
            _playwright = None


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page in a fresh context that records JavaScript errors (``page.js_errors``) and
    requests to the outside (``page.outside_requests``)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.js_errors = []
    page.outside_requests = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda msg: _record_console_error(page, msg))
    page.on("request", lambda request: _record_outside_request(page, request.url))
    return page


def _record_console_error(page, msg) -> None:
    if msg.type == "error":
        page.js_errors.append(f"{msg.text} ({msg.location.get('url', '')})")


def _record_outside_request(page, url: str) -> None:
    if not url.startswith(LOCAL):
        page.outside_requests.append(url)


# --- ipywidgets sliders and the figures they redraw ------------------------------------------


def slider(page, scope, label: str):
    """The ipywidgets slider in ``scope`` whose description is ``label``."""
    label_locator = page.locator(".widget-label", has_text=label)
    return scope.locator(".widget-slider").filter(has=label_locator).first


def figure_src(page, scope) -> str:
    return scope.locator(
        ".jupyter-widgets-output-area img, .widget-output img"
    ).first.get_attribute("src")


def drag(page, handle, dx: float) -> None:
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=10)
    page.mouse.up()


def move_eta_and_check(page, container) -> None:
    """Drag the η slider, then type a value into its readout; the figure must redraw each time."""
    eta = slider(page, container, "η")
    eta.scroll_into_view_if_needed()
    readout = eta.locator(".widget-readout")
    before_value, before_image = readout.inner_text(), figure_src(page, container)
    assert before_image and before_image.startswith("data:image/png")

    drag(page, eta.locator(".noUi-handle"), -60)
    page.wait_for_function(
        "([el, old]) => el.textContent.trim() !== old", arg=[readout.element_handle(), before_value]
    )
    dragged_value = readout.inner_text()
    wait_for_new_image(page, container, before_image)
    dragged_image = figure_src(page, container)

    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.3")
    page.keyboard.press("Enter")
    wait_for_new_image(page, container, dragged_image)
    assert float(dragged_value) < float(before_value)
    assert float(readout.inner_text()) == 0.3


def wait_for_new_image(page, container, old: str, timeout: float = 60_000) -> None:
    """Wait until the container shows an image other than ``old`` (redrawn, not just kept)."""
    page.wait_for_function(
        """([box, old]) => {
            const img = box.querySelector(".jupyter-widgets-output-area img, .widget-output img");
            return img !== null && img.getAttribute("src") !== old;
        }""",
        arg=[container.element_handle(), old],
        timeout=timeout,
    )


def eta_explorer(page):
    """The box that holds the η slider and the figure it redraws."""
    return page.locator(".widget-vbox").filter(has=slider(page, page, "η")).last


def slider_section(path: Path):
    """The cells of the notebook that a student needs for its η slider: the setup and
    import cells (the first two code cells) and the slider's own section (the code cells
    from the last markdown cell before the slider to the slider). A page that shows the
    notebook's own slider, without the minutes of training that come before it in 06."""
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    slider = max(
        i for i, c in enumerate(cells) if c.cell_type == "code" and "explorer(" in c.source
    )
    start = max(i for i in range(slider) if cells[i].cell_type == "markdown") + 1
    first_code = [i for i, c in enumerate(cells) if c.cell_type == "code"][:2]
    nb.cells = [cells[i] for i in first_code if i < start] + cells[start : slider + 1]
    return nb
