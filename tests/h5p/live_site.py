"""The locality the H5P browser tests play in: a learner and uploaded packages,
served live (``tests.browser.live_locality``), and the steps those tests share.

Debian's chromium driven by Playwright. The site runs in this process on its own
server thread, so what the server stores is committed and read back from a
thread with its own connection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connections

from h5p import api
from lms.learning import api as learning_api
from lms.portal.demo_activities import ACTIVITIES as DEMO_ACTIVITIES
from lms.portal.demo_activities import spanish_package
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import live_locality, signed_in_page

from .conftest import VALID

SPEC = LocalitySpec(schema_name="test_h5p_browser", name="Usme", slug="usme")
HOST = "usme-h5p.localhost"
TRUE_FALSE = "H5P.TrueFalse.h5p"


@contextmanager
def h5p_site(
    django_db_blocker, *, packages: list[Path], broken: bool = False, demo: bool = False
) -> Iterator[dict]:
    """The locality with ``packages`` uploaded (``keys`` by file name); with
    ``broken``, a package that installed fine but cannot start (key "roto");
    with ``demo``, the demo's Spanish activities under their own keys."""
    with live_locality(SPEC, HOST, django_db_blocker) as town:
        learner = town.add_person("aprendiz-h5p")
        keys = {}
        with tenants_api.in_locality(SPEC.schema_name):
            for path in packages:
                keys[path.name] = api.upload_package(
                    path.read_bytes(), name=path.name, may_add_libraries=True
                ).key
            if broken:
                keys["roto"] = _upload_broken_package()
            if demo:
                for activity in DEMO_ACTIVITIES:
                    api.upload_package(
                        spanish_package(VALID[0].parent / activity.package, activity),
                        name=f"{activity.key}.h5p",
                        may_add_libraries=True,
                        key=activity.key,
                    )
        with town.serving() as url:
            yield {"url": url, "learner": learner, "keys": keys}


def _upload_broken_package() -> str:
    # Its content.json is damaged in storage after a clean upload.
    key = api.upload_package(
        (VALID[0].parent / TRUE_FALSE).read_bytes(),
        name="roto.h5p",
        may_add_libraries=True,
    ).key
    content = Path(default_storage.path("h5p")) / "content" / key / "content"
    (content / "content.json").write_text("{roto")
    return key


def player_page(browser, site):
    """A page signed in as the learner, its problems cleared: only what happens
    while playing counts."""
    page = signed_in_page(browser, site["url"], site["learner"].username)
    page.problems.clear()
    return page


def content_frame(page, selector: str):
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
    raise AssertionError(f"El reproductor no mostró {selector}: {page.problems}")


def read_committed(django_db_blocker, read):
    """``read()`` in the test locality, from a plain thread with its own
    connection: the server commits on its own connections, so this reads
    outside the test's transaction, and closes the connection it opened."""

    def in_locality():
        try:
            with tenants_api.in_locality(SPEC.schema_name):
                return read()
        finally:
            connections.close_all()

    with django_db_blocker.unblock(), ThreadPoolExecutor(1) as pool:
        return pool.submit(in_locality).result()


def stored_state(django_db_blocker, learner, key):
    return read_committed(
        django_db_blocker,
        lambda: learning_api.get_activity_state(learner.pk, f"h5p:{key}"),
    )


def wait_saved(page) -> str:
    """The activity's status line once the page says the result was stored."""
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
        raise AssertionError(f"No se guardó: {status!r} {page.problems}") from exc
    return page.locator("[data-h5p-status]").inner_text()
