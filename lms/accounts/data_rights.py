"""A person's data rights (Ley 1581 de 2012): the download of everything held,
and deletion by anonymization, in every locality.

The apps that stand on accounts answer ``person_data_requested`` with their own
sections and scrub their rows on ``person_anonymized``; both signals are sent
once per locality schema, with that schema active.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt as _AccessAttempt
from axes.models import AccessFailureLog as _AccessFailureLog
from axes.models import AccessLog as _AccessLog
from django.db import transaction
from django.utils import timezone

from tenants import api as tenants_api

from .changes import announce_changed
from .consent import forget_policy_acceptances, policy_acceptances_of
from .models import ConsentRecord as _ConsentRecord
from .models import SensitiveAnswer as _SensitiveAnswer
from .models import User as _User
from .sensitive_data import sensitive_answers_of
from .signals import person_anonymized, person_data_requested

__all__ = ["anonymize_person", "export_person_csv", "export_person_data"]


def export_person_data(user_id: int) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data.

    Account and sensitive data from the public schema; roles and whatever other
    apps answer to ``person_data_requested`` from every locality schema. Keys are
    the download's own field names (stable, in Spanish, like the file names).
    """
    with tenants_api.in_public_schema():
        user = _User.objects.get(pk=user_id)
        consents = list(
            _ConsentRecord.objects.filter(user_id=user_id).order_by("given_at")
        )
        answers = sensitive_answers_of(user_id)
        acceptances = policy_acceptances_of(user_id)
    data: dict[str, Any] = {
        "cuenta": _account_section(user),
        "datos_sensibles": [
            {
                "pregunta": q.value,
                "respuesta": a.answer,
                "autorizado_el": a.consent_given_at.isoformat(),
                "actualizado_el": a.updated_at.isoformat(),
            }
            for q, a in answers.items()
        ],
        "autorizaciones": [
            {
                "pregunta": c.question,
                "finalidad": c.purpose_text,
                "otorgada_el": c.given_at.isoformat(),
                "retirada_el": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ]
        + [
            {
                "autorizacion": "tratamiento_de_datos_personales",
                "version_politica": a.policy_version,
                "otorgada_el": a.accepted_at.isoformat(),
                "otorgada_en": a.accepted_in,
                "retirada_el": a.withdrawn_at.isoformat() if a.withdrawn_at else None,
            }
            for a in acceptances
        ],
        "localidades": _locality_sections(user),
    }
    # Round-trip through JSON so every value is plain (dates, Decimals → text).
    return json.loads(json.dumps(data, default=str))


def _account_section(user: _User) -> dict[str, Any]:
    return {
        "usuario": user.username,
        "nombres": user.first_name,
        "apellidos": user.last_name,
        "correo": user.email,
        "correo_verificado": user.email_verified_at is not None,
        "tipo_documento": user.document_type,
        "numero_documento": user.document_number,
        "localidad_residencia": user.residence_locality_id,
        "fecha_nacimiento": user.birth_date.isoformat() if user.birth_date else None,
        "fecha_registro": user.date_joined.isoformat(),
        "ultimo_ingreso": user.last_login.isoformat() if user.last_login else None,
    }


def _locality_sections(user: _User) -> dict[str, dict[str, Any]]:
    """Per locality: the person's roles there and what its apps answer."""
    sections: dict[str, dict[str, Any]] = {}
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            section: dict[str, Any] = {}
            roles = sorted(user.groups.values_list("name", flat=True))
            if roles:
                section["roles"] = roles
            for _receiver, answer in person_data_requested.send(
                sender=_User, user_id=user.pk, schema_name=schema
            ):
                if isinstance(answer, dict):
                    section.update(answer)
            if section:
                sections[schema] = section
    return sections


def export_person_csv(user_id: int) -> str:
    """The same export as rows: sección, campo, valor (one value per row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["seccion", "campo", "valor"])
    for section, field, value in _flatten(export_person_data(user_id)):
        writer.writerow([section, field, value])
    return out.getvalue()


def _flatten(data: Any, prefix: str = "") -> Iterable[tuple[str, str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _flatten(value, f"{prefix}[{i}]")
    else:
        section, _dot, field = prefix.rpartition(".")
        yield section or prefix, field, "" if data is None else str(data)


@transaction.atomic
def anonymize_person(user_id: int) -> None:
    """Delete a person by anonymization, everywhere, in one transaction.

    The account row stays (id, date joined, locality of residence) so aggregate
    counts survive; name, email, document, date of birth, password, sensitive
    answers, consent records and sign-in attempts go. Then, in every locality
    schema, the person's roles go and ``person_anonymized`` lets the apps there
    scrub their rows. Idempotent.
    """
    with tenants_api.in_public_schema():
        user = _User.objects.select_for_update().get(pk=user_id)
        old_login = {user.username, user.email or ""} - {""}
        _blank_account(user)
        _SensitiveAnswer.objects.filter(user_id=user_id).delete()
        _ConsentRecord.objects.filter(user_id=user_id).delete()
        forget_policy_acceptances(user_id)
        for model in (_AccessAttempt, _AccessLog, _AccessFailureLog):
            model.objects.filter(username__in=old_login).delete()
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            user.groups.clear()
            user.user_permissions.clear()
            person_anonymized.send(sender=_User, user_id=user_id, schema_name=schema)
    announce_changed([user_id])


def _blank_account(user: _User) -> None:
    user.username = f"anonimo-{user.pk}"
    user.first_name = user.last_name = ""
    user.email = None
    user.document_type = user.document_number = ""
    user.birth_date = None
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.email_verified_at = None
    user.last_login = None
    user.anonymized_at = user.anonymized_at or timezone.now()
    user.save()
