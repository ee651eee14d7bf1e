"""Completion: evaluating a course's rule for a learner and recording it once.

Invariants:
- the rule is met when every required lesson is completed, every graded
  activity completed with an average best score of at least ``min_score``
  (when set), and attendance to the learner's cohort sessions at least
  ``min_attendance`` (when set); only an active enrollment completes;
- evaluation runs in the same transaction after every record that can change
  it (lesson view, graded result, quiz, attendance);
- a course is completed once: unique per learner, course and version, and never
  again after any version; ``course_completion_recorded`` is sent inside the
  recording transaction and ``course_completed`` after it commits;
- ``learner_active`` is sent at most once per learner, course and day.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import signals
from .data import CompletionCheck
from .enrollment import open_enrollment
from .events import record_event
from .models import ActiveDay as _ActiveDay
from .models import ActivityState as _ActivityState
from .models import Attendance as _Attendance
from .models import CourseCompletion as _CourseCompletion
from .models import CourseRule as _CourseRule
from .models import Enrollment as _Enrollment
from .models import InPersonSession as _InPersonSession
from .models import LessonProgress as _LessonProgress
from .models import Notification as _Notification
from .notifications import notify
from .rules import require_rule

__all__ = ["CompletionCheck", "check_completion", "evaluate_completion"]


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
    rule = require_rule(course_key)
    done = _CourseCompletion.objects.filter(
        user_id=user_id, course_key=course_key
    ).first()
    missing, score, attendance = _assess(user_id, rule)
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


def check_completion(user_id: int, course_key: str) -> CompletionCheck:
    """What ``evaluate_completion`` would say, recording nothing.

    For pages that show, on every visit, what the learner still needs (the
    course page at 100 % of lessons): reading must not write or send signals.
    ``newly_completed`` is always false.
    """
    rule = require_rule(course_key)
    done = _CourseCompletion.objects.filter(
        user_id=user_id, course_key=course_key
    ).first()
    missing, score, attendance = _assess(user_id, rule)
    return CompletionCheck(
        course_key=course_key,
        met=not missing or done is not None,
        missing=tuple(missing) if done is None else (),
        score_percent=score,
        attendance_percent=attendance,
        completed_at=done.completed_at if done else None,
        newly_completed=False,
    )


def _assess(
    user_id: int, rule: _CourseRule
) -> tuple[list[str], float | None, float | None]:
    """What is still missing (in the order the learner reads it), the score and
    the attendance."""
    enrollment = open_enrollment(user_id, rule.course_key)
    missing = _missing_lessons(user_id, rule)
    score, missing_score = _score(user_id, rule)
    attendance, missing_attendance = _attendance(user_id, rule, enrollment)
    missing += missing_score + missing_attendance
    if enrollment is None or enrollment.status != "active":
        missing.append(_("Tener la inscripción activa en el curso."))
    return missing, score, attendance


def _missing_lessons(user_id: int, rule: _CourseRule) -> list[str]:
    required = rule.required_lesson_keys
    completed = set(
        _LessonProgress.objects.filter(
            user_id=user_id, lesson_key__in=required, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
    pending = [k for k in required if k not in completed]
    if pending:
        return [
            ngettext(
                "Completar %(n)d lección obligatoria.",
                "Completar %(n)d lecciones obligatorias.",
                len(pending),
            )
            % {"n": len(pending)}
        ]
    return []


def _score(user_id: int, rule: _CourseRule) -> tuple[float | None, list[str]]:
    """The average best score over the graded activities (missing ones count 0),
    and what is missing on that side; ``None`` when nothing is graded."""
    graded = rule.graded_activity_keys
    if not graded:
        return None, []
    states = {
        s.activity_key: s
        for s in _ActivityState.objects.filter(user_id=user_id, activity_key__in=graded)
    }
    missing = []
    unfinished = [k for k in graded if not (k in states and states[k].completed)]
    if unfinished:
        missing.append(
            ngettext(
                "Terminar %(n)d actividad calificada.",
                "Terminar %(n)d actividades calificadas.",
                len(unfinished),
            )
            % {"n": len(unfinished)}
        )
    scores = [(states[k].best_score_scaled or 0) if k in states else 0 for k in graded]
    score = round(100 * sum(scores) / len(scores), 1)
    if rule.min_score is not None and score < rule.min_score:
        missing.append(
            _(
                "Subir el promedio de las actividades calificadas a %(min)s %% "
                "(lleva %(score)s %%)."
            )
            % {"min": rule.min_score, "score": floatformat(score, -1)}
        )
    return score, missing


def _attendance(
    user_id: int, rule: _CourseRule, enrollment: _Enrollment | None
) -> tuple[float | None, list[str]]:
    """Attendance to the learner's cohort sessions, when the rule asks for it,
    and what is missing on that side."""
    if not rule.min_attendance:
        return None, []
    attendance = _attendance_percent(user_id, enrollment)
    if attendance is None:
        return None, [
            _(
                "Inscribirse en un grupo con sesiones presenciales y asistir al "
                "menos al %(min)s %%."
            )
            % {"min": rule.min_attendance}
        ]
    if attendance < rule.min_attendance:
        return attendance, [
            _("Asistir al menos al %(min)s %% de las sesiones (lleva %(att)s %%).")
            % {"min": rule.min_attendance, "att": floatformat(attendance, -1)}
        ]
    return attendance, []


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
    record_event(user_id, "completed", f"course:{rule.course_key}", ref="done")
    notify(
        user_id,
        _Notification.Kind.COMPLETED,
        rule.course_key,
        title=_("¡Aprobó %(title)s!") % {"title": rule.title or rule.course_key},
        body=_(
            "Completó «%(title)s». Su certificado estará en «Mi aprendizaje» en "
            "unos minutos."
        )
        % {"title": rule.title or rule.course_key},
        link="/aprendizaje/",
    )
    signals.course_completion_recorded.send(
        sender=None,
        user_id=user_id,
        course_key=rule.course_key,
        course_version=rule.version,
        completed_at=now,
        occurred_at=now,
    )
    transaction.on_commit(
        lambda: signals.course_completed.send(
            sender=None,
            user_id=user_id,
            course_key=rule.course_key,
            course_version=rule.version,
            completed_at=now,
            occurred_at=now,
        ),
        robust=True,
    )
    return row


def mark_active(user_id: int, course_key: str, *, at: datetime | None = None) -> None:
    """Send ``learner_active`` after commit, once per learner, course and day.

    ``at`` is when the learner was active, if not now (a view recorded later by
    a task counts the day it was made).
    """
    now = at or timezone.now()
    _row, created = _ActiveDay.objects.get_or_create(
        user_id=user_id, course_key=course_key, day=timezone.localdate(now)
    )
    if created:
        transaction.on_commit(
            lambda: signals.learner_active.send(
                sender=None, user_id=user_id, course_key=course_key, occurred_at=now
            ),
            robust=True,
        )


def after_activity_result(
    user_id: int, activity_key: str, *, evaluate: bool = True
) -> None:
    """A new result in ``activity_key``: every course grading it that the learner
    is enrolled in counts the day as active and, with ``evaluate`` (the result
    changed the activity's completion or best score), is evaluated again."""
    rules = _CourseRule.objects.filter(graded_activity_keys__contains=[activity_key])
    for course_key in rules.values_list("course_key", flat=True):
        if open_enrollment(user_id, course_key) is not None:
            mark_active(user_id, course_key)
            if evaluate:
                evaluate_completion(user_id, course_key)
