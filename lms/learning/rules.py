"""Course rules: what completing each course requires in this locality.

``courses`` (a layer above, never imported here) tells this module each course's
outline and rule; every other topic reads the rule by the course's stable key.
Invariant: progress is kept by stable keys, so a new version of a rule loses
nothing a learner did.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from .data import LessonRef
from .errors import LearningError
from .models import CourseRule as _CourseRule

__all__ = [
    "LessonRef",
    "a_better_score_counts",
    "get_course_rule_version",
    "set_course_rule",
]


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


def require_rule(course_key: str) -> _CourseRule:
    """The course's rule, or ``LearningError`` when it is not offered here."""
    rule = _CourseRule.objects.filter(course_key=course_key).first()
    if rule is None:
        raise LearningError(
            _(
                "El curso «%(course)s» no se ofrece en esta localidad; revise la "
                "dirección o elija un curso del catálogo."
            )
            % {"course": course_key}
        )
    return rule


def course_title(course_key: str) -> str:
    """The course's title as ``courses`` last told it (its key if none)."""
    return (
        _CourseRule.objects.filter(course_key=course_key)
        .values_list("title", flat=True)
        .first()
        or course_key
    )


def a_better_score_counts(activity_key: str) -> bool:
    """Whether a better score on the activity can still matter here: a course of
    this locality grades it and asks for a minimum average (each activity counts
    by its best score). Otherwise, once passed, another attempt changes nothing."""
    return _CourseRule.objects.filter(
        graded_activity_keys__contains=[activity_key], min_score__isnull=False
    ).exists()
