"""The presenter view, started exactly as `make present` starts it (the command read from
`make -n present`): a lecture hall's projector, its unreliable network, other users.

- every page (the start page, the login page, each notebook) paints within 10 s with the
  network hanging, and asks nothing of the outside;
- cells tagged "presenter-hide" run but show nothing; formulas are typeset; code is hidden;
  the η slider redraws its figure;
- a token printed in a ready URL; foreign Host and Origin refused; a page of another site
  cannot start a kernel; a closed page's kernel is shut down; kernels left behind are
  culled; at most PRESENTER_KERNELS run at once.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import requests
from browsers import chromium, eta_explorer, move_eta_and_check, new_page, slider_section
from servers import free_port, jupyter_env, make_command, running

from lectures_lib.data import advice

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIRST_PAINT_SECONDS = 10  # issue 12: the presenter's first paint, for every notebook


class Presenter:
    """A running `make present`: its base URL, the token it printed, its log."""

    def __init__(self, base: str, log: Path, served: Path):
        self.base, self.log, self.served = base, log, served
        deadline = time.monotonic() + 20
        while not (found := re.search(rf"{re.escape(base)}/\?token=(\w+)", log.read_text())):
            assert time.monotonic() < deadline, f"no ready URL printed:\n{log.read_text()}"
            time.sleep(0.2)
        self.ready_url, self.token = found.group(0), found.group(1)

    def get(self, path: str, token: bool = True, **headers) -> requests.Response:
        if token:
            headers["Authorization"] = f"token {self.token}"
        return requests.get(
            f"{self.base}{path}", headers=headers, timeout=30, allow_redirects=False
        )

    def post(self, path: str) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return requests.post(f"{self.base}{path}", headers=headers, timeout=30)

    def kernel_alive(self, kernel_id: str) -> bool:
        return self.get(f"/api/kernels/{kernel_id}").status_code == 200

    def kernels(self) -> set[str]:
        """The ids of the kernels running, asked of the server with its token."""
        listing = self.get("/api/kernels")
        assert listing.status_code == 200, listing.text
        return {kernel["id"] for kernel in listing.json()}


def presenter_check_notebook():
    """A small notebook for what the series' notebooks do not all show: a hidden cell that
    runs, hidden prose, a formula."""
    cell, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    hide = {"tags": ["presenter-hide"]}
    return nbformat.v4.new_notebook(
        cells=[
            md("# Presenter check\n\nA formula: $e^{i\\pi} + 1 = 0$."),
            cell('secret = 6 * 7\nprint("HIDDEN-LOG: epoch 1 ...")', metadata=hide),
            md("HIDDEN-PROSE about the static twin", metadata=hide),
            cell('print(f"the hidden cell ran: {secret}")'),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )


def start_presenter(tmp: Path, **make_variables):
    """`make present` on a copy of the notebooks (tidied, as the lead tidies them) and the
    check notebook, with only make's own variables set (the port, ...)."""
    served = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", served)
    subprocess.run([sys.executable, "tools/tidy_notebooks.py", str(served)], cwd=ROOT, check=True)
    nbformat.write(presenter_check_notebook(), served / "presenter_check.ipynb")
    nbformat.write(
        slider_section(served / "01_gradient_descent_2d.ipynb"), served / "01_slider_section.ipynb"
    )
    port = free_port()
    command, env = make_command("present", VOILA_PORT=port, **make_variables)
    assert command[-1] == "notebooks" and not any(w.startswith("--no-") for w in command)
    command[-1] = str(served)
    base = f"http://127.0.0.1:{port}"
    # BROWSER=true: the browser that the shipped command opens is `true`, which does nothing
    server = running(command, f"{base}/login", tmp, env={**env, "BROWSER": "true"})
    return server, base, served


@pytest.fixture(scope="module")
def presenter(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("presenter")
    server, base, served = start_presenter(tmp)
    with server:
        yield Presenter(base, tmp / "server.log", served)


@pytest.fixture(scope="module")
def hanging():
    """Chromium on a network where every outside request hangs."""
    with chromium("hanging") as browser:
        yield browser


@pytest.fixture
def page(hanging, presenter):
    """A page of the hanging-network browser, logged in with the printed ready URL."""
    page = new_page(hanging, width=1280, height=720)
    page.goto(presenter.ready_url, timeout=FIRST_PAINT_SECONDS * 1000)
    page.js_errors.clear()  # Voila's start page loads the widget plugins with no kernel
    yield page
    if not page.is_closed():
        page.close(run_before_unload=True)
    page.context.close()


def kernel_of(page) -> str:
    return json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]


def kernel_in(response) -> str:
    """The kernel id of a page that Voila served."""
    return re.search(r'"kernelId": "([0-9a-f-]+)"', response.text).group(1)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def test_kernels_are_bounded(presenter):
    """At most PRESENTER_KERNELS pages run at once (this test runs first, on a server with
    none running), and the next one is told what to do."""
    notebook = "/voila/render/presenter_check.ipynb"
    limit = int(re.search(r"--max-kernels=(\d+)", " ".join(make_command("present")[0])).group(1))
    with ThreadPoolExecutor(limit) as pool:  # the pages of a presenter's open tabs
        pages = list(pool.map(lambda _: presenter.get(notebook), range(limit)))
    try:
        assert [r.status_code for r in pages] == [200] * limit
        refused = presenter.get(notebook)
        assert refused.status_code == 503
        assert f"{limit} pages are running already: close one" in refused.text
    finally:
        for r in pages:
            if r.status_code == 200:
                presenter.post(f"/voila/api/shutdown/{kernel_in(r)}")
    again = presenter.get(notebook)  # room again
    assert again.status_code == 200
    presenter.post(f"/voila/api/shutdown/{kernel_in(again)}")


def test_start_page_lists_the_notebooks_and_asks_nothing_outside(page, presenter):
    page.get_by_text("01_gradient_descent_2d.ipynb").wait_for(timeout=FIRST_PAINT_SECONDS * 1000)
    for path in NOTEBOOKS:
        assert page.get_by_text(path.name).is_visible()
    login = new_page(page.context.browser)
    login.goto(f"{presenter.base}/", timeout=FIRST_PAINT_SECONDS * 1000)  # no token: log in
    assert "/login" in login.url and login.locator("#password_input").is_visible()
    assert page.outside_requests == [] and login.outside_requests == []
    login.context.close()


def test_every_notebook_paints_within_10_s_on_a_hanging_network(page, presenter):
    """First paint: the notebook's title and prose on screen (Voila renders progressively:
    the cells' outputs follow as the kernel computes them). Leaving a page (here: for the
    next notebook) shuts its kernel down."""
    times, kernels = {}, []
    for path in NOTEBOOKS:
        start = time.monotonic()
        page.goto(f"{presenter.base}/voila/render/{path.name}", wait_until="commit")
        page.locator("#rendered_cells h1").first.wait_for(timeout=60_000)
        times[path.stem] = round(time.monotonic() - start, 1)
        kernels.append(kernel_of(page))
        assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0, "code is shown"
    page.goto("about:blank")
    print("first paint (s):", times)
    assert page.outside_requests == [], "the presenter's pages ask the internet for these"
    slow = {name: t for name, t in times.items() if t > FIRST_PAINT_SECONDS}
    assert not slow, f"first paint over {FIRST_PAINT_SECONDS} s: {slow}"
    alive = lambda: [k for k in kernels if presenter.kernel_alive(k)]  # noqa: E731
    assert wait_until(lambda: not alive(), 15), f"kernels of pages left: {alive()}"


def test_hidden_cells_run_and_show_nothing(page, presenter):
    page.goto(f"{presenter.base}/voila/render/presenter_check.ipynb")
    page.get_by_text("the hidden cell ran: 42").wait_for(timeout=60_000)
    page.locator("mjx-container").first.wait_for(timeout=30_000)  # typeset, offline
    assert page.get_by_text("HIDDEN-LOG").count() == 1  # in the page, never shown
    assert not page.get_by_text("HIDDEN-LOG").is_visible()
    assert not page.get_by_text("HIDDEN-PROSE").is_visible()
    assert "print(" not in page.locator("body").inner_text()
    assert page.outside_requests == [] and page.js_errors == []


