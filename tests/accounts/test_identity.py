"""One account per person city-wide: registration, duplicates, bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from lms.accounts import api


def _count() -> int:
    return get_user_model().objects.count()


def test_registration_normalizes_document_and_email(register):
    person = register(
        document_number="1.023.456.789",
        email="Ana.Rojas@Example.ORG",
        residence="Kennedy",
    )
    assert person.document_number == "1023456789"
    assert person.email == "ana.rojas@example.org"
    assert person.residence_schema == "test_kennedy"
    assert person.is_email_verified is False
    user = get_user_model().objects.get(pk=person.user_id)
    assert user.check_password("clave-segura-1")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")


def test_same_document_is_refused_even_living_in_another_locality(register):
    first = register(document_number="79123456", residence="kennedy")
    before = _count()
    with pytest.raises(api.RegistrationError) as refused:
        register(
            document_number="79.123.456", residence="bosa", email="otra@example.org"
        )
    message = refused.value.errors["document_number"]
    assert "Este documento ya está registrado" in message
    assert "¿Olvidó su contraseña?" in message
    # Anyone may type a document: the answer tells nothing about the account.
    assert "@" not in message and first.email not in message
    assert _count() == before


def test_email_is_unique_without_regard_to_case(register):
    register(email="maria@example.org")
    with pytest.raises(api.RegistrationError) as refused:
        register(email="MARIA@example.org")
    assert "Ya existe una cuenta con este correo" in refused.value.errors["email"]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("document_number", "12A45678", "caracteres que no son dígitos"),
        ("document_number", "12", "entre 3 y 10"),
        ("document_number", "0000000", "no es válido"),
        ("document_type", "RC", "no existe"),
        ("residence", "Atlántida", "La localidad «Atlántida» no existe"),
        ("email", "ana@", "no es válido"),
        ("birth_date", timezone.localdate() + timedelta(days=2), "está en el futuro"),
        ("birth_date", date(1890, 1, 1), "no es plausible"),
        (
            "birth_date",
            timezone.localdate() - timedelta(days=365 * 8),
            "desde los 14 años",
        ),
        ("birth_date", None, "Falta la fecha de nacimiento"),
    ],
)
def test_bad_input_is_refused_in_spanish_and_stores_nothing(
    register, field, value, fragment
):
    before = _count()
    with pytest.raises(api.RegistrationError) as refused:
        register(**{field: value})
    key = "document_number" if field == "document_number" else field
    key = "residence_locality_id" if field == "residence" else key
    assert fragment in refused.value.errors[key]
    assert _count() == before


def test_the_campus_is_not_a_place_of_residence(register):
    with pytest.raises(api.RegistrationError):
        register(residence="campus")


def test_foreign_documents_accept_letters(register):
    person = register(document_type="pasaporte", document_number="ab-123456")
    assert (person.document_type, person.document_number) == ("PA", "AB123456")


def test_correction_keeps_the_document_and_rechecks_email(register):
    person = register()
    other = register()
    with pytest.raises(api.RegistrationError):
        api.update_person(
            person.user_id,
            first_name="Ana",
            last_name="Rojas",
            email=other.email.upper(),
            residence="bosa",
            birth_date=date(1990, 5, 31),
        )
    fixed = api.update_person(
        person.user_id,
        first_name="Ana Lucía",
        last_name="Rojas",
        email="nueva@example.org",
        residence="Bosa",
        birth_date=date(1991, 5, 31),
    )
    assert fixed.first_name == "Ana Lucía"
    assert fixed.residence_schema == "test_bosa"
    assert fixed.document_number == person.document_number


def test_platform_accounts_without_document_can_correct_their_data(make_person):
    admin = make_person()
    fixed = api.update_person(
        admin.pk,
        first_name="Equipo",
        last_name="Plataforma",
        email=admin.email,
        residence="kennedy",
        birth_date=date(1980, 1, 1),
    )
    assert (fixed.document_type, fixed.document_number) == ("", "")
    assert fixed.residence_schema == "test_kennedy"
