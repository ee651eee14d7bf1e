"""Certificate pages follow the English switch; the certificate itself does not.

The PDF and the signed credential are documents of record (ADR 0019): rendered
in the platform's language whoever issues them, so re-issuing from an admin
browsing in English changes nothing a verifier reads.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from certificates import api
from tests.catalogs import compile_catalogs

APPS = ["certificates", "lms/accounts"]


@pytest.fixture
def english_catalogs(tmp_path, settings):
    folders = compile_catalogs(APPS, "en", tmp_path)
    with override_settings(LOCALE_PATHS=[*folders, *settings.LOCALE_PATHS]):
        yield


def test_verification_pages_in_english(english_catalogs, certificate, client_a):
    client_a.cookies["django_language"] = "en"

    valid = client_a.get(f"/certificados/verificar/{certificate.code}/").text
    unknown = client_a.get("/certificados/verificar/KENNEDY-2222-3333/").text

    assert "Valid certificate" in valid
    assert "12.5 hours" in valid  # the number in English form too
    assert "There is no certificate with that code in Kennedy" in unknown
    assert "No existe un certificado" not in unknown


def test_reissue_in_english_keeps_the_credential_in_spanish(
    english_catalogs, certificate, holder
):
    with translation.override("en"):
        assert translation.gettext("Certificado: %(course)s") == (
            "Certificate: %(course)s"
        )
        api.reissue_certificate(certificate.code, reason="Plantilla corregida")
    credential = api.certificate_credential(certificate.uuid, user_id=holder.pk)

    assert credential["name"] == "Certificado: Presupuestos participativos"
    description = credential["credentialSubject"]["achievement"]["description"]
    assert description.startswith("Curso de 12,5 horas")
    assert api.verify_credential(credential).is_valid
