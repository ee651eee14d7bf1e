"""The app's translation catalogs: Spanish complete and identical to the source
strings, English complete with the same placeholders, nothing fuzzy.

A small reader of the .po format keeps the test free of extra packages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "open_data_labs" / "locale"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


def entries(language: str) -> list[dict[str, str]]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text("utf-8")
    found = []
    for block in text.split("\n\n"):
        entry: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = line
            elif line.startswith(("msgid", "msgstr")):
                key, _space, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if entry.get("msgid"):
            found.append(entry)
    return found


def test_the_catalogs_hold_the_labs_strings():
    ids = {e["msgid"] for e in entries("es")}
    assert len(ids) > 300
    assert (
        "Escriba una sola consulta: se encontraron %(count)s sentencias "
        "separadas por «;»." in ids
    )
    assert ids == {e["msgid"] for e in entries("en")}


def test_spanish_catalog_repeats_the_source_strings():
    for entry in entries("es"):
        assert "fuzzy" not in entry.get("flags", ""), entry
        if "msgid_plural" in entry:
            assert entry["msgstr[0]"] == entry["msgid"]
            assert entry["msgstr[1]"] == entry["msgid_plural"]
        else:
            assert entry["msgstr"] == entry["msgid"]


@pytest.mark.parametrize("form", ["msgstr", "msgstr[0]", "msgstr[1]"])
def test_english_catalog_is_complete_with_the_same_placeholders(form):
    for entry in entries("en"):
        if form not in entry:
            continue
        source = entry["msgid_plural"] if form == "msgstr[1]" else entry["msgid"]
        assert entry[form], f"Sin traducir: {source!r}"
        assert entry[form] != source or not re.search("[áéíóúñ]", source), source
        assert sorted(PLACEHOLDER.findall(entry[form])) == sorted(
            PLACEHOLDER.findall(source)
        ), source
        assert "fuzzy" not in entry.get("flags", ""), source
