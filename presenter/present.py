"""The presenter view: the notebooks in Voila, code hidden, for a lecture hall (`make present`).

    python presenter/present.py notebooks              # http://127.0.0.1:8866, a browser opens
    python presenter/present.py --port=8870 --no-browser notebooks

Voila, set up for a projector on a hall's unreliable network, shared with whoever else is
logged in to the machine:

- Pages appear at once and fill in: the markdown and the page's frame are sent before any
  cell runs, then each cell's output appears as the kernel computes it (Voila's progressive
  rendering), so the first screen shows in seconds even where the notebook needs a minute.
  Every cell still runs, every check in it still asserts.
- Nothing is asked of the internet: the template in voila/templates/lecture (beside this
  file) drops the CDN style sheets of Voila's own pages.
- A cell tagged "presenter-hide" runs but shows nothing (the setup cell, long epoch logs,
  the static twin of a figure that a slider redraws below it).
- Only the presenter gets in: a token, printed in a ready URL as JupyterLab prints its own
  (and only that URL: not Voila's placeholder with "?token=..."); a request naming a host
  other than this machine's loopback (DNS rebinding) or sent from another site's page is
  refused, unless it carries the server's own token (compared in constant time), so a web
  page in the presenter's browser cannot start kernels. ``GET /api/kernels`` lists the
  running kernels (with the token).
- The browser is opened through a file that holds the ready URL (the token stays off the
  command line); it is removed when the server stops (Ctrl+C, SIGTERM, any exit).
- Settings that make no sense (``--max-kernels=0``, ``--cull-idle=-1``) stop it at once,
  saying what to set.
- Kernels do not pile up: a page that is closed or left shuts its kernel down at once; a
  kernel whose page went without saying so (a crash, a lost network) is culled after it
  has been idle and disconnected for `--cull-idle` seconds; and at most `--max-kernels`
  pages run at once (the next one is told to close one first).
"""

from __future__ import annotations

import atexit
import contextlib
import hmac
import os
import secrets
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
# Voila finds the "lecture" template (and nbconvert the deck template) on the Jupyter path
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in (str(HERE), os.environ.get("JUPYTER_PATH", "")) if p
)

from jupyter_server.services.kernels.handlers import MainKernelHandler  # noqa: E402
from jupyter_server.services.kernels.kernelmanager import (  # noqa: E402
    AsyncMappingKernelManager,
)
from jupyter_server.utils import url_path_join  # noqa: E402
from tornado import web  # noqa: E402
from tornado.ioloop import IOLoop  # noqa: E402
from traitlets import Integer, default  # noqa: E402
from voila.app import Voila  # noqa: E402

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


