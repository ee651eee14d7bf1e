"""The accounts' and certificates' catalogs, and their pages in English.

Spanish is the source language: its catalog repeats every text; the English one
translates each, keeping the named placeholders the code fills in (a missing one
would break the page with a KeyError, a renamed one would show the raw name).
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.catalogs import PLACEHOLDER, ROOT, compile_catalogs, read_po

APPS = ["certificates", "lms/accounts"]
CATALOGS = [
    ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"
    for app in APPS
    for language in ("es", "en")
]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_keeps_placeholders(path):
    header, *entries = read_po(path)
    spanish = "/es/" in str(path)

    assert "fuzzy" not in header.flags
    assert len(entries) > 100
    for entry in entries:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        forms = list(entry.msgstr.values())
        assert "fuzzy" not in entry.flags, entry.msgid
        assert all(forms), f"sin traducir: {entry.msgid!r}"
        if spanish:
            assert forms[0] == entry.msgid
            assert all(form in sources for form in forms), entry.msgid
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, (entry.msgid, form)


@pytest.fixture
def english(tmp_path, settings, client_a):
    """The English switch on, with this branch's catalogs compiled for the test."""
    folders = compile_catalogs(APPS, "en", tmp_path)
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override_settings(LOCALE_PATHS=[*folders, *settings.LOCALE_PATHS]):
        yield client_a


def test_registration_page_and_its_errors_in_english(db, english):
    page = english.get("/cuenta/registro/").text

    assert "Create account" in page
    assert "Citizenship card" in page  # document types come from data.py labels
    assert "Crear cuenta" not in page

    refused = english.post(
        "/cuenta/registro/",
        {
            "first_name": "Camila",
            "last_name": "Suárez",
            "email": "camila@example.org",
            "document_type": "CC",
            "document_number": "0000",
            "residence": "test_bosa",
            "birth_date": "2000-01-15",
            "password1": "una-clave-larga-77",
            "password2": "otra",
        },
    ).text
    assert "The two passwords do not match" in refused
    assert "Without this authorization we cannot create the account" in refused


def test_registration_page_stays_spanish_without_the_switch(db, client_a):
    page = client_a.get("/cuenta/registro/").text

    assert "Crear cuenta" in page
    assert "Cédula de ciudadanía" in page
