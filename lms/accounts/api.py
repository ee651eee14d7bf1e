"""Python API of accounts: the only module other apps import (with data.py).

One city-wide account per person (public schema). Invariants:
- one account per identity document and per email (case-insensitive); a second
  registration is refused with a message that says how to recover the first;
- sensitive answers (Ley 1581 de 2012) exist only while their consent is in force;
- deleting a person anonymizes the account and, through ``person_anonymized``, the
  person's rows in every locality schema, in one transaction; the account row
  stays so that aggregate counts survive.
Functions switch to the public schema themselves; callers may be in any schema.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from axes.models import AccessAttempt as _AccessAttempt
from axes.models import AccessFailureLog as _AccessFailureLog
from axes.models import AccessLog as _AccessLog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import validation
from .consent import (
    PolicyAcceptanceData,
    forget_policy_acceptances,
    policy_acceptances_of,
    record_policy_acceptance,
)
from .data import (
    ANSWER_CHOICES,
    DATA_POLICY_VERSION,
    MIN_CELL,
    PURPOSE_TEXT,
    AgeGroup,
    CountCell,
    ImportPreview,
    ImportResult,
    PersonData,
    Question,
    SensitiveAnswerData,
    age_group,
    age_on,
)
from .identity_keys import mask_document, new_username, normalize_document_login
from .importer import import_file as _import_file
from .importer import preview_file as _preview_file
from .importer import rejected_rows_csv as _rejected_rows_csv
from .models import ConsentRecord as _ConsentRecord
from .models import SensitiveAnswer as _SensitiveAnswer
from .models import User as _User
from .people import find_people_by_email
from .signals import people_changed, person_anonymized, person_data_requested
from .tokens import email_verification_token

__all__ = [
    "DATA_POLICY_VERSION",
    "PolicyAcceptanceData",
    "RegistrationError",
    "anonymize_person",
    "answer_sensitive_question",
    "count_by_age_group",
    "count_sensitive_answers",
    "export_person_csv",
    "export_person_data",
    "find_people_by_email",
    "get_person",
    "import_participants",
    "list_people",
    "mask_document",
    "normalize_document_login",
    "people_changed",
    # Signals other apps connect to (re-exported so api stays their only door).
    "person_anonymized",
    "person_data_requested",
    "policy_acceptances_of",
    "preview_participants",
    "register_person",
    "rejected_rows_csv",
    "resolve_locality",
    "send_verification_email",
    "sensitive_answers_for",
    "sensitive_answers_of",
    "update_person",
    "verify_email",
    "withdraw_consent",
]


class RegistrationError(ValueError):
    """Registration or correction refused; ``errors`` maps field → Spanish message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- Identity ---------------------------------------------------------------------


def resolve_locality(raw: str) -> str:
    """Schema name of one of the 20 localities from its name, slug, code or schema.

    Raises ``ValidationError`` in Spanish when none matches (the campus is not a
    place of residence).
    """
    wanted = validation.fold(str(raw))
    for locality in tenants_api.list_localities(include_campus=False):
        names = {
            validation.fold(locality.name),
            validation.fold(locality.slug or ""),
            validation.fold(locality.schema_name),
            str(locality.code or ""),
        }
        if wanted and wanted in names:
            return locality.schema_name
    raise ValidationError(
        f"La localidad «{raw}» no existe. Escriba el nombre de una de las 20 "
        "localidades de Bogotá (por ejemplo Kennedy o Ciudad Bolívar) o su número."
    )


def get_person(user_id: int) -> PersonData:
    """One person by id, or raise ``User.DoesNotExist``."""
    with tenants_api.in_public_schema():
        return _to_data(_User.objects.get(pk=user_id))


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
        _announce([user.pk])
        return _to_data(user)


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
                {"email": "Ese correo ya pertenece a otra cuenta. Use otro correo."}
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
        _announce([user.pk])
        return _to_data(user)


def _clean_identity(**raw: Any) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    today = timezone.localdate()
    checks = [
        (
            "first_name",
            lambda: validation.clean_name(raw["first_name"], what="nombres"),
        ),
        (
            "last_name",
            lambda: validation.clean_name(raw["last_name"], what="apellidos"),
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
                "email": (
                    "Ya existe una cuenta con este correo. Si es suya, ingrese o "
                    "recupere la contraseña con «¿Olvidó su contraseña?»."
                )
            }
        )


def _to_data(user: _User) -> PersonData:
    return PersonData(
        user_id=user.pk,
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        document_type=user.document_type,
        document_number=user.document_number,
        residence_schema=user.residence_locality_id,
        birth_date=user.birth_date,
        is_email_verified=user.email_verified_at is not None,
        is_anonymized=user.anonymized_at is not None,
        date_joined=user.date_joined,
    )


