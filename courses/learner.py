"""The learner's side of a course: recording lesson views, what the course page
offers next, and opening a cohort of a course.

The learning records (a layer below) keep every record; this module makes sure
they know the course's rule first, since a course published before they existed
may have none yet.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction

from lms.learning import api as learning_api

from .errors import CourseError
from .learning_rule import ensure_learning_rule, sync_learning_rule

__all__ = [
    "learner_course_context",
    "open_cohort",
    "path_progress",
    "record_lesson_view",
]

logger = logging.getLogger(__name__)


def record_lesson_view(course_key: str, lesson_key: str, user) -> None:
    """A signed-in learner opened an offered lesson: record it (auto-enrolls).

    Staff with access to this locality's admin (editors, trainers, facilitators,
    managers) open lessons to check them: their views are recorded only once they
    enrolled themselves (the course page's «Inscribirme»), so checking a course
    never enrolls anyone or counts toward the program's figures.
    """
    if not user.is_authenticated:
        return

    def may_enroll() -> bool:
        # Asked only when the person is not enrolled: a repeat view reads no
        # permissions.
        return not user.has_perm("wagtailadmin.access_admin")

    ensure_learning_rule(course_key)
    try:
        learning_api.record_lesson_view(
            user.pk, course_key, lesson_key, may_enroll=may_enroll
        )
    except learning_api.LearningError:
        # Published after the rule was taken: a fresh sync includes it. A lesson
        # still outside the offered outline (e.g. its module is unpublished) is
        # shown but not counted; the page must not fail for that.
        sync_learning_rule(course_key)
        try:
            learning_api.record_lesson_view(
                user.pk, course_key, lesson_key, may_enroll=may_enroll
            )
        except learning_api.LearningError:
            logger.info("Lección %s fuera del temario de %s", lesson_key, course_key)


def learner_course_context(course_key: str, user) -> dict[str, object]:
    """What the course page shows a learner: enrollment, progress, where to go on,
    and ``state``, the one thing the page offers next:

    - ``visitor``: not signed in (sign in to enroll);
    - ``not_enrolled``: «Inscribirme» (also after withdrawing);
    - ``waiting``: on a cohort's waiting list;
    - ``in_progress``: «Continuar» to the next lesson;
    - ``missing``: every lesson read but not passed; ``missing`` says why, in
      Spanish (a required score or attendance);
    - ``passed``: the course is approved (its certificate follows).
    """
    if not user.is_authenticated:
        return {"state": "visitor"}
    ensure_learning_rule(course_key)
    enrollment = learning_api.get_enrollment(user.pk, course_key)
    progress = learning_api.get_course_progress(user.pk, course_key)
    missing: tuple[str, ...] = ()
    if progress.completed_at is not None:
        state = "passed"
    elif enrollment is None:
        state = "not_enrolled"
    elif enrollment.status == "waiting":
        state = "waiting"
    elif progress.lessons_done and progress.continue_url is None:
        # Nothing left to read: say what else the rule asks, without recording.
        state = "missing"
        missing = learning_api.check_completion(user.pk, course_key).missing
    else:
        state = "in_progress"
    return {
        "enrollment": enrollment,
        # A learner in a group is told where it meets next (one query more).
        "group": (
            learning_api.get_learner_cohort(enrollment.cohort_id)
            if enrollment is not None
            and enrollment.cohort_id is not None
            and enrollment.status == "active"
            and state != "passed"
            else None
        ),
        "progress": progress if enrollment or progress.lessons_done else None,
        "continue_url": progress.continue_url if progress.lessons_done else None,
        "state": state,
        "missing": missing,
        # Only someone about to enroll is offered a group to join.
        "cohorts": (
            learning_api.list_open_cohorts(course_key)
            if state == "not_enrolled"
            else []
        ),
    }


@transaction.atomic
def open_cohort(
    course_key: str,
    name: str,
    *,
    facilitator_id: int,
    starts_on: date,
    ends_on: date,
    capacity: int,
    schedule: str = "",
    place: str = "",
) -> learning_api.CohortData:
    """Open a cohort ("grupo") of a course here, for callers that hold a course
    (demo data, tests): the learning records get the course's rule first, then
    open the cohort themselves (``lms.learning.api.open_cohort`` checks that
    the facilitator holds the role in this locality). A refusal comes back as
    ``CourseError``, so callers of this API catch one kind of error.
    """
    ensure_learning_rule(course_key)
    try:
        return learning_api.open_cohort(
            course_key,
            name,
            facilitator_id=facilitator_id,
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
            schedule=schedule,
            place=place,
        )
    except learning_api.NotFacilitator as exc:
        raise CourseError(str(exc)) from exc


def path_progress(course_keys: list[str], user) -> dict:
    """A learning path's page: the visitor's standing in each of its courses
    (one query) and in the whole path; nothing for a visitor signed out."""
    if not getattr(user, "is_authenticated", False) or not course_keys:
        return {"standings": {}, "path_completed": 0, "path_percent": 0}
    standings = learning_api.summarize_courses(user.pk, course_keys)
    return {
        "standings": standings,
        "path_completed": sum(1 for s in standings.values() if s.state == "completed"),
        "path_percent": sum(s.percent for s in standings.values()) // len(course_keys),
    }
