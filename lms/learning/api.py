"""Python API of the learning records: xAPI statements and activity state.

Invariants:
- A statement is stored at most once per statement id: retrying a request stores
  nothing twice and does not change the activity's state again.
- The actor of a statement is whoever the caller says it is (the signed-in
  learner); the actor sent by the client is never trusted.
- State only improves: once attempted, completed or passed it stays so, and the
  best score is the highest ever received.
- Everything acts on the active schema (a tenant app); activities are stable keys.
"""

from __future__ import annotations

import csv
import io
import math
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from tenants import api as tenants_api

from . import personal_data as _personal_data
from .completion import after_activity_result as _after_activity
from .completion import evaluate_completion
from .completion import mark_active as _mark_active
from .data import (
    ActivityStateData,
    AttendanceImport,
    CohortData,
    CompletionCheck,
    CourseProgress,
    EnrollmentData,
    LessonRef,
    QuizResult,
    RecordResult,
    SessionData,
)
from .enrollment import enroll, get_enrollment, withdraw
from .enrollment import promote_waiting as _promote_waiting
from .errors import LearningError
from .events import EVENT_NAMESPACE as _EVENT_NAMESPACE
from .events import VERBS as _VERBS
from .events import record_event as _statement
from .models import ActiveDay as _ActiveDay
from .models import ActivityState as _ActivityState
from .models import Attendance as _Attendance
from .models import Cohort as _Cohort
from .models import CourseCompletion as _CourseCompletion
from .models import CourseRule as _CourseRule
from .models import EmailOptOut as _EmailOptOut
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession
from .models import LessonProgress as _LessonProgress
from .models import Notification as _Notification
from .models import Quiz as _Quiz
from .models import QuizAttempt as _QuizAttempt
from .models import XapiStatement as _XapiStatement
from .notifications import list_notifications
from .notifications import notify as _notify
from .progress import get_course_progress, list_my_courses, record_lesson_view
from .rules import get_course_rule_version, set_course_rule
from .rules import require_rule as _rule

__all__ = [
    "MAX_BATCH",
    "ActivityStateData",
    "AttendanceImport",
    "CohortData",
    "CompletionCheck",
    "CourseProgress",
    "EnrollmentData",
    "InvalidStatement",
    "LearningError",
    "LessonRef",
    "LrsUnavailable",
    "QuizResult",
    "RecordResult",
    "SessionData",
    "check_in_with_qr",
    "count_quiz_attempts",
    "create_cohort",
    "enroll",
    "erase_learner",
    "evaluate_completion",
    "export_learner",
    "forward_statements",
    "get_activity_state",
    "get_cohort",
    "get_course_progress",
    "get_course_rule_version",
    "get_enrollment",
    "get_quiz",
    "get_session",
    "import_attendance_csv",
    "list_activity_states",
    "list_cohort_roster",
    "list_cohorts",
    "list_my_courses",
    "list_notifications",
    "list_session_attendance",
    "list_sessions",
    "list_upcoming_sessions",
    "qr_token",
    "record_attendance",
    "record_lesson_view",
    "record_statements",
    "reporting_activity_days",
    "reporting_enrollments",
    "save_quiz",
    "save_resume_state",
    "schedule_session",
    "send_daily_notifications",
    "send_notification_email",
    "set_course_rule",
    "submit_quiz",
    "unsubscribe",
    "unsubscribe_token",
    "withdraw",
]

MAX_BATCH = 500
MAX_RESUME_STATE = 256 * 1024

_SUBCONTENT = "http://h5p.org/x-api/h5p-subContentId"


class InvalidStatement(ValueError):
    """A statement cannot be stored; the message (Spanish) says what to fix."""


def record_statements(
    user_id: int, statements: Iterable[Mapping[str, Any]], *, activity_key: str
) -> RecordResult:
    """Store the learner's statements about one activity and update its state.

    Statements without an ``id`` get a new one (so they cannot be deduplicated);
    statements whose id is already stored are counted as duplicates and ignored.
    Raises ``InvalidStatement`` before storing anything if one is malformed.
    """
    parsed = [_parse(s, index) for index, s in enumerate(statements)]
    if len(parsed) > MAX_BATCH:
        raise InvalidStatement(
            f"Se recibieron {len(parsed)} declaraciones; envíe como máximo "
            f"{MAX_BATCH} por solicitud."
        )
    return _store(user_id, activity_key, parsed)


