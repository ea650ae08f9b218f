"""The sliders in a real browser: JupyterLab and Voila, driven by Playwright in headless Chromium.

nbval proves that cells run; this proves that a student who drags the η slider sees the
figure change. It needs Debian's chromium (/usr/bin/chromium) and the playwright package;
without them it skips on a laptop and fails in CI (CI=true).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from servers import free_port, make_command, running

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the tests skip (or fail in CI) below
    PlaywrightTimeout = TimeoutError

CHROMIUM = os.environ.get("LECTURES_CHROMIUM", "/usr/bin/chromium")
TOKEN = "browser-test-token"
# Chromium's background traffic off, and every host name but the servers' own unresolvable:
# a request to the outside fails at once instead of hanging on a network that drops packets
# (where it would stall the page: a style sheet in <head> holds up the scripts after it).
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-quic", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "pip install playwright (never `playwright install`: it uses Debian's chromium)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return "sudo apt-get install chromium (or set LECTURES_CHROMIUM to a Chromium binary)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests need a browser in CI: {missing}")
        pytest.skip(f"no headless browser here: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records JavaScript errors in ``page.js_errors`` and what it asked of
    hosts other than the test's servers in ``page.outside_requests``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.js_errors = []
    page.outside_requests = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda msg: _record_console_error(page, msg))
    page.on("request", lambda request: _record_outside_request(page, request.url))
    yield page
    context.close()


def _copy_of_notebooks(tmp: Path) -> Path:
    served = tmp / "notebooks"
    shutil.copytree(Path(__file__).resolve().parents[1] / "notebooks", served)
    return served


def _record_console_error(page, msg) -> None:
    if msg.type == "error":
        page.js_errors.append(f"{msg.text} ({msg.location.get('url', '')})")


def _record_outside_request(page, url: str) -> None:
    if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
        page.outside_requests.append(url)


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving notebooks/; stopped by its process id."""
    tmp = tmp_path_factory.mktemp("lab")
    served = _copy_of_notebooks(tmp)  # JupyterLab autosaves: never into the repository
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
    _wait_for_new_image(page, container, before_image)
    dragged_image = figure_src(page, container)

    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.3")
    page.keyboard.press("Enter")
    _wait_for_new_image(page, container, dragged_image)
    assert float(dragged_value) < float(before_value)
    assert float(readout.inner_text()) == 0.3


def _wait_for_new_image(page, container, old: str, timeout: float = 60_000) -> None:
    """Wait until the container shows an image other than ``old`` (redrawn, not just kept)."""
    page.wait_for_function(
        """([box, old]) => {
            const img = box.querySelector(".jupyter-widgets-output-area img, .widget-output img");
            return img !== null && img.getAttribute("src") !== old;
        }""",
        arg=[container.element_handle(), old],
        timeout=timeout,
    )


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
        page.screenshot(path=str(path), full_page=False)
        print(f"screenshot of the failing page: {path}")


@pytest.mark.parametrize(
    "notebook, timeout",
    [("01_gradient_descent_2d.ipynb", 120_000), ("06_learning_rate_and_debugging.ipynb", 240_000)],
)
def test_eta_slider_redraws_in_jupyterlab(page, lab, notebook, timeout):
    run_all_cells(page, lab, notebook, timeout)
    explorer = page.locator(".widget-vbox").filter(has=slider(page, page, "η")).last
    move_eta_and_check(page, explorer)
    assert page.js_errors == []
    assert page.outside_requests == [], "JupyterLab asked the internet for these"


def presenter_command(port: int, notebooks: Path) -> tuple[list[str], dict]:
    """The command and environment of `make present`, serving a copy of the notebooks."""
    words, env = make_command("present", VOILA_PORT=port)
    assert words[0].endswith("voila") and words[-1] == "notebooks", words
    words[-1] = str(notebooks)
    return words + ["--no-browser", f"--token={TOKEN}"], env


def test_eta_slider_redraws_in_voila(page, tmp_path):
    """The presenter view, started as `make present` starts it: code hidden, sliders and
    figures only, and nothing asked of the internet."""
    port = free_port()
    command, env = presenter_command(port, _copy_of_notebooks(tmp_path))
    base = f"http://127.0.0.1:{port}"
    with running(command, f"{base}/?token={TOKEN}", tmp_path, env=env):
        page.goto(
            f"{base}/voila/render/01_gradient_descent_2d.ipynb?token={TOKEN}",
            timeout=120_000,  # Voila runs the whole notebook before the page is complete
        )
        page.wait_for_selector(".widget-slider", timeout=120_000)
        page.wait_for_selector("mjx-container", timeout=30_000)  # formulas typeset, offline
        assert page.outside_requests == [], "the presenter page asks the internet for these"
        assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, "code is shown"
        assert "def gradient_descent" not in page.content()
        explorer = page.locator(".widget-vbox").filter(has=slider(page, page, "η")).last
        move_eta_and_check(page, explorer)
        assert page.js_errors == []


def test_drawing_a_digit_on_the_canvas(page, lab):
    """Notebook 09: draw a "1" with the mouse on the real canvas; the network reads it."""
    run_all_cells(page, lab, "09_draw_your_own_digit.ipynb", 180_000, ready=".widget-hbox canvas")
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
    pad.get_by_role("button", name="clear").click()
    page.wait_for_function(
        "el => el.textContent.includes('Draw a digit')", arg=label.element_handle(), timeout=30_000
    )
    assert page.js_errors == []
    assert page.outside_requests == [], "JupyterLab asked the internet for these"
