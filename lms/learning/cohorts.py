"""Cohorts ("grupos") and their in-person sessions (attendance: ``attendance``).

Invariants:
- the caller checks that a cohort's facilitator holds the facilitator role in
  this locality (roles live in a sibling app this one does not import);
- attendance is unique per session and person, and only people actively
  enrolled in the session's cohort are recorded (roster, QR or CSV);
- a session's QR code is signed with the session's own secret and expires after
  ``QR_MAX_AGE_SECONDS``, so it cannot be forged, kept or moved to another
  session;
- every new attendance is an xAPI event, counts the day as active and is
  evaluated against the course's rule in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .data import CohortData, LearnerCohortData, SessionData
from .errors import LearningError
from .models import Cohort as _Cohort
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession
from .rules import require_rule

__all__ = [
    "CohortData",
    "LearnerCohortData",
    "SessionData",
    "create_cohort",
    "get_cohort",
    "get_learner_cohort",
    "get_session",
    "list_cohort_roster",
    "list_cohorts",
    "list_locality_sessions",
    "list_open_cohorts",
    "list_sessions",
    "list_upcoming_sessions",
    "schedule_session",
]


@transaction.atomic
def create_cohort(
    course_key: str,
    name: str,
    *,
    facilitator_id: int,
    starts_on: date,
    ends_on: date,
    capacity: int,
    schedule: str = "",
    place: str = "",
) -> CohortData:
    """Open a cohort ("grupo") of a course.

    ``facilitators.open_cohort`` checks that ``facilitator_id`` holds the
    facilitator role in this locality first; this records the cohort.
    """
    require_rule(course_key)
    if ends_on < starts_on:
        raise LearningError(_("La fecha de fin es anterior a la de inicio; corríjala."))
    if capacity < 1:
        raise LearningError(_("El cupo debe ser de al menos una persona."))
    row = _Cohort.objects.create(
        course_key=course_key,
        name=name,
        facilitator_id=facilitator_id,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        schedule=schedule,
        place=place,
    )
    return _cohort_data(row)


def _cohort_data(row: _Cohort) -> CohortData:
    return _cohorts_data([row])[0]


def _cohorts_data(rows: list[_Cohort]) -> list[CohortData]:
    """Cohorts with their active and waiting counts, in one query for all."""
    counts: dict[tuple[int, str], int] = {}
    if rows:
        for cohort_id, status, number in (
            _Enrollment.objects.filter(
                cohort_id__in=[row.pk for row in rows], status__in=["active", "waiting"]
            )
            .values_list("cohort_id", "status")
            .annotate(number=Count("pk"))
            .order_by()
        ):
            counts[cohort_id, status] = number
    return [
        CohortData(
            cohort_id=row.pk,
            course_key=row.course_key,
            name=row.name,
            facilitator_id=row.facilitator_id,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            capacity=row.capacity,
            schedule=row.schedule,
            place=row.place,
            enrolled=counts.get((row.pk, "active"), 0),
            waiting=counts.get((row.pk, "waiting"), 0),
        )
        for row in rows
    ]


def list_cohorts(*, facilitator_id: int | None = None) -> list[CohortData]:
    """Cohorts of the active locality, newest first (one facilitator's if given)."""
    rows = _Cohort.objects.order_by("-starts_on", "name")
    if facilitator_id is not None:
        rows = rows.filter(facilitator_id=facilitator_id)
    return _cohorts_data(list(rows))


def list_open_cohorts(course_key: str) -> list[CohortData]:
    """The course's cohorts a learner may still join (not ended), soonest first;
    two queries whatever their number (the course page offers them)."""
    return _cohorts_data(
        list(
            _Cohort.objects.filter(
                course_key=course_key, ends_on__gte=timezone.localdate()
            ).order_by("starts_on", "name")
        )
    )


def get_cohort(cohort_id: int) -> CohortData | None:
    """One cohort with its counts, or None."""
    row = _Cohort.objects.filter(pk=cohort_id).first()
    return _cohort_data(row) if row else None


# What the course page says of a learner's next session.
_SESSION_FIELDS = ("pk", "title", "starts_at", "ends_at", "place")


def get_learner_cohort(cohort_id: int) -> LearnerCohortData | None:
    """The cohort and its next session not yet over, for the course page of a
    learner in it; None for no such cohort.

    One query (the session read as sub-selects of the cohort's row): the course
    page is the page learners open most, and it has a query budget.
    """
    upcoming = _InPersonSession.objects.filter(
        cohort_id=OuterRef("pk"), ends_at__gte=timezone.now()
    ).order_by("starts_at", "pk")
    row = (
        _Cohort.objects.filter(pk=cohort_id)
        .annotate(
            **{
                f"next_{name}": Subquery(upcoming.values(name)[:1])
                for name in _SESSION_FIELDS
            }
        )
        .first()
    )
    if row is None:
        return None
    session = None
    if row.next_pk is not None:
        session = SessionData(
            session_id=row.next_pk,
            cohort_id=row.pk,
            course_key=row.course_key,
            title=row.next_title,
            starts_at=row.next_starts_at,
            ends_at=row.next_ends_at,
            place=row.next_place,
            cohort_name=row.name,
            facilitator_id=row.facilitator_id,
        )
    return LearnerCohortData(
        cohort_id=row.pk,
        name=row.name,
        place=row.place,
        schedule=row.schedule,
        next_session=session,
    )


def list_cohort_roster(cohort_id: int) -> list[tuple[int, str]]:
    """(user id, status) of the cohort's active and waiting learners, in order."""
    return list(
        _Enrollment.objects.filter(
            cohort_id=cohort_id, status__in=["active", "waiting"]
        )
        .order_by("status", "enrolled_at", "pk")
        .values_list("user_id", "status")
    )


@transaction.atomic
def schedule_session(
    cohort_id: int,
    title: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
) -> SessionData:
    """Schedule an in-person session of the cohort."""
    cohort = _Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        raise LearningError(_("Ese grupo no existe; elija uno de la lista."))
    if ends_at <= starts_at:
        raise LearningError(_("La sesión termina antes de empezar; corrija las horas."))
    row = _InPersonSession.objects.create(
        cohort=cohort,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place or cohort.place,
        qr_secret=secrets.token_hex(16),
    )
    return session_data(row, cohort.course_key)


def list_sessions(cohort_id: int) -> list[SessionData]:
    """The cohort's sessions, in order."""
    rows = _InPersonSession.objects.filter(cohort_id=cohort_id).select_related("cohort")
    return [session_data(r, r.cohort.course_key) for r in rows]


def list_locality_sessions(*, facilitator_id: int | None = None) -> list[SessionData]:
    """Every in-person session of the active locality, latest first (those of
    one facilitator's cohorts if given); one query whatever their number."""
    rows = _InPersonSession.objects.select_related("cohort").order_by(
        "-starts_at", "pk"
    )
    if facilitator_id is not None:
        rows = rows.filter(cohort__facilitator_id=facilitator_id)
    return [session_data(r, r.cohort.course_key) for r in rows]


def list_upcoming_sessions(user_id: int) -> list[SessionData]:
    """Sessions ahead of the learner's active cohorts («Mi aprendizaje»)."""
    # One query: the learner's cohorts as a sub-select, not a list read first.
    cohorts = _Enrollment.objects.filter(
        user_id=user_id, status="active", cohort__isnull=False
    ).values("cohort_id")
    rows = (
        _InPersonSession.objects.filter(
            cohort_id__in=cohorts, ends_at__gte=timezone.now()
        )
        .select_related("cohort")
        .order_by("starts_at")
    )
    return [session_data(r, r.cohort.course_key) for r in rows]


def session_data(row: _InPersonSession, course_key: str) -> SessionData:
    return SessionData(
        session_id=row.pk,
        cohort_id=row.cohort_id,
        course_key=course_key,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        place=row.place,
        cohort_name=row.cohort.name,
        facilitator_id=row.cohort.facilitator_id,
    )


def get_session(session_id: int) -> SessionData | None:
    """One in-person session (with its cohort's facilitator), or None."""
    row = (
        _InPersonSession.objects.select_related("cohort").filter(pk=session_id).first()
    )
    return session_data(row, row.cohort.course_key) if row else None
