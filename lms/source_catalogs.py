"""Spanish is the source language: the es catalogs repeat each msgid (ADR 0021).

``python -m lms.source_catalogs``, run by ``make messages`` after ``makemessages``.
Every ``es`` entry gets its msgid as msgstr (each plural form its msgid or
msgid_plural) and loses a fuzzy mark, which there could only be a wrong guess from
a similar string. Both ``es`` and ``en`` catalogs get a clean header (language, no
fuzzy mark, no stamp of the run's hour), so a run that finds nothing new changes
nothing. No Django settings needed: it only
reads and writes the ``.po`` files of this repository.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "es"
_SKIPPED = {".venv", "node_modules", ".data", ".git"}


def main() -> int:
    for path in catalogs(BASE_DIR):
        language = path.parent.parent.name
        catalog = polib.pofile(str(path), wrapwidth=0)
        catalog.metadata["Language"] = language
        # makemessages stamps the hour of every run: without it, a run that finds no
        # new string changes no file, and parallel branches do not conflict on it.
        catalog.metadata.pop("POT-Creation-Date", None)
        catalog.metadata_is_fuzzy = False
        if language == SOURCE_LANGUAGE:
            repeat_source(catalog)
        catalog.save()
    return 0


def catalogs(base: Path) -> list[Path]:
    """Every django.po of the repository, outside dependencies and local data."""
    return sorted(
        path
        for path in base.rglob("locale/*/LC_MESSAGES/django.po")
        if not _SKIPPED & set(path.relative_to(base).parts)
    )


def repeat_source(catalog: polib.POFile) -> None:
    """Make each entry of a Spanish catalog say its own msgid, never fuzzy."""
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


if __name__ == "__main__":
    sys.exit(main())
