"""Our translation catalogs: which apps have one, where it is, what the code asks for.

Each Django app of ours keeps ``<app>/locale/{es,en}/LC_MESSAGES/django.po``;
``lms`` itself holds the project-level strings (``lms/templates``, settings) in
``lms/locale`` (``LOCALE_PATHS``). ADR 0021.
"""

from __future__ import annotations

import shutil
from contextlib import chdir
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_APP = "lms"
# Never scanned for strings: dependencies installed inside an app.
_NOT_SOURCE = ("locale", "node_modules", "__pycache__")


def our_apps() -> list[str]:
    """Every installed app whose code lives in this repository, plus ``lms``."""
    found = {PROJECT_APP}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(BASE_DIR) and ".venv" not in path.parts:
            found.add(path.relative_to(BASE_DIR).as_posix())
    return sorted(found)


def catalog_path(app: str, language: str) -> Path:
    return BASE_DIR / app / "locale" / language / "LC_MESSAGES" / "django.po"


def load_catalog(app: str, language: str) -> polib.POFile:
    path = catalog_path(app, language)
    assert path.exists(), (
        f"{path.relative_to(BASE_DIR)} no existe: corra `make messages`"
    )
    return polib.pofile(str(path))


def templates_of(app: str) -> list[Path]:
    """The app's own templates (for ``lms``, the project-level ``lms/templates``)."""
    folder = BASE_DIR / app / "templates"
    return sorted(p for p in folder.rglob("*") if p.suffix in {".html", ".txt"})


def entry_key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def extract_from_code(app: str, workdir: Path) -> set[tuple[str, str, str]]:
    """The strings ``makemessages`` finds in the app's code today.

    Runs on a copy of the app, so the committed catalogs stay untouched; for
    ``lms``, its sub-apps (each with its own catalog) are left out.
    """
    source = BASE_DIR / app
    copy = workdir / Path(app).name
    # Sub-apps (``lms/accounts``, ``participation/citywide``) keep their own
    # catalogs, so their strings are not the parent's.
    sub_apps = {path.parent.name for path in source.glob("*/apps.py")}

    def leave_out(folder: str, names: list[str]) -> set[str]:
        skipped = set(_NOT_SOURCE)
        if Path(folder) == source:
            skipped |= sub_apps
        return skipped & set(names)

    shutil.copytree(source, copy, ignore=leave_out)
    (copy / "locale").mkdir()
    with chdir(copy), override_settings(LOCALE_PATHS=[]):
        call_command("makemessages", locale=["es"], verbosity=0, no_obsolete=True)
    extracted = copy / "locale" / "es" / "LC_MESSAGES" / "django.po"
    if not extracted.exists():
        return set()
    return {entry_key(e) for e in polib.pofile(str(extracted)) if not e.obsolete}
