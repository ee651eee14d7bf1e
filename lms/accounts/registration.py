"""Registration and correction of a person's own data (Ley 1581: rectificación).

One account per identity document and per email (case-insensitive): a second
registration is refused with a message that says how to recover the first,
without revealing anything about the account that holds the document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import validation
from .changes import announce_changed
from .consent import record_policy_acceptance
from .data import PersonData
from .errors import RegistrationError
from .identity_keys import new_username
from .models import User as _User
from .people import person_data
from .residence import resolve_locality

__all__ = ["register_person", "update_person"]


@transaction.atomic
def register_person(
    *,
    first_name: str,
    last_name: str,
    email: str,
    password: str | None,
    document_type: str,
    document_number: str,
    residence: str,
    birth_date: date | None,
    policy_version: str | None = None,
    registered_in: str = "",
) -> PersonData:
    """Create a person's city-wide account, or raise ``RegistrationError``.

    ``password=None`` leaves the password unusable (the person sets it through the
    password-reset mail). ``policy_version``: the data-processing policy the person
    accepted on the form (recorded with the time); ``registered_in``: the schema of
    the site where the account is created. Nothing is stored when any field is
    refused.
    """
    with tenants_api.in_public_schema():
        fields = _clean_identity(
            first_name=first_name,
            last_name=last_name,
            email=email,
            document_type=document_type,
            document_number=document_number,
            residence=residence,
            birth_date=birth_date,
        )
        _refuse_duplicates(
            fields["document_type"], fields["document_number"], fields["email"]
        )
        user = _User(username=new_username(), registered_in=registered_in, **fields)
        user.password = make_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # A registration with the same document or email won the race.
            _refuse_duplicates(
                fields["document_type"], fields["document_number"], fields["email"]
            )
            raise
        if policy_version:
            record_policy_acceptance(
                user.pk, version=policy_version, site=registered_in
            )
        announce_changed([user.pk])
        return person_data(user)


@transaction.atomic
def update_person(
    user_id: int,
    *,
    first_name: str,
    last_name: str,
    email: str,
    residence: str,
    birth_date: date | None,
) -> PersonData:
    """Correct a person's data (Ley 1581: derecho de rectificación).

    The identity document is not editable here: it is what keeps one account per
    person; a wrong one is corrected by the platform team. Changing the email
    marks it unverified again.
    """
    with tenants_api.in_public_schema():
        user = _User.objects.select_for_update().get(pk=user_id)
        fields = _clean_identity(
            first_name=first_name,
            last_name=last_name,
            email=email,
            # Not editable here; platform accounts (dev "admin") have none.
            document_type=None,
            document_number=None,
            residence=residence,
            birth_date=birth_date,
        )
        if (
            _User.objects.filter(email__iexact=fields["email"])
            .exclude(pk=user.pk)
            .exists()
        ):
            raise RegistrationError(
                {"email": _("Ese correo ya pertenece a otra cuenta. Use otro correo.")}
            )
        if fields["email"] != user.email:
            user.email_verified_at = None
        for name in ("first_name", "last_name", "email", "birth_date"):
            setattr(user, name, fields[name])
        user.residence_locality_id = fields["residence_locality_id"]
        user.save(
            update_fields=[
                "first_name",
                "last_name",
                "email",
                "birth_date",
                "residence_locality",
                "email_verified_at",
            ]
        )
        announce_changed([user.pk])
        return person_data(user)


def _clean_identity(**raw: Any) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    today = timezone.localdate()
    checks = [
        (
            "first_name",
            lambda: validation.clean_name(raw["first_name"], what=_("nombres")),
        ),
        (
            "last_name",
            lambda: validation.clean_name(raw["last_name"], what=_("apellidos")),
        ),
        ("email", lambda: validation.clean_email(raw["email"])),
        ("residence_locality_id", lambda: resolve_locality(raw["residence"])),
        (
            "birth_date",
            lambda: validation.clean_birth_date(raw["birth_date"], today=today),
        ),
    ]
    for name, check in checks:
        try:
            fields[name] = check()
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    if raw["document_type"] is not None:
        try:
            fields["document_type"] = validation.clean_document_type(
                raw["document_type"]
            )
            fields["document_number"] = validation.clean_document_number(
                fields["document_type"], raw["document_number"]
            )
        except ValidationError as exc:
            name = "document_number" if "document_type" in fields else "document_type"
            errors[name] = exc.messages[0]
    if errors:
        raise RegistrationError(errors)
    return fields


def _refuse_duplicates(document_type: str, document_number: str, email: str) -> None:
    same_document = _User.objects.filter(
        document_type=document_type, document_number=document_number
    ).first()
    if same_document is not None:
        raise RegistrationError(
            {
                # Says nothing about the account (not even a masked email):
                # anyone may type a document number here.
                "document_number": _(
                    "Este documento ya está registrado. Una persona tiene una sola "
                    "cuenta en toda Bogotá: si es suya, ingrese con su documento o "
                    "su correo, o recupere el acceso con «¿Olvidó su contraseña?». "
                    "Si no recuerda el correo, escriba a la mesa de ayuda de la "
                    "Escuela."
                )
            }
        )
    if _User.objects.filter(email__iexact=email).exists():
        raise RegistrationError(
            {
                "email": _(
                    "Ya existe una cuenta con este correo. Si es suya, ingrese o "
                    "recupere la contraseña con «¿Olvidó su contraseña?»."
                )
            }
        )
