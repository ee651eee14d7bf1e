"""The QR printed on the PDF opens the verification page on a phone-sized browser.

The QR is decoded from the PDF's image (zxing-cpp), not taken from the database.
Debian's chromium (Playwright) opens it at 390x844; the site runs on a server
thread of this process with its own connections, so the data is committed and
removed at the end. ``kennedy.test`` is mapped to 127.0.0.1 inside Chromium.
"""

from __future__ import annotations

import io
import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection

from certificates import api
from courses import api as courses_api
from tenants import api as tenants_api

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
    "--host-resolver-rules=MAP kennedy.test 127.0.0.1",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,  # makes pytest-django switch to the test database
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Falta /usr/bin/chromium."),
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def issued(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        with tenants_api.in_public_schema():
            name = f"movil-{uuid.uuid4().hex[:8]}"
            person = get_user_model().objects.create_user(
                username=name,
                email=f"{name}@example.org",
                first_name="Luz Dary",
                last_name="Muñoz",
                password="clave-segura-1",
            )
        with tenants_api.in_locality("test_kennedy"):
            course = courses_api.create_course(
                "Datos abiertos para la veeduría",
                key=f"datos-abiertos-{uuid.uuid4().hex[:6]}",
                estimated_hours=8,
            )
            certificate = api.issue_certificate(
                person.pk,
                course_key=course.key,
                course_version=course.version,
                completed_at=datetime.now(UTC),
            )
            pdf = api.certificate_pdf(certificate.uuid, user_id=person.pk)
        connection.set_schema_to_public()
        server = ThreadedWSGIServer(("127.0.0.1", 0), _Quiet, allow_reuse_address=False)
        server.set_app(StaticFilesHandler(WSGIHandler()))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield certificate, pdf, server.server_address[1]
        finally:
            server.shutdown()
            server.server_close()
            with tenants_api.in_locality("test_kennedy"):
                from certificates.models import Certificate
                from courses.models import CoursePage

                Certificate.objects.filter(user_id=person.pk).delete()
                CoursePage.objects.filter(key=course.key).delete()
            # The certificate_issued event reached the city-wide table too.
            with tenants_api.in_public_schema():
                from reporting.models import LearnerCourse, PersonSummary

                LearnerCourse.objects.filter(user_id=person.pk).delete()
                PersonSummary.objects.filter(user_id=person.pk).delete()
            connection.set_schema_to_public()


def _qr_from_pdf(pdf: bytes) -> str:
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    for image in PdfReader(io.BytesIO(pdf)).pages[0].images:
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
        if found:
            return found[0].text
    raise AssertionError("El PDF no tiene un código QR legible.")


def test_qr_opens_the_verification_page_on_a_phone(issued):
    sync_playwright = pytest.importorskip(
        "playwright.sync_api", reason="Falta playwright (dependencia de desarrollo)."
    ).sync_playwright

    certificate, pdf, port = issued
    scanned = _qr_from_pdf(pdf)
    assert scanned == certificate.verification_url
    parts = urlsplit(scanned)
    url = f"{parts.scheme}://{parts.hostname}:{port}{parts.path}"

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop, sync ORM
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=FLAGS, headless=True
            )
            phone = browser.new_context(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="es-CO",
            )
            page = phone.new_page()
            page.goto(url)
            verdict = page.locator(".verdict").inner_text()
            facts = page.locator(".certificate-facts").inner_text()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > window.innerWidth"
            )
            page.screenshot(
                path=str(Path(settings.DATA_DIR) / "verificacion-movil.png")
            )
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    assert "Certificado válido" in verdict
    assert "Luz Dary Muñoz" in facts
    assert "Datos abiertos para la veeduría" in facts
    assert certificate.code in facts
    assert not overflow  # nothing wider than the phone
