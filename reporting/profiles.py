"""What the breakdowns need about each person, copied from the accounts.

Only answers given with consent are kept; empty means "no answer". Anonymized
people keep a row with no personal data (they still count once).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from lms.accounts import api as accounts_api
from lms.accounts.data import PREFER_NOT_TO_SAY, Question
from tenants import api as tenants_api

from . import facet_tallies, summaries
from .models import PersonProfile as _PersonProfile

__all__ = [
    "record_participation_role",
    "record_person_profile",
    "sync_person_profiles",
]

_YES_NO = {"si": True, "no": False}
# Above this many people a profile sync rebuilds every count (a bulk import).
_MAX_LOCKED = 200


@transaction.atomic
def record_person_profile(
    user_id: int,
    *,
    registered_at: datetime | None = None,
    gender: str = "",
    birth_date: date | None = None,
    ethnic_group: str = "",
    has_disability: bool | None = None,
    is_victim: bool | None = None,
    is_lgbtiq: bool | None = None,
    is_rural: bool | None = None,
    has_participation_role: bool = False,
) -> None:
    """Keep what the breakdowns need about a person (only answers given with
    consent; empty means "no answer"). Replaces the previous values."""
    with _counts_follow([user_id]):
        _write_profile(
            user_id,
            registered_at=registered_at,
            gender=gender,
            birth_date=birth_date,
            ethnic_group=ethnic_group,
            has_disability=has_disability,
            is_victim=is_victim,
            is_lgbtiq=is_lgbtiq,
            is_rural=is_rural,
            has_participation_role=has_participation_role,
        )


@contextmanager
def _counts_follow(user_ids: list[int] | None) -> Iterator[None]:
    """Move these people's precomputed counts to their new answers (everyone's
    rebuilt when ``user_ids`` is None or many: one lock per person would fill
    PostgreSQL's lock table), in the caller's transaction."""
    with connection.cursor() as cursor:
        if user_ids is None or len(user_ids) > _MAX_LOCKED:
            yield
            facet_tallies.rebuild_all_tallies(timezone.localdate())
            return
        for user_id in sorted(set(user_ids)):  # one order: no deadlock
            summaries.lock_person(cursor, user_id)
        before = facet_tallies.person_contributions(cursor, user_ids)
        yield
        after = facet_tallies.person_contributions(cursor, user_ids)
        facet_tallies.add_person_change(cursor, before, after)


def _write_profile(user_id: int, **values: object) -> None:
    _PersonProfile.objects.update_or_create(
        user_id=user_id,
        defaults=values,
    )


def record_participation_role(user_id: int, *, holds_a_role: bool) -> None:
    """Keep whether the person holds a civic role anywhere («En rol de
    participación» on the dashboards). Leaves the rest of the profile alone."""
    with tenants_api.in_public_schema():
        updated = _PersonProfile.objects.filter(user_id=user_id).update(
            has_participation_role=holds_a_role
        )
        if not updated:
            _PersonProfile.objects.create(
                user_id=user_id, has_participation_role=holds_a_role
            )


def fix_role_flags(holders: set[int]) -> int:
    """Make the profiles' role flags say exactly ``holders``; rows changed."""
    wrong_on = _PersonProfile.objects.filter(has_participation_role=True).exclude(
        user_id__in=holders
    )
    changed = wrong_on.update(has_participation_role=False)
    missing = holders - set(
        _PersonProfile.objects.filter(
            user_id__in=holders, has_participation_role=True
        ).values_list("user_id", flat=True)
    )
    for user_id in missing:
        record_participation_role(user_id, holds_a_role=True)
    return changed + len(missing)


def sync_person_profiles(user_ids: list[int] | None = None) -> int:
    """Copy what the breakdowns need from the accounts (all people when ``None``).

    Reads through ``lms.accounts.api`` in bulk: registration date, date of birth and
    only the sensitive answers held with consent. "Prefiero no decir" and missing
    answers become "no answer". Anonymized people keep a row with no personal data
    (they still count once). Returns how many profiles were written.
    """
    people = accounts_api.list_people(user_ids)
    answers = accounts_api.sensitive_answers_for(user_ids)

    def answer(user_id: int, question: Question) -> str:
        held = answers.get(user_id, {}).get(question)
        return "" if held is None or held.answer == PREFER_NOT_TO_SAY else held.answer

    rows = [
        _PersonProfile(
            user_id=person.user_id,
            registered_at=person.date_joined,
            residence_schema=person.residence_schema or "",
            birth_date=person.birth_date,
            gender=answer(person.user_id, Question.GENDER),
            ethnic_group=answer(person.user_id, Question.ETHNIC_GROUP),
            has_disability=_YES_NO.get(answer(person.user_id, Question.DISABILITY)),
            is_victim=_YES_NO.get(answer(person.user_id, Question.CONFLICT_VICTIM)),
            is_lgbtiq=_YES_NO.get(answer(person.user_id, Question.LGBTIQ)),
            is_rural=_YES_NO.get(answer(person.user_id, Question.RURAL)),
        )
        for person in people
    ]
    with (
        tenants_api.in_public_schema(),
        transaction.atomic(),
        _counts_follow(user_ids),
    ):
        _PersonProfile.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["user_id"],
            update_fields=[
                "registered_at",
                "residence_schema",
                "birth_date",
                "gender",
                "ethnic_group",
                "has_disability",
                "is_victim",
                "is_lgbtiq",
                "is_rural",
                "updated_at",
            ],
        )
    return len(rows)
