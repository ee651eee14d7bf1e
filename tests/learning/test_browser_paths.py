"""In Chromium at 360 and 1280 px: the home page's learning paths with a
learner's progress, the path page, and a facilitator's «Agregar personas» fit
the screen with no console errors. Screenshots are kept under
``DATA_DIR/screenshots`` for a person to look at."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from courses import api as courses_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
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

SPEC = LocalitySpec(schema_name="test_paths_live", name="Tunjuelito", slug="tunj")
HOST = "tunj-paths.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
SIZES = ((360, 740), (1280, 800))

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs_chromium]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    from courses.models import LearningPathPage

    people = get_user_model().objects
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            learner = people.create_user(
                username="aprende-ruta", email="aprende-ruta@example.org",
                password=PASSWORD, first_name="Ángela", last_name="Muñoz",
                registered_in=SPEC.schema_name,
            )  # fmt: skip
            facilitator = people.create_user(
                username="facilita-ruta", email="facilita-ruta@example.org",
                password=PASSWORD, first_name="Rocío", last_name="Díaz",
            )  # fmt: skip
        with tenants_api.in_locality(SPEC.schema_name):
            roles_api.grant_role(facilitator.pk, roles_api.Role.FACILITATOR)
            for key, title in (
                ("ruta-a", "Presupuestos participativos y rendición de cuentas"),
                ("ruta-b", "Datos abiertos para la veeduría ciudadana"),
            ):
                courses_api.create_course(title, key=key)
                courses_api.add_module(key, "Módulo", key=f"{key}-m")
                for n in (1, 2):
                    courses_api.add_lesson(f"{key}-m", f"Lección {n}", key=f"{key}-{n}")
            courses_api.create_learning_path(
                "Ruta de la veeduría local", course_keys=["ruta-a", "ruta-b"], key="rv"
            )
            learning_api.record_lesson_view(learner.pk, "ruta-a", "ruta-a-1")
            today = timezone.localdate()
            cohort = courses_api.open_cohort(
                "ruta-b", "Grupo martes", facilitator_id=facilitator.pk,
                starts_on=today, ends_on=today + timedelta(days=30), capacity=20,
            )  # fmt: skip
            path_url = LearningPathPage.objects.get(key="rv").url
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "learner": learner,
                    "facilitator": facilitator,
                    "path_url": path_url,
                    "people_url": f"/admin/grupos/{cohort.cohort_id}/personas/",
                }
        finally:
            connection.set_schema_to_public()
            from tenants.models import Locality

            ids = [learner.pk, facilitator.pk]
            with tenants_api.in_public_schema():
                from reporting.models import LearnerCourse, LearnerDay, PersonSummary

                for model in (LearnerCourse, LearnerDay, PersonSummary):
                    model.objects.filter(user_id__in=ids).delete()
            with tenants_api.in_locality(SPEC.schema_name):
                people.filter(pk__in=ids).delete()
            connection.set_schema_to_public()
            for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
                locality.delete(force_drop=True)
            for root in (
                django_settings.MEDIA_ROOT,
                django_settings.PRIVATE_MEDIA_ROOT,
            ):
                shutil.rmtree(Path(root) / SPEC.schema_name, ignore_errors=True)


def _signed_in(browser, site, person, size):
    context = new_context(browser, viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(site["url"] + "/cuenta/ingresar/")
    page.fill("input[name=username]", person.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.problems = collect_problems(page)
    return page


def _real(problems):
    return [p for p in problems if "favicon.ico" not in p]


def test_paths_and_adding_people_fit_phone_and_desktop(site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for size in SIZES:
            page = _signed_in(browser, site, site["learner"], size)
            page.goto(site["url"] + "/")
            card = page.locator("section[aria-labelledby=rutas] .card")
            assert "25 % · 0 de 2 cursos aprobados" in card.inner_text()
            assert not page.evaluate(SCROLLS)
            page.screenshot(
                path=SCREENSHOTS / f"inicio-rutas-{size[0]}.png", full_page=True
            )
            card.get_by_role("link", name="Ruta de la veeduría local").click()
            page.wait_for_load_state()
            assert page.url.endswith(site["path_url"])
            assert "En curso · 50 %" in page.inner_text("main")
            assert not page.evaluate(SCROLLS)
            page.screenshot(path=SCREENSHOTS / f"ruta-{size[0]}.png", full_page=True)
            assert _real(page.problems) == []
            page.context.close()

            staff = _signed_in(browser, site, site["facilitator"], size)
            staff.goto(site["url"] + site["people_url"])
            staff.fill("#people-q", "angela munoz")  # the sidebar has a search too
            staff.press("#people-q", "Enter")
            staff.wait_for_load_state()
            assert "Ángela Muñoz" in staff.inner_text("table")
            assert not staff.evaluate(SCROLLS)
            staff.screenshot(
                path=SCREENSHOTS / f"agregar-personas-{size[0]}.png", full_page=True
            )
            if size[0] == 1280:
                staff.get_by_role("button", name="Agregar a Ángela Muñoz").click()
                staff.wait_for_load_state()
                assert "Ángela Muñoz quedó en el grupo «Grupo martes»." in (
                    staff.inner_text("body")
                )
            assert _real(staff.problems) == []
            staff.context.close()