@transaction.atomic
def _store(user_id: int, activity_key: str, parsed: list[dict]) -> RecordResult:
    state, _ = _ActivityState.objects.get_or_create(
        user_id=user_id, activity_key=activity_key
    )
    # Lock the learner's row: concurrent posts for the same activity queue here,
    # so the duplicate check below cannot race with another insert.
    state = _ActivityState.objects.select_for_update().get(pk=state.pk)
    ids = [p["statement_id"] for p in parsed]
    seen = set(
        _XapiStatement.objects.filter(statement_id__in=ids).values_list(
            "statement_id", flat=True
        )
    )
    fresh: list[_XapiStatement] = []
    for item in parsed:
        if item["statement_id"] in seen:
            continue
        seen.add(item["statement_id"])
        fresh.append(_XapiStatement(user_id=user_id, activity_key=activity_key, **item))
    _XapiStatement.objects.bulk_create(fresh, ignore_conflicts=True)
    if fresh:
        for row in fresh:
            _apply(state, row)
        state.statements_count += len(fresh)
        state.save()
        # A new result may complete a course that grades this activity.
        _after_activity(user_id, activity_key)
    return RecordResult(
        stored=len(fresh), duplicates=len(parsed) - len(fresh), state=_to_data(state)
    )


def get_activity_state(user_id: int, activity_key: str) -> ActivityStateData | None:
    """The learner's state in the activity, or None if they never touched it."""
    state = _ActivityState.objects.filter(
        user_id=user_id, activity_key=activity_key
    ).first()
    return _to_data(state) if state else None


def list_activity_states(
    user_id: int, *, key_prefix: str = ""
) -> list[ActivityStateData]:
    """All of the learner's activity states in this locality (progress page)."""
    qs = _ActivityState.objects.filter(
        user_id=user_id, activity_key__startswith=key_prefix
    ).order_by("activity_key")
    return [_to_data(state) for state in qs]


@transaction.atomic
def save_resume_state(
    user_id: int, activity_key: str, *, state: str
) -> ActivityStateData:
    """Keep the player's saved state so the learner resumes where they left off."""
    if len(state) > MAX_RESUME_STATE:
        raise InvalidStatement(
            "El estado guardado de la actividad es demasiado grande "
            f"(máximo {MAX_RESUME_STATE // 1024} KB)."
        )
    row, _ = _ActivityState.objects.get_or_create(
        user_id=user_id, activity_key=activity_key
    )
    row.resume_state = state
    row.save(update_fields=["resume_state", "updated_at"])
    return _to_data(row)


@transaction.atomic
def erase_learner(user_id: int) -> int:
    """Erase the person's learning records in this locality (anonymization).

    Deleted: statements, activity states (with saved answers), lesson progress,
    active days, every enrollment (with its history), attendance, quiz attempts
    (with their answers), notices and the email opt-out. A course completion
    stays, because the accounts' rule for anonymization keeps the rows that
    aggregate counts and issued certificates need, without personal data
    (ADR 0006, ``lms.accounts.signals.person_anonymized``): it keeps the course,
    version, date and rule under the account id that anonymization left without
    name, email or document, and loses the person's results (score, attendance).
    A place the person held in a cohort goes to the first one waiting.
    Idempotent; returns how many rows were deleted or blanked.
    """
    freed_cohorts = set(
        _Enrollment.objects.filter(
            user_id=user_id,
            status=_Enrollment.Status.ACTIVE,
            cohort__isnull=False,
        ).values_list("cohort_id", flat=True)
    )
    changed = 0
    for model in (
        _XapiStatement,
        _ActivityState,
        _LessonProgress,
        _ActiveDay,
        _Attendance,
        _QuizAttempt,
        _Notification,
        _EmailOptOut,
        _Enrollment,
    ):
        count, _ = model.objects.filter(user_id=user_id).delete()
        changed += count
    for completion in _CourseCompletion.objects.select_for_update().filter(
        user_id=user_id
    ):
        blanked = completion.rule | dict.fromkeys(_PERSONAL_RESULTS)
        if blanked != completion.rule:
            completion.rule = blanked
            completion.save(update_fields=["rule"])
            changed += 1
    for cohort_id in sorted(freed_cohorts):
        _promote_waiting(cohort_id)
    # A cohort they facilitated keeps running; only the person's id is theirs.
    return changed


