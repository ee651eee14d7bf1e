"""A learner answers the lab of a lesson on a 360 px phone, wrong then right.

Chromium (Debian's, through Playwright), no JavaScript needed by the page: the
learner opens the lesson, answers with a known mistake and gets its message,
answers again right and sees «¡Aprobó!». Everything is committed in a locality
made for this module and dropped at the end. Screenshots go to
``DATA_DIR/screenshots`` for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from courses import api as courses_api
from open_data_labs import api
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import (
    SCROLLS,
    chromium,
    collect_problems,
    live_server,
    needs_chromium,
    new_context,
)

from .test_lesson_labs import TURNOUT, lab_value

SPEC = LocalitySpec(schema_name="test_lesson_lab", name="Tunjuelito", slug="tj")
HOST = "tj-lab.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs_chromium]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.contrib.auth import get_user_model

    from courses.models import LessonPage

    folder = tmp_path_factory.mktemp("lesson-lab")
    people = get_user_model().objects
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "MEDIA_ROOT", str(folder / "media"))
        patch.setattr(django_settings, "OPEN_DATA_CACHE_DIR", folder / "cache", False)
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            learner = people.create_user(
                username="aprendiz-lab", email="aprendiz-lab@example.org",
                password=PASSWORD,
            )  # fmt: skip
        with tenants_api.in_locality(SPEC.schema_name):
            api.create_dataset("Participación 2018", key="participacion")
            api.upload_snapshot("participacion", TURNOUT.encode(), filename="p.csv")
            courses_api.create_course(
                "Datos electorales", key="lab-tel", completion_min_score=75
            )
            courses_api.add_module("lab-tel", "Participación", key="lab-tel-m1")
            raw = api.prepare_lab_block(lab_value("participacion"))
            courses_api.add_lesson(
                "lab-tel-m1", "Laboratorio", key="lab-tel-l1", body=[("lab", raw)]
            )
            url = LessonPage.objects.get(key="lab-tel-l1").url
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {"url": f"http://{HOST}:{port}", "lesson": url, "folder": folder}
        finally:
            connection.set_schema_to_public()
            from reporting.models import LearnerCourse, LearnerDay, PersonSummary
            from tenants.models import Locality

            with tenants_api.in_public_schema():
                for model in (LearnerCourse, LearnerDay, PersonSummary):
                    model.objects.filter(user_id=learner.pk).delete()
            # Wagtail's profile of the person lives in the locality's schema.
            with tenants_api.in_locality(SPEC.schema_name):
                people.filter(pk=learner.pk).delete()
            connection.set_schema_to_public()
            for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
                locality.delete(force_drop=True)
            shutil.rmtree(folder, ignore_errors=True)


def _answer(page, answers: list[str]) -> None:
    for n, text in enumerate(answers, start=1):
        page.fill(f"[name=respuesta-{n}]", text)
    with page.expect_navigation():
        page.click(".lab-form button[type=submit]")


def test_a_learner_answers_the_lab_wrong_then_right_on_a_phone(site, settings):
    # The module's files, not the per-test folders of conftest's autouse fixture.
    settings.MEDIA_ROOT = str(site["folder"] / "media")
    settings.OPEN_DATA_CACHE_DIR = site["folder"] / "cache"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = new_context(
            browser, viewport={"width": 360, "height": 740}, java_script_enabled=False
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        problems = collect_problems(page)
        page.goto(site["url"] + "/cuenta/ingresar/?next=" + site["lesson"])
        page.fill("input[name=username]", "aprendiz-lab")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form [type=submit]")
        page.goto(site["url"] + site["lesson"])
        assert page.locator(".lab-activity fieldset").count() == 4

        # A known mistake: the voters, not the share; the total is not a place.
        _answer(
            page,
            ["341.912", "Total Bogota", "Suba\nKennedy\nBosa", "SELECT * FROM datos"],
        )
        text = page.locator(".lab-activity").inner_text()
        assert "Acertó 1 de 4." in text and "Aún no aprueba" in text
        assert "Ese es el número de votantes, no el porcentaje." in text
        assert "«Total Bogota» es la ciudad entera, no una localidad." in text
        assert "que no son localidades: «CARCELES» y «Total Bogota»" in text
        assert page.input_value("[name=respuesta-1]") == "341.912"
        assert not page.evaluate(SCROLLS)
        page.screenshot(
            path=str(SCREENSHOTS / "lesson-lab-360-wrong.png"), full_page=True
        )

        _answer(
            page,
            [
                "53,8",
                "Suba",
                "Suba\nKennedy\nBosa",
                "SELECT * FROM datos WHERE lugar NOT IN ('CARCELES', 'Total Bogota')",
            ],
        )
        text = page.locator(".lab-activity").inner_text()
        assert "Acertó 4 de 4." in text and "¡Aprobó!" in text
        assert "Bien: 53,8 %." in text
        assert not page.evaluate(SCROLLS)
        page.screenshot(
            path=str(SCREENSHOTS / "lesson-lab-360-right.png"), full_page=True
        )

        desk = new_context(browser, viewport={"width": 1280, "height": 900})
        wide = desk.new_page()
        wide.goto(site["url"] + site["lesson"])
        wide.screenshot(path=str(SCREENSHOTS / "lesson-lab-1280.png"), full_page=True)
    # Chromium asks for /favicon.ico by itself; the site has none.
    real = [p for p in problems if "favicon" not in p and "404 (Not Found)" not in p]
    assert not real, problems
