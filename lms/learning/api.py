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
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from tenants import api as tenants_api

from . import personal_data as _personal_data
from . import signals
from .data import (
    ActivityStateData,
    AttendanceImport,
    CohortData,
    CompletionCheck,
    CourseProgress,
    EnrollmentData,
    LessonRef,
    ModuleProgress,
    QuizResult,
    RecordResult,
    SessionData,
)
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
from .people import count_sessions_attended, learner_id_subqueries

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
    "count_sessions_attended",
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
    "learner_id_subqueries",
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

_VERBS = "http://adlnet.gov/expapi/verbs/"
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


# --- Issue #6: enrollment, progress, completion --------------------------------------


class LearningError(ValueError):
    """A learning action cannot be done; the message (Spanish) says why and what to do."""


@transaction.atomic
def set_course_rule(
    course_key: str,
    *,
    version: int,
    title: str,
    url: str,
    lessons: Iterable[LessonRef],
    graded_activity_keys: Iterable[str] = (),
    min_score: int | None = None,
    min_attendance: int | None = None,
) -> None:
    """Record what completing the course requires here (called by ``courses``).

    ``lessons`` is the offered outline in order; the required ones are those with
    ``required=True``. Called again for each new version: progress is kept by
    stable keys, so nothing a learner did is lost.
    """
    outline = [
        {
            "key": ref.key,
            "title": ref.title,
            "url": ref.url,
            "module_key": ref.module_key,
            "module_title": ref.module_title,
            "required": ref.required,
        }
        for ref in lessons
    ]
    _CourseRule.objects.update_or_create(
        course_key=course_key,
        defaults={
            "version": version,
            "title": title,
            "url": url,
            "lessons": outline,
            "required_lesson_keys": [o["key"] for o in outline if o["required"]],
            "graded_activity_keys": sorted(set(graded_activity_keys)),
            "min_score": min_score,
            "min_attendance": min_attendance,
        },
    )


def get_course_rule_version(course_key: str) -> int | None:
    """The course version whose rule is recorded here (None if none)."""
    return (
        _CourseRule.objects.filter(course_key=course_key)
        .values_list("version", flat=True)
        .first()
    )


def _rule(course_key: str) -> _CourseRule:
    rule = _CourseRule.objects.filter(course_key=course_key).first()
    if rule is None:
        raise LearningError(
            f"El curso «{course_key}» no se ofrece en esta localidad; "
            "revise la dirección o elija un curso del catálogo."
        )
    return rule


@transaction.atomic
def enroll(
    user_id: int, course_key: str, *, cohort_id: int | None = None
) -> EnrollmentData:
    """Enroll the learner in the course, alone or in a cohort ("grupo").

    A full cohort puts the learner on its waiting list (status ``waiting``);
    withdrawing frees a place for the first one waiting. Enrolling twice is
    refused with a message. Sends ``enrollment_created`` after commit (not for
    the waiting list: the learner is not enrolled yet).
    """
    _rule(course_key)
    cohort = None
    if cohort_id is not None:
        # Lock the cohort: two people taking the last place queue here.
        cohort = _Cohort.objects.select_for_update().filter(pk=cohort_id).first()
        if cohort is None or cohort.course_key != course_key:
            raise LearningError(
                "Ese grupo no existe o es de otro curso; elija uno de la lista."
            )
    current = _open_enrollment(user_id, course_key)
    if current is not None:
        state = "en la lista de espera" if current.status == "waiting" else "inscrita"
        raise LearningError(
            f"Ya está {state} en este curso; no hace falta inscribirse otra vez."
        )
    status = _Enrollment.Status.ACTIVE
    if cohort is not None and _taken(cohort) >= cohort.capacity:
        status = _Enrollment.Status.WAITING
    now = timezone.now()
    row = _Enrollment.objects.create(
        user_id=user_id,
        course_key=course_key,
        cohort=cohort,
        status=status,
        enrolled_at=now,
        activated_at=now if status == _Enrollment.Status.ACTIVE else None,
    )
    if status == _Enrollment.Status.ACTIVE:
        _announce_enrollment(row)
    return _enrollment_data(row)


@transaction.atomic
def withdraw(user_id: int, course_key: str) -> EnrollmentData:
    """Withdraw the learner; the row stays as history and progress is kept."""
    row = _open_enrollment(user_id, course_key, lock=True)
    if row is None:
        raise LearningError("No está inscrita en este curso; no hay nada que retirar.")
    was_active = row.status == _Enrollment.Status.ACTIVE
    row.status = _Enrollment.Status.WITHDRAWN
    row.withdrawn_at = timezone.now()
    row.save(update_fields=["status", "withdrawn_at"])
    if was_active:
        _statement(user_id, "withdrew", f"course:{course_key}", ref=f"w{row.pk}")
        transaction.on_commit(
            lambda: signals.enrollment_withdrawn.send(
                sender=None,
                user_id=user_id,
                course_key=course_key,
                enrollment_id=row.pk,
                occurred_at=row.withdrawn_at,
            )
        )
        if row.cohort_id:
            _promote_waiting(row.cohort_id)
    return _enrollment_data(row)


