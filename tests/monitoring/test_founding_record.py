"""The veeduría's founding record (Ley 850 de 2003, art. 3) drafted as a PDF:
its text read back from the file, who may download it, and where it is kept."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from pypdf import PdfReader

from lms.locality_roles.data import Role
from monitoring import api
from monitoring.models import Veeduria
from tenants import api as tenants_api


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def veeduria(town_a, make_person):
    ana = make_person(
        first_name="Ana María",
        last_name="Rodríguez",
        document_type="CC",
        document_number="52123456",
    )
    luis = make_person(
        first_name="Luis",
        last_name="Gómez",
        document_type="CE",
        document_number="998877",
    )
    with tenants_api.in_locality(town_a):
        row = api.register_veeduria(
            "Veeduría Parques de Patio Bonito",
            purpose="Vigilar la ejecución del parque vecinal de Patio Bonito.",
            territorial_level="Local",
            duration="Un año",
            residence="Barrio Patio Bonito, Kennedy",
            founded_on=date(2026, 3, 2),
            registered_with=api.RegistrationBody.PERSONERIA,
            registration_number="PER-2026-0415",
            registered_on=date(2026, 3, 20),
            member_ids=[ana.pk, luis.pk],
        )
    connection.set_schema_to_public()
    return row, ana, luis


def test_the_pdf_carries_every_fact_of_article_3_in_spanish(veeduria, town_a, settings):
    row, _ana, _luis = veeduria
    settings.LANGUAGE_CODE = "es-co"
    with tenants_api.in_locality(town_a):
        content, filename = api.founding_record_pdf(row.veeduria_id)
    assert content.startswith(b"%PDF")
    assert filename == f"acta-constitucion-veeduria-{row.veeduria_id}.pdf"
    text = pdf_text(content)
    for expected in (
        "Acta de constitución de veeduría ciudadana",
        "Ley 850 de 2003, artículo 3",
        "Veeduría Parques de Patio Bonito",
        "Vigilar la ejecución del parque vecinal de Patio Bonito.",
        "Nivel territorial Local",
        "Duración Un año",
        "Barrio Patio Bonito, Kennedy",
        "2 de marzo de 2026",
        "Personería, número PER-2026-0415",
        "Ana María Rodríguez",
        "CC 52123456",
        "Luis Gómez",
        "CE 998877",
        "Kennedy",
    ):
        assert expected in text, expected


def test_it_is_kept_in_private_storage_and_redrawn_only_after_a_change(
    veeduria, town_a
):
    row, _ana, _luis = veeduria
    with tenants_api.in_locality(town_a):
        first, _ = api.founding_record_pdf(row.veeduria_id)
        stored = Veeduria.objects.get(pk=row.veeduria_id)
        assert stored.founding_record.name.startswith("monitoring/actas/")
        assert tenants_api.private_storage().exists(stored.founding_record.name)
        name = stored.founding_record.name
        again, _ = api.founding_record_pdf(row.veeduria_id)
        assert Veeduria.objects.get(pk=row.veeduria_id).founding_record.name == name
        assert again == first
        stored.duration = "Dos años"
        stored.save()
        changed, _ = api.founding_record_pdf(row.veeduria_id)
        assert "Duración Dos años" in pdf_text(changed)
        assert Veeduria.objects.get(pk=row.veeduria_id).founding_record.name != name
        assert api.founding_record_pdf(row.veeduria_id + 999) is None


def test_members_and_staff_download_it_nobody_else(
    veeduria, town_a, client_a, client_b, make_person, staff
):
    row, ana, _luis = veeduria
    url = f"/seguimiento/veedurias/{row.veeduria_id}/acta-de-constitucion.pdf"
    assert client_a.get(url).status_code == 302  # sign in first
    client_a.force_login(ana)
    got = client_a.get(url)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Cache-Control"] == "private, no-store"
    assert "attachment" in got["Content-Disposition"]
    assert "Ana María Rodríguez" in pdf_text(got.content)
    assert (
        "Acta de constitución (PDF)" in client_a.get("/seguimiento/mis-proyectos/").text
    )

    stranger = make_person()
    outsider = client_a.__class__(HTTP_HOST="kennedy.test")
    with tenants_api.in_locality(town_a):
        outsider.force_login(stranger)
    assert outsider.get(url).status_code == 404
    # A member of Kennedy's veeduría finds nothing on Bosa's site.
    with tenants_api.in_locality("test_bosa"):
        client_b.force_login(ana)
    assert client_b.get(url).status_code == 404

    for role in (Role.LOCALITY_MANAGER, Role.ADMINISTRATOR, Role.FACILITATOR):
        assert staff(role).get(url).status_code == 200, role
    assert staff(Role.TRAINER).get(url).status_code == 404
    assert staff(Role.LOCALITY_MANAGER, "test_bosa").get(url).status_code == 404
