"""Public verification pages, published documents and the holder's downloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from certificates import api
from courses import api as courses_api
from lms.portal import views as portal_views
from tenants import api as tenants_api


def test_verification_page_shows_a_valid_certificate(certificate, client_a):
    response = client_a.get(f"/certificados/verificar/{certificate.code}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Certificado válido" in page
    assert "Ana María Pérez Gómez" in page
    assert "Presupuestos participativos" in page
    assert "12,5 horas" in page
    assert 'name="viewport"' in page  # phone-sized layout from base.html
    assert "@example.org" not in page  # only what the certificate shows


SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


def test_one_hour_is_singular_and_the_month_is_lower_case(holder, in_town_a, client_a):
    course = courses_api.create_course(
        "Taller de una hora", key="taller-una-hora", estimated_hours=1
    )
    certificate = api.issue_certificate(
        holder.pk,
        course_key=course.key,
        course_version=course.version,
        completed_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
    )
    day = timezone.localtime(certificate.issued_at)
    written = f"{day.day} de {SPANISH_MONTHS[day.month - 1]} de {day.year}"

    page = client_a.get(f"/certificados/verificar/{certificate.code}/").text
    client_a.force_login(holder)
    mine = client_a.get("/certificados/mis-certificados/").text

    assert "<dd>1 hora</dd>" in page and "1 horas" not in page
    assert f"<dd>{written}</dd>" in page
    assert f"1 hora · {written}" in mine


def test_typed_code_is_normalized(certificate, client_a):
    typed = " " + certificate.code.lower() + " "

    response = client_a.get("/certificados/verificar/", {"codigo": typed}, follow=True)

    assert "Certificado válido" in response.content.decode()


def test_revoked_certificate_shows_reason_and_date(certificate, client_a):
    api.revoke_certificate(certificate.code, reason="Se detectó suplantación")

    page = client_a.get(f"/certificados/verificar/{certificate.code}/").content.decode()

    assert "Certificado revocado" in page
    assert "Se detectó suplantación" in page
    assert "revocado el 20" in page


def test_unknown_and_malformed_codes_say_why(in_town_a, client_a):
    unknown = client_a.get("/certificados/verificar/KENNEDY-2222-3333/")
    malformed = client_a.get("/certificados/verificar/%3Cscript%3E/")

    assert unknown.status_code == 404
    assert "No existe un certificado con ese código en Kennedy" in (
        unknown.content.decode()
    )
    assert malformed.status_code == 404
    assert "no tiene el formato" in malformed.content.decode()
    assert "<script>" not in malformed.content.decode()


def test_code_from_another_locality_points_there(certificate, client_b):
    response = client_b.get(f"/certificados/verificar/{certificate.code}/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "no es de Bosa" in page
    assert "lo emitió Kennedy" in page
    assert "http://kennedy.test/certificados/verificar/" in page
    assert "Ana María" not in page  # nothing of Kennedy's certificate leaks


def test_issuer_profile_and_key_are_published(in_town_a, client_a):
    profile = json.loads(client_a.get("/certificados/emisor/").content)
    [key] = profile["verificationMethod"]
    key_id = key["id"].rsplit("#", 1)[1]
    alone = json.loads(client_a.get(f"/certificados/emisor/claves/{key_id}/").content)

    assert profile["id"] == "http://kennedy.test/certificados/emisor/"
    assert profile["assertionMethod"] == [key["id"]]
    assert key["type"] == "Multikey"
    assert key["publicKeyMultibase"].startswith("z6Mk")
    assert alone["publicKeyMultibase"] == key["publicKeyMultibase"]
    assert client_a.get("/certificados/emisor/claves/nada/").status_code == 404


def test_holder_downloads_pdf_and_json_others_cannot(
    certificate, holder, client_a, make_person
):
    assert (
        client_a.get(f"/certificados/{certificate.uuid}/certificado.pdf").status_code
        == 302
    )

    client_a.force_login(make_person())
    assert (
        client_a.get(f"/certificados/{certificate.uuid}/certificado.pdf").status_code
        == 404
    )
    assert (
        client_a.get(f"/certificados/{certificate.uuid}/credencial.json").status_code
        == 404
    )

    client_a.force_login(holder)
    pdf = client_a.get(f"/certificados/{certificate.uuid}/certificado.pdf")
    mine = client_a.get("/certificados/mis-certificados/").content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Presupuestos participativos" in mine
    assert f"/certificados/{certificate.uuid}/credencial.json" in mine


def test_credential_page_reports_altered_json(certificate, holder, client_a):
    client_a.force_login(holder)
    text = client_a.get(
        f"/certificados/{certificate.uuid}/credencial.json"
    ).content.decode()
    altered = text.replace("Kennedy", "Kennedi", 1)

    valid = client_a.post("/certificados/verificar-credencial/", {"credencial": text})
    bad = client_a.post("/certificados/verificar-credencial/", {"credencial": altered})
    junk = client_a.post("/certificados/verificar-credencial/", {"credencial": "{{{"})

    assert "Credencial válida" in valid.content.decode()
    assert "alterada" in bad.content.decode()
    assert "no es JSON" in junk.content.decode()


def test_pasted_verification_address_finds_the_certificate(certificate, client_a):
    pasted = f"http://kennedy.test/certificados/verificar/{certificate.code}/"

    response = client_a.get("/certificados/verificar/", {"codigo": pasted})

    assert response.status_code == 302
    assert response["Location"] == f"/certificados/verificar/{certificate.code}/"
    page = client_a.get(response["Location"]).content.decode()
    assert "Certificado válido" in page


def test_text_with_a_slash_that_is_no_code_is_refused_in_spanish(in_town_a, client_a):
    for typed in ("https://kennedy.test/", "certificado/<x>", "/ /"):
        response = client_a.get("/certificados/verificar/", {"codigo": typed})

        page = response.content.decode()
        assert response.status_code == 400, typed
        assert "no es un código de certificado válido" in page
        assert "<x>" not in page  # what was typed is escaped


def test_pdf_is_in_private_storage_and_no_media_address_serves_it(
    certificate, holder, client_a, settings, town_a
):
    from django.core.files.storage import default_storage

    from certificates.models import Certificate

    stored = Certificate.objects.get(uuid=certificate.uuid).pdf
    public_copy = Path(default_storage.path(stored.name))
    assert Path(stored.path).is_file()
    assert Path(stored.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT / town_a)
    assert not public_copy.exists()
    assert not Path(stored.path).is_relative_to(settings.MEDIA_ROOT)
    client_a.force_login(holder)
    # Neither the media address the file would have had nor its private path.
    for url in (
        f"/media/{town_a}/{stored.name}",
        f"/private-media/{town_a}/{stored.name}",
    ):
        assert client_a.get(url).status_code == 404
    # The media view `make run` mounts (DEBUG) does not find it either.
    request = RequestFactory().get(f"/media/{town_a}/{stored.name}")
    with pytest.raises(Http404):
        portal_views.locality_media(request, town_a, stored.name)


def test_locality_staff_who_see_certificates_get_the_pdf_others_do_not(
    certificate, client_a, client_b, make_person, town_a, town_b
):
    from django.contrib.auth.models import Permission

    url = f"/certificados/{certificate.uuid}/certificado.pdf"
    staff = make_person()
    with tenants_api.in_locality(town_a):  # permissions are per locality
        staff_a = staff.__class__.objects.get(pk=staff.pk)
        staff_a.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="certificates", codename="view_certificate"
            )
        )
    anonymous = client_a.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/cuenta/ingresar/")

    client_a.force_login(staff)
    pdf = client_a.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]
    # The same person in another locality is nobody there; the address is unknown.
    with tenants_api.in_locality(town_b):  # sessions are kept per locality
        client_b.force_login(staff)
    assert client_b.get(url).status_code == 404
