"""Spanish is the source language: the es catalogs repeat each msgid (ADR 0021).

Run by ``make messages`` after ``makemessages``. Every ``es`` entry gets its
msgid as msgstr (each plural form its msgid or msgid_plural), and loses a fuzzy
mark, which there could only be a wrong guess from a similar string. Both ``es``
and ``en`` catalogs get a clean header (language, no fuzzy mark), so msgfmt keeps
their plural forms.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SOURCE_LANGUAGE = "es"
_SKIPPED = {".venv", "node_modules", ".data", ".git"}


class Command(BaseCommand):
    help = (
        "Copia cada msgid en su msgstr en los catálogos es (el español es la fuente)."
    )

    def handle(self, *args, **options):
        for path in _catalogs(Path(settings.BASE_DIR)):
            language = path.parent.parent.name
            catalog = polib.pofile(str(path), wrapwidth=0)
            catalog.metadata["Language"] = language
            catalog.metadata_is_fuzzy = False
            if language == SOURCE_LANGUAGE:
                _repeat_source(catalog)
            catalog.save()


def _catalogs(base: Path) -> list[Path]:
    return sorted(
        path
        for path in base.rglob("locale/*/LC_MESSAGES/django.po")
        if not _SKIPPED & set(path.relative_to(base).parts)
    )


def _repeat_source(catalog: polib.POFile) -> None:
    found = re.search(r"nplurals=(\d+)", catalog.metadata.get("Plural-Forms", ""))
    plural_forms = int(found.group(1)) if found else 2
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
        if entry.msgid_plural:
            entry.msgstr_plural = {
                form: entry.msgid if form == 0 else entry.msgid_plural
                for form in range(plural_forms)
            }
        else:
            entry.msgstr = entry.msgid
