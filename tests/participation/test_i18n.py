"""Every participation string is in the app's catalogs (es-CO source, English
translation), and the English catalog really changes what a person reads."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real

import participation
from participation import api
from tenants import api as tenants_api

LOCALE = Path(participation.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def test_the_spanish_catalog_repeats_each_source_string():
    catalog = _catalog("es")
    assert len(catalog) > 100
    for entry in catalog:
        assert "fuzzy" not in entry.flags, entry.msgid
        if entry.msgid_plural:
            assert entry.msgstr_plural[0] == entry.msgid
            assert set(list(entry.msgstr_plural.values())[1:]) == {entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid


def test_the_english_catalog_translates_everything_and_keeps_placeholders():
    spanish = {entry.msgid for entry in _catalog("es")}
    english = _catalog("en")
    assert {entry.msgid for entry in english} == spanish
    for entry in english:
        assert "fuzzy" not in entry.flags, entry.msgid
        texts = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        for text in texts:
            assert text and text != entry.msgid, entry.msgid
            assert sorted(PLACEHOLDER.findall(text)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.fixture
def english_compiled(tmp_path):
    """The English catalog compiled where Django looks first (the install step
    compiles them for real; .mo files are not in git)."""
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    _catalog("en").save_as_mofile(str(target / "django.mo"))
    trans_real._translations = {}  # the cache of loaded catalogs
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield
    trans_real._translations = {}


def test_rules_and_labels_read_in_english(english_compiled, make_role, person):
    role = make_role()
    user = person(born=None)
    with translation.override("en"), tenants_api.in_locality("test_kennedy"):
        standing = api.eligibility_for(user.pk, role.role_id)
        texts = [result.explanation for result in standing.results]
        assert "You live in this locality." in texts
        assert "Write your date of birth in «Mis datos» so we know your age." in texts
        assert translation.gettext(api.ApplicationStatus.SELECTED) != "Seleccionada"
        assert str(api.DECLARATION_TEXT).startswith("I declare that")
    with translation.override("es-co"):
        assert str(api.DECLARATION_TEXT).startswith("Declaro que")
