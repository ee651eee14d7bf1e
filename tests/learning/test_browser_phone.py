"""A signed-in learner on a 360 px phone: the home page and a course page fit the
screen (no horizontal scroll), show the account menu, and the menu opens without
JavaScript; no console errors or CSP violations. Screenshots at 360 and 1280 px
are kept under ``DATA_DIR/screenshots`` for a person to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from courses import api as courses_api
from lms.learning import api as learning_api
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

SPEC = LocalitySpec(schema_name="test_phone_menu", name="Ciudad Bolívar", slug="cb")
HOST = "cb-menu.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A locality with a course half read by a learner, served live."""
    from django.contrib.auth import get_user_model

    from courses.models import CoursePage

    people = get_user_model().objects
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            learner = people.create_user(
                username="aprendiz-menu", email="aprendiz-menu@example.org",
                password=PASSWORD, first_name="María Fernanda", last_name="Quintero",
            )  # fmt: skip
        with tenants_api.in_locality(SPEC.schema_name):
            courses_api.create_course(
                "Presupuestos participativos y rendición de cuentas en la localidad",
                key="pp-menu",
                summary="Cómo se decide y se vigila la inversión local.",
                completion_min_score=70,
            )
            courses_api.add_module("pp-menu", "Primeros pasos", key="pp-m1")
            for n in (1, 2, 3):
                courses_api.add_lesson("pp-m1", f"Lección {n}", key=f"pp-l{n}")
            learning_api.record_lesson_view(learner.pk, "pp-menu", "pp-l1")
            course_url = CoursePage.objects.get(key="pp-menu").url
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "learner": learner,
                    "course_url": course_url,
                }
        finally:
            connection.set_schema_to_public()
            from tenants.models import Locality

            # The lesson view's events reached the city-wide reporting tables.
            with tenants_api.in_public_schema():
                from reporting.models import LearnerCourse, LearnerDay, PersonSummary

                for model in (LearnerCourse, LearnerDay, PersonSummary):
                    model.objects.filter(user_id=learner.pk).delete()
            with tenants_api.in_locality(SPEC.schema_name):
                people.filter(pk=learner.pk).delete()
            connection.set_schema_to_public()
            for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
                locality.delete(force_drop=True)
            for root in (
                django_settings.MEDIA_ROOT,
                django_settings.PRIVATE_MEDIA_ROOT,
            ):
                shutil.rmtree(Path(root) / SPEC.schema_name, ignore_errors=True)


def _signed_in(browser, site, viewport):
    context = new_context(browser, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(site["url"] + "/cuenta/ingresar/")
    page.fill("input[name=username]", site["learner"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.problems = collect_problems(page)
    return page


def _real(problems: list[str]) -> list[str]:
    # Browsers ask for /favicon.ico on their own; the platform has none yet.
    return [p for p in problems if "favicon.ico" not in p]


def test_home_and_course_page_fit_a_phone_and_show_the_account_menu(site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = _signed_in(browser, site, {"width": 360, "height": 740})
        for name, path in (("inicio", "/"), ("curso", site["course_url"])):
            page.goto(site["url"] + path)
            menu = page.locator("nav.account details.account-menu")
            assert menu.is_visible(), path
            assert not page.evaluate(SCROLLS), path
            page.screenshot(path=SCREENSHOTS / f"menu-{name}-360.png", full_page=True)
            # The disclosure opens with a tap, no script needed, and still fits.
            menu.locator("summary").click()
            for label in ("Mi aprendizaje", "Mis certificados", "Mis datos", "Salir"):
                assert menu.get_by_text(label, exact=True).is_visible(), label
            assert not page.evaluate(SCROLLS), path
            page.screenshot(path=SCREENSHOTS / f"menu-{name}-360-abierto.png")
        assert page.get_by_role("link", name="Continuar").is_visible()
        assert _real(page.problems) == []
        page.context.close()

        wide = _signed_in(browser, site, {"width": 1280, "height": 800})
        wide.goto(site["url"] + "/")
        assert not wide.evaluate(SCROLLS)
        wide.screenshot(path=SCREENSHOTS / "menu-inicio-1280.png", full_page=True)
        wide.goto(site["url"] + site["course_url"])
        wide.locator("details.account-menu summary").click()
        assert not wide.evaluate(SCROLLS)
        wide.screenshot(path=SCREENSHOTS / "menu-curso-1280-abierto.png")
        assert _real(wide.problems) == []
        wide.context.close()
