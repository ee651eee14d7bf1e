"""A learner answers H5P activities in a real browser and the score is stored.

Debian's chromium driven by Playwright. The site runs in this process on its own
server thread, in a locality provisioned (and dropped) for this module with a
``*.localhost`` domain, which Chromium resolves to 127.0.0.1 by itself. Data is
committed (the server thread has its own connections), so everything created
here is removed at the end.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection, connections

from h5p import api
from lms.learning import api as learning_api
from lms.portal.demo_activities import ACTIVITIES as DEMO_ACTIVITIES
from lms.portal.demo_activities import spanish_package
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import REPORT_CSP_VIOLATIONS, SCROLLS, needs_chromium

from .conftest import VALID, needs_fixtures

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
SPEC = LocalitySpec(schema_name="test_h5p_browser", name="Usme", slug="usme")
HOST = "usme-h5p.localhost"
PASSWORD = "clave-segura-1"

pytestmark = [
    pytest.mark.browser,
    needs_fixtures,
    # Without a db-marked test in the run, pytest-django would not switch to the
    # test database at all and the module fixture would hit the real one.
    pytest.mark.django_db,
    needs_chromium,
]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadedWSGIServer):
    # Join request threads on close: each closes its database connection when it
    # ends, and the test database cannot be dropped while one is open.
    daemon_threads = False
    block_on_close = True


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Locality, learner, two uploaded activities and a running server."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            learner = get_user_model().objects.create_user(
                username="aprendiz-h5p",
                email="aprendiz-h5p@example.org",
                password=PASSWORD,
            )
        keys = {}
        with tenants_api.in_locality(SPEC.schema_name):
            media = Path(default_storage.path("h5p"))
            for path in VALID:
                keys[path.name] = api.upload_package(
                    path.read_bytes(), name=path.name, may_add_libraries=True
                ).key
            # A package that installed fine but cannot start: its content.json
            # was damaged in storage afterwards.
            broken = api.upload_package(
                (VALID[0].parent / "H5P.TrueFalse.h5p").read_bytes(),
                name="roto.h5p",
                may_add_libraries=True,
            ).key
            (media / "content" / broken / "content" / "content.json").write_text(
                "{roto"
            )
            keys["roto"] = broken
            for activity in DEMO_ACTIVITIES:
                api.upload_package(
                    spanish_package(VALID[0].parent / activity.package, activity),
                    name=f"{activity.key}.h5p",
                    may_add_libraries=True,
                    key=activity.key,
                )
        connection.set_schema_to_public()
        server = _Server(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
        # Static files come through WhiteNoise, with production's headers.
        server.set_app(WSGIHandler())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {
                "url": f"http://{HOST}:{server.server_address[1]}",
                "learner": learner,
                "keys": keys,
            }
        finally:
            server.shutdown()
            server.server_close()
            connection.set_schema_to_public()
            from tenants.models import Locality

            # Delete the person where their locality rows are (Wagtail's profile
            # lives in the locality schema), then drop the locality.
            with tenants_api.in_locality(SPEC.schema_name):
                learner.delete()
            connection.set_schema_to_public()
            for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
                locality.delete(force_drop=True)
            shutil.rmtree(media.parent, ignore_errors=True)


@pytest.fixture
def browser():
    """Per test, started after the test's database transaction: while Playwright's
    loop runs in this thread Django would hand out a different connection."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the
    # test makes between browser steps are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=FLAGS, headless=True
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(site, browser, django_db_blocker):
    context = browser.new_context(locale="es-CO")
    # CSP violations become console errors, which fail the tests below.
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(f"{msg.type}: {msg.text}"))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.goto(f"{site['url']}/cuenta/ingresar/")
    page.fill("input[name=username]", site["learner"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    errors.clear()  # only what happens while playing counts
    page.js_errors = errors
    yield page
    context.close()


def _content_frame(page, selector: str):
    """The (possibly nested) frame where the H5P content rendered ``selector``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.locator(selector).count():
                    return frame
            except Exception:  # noqa: BLE001, S112 -- frames detach while loading
                continue
        page.wait_for_timeout(200)
    raise AssertionError(f"El reproductor no mostró {selector}: {page.js_errors}")


def _state(django_db_blocker, learner, key):
    """Read what the server stored, from a plain thread with its own connection.

    The server commits on its own connections; this reads outside the test's
    transaction and closes the connection it opened.
    """

    def read():
        try:
            with tenants_api.in_locality(SPEC.schema_name):
                return learning_api.get_activity_state(learner.pk, f"h5p:{key}")
        finally:
            connections.close_all()

    with django_db_blocker.unblock(), ThreadPoolExecutor(1) as pool:
        return pool.submit(read).result()


def _wait_saved(page):
    try:
        page.wait_for_selector("[data-h5p-activity][data-h5p-saved]", state="attached")
    except Exception as exc:
        status = page.locator("[data-h5p-status]").inner_text()
        for frame in page.frames:
            status += (
                " | "
                + frame.url
                + " "
                + str(
                    frame.evaluate(
                        "() => [document.body && document.body.getAttribute('data-h5p-ready'),"
                        " document.body && document.body.getAttribute('data-h5p-error'),"
                        " typeof H5P, window.H5P && typeof H5P.externalDispatcher]"
                    )
                )
            )
        raise AssertionError(f"No se guardó: {status!r} {page.js_errors}") from exc
    return page.locator("[data-h5p-status]").inner_text()


def test_learner_answers_true_false_and_the_score_is_stored(
    site, page, django_db_blocker
):
    key = site["keys"]["H5P.TrueFalse.h5p"]
    page.goto(f"{site['url']}/h5p/{key}/")
    frame = _content_frame(page, ".h5p-true-false-answer")
    frame.locator(".h5p-true-false-answer", has_text="Yes").click()
    frame.locator(".h5p-question-check-answer").click()
    status = _wait_saved(page)
    assert "Progreso guardado" in status
    deadline = time.monotonic() + 10
    state = _state(django_db_blocker, site["learner"], key)
    while (state is None or not state.completed) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        state = _state(django_db_blocker, site["learner"], key)
    assert state.completed and state.passed
    assert (state.best_score_raw, state.best_score_max) == (1, 1)
    # The player's saved state is kept and given back: the answer is restored.
    while '"answer":true' not in state.resume_state and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        state = _state(django_db_blocker, site["learner"], key)
    assert '"answer":true' in state.resume_state
    page.reload()
    frame = _content_frame(page, ".h5p-true-false-answer")
    chosen = frame.locator(".h5p-true-false-answer[aria-checked='true']")
    chosen.wait_for()
    assert chosen.inner_text().strip() == "Yes"


def test_learner_answers_multichoice_and_the_score_is_stored(
    site, page, django_db_blocker
):
    key = site["keys"]["H5P.MultiChoice.h5p"]
    page.goto(f"{site['url']}/h5p/{key}/")
    frame = _content_frame(page, ".h5p-answer")
    frame.locator(".h5p-answer", has_text="Blue").click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_saved(page)
    deadline = time.monotonic() + 10
    state = _state(django_db_blocker, site["learner"], key)
    while (state is None or not state.completed) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        state = _state(django_db_blocker, site["learner"], key)
    assert state.completed and not state.passed
    assert state.best_score_raw == 0 and state.best_score_max == 1
    # The package's JavaScript runs in an opaque origin: no cookies, no parent DOM.
    frame_cookie = frame.evaluate(
        "() => { try { return document.cookie; } catch (e) { return 'bloqueado'; } }"
    )
    assert "sessionid" not in frame_cookie
    reaches_parent = frame.evaluate(
        "() => { try { return !!window.top.document.body; } catch (e) { return false; } }"
    )
    assert reaches_parent is False


@pytest.mark.parametrize("name", [p.name for p in VALID])
def test_every_valid_package_plays(site, page, name):
    page.goto(f"{site['url']}/h5p/{site['keys'][name]}/")
    frame = _content_frame(page, "body[data-h5p-ready='1'] .h5p-content")
    assert frame.evaluate("() => document.body.getAttribute('data-h5p-error')") is None
    # Rendered: the content type built elements of visible size (some show only
    # images, so text is not a criterion).
    frame.wait_for_function(
        "() => { const c = document.querySelector('.h5p-content');"
        " return c.children.length > 0 && c.getBoundingClientRect().height > 40; }"
    )
    assert not [e for e in page.js_errors if not e.startswith(("log:", "info:"))], (
        page.js_errors
    )


def test_the_players_fonts_load_in_the_sandbox(site, page):
    """Fonts are fetched in CORS mode from the opaque origin "null"."""
    page.goto(f"{site['url']}/h5p/{site['keys']['H5P.TrueFalse.h5p']}/")
    frame = _content_frame(page, "body[data-h5p-ready='1'] .h5p-content")
    declared = frame.evaluate("() => document.fonts.size")
    failed = frame.evaluate(
        "() => Promise.all([...document.fonts].map(f => f.load().then("
        " () => null, () => f.family + ' ' + f.weight + ' ' + f.style)))"
        ".then(r => r.filter(Boolean))"
    )
    assert declared >= 10
    assert failed == []
    assert not [e for e in page.js_errors if not e.startswith(("log:", "info:"))], (
        page.js_errors
    )


def _failures(django_db_blocker, key):
    from h5p.models import H5PStartFailure

    def read():
        try:
            with tenants_api.in_locality(SPEC.schema_name):
                return list(
                    H5PStartFailure.objects.filter(content__key=key).values_list(
                        "message", "count"
                    )
                )
        finally:
            connections.close_all()

    with django_db_blocker.unblock(), ThreadPoolExecutor(1) as pool:
        return pool.submit(read).result()


def test_a_package_that_cannot_start_says_so_and_is_recorded(
    site, page, django_db_blocker
):
    key = site["keys"]["roto"]
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site['url']}/h5p/{key}/")
    page.wait_for_selector("[data-h5p-activity][data-h5p-failed]", state="attached")
    status = page.locator("[data-h5p-status]").inner_text()
    assert status.startswith("Esta actividad no pudo abrirse. Recargue la página")
    # No empty frame left on the page.
    assert page.locator("[data-h5p-activity] iframe").is_hidden()
    if os.environ.get("H5P_SCREENSHOTS"):
        page.screenshot(path=os.environ["H5P_SCREENSHOTS"] + "/roto-360.png")
    deadline = time.monotonic() + 10
    failures = _failures(django_db_blocker, key)
    while not failures and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        failures = _failures(django_db_blocker, key)
    assert len(failures) == 1
    message, count = failures[0]
    assert count == 1
    assert "JSON" in message or "Unexpected" in message, message


def test_the_demo_activity_speaks_spanish_on_a_phone(site, page, django_db_blocker):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site['url']}/h5p/demo-es-fondos-vf/")
    frame = _content_frame(page, ".h5p-true-false-answer")
    answers = frame.locator(".h5p-true-false-answer").all_inner_texts()
    assert [a.strip() for a in answers] == ["Verdadero", "Falso"]
    assert "50 %" in frame.locator(".h5p-true-false").inner_text()
    check = frame.locator(".h5p-question-check-answer")
    assert check.inner_text().strip() == "Comprobar"
    frame.locator(".h5p-true-false-answer", has_text="Verdadero").click()
    check.click()
    feedback = frame.locator(".h5p-question-feedback")
    feedback.wait_for()
    frame.wait_for_function(
        "() => document.querySelector('.h5p-question-feedback')"
        " && /Obtuvo 1 de 1 puntos/.test(document.querySelector('.h5p-question').innerText)"
    )
    assert "Obtuvo 1 de 1 puntos" in frame.locator(".h5p-question").inner_text()
    _wait_saved(page)
    if os.environ.get("H5P_SCREENSHOTS"):
        page.screenshot(
            path=os.environ["H5P_SCREENSHOTS"] + "/vf-360.png", full_page=True
        )
    assert not page.evaluate(SCROLLS)
    assert not [e for e in page.js_errors if not e.startswith(("log:", "info:"))], (
        page.js_errors
    )


def _transferred(browser, url: str) -> tuple[int, int]:
    """Bytes over the wire (headers + encoded bodies) to play an activity page,
    and how many requests, with a cold cache."""
    context = browser.new_context(locale="es-CO")
    page = context.new_page()
    sizes: list[int] = []

    def count(request):
        sizes.append(
            sum(request.sizes()[k] for k in ("responseHeadersSize", "responseBodySize"))
        )

    page.on("requestfinished", count)
    page.goto(url)
    frame = _content_frame(page, "body[data-h5p-ready='1'] .h5p-content img")
    frame.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )
    page.wait_for_load_state("networkidle")
    total = sum(sizes), len(sizes)
    context.close()
    return total


def test_a_lesson_with_a_camera_picture_stays_under_the_weight_budget(
    site, browser, capsys
):
    """The real TrueFalse package shows a 2 205 px, 1 MB photo: stored resized,
    the activity is measured against the issue's 500 KB budget, and against the
    same page served with the original picture."""
    key = site["keys"]["H5P.TrueFalse.h5p"]
    url = f"{site['url']}/h5p/{key}/"
    after, requests = _transferred(browser, url)
    with tenants_api.in_locality(SPEC.schema_name):
        folder = Path(default_storage.path(f"h5p/content/{key}"))
    picture = folder / "content" / "images" / "file-582dbbc081261.jpg"
    resized = picture.read_bytes()
    original = (
        folder / "originales" / "content" / "images" / picture.name
    ).read_bytes()
    try:
        picture.write_bytes(original)
        before, _ = _transferred(browser, url)
    finally:
        picture.write_bytes(resized)
    with capsys.disabled():
        sys.stdout.write(
            f"\nTrueFalse activity page: {before:,} bytes with the original picture,"
            f" {after:,} resized ({requests} requests)\n"
        )
    assert after < 500_000
    assert before - after > 700_000
