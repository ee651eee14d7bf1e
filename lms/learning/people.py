"""Who studies in the active locality: the people its staff may see.

A locality's staff see the people enrolled in its courses (any status, waiting
list included) or attending its in-person sessions, never the city-wide list.
Returned as a query of ids so callers can filter the accounts table in one query
(the public schema is on every locality's search path).
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from lms.accounts import api as accounts_api
from lms.accounts.data import PersonData

from .attendance import list_session_attendance
from .cohorts import list_cohort_roster
from .data import RosterEntry
from .models import Attendance as _Attendance
from .models import Enrollment as _Enrollment

__all__ = [
    "RosterEntry",
    "count_sessions_attended",
    "count_sessions_attended_by_person",
    "learner_id_subqueries",
    "list_session_roster",
]


def learner_id_subqueries() -> tuple[QuerySet, ...]:
    """Queries of the ids of people enrolled, and attending, in the active locality.

    Use each in ``pk__in=`` (joined with ``|``): a UNION cannot be a subquery there.
    """
    return (
        _Enrollment.objects.values("user_id"),
        _Attendance.objects.values("user_id"),
    )


def count_sessions_attended(user_id: int) -> int:
    """In-person sessions the person attended in the active locality."""
    return _Attendance.objects.filter(user_id=user_id).count()


def count_sessions_attended_by_person() -> dict[int, int]:
    """In-person sessions attended in the active locality, per person (those with
    none are absent): the bulk form of ``count_sessions_attended``."""
    rows = _Attendance.objects.values("user_id").annotate(n=Count("pk")).order_by()
    return {row["user_id"]: row["n"] for row in rows}


def list_session_roster(cohort_id: int, session_id: int) -> list[RosterEntry]:
    """The cohort's active learners by name, alphabetically, each marked present
    or not at the session: what a facilitator ticks on the attendance page.

    Names come from accounts in one query; a facilitator recognises people by
    name, never by an account number.
    """
    ids = [uid for uid, status in list_cohort_roster(cohort_id) if status == "active"]
    present = list_session_attendance(session_id)
    people = {person.user_id: person for person in accounts_api.list_people(ids)}
    entries = [
        RosterEntry(
            user_id=uid,
            name=_display_name(people.get(uid)),
            is_present=uid in present,
        )
        for uid in ids
    ]
    return sorted(entries, key=lambda entry: (entry.name.casefold(), entry.user_id))


def _display_name(person: PersonData | None) -> str:
    if person is None or person.is_anonymized:
        return _("Cuenta eliminada")
    full = f"{person.first_name} {person.last_name}".strip()
    return full or person.username