def get_enrollment(user_id: int, course_key: str) -> EnrollmentData | None:
    """The learner's open (active or waiting) enrollment in the course, if any."""
    row = _open_enrollment(user_id, course_key)
    return _enrollment_data(row) if row else None


def _open_enrollment(
    user_id: int, course_key: str, *, lock: bool = False
) -> _Enrollment | None:
    qs = _Enrollment.objects.filter(
        user_id=user_id, course_key=course_key, status__in=["active", "waiting"]
    )
    return (qs.select_for_update() if lock else qs).first()


def _taken(cohort: _Cohort) -> int:
    return _Enrollment.objects.filter(cohort=cohort, status="active").count()


def _promote_waiting(cohort_id: int) -> None:
    cohort = _Cohort.objects.select_for_update().get(pk=cohort_id)
    free = cohort.capacity - _taken(cohort)
    waiting = _Enrollment.objects.filter(cohort=cohort, status="waiting").order_by(
        "enrolled_at", "pk"
    )[: max(free, 0)]
    for row in waiting:
        row.status = _Enrollment.Status.ACTIVE
        row.activated_at = timezone.now()
        row.save(update_fields=["status", "activated_at"])
        _announce_enrollment(row)


def _announce_enrollment(row: _Enrollment) -> None:
    title = (
        _CourseRule.objects.filter(course_key=row.course_key)
        .values_list("title", flat=True)
        .first()
        or row.course_key
    )
    _notify(
        row.user_id,
        _Notification.Kind.ENROLLED,
        f"e{row.pk}",
        title=f"Inscripción confirmada: {title}",
        body=f"Quedó inscrita en «{title}». Puede empezar cuando quiera.",
        link="/aprendizaje/",
    )
    _statement(row.user_id, "registered", f"course:{row.course_key}", ref=f"e{row.pk}")
    transaction.on_commit(
        lambda: signals.enrollment_created.send(
            sender=None,
            user_id=row.user_id,
            course_key=row.course_key,
            enrollment_id=row.pk,
            cohort_id=row.cohort_id,
            occurred_at=row.activated_at,
        )
    )


@transaction.atomic
def record_lesson_view(user_id: int, course_key: str, lesson_key: str) -> None:
    """The learner opened a lesson: viewed and completed (its content was read).

    Graded activities inside the lesson count separately (score rule). A learner
    never enrolled is enrolled on the first view (self-enrollment); one who
    withdrew keeps their views recorded but is not enrolled again by reading.
    Raises ``LearningError`` for a lesson the course no longer offers.
    """
    rule = _rule(course_key)
    if lesson_key not in {o["key"] for o in rule.lessons}:
        raise LearningError(
            f"La lección «{lesson_key}» ya no forma parte del curso; "
            "vuelva a la página del curso para seguir."
        )
    if not _Enrollment.objects.filter(user_id=user_id, course_key=course_key).exists():
        enroll(user_id, course_key)
    now = timezone.now()
    row, created = _LessonProgress.objects.get_or_create(
        user_id=user_id,
        lesson_key=lesson_key,
        defaults={
            "course_key": course_key,
            "first_viewed_at": now,
            "last_viewed_at": now,
            "completed_at": now,
        },
    )
    if not created:
        row.last_viewed_at = now
        row.course_key = course_key
        row.save(update_fields=["last_viewed_at", "course_key"])
    if created:
        _statement(user_id, "experienced", f"lesson:{lesson_key}", ref="view")
    _mark_active(user_id, course_key)
    evaluate_completion(user_id, course_key)


def _mark_active(user_id: int, course_key: str) -> None:
    now = timezone.now()
    _, created = _ActiveDay.objects.get_or_create(
        user_id=user_id, course_key=course_key, day=timezone.localdate(now)
    )
    if created:
        transaction.on_commit(
            lambda: signals.learner_active.send(
                sender=None, user_id=user_id, course_key=course_key, occurred_at=now
            )
        )


def _after_activity(user_id: int, activity_key: str) -> None:
    rules = _CourseRule.objects.filter(graded_activity_keys__contains=[activity_key])
    for course_key in rules.values_list("course_key", flat=True):
        if _open_enrollment(user_id, course_key) is not None:
            _mark_active(user_id, course_key)
            evaluate_completion(user_id, course_key)


