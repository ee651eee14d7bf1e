"""The dashboards in Chromium at 360 and 1280 px: nothing scrolls sideways, the
charts name courses by title and localities whole, the civic funnel is drawn,
no console errors. Screenshots go to ``DATA_DIR/screenshots``.

The site runs on a server thread with its own connections, so the figures are
committed: this module records them through ``reporting.api`` and removes them
(and the counts they moved) at the end.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from lms.locality_roles.api import Role, grant_role
from participation import api as participation_api
from reporting import api, facet_tallies, models
from reporting.civic_breakdowns import record_funnel_breakdown
from reporting.civic_funnel import record_locality_funnel
from tenants import api as tenants_api
from tenants.models import Domain, Locality
from tests.browser import (
    SCROLLS,
    chromium,
    collect_problems,
    live_server,
    needs_chromium,
    new_context,
)

HOST = "campus-tablero.localhost"
KENNEDY, BOSA = "test_kennedy", "test_bosa"
COURSES = {
    "pp": "Presupuestos participativos: cómo se decide la inversión local",
    "veedurias": "Veedurías ciudadanas y control social de la contratación",
    "datos": "Datos abiertos",
}
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
# The size in CSS px at which each chart's text is drawn.
CHART_TEXT_PX = """
svgs => svgs.flatMap(svg => [...svg.querySelectorAll("text")].map(
  t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))
"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs_chromium]


def _seed() -> list[int]:
    """60 people in Kennedy and Bosa with answers, courses, completions today."""
    today = timezone.localdate()
    now = timezone.now()
    users = list(range(900_001, 900_061))
    genders = itertools.cycle(["mujer", "hombre", "mujer", "no_binario", ""])
    for n, user in enumerate(users):
        api.record_person_profile(
            user,
            gender=next(genders),
            birth_date=today.replace(year=today.year - 16 - n % 50),
            ethnic_group="afrocolombiano" if n % 6 == 0 else "",
        )
        schema = KENNEDY if n % 3 else BOSA
        course = list(COURSES)[n % 3]
        api.record_enrollment(
            schema, user, course_key=course, occurred_at=now - timedelta(weeks=n % 8)
        )
        if n % 2:
            done = now - timedelta(weeks=n % 4)
            api.record_completion(schema, user, course_key=course, occurred_at=done)
            api.record_certificate(schema, user, course_key=course, occurred_at=done)
    for key, title in COURSES.items():
        models.CourseTitle.objects.create(course_key=key, title=title)
    record_locality_funnel(
        KENNEDY,
        participation_api.FunnelCounts(eligible=14, applied=11, selected=7, in_role=6),
    )
    entries = [
        participation_api.FunnelEntry(
            user,
            "Veedor/a ciudadano/a",
            "ambiental" if n % 2 else "",
            True,
            n < 11,
            n < 7,
            n < 6,
        )
        for n, user in enumerate(users[:14])
    ]
    record_funnel_breakdown(KENNEDY, entries)
    api.set_target(people=100)
    return users


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    people = get_user_model().objects
    with django_db_blocker.unblock():
        with tenants_api.in_public_schema():
            users = _seed()
            manager = people.create_user(username="gestora-tablero", password="x")
            Domain.objects.create(
                domain=HOST, tenant=Locality.objects.get(schema_name="campus")
            )
        client = Client(HTTP_HOST=HOST)
        with tenants_api.in_locality("campus"):
            grant_role(manager.pk, Role.PROGRAM_MANAGER)
            client.force_login(manager)
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "session": client.cookies["sessionid"].value,
                }
        finally:
            connection.set_schema_to_public()
            with tenants_api.in_locality("campus"):
                people.filter(pk=manager.pk).delete()
            connection.set_schema_to_public()
            Domain.objects.filter(domain=HOST).delete()
            for model in (models.LearnerCourse, models.PersonSummary):
                model.objects.filter(user_id__in=users).delete()
            models.PersonProfile.objects.filter(user_id__in=users).delete()
            models.CourseTitle.objects.filter(course_key__in=COURSES).delete()
            models.LocalityFunnel.objects.filter(schema_name=KENNEDY).delete()
            models.FunnelBreakdown.objects.filter(schema_name=KENNEDY).delete()
            models.Target.objects.filter(schema_name="").delete()
            with transaction.atomic():
                facet_tallies.rebuild_all_tallies(timezone.localdate())


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)])
def test_dashboards_fit_and_name_things(site, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = new_context(browser, viewport={"width": width, "height": height})
        context.add_cookies(
            [{"name": "sessionid", "value": site["session"], "url": site["url"]}]
        )
        page = context.new_page()
        problems = collect_problems(page)
        for name, path in (
            ("ciudad", "/tablero/"),
            ("kennedy", f"/tablero/localidad/{KENNEDY}/"),
        ):
            page.goto(site["url"] + path)
            assert page.locator("h1").inner_text().startswith("Tablero")
            assert not page.evaluate(SCROLLS), f"{name} scrolls sideways at {width}"
            charts = page.locator("svg.chart")
            text = " ".join(
                charts.evaluate_all("svgs => svgs.map(svg => svg.textContent)")
            )
            assert "Del certificado al rol" in page.content()
            assert page.locator('select[name="genero"] option').count() >= 5
            if name == "ciudad":
                assert "Veedurías ciudadanas y control social de" in text
                assert "Kennedy" in text
            # Every label as drawn (its size times the chart's scale): readable
            # on a phone, not oversized on a desktop.
            sizes = charts.evaluate_all(CHART_TEXT_PX)
            assert sizes, "the charts have text"
            assert min(sizes) >= 12, f"{name}: chart text under 12 px at {width}"
            assert max(sizes) <= 20, f"{name}: chart text over 20 px at {width}"
            page.screenshot(
                path=str(SCREENSHOTS / f"tablero-{name}-{width}.png"), full_page=True
            )
        # Browsers ask for /favicon.ico on their own (the platform has none yet)
        # and the console's «Failed to load resource» line does not name it:
        # that line is let through only while no other address failed.
        failed = [p for p in problems if p[:3].isdigit()]
        only_favicon = all("/favicon.ico" in p for p in failed)
        assert [
            p
            for p in problems
            if "/favicon.ico" not in p
            and not (only_favicon and "Failed to load resource" in p)
        ] == []
        context.close()