def test_eta_slider_redraws_in_the_presenter(page, presenter):
    """01's η slider (its section, after the setup and import cells) as the class sees it:
    the setup cell's output hidden, code hidden, formulas typeset, the figure redrawn."""
    page.goto(f"{presenter.base}/voila/render/01_slider_section.ipynb")
    page.wait_for_selector(".widget-slider", timeout=120_000)
    setup = page.locator(".lecture-presenter-hide .jp-OutputArea-output").first
    setup.wait_for(state="attached", timeout=30_000)  # the setup cell ran, tagged by the tidy tool
    text = page.locator("body").inner_text()
    assert setup.text_content().strip() and setup.text_content().strip() not in text
    assert "descent_explorer" not in text, "code is shown"
    move_eta_and_check(page, eta_explorer(page))
    # Seen once in five CI runs (cause not found): Voila's widget-manager plugin logs that it
    # "failed to activate" ("Missing property 'name'") while the widgets work, as the slider
    # check above shows. That message alone is let through; any other error fails.
    errors = [e for e in page.js_errors if "failed to activate. Error: Missing property" not in e]
    assert page.outside_requests == [] and errors == []


def test_token_host_and_origin(presenter):
    """Only the presenter gets in: a token, this machine's loopback as the host, and
    requests from this server's own pages (or typed)."""
    notebook = "/voila/render/presenter_check.ipynb"
    assert presenter.get(notebook, token=False).status_code == 302  # to /login
    assert presenter.get(notebook, token=False).headers["Location"].startswith("/login")
    port = presenter.base.rsplit(":", 1)[1]
    for headers in (
        {"Host": f"attacker.example:{port}"},  # DNS rebinding
        {"Origin": "http://attacker.example"},
        {"Sec-Fetch-Site": "cross-site"},  # a link or a script on another site's page
    ):
        refused = presenter.get(notebook, **headers)
        assert refused.status_code == 403, headers
    assert presenter.get("/voila/tree", Host=f"localhost:{port}").status_code == 200
    assert presenter.get("/voila/tree").status_code == 200
    # the kernel listing: only with the token, and only a listing (no kernel starts by it)
    assert presenter.get("/api/kernels", token=False).status_code == 403
    assert presenter.post("/api/kernels").status_code == 405


# the ways a page of another site can send the presenter's browser to a notebook, each with a
# made-up token (the bypass of issue 20.1: any `token` in the query was let through)
ATTACKS = {
    "navigate": '<script>location.href = "{target}?token=x"</script>',
    "iframe": '<iframe src="{target}?token=x" width="600" height="400"></iframe>',
    "form-get": '<form action="{target}"><input name="token" value="x"></form>'
    "<script>document.forms[0].submit()</script>",
    "form-post": '<form method="post" action="{target}?token=x"><input name="a" value="b">'
    "</form><script>document.forms[0].submit()</script>",
}


@contextlib.contextmanager
def another_site(target: str):
    """An attacker's site on another origin (127.0.0.2, another port): /NAME serves the
    page ATTACKS[NAME] aimed at ``target``; yields its base URL."""

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = ATTACKS[self.path.strip("/")].format(target=target).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Attacker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.2:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_page_of_another_site_cannot_start_a_kernel(page, presenter, attack):
    """Issue 20.1, as the attack runs: the presenter's browser, logged in, opens a page of
    another site that sends it to a notebook with a made-up token. The server refuses it
    (403) and no kernel starts (the count read through the server's API with its token)."""
    target = f"{presenter.base}/voila/render/03_sigmoid_and_chain_rule.ipynb"
    before = presenter.kernels()
    with another_site(target) as site:
        with page.expect_response(lambda r: r.url.startswith(target), timeout=30_000) as sent:
            page.goto(f"{site}/{attack}")
        started = lambda: presenter.kernels() - before  # noqa: E731
        assert not wait_until(started, 3), f"{attack} started a kernel: {started()}"
        assert sent.value.status == 403, f"{attack}: {sent.value.status}"
    page.goto("about:blank")


def test_the_right_token_from_another_site_is_let_in(presenter):
    """The exemption left: the ready URL itself (opened from a local file, so the browser
    calls it cross-site) carries the server's own token and gets in."""
    url = f"{presenter.base}/voila/tree?token={presenter.token}"
    headers = {"Sec-Fetch-Site": "cross-site"}
    assert requests.get(url, headers=headers, timeout=30).status_code == 200
    wrong = presenter.token[:-1] + ("0" if presenter.token[-1] != "0" else "1")
    for query in (f"token={wrong}", "token=", f"token={presenter.token}&token=x"):
        refused = requests.get(f"{presenter.base}/voila/tree?{query}", headers=headers, timeout=30)
        assert refused.status_code == 403, query


def test_kernels_are_culled(tmp_path):
    """A kernel whose page never connected (or went without a word: a crash, a lost
    network) is culled once idle for PRESENTER_IDLE seconds (here 3, to keep it short)."""
    server, base, served = start_presenter(tmp_path, PRESENTER_IDLE=3)
    with server:
        presenter = Presenter(base, tmp_path / "server.log", served)
        page = presenter.get("/voila/render/presenter_check.ipynb")
        kernel = kernel_in(page)
        assert presenter.kernel_alive(kernel)
        assert wait_until(lambda: not presenter.kernel_alive(kernel), 20)


def test_settings_are_checked_at_start(tmp_path):
    """Issue 20.2: `make present PRESENTER_KERNELS=-1 PRESENTER_IDLE=0` stops at once,
    saying what each setting means and what to set (it started, and every page said
    "-1 pages are running already")."""
    command, env = make_command("present", PRESENTER_KERNELS=-1, PRESENTER_IDLE=0)
    result = subprocess.run(
        command, cwd=ROOT, env={**jupyter_env(tmp_path), **env}, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("The presenter view cannot start:"), result.stderr
    assert "--max-kernels (PRESENTER_KERNELS) is -1" in said and "set 1 or more" in said
    assert "--cull-idle (PRESENTER_IDLE) is 0" in said


def test_make_present_without_mnist_starts_with_the_advice(tmp_path):
    """Issue 20.15: the step before the server in `make present` (here with a mirror that
    refuses and an empty cache) says why MNIST is missing and succeeds: 00-03 need none."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "present"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    step = shlex.split(dry_run.stdout.strip().splitlines()[-2])
    assert step[1:] == ["-m", "lectures_lib", "data", "--optional"], step
    cache = tmp_path / "cache"
    env = {**os.environ, "LECTURES_MNIST_MIRROR": refusing_url(), "LECTURES_DATA_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, *step[1:]], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("MNIST could not be fetched") == 1 and advice(cache) in result.stdout
    assert "Starting anyway: notebooks 00-03 need no MNIST." in result.stdout
    assert "Traceback" not in result.stderr


def refusing_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{free_port()}/"


@pytest.mark.parametrize("how", ["SIGTERM to the entry point", "Ctrl+C"])
def test_the_entry_point_stops_its_server_and_leaves_no_token_file(tmp_path, how):
    """`python -m lectures_lib present` without a network (a refusing mirror, an empty
    cache): it says MNIST is missing and starts anyway, printing only the real URL (not
    Voila's "?token=..." placeholder). It opens the browser through a file that holds the
    token (issue 20.3). SIGTERM sent to the entry point alone is passed on to the server
    (issue 20.16); Ctrl+C reaches the whole process group. Either way the server stops,
    its port closes, and the file is removed."""
    port, opened = free_port(), tmp_path / "opened.txt"
    browser = f"sh -c 'echo \"$0\" >> {opened}' %s"  # a "browser" that notes what it opens
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {
        **jupyter_env(tmp_path), "BROWSER": browser, "TMPDIR": str(temp),
        "LECTURES_MNIST_MIRROR": refusing_url(), "LECTURES_DATA_DIR": str(tmp_path / "cache"),
    }  # fmt: skip
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        entry = subprocess.Popen(
            [sys.executable, "-m", "lectures_lib", "present", f"--port={port}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        ready = f"http://127.0.0.1:{port}/?token="
        started = lambda: ready in log_path.read_text() and opened.exists()  # noqa: E731
        assert wait_until(started, 120), log_path.read_text()
        [page] = temp.glob("presenter-*.html")
        assert opened.read_text().strip() == page.as_uri()
        token = re.search(rf"{re.escape(ready)}(\w+)", log_path.read_text()).group(1)
        assert token in page.read_text()
        if how == "Ctrl+C":
            os.killpg(entry.pid, signal.SIGINT)
        else:
            entry.send_signal(signal.SIGTERM)
        entry.wait(timeout=60)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert list(temp.glob("presenter-*.html")) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(entry.pid, signal.SIGKILL)
        entry.wait()
    log = log_path.read_text()
    assert log.count("MNIST could not be fetched") == 1
    assert "Starting the presenter view anyway: notebooks 00-03 need no MNIST." in log
    assert "?token=..." not in log and "Traceback" not in log
    urls = set(re.findall(r"http://\S+token=\S+", log))
    assert urls == {f"{ready}{token}"}, urls
