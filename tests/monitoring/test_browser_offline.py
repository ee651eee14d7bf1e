"""The whole chain in headless Chromium at 360 px: a veeduría member files a report
with a photo while offline, it is sent when the connection returns (stored
once), a facilitator publishes it, and the public page shows it beside the
official figure with the gap flagged. No CSP violation or console error.

The site runs live on its own thread, so the data is committed in a locality
of its own and removed at the end. Screenshots (360 and 1280 px) are kept under
``DATA_DIR/screenshots`` for a person to look at.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from monitoring import api
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

from .conftest import jpeg_with_gps

# Kennedy's official code (8) gives the locality its real UPZ and barrios.
SPEC = LocalitySpec(
    schema_name="test_veeduria_movil", name="Kennedy", slug="kennedy-movil", code=8
)
HOST = "kennedy-movil.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
PHONE = {"width": 360, "height": 740}
# What sticks out, to say so when a page scrolls sideways.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.outerHTML.slice(0, 80))"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A locality with a project watched by a veeduría, served live."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            member = people.create_user(
                username="veedora-movil", email="veedora-movil@example.org",
                password=PASSWORD, first_name="Luz Marina", last_name="Cárdenas",
            )  # fmt: skip
            facilitator = people.create_user(
                username="facilitador-movil", email="facilitador-movil@example.org",
                password=PASSWORD, first_name="Andrés", last_name="Rojas",
            )  # fmt: skip
        with tenants_api.in_locality(SPEC.schema_name):
            roles_api.grant_role(facilitator.pk, Role.FACILITATOR)
            project = api.create_project(
                "KEN-PP24-02",
                "Parque vecinal Ciudad de Cali: senderos y juegos",
                line=api.InvestmentLine.INFRASTRUCTURE,
                spending_concept="Construcción y dotación de parques vecinales",
                budget="$ 1.450.000.000",
                upz_code="UPZ82",
                barrio_code="004607",
                status="en_ejecucion",
                progress="60",
                progress_as_of=date(2026, 10, 31),
            )
            veeduria = api.register_veeduria(
                "Veeduría Parques de Patio Bonito",
                purpose="Parques vecinales de la UPZ Patio Bonito",
                territorial_level="Local",
                duration="Un año",
                residence="Kennedy, Bogotá",
                founded_on=date(2026, 2, 1),
                registered_with=api.RegistrationBody.PERSONERIA,
                registration_number="PB-2026-0147",
                registered_on=date(2026, 2, 20),
                member_ids=[member.pk],
            )
            api.assign_project(
                project.code,
                assigned_by=facilitator.pk,
                veeduria_id=veeduria.veeduria_id,
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "member": member,
                    "facilitator": facilitator,
                    "project": project,
                }
        finally:
            connection.set_schema_to_public()
            from tenants.models import Locality

            # Deleted from the locality: Wagtail's profiles live in its schema.
            with tenants_api.in_locality(SPEC.schema_name):
                people.filter(pk__in=[member.pk, facilitator.pk]).delete()
            connection.set_schema_to_public()
            for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
                locality.delete(force_drop=True)
            for root in (
                django_settings.MEDIA_ROOT,
                django_settings.PRIVATE_MEDIA_ROOT,
            ):
                shutil.rmtree(Path(root) / SPEC.schema_name, ignore_errors=True)


def _signed_in(browser, site, person, viewport):
    context = new_context(browser, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(site["url"] + "/cuenta/ingresar/")
    page.fill("input[name=username]", person.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    page.problems = collect_problems(page)
    return page


def _real(problems: list[str]) -> list[str]:
    return [p for p in problems if "favicon.ico" not in p]


def _reports():
    with tenants_api.in_locality(SPEC.schema_name):
        from monitoring.models import CitizenReport

        rows = list(CitizenReport.objects.prefetch_related("photos"))
    connection.set_schema_to_public()
    return rows


def _fill_report(page, site):
    code = site["project"].code
    page.goto(site["url"] + f"/seguimiento/proyectos/{code}/reportar/")
    page.fill("#observed_progress", "30")
    for key, _question in api.questions_for(api.InvestmentLine.INFRASTRUCTURE):
        page.check(f"input[name=check_{key}][value=parcial]")
    page.check("input[name=verdict][value=partiallyMet]")
    page.fill(
        "#observations", "Los senderos están a medias; los juegos no han llegado."
    )
    page.set_input_files(
        "#photos",
        files=[
            {"name": "obra.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
        ],
    )
    # The photo is read into the draft asynchronously: wait until it is kept.
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('seguimiento-borrador')"
        " && JSON.parse(localStorage.getItem(k)).photos.length === 1)"
    )


def test_a_report_filed_offline_is_sent_on_reconnection_and_published(
    site, monkeypatch
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        phone = _signed_in(browser, site, site["member"], PHONE)
        _fill_report(phone, site)
        phone.screenshot(
            path=SCREENSHOTS / "reporte-formulario-360.png", full_page=True
        )
        assert not phone.evaluate(SCROLLS), phone.evaluate(WIDEST)

        phone.context.set_offline(True)
        phone.click("form.report-form button[type=submit]")
        status = phone.locator("[data-draft-status]")
        status.wait_for(state="visible")
        assert "Sin conexión" in status.inner_text()
        assert _reports() == []  # nothing reached the server
        phone.screenshot(path=SCREENSHOTS / "reporte-sin-conexion-360.png")

        phone.context.set_offline(False)
        phone.wait_for_url("**/seguimiento/reportes/**")
        assert "Enviado, en revisión" in phone.locator("main").inner_text()
        assert phone.evaluate("localStorage.length") == 0
        phone.screenshot(path=SCREENSHOTS / "reporte-enviado-360.png", full_page=True)
        stored = _reports()
        assert len(stored) == 1 and stored[0].photos.count() == 1
        assert _real(phone.problems) == []
        phone.context.close()

        reviewer = _signed_in(
            browser, site, site["facilitator"], {"width": 1280, "height": 800}
        )
        reviewer.goto(site["url"] + f"/admin/seguimiento/reportes/{stored[0].uuid}/")
        reviewer.fill("#public_observations", "Senderos a medias; sin juegos.")
        reviewer.click("button[value=publish]")
        reviewer.wait_for_url("**/admin/seguimiento/reportes/")
        reviewer.context.close()

        public = new_context(browser, viewport=PHONE).new_page()
        problems = collect_problems(public)
        public.goto(site["url"] + f"/seguimiento/proyectos/{site['project'].code}/")
        text = public.locator("main").inner_text()
        assert "Senderos a medias; sin juegos." in text
        assert "Brecha" in text and "30 puntos menos" in text  # 60 official, 30 seen
        image = public.locator(".reports .photos img").first
        image.scroll_into_view_if_needed()
        public.wait_for_function(
            "() => [...document.querySelectorAll('.reports img')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        assert not public.evaluate(SCROLLS)
        public.screenshot(path=SCREENSHOTS / "proyecto-publico-360.png", full_page=True)
        public.set_viewport_size({"width": 1280, "height": 800})
        assert not public.evaluate(SCROLLS)
        public.screenshot(
            path=SCREENSHOTS / "proyecto-publico-1280.png", full_page=True
        )
        assert _real(problems) == []

        # Sixteen business days later nobody at the alcaldía has answered: the
        # morning task escalates it, and the public page says so.
        published_on = timezone.localdate()
        later = api.business_days_after(published_on, 16)
        with monkeypatch.context() as frozen:
            moment = datetime.combine(
                later, time(10), tzinfo=timezone.get_current_timezone()
            )
            frozen.setattr(timezone, "now", lambda: moment)
            with tenants_api.in_locality(SPEC.schema_name):
                assert api.escalate_overdue() == [str(stored[0].uuid)]
            connection.set_schema_to_public()
            public.set_viewport_size(PHONE)
            public.reload()
            assert "el caso se escaló" in public.locator("main").inner_text()
            assert not public.evaluate(SCROLLS)
            public.screenshot(
                path=SCREENSHOTS / "proyecto-escalado-360.png", full_page=True
            )

        # The list page links its open data; the reports' JSON holds the
        # published report with the reviewer's text only.
        public.goto(site["url"] + "/seguimiento/")
        assert not public.evaluate(SCROLLS)
        public.screenshot(path=SCREENSHOTS / "datos-abiertos-360.png", full_page=True)
        public.set_viewport_size({"width": 1280, "height": 800})
        assert not public.evaluate(SCROLLS)
        public.screenshot(path=SCREENSHOTS / "datos-abiertos-1280.png", full_page=True)
        links = public.locator(".open-data a", has_text="JSON")
        reports_json = links.nth(1).get_attribute("href")
        assert reports_json == "/seguimiento/datos/reportes.json"
        reports = public.evaluate(
            "url => fetch(url).then(answer => answer.json())", reports_json
        )["reportes"]
        assert [r["observaciones"] for r in reports] == [
            "Senderos a medias; sin juegos."
        ]
        assert "Luz Marina" not in str(reports)
    assert len(_reports()) == 1  # sent once, however the phone retried