@transaction.atomic
def evaluate_completion(user_id: int, course_key: str) -> CompletionCheck:
    """Evaluate the course's rule for the learner; record completion once.

    Met when every required lesson is completed, every graded activity completed
    with an average best score at least ``min_score`` (when set), and attendance
    to the learner's cohort sessions at least ``min_attendance`` (when set).
    Only an active enrollment completes. The first time it is met the
    completion is stored (with the rule and version) and ``course_completed`` is
    sent after commit; later evaluations report it and record nothing.
    """
    rule = _rule(course_key)
    done = _CourseCompletion.objects.filter(
        user_id=user_id, course_key=course_key
    ).first()
    missing: list[str] = []
    required = rule.required_lesson_keys
    completed = set(
        _LessonProgress.objects.filter(
            user_id=user_id, lesson_key__in=required, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
    pending = [k for k in required if k not in completed]
    if pending:
        missing.append(f"Completar {len(pending)} lección(es) obligatoria(s).")
    score = None
    graded = rule.graded_activity_keys
    if graded:
        states = {
            s.activity_key: s
            for s in _ActivityState.objects.filter(
                user_id=user_id, activity_key__in=graded
            )
        }
        unfinished = [k for k in graded if not (k in states and states[k].completed)]
        if unfinished:
            missing.append(f"Terminar {len(unfinished)} actividad(es) calificada(s).")
        scores = [
            (states[k].best_score_scaled or 0) if k in states else 0 for k in graded
        ]
        score = round(100 * sum(scores) / len(scores), 1)
        if rule.min_score is not None and score < rule.min_score:
            missing.append(
                f"Subir el promedio de las actividades calificadas a {rule.min_score} % "
                f"(lleva {score:g} %)."
            )
    attendance = None
    enrollment = _open_enrollment(user_id, course_key)
    if rule.min_attendance:
        attendance = _attendance_percent(user_id, enrollment)
        if attendance is None:
            missing.append(
                "Inscribirse en un grupo con sesiones presenciales "
                f"y asistir al menos al {rule.min_attendance} %."
            )
        elif attendance < rule.min_attendance:
            missing.append(
                f"Asistir al menos al {rule.min_attendance} % de las sesiones "
                f"(lleva {attendance:g} %)."
            )
    if enrollment is None or enrollment.status != "active":
        missing.append("Estar inscrita en el curso.")
    met = not missing
    newly = False
    if met and done is None:
        done = _complete(user_id, rule, score=score, attendance=attendance)
        newly = done is not None
    return CompletionCheck(
        course_key=course_key,
        met=met or done is not None,
        missing=tuple(missing) if done is None else (),
        score_percent=score,
        attendance_percent=attendance,
        completed_at=done.completed_at if done else None,
        newly_completed=newly,
    )


def _attendance_percent(user_id: int, enrollment: _Enrollment | None) -> float | None:
    if enrollment is None or enrollment.cohort_id is None:
        return None
    sessions = _InPersonSession.objects.filter(cohort_id=enrollment.cohort_id)
    total = sessions.count()
    if not total:
        return None
    present = _Attendance.objects.filter(user_id=user_id, session__in=sessions).count()
    return round(100 * present / total, 1)


def _complete(
    user_id: int, rule: _CourseRule, *, score: float | None, attendance: float | None
) -> _CourseCompletion | None:
    now = timezone.now()
    try:
        # Savepoint: a concurrent evaluation that won the race is not an error.
        with transaction.atomic():
            row = _CourseCompletion.objects.create(
                user_id=user_id,
                course_key=rule.course_key,
                course_version=rule.version,
                completed_at=now,
                rule={
                    "version": rule.version,
                    "required_lesson_keys": rule.required_lesson_keys,
                    "graded_activity_keys": rule.graded_activity_keys,
                    "min_score": rule.min_score,
                    "min_attendance": rule.min_attendance,
                    "score_percent": score,
                    "attendance_percent": attendance,
                },
            )
    except IntegrityError:
        return None
    _statement(user_id, "completed", f"course:{rule.course_key}", ref="done")
    _notify(
        user_id,
        _Notification.Kind.COMPLETED,
        rule.course_key,
        title=f"¡Aprobó {rule.title or rule.course_key}!",
        body=(
            f"Completó «{rule.title or rule.course_key}». Su certificado estará en "
            "«Mi aprendizaje» en unos minutos."
        ),
        link="/aprendizaje/",
    )
    transaction.on_commit(
        lambda: signals.course_completed.send(
            sender=None,
            user_id=user_id,
            course_key=rule.course_key,
            course_version=rule.version,
            completed_at=now,
            occurred_at=now,
        )
    )
    return row


def get_course_progress(user_id: int, course_key: str) -> CourseProgress:
    """Lessons completed over lessons offered, per module and course, and where
    to continue (the first unfinished lesson after the last one opened)."""
    rule = _rule(course_key)
    return _progress(user_id, rule)


def _progress(user_id: int, rule: _CourseRule) -> CourseProgress:
    rows = {
        p.lesson_key: p
        for p in _LessonProgress.objects.filter(
            user_id=user_id, course_key=rule.course_key
        )
    }
    outline = rule.lessons
    done = [o for o in outline if o["key"] in rows and rows[o["key"]].completed_at]
    modules: dict[str, list] = {}
    titles: dict[str, str] = {}
    for o in outline:
        modules.setdefault(o["module_key"], []).append(o)
        titles[o["module_key"]] = o["module_title"]
    next_lesson = None
    if rows:
        last = max(rows.values(), key=lambda p: p.last_viewed_at).lesson_key
        keys = [o["key"] for o in outline]
        start = keys.index(last) if last in keys else 0
        ordered = outline[start:] + outline[:start]
        next_lesson = next(
            (
                o
                for o in ordered
                if not (o["key"] in rows and rows[o["key"]].completed_at)
            ),
            None,
        )
    completion = _CourseCompletion.objects.filter(
        user_id=user_id, course_key=rule.course_key
    ).first()
    return CourseProgress(
        course_key=rule.course_key,
        title=rule.title,
        url=rule.url,
        percent=_percent(len(done), len(outline)),
        lessons_done=len(done),
        lessons_total=len(outline),
        modules=tuple(
            ModuleProgress(
                key=key,
                title=titles[key],
                percent=_percent(sum(1 for o in items if o in done), len(items)),
            )
            for key, items in modules.items()
        ),
        continue_url=next_lesson["url"] if next_lesson else None,
        next_lesson_title=next_lesson["title"] if next_lesson else None,
        completed_at=completion.completed_at if completion else None,
    )


def _percent(part: int, whole: int) -> int:
    return int(100 * part / whole) if whole else 0


def list_my_courses(user_id: int) -> list[CourseProgress]:
    """«Mi aprendizaje»: the learner's open enrollments with their progress."""
    keys = list(
        _Enrollment.objects.filter(user_id=user_id, status__in=["active", "waiting"])
        .order_by("-enrolled_at")
        .values_list("course_key", flat=True)
    )
    rules = {r.course_key: r for r in _CourseRule.objects.filter(course_key__in=keys)}
    return [_progress(user_id, rules[k]) for k in keys if k in rules]


def _enrollment_data(row: _Enrollment) -> EnrollmentData:
    return EnrollmentData(
        enrollment_id=row.pk,
        user_id=row.user_id,
        course_key=row.course_key,
        cohort_id=row.cohort_id,
        status=row.status,
        enrolled_at=row.enrolled_at,
        withdrawn_at=row.withdrawn_at,
    )


def _statement(user_id: int, verb: str, activity_key: str, *, ref: str) -> None:
    """Record a platform event as an xAPI statement too (idempotent by its id).

    The id is derived from the event, so recording the same event twice stores
    one statement. These statements do not touch activity states.
    """
    statement_id = uuid.uuid5(
        _EVENT_NAMESPACE, f"{user_id}|{verb}|{activity_key}|{ref}"
    )
    verb_id = _VERBS + verb
    _XapiStatement.objects.bulk_create(
        [
            _XapiStatement(
                statement_id=statement_id,
                user_id=user_id,
                activity_key=activity_key,
                verb=verb_id,
                counts_for_activity=False,
                statement={
                    "id": str(statement_id),
                    "verb": {"id": verb_id},
                    "object": {"id": f"urn:lms:{activity_key}"},
                    "timestamp": timezone.now().isoformat(),
                },
            )
        ],
        ignore_conflicts=True,
    )


_EVENT_NAMESPACE = uuid.UUID("6f1f6a52-3c2e-4a8e-9a55-5b7f0e0c6a06")


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


def _notify(
    user_id: int, kind: str, ref: str, *, title: str, body: str, link: str = ""
) -> bool:
    """Make the notice once (per person, kind and reference) and email it after
    commit, from Celery in this locality's schema. Returns whether it is new."""
    row, created = _Notification.objects.get_or_create(
        user_id=user_id,
        kind=kind,
        ref=ref[:120],
        defaults={"title": title, "body": body, "link": link},
    )
    if created:
        from .tasks import send_notification_email_task

        transaction.on_commit(lambda: send_notification_email_task.delay(row.pk))
    return created


def list_notifications(user_id: int, *, limit: int = 10) -> list[dict[str, Any]]:
    """The learner's latest notices in this locality (shown in «Mi aprendizaje»)."""
    rows = _Notification.objects.filter(user_id=user_id).order_by("-created_at")
    return [
        {"title": r.title, "body": r.body, "link": r.link, "created_at": r.created_at}
        for r in rows[:limit]
    ]


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