# The person's own results inside a completion's rule (blanked on erasure).
_PERSONAL_RESULTS = ("score_percent", "attendance_percent")


def export_learner(
    user_id: int, *, activity_titles: Mapping[str, str] | None = None
) -> dict[str, list[dict[str, str]]]:
    """Everything the learning records hold about the person in this locality,
    for their data download: ``{"section title": [row, ...]}``, Spanish labels,
    Bogotá dates, titles instead of keys; ``{}`` if they never studied here.

    ``activity_titles`` names activities this app only knows by key (the caller
    that owns them, e.g. H5P, passes ``{"h5p:<key>": "title"}``).
    """
    return _personal_data.export(user_id, activity_titles=activity_titles or {})


def _parse(statement: Any, index: int) -> dict:
    where = f"La declaración {index + 1}"
    if not isinstance(statement, Mapping):
        raise InvalidStatement(f"{where} no es un objeto JSON.")
    raw_id = statement.get("id")
    try:
        statement_id = uuid.UUID(str(raw_id)) if raw_id else uuid.uuid4()
    except ValueError as exc:
        raise InvalidStatement(
            f"{where} tiene un id que no es un UUID ({raw_id!r}); use un UUID."
        ) from exc
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, Mapping) else None
    if not isinstance(verb_id, str) or not verb_id:
        raise InvalidStatement(f"{where} no tiene verbo (verb.id); agréguelo.")
    result = statement.get("result") or {}
    if not isinstance(result, Mapping):
        raise InvalidStatement(f"{where} tiene un resultado que no es un objeto.")
    score = result.get("score") or {}
    if not isinstance(score, Mapping):
        raise InvalidStatement(f"{where} tiene un puntaje que no es un objeto.")
    definition = (statement.get("object") or {}).get("definition") or {}
    extensions = definition.get("extensions") or {}
    return {
        "statement_id": statement_id,
        "verb": verb_id[:200],
        "counts_for_activity": _SUBCONTENT not in extensions,
        "score_raw": _number(score.get("raw"), where),
        "score_max": _number(score.get("max"), where),
        "score_scaled": _number(score.get("scaled"), where),
        "success": _flag(result.get("success")),
        "completion": _flag(result.get("completion")),
        "statement": dict(statement, id=str(statement_id)),
    }


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidStatement(f"{where} tiene un puntaje que no es un número.")
    return float(value)


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _apply(state: _ActivityState, row: _XapiStatement) -> None:
    """Fold one new statement into the activity's state (state only improves)."""
    if not row.counts_for_activity:
        state.attempted = True
        return
    verb = row.verb.removeprefix(_VERBS)
    state.attempted = True
    if verb in {"completed", "passed", "failed"} or row.completion:
        state.completed = True
    if verb == "passed" or row.success is True:
        state.passed = True
    elif (verb == "failed" or row.success is False) and not state.passed:
        state.failed = True
    if state.passed:
        state.failed = False
    scaled = row.score_scaled
    if scaled is None and row.score_raw is not None and row.score_max:
        scaled = row.score_raw / row.score_max
    if scaled is not None and (
        state.best_score_scaled is None or scaled > state.best_score_scaled
    ):
        state.best_score_scaled = scaled
        state.best_score_raw = row.score_raw
        state.best_score_max = row.score_max


def _to_data(state: _ActivityState) -> ActivityStateData:
    return ActivityStateData(
        user_id=state.user_id,
        activity_key=state.activity_key,
        attempted=state.attempted,
        completed=state.completed,
        passed=state.passed,
        failed=state.failed,
        best_score_scaled=state.best_score_scaled,
        best_score_raw=state.best_score_raw,
        best_score_max=state.best_score_max,
        statements_count=state.statements_count,
        resume_state=state.resume_state,
        updated_at=state.updated_at,
    )


