"""In headless Chromium at 360 px: a veeduría member corrects a returned report,
attaching a shared open-data lab result as evidence, and downloads the
veeduría's founding record; once published, anyone sees the evidence table at
360 and 1280 px without sideways scrolling. No CSP violation or console error.

The site runs live on its own thread, in a locality of its own removed at the
end. Screenshots are kept under ``DATA_DIR/screenshots``.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from lms.locality_roles import api as roles_api
from lms.locality_roles.data import Role
from monitoring import api
from open_data_labs import api as labs_api
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

from .conftest import answers_for

SPEC = LocalitySpec(
    schema_name="test_veeduria_evidencia",
    name="Kennedy",
    slug="kennedy-evidencia",
    code=8,
)
HOST = "kennedy-evidencia.localhost"
PASSWORD = "clave-segura-1"
SCREENSHOTS = Path(django_settings.DATA_DIR) / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    people = get_user_model().objects
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            member = people.create_user(
                username="veedora-evidencia", email="veedora-evidencia@example.org",
                password=PASSWORD, first_name="Luz Marina", last_name="Cárdenas",
                document_type="CC", document_number="52999888",
            )  # fmt: skip
            facilitator = people.create_user(
                username="facilitador-evidencia", email="fac-evidencia@example.org",
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
            dataset = labs_api.create_dataset(
                "Contratos de parques de Kennedy con un título largo para un teléfono",
                description="Contratos del Fondo de Desarrollo Local.",
                licence="CC BY-SA 4.0",
                source_url="https://datosabiertos.bogota.gov.co/dataset/contratos",
                publisher="Alcaldía Local de Kennedy",
            )
            labs_api.upload_snapshot(
                dataset.key,
                (
                    b"upz,contratista_con_nombre_muy_largo,valor_contratado_en_pesos\n"
                    b"UPZ82,Constructora de Parques y Senderos del Sur SAS,1450000000\n"
                    b"UPZ80,Consorcio Juegos Infantiles Corabastos 2026,250000000\n"
                ),
                filename="contratos.csv",
            )
            report, _ = api.submit_report(
                project.code,
                author_id=member.pk,
                idempotency_key=api.new_idempotency_key(),
                observed_progress="30",
                checklist=answers_for(project.line),
                verdict=api.Verdict.PARTIALLY_MET,
                observations="Los senderos están a medias.",
            )
            api.return_report(
                report.report_uuid,
                reviewer_id=facilitator.pk,
                reason="Sustente el avance con los contratos del laboratorio.",
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "member": member,
                    "facilitator": facilitator,
                    "report": report,
                    "veeduria": veeduria,
                    "lab": f"http://{HOST}:{port}/datos/{dataset.key}/v1/laboratorio/"
                    "?c=upz&c=contratista_con_nombre_muy_largo"
                    "&c=valor_contratado_en_pesos",
                }
        finally:
            connection.set_schema_to_public()
            from tenants.models import Locality

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


def test_a_returned_report_is_corrected_with_evidence_and_shown_to_all(site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    uuid = site["report"].report_uuid
    with chromium() as browser:
        phone = _signed_in(browser, site, site["member"], PHONE)
        phone.goto(site["url"] + "/seguimiento/mis-proyectos/")
        link = phone.locator("text=Acta de constitución (PDF)")
        status, kind, head = phone.evaluate(
            """async (url) => {
                const r = await fetch(url);
                const bytes = new Uint8Array(await r.arrayBuffer());
                return [r.status, r.headers.get("content-type"),
                        String.fromCharCode(...bytes.slice(0, 4))];
            }""",
            link.get_attribute("href"),
        )
        assert (status, kind, head) == (200, "application/pdf", "%PDF")
        phone.click("text=Corregir y reenviar")
        phone.wait_for_load_state()
        assert "Sustente el avance" in phone.inner_text("main")
        phone.fill("#observed_progress", "35")
        phone.fill("#evidence", site["lab"])
        phone.screenshot(
            path=SCREENSHOTS / "reporte-correccion-360.png", full_page=True
        )
        assert not phone.evaluate(SCROLLS)
        phone.click("form.report-form button[type=submit]")
        phone.wait_for_url(f"**/seguimiento/reportes/{uuid}/")
        text = phone.inner_text("main")
        assert "Versiones anteriores" in text and "Evidencia de datos abiertos" in text
        assert not phone.evaluate(SCROLLS)
        assert _real(phone.problems) == []

        with tenants_api.in_locality(SPEC.schema_name):
            api.publish_report(uuid, reviewer_id=site["facilitator"].pk)
        connection.set_schema_to_public()

        for name, viewport in (("360", PHONE), ("1280", DESKTOP)):
            page = new_context(browser, viewport=viewport).new_page()
            problems = collect_problems(page)
            page.goto(site["url"] + f"/seguimiento/reportes/{uuid}/")
            table = page.locator("figure.evidence table")
            assert table.is_visible()
            assert "Constructora de Parques" in table.inner_text()
            assert "Versiones anteriores" not in page.inner_text("main")
            assert not page.evaluate(SCROLLS), name
            page.screenshot(
                path=SCREENSHOTS / f"reporte-evidencia-{name}.png", full_page=True
            )
            assert _real(problems) == []
