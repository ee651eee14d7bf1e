"""Workshops in Chromium at 360 and 1280 px: a locality manager opens a past
session, ticks barrios (only Kennedy's), saves, and sees the barrios reached on
the workshops screen and on the locality's dashboard beside the monitoring
funnel. Nothing scrolls sideways, no console errors. Screenshots go to
``DATA_DIR/screenshots``.

The site runs on a server thread with its own connections, so this module
commits its rows and removes them at the end.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from lms.learning import api as learning_api
from lms.learning.models import Cohort, CourseRule, InPersonSession
from lms.locality_roles.api import Role, grant_role
from monitoring import api as monitoring_api
from monitoring.models import Workshop
from reporting.models import LocalityBarrioCoverage, LocalityMonitoringFunnel
from reporting.monitoring_panels import record_monitoring_funnel
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

HOST = "kennedy-talleres.localhost"
SCHEMA = "test_kennedy"
COURSE = "taller-navegador"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs_chromium]


def _seed(manager_id: int) -> int:
    """A past session of a group in Kennedy, already a workshop with 20
    barrios (call inside Kennedy); returns the session id."""
    learning_api.set_course_rule(
        COURSE, version=1, title="Taller de prueba", url="/", lessons=[]
    )
    today = timezone.localdate()
    cohort = learning_api.create_cohort(
        COURSE,
        "Inteligencia colectiva (navegador)",
        facilitator_id=manager_id,
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=20),
        capacity=30,
    )
    starts = timezone.now() - timedelta(days=3)
    session = learning_api.schedule_session(
        cohort.cohort_id,
        "Taller: prioridades del barrio",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Salón comunal",
    )
    codes = [b.code for _upz, group in monitoring_api.barrio_choices() for b in group]
    monitoring_api.record_workshop(
        session.session_id, recorded_by=manager_id, barrio_codes=codes[:20]
    )
    return session.session_id


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    people = get_user_model().objects
    with django_db_blocker.unblock():
        with tenants_api.in_public_schema():
            manager = people.create_user(username="gestora-talleres", password="x")
            Domain.objects.create(
                domain=HOST, tenant=Locality.objects.get(schema_name=SCHEMA)
            )
        client = Client(HTTP_HOST=HOST)
        with tenants_api.in_locality(SCHEMA):
            grant_role(manager.pk, Role.LOCALITY_MANAGER)
            session_id = _seed(manager.pk)
            client.force_login(manager)
        with tenants_api.in_public_schema():
            infra = monitoring_api.InvestmentLine.INFRASTRUCTURE.value
            record_monitoring_funnel(
                SCHEMA,
                [
                    monitoring_api.FunnelLine(infra, 6, 14, 9, 5),
                    monitoring_api.FunnelLine("", 6, 14, 9, 5),
                ],
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "session": client.cookies["sessionid"].value,
                    "session_id": session_id,
                }
        finally:
            with tenants_api.in_locality(SCHEMA):
                Workshop.objects.all().delete()
                InPersonSession.objects.filter(cohort__course_key=COURSE).delete()
                Cohort.objects.filter(course_key=COURSE).delete()
                CourseRule.objects.filter(course_key=COURSE).delete()
                # The account's Wagtail profile and role live in Kennedy's schema.
                people.filter(pk=manager.pk).delete()
            connection.set_schema_to_public()
            LocalityBarrioCoverage.objects.filter(schema_name=SCHEMA).delete()
            LocalityMonitoringFunnel.objects.filter(schema_name=SCHEMA).delete()
            Domain.objects.filter(domain=HOST).delete()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)])
def test_a_manager_records_barrios_and_sees_them_on_the_dashboard(site, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = new_context(browser, viewport={"width": width, "height": height})
        context.add_cookies(
            [{"name": "sessionid", "value": site["session"], "url": site["url"]}]
        )
        page = context.new_page()
        problems = collect_problems(page)

        page.goto(f"{site['url']}/admin/seguimiento/talleres/{site['session_id']}/")
        assert page.locator("input[name=barrios]").count() == 102
        # Twenty recorded before (one more if the other width ran first).
        assert page.locator("input[name=barrios]:checked").count() >= 20
        page.screenshot(path=str(SCREENSHOTS / f"taller-formulario-{width}.png"))
        # One more barrio of Patio Bonito, ticked by its label.
        page.get_by_label("Ciudad de Cali 004607").set_checked(True)
        reached = page.locator("input[name=barrios]:checked").count()
        page.screenshot(
            path=str(SCREENSHOTS / f"taller-barrios-{width}.png"), full_page=False
        )
        page.get_by_role("button", name="Guardar taller").click()
        page.wait_for_url("**/admin/seguimiento/talleres/")
        summary = page.locator(".workshop-coverage").inner_text()
        assert f"{reached} de 102 barrios" in summary
        assert not page.evaluate(SCROLLS), f"talleres scrolls sideways at {width}"
        page.screenshot(path=str(SCREENSHOTS / f"talleres-{width}.png"), full_page=True)

        page.goto(f"{site['url']}/tablero/#talleres")
        panel = page.locator(".workshop-summary").inner_text()
        assert f"{reached} de 102 barrios alcanzados" in panel
        assert "meta: 50 % (51 barrios)" in panel
        funnel = page.locator("table.monitoring-funnel").inner_text()
        assert "Infraestructura" in funnel and "14" in funnel
        assert not page.evaluate(SCROLLS), f"tablero scrolls sideways at {width}"
        page.screenshot(
            path=str(SCREENSHOTS / f"tablero-seguimiento-{width}.png"), full_page=True
        )
        # Browsers ask for /favicon.ico on their own (the platform has none).
        failed = [p for p in problems if p[:3].isdigit()]
        only_favicon = all("/favicon.ico" in p for p in failed)
        assert [
            p
            for p in problems
            if "/favicon.ico" not in p
            and not (only_favicon and "Failed to load resource" in p)
        ] == []
        context.close()
