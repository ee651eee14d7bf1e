"""In Chromium at 360 and 1280 px: the home page's learning paths with a
learner's progress, the path page, and a facilitator's «Agregar personas» fit
the screen with no console errors; every cohort screen has its one main heading
(axe-core). Screenshots are kept under ``DATA_DIR/screenshots`` for a person to
look at."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from courses import api as courses_api
from lms.learning import api as learning_api
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import (
    SCROLLS,
    axe_findings,
    chromium,
    live_locality,
    needs_chromium,
    signed_in_page,
)

SPEC = LocalitySpec(schema_name="test_paths_live", name="Tunjuelito", slug="tunj")
HOST = "tunj-paths.localhost"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
SIZES = ((360, 740), (1280, 800))
# Findings a person using a screen reader or a keyboard cannot work around.
BLOCKING = ("critical", "serious")

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs_chromium]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    from courses.models import LearningPathPage

    with live_locality(SPEC, HOST, django_db_blocker) as town:
        learner = town.add_person(
            "aprende-ruta", first_name="Ángela", last_name="Muñoz",
            registered_in=SPEC.schema_name,
        )  # fmt: skip
        facilitator = town.add_person(
            "facilita-ruta", first_name="Rocío", last_name="Díaz"
        )
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
        with town.serving() as url:
            yield {
                "url": url,
                "learner": learner,
                "facilitator": facilitator,
                "path_url": path_url,
                "people_url": f"/admin/grupos/{cohort.cohort_id}/personas/",
                "cohort_screens": [
                    "/admin/grupos/",
                    "/admin/grupos/nuevo/",
                    f"/admin/grupos/{cohort.cohort_id}/sesiones/nueva/",
                    f"/admin/grupos/{cohort.cohort_id}/personas/",
                ],
            }


def _signed_in(browser, site, person, size):
    viewport = {"width": size[0], "height": size[1]}
    return signed_in_page(browser, site["url"], person.username, viewport=viewport)


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
            assert page.problems == []
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
            assert staff.problems == []
            staff.context.close()


def test_each_cohort_screen_has_one_main_heading(site):
    """A screen reader user jumps to the page's title by its level-one heading."""
    with chromium() as browser:
        staff = _signed_in(browser, site, site["facilitator"], SIZES[1])
        for path in site["cohort_screens"]:
            staff.goto(site["url"] + path)
            staff.wait_for_load_state("networkidle")

            findings = axe_findings(staff)

            assert staff.locator("h1").count() == 1, path
            assert "page-has-heading-one" not in findings, (path, findings)
            assert not [
                rule for rule, impact in findings.items() if impact in BLOCKING
            ], (path, findings)
        assert staff.problems == []
        staff.context.close()
