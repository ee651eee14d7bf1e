"""A signed-in learner on a 360 px phone: the home page and a course page fit the
screen (no horizontal scroll), show the account menu, and the menu opens without
JavaScript; no console errors or CSP violations. Screenshots at 360 and 1280 px
are kept under ``DATA_DIR/screenshots`` for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from courses import api as courses_api
from lms.learning import api as learning_api
from tenants import api as tenants_api
from tenants.data import LocalitySpec
from tests.browser import (
    SCROLLS,
    chromium,
    live_locality,
    needs_chromium,
    signed_in_page,
)

SPEC = LocalitySpec(schema_name="test_phone_menu", name="Ciudad Bolívar", slug="cb")
HOST = "cb-menu.localhost"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A locality with a course half read by a learner, served live."""
    from courses.models import CoursePage

    with live_locality(SPEC, HOST, django_db_blocker) as town:
        learner = town.add_person(
            "aprendiz-menu", first_name="María Fernanda", last_name="Quintero"
        )
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
        with town.serving() as url:
            yield {"url": url, "learner": learner, "course_url": course_url}


def _signed_in(browser, site, viewport):
    return signed_in_page(
        browser, site["url"], site["learner"].username, viewport=viewport
    )


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
        assert page.problems == []
        page.context.close()

        wide = _signed_in(browser, site, {"width": 1280, "height": 800})
        wide.goto(site["url"] + "/")
        assert not wide.evaluate(SCROLLS)
        wide.screenshot(path=SCREENSHOTS / "menu-inicio-1280.png", full_page=True)
        wide.goto(site["url"] + site["course_url"])
        wide.locator("details.account-menu summary").click()
        assert not wide.evaluate(SCROLLS)
        wide.screenshot(path=SCREENSHOTS / "menu-curso-1280-abierto.png")
        assert wide.problems == []
        wide.context.close()
