"""Names are printed on certificates: control characters are refused at entry."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lms.accounts import api

from .test_import import _csv


def _count() -> int:
    return get_user_model().objects.count()


def test_registration_refuses_a_control_character_in_the_names(register):
    before = _count()
    with pytest.raises(api.RegistrationError) as refused:
        register(first_name="Ana\x0bMaría", last_name="Rojas\x7f")

    assert refused.value.errors["first_name"] == (
        "Los nombres contienen un carácter de control invisible (U+000B). "
        "Bórrelo y vuelva a escribir los nombres."
    )
    assert "(U+007F)" in refused.value.errors["last_name"]
    assert _count() == before


def test_tab_and_newline_still_become_spaces(register):
    person = register(first_name="Ana\tMaría\n", last_name="Rojas\r\nGómez")

    user = get_user_model().objects.get(pk=person.user_id)
    assert (user.first_name, user.last_name) == ("Ana María", "Rojas Gómez")


def test_correction_refuses_a_control_character(register):
    person = register()

    with pytest.raises(api.RegistrationError) as refused:
        api.update_person(
            person.user_id,
            first_name="Ana\x01",
            last_name="Rojas",
            email=person.email,
            residence="kennedy",
            birth_date=person.birth_date,
        )

    assert "(U+0001)" in refused.value.errors["first_name"]


def test_import_rejects_the_row_with_the_reason(db):
    row = "Ana\x1bMaría,Ruiz,ana.ruiz@example.org,CC,80999111,Kennedy,1990-01-01"

    preview = api.preview_participants(_csv(row), filename="jornada.csv")

    assert preview.rejected_lines == [2]
    [error] = preview.errors
    assert "carácter de control invisible (U+001B)" in error.message
