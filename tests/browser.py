"""Real-browser helpers: Debian's chromium driven by Playwright, a live server.

The site runs in the test process on its own server thread; ``*.localhost``
names resolve to 127.0.0.1 in Chromium by themselves. Content-Security-Policy
violations are not console messages Playwright sees, so ``new_context`` makes
every frame report them as console errors and a test can fail on them.

``live_locality`` gives a test module a locality of its own, with people who
sign in with ``PASSWORD`` (``signed_in_page``), served on a live server and
removed at the end with what it left in the city-wide tables.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection

from tenants import api as tenants_api
from tenants.data import LocalitySpec

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
PASSWORD = "clave-segura-1"  # of everyone ``LiveLocality.add_person`` creates
# True when the page scrolls sideways (a phone layout that does not fit).
SCROLLS = "document.documentElement.scrollWidth > window.innerWidth"
# Controls a finger must hit, smaller than 44 x 44 CSS px (the size Apple's and
# WCAG 2.5.5's guidance give for a tap): "tag#id «text» widthxheight" each.
# Links inside running text are exempt, as in WCAG (the sentence around them
# is the target's spacing); links in a navigation or styled as buttons are
# not. Checkboxes and radios count through their label, the usual tap target.
SMALL_TAP_TARGETS = """
(scope) => {
  const root = document.querySelector(scope) || document;
  const controls = root.querySelectorAll(
    "a.button, nav a, button, summary, select, textarea, " +
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), " +
    "label:has(> input[type=checkbox]), label:has(> input[type=radio])"
  );
  const small = [];
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;  // not shown
    if (getComputedStyle(el).visibility === "hidden") continue;
    if (box.width >= 44 && box.height >= 44) continue;
    const text = (el.innerText || el.value || el.name || "").trim().slice(0, 30);
    small.push(
      el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " «" + text + "» " +
      Math.round(box.width) + "x" + Math.round(box.height)
    );
  }
  return small;
}
"""
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


def signed_in_page(
    browser,
    base_url: str,
    username: str,
    *,
    password: str = PASSWORD,
    login_path: str = "/cuenta/ingresar/",
    **options,
):
    """A page in a new context (``options`` as ``new_context``), signed in at
    ``base_url``. ``page.problems`` collects what goes wrong from then on."""
    page = new_context(browser, **options).new_page()
    page.set_default_timeout(30_000)
    page.goto(base_url + login_path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.problems = collect_problems(page)
    return page


def axe_findings(page) -> dict[str, str]:
    """axe-core's findings on what the page shows now: rule id → impact."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return {v["id"]: v.get("impact") or "minor" for v in violations}


# City-wide tables in the public schema that locality events fill (dashboards,
# the index of certified courses): they keep the test locality's rows, and its
# people's, after the locality is dropped.
_DERIVED_APPS = ("reporting", "participation_citywide")


@dataclass
class LiveLocality:
    """A locality provisioned for a test module; ``url`` once ``serving``."""

    spec: LocalitySpec
    host: str
    people: list[Any] = field(default_factory=list)
    url: str = ""

    @property
    def schema_name(self) -> str:
        return self.spec.schema_name

    def add_person(self, username: str, *, superuser: bool = False, **fields):
        """A person (in the public schema, as everyone) who signs in with
        ``PASSWORD``; removed with the locality."""
        from django.contrib.auth import get_user_model

        people = get_user_model().objects
        create = people.create_superuser if superuser else people.create_user
        with tenants_api.in_public_schema():
            person = create(
                username=username,
                email=f"{username}@example.org",
                password=PASSWORD,
                **fields,
            )
        self.people.append(person)
        return person

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Serve the project on a free port; yields the locality's address."""
        connection.set_schema_to_public()
        with live_server() as port:
            self.url = f"http://{self.host}:{port}"
            yield self.url


@contextmanager
def live_locality(
    spec: LocalitySpec, host: str, django_db_blocker
) -> Iterator[LiveLocality]:
    """Provision ``spec`` at ``host`` for a module-scoped fixture, with the
    database open to it; on the way out drop the locality, its files, its
    people and their rows in the city-wide tables.

    Data is committed (the server thread has its own connections), which is why
    everything is removed by hand.
    """
    with django_db_blocker.unblock():
        tenants_api.provision_locality(spec, domain=host)
        town = LiveLocality(spec, host)
        try:
            yield town
        finally:
            _remove(town)


def _remove(town: LiveLocality) -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from tenants.models import Locality

    connection.set_schema_to_public()
    ids = [person.pk for person in town.people]
    for label in _DERIVED_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = {f.name for f in model._meta.get_fields()}
            if "schema_name" in fields:
                model.objects.filter(schema_name=town.schema_name).delete()
            if "user_id" in fields:
                model.objects.filter(user_id__in=ids).delete()
    # People have rows in the locality too (Wagtail's profile): delete them
    # there first, then drop the locality and its files.
    with tenants_api.in_locality(town.schema_name):
        get_user_model().objects.filter(pk__in=ids).delete()
    connection.set_schema_to_public()
    for locality in Locality.objects.filter(schema_name=town.schema_name):
        locality.delete(force_drop=True)
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(Path(root) / town.schema_name, ignore_errors=True)