class BoundedKernelManager(AsyncMappingKernelManager):
    """Kernels for the presenter's pages, at most ``max_kernels`` at once."""

    max_kernels = Integer(4, config=True, help="How many pages (kernels) may run at once.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # ids of kernels being started: a kernel is listed before it has started, so the
        # bound counts the union (counting both would refuse pages below the bound)
        self._starting: set[str] = set()

    async def start_kernel(self, *, kernel_id=None, **kwargs):
        if kernel_id is None or kernel_id not in self:
            if len(set(self.list_kernel_ids()) | self._starting) >= self.max_kernels:
                raise web.HTTPError(
                    503,
                    "%d presenter pages are running, the most allowed (--max-kernels).",
                    self.max_kernels,
                    reason=(
                        f"{self.max_kernels} pages are running already: close one of them "
                        "(its kernel stops), then reload this page"
                    ),
                )
            kernel_id = kernel_id or self.new_kernel_id()
        self._starting.add(kernel_id)
        try:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        finally:
            self._starting.discard(kernel_id)


class KernelList(MainKernelHandler):
    """``GET /api/kernels``: the running kernels, as Jupyter's server lists them (with the
    token). Only the listing: a kernel starts only with a page."""

    SUPPORTED_METHODS = ("GET",)


def refusal(request, token: str) -> str | None:
    """Why a request is refused, or None: it must name this machine's loopback as its host
    and come from one of this server's own pages (or be typed, or carry ``token``, the
    server's own: a link from another site with any other token is refused)."""
    host = request.host.lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name not in LOOPBACK:
        return f"this server answers only to 127.0.0.1 or localhost, not to {host!r}"
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != host:
        return f"requests from pages of {origin!r} are refused"
    site = request.headers.get("Sec-Fetch-Site", "none")
    if site in ("cross-site", "same-site") and not carries(request, token):
        return "a page of another site cannot open the presenter view: open its URL yourself"
    return None


def carries(request, token: str) -> bool:
    """Whether the request's query holds exactly ``token`` (compared in constant time, so
    that the time of a refusal says nothing about the token)."""
    given = request.query_arguments.get("token", [])
    return bool(token) and len(given) == 1 and hmac.compare_digest(given[0], token.encode())


def guarded(handler_class, token):
    """The handler class, refusing (403) what `refusal` refuses before anything else;
    ``token()`` is the server's token."""

    class Guarded(handler_class):
        def prepare(self, *args, **kwargs):
            reason = refusal(self.request, token())
            if reason is not None:
                raise web.HTTPError(403, reason, reason="Forbidden: " + reason)
            return super().prepare(*args, **kwargs)

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{handler_class.__name__}"
    return Guarded


class Presenter(Voila):
    """Voila with the lecture template, progressive rendering, a token, Host and Origin
    checks, culling and a bound on kernels (see the module's docstring)."""

    name = "presenter"
    description = "The notebooks in Voila, code hidden, for a lecture hall."

    max_kernels = Integer(4, config=True, help="How many pages (kernels) may run at once.")
    cull_idle = Integer(
        120,
        config=True,
        help="Shut down a kernel idle and without a page for this many seconds.",
    )

    aliases = {
        **Voila.aliases,
        "max-kernels": "Presenter.max_kernels",
        "cull-idle": "Presenter.cull_idle",
    }

    @default("ip")
    def _default_ip(self):
        return "127.0.0.1"

    @default("token")
    def _default_token(self):
        return secrets.token_hex(24)

    def initialize(self, argv=None):
        self.config.VoilaConfiguration.template = "lecture"
        self.config.VoilaConfiguration.progressive_rendering = True
        self.config.VoilaConfiguration.multi_kernel_manager_class = BoundedKernelManager
        # only the front-end extensions the series uses: another package's JupyterLab
        # extension in the same environment (otter-grader brings ipylab and jupytext) broke
        # every page with widgets ("The getter for the shared module is not a function")
        self.config.VoilaConfiguration.extension_allowlist = LAB_EXTENSIONS
        super().initialize(argv)
        if problems := self.setting_problems():
            raise SystemExit("The presenter view cannot start: " + "; ".join(problems) + ".")
        kernels = self.config.BoundedKernelManager
        kernels.max_kernels = self.max_kernels
        kernels.cull_idle_timeout = self.cull_idle
        kernels.cull_interval = max(1, min(30, self.cull_idle // 4))
        kernels.cull_connected = False  # a page still open keeps its kernel
        kernels.cull_busy = False  # a kernel still computing keeps going
        self.tornado_settings = {
            **self.tornado_settings,
            "allow_remote_access": False,
            "local_hostnames": ["localhost"],
        }

    def init_handlers(self):
        handlers = []
        listing = (url_path_join(self.server_url, r"/api/kernels/?"), KernelList)
        for spec in [listing, *super().init_handlers()]:
            pattern, handler_class, *rest = spec
            handlers.append((pattern, guarded(handler_class, self._token), *rest))
        return handlers

    def setting_problems(self) -> list[str]:
        """What is wrong with the settings, each with what to set instead (empty if nothing)."""
        problems = []
        if self.max_kernels < 1:
            problems.append(
                f"--max-kernels (PRESENTER_KERNELS) is {self.max_kernels}: it is how many "
                "pages may run at once, so set 1 or more (4 by default)"
            )
        if self.cull_idle < 1:
            problems.append(
                f"--cull-idle (PRESENTER_IDLE) is {self.cull_idle}: it is how many seconds "
                "a kernel without a page is kept, so set 1 or more (120 by default)"
            )
        if not 0 < self.port < 65536:
            problems.append(f"--port (VOILA_PORT) is {self.port}: set a port from 1 to 65535")
        return problems

    def _token(self) -> str:
        return self.identity_provider.token

    @property
    def ready_url(self) -> str:
        return f"http://{self.ip}:{self.port}{self.base_url}?token={self.identity_provider.token}"

    @property
    def display_url(self) -> str:
        """The URL Voila logs when it starts: the ready one (not its placeholder with
        "?token=...", which leads to the login page)."""
        return self.ready_url

    def start(self):
        IOLoop.current().add_callback(self._say_ready)
        super().start()

    def stop(self):
        """Voila's stop (kernels shut down), then the browser's page with the token goes.
        Voila calls this when its loop ends: Ctrl+C (SIGINT) or SIGTERM."""
        try:
            super().stop()
        finally:
            remove_opening_page()

    def _say_ready(self):
        print(
            "\n    The presenter view is ready. To open it, copy and paste this URL:\n\n"
            f"        {self.ready_url}\n\n"
            f"    (at most {self.max_kernels} pages at once; Ctrl+C stops the server)\n",
            flush=True,
        )

    def launch_browser(self):
        """Open the ready URL through a file only this user can read (the token stays out
        of the browser's command line, which other users of the machine can see)."""
        with contextlib.suppress(webbrowser.Error):
            browser = webbrowser.get(self.browser or None)
            fd, path = tempfile.mkstemp(suffix=".html", prefix="presenter-")
            OPENING_PAGES.append(path)
            with os.fdopen(fd, "w", encoding="utf-8") as page:
                page.write(f'<meta http-equiv="refresh" content="0;url={self.ready_url}">')
            threading.Thread(target=browser.open, args=(Path(path).as_uri(),)).start()


OPENING_PAGES: list[str] = []  # the files with the ready URL that opened the browser


@atexit.register
def remove_opening_page() -> None:
    """Remove the file that opened the browser (it holds the token): on any exit."""
    while OPENING_PAGES:
        with contextlib.suppress(OSError):
            os.remove(OPENING_PAGES.pop())


# the JupyterLab extensions a presenter page loads: the widgets (and Voila's own manager of
# them, for ipywidgets 8), the drawing pad, the code colours
LAB_EXTENSIONS = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "ipycanvas",
    "jupyterlab_pygments",
]


def main(argv=None) -> None:
    Presenter.launch_instance(argv=argv)


if __name__ == "__main__":
    main(sys.argv[1:])
