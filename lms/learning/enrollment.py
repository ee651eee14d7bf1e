"""Enrollment: learners in courses, alone or in a cohort with a waiting list.

Invariants:
- rows are never deleted: withdrawing marks the row, re-enrolling adds one
  (history); at most one open (active or waiting) row per learner and course,
  enforced by the database;
- a full cohort puts the learner on its waiting list; a freed place goes to the
  first one waiting;
- ``enrollment_created`` and ``enrollment_withdrawn`` are sent after commit, and
  every placed or withdrawn enrollment is also an xAPI event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .data import EnrollmentData
from .errors import LearningError
from .events import record_event
from .models import Cohort as _Cohort
from .models import Enrollment as _Enrollment
from .models import Notification as _Notification
from .notifications import notify
from .rules import course_title, require_rule

__all__ = ["EnrollmentData", "add_to_cohort", "enroll", "get_enrollment", "withdraw"]


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
    require_rule(course_key)
    cohort = None
    if cohort_id is not None:
        # Lock the cohort: two people taking the last place queue here.
        cohort = _Cohort.objects.select_for_update().filter(pk=cohort_id).first()
        if cohort is None or cohort.course_key != course_key:
            raise LearningError(
                _("Ese grupo no existe o es de otro curso; elija uno de la lista.")
            )
    current = open_enrollment(user_id, course_key)
    if current is not None:
        raise LearningError(
            _(
                "Ya está en la lista de espera de este curso; no hace falta "
                "inscribirse otra vez."
            )
            if current.status == "waiting"
            else _(
                "Su inscripción en este curso ya está hecha; no hace falta "
                "inscribirse otra vez."
            )
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
    return enrollment_data(row)


@transaction.atomic
def add_to_cohort(user_id: int, cohort_id: int) -> EnrollmentData:
    """A facilitator adds a person to a cohort: enrolled in its course with it.

    Someone enrolled in the course on their own moves into the cohort (their
    progress is kept) while it has room; someone new is enrolled with it, on its
    waiting list when it is full, as ``enroll`` does. Refused, with a message
    that says why, for a person already in this cohort or in another cohort of
    the course (a person studies a course in one group).
    """
    cohort = _Cohort.objects.select_for_update().filter(pk=cohort_id).first()
    if cohort is None:
        raise LearningError(_("Ese grupo no existe; vuelva a la lista de grupos."))
    current = open_enrollment(user_id, cohort.course_key, lock=True)
    if current is None:
        return enroll(user_id, cohort.course_key, cohort_id=cohort.pk)
    if current.cohort_id == cohort.pk:
        raise LearningError(
            _("Esa persona ya está en este grupo; no hace falta agregarla otra vez.")
        )
    if current.cohort_id is not None:
        raise LearningError(
            _(
                "Esa persona ya está en otro grupo de este curso («%(name)s»). Para "
                "cambiar de grupo, esa persona se retira del curso en «Mi "
                "aprendizaje» (su avance se conserva) y después usted la agrega aquí."
            )
            % {"name": current.cohort.name}
        )
    if _taken(cohort) >= cohort.capacity:
        raise LearningError(
            _(
                "El grupo está completo (%(capacity)d cupos); agregue a esta "
                "persona en otro grupo del curso."
            )
            % {"capacity": cohort.capacity}
        )
    current.cohort = cohort
    current.save(update_fields=["cohort"])
    return enrollment_data(current)


@transaction.atomic
def withdraw(user_id: int, course_key: str) -> EnrollmentData:
    """Withdraw the learner; the row stays as history and progress is kept."""
    row = open_enrollment(user_id, course_key, lock=True)
    if row is None:
        raise LearningError(
            _("No tiene inscripción en este curso; no hay nada que retirar.")
        )
    was_active = row.status == _Enrollment.Status.ACTIVE
    row.status = _Enrollment.Status.WITHDRAWN
    row.withdrawn_at = timezone.now()
    row.save(update_fields=["status", "withdrawn_at"])
    if was_active:
        record_event(user_id, "withdrew", f"course:{course_key}", ref=f"w{row.pk}")
        transaction.on_commit(
            lambda: signals.enrollment_withdrawn.send(
                sender=None,
                user_id=user_id,
                course_key=course_key,
                enrollment_id=row.pk,
                occurred_at=row.withdrawn_at,
            ),
            robust=True,
        )
        if row.cohort_id:
            promote_waiting(row.cohort_id)
    return enrollment_data(row)


def get_enrollment(user_id: int, course_key: str) -> EnrollmentData | None:
    """The learner's open (active or waiting) enrollment in the course, if any."""
    row = open_enrollment(user_id, course_key)
    return enrollment_data(row) if row else None


def open_enrollment(
    user_id: int, course_key: str, *, lock: bool = False
) -> _Enrollment | None:
    """The learner's active or waiting row (locked for update when ``lock``)."""
    qs = _Enrollment.objects.filter(
        user_id=user_id, course_key=course_key, status__in=["active", "waiting"]
    )
    return (qs.select_for_update() if lock else qs).first()


def _taken(cohort: _Cohort) -> int:
    return _Enrollment.objects.filter(cohort=cohort, status="active").count()


def promote_waiting(cohort_id: int) -> None:
    """Give the cohort's free places to the first ones waiting (in the caller's
    transaction; the cohort row is locked so two withdrawals do not race)."""
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
    title = course_title(row.course_key)
    notify(
        row.user_id,
        _Notification.Kind.ENROLLED,
        f"e{row.pk}",
        title=_("Inscripción confirmada: %(title)s") % {"title": title},
        body=_(
            "Su inscripción en «%(title)s» quedó hecha. Puede empezar cuando quiera."
        )
        % {"title": title},
        link="/aprendizaje/",
    )
    record_event(
        row.user_id, "registered", f"course:{row.course_key}", ref=f"e{row.pk}"
    )
    transaction.on_commit(
        lambda: signals.enrollment_created.send(
            sender=None,
            user_id=row.user_id,
            course_key=row.course_key,
            enrollment_id=row.pk,
            cohort_id=row.cohort_id,
            occurred_at=row.activated_at,
        ),
        robust=True,
    )


def enrollment_data(row: _Enrollment) -> EnrollmentData:
    """The value other apps hold for an enrollment row."""
    return EnrollmentData(
        enrollment_id=row.pk,
        user_id=row.user_id,
        course_key=row.course_key,
        cohort_id=row.cohort_id,
        status=row.status,
        enrolled_at=row.enrolled_at,
        withdrawn_at=row.withdrawn_at,
    )
