"""Cohorts ("grupos"), their in-person sessions, and attendance to them.

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

import csv
import io
import secrets
from collections.abc import Iterable
from datetime import date, datetime

from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.accounts import api as accounts_api

from .completion import evaluate_completion, mark_active
from .data import AttendanceImport, CohortData, SessionData
from .errors import LearningError
from .events import record_event
from .models import Attendance as _Attendance
from .models import Cohort as _Cohort
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession
from .rules import require_rule

__all__ = [
    "QR_MAX_AGE_SECONDS",
    "AttendanceImport",
    "CohortData",
    "SessionData",
    "check_in_with_qr",
    "create_cohort",
    "get_cohort",
    "get_session",
    "import_attendance_csv",
    "list_cohort_roster",
    "list_cohorts",
    "list_open_cohorts",
    "list_session_attendance",
    "list_sessions",
    "list_upcoming_sessions",
    "qr_token",
    "record_attendance",
    "schedule_session",
]

QR_MAX_AGE_SECONDS = 120


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
    counts = {
        status: _Enrollment.objects.filter(cohort=row, status=status).count()
        for status in ("active", "waiting")
    }
    return CohortData(
        cohort_id=row.pk,
        course_key=row.course_key,
        name=row.name,
        facilitator_id=row.facilitator_id,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        capacity=row.capacity,
        schedule=row.schedule,
        place=row.place,
        enrolled=counts["active"],
        waiting=counts["waiting"],
    )


def list_cohorts(*, facilitator_id: int | None = None) -> list[CohortData]:
    """Cohorts of the active locality, newest first (one facilitator's if given)."""
    rows = _Cohort.objects.order_by("-starts_on", "name")
    if facilitator_id is not None:
        rows = rows.filter(facilitator_id=facilitator_id)
    return [_cohort_data(row) for row in rows]


def list_open_cohorts(course_key: str) -> list[CohortData]:
    """The course's cohorts a learner may still join (not ended), soonest first.

    Two queries whatever their number: the course page offers them at enrolment.
    """
    rows = list(
        _Cohort.objects.filter(
            course_key=course_key, ends_on__gte=timezone.localdate()
        ).order_by("starts_on", "name")
    )
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


def get_cohort(cohort_id: int) -> CohortData | None:
    """One cohort with its counts, or None."""
    row = _Cohort.objects.filter(pk=cohort_id).first()
    return _cohort_data(row) if row else None


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
    return _session_data(row, cohort.course_key)


def list_sessions(cohort_id: int) -> list[SessionData]:
    """The cohort's sessions, in order."""
    rows = _InPersonSession.objects.filter(cohort_id=cohort_id).select_related("cohort")
    return [_session_data(r, r.cohort.course_key) for r in rows]


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
    return [_session_data(r, r.cohort.course_key) for r in rows]


def _session_data(row: _InPersonSession, course_key: str) -> SessionData:
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
    return _session_data(row, row.cohort.course_key) if row else None


def list_session_attendance(session_id: int) -> set[int]:
    """Ids of the people recorded present at the session."""
    return set(
        _Attendance.objects.filter(session_id=session_id).values_list(
            "user_id", flat=True
        )
    )


def qr_token(session_id: int, *, issued_at: datetime | None = None) -> str:
    """The code the facilitator's phone shows; it expires after two minutes.

    ``<session id>.<time>.<signature>``, signed by Django's ``TimestampSigner``
    with the session's own secret, so it cannot be forged or moved to another
    session; the facilitator's page asks for a fresh one as it expires.
    ``issued_at`` dates the code in the past (tests of expiry).
    """
    session = _InPersonSession.objects.get(pk=session_id)
    return _QrSigner(session, issued_at=issued_at).sign(str(session.pk))


class _QrSigner(signing.TimestampSigner):
    """Django's timestamped signer keyed by one session's secret.

    ``.`` separates the parts, as in the codes before, so they stay plain in a
    URL path. Only ``timestamp`` is overridden, to date a code when asked.
    """

    def __init__(
        self, session: _InPersonSession, *, issued_at: datetime | None = None
    ) -> None:
        # No fallback keys: a code is valid under its session's secret only (the
        # default would also accept the project's SECRET_KEY_FALLBACKS).
        super().__init__(
            key=session.qr_secret, sep=".", salt="learning.qr", fallback_keys=[]
        )
        self.issued_at = issued_at

    def timestamp(self) -> str:
        if self.issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.issued_at.timestamp()))


