"""Every user string of our apps is translatable, and the catalogs keep up (ADR 0021).

Spanish is the source language: each ``es`` entry repeats its msgid, complete and
never fuzzy. The learner journey also needs every ``en`` entry. Catalogs must hold
exactly the strings the code marks today, and templates may show no text outside
the translation tags.
"""

from __future__ import annotations

import pytest

from .catalogs import (
    BASE_DIR,
    catalog_path,
    entry_key,
    extract_from_code,
    load_catalog,
    our_apps,
    templates_of,
)
from .template_text import untranslated_text

# Apps whose strings other branches are marking right now. Each is expected to
# fail these checks until that work is merged: then remove it from this set.
PENDING_APPS: set[str] = set()

# The pages a learner walks through must read in English when English is chosen.
LEARNER_JOURNEY_APPS = {
    "lms",
    "lms/accounts",
    "lms/learning",
    "lms/portal",
    "courses",
    "certificates",
    "h5p",
    "participation",
}


def _apps(among: set[str] | None = None) -> list:
    """Our apps as parameters, the pending ones marked as expected failures."""
    return [
        pytest.param(
            app,
            marks=pytest.mark.xfail(
                reason="strings not marked yet in this branch (PENDING_APPS)"
            )
            if app in PENDING_APPS
            else (),
        )
        for app in our_apps()
        if among is None or app in among
    ]


def test_every_app_of_ours_is_checked():
    """New apps are picked up from INSTALLED_APPS; these must always be among them."""
    assert {"lms", "lms/learning", "lms/portal", "tenants", "courses"} <= set(
        our_apps()
    )
    assert PENDING_APPS <= set(our_apps()), "PENDING_APPS names an unknown app"


def _untranslated(app: str, language: str) -> list[str]:
    catalog = load_catalog(app, language)
    return [
        entry.msgid
        for entry in catalog
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]


@pytest.mark.parametrize("app", _apps())
def test_spanish_catalog_is_complete(app):
    missing = _untranslated(app, "es")
    assert not missing, (
        f"{catalog_path(app, 'es').relative_to(BASE_DIR)}: {len(missing)} entradas "
        f"sin traducir o difusas (corra `make messages`): {missing[:5]}"
    )


@pytest.mark.parametrize("app", _apps())
def test_spanish_catalog_repeats_the_source(app):
    """The source strings are Spanish: an es entry that says something else is a slip."""
    changed = [
        entry.msgid
        for entry in load_catalog(app, "es")
        if not entry.obsolete
        and (
            (entry.msgstr and entry.msgstr != entry.msgid)
            or any(
                text != (entry.msgid if form == 0 else entry.msgid_plural)
                for form, text in entry.msgstr_plural.items()
            )
        )
    ]
    assert not changed, f"{app}: el catálogo es cambia el texto de {changed[:5]}"


@pytest.mark.parametrize("app", _apps(LEARNER_JOURNEY_APPS))
def test_english_catalog_is_complete_for_the_learner_journey(app):
    missing = _untranslated(app, "en")
    assert not missing, (
        f"{catalog_path(app, 'en').relative_to(BASE_DIR)}: {len(missing)} entradas "
        f"sin traducir o difusas: {missing[:5]}"
    )


@pytest.mark.parametrize("app", _apps())
def test_catalogs_hold_exactly_the_strings_of_the_code(app, tmp_path):
    in_code = extract_from_code(app, tmp_path)
    for language in ("es", "en"):
        in_catalog = {
            entry_key(e) for e in load_catalog(app, language) if not e.obsolete
        }
        new = sorted(in_code - in_catalog)
        gone = sorted(in_catalog - in_code)
        assert not new and not gone, (
            f"{catalog_path(app, language).relative_to(BASE_DIR)} está atrasado "
            f"(corra `make messages`): nuevos {new[:5]}, ya no usados {gone[:5]}"
        )


@pytest.mark.parametrize("app", _apps())
def test_templates_show_no_text_outside_translation_tags(app):
    found = [
        str(text) for path in templates_of(app) for text in untranslated_text(path)
    ]
    assert not found, "Texto visible sin {% translate %}:\n" + "\n".join(found)
