"""The monitoring catalogs: Spanish complete and equal to its sources, English
complete, and a page read in English really is in English.

The ``.mo`` files are built by the install step, not kept in git, so the test
compiles the catalogs itself (GNU ``msgfmt``, which ``compilemessages`` needs
too) into a temporary folder.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from monitoring import api
from tenants import api as tenants_api

from .conftest import kennedy_project

LOCALE = Path(api.__file__).resolve().parent / "locale"

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="Falta msgfmt (paquete gettext)."
)


def _compile(tmp_path: Path, language: str) -> Path:
    target = tmp_path / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    source = LOCALE / language / "LC_MESSAGES" / "django.po"
    report = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", target / "django.mo", source],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "fuzzy" not in report and "untranslated" not in report, report
    return target / "django.mo"


def test_the_spanish_catalog_is_its_own_sources(tmp_path):
    with _compile(tmp_path, "es").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    entries = {k: v for k, v in catalog.items() if k}
    assert len(entries) > 300
    for msgid, msgstr in entries.items():
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        if isinstance(msgid, tuple):  # a plural form: (singular, index)
            continue
        assert msgstr == source, source


def test_the_english_catalog_translates_everything(tmp_path):
    with _compile(tmp_path, "en").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    same = [k for k, v in catalog.items() if k and v == k and not isinstance(k, tuple)]
    # Names and codes read the same in both languages; sentences never do.
    assert all(len(text.split()) <= 3 for text in same), same


def test_a_project_page_in_english(tmp_path, settings, client_a, town_a):
    _compile(tmp_path, "en")
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    with tenants_api.in_locality(town_a):
        kennedy_project(progress="35")
    connection.set_schema_to_public()
    # The site speaks Spanish first; English is chosen with the language cookie.
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client_a.get("/seguimiento/")
    assert page.status_code == 200
    assert "Official progress" in page.text
    assert "No citizen reports published yet." in page.text
    assert "In progress" in page.text  # the project's status, from data.py
    with translation.override("en"):
        with pytest.raises(api.ReportError) as refused:
            api.submit_report(
                "X", author_id=1, idempotency_key="nada", observed_progress="1",
                checklist={}, verdict="met",
            )  # fmt: skip
    assert "The form is incomplete" in str(refused.value)