@transaction.atomic
def check_in_with_qr(user_id: int, token: str) -> SessionData:
    """Record the learner's attendance from a scanned session QR code.

    Refused with a message for a malformed, forged or expired code, and for a
    learner not actively enrolled in the session's cohort. Scanning twice
    records one attendance.
    """
    token = token.strip()
    try:
        raw_id, _stamp, _signature = token.split(".")
        session = _InPersonSession.objects.select_related("cohort").get(pk=int(raw_id))
    except (ValueError, _InPersonSession.DoesNotExist) as exc:
        raise LearningError(
            _(
                "Este código no es de una sesión de la plataforma; escanee el "
                "código que muestra quien facilita la sesión."
            )
        ) from exc
    try:
        _QrSigner(session).unsign(token, max_age=QR_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise LearningError(
            _(
                "El código venció; pida a quien facilita la sesión que muestre el "
                "código actual y escanéelo de nuevo."
            )
        ) from exc
    except signing.BadSignature as exc:
        raise LearningError(
            _(
                "El código no es válido; escanee el código que muestra quien "
                "facilita la sesión."
            )
        ) from exc
    if not _Enrollment.objects.filter(
        user_id=user_id, cohort_id=session.cohort_id, status="active"
    ).exists():
        raise LearningError(
            _(
                "Este código es de una sesión de otro grupo; usted no hace parte de "
                "«%(group)s». Hable con quien facilita la sesión."
            )
            % {"group": session.cohort.name}
        )
    _attend(session, user_id, _Attendance.Method.QR)
    return _session_data(session, session.cohort.course_key)


@transaction.atomic
def record_attendance(session_id: int, user_ids: Iterable[int]) -> int:
    """Mark learners present from the roster; returns how many were new.

    People not actively enrolled in the cohort are refused (the whole call),
    so a wrong tap never counts someone from another group.
    """
    session = _InPersonSession.objects.select_related("cohort").get(pk=session_id)
    wanted = set(user_ids)
    enrolled = set(
        _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active", user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - enrolled:
        outside = len(wanted - enrolled)
        raise LearningError(
            ngettext(
                "%(n)d persona no está inscrita en este grupo; quítela de la lista "
                "o inscríbala primero.",
                "%(n)d personas no están inscritas en este grupo; quítelas de la "
                "lista o inscríbalas primero.",
                outside,
            )
            % {"n": outside}
        )
    return sum(_attend(session, uid, _Attendance.Method.ROSTER) for uid in wanted)


@transaction.atomic
def import_attendance_csv(session_id: int, text: str) -> AttendanceImport:
    """Import a paper sheet: a CSV with a ``correo`` (email) column, one row per
    person present. Unknown people and people outside the cohort are listed by
    row and skipped; the others are recorded (once each)."""
    session = _InPersonSession.objects.select_related("cohort").get(pk=session_id)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
    if "correo" not in fields:
        raise LearningError(
            _(
                "La planilla no tiene la columna «correo»; agregue esa columna con "
                "el correo de cada persona presente."
            )
        )
    rows = [
        (n, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()})
        for n, row in enumerate(reader, start=2)
    ]
    emails = {r["correo"].lower() for _line, r in rows if r.get("correo")}
    people = accounts_api.find_people_by_email(emails)
    enrolled = set(
        _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active"
        ).values_list("user_id", flat=True)
    )
    errors: list[str] = []
    recorded = already = 0
    for number, row in rows:
        email = row.get("correo", "").lower()
        if not email:
            errors.append(_("Fila %(number)s: falta el correo.") % {"number": number})
        elif email not in people:
            errors.append(
                _(
                    "Fila %(number)s: nadie tiene la cuenta «%(email)s»; revise el correo."
                )
                % {"number": number, "email": email}
            )
        elif people[email] not in enrolled:
            errors.append(
                _("Fila %(number)s: «%(email)s» no hace parte de este grupo.")
                % {"number": number, "email": email}
            )
        elif _attend(session, people[email], _Attendance.Method.CSV):
            recorded += 1
        else:
            already += 1
    return AttendanceImport(recorded=recorded, already=already, errors=tuple(errors))


def _attend(session: _InPersonSession, user_id: int, method: str) -> bool:
    _row, created = _Attendance.objects.get_or_create(
        session=session, user_id=user_id, defaults={"method": method}
    )
    if created:
        course_key = session.cohort.course_key
        record_event(user_id, "attended", f"session:{session.pk}", ref="present")
        mark_active(user_id, course_key)
        evaluate_completion(user_id, course_key)
    return created
