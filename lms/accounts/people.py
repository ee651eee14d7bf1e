"""Reading people: one, some or all, and account ids by email.

Like every accounts function they switch to the public schema themselves, so
callers may be in any locality's schema.
"""

from __future__ import annotations

from collections.abc import Iterable

from tenants import api as tenants_api

from .data import PersonData
from .models import User as _User

__all__ = ["find_people_by_email", "get_person", "list_people"]


def get_person(user_id: int) -> PersonData:
    """One person by id, or raise ``User.DoesNotExist``."""
    with tenants_api.in_public_schema():
        return person_data(_User.objects.get(pk=user_id))


def list_people(user_ids: list[int] | None = None) -> list[PersonData]:
    """People by id (all when ``None``), for bulk readers such as reporting."""
    with tenants_api.in_public_schema():
        users = (
            _User.objects.all()
            if user_ids is None
            else _User.objects.filter(pk__in=user_ids)
        )
        return [person_data(user) for user in users.iterator(chunk_size=5000)]


def find_people_by_email(emails: Iterable[str]) -> dict[str, int]:
    """Account ids by email (keys lower-cased) of the people who hold these
    emails; emails nobody holds are left out. Emails are stored lower-cased, so
    callers pass them lower-cased (an attendance sheet, for instance)."""
    wanted = {email for email in emails if email}
    if not wanted:
        return {}
    with tenants_api.in_public_schema():
        return {
            (email or "").lower(): pk
            for pk, email in _User.objects.filter(email__in=wanted).values_list(
                "pk", "email"
            )
        }


def person_data(user: _User) -> PersonData:
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