# --- Cohorts, in-person sessions and attendance ----------------------------------------

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

    The caller checks that ``facilitator_id`` holds the facilitator role in this
    locality (roles live in a sibling app this one does not import).
    """
    _rule(course_key)
    if ends_on < starts_on:
        raise LearningError("La fecha de fin es anterior a la de inicio; corríjala.")
    if capacity < 1:
        raise LearningError("El cupo debe ser de al menos una persona.")
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
        raise LearningError("Ese grupo no existe; elija uno de la lista.")
    if ends_at <= starts_at:
        raise LearningError("La sesión termina antes de empezar; corrija las horas.")
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
    rows = _InPersonSession.objects.filter(cohort_id=cohort_id).select_related("cohort")
    return [_session_data(r, r.cohort.course_key) for r in rows]


def list_upcoming_sessions(user_id: int) -> list[SessionData]:
    """Sessions ahead of the learner's active cohorts («Mi aprendizaje»)."""
    cohorts = _Enrollment.objects.filter(
        user_id=user_id, status="active", cohort__isnull=False
    ).values_list("cohort_id", flat=True)
    rows = (
        _InPersonSession.objects.filter(
            cohort_id__in=list(cohorts), ends_at__gte=timezone.now()
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


def get_quiz(key: str) -> dict[str, Any] | None:
    """A quiz to show: title, attempts and questions without their answers."""
    quiz = _Quiz.objects.filter(key=key).first()
    if quiz is None:
        return None
    return {
        "key": quiz.key,
        "title": quiz.title,
        "max_attempts": quiz.max_attempts,
        "questions": [
            {k: v for k, v in q.items() if k in {"kind", "text", "choices"}}
            for q in quiz.questions
        ],
    }


def qr_token(session_id: int, *, issued_at: datetime | None = None) -> str:
    """The code the facilitator's phone shows; it expires after two minutes.

    Signed with the session's own secret, so it cannot be forged or moved to
    another session; the facilitator's page asks for a fresh one as it expires.
    """
    session = _InPersonSession.objects.get(pk=session_id)
    stamp = int((issued_at or timezone.now()).timestamp())
    payload = f"{session.pk}.{stamp}"
    return f"{payload}.{_qr_signature(session, payload)}"


def _qr_signature(session: _InPersonSession, payload: str) -> str:
    return salted_hmac(
        "learning.qr", payload, secret=session.qr_secret, algorithm="sha256"
    ).hexdigest()[:32]


@transaction.atomic
def check_in_with_qr(user_id: int, token: str) -> SessionData:
    """Record the learner's attendance from a scanned session QR code.

    Refused with a message for a malformed, forged or expired code, and for a
    learner not actively enrolled in the session's cohort. Scanning twice
    records one attendance.
    """
    try:
        raw_id, raw_stamp, signature = token.strip().split(".")
        session = _InPersonSession.objects.select_related("cohort").get(pk=int(raw_id))
        stamp = int(raw_stamp)
    except (ValueError, _InPersonSession.DoesNotExist) as exc:
        raise LearningError(
            "Este código no es de una sesión de la plataforma; escanee el código "
            "que muestra el facilitador."
        ) from exc
    expected = _qr_signature(session, f"{raw_id}.{raw_stamp}")
    if not constant_time_compare(signature, expected):
        raise LearningError(
            "El código no es válido; escanee el código que muestra el facilitador."
        )
    age = timezone.now().timestamp() - stamp
    if age > QR_MAX_AGE_SECONDS or age < -30:
        raise LearningError(
            "El código venció; pida al facilitador que muestre el código actual "
            "y escanéelo de nuevo."
        )
    if not _Enrollment.objects.filter(
        user_id=user_id, cohort_id=session.cohort_id, status="active"
    ).exists():
        raise LearningError(
            "Este código es de una sesión de otro grupo; usted no está inscrita en "
            f"«{session.cohort.name}». Hable con el facilitador."
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
        raise LearningError(
            f"{len(wanted - enrolled)} persona(s) no están inscritas en este grupo; "
            "quítelas de la lista o inscríbalas primero."
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
            "La planilla no tiene la columna «correo»; agregue esa columna con el "
            "correo de cada persona presente."
        )
    rows = [
        (n, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()})
        for n, row in enumerate(reader, start=2)
    ]
    emails = {r["correo"].lower() for _, r in rows if r.get("correo")}
    # The account table is city-wide (public schema, on every search path);
    # the user model is reached through Django, not the accounts app.
    people = {
        email.lower(): pk
        for pk, email in get_user_model()
        .objects.filter(email__in=emails)
        .values_list("pk", "email")
    }
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
            errors.append(f"Fila {number}: falta el correo.")
        elif email not in people:
            errors.append(
                f"Fila {number}: nadie tiene la cuenta «{email}»; revise el correo."
            )
        elif people[email] not in enrolled:
            errors.append(f"Fila {number}: «{email}» no está inscrita en este grupo.")
        elif _attend(session, people[email], _Attendance.Method.CSV):
            recorded += 1
        else:
            already += 1
    return AttendanceImport(recorded=recorded, already=already, errors=tuple(errors))


def _attend(session: _InPersonSession, user_id: int, method: str) -> bool:
    _, created = _Attendance.objects.get_or_create(
        session=session, user_id=user_id, defaults={"method": method}
    )
    if created:
        course_key = session.cohort.course_key
        _statement(user_id, "attended", f"session:{session.pk}", ref="present")
        _mark_active(user_id, course_key)
        evaluate_completion(user_id, course_key)
    return created


# --- Native quizzes -------------------------------------------------------------------

_QUESTION_KINDS = {"single", "multiple", "true_false", "numeric"}


@transaction.atomic
def save_quiz(
    key: str,
    title: str,
    *,
    questions: list[Mapping[str, Any]],
    max_attempts: int | None = None,
    pass_percent: int = 60,
) -> str:
    """Create or replace a quiz; returns its activity key (``quiz:<key>``).

    Questions: ``kind`` single | multiple | true_false | numeric, ``text``,
    ``choices`` (choice kinds), ``answer`` (index, list of indexes, bool or
    number), optional ``tolerance`` (numeric) and ``feedback``.
    """
    for n, q in enumerate(questions, start=1):
        if q.get("kind") not in _QUESTION_KINDS:
            raise LearningError(
                f"La pregunta {n} tiene un tipo desconocido; use única, múltiple, "
                "verdadero/falso o numérica."
            )
        if q["kind"] in {"single", "multiple"} and len(q.get("choices") or []) < 2:
            raise LearningError(f"La pregunta {n} necesita al menos dos opciones.")
    if not questions:
        raise LearningError("El cuestionario no tiene preguntas; agregue al menos una.")
    _Quiz.objects.update_or_create(
        key=key,
        defaults={
            "title": title,
            "questions": [dict(q) for q in questions],
            "max_attempts": max_attempts,
            "pass_percent": pass_percent,
        },
    )
    return f"quiz:{key}"


def submit_quiz(user_id: int, quiz_key: str, answers: list[Any]) -> QuizResult:
    """Grade an attempt, keep it, and record it as the quiz activity's result.

    Refused once the attempts are used up. The result goes through
    ``record_statements`` (activity ``quiz:<key>``), so it counts toward the
    course's score rule exactly like an H5P result.
    """
    with transaction.atomic():
        quiz = _Quiz.objects.select_for_update().filter(key=quiz_key).first()
        if quiz is None:
            raise LearningError("Ese cuestionario no existe; vuelva a la lección.")
        used = _QuizAttempt.objects.filter(quiz=quiz, user_id=user_id).count()
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            raise LearningError(
                f"Ya usó sus {quiz.max_attempts} intento(s) de este cuestionario."
            )
        if len(answers) != len(quiz.questions):
            raise LearningError(
                f"Responda las {len(quiz.questions)} preguntas antes de enviar."
            )
        _check_answers(quiz.questions, answers)
        right = 0
        feedback = []
        correct = []
        for question, answer in zip(quiz.questions, answers, strict=True):
            ok = _is_right(question, answer)
            right += ok
            correct.append(ok)
            feedback.append(
                ("Correcto. " if ok else "Incorrecto. ") + question.get("feedback", "")
            )
        percent = round(100 * right / len(quiz.questions), 1)
        passed = percent >= quiz.pass_percent
        attempt = _QuizAttempt.objects.create(
            quiz=quiz,
            user_id=user_id,
            answers=list(answers),
            score_percent=percent,
            passed=passed,
        )
        record_statements(
            user_id,
            [
                {
                    "id": str(
                        uuid.uuid5(_EVENT_NAMESPACE, f"quiz-attempt|{attempt.pk}")
                    ),
                    "verb": {"id": _VERBS + ("passed" if passed else "failed")},
                    "object": {"id": f"urn:lms:quiz:{quiz.key}"},
                    "result": {
                        "score": {
                            "raw": right,
                            "max": len(quiz.questions),
                            "scaled": right / len(quiz.questions),
                        },
                        "success": passed,
                        "completion": True,
                    },
                }
            ],
            activity_key=f"quiz:{quiz.key}",
        )
    return QuizResult(
        attempt_number=used + 1,
        attempts_left=(
            None if quiz.max_attempts is None else quiz.max_attempts - used - 1
        ),
        score_percent=percent,
        passed=passed,
        feedback=tuple(f.strip() for f in feedback),
        correct=tuple(correct),
    )


def count_quiz_attempts(user_id: int, quiz_key: str) -> int:
    """How many attempts the learner has submitted (to show the attempts left)."""
    return _QuizAttempt.objects.filter(quiz__key=quiz_key, user_id=user_id).count()


def _check_answers(questions: list[Mapping[str, Any]], answers: list[Any]) -> None:
    """Refuse, before anything is stored, an attempt with blanks or a non-number."""
    blank = [
        n
        for n, answer in enumerate(answers, start=1)
        if answer is None or (isinstance(answer, str | list) and not answer)
    ]
    if blank:
        which = _join_numbers(blank)
        raise LearningError(
            f"Responda la pregunta {which} antes de enviar."
            if len(blank) == 1
            else f"Responda las preguntas {which} antes de enviar."
        )
    for n, (question, answer) in enumerate(
        zip(questions, answers, strict=True), start=1
    ):
        if question["kind"] == "numeric" and _to_number(answer) is None:
            raise LearningError(
                f"En la pregunta {n} escriba solo un número, por ejemplo 12 o 3,5."
            )


def _join_numbers(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} y {words[-1]}"


def _to_number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    try:
        value = float(str(answer).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_right(question: Mapping[str, Any], answer: Any) -> bool:
    kind, expected = question["kind"], question.get("answer")
    if kind == "multiple":
        return isinstance(answer, list) and sorted(answer) == sorted(expected)
    if kind == "numeric":
        value = _to_number(answer)
        if value is None:
            return False
        return abs(value - float(expected)) <= float(question.get("tolerance", 0))
    return answer == expected


# --- Forwarding to an external LRS -------------------------------------------------------


class LrsUnavailable(RuntimeError):
    """The external LRS did not accept a batch; it is retried later, nothing is lost."""


def forward_statements(*, batch_size: int = 100, max_batches: int = 50) -> int:
    """Send the active locality's not-yet-forwarded statements to the LRS.

    Does nothing unless ``settings.LEARNING_LRS_URL`` is set (the LRS's
    ``/statements`` endpoint, e.g. Ralph's ``/xAPI/statements``). Oldest first,
    in batches; a batch is marked forwarded only after the LRS answers 2xx, so a
    failure leaves it for the retry (statement ids make resending harmless: the
    LRS ignores an id it already has, or answers 409, which also counts as
    accepted). The actor is replaced by the pseudonymous platform account id,
    never an email. Runs in Celery, never in the learner's request.
    """
    url = getattr(settings, "LEARNING_LRS_URL", "")
    if not url:
        return 0
    auth = (
        (settings.LEARNING_LRS_USERNAME, settings.LEARNING_LRS_PASSWORD)
        if getattr(settings, "LEARNING_LRS_USERNAME", "")
        else None
    )
    home = f"urn:lms:{tenants_api.current_schema()}"
    sent = 0
    for _ in range(max_batches):
        with transaction.atomic():
            rows = list(
                _XapiStatement.objects.select_for_update(skip_locked=True)
                .filter(forwarded_at__isnull=True)
                .order_by("pk")[:batch_size]
            )
            if not rows:
                break
            payload = [
                {
                    **row.statement,
                    "id": str(row.statement_id),
                    "actor": {
                        "objectType": "Agent",
                        "account": {"homePage": home, "name": str(row.user_id)},
                    },
                    "stored": row.stored_at.isoformat(),
                }
                for row in rows
            ]
            try:
                response = requests.post(
                    url,
                    json=payload,
                    auth=auth,
                    headers={"X-Experience-API-Version": "1.0.3"},
                    timeout=15,
                )
            except requests.RequestException as exc:
                raise LrsUnavailable(f"El LRS no respondió: {exc}") from exc
            if response.status_code >= 300 and response.status_code != 409:
                raise LrsUnavailable(
                    f"El LRS rechazó el lote ({response.status_code}): "
                    f"{response.text[:200]}"
                )
            _XapiStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
                forwarded_at=timezone.now()
            )
            sent += len(rows)
    return sent


# --- Notifications (site and email) -----------------------------------------------------

NUDGE_AFTER_DAYS = 14


def send_notification_email(notification_id: int) -> bool:
    """Email one notice, in Spanish, with an unsubscribe link; at most once.

    Skipped (False) when the person unsubscribed here, has no email, or it was
    already sent.
    """
    with transaction.atomic():
        row = (
            _Notification.objects.select_for_update()
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if row is None or _EmailOptOut.objects.filter(user_id=row.user_id).exists():
            return False
        email = (
            get_user_model()
            .objects.filter(pk=row.user_id)
            .values_list("email", flat=True)
            .first()
        )
        if not email:
            return False
        site = _site_url()
        unsubscribe = (
            f"{site}/aprendizaje/avisos/baja/{unsubscribe_token(row.user_id)}/"
        )
        link = f"{site}{row.link}" if row.link.startswith("/") else row.link
        body = "\n\n".join(
            part
            for part in (
                row.body,
                link and f"Entre aquí: {link}",
                "Para no recibir más correos de aprendizaje de esta localidad: "
                f"{unsubscribe}",
            )
            if part
        )
        row.emailed_at = timezone.now()
        row.save(update_fields=["emailed_at"])
        transaction.on_commit(lambda: _send(row.title, body, email, unsubscribe))
    return True


def _send(title: str, body: str, email: str, unsubscribe: str) -> None:
    message = EmailMessage(
        f"{title} · Escuela de Participación",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
    message.send()


def _site_url() -> str:
    locality = tenants_api.get_locality(tenants_api.current_schema())
    template = getattr(settings, "LEARNING_SITE_URL", "https://{domain}")
    return template.format(domain=locality.domain or "localhost").rstrip("/")


def unsubscribe_token(user_id: int) -> str:
    """Signed, per locality: the link in every email stops them from this site."""
    return signing.dumps(
        user_id, salt=f"learning.unsubscribe.{tenants_api.current_schema()}"
    )


@transaction.atomic
def unsubscribe(token: str) -> bool:
    """Honour an unsubscribe link; False (nothing done) if the link is not valid."""
    try:
        user_id = int(
            signing.loads(
                token, salt=f"learning.unsubscribe.{tenants_api.current_schema()}"
            )
        )
    except (signing.BadSignature, TypeError, ValueError):
        return False
    _EmailOptOut.objects.get_or_create(user_id=user_id)
    return True


@transaction.atomic
def send_daily_notifications(*, today: date | None = None) -> tuple[int, int]:
    """Beat, once a day per locality: reminders of tomorrow's sessions and a
    nudge to whoever spent ``NUDGE_AFTER_DAYS`` days without activity in a course
    they have not completed. Returns (reminders, nudges) newly made; running it
    twice makes nothing twice."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    reminders = 0
    sessions = _InPersonSession.objects.filter(starts_at__date=tomorrow).select_related(
        "cohort"
    )
    for session in sessions:
        learners = _Enrollment.objects.filter(
            cohort_id=session.cohort_id, status="active"
        ).values_list("user_id", flat=True)
        when = timezone.localtime(session.starts_at).strftime("%H:%M")
        for user_id in learners:
            reminders += _notify(
                user_id,
                _Notification.Kind.REMINDER,
                f"s{session.pk}",
                title=f"Mañana: {session.title}",
                body=(
                    f"Le recordamos la sesión presencial «{session.title}» de "
                    f"{session.cohort.name}, mañana a las {when}"
                    + (f" en {session.place}." if session.place else ".")
                ),
                link="/aprendizaje/",
            )
    nudges = 0
    cutoff = today - timedelta(days=NUDGE_AFTER_DAYS)
    completed = _CourseCompletion.objects.filter(
        user_id=OuterRef("user_id"), course_key=OuterRef("course_key")
    )
    last_day = (
        _ActiveDay.objects.filter(
            user_id=OuterRef("user_id"), course_key=OuterRef("course_key")
        )
        .order_by("-day")
        .values("day")[:1]
    )
    idle = (
        _Enrollment.objects.filter(status="active")
        .annotate(last=Subquery(last_day), done=Exists(completed))
        .filter(done=False)
    )
    titles = dict(_CourseRule.objects.values_list("course_key", "title"))
    urls = dict(_CourseRule.objects.values_list("course_key", "url"))
    for row in idle:
        last = row.last or timezone.localdate(row.enrolled_at)
        if last > cutoff:
            continue
        nudges += _notify(
            row.user_id,
            _Notification.Kind.NUDGE,
            f"{row.course_key}:{last.isoformat()}",  # once per idle stretch
            title="Lo esperamos de vuelta",
            body=(
                f"Hace {(today - last).days} días no avanza en "
                f"«{titles.get(row.course_key, row.course_key)}». "
                "Siga donde quedó: solo le toma unos minutos."
            ),
            link=urls.get(row.course_key, "/aprendizaje/"),
        )
    return reminders, nudges


# --- Readers for the city reporting (issue #8) ---------------------------------------
# The nightly recount compares the public reporting table with these, one locality
# at a time; they answer with the same facts the signals above announce, so a
# locality whose events all arrived shows no drift.


def reporting_enrollments() -> Iterator[
    tuple[
        tuple[int, str], tuple[datetime | None, bool, datetime | None, datetime | None]
    ]
]:
    """(person, course) → (first enrolled, enrolled now, last change, completed).

    "Enrolled" dates are when the learner got a place (``enrollment_created``);
    the last change is the latest such date or withdrawal of a placed enrollment
    (``enrollment_withdrawn``); completion is the first ``course_completed``.
    Waiting-list rows that never got a place are not enrollments.
    """
    placed = (
        _Enrollment.objects.filter(activated_at__isnull=False)
        .values("user_id", "course_key")
        .annotate(
            first=Min("activated_at"),
            last_placed=Max("activated_at"),
            last_withdrawn=Max("withdrawn_at"),
            open_rows=Count("pk", filter=Q(status=_Enrollment.Status.ACTIVE)),
        )
        .order_by()
    )
    completed = {
        (r["user_id"], r["course_key"]): r["first"]
        for r in _CourseCompletion.objects.values("user_id", "course_key")
        .annotate(first=Min("completed_at"))
        .order_by()
    }
    for row in placed.iterator(chunk_size=5000):
        key = (row["user_id"], row["course_key"])
        changes = [d for d in (row["last_placed"], row["last_withdrawn"]) if d]
        yield (
            key,
            (
                row["first"],
                row["open_rows"] > 0,
                max(changes),
                completed.pop(key, None),
            ),
        )
    for key, done in completed.items():  # completed without a placed enrollment
        yield key, (None, False, None, done)


def reporting_activity_days(*, since: datetime) -> set[tuple[int, date]]:
    """(person, Bogotá day) pairs on which ``learner_active`` was sent, from ``since``."""
    return set(
        _ActiveDay.objects.filter(day__gte=timezone.localdate(since))
        .values_list("user_id", "day")
        .distinct()
        .order_by()
    )