def list_people(user_ids: list[int] | None = None) -> list[PersonData]:
    """People by id (all when ``None``), for bulk readers such as reporting."""
    with tenants_api.in_public_schema():
        users = (
            _User.objects.all()
            if user_ids is None
            else _User.objects.filter(pk__in=user_ids)
        )
        return [_to_data(user) for user in users.iterator(chunk_size=5000)]


def sensitive_answers_for(
    user_ids: list[int] | None = None,
) -> dict[int, dict[Question, SensitiveAnswerData]]:
    """Answers held, per person and question (everyone's when ``None``)."""
    with tenants_api.in_public_schema():
        answers = _SensitiveAnswer.objects.all()
        if user_ids is not None:
            answers = answers.filter(user_id__in=user_ids)
        held: dict[int, dict[Question, SensitiveAnswerData]] = {}
        for answer in answers.iterator(chunk_size=5000):
            held.setdefault(answer.user_id, {})[Question(answer.question)] = (
                _answer_data(answer)
            )
        return held


def _announce(user_ids: list[int] | None) -> None:
    transaction.on_commit(lambda: people_changed.send(sender=_User, user_ids=user_ids))


# --- Email verification ------------------------------------------------------------


def send_verification_email(user_id: int, *, base_url: str) -> bool:
    """Mail the person a link that proves the email is theirs (after commit).

    False (and nothing sent) when the email is already verified or missing.

    ``base_url`` is the locality's own address (``http://kennedy.localhost:8000``),
    so the link opens where the person registered.
    """
    with tenants_api.in_public_schema():
        user = _User.objects.get(pk=user_id)
    if not user.email or user.email_verified_at is not None:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    link = f"{base_url.rstrip('/')}/cuenta/verificar/{uid}/{token}/"
    body = render_to_string(
        "accounts/email/verify_email.txt", {"user": user, "link": link}
    )
    transaction.on_commit(
        lambda: send_mail(
            "Confirme su correo · Escuela de Participación",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    )
    return True


@transaction.atomic
def verify_email(uidb64: str, token: str) -> bool:
    """Mark the email verified if the link is valid; False when it is not."""
    with tenants_api.in_public_schema():
        try:
            user_id = int(force_str(urlsafe_base64_decode(uidb64)))
            user = _User.objects.select_for_update().get(pk=user_id)
        except (ValueError, TypeError, OverflowError, _User.DoesNotExist):
            return False
        if not email_verification_token.check_token(user, token):
            return False
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        return True


# --- Sensitive data (Ley 1581 de 2012) ------------------------------------------------


@transaction.atomic
def answer_sensitive_question(
    user_id: int, question: Question, answer: str, *, consent: bool
) -> SensitiveAnswerData:
    """Store or change an answer; refused (``ValidationError``) without consent.

    The consent record keeps the purpose text shown; a changed answer under a
    consent already in force does not create a new record.
    """
    question = Question(question)
    if answer not in ANSWER_CHOICES[question]:
        raise ValidationError(
            "Esa respuesta no es una de las opciones. Elija una de la lista o "
            "«Prefiero no decir»."
        )
    if not consent:
        raise ValidationError(
            "Para guardar esta respuesta necesitamos su autorización expresa. "
            "Marque la casilla de autorización o deje la pregunta sin responder."
        )
    now = timezone.now()
    with tenants_api.in_public_schema():
        record = _ConsentRecord.objects.filter(
            user_id=user_id, question=question, withdrawn_at__isnull=True
        ).first()
        if record is None:
            record = _ConsentRecord.objects.create(
                user_id=user_id,
                question=question,
                purpose_text=PURPOSE_TEXT[question],
                given_at=now,
            )
        stored, _ = _SensitiveAnswer.objects.update_or_create(
            user_id=user_id,
            question=question,
            defaults={"answer": answer, "consent_given_at": record.given_at},
        )
        _announce([user_id])
        return _answer_data(stored)


@transaction.atomic
def withdraw_consent(user_id: int, question: Question) -> bool:
    """Withdraw consent for one question and erase its answer. False if none held."""
    with tenants_api.in_public_schema():
        withdrawn = _ConsentRecord.objects.filter(
            user_id=user_id, question=Question(question), withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        _SensitiveAnswer.objects.filter(user_id=user_id, question=question).delete()
        _announce([user_id])
        return withdrawn > 0


def sensitive_answers_of(user_id: int) -> dict[Question, SensitiveAnswerData]:
    """The person's answers currently held, by question."""
    with tenants_api.in_public_schema():
        return {
            Question(a.question): _answer_data(a)
            for a in _SensitiveAnswer.objects.filter(user_id=user_id)
        }


def _answer_data(answer: _SensitiveAnswer) -> SensitiveAnswerData:
    return SensitiveAnswerData(
        question=Question(answer.question),
        answer=answer.answer,
        consent_given_at=answer.consent_given_at,
        updated_at=answer.updated_at,
    )


def count_sensitive_answers(
    question: Question, *, residence: str | None = None, min_cell: int = MIN_CELL
) -> list[CountCell]:
    """People per answer to one question (city-wide or one locality of residence).

    Every answer option is listed, "prefiero no decir" included; cells under
    ``min_cell`` people have ``count=None`` (suppressed). Anonymized accounts hold
    no answers, so they are not counted here.
    """
    question = Question(question)
    with tenants_api.in_public_schema():
        qs = _SensitiveAnswer.objects.filter(question=question)
        if residence:
            qs = qs.filter(user__residence_locality_id=residence)
        counts = Counter(qs.values_list("answer", flat=True))
    return [
        _cell(code, counts.get(code, 0), min_cell) for code in ANSWER_CHOICES[question]
    ]


def count_by_age_group(
    *, residence: str | None = None, min_cell: int = MIN_CELL
) -> list[CountCell]:
    """People per age group (14-27, 28-59, 60+) today, with small cells suppressed."""
    today = timezone.localdate()
    with tenants_api.in_public_schema():
        qs = _User.objects.filter(birth_date__isnull=False, anonymized_at__isnull=True)
        if residence:
            qs = qs.filter(residence_locality_id=residence)
        counts = Counter(
            age_group(age_on(born, today))
            for born in qs.values_list("birth_date", flat=True)
        )
    return [_cell(group.value, counts.get(group, 0), min_cell) for group in AgeGroup]


def _cell(value: str, count: int, min_cell: int) -> CountCell:
    return CountCell(
        value=value, count=count if count == 0 or count >= min_cell else None
    )


# --- Data rights: export and deletion ----------------------------------------------


def export_person_data(user_id: int) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data.

    Account and sensitive data from the public schema; roles and whatever other
    apps answer to ``person_data_requested`` from every locality schema.
    """
    with tenants_api.in_public_schema():
        user = _User.objects.get(pk=user_id)
        consents = list(
            _ConsentRecord.objects.filter(user_id=user_id).order_by("given_at")
        )
        answers = sensitive_answers_of(user_id)
        acceptances = policy_acceptances_of(user_id)
    data: dict[str, Any] = {
        "cuenta": {
            "usuario": user.username,
            "nombres": user.first_name,
            "apellidos": user.last_name,
            "correo": user.email,
            "correo_verificado": user.email_verified_at is not None,
            "tipo_documento": user.document_type,
            "numero_documento": user.document_number,
            "localidad_residencia": user.residence_locality_id,
            "fecha_nacimiento": user.birth_date.isoformat()
            if user.birth_date
            else None,
            "fecha_registro": user.date_joined.isoformat(),
            "ultimo_ingreso": user.last_login.isoformat() if user.last_login else None,
        },
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
        "localidades": {},
    }
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            section: dict[str, Any] = {}
            roles = sorted(user.groups.values_list("name", flat=True))
            if roles:
                section["roles"] = roles
            for _receiver, answer in person_data_requested.send(
                sender=_User, user_id=user_id, schema_name=schema
            ):
                if answer:
                    section.update(answer)
            if section:
                data["localidades"][schema] = section
    # Round-trip through JSON so every value is plain (dates, Decimals → text).
    return json.loads(json.dumps(data, default=str))


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
        section, _, field = prefix.rpartition(".")
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
    _announce([user_id])


# --- Bulk import -----------------------------------------------------------------------


def preview_participants(content: bytes, *, filename: str) -> ImportPreview:
    """Check a CSV/XLSX file of participants without storing anything."""
    with tenants_api.in_public_schema():
        return _preview_file(
            content, filename=filename, resolve_locality=resolve_locality
        )


def import_participants(
    content: bytes, *, filename: str, batch_size: int = 2000
) -> ImportResult:
    """Create accounts for the valid rows of a file, in one transaction.

    Rows whose person already has an account (same document and email) are
    counted, not duplicated, so importing the same file twice creates nothing the
    second time. Imported accounts have no usable password: people activate them
    with «¿Olvidó su contraseña?» using their email.
    """
    with tenants_api.in_public_schema():
        result = _import_file(
            content,
            filename=filename,
            resolve_locality=resolve_locality,
            batch_size=batch_size,
        )
    if result.created:
        _announce(None)  # many people at once: receivers resync in the background
    return result


def rejected_rows_csv(content: bytes, *, filename: str) -> bytes:
    """The rows an import refuses, as CSV (UTF-8 with BOM, for Excel), with why."""
    with tenants_api.in_public_schema():
        return _rejected_rows_csv(
            content, filename=filename, resolve_locality=resolve_locality
        )
