"""Real-browser helpers: Debian's chromium driven by Playwright, a live server.

The site runs in the test process on its own server thread; ``*.localhost``
names resolve to 127.0.0.1 in Chromium by themselves. Content-Security-Policy
violations are not console messages Playwright sees, so ``new_context`` makes
every frame report them as console errors and a test can fail on them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Skip, saying how to get it, where Debian's chromium is not installed.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Falta /usr/bin/chromium (make test lo instala)."
)
# True when the page scrolls sideways (a phone layout that does not fit).
SCROLLS = "document.documentElement.scrollWidth > window.innerWidth"
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP: " + e.violatedDirective + " bloqueó " + e.blockedURI + " en " + e.sourceFile
));
"""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadedWSGIServer):
    # Join request threads on close: each closes its database connection when it
    # ends, and the test database cannot be dropped while one is open.
    daemon_threads = False
    block_on_close = True


@contextmanager
def live_server() -> Iterator[int]:
    """Serve the project (with static files) on a free port; yields the port."""
    server = _Server(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    # Static files come through WhiteNoise, with production's headers.
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    """A headless Chromium; the ORM may be used between browser steps."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls a
    # test makes between browser steps are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=FLAGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_context(browser, **options):
    """A Spanish browser context whose frames report CSP violations; ``options``
    go to Playwright (a phone's ``viewport``, for instance)."""
    context = browser.new_context(locale="es-CO", **options)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return context


def collect_problems(page) -> list[str]:
    """Console errors and warnings, page errors and HTTP errors, as they happen."""
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems
